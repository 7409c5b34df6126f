/*
** check_npy.c: .npy reading and writing (every error class with its byte
** offset, truncation at every byte), the matrix view of weight tensors,
** the random number generator and synthetic weights.
*/
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npy.h"
#include "rng.h"
#include "testutil.h"
#include "weights.h"

/* A .npy image: magic, version major.0, header length, dict, data. */
static size_t make_npy(unsigned char *buf, int major, const char *dict, const void *data,
		       size_t dlen)
{
	size_t hl = strlen(dict), at;

	memcpy(buf, "\x93NUMPY", 6);
	buf[6] = (unsigned char)major;
	buf[7] = 0;
	buf[8] = (unsigned char)(hl & 0xff);
	buf[9] = (unsigned char)(hl >> 8);
	at = 10;
	if (major > 1) {
		buf[10] = (unsigned char)(hl >> 16);
		buf[11] = (unsigned char)(hl >> 24);
		at = 12;
	}
	memcpy(buf + at, dict, hl);
	memcpy(buf + at + hl, data, dlen);
	return at + hl + dlen;
}

static const char f4_dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
static const unsigned char f4_data[24] = {
	0x00, 0x00, 0x80, 0x3f,	/* 1.0 */
	0x00, 0x00, 0x20, 0xc0,	/* -2.5 */
	0x00, 0x00, 0x00, 0x00,	/* 0 */
	0xcd, 0xcc, 0xcc, 0x3d,	/* 0.1f */
	0x00, 0x00, 0x80, 0x7f,	/* inf */
	0x00, 0x00, 0x00, 0x80,	/* -0 */
};

static void check_f4_values(const struct tensor *t)
{
	ck_assert_int_eq(t->ndim, 2);
	ck_assert_uint_eq(t->shape[0], 2);
	ck_assert_uint_eq(t->shape[1], 3);
	ck_assert(t->data[0] == 1.0f);
	ck_assert(t->data[1] == -2.5f);
	ck_assert(t->data[2] == 0.0f && !signbit(t->data[2]));
	ck_assert(t->data[3] == 0.1f);
	ck_assert(isinf(t->data[4]) && t->data[4] > 0);
	ck_assert(t->data[5] == 0.0f && signbit(t->data[5]));
}

START_TEST(test_read_f4_le_be)
{
	unsigned char buf[256], be[24];
	struct tensor t;
	struct gs_err err;
	size_t n = make_npy(buf, 1, f4_dict, f4_data, sizeof(f4_data)), i;
	char dict[128];

	ck_assert_int_eq(npy_parse("a.npy", buf, n, &t, &err), 0);
	check_f4_values(&t);
	tensor_free(&t);
	for (i = 0; i < 24; i++)
		be[i] = f4_data[i - i % 4 + 3 - i % 4];
	snprintf(dict, sizeof(dict), "%s", f4_dict);
	dict[11] = '>';
	n = make_npy(buf, 1, dict, be, sizeof(be));
	ck_assert_int_eq(npy_parse("b.npy", buf, n, &t, &err), 0);
	check_f4_values(&t);
	tensor_free(&t);
}
END_TEST

START_TEST(test_read_f2)
{
	/* fp16 bit patterns and their exact values. */
	static const uint16_t h[10] = { 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400,
					0x3555, 0xfc00, 0x8000, 0x7e00 };
	const float want[8] = { 1.0f, -2.0f, 65504.0f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f,
				0.333251953125f, -INFINITY };
	unsigned char le[20], be[20], buf[256];
	struct tensor t;
	struct gs_err err;
	size_t n;
	int i, big;

	for (i = 0; i < 10; i++) {
		le[2 * i] = (unsigned char)(h[i] & 0xff);
		le[2 * i + 1] = (unsigned char)(h[i] >> 8);
		be[2 * i] = le[2 * i + 1];
		be[2 * i + 1] = le[2 * i];
	}
	for (big = 0; big < 2; big++) {
		n = make_npy(buf, 1, big ? "{'descr': '>f2', 'fortran_order': False, 'shape': (10,)}" :
				     "{'descr': '<f2', 'fortran_order': False, 'shape': (10,)}",
			     big ? be : le, 20);
		ck_assert_int_eq(npy_parse("h.npy", buf, n, &t, &err), 0);
		ck_assert_int_eq(t.ndim, 1);
		ck_assert_uint_eq(t.shape[0], 10);
		for (i = 0; i < 8; i++)
			ck_assert_msg(t.data[i] == want[i], "item %d: %a != %a", i, t.data[i], want[i]);
		ck_assert(t.data[8] == 0 && signbit(t.data[8]));
		ck_assert(isnan(t.data[9]));
		tensor_free(&t);
	}
}
END_TEST

