/*
** gsf.c: the .gsf compact sparse format (see gsf.h; layout byte by byte in
** docs/gs-format.md; fp16 values through fp16.h). Writing validates the pruned matrix first, so a file
** is only ever written whole. Reading takes the file into memory (its real
** size bounds every allocation), checks the header, the section sizes
** against the file size, the CRC-32, then every element while decoding.
*/
#include <stdlib.h>
#include <string.h>

#include "gsf_int.h"

/* ---- CRC-32 (IEEE 802.3, reflected 0xEDB88320, as zlib / PNG) ---- */

void gsf_crc_init(struct gsf_crc *c)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;

		for (int k = 0; k < 8; k++)
			v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
		c->tab[i] = v;
	}
	c->v = 0xffffffffu;
}

void gsf_crc_add(struct gsf_crc *c, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t v = c->v;

	while (n--)
		v = c->tab[(v ^ *s++) & 0xffu] ^ (v >> 8);
	c->v = v;
}

uint32_t gsf_crc_value(const struct gsf_crc *c)
{
	return c->v ^ 0xffffffffu;
}

/* ---- layout ---- */

const char *const gsf_section_names[3][3] = {
	{ "row ptr", "col idx", "values" },
	{ "block-row ptr", "block col idx", "block values" },
	{ "bucket ptr", "bucket records", "rowind" },
};

int gsf_store_of(int kind)
{
	return kind == PAT_GS ? GSF_STORE_GS : kind == PAT_BLOCK ? GSF_STORE_BSR : GSF_STORE_CSR;
}

int gsf_index_bytes(uint32_t cols)
{
	return cols <= 65536u ? 2 : 4;
}

int gsf_rowind_bytes(uint32_t rows)
{
	return rows <= 65535u ? 2 : 4;	/* all ones is the padding marker */
}

/* outer: groups, block rows or rows; the first section has outer + 1 u32. */
uint64_t gsf_outer_of(const struct pattern *pat, uint32_t rows)
{
	uint64_t r;

	switch (gsf_store_of(pat->kind)) {
	case GSF_STORE_GS:
		r = (uint64_t)(pat->V / pat->h);
		return ((uint64_t)rows + r - 1) / r;
	case GSF_STORE_BSR:
		return ((uint64_t)rows + (uint64_t)pat->br - 1) / (uint64_t)pat->br;
	default:
		return rows;
	}
}

/* Bytes per inner unit of sections 1 and 2 (bucket record + nothing, block
** index + block values, csr index + value). */
void gsf_units(const struct gsf_layout *L, const struct pattern *pat, uint64_t *u1,
	       uint64_t *u2)
{
	switch (L->store) {
	case GSF_STORE_GS:
		*u1 = (uint64_t)pat->V * (uint64_t)(L->vb + L->ib);
		*u2 = (uint64_t)pat->V * (uint64_t)L->rb;	/* per group */
		break;
	case GSF_STORE_BSR:
		*u1 = (uint64_t)L->ib;
		*u2 = (uint64_t)pat->br * (uint64_t)pat->bc * (uint64_t)L->vb;
		break;
	default:
		*u1 = (uint64_t)L->ib;
		*u2 = (uint64_t)L->vb;
		break;
	}
}

void gsf_layout_finish(struct gsf_layout *L)
{
	L->off[0] = GSF_HDR;
	L->off[1] = L->off[0] + L->sec[0];
	L->off[2] = L->off[1] + L->sec[1];
	L->total = L->off[2] + L->sec[2] + GSF_CRC;
}

/* ---- csr views ---- */

struct lane_ent {
	uint32_t col;
	float val;
	uint64_t lane;
};

static int lane_ent_cmp(const void *a, const void *b)
{
	const struct lane_ent *x = a, *y = b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->lane < y->lane ? -1 : x->lane > y->lane;
}

