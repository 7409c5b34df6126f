/*
** check_gen_spmm.c: the SpMV/SpMM generator, run in funcsim
** against W_pruned x computed in double; instruction mixes against their
** formulas; weight-stream images against the documented layout.
*/
#include "fp16.h"
#include "gen_testutil.h"
#include "testutil.h"
#include "trace.h"

/* Generate, run in funcsim with random x, compare y; returns instructions. */
static uint64_t run_spmm(const struct pruned *p, const struct machine *m, uint32_t batch,
			 int variant, const char *what)
{
	struct spmm_params sp = { batch, variant };
	struct kernel k;
	struct funcsim *fs;
	struct gs_err err;
	struct rng r;
	int eb = m->isa.element_bytes;
	double *x = calloc((size_t)p->cols * batch, sizeof(double));
	double *y = calloc((size_t)p->rows * batch, sizeof(double));
	double *s = calloc((size_t)p->rows * batch, sizeof(double));
	float *got = calloc((size_t)p->rows * batch + 1, sizeof(float));
	uint64_t i, n = 0;
	uint32_t b;
	struct gs_insn in;

	ck_assert_msg(gen_spmm(&k, p, &m->isa, &sp, &err) == 0, "%s: %s", what, err.msg);
	ck_assert_int_eq(kernel_set_input(&k, got, 1), -1);	/* x is in the scratchpad */
	rng_seed(&r, 7 + batch);
	rand_vec(&r, x, (uint64_t)p->cols * batch, eb);
	for (b = 0; b < batch; b++)
		ref_matvec(p, eb, x + (size_t)b * p->cols, y + (size_t)b * p->rows,
			   s + (size_t)b * p->rows);
	fs = funcsim_new(&m->cfg, k.mem_read, k.mem_ctx);
	ck_assert_ptr_nonnull(fs);
	spm_put(fs, k.layout.x_spm, x, (uint64_t)p->cols * batch);
	ck_assert_msg(funcsim_run(fs, &k.src, &err) == 0, "%s: %s", what, err.msg);
	ck_assert_int_eq(k.src.next(k.src.ctx, &in, &err), 0);	/* stays at the end */
	if (k.layout.y_in_spm)
		funcsim_spm_load(fs, k.layout.y_spm, got, (uint64_t)p->rows * batch);
	else
		funcsim_mem_load(fs, k.layout.y_mem, got, (uint64_t)p->rows * batch);
	for (i = 0; i < (uint64_t)p->rows * batch; i++)
		check_close(got[i], y[i], s[i], max_row_nnz(p), eb, what, i);
	funcsim_free(fs);
	kernel_free(&k);
	/* count a fresh instance's instructions */
	ck_assert_int_eq(gen_spmm(&k, p, &m->isa, &sp, &err), 0);
	while (k.src.next(k.src.ctx, &in, &err) == 1)
		n++;
	kernel_free(&k);
	free(x);
	free(y);
	free(s);
	free(got);
	return n;
}

static const struct pat_case pat_cases[] = {
	{ "dense", 0, SPMM_STORE },
	{ "unstructured", 0.7, SPMM_STORE },
	{ "unstructured", 0.97, SPMM_STORE },	/* empty rows: the zero vector */
	{ "block:Lx1", 0.6, SPMM_STORE },
	{ "block:1xL", 0.6, SPMM_STORE },
	{ "block:4x1", 0.5, SPMM_STORE },	/* fewer rows than lanes */
	{ "nm:2:L", 0, SPMM_STORE },
	{ "gs-v", 0.75, SPMM_STORE },
	{ "gs-v", 0.75, SPMM_SCATTER },
	{ "gs-h", 0.75, SPMM_STORE },
	{ "gs:V=L,h=2,B=L", 0.75, SPMM_STORE },
	{ "gs:V=L,h=4,B=L", 0.75, SPMM_SCATTER },
	{ "gs-v,nonuniform", 0.85, SPMM_STORE },
	{ "gs-v,nonuniform", 0.85, SPMM_SCATTER },
};