START_TEST(test_header_variants)
{
	static const char *const dicts[] = {
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
		"{ \"descr\" : \"<f4\" ,\t'fortran_order':False,'shape':(2,3,),}   \n",
		"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n",
		"\n{'descr':'<f4',\r\n 'fortran_order': False,\n 'shape': ( 2 , 3 ) }",
	};
	unsigned char buf[256];
	struct tensor t;
	struct gs_err err;
	size_t i, n;
	int major;

	for (major = 1; major <= 3; major++) {
		for (i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++) {
			n = make_npy(buf, major, dicts[i], f4_data, sizeof(f4_data));
			ck_assert_msg(npy_parse("v.npy", buf, n, &t, &err) == 0, "v%d %s: %s",
				      major, dicts[i], err.msg);
			check_f4_values(&t);
			tensor_free(&t);
		}
	}
}
END_TEST

/* Parse dict + data and expect the error "e.npy: byte OFF: what" where
** OFF is 10 + the offset of `at` in dict (or the given absolute offset). */
static void expect_err(const char *dict, const void *data, size_t dlen, const char *at,
		       long abs_off, const char *what)
{
	unsigned char buf[512];
	struct tensor t;
	struct gs_err err;
	size_t n = make_npy(buf, 1, dict, data, dlen);
	char want[512];
	long off = abs_off;

	if (at) {
		ck_assert_msg(strstr(dict, at) != NULL, "%s not in %s", at, dict);
		off = 10 + (long)(strstr(dict, at) - dict);
	}
	snprintf(want, sizeof(want), "e.npy: byte %ld: %s", off, what);
	t.data = (float *)buf;	/* must be reset on error */
	ck_assert_int_eq(npy_parse("e.npy", buf, n, &t, &err), -1);
	ck_assert_msg(!strncmp(err.msg, want, strlen(want)), "got '%s', want '%s...'", err.msg,
		      want);
	ck_assert_ptr_null(t.data);
	ck_assert_int_eq(t.ndim, 0);
}

START_TEST(test_header_errors)
{
	const unsigned char *d = f4_data;

	expect_err("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", d, 24,
		   "'<f8'", 0, "unsupported dtype '<f8' (expected '<f4' or '<f2'");
	expect_err("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", d, 24,
		   "'<i4'", 0, "unsupported dtype '<i4'");
	expect_err("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", d, 24,
		   "[", 0, "header: expected a quoted string");
	expect_err("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", d, 24,
		   "True", 0, "fortran_order True is not supported");
	expect_err("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", d, 24,
		   "0,", 0, "header: fortran_order: expected True or False");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 3, 1), }", d, 24,
		   "1), }", 0, "shape has more than 4 dimensions");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", d, 0,
		   "()", 0, "shape () is a scalar");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", d, 0,
		   ", 3)", 0, "shape: a dimension is 0");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", d, 24,
		   "(6)", 0, "shape: (N) is not a tuple");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", d, 24,
		   "-1", 0, "header: shape: expected a non-negative integer");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 3), }",
		   d, 24, "9999", 0, "header: shape: dimension too large");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
		   d, 24, NULL, 10, "shape is too large");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", d, 24,
		   "3)", 0, "header: shape: expected ',' or ')'");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", d, 24,
		   "'x'", 0, "header: unknown key 'x'");
	expect_err("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", d, 24,
		   "'descr': '<f4', 'f", 0, "header: duplicate key 'descr'");
	expect_err("{'descr': '<f4', 'fortran_order': False}", d, 24,
		   NULL, 10 + 40, "header: no 'shape' key");
	expect_err("{'fortran_order': False, 'shape': (2, 3)}", d, 24,
		   NULL, 10 + 41, "header: no 'descr' key");
	expect_err("['descr', '<f4']", d, 24, NULL, 10, "header: expected '{'");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x", d, 24,
		   "x", 0, "header: unexpected text after the dict");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) 'a'}", d, 24,
		   "'a'", 0, "header: expected ',' or '}' after a header value");
	expect_err("{'descr': '<f4', 'fortran_order' False, 'shape': (2, 3)}", d, 24,
		   "False,", 0, "header: expected ':' after the key");
	expect_err("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", d, 24,
		   "'<f4,", 0, "unsupported dtype '<f4, '");
	expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x", d, 24,
		   NULL, 10 + 60, "header: unterminated string");
	expect_err("{'descr': '<f\\4', 'fortran_order': False, 'shape': (2, 3)}", d, 24,
		   "\\", 0, "header: unsupported character in string");
	/* Data: 6 floats need 24 bytes. */
	expect_err(f4_dict, d, 23, NULL, (long)(10 + strlen(f4_dict) + 23), "data truncated");
	expect_err("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", d, 16,
		   NULL, 10 + 59 + 12, "4 trailing bytes after the data");
}
END_TEST

