/*
** npy.c: .npy reader and writer (see npy.h). Format: the 6-byte magic
** "\x93NUMPY", major and minor version, a little-endian header length
** (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict literal with the keys
** 'descr', 'fortran_order' and 'shape', then the raw array data.
** Every check reports the byte offset in the file where it failed.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fp16.h"
#include "npy.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* numpy itself refuses headers past 10000 bytes by default; be generous. */
#define NPY_MAX_HEADER (1u << 20)

struct npy_hdr {
	int ndim;
	uint64_t shape[TENSOR_MAX_DIMS];
	int itemsize;		/* 2 or 4 */
	int big_endian;
	uint64_t data_off;
	uint64_t numel;
	uint64_t nbytes;
};

/* The dict parser's cursor; pos counts from the dict's first byte, which
** is at byte `base` of the file. */
struct cursor {
	const char *name;
	const unsigned char *s;
	size_t n, pos;
	uint64_t base;
	struct gs_err *err;
};

uint64_t tensor_numel(const struct tensor *t)
{
	uint64_t n = 1;
	int i;

	if (t->ndim < 1 || t->ndim > TENSOR_MAX_DIMS)
		return 0;
	for (i = 0; i < t->ndim; i++)
		n *= t->shape[i];
	return n;
}

void tensor_free(struct tensor *t)
{
	free(t->data);
	memset(t, 0, sizeof(*t));
}

static int cur_err(struct cursor *c, const char *what)
{
	return gs_errf(c->err, "%s: byte %llu: %s", c->name,
		       (unsigned long long)(c->base + c->pos), what);
}

static void skip_ws(struct cursor *c)
{
	while (c->pos < c->n && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
				 c->s[c->pos] == '\n' || c->s[c->pos] == '\r'))
		c->pos++;
}

/* Skip whitespace, then consume ch if it is next. */
static int accept(struct cursor *c, char ch)
{
	skip_ws(c);
	if (c->pos < c->n && c->s[c->pos] == (unsigned char)ch) {
		c->pos++;
		return 1;
	}
	return 0;
}

static int expect(struct cursor *c, char ch, const char *what)
{
	char msg[96];

	if (accept(c, ch))
		return 0;
	snprintf(msg, sizeof(msg), "header: expected %s", what);
	return cur_err(c, msg);
}

/* A quoted string without escapes, copied into out (truncated to outlen). */
static int parse_string(struct cursor *c, char *out, size_t outlen)
{
	unsigned char q;
	size_t start, len;

	skip_ws(c);
	if (c->pos >= c->n || (c->s[c->pos] != '\'' && c->s[c->pos] != '"'))
		return cur_err(c, "header: expected a quoted string");
	q = c->s[c->pos++];
	start = c->pos;
	while (c->pos < c->n && c->s[c->pos] != q) {
		if (c->s[c->pos] == '\\' || c->s[c->pos] < 0x20)
			return cur_err(c, "header: unsupported character in string");
		c->pos++;
	}
	if (c->pos >= c->n)
		return cur_err(c, "header: unterminated string");
	len = c->pos - start;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, c->s + start, len);
	out[len] = '\0';
	c->pos++;
	return 0;
}

static int parse_bool(struct cursor *c, int *v)
{
	skip_ws(c);
	if (c->n - c->pos >= 4 && !memcmp(c->s + c->pos, "True", 4)) {
		c->pos += 4;
		*v = 1;
	} else if (c->n - c->pos >= 5 && !memcmp(c->s + c->pos, "False", 5)) {
		c->pos += 5;
		*v = 0;
	} else {
		return cur_err(c, "header: fortran_order: expected True or False");
	}
	return 0;
}

static int parse_dim(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;
	size_t start;

	skip_ws(c);
	start = c->pos;
	while (c->pos < c->n && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
		unsigned d = c->s[c->pos] - '0';

		if (x > (UINT64_MAX - d) / 10) {
			c->pos = start;
			return cur_err(c, "header: shape: dimension too large");
		}
		x = x * 10 + d;
		c->pos++;
	}
	if (c->pos == start)
		return cur_err(c, "header: shape: expected a non-negative integer");
	if (c->pos < c->n && c->s[c->pos] == 'L')	/* Python 2 long */
		c->pos++;
	*v = x;
	return 0;
}