static void run_patterns(const struct machine *m, uint32_t rows, uint32_t cols)
{
	static const uint32_t batches[] = { 1, 3 };
	size_t c, bi;
	char name[64], what[160];

	for (c = 0; c < sizeof(pat_cases) / sizeof(pat_cases[0]); c++) {
		struct pruned p;

		pat_name(name, sizeof(name), pat_cases[c].fmt, m->isa.lanes);
		prune_rand(&p, name, m->isa.lanes, rows, cols, pat_cases[c].sparsity, 100 + c);
		for (bi = 0; bi < 2; bi++) {
			snprintf(what, sizeof(what), "%s s=%.2f variant %d batch %u lanes %d eb %d",
				 name, pat_cases[c].sparsity, pat_cases[c].variant, batches[bi],
				 m->isa.lanes, m->isa.element_bytes);
			ck_assert_uint_gt(run_spmm(&p, m, batches[bi], pat_cases[c].variant, what), 0);
		}
		pruned_free(&p);
	}
}

START_TEST(every_pattern_fp16_8_lanes)
{
	struct machine m;

	machine_init(&m, 8, 2, 32, 64);
	run_patterns(&m, 44, 100);	/* partial row group, partial column chunk */
}
END_TEST

START_TEST(every_pattern_fp32_16_lanes)
{
	struct machine m;

	machine_init(&m, 16, 4, 32, 128);
	run_patterns(&m, 40, 75);
}
END_TEST

/* Few registers: the batch is tiled (W streamed once per tile), one
** accumulator per column; many columns: fewer accumulators each. */
START_TEST(register_pressure_tiles_batch)
{
	static const char *const names[] = { "gs-v", "gs:V=8,h=2,B=8", "dense", "block:8x1" };
	struct machine m8, m32;
	size_t i;

	machine_init(&m8, 8, 2, 8, 64);
	machine_init(&m32, 8, 4, 32, 64);
	for (i = 0; i < 4; i++) {
		struct pruned p;

		prune_rand(&p, names[i], 8, 24, 40, 0.5, 5);
		run_spmm(&p, &m8, 3, SPMM_SCATTER, names[i]);
		run_spmm(&p, &m32, 9, SPMM_STORE, names[i]);
		run_spmm(&p, &m32, 40, SPMM_STORE, names[i]);
		pruned_free(&p);
	}
}
END_TEST