START_TEST(test_preamble_errors)
{
	unsigned char buf[256];
	struct tensor t;
	struct gs_err err;
	size_t n = make_npy(buf, 1, f4_dict, f4_data, sizeof(f4_data));

	buf[1] = 'n';
	ck_assert_int_eq(npy_parse("m.npy", buf, n, &t, &err), -1);
	ck_assert_str_eq(err.msg, "m.npy: byte 1: not a .npy file (bad magic)");
	buf[1] = 'N';
	buf[6] = 4;
	ck_assert_int_eq(npy_parse("m.npy", buf, n, &t, &err), -1);
	ck_assert_str_eq(err.msg, "m.npy: byte 6: unsupported .npy version 4.0 "
			 "(expected 1.0, 2.0 or 3.0)");
	buf[6] = 1;
	buf[7] = 1;
	ck_assert_int_eq(npy_parse("m.npy", buf, n, &t, &err), -1);
	ck_assert_str_eq(err.msg, "m.npy: byte 6: unsupported .npy version 1.1 "
			 "(expected 1.0, 2.0 or 3.0)");
	/* A v2 header length of 2 MiB with a file that long would be refused
	** for its size; a short file is reported as truncated first. */
	n = make_npy(buf, 2, f4_dict, f4_data, sizeof(f4_data));
	buf[10] = 0x20;
	ck_assert_int_eq(npy_parse("m.npy", buf, n, &t, &err), -1);
	{
		size_t hl = strlen(f4_dict) + ((size_t)2 << 20), big = 12 + hl;
		unsigned char *b = calloc(big, 1);
		char want[160];

		snprintf(want, sizeof(want), "m.npy: byte %zu: header truncated (it should end at "
			 "byte %zu)", n, big);
		ck_assert_str_eq(err.msg, want);
		memcpy(b, buf, 12);
		ck_assert_int_eq(npy_parse("m.npy", b, big, &t, &err), -1);
		snprintf(want, sizeof(want), "m.npy: byte 8: header length %zu is too large "
			 "(at most 1048576)", hl);
		ck_assert_str_eq(err.msg, want);
		free(b);
	}
}
END_TEST