static int parse_shape(struct cursor *c, struct npy_hdr *h)
{
	uint64_t dim = 0;
	size_t open_pos, at;
	int commas = 0;

	h->ndim = 0;
	if (expect(c, '(', "'(' opening the shape tuple"))
		return -1;
	open_pos = c->pos - 1;
	while (!accept(c, ')')) {
		if (h->ndim > 0 && !commas)
			return cur_err(c, "header: shape: expected ',' or ')'");
		skip_ws(c);
		at = c->pos;
		if (parse_dim(c, &dim))
			return -1;
		if (h->ndim == TENSOR_MAX_DIMS) {
			c->pos = at;
			char msg[96];

			snprintf(msg, sizeof(msg), "shape has more than %d dimensions",
				 TENSOR_MAX_DIMS);
			return cur_err(c, msg);
		}
		if (dim == 0)
			return cur_err(c, "shape: a dimension is 0 (empty arrays are not supported)");
		h->shape[h->ndim++] = dim;
		commas = accept(c, ',');
	}
	if (h->ndim == 0) {
		c->pos = open_pos;
		return cur_err(c, "shape () is a scalar (need 1 to 4 dimensions)");
	}
	if (h->ndim == 1 && !commas) {
		c->pos = open_pos;
		return cur_err(c, "shape: (N) is not a tuple (numpy writes (N,))");
	}
	return 0;
}

static int parse_descr(struct cursor *c, struct npy_hdr *h)
{
	char d[32], msg[160];
	size_t at;

	skip_ws(c);
	at = c->pos;
	if (parse_string(c, d, sizeof(d)))
		return -1;
	if (!strcmp(d, "<f4") || !strcmp(d, ">f4"))
		h->itemsize = 4;
	else if (!strcmp(d, "<f2") || !strcmp(d, ">f2"))
		h->itemsize = 2;
	else {
		c->pos = at;
		snprintf(msg, sizeof(msg), "unsupported dtype '%s' (expected '<f4' or '<f2'; "
			 "convert with .astype('float32'))", d);
		return cur_err(c, msg);
	}
	h->big_endian = d[0] == '>';
	return 0;
}

static int parse_dict(struct cursor *c, struct npy_hdr *h)
{
	char key[32], msg[96];
	int seen_descr = 0, seen_fortran = 0, seen_shape = 0, fortran = 0;
	size_t at;

	if (expect(c, '{', "'{' opening the header dict"))
		return -1;
	while (!accept(c, '}')) {
		skip_ws(c);
		at = c->pos;
		if (parse_string(c, key, sizeof(key)))
			return -1;
		if (expect(c, ':', "':' after the key"))
			return -1;
		if (!strcmp(key, "descr") && !seen_descr) {
			seen_descr = 1;
			if (parse_descr(c, h))
				return -1;
		} else if (!strcmp(key, "fortran_order") && !seen_fortran) {
			seen_fortran = 1;
			skip_ws(c);
			at = c->pos;
			if (parse_bool(c, &fortran))
				return -1;
			if (fortran) {
				c->pos = at;
				return cur_err(c, "fortran_order True is not supported "
					       "(save a C-order array)");
			}
		} else if (!strcmp(key, "shape") && !seen_shape) {
			seen_shape = 1;
			if (parse_shape(c, h))
				return -1;
		} else {
			c->pos = at;
			snprintf(msg, sizeof(msg), "header: %s key '%s'",
				 (!strcmp(key, "descr") || !strcmp(key, "fortran_order") ||
				  !strcmp(key, "shape")) ? "duplicate" : "unknown", key);
			return cur_err(c, msg);
		}
		if (!accept(c, ',')) {
			if (expect(c, '}', "',' or '}' after a header value"))
				return -1;
			break;
		}
	}
	skip_ws(c);
	if (c->pos != c->n)
		return cur_err(c, "header: unexpected text after the dict");
	if (!seen_descr || !seen_fortran || !seen_shape)
		return cur_err(c, !seen_descr ? "header: no 'descr' key" :
			       !seen_fortran ? "header: no 'fortran_order' key" :
			       "header: no 'shape' key");
	return 0;
}

/* Magic, version and header length from the first avail bytes of a file
** of filelen bytes; sets *hstart and *hlen. */
static int parse_preamble(const char *name, const unsigned char *b, size_t avail,
			  uint64_t filelen, uint64_t *hstart, uint64_t *hlen,
			  struct gs_err *err)
{
	size_t i, lenbytes;