/* gs-patterns.md §1.3 vertical example (V = 4, B = 4): integer weights, so
** y is exact, and 2 groups x 2 buckets give exactly 20 instructions, in
** the documented pipelined order. */
START_TEST(hand_worked_gs_vertical)
{
	static const uint8_t cols[8][2] = { { 0, 1 }, { 1, 6 }, { 2, 7 }, { 3, 4 },
					    { 0, 5 }, { 1, 2 }, { 3, 6 }, { 4, 7 } };
	struct machine m;
	struct pattern pat;
	struct pruned p;
	struct gs_err err;
	struct kernel k;
	struct spmm_params sp = { 1, SPMM_STORE };
	struct funcsim *fs;
	struct gs_insn in;
	float w[64], x[8], y[8];
	int r, c, n[OP__COUNT] = { 0 }, total = 0;
	char seq[256] = "";

	machine_init(&m, 4, 2, 16, 1);
	for (r = 0; r < 64; r++)
		w[r] = 0.01f;
	for (r = 0; r < 8; r++)
		for (c = 0; c < 2; c++)
			w[r * 8 + cols[r][c]] = (float)(r + 1) * (c ? -1.0f : 2.0f);
	for (c = 0; c < 8; c++)
		x[c] = (float)(c + 1);
	ck_assert(pattern_parse("gs-v", 4, &pat, &err) == 0);
	ck_assert_msg(prune_matrix(w, 8, 8, NULL, &pat, 0.75, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.gs.ptr[1], 2);
	ck_assert_uint_eq(p.gs.ptr[2], 4);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	fs = funcsim_new(&m.cfg, k.mem_read, k.mem_ctx);
	funcsim_spm_store(fs, k.layout.x_spm, x, 8);
	ck_assert_int_eq(funcsim_run(fs, &k.src, &err), 0);
	funcsim_mem_load(fs, k.layout.y_mem, y, 8);
	for (r = 0; r < 8; r++)
		ck_assert_msg(y[r] == (float)((r + 1) * (2 * (cols[r][0] + 1) - (cols[r][1] + 1))),
			      "y[%d] = %g", r, (double)y[r]);
	kernel_free(&k);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	while (k.src.next(k.src.ctx, &in, &err) == 1) {
		n[in.op]++;
		total++;
		ck_assert_uint_eq(in.line, (uint64_t)total);
		ck_assert_uint_lt(strlen(seq) + 12, sizeof(seq));
		strcat(seq, seq[0] ? " " : "");
		strcat(seq, gs_op_name(in.op));
	}
	/* per group: 2 x (mload w, mload idx, gather, mul), add, mstore, in the
	** software-pipelined order (16 registers: D = 4, G = 2, 3 index sets):
	** the 4th record's loads wait for the 1st record's gather to free its
	** index set; gathers run 2 multiplies ahead; the group ends (add,
	** mstore) fall between the multiplies */
	ck_assert_str_eq(seq, "mload mload mload mload mload mload gather mload mload gather gather "
			      "mul gather mul add mstore mul mul add mstore");
	ck_assert_int_eq(total, 20);
	ck_assert_int_eq(n[OP_MLOAD], 8);
	ck_assert_int_eq(n[OP_GATHER], 4);
	ck_assert_int_eq(n[OP_MUL], 4);
	ck_assert_int_eq(n[OP_ADD], 2);
	ck_assert_int_eq(n[OP_MSTORE], 2);
	kernel_free(&k);
	funcsim_free(fs);
	pruned_free(&p);
}
END_TEST

/* Count, in multiplies, how far ahead of its use each operand was produced:
** record j's values load D*T + b multiplies before its column b multiply,
** x is fetched G multiplies before, indices load D*T + b - G multiplies
** before the column b gather (records j >= D, steps >= G; T = batch).
** The software pipeline of docs/kernels.md, checked without timing. */
static void check_pipeline_distances(const struct pruned *p, const struct machine *m,
				     uint32_t T, uint64_t D, uint64_t G)
{
	struct spmm_params sp = { T, SPMM_STORE };
	struct kernel k;
	struct gs_err err;
	struct gs_insn in;
	uint64_t written[GS_MAX_REGS] = { 0 }, macs = 0, rec = 0, grec = 0, checked = 0;
	uint64_t b = 0, gb = 0;
	int lastw = -1, lasti = -1, rw, rx;

	ck_assert_int_eq(gen_spmm(&k, p, &m->isa, &sp, &err), 0);
	while (k.src.next(k.src.ctx, &in, &err) == 1) {
		switch (in.op) {
		case OP_GATHER:
			if (in.src[0] == lasti) {
				gb++;
			} else {
				gb = 0;
				grec++;
				lasti = in.src[0];
			}
			if (grec > D)
				ck_assert_uint_eq(macs - written[in.src[0]], D * T + gb - G);
			written[in.dst] = macs;
			break;
		case OP_MLOAD:
		case OP_VLOAD:
		case OP_BCAST:
			written[in.dst] = macs;
			break;
		case OP_MUL:
		case OP_FMA:
			rw = in.op == OP_MUL ? in.src[0] : in.src[1];
			rx = in.op == OP_MUL ? in.src[1] : in.src[2];
			if (rw == lastw) {
				b++;
			} else {
				b = 0;
				rec++;
				lastw = rw;
			}
			if (rec > D) {
				ck_assert_uint_eq(macs - written[rw], D * T + b);
				checked++;
			}
			if (macs >= G)
				ck_assert_uint_eq(macs - written[rx], G);
			macs++;
			break;
		default:
			break;
		}
	}
	ck_assert_uint_gt(checked, 100);
	kernel_free(&k);
}

/* 32 registers hold the full pipeline (D = 4, G = 2) at batch 1 and 3,
** across unit ends, for gathers and contiguous x loads alike. */
START_TEST(software_pipeline_distances)
{
	static const char *const names[] = { "gs-v", "gs-h", "unstructured", "dense", "block:8x1" };
	struct machine m;
	size_t i;

	machine_init(&m, 8, 2, 32, 64);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pruned p;

		prune_rand(&p, names[i], 8, 128, 256, i == 3 ? 0 : 0.9, 30 + i);
		check_pipeline_distances(&p, &m, 1, 4, 2);
		check_pipeline_distances(&p, &m, 3, 4, 2);
		pruned_free(&p);
	}
}
END_TEST