/* Every strict prefix of a valid file fails with "byte <prefix length>". */
static void check_all_prefixes(const unsigned char *buf, size_t n, int via_file)
{
	struct tensor t;
	struct gs_err err;
	char want[600];
	size_t len;

	for (len = 0; len < n; len++) {
		char *path = NULL;
		const char *name = "p.npy";
		int rc;

		if (via_file) {
			FILE *f;

			path = tu_write_temp(".npy", "");
			f = fopen(path, "wb");
			ck_assert_ptr_nonnull(f);
			ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
			fclose(f);
			name = path;
			rc = npy_read(path, &t, &err);
		} else {
			rc = npy_parse(name, buf, len, &t, &err);
		}
		ck_assert_msg(rc == -1, "prefix of %zu bytes accepted", len);
		ck_assert_ptr_null(t.data);
		snprintf(want, sizeof(want), "%s: byte %zu: ", name, len);
		ck_assert_msg(!strncmp(err.msg, want, strlen(want)), "prefix %zu: '%s'", len,
			      err.msg);
		if (path) {
			tu_remove_temp(path);
		}
	}
	ck_assert_int_eq(npy_parse("p.npy", buf, n, &t, &err), 0);
	tensor_free(&t);
}

START_TEST(test_truncation_every_byte)
{
	unsigned char buf[256];
	size_t n;

	n = make_npy(buf, 1, f4_dict, f4_data, sizeof(f4_data));
	check_all_prefixes(buf, n, 0);
	check_all_prefixes(buf, n, 1);
	n = make_npy(buf, 2, "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 2)}",
		     f4_data, 12);
	check_all_prefixes(buf, n, 0);
	n = make_npy(buf, 3, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1, 2, 3)}",
		     f4_data, 24);
	check_all_prefixes(buf, n, 0);
}
END_TEST

START_TEST(test_garbage_headers)
{
	unsigned char good[256], buf[256];
	size_t n = make_npy(good, 1, f4_dict, f4_data, sizeof(f4_data)), hdr_end = n - 24;
	struct rng r;
	struct tensor t;
	struct gs_err err;
	int trial, k, accepted = 0;

	rng_seed(&r, 7);
	for (trial = 0; trial < 4000; trial++) {
		memcpy(buf, good, n);
		for (k = 0; k <= (int)rng_below(&r, 3); k++) {
			size_t at = (size_t)rng_below(&r, hdr_end);

			buf[at] = trial % 2 ? (unsigned char)rng_below(&r, 256) :
					      (unsigned char)"{}()[],:'\" 0123456789TFL<>f\n"[rng_below(&r, 29)];
		}
		if (npy_parse("g.npy", buf, n, &t, &err) == 0) {
			/* A harmless change (e.g. whitespace): the tensor is sane. */
			ck_assert(t.ndim >= 1 && t.ndim <= 4);
			ck_assert_uint_le(tensor_numel(&t) * 2, 24);
			tensor_free(&t);
			accepted++;
		} else {
			ck_assert_msg(!strncmp(err.msg, "g.npy: byte ", 12), "%s", err.msg);
			ck_assert_ptr_null(t.data);
		}
	}
	ck_assert_int_lt(accepted, 4000);
}
END_TEST

