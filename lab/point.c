/*
** point.c: a run's identity text and its 128-bit FNV-1a key (see point.h).
*/
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "point.h"
#include "version.h"
#include "weights.h"

/* 128-bit FNV-1a: offset basis 0x6c62272e07bb014262b821756295c58d, prime
** 2^88 + 0x13b, computed on two 64-bit halves (C11 has no 128-bit type). */
struct fnv128 {
	uint64_t hi, lo;
};

static void fnv128_init(struct fnv128 *h)
{
	h->hi = 0x6c62272e07bb0142ull;
	h->lo = 0x62b821756295c58dull;
}

static void fnv128_add(struct fnv128 *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		uint64_t lo = h->lo ^ p[i], hi = h->hi;
		/* (hi:lo) * 0x13b, the low half split so no product overflows */
		uint64_t b = (lo & 0xffffffffu) * 0x13bu, a = (lo >> 32) * 0x13bu;
		uint64_t low = b + (a << 32);
		uint64_t carry = (a >> 32) + (low < b);

		/* + (hi:lo) << 88, which only reaches the high half */
		h->hi = hi * 0x13bu + carry + (lo << 24);
		h->lo = low;
	}
}

static void fnv128_hex_out(const struct fnv128 *h, char out[POINT_KEY_HEX + 1])
{
	snprintf(out, POINT_KEY_HEX + 1, "%016" PRIx64 "%016" PRIx64, h->hi, h->lo);
}

void fnv128_hex(const void *data, size_t len, char out[POINT_KEY_HEX + 1])
{
	struct fnv128 h;

	fnv128_init(&h);
	fnv128_add(&h, data, len);
	fnv128_hex_out(&h, out);
}

int file_hash(const char *path, char out[POINT_KEY_HEX + 1], struct gs_err *err)
{
	unsigned char buf[1 << 16];
	struct fnv128 h;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	fnv128_init(&h);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fnv128_add(&h, buf, n);
	if (ferror(f)) {
		fclose(f);
		return gs_errf(err, "%s: read error", path);
	}
	fclose(f);
	fnv128_hex_out(&h, out);
	return 0;
}

/* Append to a growing string; -1 when out of memory. */
struct text {
	char *s;
	size_t len, cap;
};

static int text_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int text_addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *s = realloc(t->s, cap);

		if (!s)
			return -1;
		t->s = s;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
	return 0;
}

int point_identity(const struct gs_config *cfg, const struct point_source *src,
		   char **text, struct gs_err *err)
{
	struct gs_config anon = *cfg;
	struct text t = { 0 };
	char hex[POINT_KEY_HEX + 1];
	char *dump;
	int bad = 0;

	*text = NULL;
	/* The machine's name does not change what it computes. */
	snprintf(anon.name, sizeof anon.name, "-");
	dump = cfg_dump(&anon);
	if (!dump)
		return gs_errf(err, "out of memory");
	bad |= text_addf(&t, "gssim-point 1\ngssim: %s\nconfig:\n%s", GSSIM_VERSION, dump);
	free(dump);
	if (src->trace) {
		if (src->trace_hash)
			snprintf(hex, sizeof hex, "%s", src->trace_hash);
		else if (file_hash(src->trace, hex, err))
			goto fail;
		bad |= text_addf(&t, "trace: %s\n", hex);
	} else {
		bad |= text_addf(&t, "layer: %s\n", src->layer ? src->layer : "-");
		if (src->gsf) {
			if (file_hash(src->gsf, hex, err))
				goto fail;
			bad |= text_addf(&t, "gsf: %s\n", hex);
		} else {
			if (src->weights) {
				if (file_hash(src->weights, hex, err))
					goto fail;
				bad |= text_addf(&t, "weights: %s\n", hex);
			} else {
				bad |= text_addf(&t, "weights: synthetic %s\n",
						 src->dist == WEIGHTS_LAPLACE ? "laplace" : "gaussian");
			}
			bad |= text_addf(&t, "pattern: %s\nsparsity: %.17g\n",
					 src->pattern ? src->pattern : "-", src->sparsity);
		}
		bad |= text_addf(&t, "batch: %u\nvariant: %s\n", src->batch ? src->batch : 1,
				 src->variant == SPMM_SCATTER ? "scatter" : "store");
	}
	bad |= text_addf(&t, "seed: %" PRIu64 "\n", src->seed);
	if (bad) {
		gs_errf(err, "out of memory");
		goto fail;
	}
	*text = t.s;
	return 0;
fail:
	free(t.s);
	return -1;
}

int point_key(const struct gs_config *cfg, const struct point_source *src,
	      char out[POINT_KEY_HEX + 1], struct gs_err *err)
{
	char *text;

	if (point_identity(cfg, src, &text, err))
		return -1;
	fnv128_hex(text, strlen(text), out);
	free(text);
	return 0;
}