/* A 2048 x 2048 layer streams to its end through next() alone (nothing
** buffered); the op counts match the per-bucket formula of docs/kernels.md. */
START_TEST(large_layer_streams_with_formula_counts)
{
	struct machine m;
	struct pruned p;
	struct kernel k;
	struct spmm_params sp = { 1, SPMM_STORE };
	struct gs_err err;
	struct gs_insn in;
	uint64_t n[OP__COUNT] = { 0 }, nb, mul = 0, adds = 0, zero = 0, total = 0, masked = 0;
	uint32_t g, t, a;
	int l;

	machine_init(&m, 8, 2, 32, 64);
	prune_rand(&p, "gs-v", 8, 2048, 2048, 0.9, 11);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	while (k.src.next(k.src.ctx, &in, &err) == 1) {
		n[in.op]++;
		total++;
	}
	nb = p.gs.ptr[p.gs.ngroups];
	for (g = 0; g < p.gs.ngroups; g++) {
		t = p.gs.ptr[g + 1] - p.gs.ptr[g];
		a = t < 4 ? t : 4;	/* 25 free registers: 4 accumulators */
		mul += a;
		adds += a ? a - 1 : 0;
		zero |= t == 0;
	}
	ck_assert_uint_eq(nb, 256 * 205);	/* t = round(0.1 * 2048) per group */
	ck_assert_uint_eq(n[OP_MLOAD], 2 * nb + zero);
	ck_assert_uint_eq(n[OP_GATHER], nb);
	ck_assert_uint_eq(n[OP_MUL], mul);
	ck_assert_uint_eq(n[OP_FMA], nb - mul);
	ck_assert_uint_eq(n[OP_ADD], adds);
	ck_assert_uint_eq(n[OP_MSTORE], p.gs.ngroups);
	ck_assert_uint_eq(total, 4 * nb + adds + p.gs.ngroups + zero);
	kernel_free(&k);
	pruned_free(&p);

	/* unstructured: masked lanes = the load imbalance of sliced ELL */
	prune_rand(&p, "unstructured", 8, 512, 512, 0.9, 12);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	memset(n, 0, sizeof(n));
	while (k.src.next(k.src.ctx, &in, &err) == 1) {
		n[in.op]++;
		if (in.op == OP_GATHER)
			for (l = 0; l < 8; l++)	/* lanes from nidx on are masked */
				masked += l >= in.nidx || in.idx[l] == GS_LANE_MASKED;
	}
	nb = 0;
	for (g = 0; g < 64; g++) {
		uint32_t mx = 0, r;

		for (r = g * 8; r < g * 8 + 8; r++)
			mx = p.csr.ptr[r + 1] - p.csr.ptr[r] > mx ? p.csr.ptr[r + 1] - p.csr.ptr[r] : mx;
		nb += mx;
	}
	ck_assert_uint_eq(n[OP_GATHER], nb);
	ck_assert_uint_eq(masked, 8 * nb - p.nnz);
	ck_assert_uint_gt(masked, 0);
	kernel_free(&k);
	pruned_free(&p);

	/* dense, batch 3: per row 256 chunks x (mload + 3 x (vload + fma)) */
	sp.batch = 3;
	prune_rand(&p, "dense", 8, 2048, 2048, 0, 13);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	memset(n, 0, sizeof(n));
	total = 0;
	while (k.src.next(k.src.ctx, &in, &err) == 1) {
		n[in.op]++;
		total++;
	}
	ck_assert_uint_eq(n[OP_MLOAD], 2048 * 256);
	ck_assert_uint_eq(n[OP_VLOAD], 3 * 2048 * 256);
	ck_assert_uint_eq(n[OP_MUL] + n[OP_FMA], 3 * 2048 * 256);
	ck_assert_uint_eq(n[OP_MUL], 3 * 2048 * 4);
	ck_assert_uint_eq(n[OP_ADD], 3 * 2048 * 3);
	ck_assert_uint_eq(n[OP_REDUCE], 3 * 2048);
	ck_assert_uint_eq(n[OP_MSTORE], 3 * 2048);
	ck_assert_uint_eq(total, 2048ull * (256 * 7 + 3 * 5));
	kernel_free(&k);
	pruned_free(&p);
}
END_TEST