START_TEST(test_round_trip)
{
	static const uint64_t shapes[4][4] = { { 7 }, { 3, 5 }, { 4, 3, 5 }, { 2, 3, 2, 2 } };
	struct tensor w, r;
	struct gs_err err;
	char *path = tu_write_temp(".npy", "");
	unsigned char *file;
	size_t len;
	int nd;

	for (nd = 1; nd <= 4; nd++) {
		ck_assert_int_eq(weights_synthetic(&w, nd, shapes[nd - 1], WEIGHTS_LAPLACE, 0.5,
						   (uint64_t)nd, &err), 0);
		ck_assert_msg(npy_write(path, &w, &err) == 0, "%s", err.msg);
		ck_assert_msg(npy_read(path, &r, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(r.ndim, nd);
		ck_assert_mem_eq(r.shape, w.shape, (size_t)nd * sizeof(uint64_t));
		ck_assert_mem_eq(r.data, w.data, tensor_numel(&w) * sizeof(float));
		/* Version 1.0, data 64-byte aligned, little-endian words. */
		file = (unsigned char *)tu_read_file(path, &len);
		ck_assert_mem_eq(file, "\x93NUMPY\x01\x00", 8);
		ck_assert_uint_eq((len - tensor_numel(&w) * 4) % 64, 0);
		ck_assert_uint_eq(file[len - 4 * tensor_numel(&w) - 1], '\n');
		free(file);
		tensor_free(&r);
		tensor_free(&w);
	}
	tu_remove_temp(path);
}
END_TEST

START_TEST(test_file_errors)
{
	struct tensor t = { 0, { 0 }, NULL };
	struct gs_err err;
	float one = 1.0f;
	char *dir = tu_temp_dir(), path[512];

	ck_assert_int_eq(npy_read("/nonexistent/w.npy", &t, &err), -1);
	ck_assert_msg(strstr(err.msg, "/nonexistent/w.npy: cannot open: ") == err.msg, "%s",
		      err.msg);
	ck_assert_int_eq(npy_read(dir, &t, &err), -1);
	ck_assert_msg(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/none/x.npy", dir);
	t.ndim = 1;
	t.shape[0] = 1;
	t.data = &one;
	ck_assert_int_eq(npy_write(path, &t, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot create") != NULL, "%s", err.msg);
	t.ndim = 5;
	ck_assert_int_eq(npy_write(path, &t, &err), -1);
	t.ndim = 1;
	t.shape[0] = 0;
	ck_assert_int_eq(npy_write(path, &t, &err), -1);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(test_tensor_to_matrix)
{
	float d[24], *m;
	struct tensor t = { 3, { 2, 3, 2, 0 }, d };
	struct gs_err err;
	uint32_t rows, cols, o, ci, kh, kw;
	int i;

	for (i = 0; i < 24; i++)
		d[i] = (float)i;
	/* 3-D O=2, I=3, W=2: column kw*3 + ci holds t[o][ci][kw]. */
	ck_assert_int_eq(tensor_to_matrix(&t, &m, &rows, &cols, &err), 0);
	ck_assert_uint_eq(rows, 2);
	ck_assert_uint_eq(cols, 6);
	{
		const float want[12] = { 0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11 };

		ck_assert_mem_eq(m, want, sizeof(want));
	}
	free(m);
	/* 4-D O=2, I=2, H=2, W=3: column (kh*3 + kw)*2 + ci holds t[o][ci][kh][kw]. */
	t.ndim = 4;
	t.shape[0] = 2;
	t.shape[1] = 2;
	t.shape[2] = 2;
	t.shape[3] = 3;
	ck_assert_int_eq(tensor_to_matrix(&t, &m, &rows, &cols, &err), 0);
	ck_assert_uint_eq(rows, 2);
	ck_assert_uint_eq(cols, 12);
	ck_assert(m[1] == 6);	/* o 0, kh 0, kw 0, ci 1 */
	ck_assert(m[2 * 12 / 2 - 1] == 11);	/* o 0, kh 1, kw 2, ci 1 */
	for (o = 0; o < 2; o++)
		for (ci = 0; ci < 2; ci++)
			for (kh = 0; kh < 2; kh++)
				for (kw = 0; kw < 3; kw++)
					ck_assert(m[o * 12 + (kh * 3 + kw) * 2 + ci] ==
						  d[((o * 2 + ci) * 2 + kh) * 3 + kw]);
	free(m);
	/* 2-D as is. */
	t.ndim = 2;
	t.shape[0] = 4;
	t.shape[1] = 6;
	ck_assert_int_eq(tensor_to_matrix(&t, &m, &rows, &cols, &err), 0);
	ck_assert_uint_eq(rows, 4);
	ck_assert_uint_eq(cols, 6);
	ck_assert_mem_eq(m, d, sizeof(d));
	free(m);
	t.ndim = 1;
	ck_assert_int_eq(tensor_to_matrix(&t, &m, &rows, &cols, &err), -1);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, "a 1-D tensor is not a layer's weights") != NULL, "%s",
		      err.msg);
	t.ndim = 2;
	t.shape[0] = 1;
	t.shape[1] = (uint64_t)UINT32_MAX + 1;
	ck_assert_int_eq(tensor_to_matrix(&t, &m, &rows, &cols, &err), -1);
	ck_assert_msg(strstr(err.msg, "too large") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_rng)
{
	struct rng a, b;
	double s = 0, s2 = 0, l = 0, l2 = 0, la = 0;
	uint64_t hist[10] = { 0 };
	int i, differ = 0;
	const int n = 200000;

	rng_seed(&a, 123);
	rng_seed(&b, 123);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(rng_next(&a), rng_next(&b));
	rng_seed(&b, 124);
	for (i = 0; i < 100; i++)
		differ += rng_next(&a) != rng_next(&b);
	ck_assert_int_eq(differ, 100);
	rng_seed(&a, 5);
	for (i = 0; i < n; i++) {
		double u = rng_uniform(&a), g = rng_gaussian(&a), x = rng_laplace(&a);

		ck_assert(u >= 0 && u < 1);
		s += g;
		s2 += g * g;
		l += x;
		l2 += x * x;
		la += fabs(x);
		hist[rng_below(&a, 10)]++;
	}
	/* N(0,1): mean 0, variance 1; Laplace(b=1): mean 0, E|x| = 1, variance 2. */
	ck_assert_double_le(fabs(s / n), 0.01);
	ck_assert_double_le(fabs(s2 / n - 1), 0.02);
	ck_assert_double_le(fabs(l / n), 0.015);
	ck_assert_double_le(fabs(la / n - 1), 0.015);
	ck_assert_double_le(fabs(l2 / n - 2), 0.06);
	for (i = 0; i < 10; i++)
		ck_assert_uint_le(hist[i] > n / 10 ? hist[i] - n / 10 : n / 10 - hist[i], n / 100);
}
END_TEST

START_TEST(test_weights_synthetic)
{
	const uint64_t shape[2] = { 64, 128 }, bad[2] = { 64, 0 };
	struct tensor a, b;
	struct gs_err err;
	double s2 = 0;
	uint64_t i;

	ck_assert_int_eq(weights_synthetic(&a, 2, shape, WEIGHTS_GAUSSIAN, 0.25, 99, &err), 0);
	ck_assert_int_eq(weights_synthetic(&b, 2, shape, WEIGHTS_GAUSSIAN, 0.25, 99, &err), 0);
	ck_assert_mem_eq(a.data, b.data, 64 * 128 * sizeof(float));
	for (i = 0; i < 64 * 128; i++)
		s2 += (double)a.data[i] * a.data[i];
	ck_assert_double_le(fabs(sqrt(s2 / (64 * 128)) - 0.25), 0.01);
	tensor_free(&b);
	ck_assert_int_eq(weights_synthetic(&b, 2, shape, WEIGHTS_GAUSSIAN, 0.25, 100, &err), 0);
	ck_assert(memcmp(a.data, b.data, 64 * 128 * sizeof(float)) != 0);
	tensor_free(&a);
	tensor_free(&b);
	ck_assert_int_eq(weights_synthetic(&a, 0, shape, WEIGHTS_GAUSSIAN, 1, 1, &err), -1);
	ck_assert_int_eq(weights_synthetic(&a, 2, bad, WEIGHTS_GAUSSIAN, 1, 1, &err), -1);
	ck_assert_msg(strstr(err.msg, "dimension 1 is 0") != NULL, "%s", err.msg);
	ck_assert_int_eq(weights_synthetic(&a, 2, shape, 7, 1, 1, &err), -1);
	ck_assert_int_eq(weights_synthetic(&a, 2, shape, WEIGHTS_LAPLACE, 0, 1, &err), -1);
	ck_assert_int_eq(weights_synthetic(&a, 2, shape, WEIGHTS_LAPLACE, NAN, 1, &err), -1);
	ck_assert_ptr_null(a.data);
}
END_TEST

Suite *npy_suite(void)
{
	Suite *s = suite_create("npy");
	TCase *tc = tcase_create("npy");

	tcase_add_test(tc, test_read_f4_le_be);
	tcase_add_test(tc, test_read_f2);
	tcase_add_test(tc, test_header_variants);
	tcase_add_test(tc, test_header_errors);
	tcase_add_test(tc, test_preamble_errors);
	tcase_add_test(tc, test_truncation_every_byte);
	tcase_add_test(tc, test_garbage_headers);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_tensor_to_matrix);
	tcase_add_test(tc, test_rng);
	tcase_add_test(tc, test_weights_synthetic);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