int gsf_gs_to_csr(const struct pruned *p, struct csr *out, uint64_t *dup_lane,
		  uint32_t *dup_row)
{
	const struct gs_buckets *gs = &p->gs;
	uint64_t V = (uint64_t)p->pat.V, total = 0;
	struct lane_ent *e = NULL;
	uint32_t *pos = NULL;
	int rc = -2;

	memset(out, 0, sizeof(*out));
	out->ptr = calloc((size_t)p->rows + 1, sizeof(uint32_t));
	pos = calloc((size_t)p->rows + 1, sizeof(uint32_t));
	if (!out->ptr || !pos)
		goto fail;
	for (uint32_t g = 0; g < gs->ngroups; g++)
		for (uint64_t l = 0; l < V; l++) {
			uint32_t row = gs->rowind[g * V + l];

			if (row != UINT32_MAX) {
				total += gs->ptr[g + 1] - gs->ptr[g];
				if (total > UINT32_MAX)
					goto fail;
				out->ptr[row + 1] += gs->ptr[g + 1] - gs->ptr[g];
			}
		}
	for (uint32_t i = 0; i < p->rows; i++)
		out->ptr[i + 1] += out->ptr[i];
	memcpy(pos, out->ptr, ((size_t)p->rows + 1) * sizeof(uint32_t));
	e = malloc((total ? total : 1) * sizeof(*e));
	out->col = malloc((total ? total : 1) * sizeof(uint32_t));
	out->val = malloc((total ? total : 1) * sizeof(float));
	if (!e || !out->col || !out->val)
		goto fail;
	for (uint32_t g = 0; g < gs->ngroups; g++)
		for (uint64_t j = gs->ptr[g]; j < gs->ptr[g + 1]; j++)
			for (uint64_t l = 0; l < V; l++) {
				uint32_t row = gs->rowind[g * V + l];
				struct lane_ent *x;

				if (row == UINT32_MAX)
					continue;
				x = &e[pos[row]++];
				x->col = gs->col[j * V + l];
				x->val = gs->val[j * V + l];
				x->lane = j * V + l;
			}
	rc = -1;
	for (uint32_t i = 0; i < p->rows; i++) {
		uint32_t a = out->ptr[i], b = out->ptr[i + 1];

		qsort(e + a, b - a, sizeof(*e), lane_ent_cmp);
		for (uint32_t k = a; k < b; k++) {
			if (k > a && e[k].col == e[k - 1].col) {
				*dup_lane = e[k].lane > e[k - 1].lane ? e[k].lane : e[k - 1].lane;
				*dup_row = i;
				goto fail;
			}
			out->col[k] = e[k].col;
			out->val[k] = e[k].val;
		}
	}
	free(e);
	free(pos);
	return 0;
fail:
	free(e);
	free(pos);
	free(out->ptr);
	free(out->col);
	free(out->val);
	memset(out, 0, sizeof(*out));
	return rc;
}

int64_t gsf_nm_violation(const struct pruned *p)
{
	uint32_t m = (uint32_t)p->pat.m, n = (uint32_t)p->pat.n;

	for (uint32_t i = 0; i < p->rows; i++) {
		uint32_t run = UINT32_MAX, cnt = 0;

		for (uint32_t k = p->csr.ptr[i]; k < p->csr.ptr[i + 1]; k++) {
			uint32_t r = p->csr.col[k] / m;

			cnt = r == run ? cnt + 1 : 1;
			run = r;
			if (cnt > n)
				return (int64_t)k;
		}
	}
	return -1;
}

/* ---- inspect ---- */

static void minmax(const uint32_t *ptr, uint64_t n, uint64_t *mn, uint64_t *mx, double *mean)
{
	*mn = n ? UINT64_MAX : 0;
	*mx = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t d = (uint64_t)ptr[i + 1] - ptr[i];

		*mn = d < *mn ? d : *mn;
		*mx = d > *mx ? d : *mx;
	}
	*mean = n ? (double)ptr[n] / (double)n : 0.0;
}