static uint64_t get_uint(const unsigned char *b, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* The documented images: zero vector at +0; GS joined records from +64
** (V fp16 values, V u16 indices: 32 bytes for V = 8), u32 bucket pointers
** and u16 rowind after, each 64-byte aligned; BSR values then u16 first
** columns. */
START_TEST(weight_stream_layout)
{
	struct machine m;
	struct pruned p;
	struct kernel k;
	struct spmm_params sp = { 1, SPMM_STORE };
	struct gs_err err;
	unsigned char *img;
	uint64_t nb, j, off, bytes;
	uint32_t g, l, r, n;

	machine_init(&m, 8, 2, 32, 64);
	prune_rand(&p, "gs-v", 8, 20, 64, 0.75, 3);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	nb = p.gs.ptr[p.gs.ngroups];
	bytes = k.layout.weight_bytes;
	ck_assert_uint_eq(k.layout.weights_mem, 0x10000000ull);
	ck_assert_uint_eq(bytes, 64 + gen_align_up(nb * 32, 64) + gen_align_up((p.gs.ngroups + 1) * 4, 64) +
					 gen_align_up(p.gs.ngroups * 8 * 2, 64));
	img = malloc(bytes + 64);
	k.mem_read(k.mem_ctx, k.layout.weights_mem - 32, img, (uint32_t)bytes + 64);
	for (j = 0; j < 32 + 64; j++)	/* before the image, zero vector, padding */
		ck_assert_uint_eq(img[j], 0);
	for (j = 0; j < nb; j++)
		for (l = 0; l < 8; l++) {
			const unsigned char *rec = img + 32 + 64 + j * 32;
			uint32_t col = p.gs.col[j * 8 + l];

			ck_assert_uint_eq(get_uint(rec + 2 * l, 2),
					  col == GS_COL_NONE ? 0 : fp16_from_float(p.gs.val[j * 8 + l]));
			ck_assert_uint_eq(get_uint(rec + 16 + 2 * l, 2), col == GS_COL_NONE ? 0 : col);
		}
	off = 32 + 64 + gen_align_up(nb * 32, 64);
	for (g = 0; g <= p.gs.ngroups; g++)
		ck_assert_uint_eq(get_uint(img + off + 4 * g, 4), p.gs.ptr[g]);
	off += gen_align_up((p.gs.ngroups + 1) * 4, 64);
	for (j = 0; j < p.gs.ngroups * 8; j++) {
		r = p.gs.rowind[j];
		ck_assert_uint_eq(get_uint(img + off + 2 * j, 2), r == UINT32_MAX ? 0 : r);
	}
	/* unaligned partial reads agree with the whole */
	for (j = 0; j + 7 < bytes; j += 37) {
		unsigned char part[7];

		k.mem_read(k.mem_ctx, k.layout.weights_mem + j, part, 7);
		ck_assert(!memcmp(part, img + 32 + j, 7));
	}
	kernel_free(&k);
	pruned_free(&p);
	free(img);

	/* block 1x8 on 3 x 20 columns: blocks [0,8) [8,16) [16,20) */
	prune_rand(&p, "block:1x8", 8, 3, 20, 0.0, 4);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
	img = malloc(k.layout.weight_bytes);
	k.mem_read(k.mem_ctx, k.layout.weights_mem, img, (uint32_t)k.layout.weight_bytes);
	for (r = 0, n = 0; r < 3; r++)
		for (j = 0; j < 3; j++, n++) {
			for (l = 0; l < 8; l++) {
				uint32_t c = (uint32_t)j * 8 + l;

				ck_assert_uint_eq(get_uint(img + 64 + n * 16 + 2 * l, 2),
						  c < 20 ? fp16_from_float(p.csr.val[p.csr.ptr[r] + c]) : 0);
			}
			/* indices after the 9 x 16 value bytes, aligned: 64 + 192 */
			ck_assert_uint_eq(get_uint(img + 256 + 2 * n, 2), j * 8);
		}
	kernel_free(&k);
	pruned_free(&p);
	free(img);
}
END_TEST

START_TEST(generator_errors)
{
	struct machine m, m16;
	struct pruned p;
	struct kernel k;
	struct spmm_params sp = { 1, SPMM_STORE };
	struct gs_err err;

	machine_init(&m, 8, 2, 32, 64);
	machine_init(&m16, 16, 2, 32, 64);
	prune_rand(&p, "dense", 8, 1, 40000, 0, 1);	/* 80 000 bytes of fp16 x */
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "spmm 1x40000 dense") && strstr(err.msg, "scratchpad") &&
			      strstr(err.msg, "x (cols x batch)"),
		      "%s", err.msg);
	pruned_free(&p);
	prune_rand(&p, "gs-v", 8, 16, 32, 0.5, 1);
	ck_assert_int_eq(gen_spmm(&k, &p, &m16.isa, &sp, &err), -1);	/* V 8 on 16 lanes */
	ck_assert_msg(strstr(err.msg, "lanes"), "%s", err.msg);
	sp.batch = 0;
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	sp.batch = 1;
	sp.variant = 7;
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	sp.variant = SPMM_STORE;
	/* groups moved off consecutive rows: the store variant refuses */
	p.gs.rowind[0] = 9;
	p.gs.rowind[9] = 0;
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "consecutive"), "%s", err.msg);
	sp.variant = SPMM_SCATTER;	/* ... the scatter variant follows rowind */
	run_spmm(&p, &m, 2, SPMM_SCATTER, "gs-v permuted rowind");
	pruned_free(&p);
	prune_rand(&p, "block:2x4", 8, 16, 32, 0.5, 1);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "block 2x4"), "%s", err.msg);
	pruned_free(&p);
	prune_rand(&p, "block:16x1", 8, 16, 32, 0.5, 1);
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	pruned_free(&p);
	prune_rand(&p, "unstructured", 8, 16, 32, 0.5, 1);
	m.isa.registers = 4;
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "registers"), "%s", err.msg);
	m.isa.element_bytes = 3;
	ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), -1);
	pruned_free(&p);
}
END_TEST

