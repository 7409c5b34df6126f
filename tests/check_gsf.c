/*
** check_gsf.c: the .gsf format. Hand-built matrices of every pattern kind
** (the GS examples of gs-patterns.md §1.3, a hybrid with a padded partial
** group, CSR, blocks 8x1 / 1x8 with partial edge blocks, N:M, dense) round
** trip bit for bit; a small GS file is checked byte by byte; wide indices;
** fp16 rounding; the writer's refusals; inspect. Corrupt files:
** check_gsf_corrupt.c.
*/
#include "gsf_testutil.h"

/* ---- tests ---- */

START_TEST(test_round_trip)
{
	for (size_t c = 0; c < NCASES; c++)
		for (int vb = 2; vb <= 4; vb += 2) {
			char *path = temp_path();
			struct gs_err err = { "" };
			struct pruned p, q;

			cases[c](&p);
			write_ok(path, &p, vb);
			ck_assert_msg(gsf_read(path, &q, &err) == 0, "case %zu: %s", c, err.msg);
			assert_same(&p, &q);
			pruned_free(&p);
			pruned_free(&q);
			tu_remove_temp(path);
		}
}
END_TEST

/* The GS-vertical file, byte by byte (docs/gs-format.md). */
START_TEST(test_layout_by_hand)
{
	size_t n;
	unsigned char *b = file_of(case_gs_vertical, 2, &n);
	static const uint64_t hdr[][3] = {	/* offset, bytes, value */
		{ 4, 2, 2 }, { 6, 2, 128 }, { 8, 1, PAT_GS }, { 9, 1, 0 }, { 10, 1, 2 }, { 11, 1, 2 },
		{ 12, 1, 2 }, { 16, 4, 4 }, { 20, 4, 1 }, { 24, 4, 4 }, { 28, 4, 8 }, { 32, 4, 8 },
		{ 36, 4, 2 }, { 40, 8, 4 }, { 48, 8, 16 }, { 88, 8, 12 }, { 96, 8, 64 },
		{ 104, 8, 16 },
	};

	/* 128 header + 3 u32 ptr + 4 buckets x 4 lanes x (2 + 2) + 8 u16 rowind + crc */
	ck_assert_uint_eq(n, 128 + 12 + 64 + 16 + 4);
	ck_assert_mem_eq(b, "GSF", 4);
	for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		ck_assert_msg(get_le(b, hdr[i][0], (int)hdr[i][1]) == hdr[i][2], "byte %llu",
			      (unsigned long long)hdr[i][0]);
	ck_assert(get_le(b, 56, 8) == 0x3fe0000000000000ull);	/* target 0.5 */
	ck_assert(get_le(b, 64, 8) == 0x3fe8000000000000ull);	/* 1 - 16/64 = 0.75 */
	for (int i = 112; i < 128; i++)	/* layer not recorded (gsf_write) */
		ck_assert_uint_eq(b[i], 0);
	/* bucket pointers 0, 2, 4 */
	ck_assert(get_le(b, 128, 4) == 0 && get_le(b, 132, 4) == 2 && get_le(b, 136, 4) == 4);
	/* bucket 0: values w(0,0) = -1.25, w(1,1) = -0.25, w(2,2) = 0.75, w(3,3) = 1.75 in
	** fp16, then indices 0 1 2 3; bucket 1 indices 1 6 7 4 */
	ck_assert(get_le(b, 140, 2) == 0xbd00 && get_le(b, 142, 2) == 0xb400);
	ck_assert(get_le(b, 144, 2) == 0x3a00 && get_le(b, 146, 2) == 0x3f00);
	for (int l = 0; l < 4; l++) {
		ck_assert_uint_eq(get_le(b, 148 + 2 * (size_t)l, 2), (uint64_t)l);
		ck_assert_uint_eq(get_le(b, 164 + 2 * (size_t)l, 2), ((const uint64_t[]){ 1, 6, 7, 4 })[l]);
	}
	for (int k = 0; k < 8; k++)
		ck_assert_uint_eq(get_le(b, 204 + 2 * (size_t)k, 2), (uint64_t)k);
	ck_assert_uint_eq(crc32_ref((const unsigned char *)"123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(get_le(b, n - 4, 4), crc32_ref(b, n - 4));
	free(b);
	/* fp32 records: 4 x (4 + 2) bytes per lane pair */
	b = file_of(case_gs_vertical, 4, &n);
	ck_assert_uint_eq(n, 128 + 12 + 4 * 4 * 6 + 16 + 4);
	ck_assert(get_le(b, 140, 4) == 0xbfa00000u && get_le(b, 156, 2) == 0);
	free(b);
}
END_TEST

START_TEST(test_wide_indices)
{
	/* cols 65536: u16 indices still (column 65535 valid); 65537: u32 */
	for (uint32_t cols = 65536; cols <= 65537; cols++) {
		char *path = temp_path();
		struct gs_err err = { "" };
		struct pruned p, q;
		unsigned char *b;
		size_t n;

		set_pat(&p, PAT_UNSTRUCTURED, 0, 0, 0);
		p.rows = 2;
		p.cols = cols;
		p.nnz = 3;
		p.csr.ptr = malloc(3 * sizeof(uint32_t));
		p.csr.col = malloc(3 * sizeof(uint32_t));
		p.csr.val = malloc(3 * sizeof(float));
		memcpy(p.csr.ptr, (const uint32_t[]){ 0, 2, 3 }, 12);
		memcpy(p.csr.col, (const uint32_t[]){ 7, cols - 1, 65535 }, 12);
		memcpy(p.csr.val, (const float[]){ 1.5f, -2.0f, 0.25f }, 12);
		write_ok(path, &p, 2);
		b = slurp(path, &n);
		ck_assert_uint_eq(b[11], cols == 65536 ? 2 : 4);
		ck_assert_uint_eq(n, 128 + 12 + 3 * (size_t)(b[11] + 2) + 4);
		ck_assert_msg(gsf_read(path, &q, &err) == 0, "%s", err.msg);
		assert_same(&p, &q);
		pruned_free(&p);
		pruned_free(&q);
		free(b);
		tu_remove_temp(path);
	}
}
END_TEST

/* rows past 65535: rowind u32; the padding marker is all ones in either
** width. Group 0 (rows 0, 1) has one bucket, the last group (row rows-1 and
** a padding lane) one, every group between none. */
START_TEST(test_wide_rowind)
{
	for (uint32_t rows = 65535; rows <= 65537; rows += 2) {
		uint32_t ng = (rows + 1) / 2, *ptr = malloc((ng + 1) * 4), *rowind = malloc(ng * 2 * 4);
		static const uint32_t col[] = { 0, 1, 3, NONE };
		char *path = temp_path();
		struct gs_err err = { "" };
		struct pruned p, q;
		unsigned char *b;
		size_t n;

		ck_assert(ptr && rowind);
		set_pat(&p, PAT_GS, 2, 1, 2);
		for (uint32_t g = 0; g <= ng; g++)
			ptr[g] = g == 0 ? 0 : g < ng ? 1 : 2;
		for (uint32_t k = 0; k < 2 * ng; k++)
			rowind[k] = k < rows ? k : NONE;
		p.rows = rows;
		p.cols = 4;
		p.nnz = 3;
		p.csr.ptr = malloc((rows + 1) * 4);
		p.csr.col = malloc(12);
		p.csr.val = malloc(12);
		ck_assert(p.csr.ptr && p.csr.col && p.csr.val);
		for (uint32_t i = 0; i <= rows; i++)
			p.csr.ptr[i] = i == 0 ? 0 : i == 1 ? 1 : i < rows ? 2 : 3;
		memcpy(p.csr.col, (const uint32_t[]){ 0, 1, 3 }, 12);
		p.csr.val[0] = wval(0, 0, 4);
		p.csr.val[1] = wval(1, 1, 4);
		p.csr.val[2] = wval(rows - 1, 3, 4);
		set_gs(&p, ng, ptr, col, rowind);
		write_ok(path, &p, 2);
		b = slurp(path, &n);
		ck_assert_uint_eq(b[12], rows <= 65535 ? 2 : 4);
		ck_assert_uint_eq(n, 128 + (ng + 1) * 4 + 2 * 2 * 4 + 2 * (size_t)ng * b[12] + 4);
		ck_assert_uint_eq(get_le(b, n - 4 - b[12], b[12]), b[12] == 2 ? 0xffffu : 0xffffffffu);
		ck_assert_uint_eq(get_le(b, n - 4 - 2 * (size_t)b[12], b[12]), rows - 1);
		ck_assert_msg(gsf_read(path, &q, &err) == 0, "%s", err.msg);
		assert_same(&p, &q);
		pruned_free(&p);
		pruned_free(&q);
		free(ptr);
		free(rowind);
		free(b);
		tu_remove_temp(path);
	}
}
END_TEST

static float pow2f(int e)
{
	return ldexpf(1.0f, e);
}

/* fp16 stores round to nearest even; checked through a write/read. */
START_TEST(test_fp16_rounding)
{
	const struct { float in, out; } v[] = {
		{ 1.0f + pow2f(-11), 1.0f },			/* tie -> even (down) */
		{ 1.0f + 3 * pow2f(-11), 1.0f + pow2f(-9) },	/* tie -> even (up) */
		{ 1.0f + pow2f(-11) + pow2f(-20), 1.0f + pow2f(-10) },
		{ 0.1f, 0.0999755859375f },
		{ 3.14159265f, 3.140625f },
		{ 2049.0f, 2048.0f }, { 2051.0f, 2052.0f },
		{ 65504.0f, 65504.0f }, { 65519.0f, 65504.0f }, { -65519.0f, -65504.0f },
		{ pow2f(-24), pow2f(-24) },			/* smallest subnormal */
		{ pow2f(-25), 0.0f },				/* tie -> even 0 */
		{ 3 * pow2f(-26), pow2f(-24) },
		{ 4.5f * pow2f(-24), 4 * pow2f(-24) }, { 5.5f * pow2f(-24), 6 * pow2f(-24) },
		{ pow2f(-14) - pow2f(-25), pow2f(-14) },	/* carries into the normals */
		{ -2.5f, -2.5f }, { -0.0f, -0.0f }, { 1e-10f, 0.0f },
	};
	size_t nv = sizeof(v) / sizeof(v[0]);
	char *path = temp_path();
	struct gs_err err = { "" };
	struct pruned p, q;
	unsigned char *b;
	size_t n;

	set_pat(&p, PAT_UNSTRUCTURED, 0, 0, 0);
	p.rows = 1;
	p.cols = (uint32_t)nv;
	p.nnz = nv;
	p.csr.ptr = malloc(2 * sizeof(uint32_t));
	p.csr.col = malloc(nv * sizeof(uint32_t));
	p.csr.val = malloc(nv * sizeof(float));
	p.csr.ptr[0] = 0;
	p.csr.ptr[1] = (uint32_t)nv;
	for (size_t i = 0; i < nv; i++) {
		p.csr.col[i] = (uint32_t)i;
		p.csr.val[i] = v[i].in;
	}
	write_ok(path, &p, 2);
	b = slurp(path, &n);
	/* values follow the row pointers and the u16 indices */
	ck_assert_uint_eq(get_le(b, 128 + 8 + 2 * nv + 2 * 3, 2), 0x2e66);	/* 0.1 */
	ck_assert_uint_eq(get_le(b, 128 + 8 + 2 * nv + 2 * 17, 2), 0x8000);	/* -0 */
	ck_assert_msg(gsf_read(path, &q, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < nv; i++) {
		ck_assert_msg(q.csr.val[i] == v[i].out, "%zu: %a -> %a, expected %a", i,
			      (double)v[i].in, (double)q.csr.val[i], (double)v[i].out);
		ck_assert_int_eq(signbit(q.csr.val[i]) != 0, signbit(v[i].out) != 0);
	}
	pruned_free(&q);
	/* 65520 rounds past the largest half: refused in fp16, fine in fp32 */
	p.csr.val[0] = 65520.0f;
	ck_assert_int_eq(gsf_write(path, &p, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "not finite in fp16"), "%s", err.msg);
	write_ok(path, &p, 4);
	ck_assert_msg(gsf_read(path, &q, &err) == 0, "%s", err.msg);
	ck_assert(q.csr.val[0] == 65520.0f && q.csr.val[3] == 0.1f);
	pruned_free(&q);
	pruned_free(&p);
	free(b);
	tu_remove_temp(path);
}
END_TEST

/* gsf_write refuses inconsistent matrices, and leaves no file behind. */
static void expect_write_error(const struct pruned *p, int vb, const char *want)
{
	char *dir = tu_temp_dir(), path[512];
	struct gs_err err = { "" };

	snprintf(path, sizeof(path), "%s/x.gsf", dir);
	ck_assert_int_eq(gsf_write(path, p, vb, &err), -1);
	ck_assert_msg(!strncmp(err.msg, path, strlen(path)), "%s", err.msg);
	ck_assert_msg(strstr(err.msg, want) != NULL, "want '%s', got: %s", want, err.msg);
	ck_assert_int_ne(access(path, F_OK), 0);
	rmdir(dir);
	free(dir);
}

START_TEST(test_write_rejects)
{
	struct gs_err err = { "" };
	struct pruned p;

	case_csr(&p);
	expect_write_error(&p, 3, "value bytes 3 (expected 2 for fp16 or 4 for fp32)");
	p.csr.col[1] = 0;
	expect_write_error(&p, 2, "row 0: column 0 out of range or not ascending");
	p.csr.col[1] = 3;
	p.nnz = 5;
	expect_write_error(&p, 2, "csr holds 6 entries but nnz is 5");
	p.nnz = 6;
	p.sparsity = -0.1;
	expect_write_error(&p, 2, "outside [0, 1]");
	p.sparsity = 0.6;
	p.pat.kind = PAT_DENSE;
	expect_write_error(&p, 2, "dense pattern with 6 of 15 entries");
	ck_assert_int_eq(gsf_write("/nonexistent-dir/x.gsf", &p, 2, &err), -1);
	pruned_free(&p);

	case_nm(&p);
	p.pat.n = 1;
	expect_write_error(&p, 2, "column 3: more than 1 kept in a run of 4 columns");
	pruned_free(&p);

	case_block8x1(&p);	/* drop row 5 of block (0, 0) */
	memmove(&p.csr.col[10], &p.csr.col[11], 7 * sizeof(uint32_t));
	memmove(&p.csr.val[10], &p.csr.val[11], 7 * sizeof(float));
	for (int i = 6; i <= 10; i++)
		p.csr.ptr[i]--;
	p.nnz--;
	expect_write_error(&p, 4, "block (0, 0) at row 0 column 0 is partly kept (7 of 8 entries)");
	pruned_free(&p);

	case_gs_hybrid(&p);
	p.gs.col[0] = NONE;	/* a masked lane on row 0 */
	expect_write_error(&p, 2, "bucket 0 lane 0: column 4294967295 on row 0");
	p.gs.col[0] = 0;
	p.gs.col[14] = 5;	/* a padding lane holding a column */
	expect_write_error(&p, 2, "bucket 3 lane 2: padding lane not masked");
	p.gs.col[14] = NONE;
	p.gs.col[1] = 0;	/* row 0: column 0 twice, column 1 lost */
	expect_write_error(&p, 2, "GS buckets hold row 0 column 0 twice");
	p.gs.col[1] = 1;
	p.gs.val[2] = 0.5f;	/* not the csr's value */
	expect_write_error(&p, 2, "GS buckets do not hold the csr's entries (first difference in "
			   "row 1)");
	p.gs.val[2] = wval(1, 2, 8);
	p.gs.rowind[3] = 9;
	expect_write_error(&p, 2, "group 0 lane 3: row 9 out of range");
	p.gs.rowind[3] = 1;
	p.gs.ptr[1] = 4;
	expect_write_error(&p, 2, "GS bucket pointer 2 decreases");
	p.gs.ptr[1] = 1;
	p.pat.h = 3;
	expect_write_error(&p, 2, "h=3 does not divide V=4");
	p.pat.h = 2;
	p.gs.ngroups = 2;
	expect_write_error(&p, 2, "GS buckets missing or not 3 groups");
	p.gs.ngroups = 3;
	write_ok("/dev/null", &p, 2);
	pruned_free(&p);
}
END_TEST

static char *inspect_text(const char *path, int want_rc, struct gs_err *err)
{
	FILE *f = tmpfile();
	char *text = calloc(8192, 1);
	size_t n;

	ck_assert(f && text);
	ck_assert_int_eq(gsf_inspect(path, f, err), want_rc);
	rewind(f);
	n = fread(text, 1, 8191, f);
	text[n] = 0;
	fclose(f);
	return text;
}

static void expect_lines(const char *text, const char *const *want)
{
	for (; *want; want++)
		ck_assert_msg(strstr(text, *want) != NULL, "want '%s' in:\n%s", *want, text);
}

START_TEST(test_inspect)
{
	static const char *const gs[] = {
		"shape:        8 x 8 (rows = outputs x cols = inputs)\n",
		"pattern:      gs:V=4,h=1,B=4\n", "types:        values fp16, indices u16, rowind u16\n",
		"nnz:          16 of 64\n", "sparsity:     target 0.500000, achieved 0.750000\n",
		"quality:      abs_kept 0.875000, sq_kept 0.750000",
		"buckets:      4 in 2 groups of 4 rows (V=4, h=1)\n",
		"per group:    2 min, 2.00 mean, 2 max\n",
		"conformance:  GS(V=4, h=1, B=4) conforming (bank = column mod B)\n",
		"storage:      224 bytes, 14.000 bytes/nnz\n",
		"  bucket ptr                 12 bytes     0.750 /nnz\n",
		"  bucket records             64 bytes     4.000 /nnz\n",
		"  rowind                     16 bytes     1.000 /nnz\n", NULL };
	static const char *const hyb[] = { "pattern:      gs:V=4,h=2,B=4,nonuniform\n",
		"buckets:      4 in 3 groups of 2 rows (V=4, h=2)\n",
		"per group:    1 min, 1.33 mean, 2 max\n", "GS(V=4, h=2, B=4) conforming", NULL };
	static const char *const blk[] = { "pattern:      block:8x1\n",
		"blocks:       3 of 8 x 1 in 2 block rows\n", "per blk row:  1 min, 1.50 mean, 2 max\n",
		"conformance:  n/a (not a GS pattern)\n",
		"  block values               96 bytes     5.333 /nnz\n",
		"types:        values fp32, indices u16\n", NULL };
	static const char *const csr[] = { "pattern:      unstructured\n",
		"per row:      0 min, 2.00 mean, 4 max\n",
		"  col idx                    12 bytes     2.000 /nnz\n", NULL };
	static const char *const bad[] = { "NOT GS(V=4, h=1, B=4) conforming (bank = column mod B): ",
		NULL };
	struct gs_err err = { "" };
	char *path = temp_path(), *text;
	struct pruned p;

	case_gs_vertical(&p);
	write_ok(path, &p, 2);
	text = inspect_text(path, 0, &err);
	expect_lines(text, gs);
	free(text);
	/* row 1 -> {4, 6}: bucket 0 = columns 0 4 2 3 puts bank 0 twice */
	p.csr.col[2] = 4;
	p.csr.val[2] = wval(1, 4, 8);
	p.gs.col[1] = 4;
	p.gs.val[1] = wval(1, 4, 8);
	write_ok(path, &p, 2);
	text = inspect_text(path, 0, &err);
	expect_lines(text, bad);
	free(text);
	pruned_free(&p);

	case_gs_hybrid(&p);
	write_ok(path, &p, 2);
	text = inspect_text(path, 0, &err);
	expect_lines(text, hyb);
	free(text);
	pruned_free(&p);

	case_block8x1(&p);
	write_ok(path, &p, 4);
	text = inspect_text(path, 0, &err);
	expect_lines(text, blk);
	free(text);
	pruned_free(&p);

	case_csr(&p);
	write_ok(path, &p, 2);
	text = inspect_text(path, 0, &err);
	expect_lines(text, csr);
	free(text);
	pruned_free(&p);

	spill(path, (const unsigned char *)"GSF", 4);
	text = inspect_text(path, -1, &err);
	ck_assert_str_eq(text, "");
	ck_assert_msg(strstr(err.msg, ": byte 4: file ends inside the 128-byte header"), "%s",
		      err.msg);
	free(text);
	unlink(path);
	ck_assert_int_eq(gsf_read(path, &p, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot open"), "%s", err.msg);
	tu_remove_temp(path);
}
END_TEST

/* Version 2: the layer geometry in bytes 112..127, read back, checked;
** version 1 files still read (layer not recorded). */
START_TEST(test_geometry)
{
	struct gsf_geometry g = { GSF_LAYER_CONV2D, 2, 2, 1, 1, 1, 3, 4 }, back, bad;
	struct pruned p, q;
	struct gs_err err = { "" };
	char *path = temp_path(), *out = NULL;
	unsigned char *b;
	uint32_t rows, cols;
	size_t n;
	FILE *f;

	case_gs_vertical(&p);	/* 8 x 8: cin 2 x kernel 2x2 */
	ck_assert_msg(gsf_write_geom(path, &p, 2, &g, &err) == 0, "%s", err.msg);
	b = slurp(path, &n);
	ck_assert(get_le(b, 4, 2) == 2 && b[112] == 2 && b[113] == 1 && b[114] == 1 && b[115] == 1);
	ck_assert(get_le(b, 116, 2) == 2 && get_le(b, 118, 2) == 2 && get_le(b, 120, 4) == 3 &&
		  get_le(b, 124, 4) == 4);
	ck_assert_msg(gsf_read_geom(path, &q, &back, &err) == 0, "%s", err.msg);
	ck_assert_mem_eq(&back, &g, sizeof g);
	assert_same(&p, &q);
	pruned_free(&q);
	memset(&back, 0xff, sizeof back);
	ck_assert_int_eq(gsf_read_header_geom(path, &rows, &cols, &back, &err), 0);
	ck_assert(rows == 8 && cols == 8 && !memcmp(&back, &g, sizeof g));
	f = tmpfile();
	ck_assert_int_eq(gsf_inspect(path, f, &err), 0);
	rewind(f);
	out = calloc(4096, 1);
	ck_assert_uint_gt(fread(out, 1, 4095, f), 0);
	fclose(f);
	ck_assert_msg(strstr(out, "(GSF v2,") && strstr(out, "layer:        conv2d: input 3x4x2, "
		      "kernel 2x2, stride 1, pad 1, dilation 1 -> 8 channels\n"), "%s", out);
	free(out);
	/* the writer refuses a geometry that does not fit */
	bad = g;
	bad.kh = bad.kw = 3;
	ck_assert_int_eq(gsf_write_geom(path, &p, 2, &bad, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot write: layer geometry: kernel 3x3 does not divide the 8 "
			     "columns into input channels"), "%s", err.msg);
	bad = g;
	bad.stride = 300;
	ck_assert_int_eq(gsf_write_geom(path, &p, 2, &bad, &err), -1);
	ck_assert_msg(strstr(err.msg, "stride, pad and dilation must be at most 255"), "%s", err.msg);
	/* crafted geometry fields, checksum fixed */
	b[112] = 5;
	fix_crc(b, n);
	expect_bad(b, n, "byte 112: unknown layer kind 5");
	b[112] = GSF_LAYER_CONV1D;
	fix_crc(b, n);
	expect_bad(b, n, "byte 116: a 1-D convolution has kh = h_in = 1 (kh 2, h_in 3)");
	b[112] = GSF_LAYER_CONV2D;
	put_le(b, 118, 0, 2);
	fix_crc(b, n);
	expect_bad(b, n, "byte 118: kernel 2x0: sizes must be at least 1");
	/* a version 1 file: reserved bytes 0, read with the layer not recorded */
	put_le(b, 4, 1, 2);
	memset(b + 112, 0, 16);
	fix_crc(b, n);
	spill(path, b, n);
	ck_assert_msg(gsf_read_geom(path, &q, &back, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(back.kind, GSF_LAYER_UNKNOWN);
	assert_same(&p, &q);
	pruned_free(&q);
	ck_assert_int_eq(gsf_read_header_geom(path, &rows, &cols, &back, &err), 0);
	ck_assert_int_eq(back.kind, GSF_LAYER_UNKNOWN);
	free(b);
	pruned_free(&p);
	tu_remove_temp(path);
}
END_TEST

Suite *gsf_suite(void);

Suite *gsf_suite(void)
{
	Suite *s = suite_create("gsf");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_layout_by_hand);
	tcase_add_test(tc, test_wide_indices);
	tcase_add_test(tc, test_wide_rowind);
	tcase_add_test(tc, test_fp16_rounding);
	tcase_add_test(tc, test_write_rejects);
	tcase_add_test(tc, test_inspect);
	tcase_add_test(tc, test_geometry);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