	for (i = 0; i < NPY_MAGIC_LEN; i++) {
		if (i >= avail)
			return gs_errf(err, "%s: byte %zu: truncated magic (file is %llu bytes)",
				       name, i, (unsigned long long)filelen);
		if (b[i] != (unsigned char)NPY_MAGIC[i])
			return gs_errf(err, "%s: byte %zu: not a .npy file (bad magic)", name, i);
	}
	if (avail < 8)
		return gs_errf(err, "%s: byte %zu: truncated version (file is %llu bytes)",
			       name, avail, (unsigned long long)filelen);
	if (b[6] < 1 || b[6] > 3 || b[7] != 0)
		return gs_errf(err, "%s: byte 6: unsupported .npy version %u.%u "
			       "(expected 1.0, 2.0 or 3.0)", name, b[6], b[7]);
	lenbytes = b[6] == 1 ? 2 : 4;
	if (avail < 8 + lenbytes)
		return gs_errf(err, "%s: byte %zu: truncated header length (file is %llu bytes)",
			       name, avail, (unsigned long long)filelen);
	*hlen = (uint64_t)b[8] | (uint64_t)b[9] << 8;
	if (lenbytes == 4)
		*hlen |= (uint64_t)b[10] << 16 | (uint64_t)b[11] << 24;
	*hstart = 8 + lenbytes;
	if (*hstart + *hlen > filelen)
		return gs_errf(err, "%s: byte %llu: header truncated (it should end at byte %llu)",
			       name, (unsigned long long)filelen,
			       (unsigned long long)(*hstart + *hlen));
	if (*hlen > NPY_MAX_HEADER)
		return gs_errf(err, "%s: byte 8: header length %llu is too large (at most %u)",
			       name, (unsigned long long)*hlen, NPY_MAX_HEADER);
	return 0;
}

/* The dict (whole header in b) and the size checks against filelen. */
static int parse_header(const char *name, const unsigned char *b, uint64_t hstart,
			uint64_t hlen, uint64_t filelen, struct npy_hdr *h, struct gs_err *err)
{
	struct cursor c = { name, b + hstart, (size_t)hlen, 0, hstart, err };
	uint64_t n = 1, maxel;
	int i;

	memset(h, 0, sizeof(*h));
	if (parse_dict(&c, h))
		return -1;
	/* Room for the float copy as well as the file's bytes. */
	maxel = (SIZE_MAX < UINT64_MAX ? (uint64_t)SIZE_MAX : UINT64_MAX) / sizeof(float);
	for (i = 0; i < h->ndim; i++) {
		if (h->shape[i] > maxel / n)
			return gs_errf(err, "%s: byte %llu: shape is too large (more than %llu elements)",
				       name, (unsigned long long)hstart,
				       (unsigned long long)maxel);
		n *= h->shape[i];
	}
	h->numel = n;
	h->nbytes = n * (uint64_t)h->itemsize;
	h->data_off = hstart + hlen;
	if (filelen - h->data_off < h->nbytes)
		return gs_errf(err, "%s: byte %llu: data truncated (%llu elements of %d bytes "
			       "need %llu bytes from byte %llu; the file ends here)",
			       name, (unsigned long long)filelen, (unsigned long long)n,
			       h->itemsize, (unsigned long long)h->nbytes,
			       (unsigned long long)h->data_off);
	if (filelen - h->data_off > h->nbytes)
		return gs_errf(err, "%s: byte %llu: %llu trailing bytes after the data", name,
			       (unsigned long long)(h->data_off + h->nbytes),
			       (unsigned long long)(filelen - h->data_off - h->nbytes));
	return 0;
}

/* Convert numel raw items at the start of the buffer `data` (raw bytes
** as in the file) in place into host floats. */
static void convert_in_place(float *data, const struct npy_hdr *h)
{
	unsigned char *p = (unsigned char *)data;
	uint64_t i;

	if (h->itemsize == 4) {
		for (i = 0; i < h->numel; i++) {
			const unsigned char *q = p + 4 * i;
			uint32_t u = h->big_endian ?
				(uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3] :
				(uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];

			memcpy(p + 4 * i, &u, 4);
		}
		return;
	}
	/* fp16: walk backwards so item i (bytes 2i..) is read before float i
	** (bytes 4i..) overwrites anything not yet converted. */
	for (i = h->numel; i-- > 0;) {
		const unsigned char *q = p + 2 * i;
		uint16_t u = h->big_endian ? (uint16_t)(q[0] << 8 | q[1]) :
					     (uint16_t)(q[1] << 8 | q[0]);
		float f = fp16_to_float(u);

		memcpy(p + 4 * i, &f, 4);
	}
}

static int alloc_tensor(const char *name, const struct npy_hdr *h, struct tensor *t,
			struct gs_err *err)
{
	int i;

	t->data = malloc(h->numel * sizeof(float));
	if (!t->data)
		return gs_errf(err, "%s: out of memory for %llu elements", name,
			       (unsigned long long)h->numel);
	t->ndim = h->ndim;
	for (i = 0; i < h->ndim; i++)
		t->shape[i] = h->shape[i];
	return 0;
}

int npy_parse(const char *name, const void *buf, size_t len, struct tensor *t,
	      struct gs_err *err)
{
	const unsigned char *b = buf;
	struct npy_hdr h;
	uint64_t hstart, hlen;