/* Generated kernels pass the trace reader's checks: written as text and
** read back, every instruction comes back identical (line aside). */
START_TEST(trace_file_round_trip)
{
	static const char *const names[] = { "gs:V=8,h=2,B=8", "block:1x8", "unstructured",
					     "gs-v", "dense" };
	struct machine m;
	struct spmm_params sp = { 3, SPMM_SCATTER };
	struct gs_insn a, b;
	struct gs_source src;
	struct gs_err err;
	struct kernel k;
	size_t i;

	machine_init(&m, 8, 2, 32, 64);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pruned p;
		char *path = tu_write_temp(".gst", "");
		FILE *f = fopen(path, "w");
		uint64_t n = 0;

		ck_assert_ptr_nonnull(f);
		prune_rand(&p, names[i], 8, 44, 100, 0.97, 21 + i);
		ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
		ck_assert_int_eq(trace_write_header(f), 0);
		while (k.src.next(k.src.ctx, &a, &err) == 1)
			ck_assert_int_eq(trace_write_insn(f, &a, &m.cfg), 0);
		ck_assert_int_eq(fclose(f), 0);
		kernel_free(&k);
		ck_assert_msg(trace_open(&src, path, &m.cfg, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(gen_spmm(&k, &p, &m.isa, &sp, &err), 0);
		while (k.src.next(k.src.ctx, &a, &err) == 1) {
			ck_assert_msg(src.next(src.ctx, &b, &err) == 1, "%s: %s", names[i], err.msg);
			n++;
			ck_assert_msg(a.op == b.op && a.dst == b.dst && !memcmp(a.src, b.src, 3) &&
					      a.nidx == b.nidx && a.bytes == b.bytes && a.tag == b.tag &&
					      a.addr == b.addr && a.maddr == b.maddr &&
					      /* lanes at and past nidx are masked by definition (insn.h) */
					      !memcmp(a.idx, b.idx, a.nidx * sizeof(a.idx[0])),
				      "%s: instruction %llu (%s) differs", names[i], (unsigned long long)n,
				      gs_op_name(a.op));
		}
		ck_assert_int_eq(src.next(src.ctx, &b, &err), 0);
		src.close(src.ctx);
		kernel_free(&k);
		pruned_free(&p);
		remove(path);
		*strrchr(path, '/') = '\0';
		remove(path);
		tu_remove_temp(path);
	}
}
END_TEST

Suite *gen_spmm_suite(void)
{
	Suite *s = suite_create("gen_spmm");
	TCase *t = tcase_create("spmm");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, every_pattern_fp16_8_lanes);
	tcase_add_test(t, every_pattern_fp32_16_lanes);
	tcase_add_test(t, register_pressure_tiles_batch);
	tcase_add_test(t, hand_worked_gs_vertical);
	tcase_add_test(t, software_pipeline_distances);
	tcase_add_test(t, large_layer_streams_with_formula_counts);
	tcase_add_test(t, weight_stream_layout);
	tcase_add_test(t, generator_errors);
	tcase_add_test(t, trace_file_round_trip);
	suite_add_tcase(s, t);
	return s;
}