int gsf_inspect(const char *path, FILE *out, struct gs_err *err)
{
	static const char *const vnames[] = { "", "", "fp16", "", "fp32" };
	struct pruned p;
	struct gsf_layout L;
	char name[96], why[256], geo[160];
	uint64_t mn, mx;
	double mean, nnz;
	int i;

	if (gsf_read_layout(path, &p, &L, err))
		return -1;
	nnz = (double)p.nnz;
	fprintf(out, "file:         %s (GSF v%d, %llu bytes)\n", path, L.version,
		(unsigned long long)L.total);
	fprintf(out, "shape:        %u x %u (rows = outputs x cols = inputs)\n", p.rows, p.cols);
	fprintf(out, "layer:        %s\n", L.version < 2 ? "not recorded (format version 1)" :
		gsf_geometry_text(&L.geom, p.rows, p.cols, geo, sizeof geo));
	fprintf(out, "pattern:      %s\n", pattern_name(&p.pat, name, sizeof(name)));
	fprintf(out, "types:        values %s, indices u%d%s\n", vnames[L.vb], 8 * L.ib,
		L.store == GSF_STORE_GS ? (L.rb == 2 ? ", rowind u16" : ", rowind u32") : "");
	fprintf(out, "nnz:          %llu of %llu\n", (unsigned long long)p.nnz,
		(unsigned long long)p.rows * p.cols);
	fprintf(out, "sparsity:     target %.6f, achieved %.6f\n", p.target_sparsity, p.sparsity);
	fprintf(out, "quality:      abs_kept %.6f, sq_kept %.6f (vs unstructured at the same nnz)\n",
		p.abs_kept, p.sq_kept);
	if (L.store == GSF_STORE_GS) {
		fprintf(out, "buckets:      %u in %u groups of %d rows (V=%d, h=%d)\n",
			p.gs.ngroups ? p.gs.ptr[p.gs.ngroups] : 0, p.gs.ngroups, p.pat.V / p.pat.h,
			p.pat.V, p.pat.h);
		minmax(p.gs.ptr, p.gs.ngroups, &mn, &mx, &mean);
	} else if (L.store == GSF_STORE_BSR) {
		fprintf(out, "blocks:       %llu of %d x %d in %llu block rows\n",
			(unsigned long long)L.inner, p.pat.br, p.pat.bc, (unsigned long long)L.outer);
		mn = L.bsr_min;
		mx = L.bsr_max;
		mean = L.outer ? (double)L.inner / (double)L.outer : 0.0;
	} else {
		minmax(p.csr.ptr, p.rows, &mn, &mx, &mean);
	}
	fprintf(out, "%-13s %llu min, %.2f mean, %llu max\n",
		L.store == GSF_STORE_GS ? "per group:" : L.store == GSF_STORE_BSR ?
		"per blk row:" : "per row:", (unsigned long long)mn, mean, (unsigned long long)mx);
	if (L.store == GSF_STORE_GS) {
		why[0] = 0;
		if (gs_conformance(&p, NULL, why, sizeof(why)))
			fprintf(out, "conformance:  GS(V=%d, h=%d, B=%d) conforming (bank = column mod B)\n",
				p.pat.V, p.pat.h, p.pat.B);
		else
			fprintf(out, "conformance:  NOT GS(V=%d, h=%d, B=%d) conforming (bank = column "
				"mod B): %s\n              (a convolution is pruned with the banks of its "
				"gather offsets, which the file does not record)\n", p.pat.V, p.pat.h,
				p.pat.B, why);
	} else {
		fprintf(out, "conformance:  n/a (not a GS pattern)\n");
	}
	fprintf(out, "storage:      %llu bytes, %.3f bytes/nnz\n", (unsigned long long)L.total,
		nnz > 0 ? (double)L.total / nnz : 0.0);
	fprintf(out, "  %-16s %12d bytes  %8.3f /nnz\n", "header", GSF_HDR,
		nnz > 0 ? GSF_HDR / nnz : 0.0);
	for (i = 0; i < 3; i++)
		fprintf(out, "  %-16s %12llu bytes  %8.3f /nnz\n", gsf_section_names[L.store][i],
			(unsigned long long)L.sec[i], nnz > 0 ? (double)L.sec[i] / nnz : 0.0);
	fprintf(out, "  %-16s %12d bytes  %8.3f /nnz\n", "checksum", GSF_CRC,
		nnz > 0 ? GSF_CRC / nnz : 0.0);
	pruned_free(&p);
	if (ferror(out))
		return gs_errf(err, "%s: inspect: write error", path);
	return 0;
}