	memset(t, 0, sizeof(*t));
	if (parse_preamble(name, b, len, len, &hstart, &hlen, err) ||
	    parse_header(name, b, hstart, hlen, len, &h, err) ||
	    alloc_tensor(name, &h, t, err))
		return -1;
	memcpy(t->data, b + h.data_off, (size_t)h.nbytes);
	convert_in_place(t->data, &h);
	return 0;
}

int npy_read(const char *path, struct tensor *t, struct gs_err *err)
{
	unsigned char pre[12], *hbuf = NULL;
	struct npy_hdr h;
	struct stat st;
	uint64_t hstart, hlen, filelen;
	size_t got;
	FILE *f;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		gs_errf(err, "%s: not a regular file", path);
		goto out;
	}
	filelen = (uint64_t)st.st_size;
	got = fread(pre, 1, sizeof(pre), f);
	if (parse_preamble(path, pre, got, filelen, &hstart, &hlen, err))
		goto out;
	hbuf = malloc((size_t)(hstart + hlen));
	if (!hbuf) {
		gs_errf(err, "%s: out of memory", path);
		goto out;
	}
	memcpy(hbuf, pre, (size_t)hstart);
	if (fseek(f, (long)hstart, SEEK_SET) ||
	    fread(hbuf + hstart, 1, (size_t)hlen, f) != hlen) {
		gs_errf(err, "%s: byte %llu: read error or file changed while reading", path,
			(unsigned long long)hstart);
		goto out;
	}
	if (parse_header(path, hbuf, hstart, hlen, filelen, &h, err) ||
	    alloc_tensor(path, &h, t, err))
		goto out;
	if (fread(t->data, 1, (size_t)h.nbytes, f) != h.nbytes || fgetc(f) != EOF) {
		gs_errf(err, "%s: byte %llu: read error or file changed while reading", path,
			(unsigned long long)h.data_off);
		tensor_free(t);
		goto out;
	}
	convert_in_place(t->data, &h);
	rc = 0;
out:
	free(hbuf);
	fclose(f);
	return rc;
}

int npy_write(const char *path, const struct tensor *t, struct gs_err *err)
{
	char hdr[256], dims[128];
	unsigned char pre[10], chunk[4096];
	size_t hl, dl = 0, pad;
	uint64_t i, n = tensor_numel(t);
	FILE *f;
	int d, ok;

	if (t->ndim < 1 || t->ndim > TENSOR_MAX_DIMS || !t->data)
		return gs_errf(err, "%s: cannot write a tensor of %d dimensions", path, t->ndim);
	for (d = 0; d < t->ndim; d++) {
		if (t->shape[d] == 0)
			return gs_errf(err, "%s: cannot write an empty tensor", path);
		dl += (size_t)snprintf(dims + dl, sizeof(dims) - dl, "%s%llu",
				       d ? ", " : "", (unsigned long long)t->shape[d]);
	}
	hl = (size_t)snprintf(hdr, sizeof(hdr),
			      "{'descr': '<f4', 'fortran_order': False, 'shape': (%s%s), }",
			      dims, t->ndim == 1 ? "," : "");
	/* Pad with spaces so the data starts on a 64-byte boundary. */
	pad = (64 - (sizeof(pre) + hl + 1) % 64) % 64;
	memset(hdr + hl, ' ', pad);
	hl += pad;
	hdr[hl++] = '\n';
	memcpy(pre, NPY_MAGIC, NPY_MAGIC_LEN);
	pre[6] = 1;
	pre[7] = 0;
	pre[8] = (unsigned char)(hl & 0xff);
	pre[9] = (unsigned char)(hl >> 8);
	f = fopen(path, "wb");
	if (!f)
		return gs_errf(err, "%s: cannot create: %s", path, strerror(errno));
	ok = fwrite(pre, 1, sizeof(pre), f) == sizeof(pre) && fwrite(hdr, 1, hl, f) == hl;
	for (i = 0; ok && i < n;) {
		size_t k = 0;

		for (; i < n && k < sizeof(chunk); i++, k += 4) {
			uint32_t u;

			memcpy(&u, &t->data[i], 4);
			chunk[k] = (unsigned char)u;
			chunk[k + 1] = (unsigned char)(u >> 8);
			chunk[k + 2] = (unsigned char)(u >> 16);
			chunk[k + 3] = (unsigned char)(u >> 24);
		}
		ok = fwrite(chunk, 1, k, f) == k;
	}
	if (fclose(f) || !ok)
		return gs_errf(err, "%s: write failed: %s", path, strerror(errno));
	return 0;
}
