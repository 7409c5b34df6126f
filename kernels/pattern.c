/*
** pattern.c: pattern names <-> struct pattern, pattern validation and
** pruned_free (see sparse.h).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparse.h"

#define PAT_MAX_DIM 65536	/* block sides, N:M's m */

void pruned_free(struct pruned *p)
{
	free(p->csr.ptr);
	free(p->csr.col);
	free(p->csr.val);
	free(p->gs.ptr);
	free(p->gs.val);
	free(p->gs.col);
	free(p->gs.rowind);
	memset(p, 0, sizeof(*p));
}

int pattern_check(const struct pattern *p, struct gs_err *err)
{
	switch (p->kind) {
	case PAT_DENSE:
	case PAT_UNSTRUCTURED:
		return 0;
	case PAT_BLOCK:
		if (p->br < 1 || p->bc < 1 || p->br > PAT_MAX_DIM || p->bc > PAT_MAX_DIM)
			return gs_errf(err, "pattern block:%dx%d: block sides must be 1..%d",
				       p->br, p->bc, PAT_MAX_DIM);
		return 0;
	case PAT_NM:
		if (p->m < 1 || p->m > PAT_MAX_DIM || p->n < 1 || p->n > p->m)
			return gs_errf(err, "pattern nm:%d:%d: need 1 <= N <= M <= %d",
				       p->n, p->m, PAT_MAX_DIM);
		return 0;
	case PAT_GS:
		if (p->V < 1 || p->V > GS_PAT_MAX_V)
			return gs_errf(err, "pattern gs: V=%d out of range (1..%d)", p->V,
				       GS_PAT_MAX_V);
		if (p->h < 1 || p->V % p->h)
			return gs_errf(err, "pattern gs: h=%d does not divide V=%d", p->h, p->V);
		if (p->B < p->V || p->B > GS_PAT_MAX_B)
			return gs_errf(err, "pattern gs: B=%d out of range (V=%d..%d)", p->B, p->V,
				       GS_PAT_MAX_B);
		if ((p->nonuniform != 0 && p->nonuniform != 1) || (p->exact != 0 && p->exact != 1))
			return gs_errf(err, "pattern gs: nonuniform and exact must be 0 or 1");
		return 0;
	default:
		return gs_errf(err, "pattern: unknown kind %d", p->kind);
	}
}

/* A decimal number 0..PAT_MAX_DIM spanning exactly [s, e). */
static int parse_num(const char *s, const char *e, int *v)
{
	long x = 0;

	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (*s - '0');
		if (x > PAT_MAX_DIM)
			return -1;
	}
	*v = (int)x;
	return 0;
}

static int bad(struct gs_err *err, const char *name, const char *what)
{
	return gs_errf(err, "pattern '%s': %s", name, what);
}

/* Comma-separated items after "gs:" (keys) or "gs-v"/"gs-h" (flags only). */
static int parse_gs_items(const char *name, const char *s, int keys_ok, int lanes,
			  struct pattern *p, struct gs_err *err)
{
	int have_v = 0, have_h = 0, have_b = 0;
	char msg[160];

	while (*s) {
		const char *e = strchr(s, ','), *eq;
		size_t len;
		int *dst = NULL, *have = NULL, v;

		if (!e)
			e = s + strlen(s);
		len = (size_t)(e - s);
		eq = memchr(s, '=', len);
		if (len == 10 && !strncmp(s, "nonuniform", len) && !p->nonuniform) {
			p->nonuniform = 1;
		} else if (len == 5 && !strncmp(s, "exact", len) && !p->exact) {
			p->exact = 1;
		} else if (keys_ok && eq && eq - s == 1) {
			if (*s == 'V') {
				dst = &p->V;
				have = &have_v;
			} else if (*s == 'h') {
				dst = &p->h;
				have = &have_h;
			} else if (*s == 'B') {
				dst = &p->B;
				have = &have_b;
			}
			if (!dst || *have) {
				snprintf(msg, sizeof(msg), "%s key '%.*s' (expected V=, h=, B=, "
					 "nonuniform or exact, each once)", dst ? "duplicate" : "unknown",
					 (int)(eq - s), s);
				return bad(err, name, msg);
			}
			if (parse_num(eq + 1, e, &v) || v < 1) {
				snprintf(msg, sizeof(msg), "'%.*s' is not a positive integer",
					 (int)(e - eq - 1), eq + 1);
				return bad(err, name, msg);
			}
			*dst = v;
			*have = 1;
		} else {
			snprintf(msg, sizeof(msg), "bad option '%.*s' (expected %snonuniform or exact, "
				 "each once)", (int)len, s, keys_ok ? "V=N, h=N, B=N, " : "");
			return bad(err, name, msg);
		}
		s = *e ? e + 1 : e;
		if (*e && !*s)
			return bad(err, name, "trailing ','");
	}
	if (!have_v) {
		if (lanes < 1)
			return bad(err, name, "V not given and no lane count to default to");
		p->V = lanes;
	}
	if (!have_h)
		p->h = 1;
	if (!have_b)
		p->B = p->V;
	return 0;
}

