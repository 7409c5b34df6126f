/*
** point_set.c: the --points option's index lists, "0-99,120,200-" or
** "@FILE" (the same list in a file, commas or newlines between items, as
** `gssim sweep status` prints and scripts/sweep writes per Slurm task).
** Held as a bitmap over the sweep's points.
*/
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

#define LIST_FILE_MAX (64u << 20)

struct point_set {
	size_t n;
	unsigned char *bit;
};

static int read_list_file(const char *path, char **out, struct gs_err *err)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 4096, got;
	char *buf = NULL;

	if (!f)
		return gs_errf(err, "--points @%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		char *b = realloc(buf, cap + 1);

		if (!b) {
			free(buf);
			fclose(f);
			return gs_errf(err, "--points @%s: out of memory", path);
		}
		buf = b;
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		if (cap >= LIST_FILE_MAX) {
			free(buf);
			fclose(f);
			return gs_errf(err, "--points @%s: larger than %u bytes", path, LIST_FILE_MAX);
		}
		cap *= 2;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return gs_errf(err, "--points @%s: read error", path);
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static int parse_index(const char **p, size_t *out)
{
	size_t v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		if (v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

static int is_sep(char c)
{
	return c == ',' || c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

/* Mark every item of text; where names the list in messages. */
static int mark_items(struct point_set *ps, const char *text, const char *where,
		      struct gs_err *err)
{
	const char *p = text;
	int items = 0;

	while (*p) {
		const char *start;
		size_t lo, hi;

		while (is_sep(*p))
			p++;
		if (!*p)
			break;
		start = p;
		if (parse_index(&p, &lo))
			return gs_errf(err, "%s: byte %zu: expected a point index or a range "
				       "LO-HI, LO-", where, (size_t)(start - text));
		hi = lo;
		if (*p == '-') {
			p++;
			if (!*p || is_sep(*p))
				hi = ps->n ? ps->n - 1 : 0;
			else if (parse_index(&p, &hi) || hi < lo)
				return gs_errf(err, "%s: byte %zu: bad range (expected LO-HI with "
					       "LO <= HI)", where, (size_t)(start - text));
		}
		if (*p && !is_sep(*p))
			return gs_errf(err, "%s: byte %zu: unexpected '%c'", where,
				       (size_t)(p - text), *p);
		if (hi >= ps->n)
			return gs_errf(err, "%s: point %zu: no such point (the sweep has %zu, "
				       "0-%zu)", where, hi, ps->n, ps->n ? ps->n - 1 : 0);
		for (size_t i = lo; i <= hi; i++)
			ps->bit[i / 8] |= (unsigned char)(1u << (i % 8));
		items++;
	}
	if (!items && text[0] != '\0')
		return gs_errf(err, "%s: no point indices", where);
	return 0;
}

int point_set_parse(struct point_set **out, const char *text, size_t npoints,
		    struct gs_err *err)
{
	struct point_set *ps = calloc(1, sizeof *ps);
	char *file = NULL, where[600];
	int rc;

	*out = NULL;
	if (!ps || !(ps->bit = calloc(npoints / 8 + 1, 1))) {
		free(ps);
		return gs_errf(err, "--points: out of memory");
	}
	ps->n = npoints;
	if (text[0] == '@') {
		if (read_list_file(text + 1, &file, err)) {
			point_set_free(ps);
			return -1;
		}
		snprintf(where, sizeof where, "--points %.500s", text);
		rc = mark_items(ps, file, where, err);
		free(file);
	} else {
		if (!text[0]) {
			point_set_free(ps);
			return gs_errf(err, "--points: empty (expected e.g. 0-99,120)");
		}
		snprintf(where, sizeof where, "--points %.500s", text);
		rc = mark_items(ps, text, where, err);
	}
	if (rc) {
		point_set_free(ps);
		return -1;
	}
	*out = ps;
	return 0;
}

int point_set_has(const struct point_set *ps, size_t i)
{
	return i < ps->n && (ps->bit[i / 8] >> (i % 8)) & 1;
}

void point_set_free(struct point_set *ps)
{
	if (!ps)
		return;
	free(ps->bit);
	free(ps);
}