int pattern_parse(const char *name, int lanes, struct pattern *p, struct gs_err *err)
{
	struct gs_err sub;
	const char *x;

	memset(p, 0, sizeof(*p));
	if (!strcmp(name, "dense")) {
		p->kind = PAT_DENSE;
	} else if (!strcmp(name, "unstructured")) {
		p->kind = PAT_UNSTRUCTURED;
	} else if (!strncmp(name, "block:", 6)) {
		p->kind = PAT_BLOCK;
		x = strchr(name + 6, 'x');
		if (!x || parse_num(name + 6, x, &p->br) || parse_num(x + 1, x + strlen(x), &p->bc))
			return bad(err, name, "expected block:RxC with positive integers, e.g. block:8x1");
	} else if (!strncmp(name, "nm:", 3)) {
		p->kind = PAT_NM;
		x = strchr(name + 3, ':');
		if (!x || parse_num(name + 3, x, &p->n) || parse_num(x + 1, x + strlen(x), &p->m))
			return bad(err, name, "expected nm:N:M with integers, e.g. nm:2:4");
	} else if (!strncmp(name, "gs-", 3) && (name[3] == 'v' || name[3] == 'h') &&
		   name[4] == ',' && !name[5]) {
		return bad(err, name, "trailing ','");
	} else if (!strncmp(name, "gs-v", 4) && (name[4] == ',' || !name[4])) {
		p->kind = PAT_GS;
		if (parse_gs_items(name, name[4] ? name + 5 : name + 4, 0, lanes, p, err))
			return -1;
	} else if (!strncmp(name, "gs-h", 4) && (name[4] == ',' || !name[4])) {
		p->kind = PAT_GS;
		if (parse_gs_items(name, name[4] ? name + 5 : name + 4, 0, lanes, p, err))
			return -1;
		p->h = p->V;	/* one row per bucket */
	} else if (!strncmp(name, "gs:", 3)) {
		p->kind = PAT_GS;
		if (!name[3])
			return bad(err, name, "empty option list after 'gs:'");
		if (parse_gs_items(name, name + 3, 1, lanes, p, err))
			return -1;
	} else {
		return bad(err, name, "unknown pattern (expected dense, unstructured, block:RxC, "
			   "nm:N:M, gs-v, gs-h or gs:V=N,h=N,B=N[,nonuniform][,exact])");
	}
	if (pattern_check(p, &sub))
		return bad(err, name, sub.msg);
	return 0;
}

const char *pattern_name(const struct pattern *p, char *buf, size_t n)
{
	switch (p->kind) {
	case PAT_DENSE:
		snprintf(buf, n, "dense");
		break;
	case PAT_UNSTRUCTURED:
		snprintf(buf, n, "unstructured");
		break;
	case PAT_BLOCK:
		snprintf(buf, n, "block:%dx%d", p->br, p->bc);
		break;
	case PAT_NM:
		snprintf(buf, n, "nm:%d:%d", p->n, p->m);
		break;
	case PAT_GS:
		snprintf(buf, n, "gs:V=%d,h=%d,B=%d%s%s", p->V, p->h, p->B,
			 p->nonuniform ? ",nonuniform" : "", p->exact ? ",exact" : "");
		break;
	default:
		snprintf(buf, n, "?");
		break;
	}
	return buf;
}

int pattern_check_sparsity(const struct pattern *p, double target, struct gs_err *err)
{
	char name[128];
	double reach;

	if (p->kind == PAT_DENSE)
		reach = 0;
	else if (p->kind == PAT_NM)
		reach = 1.0 - (double)p->n / p->m;
	else
		return 0;
	if (fabs(target - reach) <= SPARSITY_SLACK)
		return 0;
	return gs_errf(err, "pattern %s achieves sparsity %.6g (%s), not the asked %.6g",
		       pattern_name(p, name, sizeof name), reach,
		       p->kind == PAT_DENSE ? "it keeps every weight" : "1 - N/M", target);
}

double pattern_sparsity_rounding(const struct pattern *p, uint32_t rows, uint32_t cols)
{
	double n = (double)rows * cols;

	if (!rows || !cols)
		return 1;
	switch (p->kind) {
	case PAT_UNSTRUCTURED:
		return 0.5 / n;
	case PAT_BLOCK:	/* stops within half a block of round((1-s) n) */
		return ((double)((uint64_t)p->br * (uint64_t)p->bc / 2) + 0.5) / n;
	case PAT_NM:	/* a last partial run of a row rounds its share */
		return SPARSITY_SLACK + 0.5 / cols;
	case PAT_GS:	/* t (or t_g) rounded to whole buckets: h entries per row each */
		return 0.5 * p->h / cols + 0.5 / n;
	default:
		return SPARSITY_SLACK;
	}
}

int pattern_check_achieved(const struct pruned *pr, struct gs_err *err)
{
	double tol = pattern_sparsity_rounding(&pr->pat, pr->rows, pr->cols);
	char name[128];

	if (fabs(pr->sparsity - pr->target_sparsity) <= tol + 1e-12)
		return 0;
	return gs_errf(err, "pattern %s reaches sparsity %.6g on this %u x %u matrix, not the "
		       "asked %.6g (its rounding allows %.3g)%s",
		       pattern_name(&pr->pat, name, sizeof name), pr->sparsity, pr->rows, pr->cols,
		       pr->target_sparsity, tol,
		       pr->pat.kind == PAT_GS ? ": the columns per bank class (and cols / h) cap "
		       "the buckets per group" : "");
}
