/*
** check_gsf_corrupt.c: corrupt .gsf files never crash and always get a
** located message ("path: byte N: ..."): every truncation and every byte
** flip of small files; wrong magic, version, header and section sizes
** (absurd ones refused before anything is allocated); crafted files with a
** valid checksum that break each rule of the format (docs/gs-format.md).
*/
#include "gsf_testutil.h"

/* Every prefix of three small files is a located error. */
START_TEST(test_truncation)
{
	static const case_fn fns[] = { case_gs_hybrid, case_block8x1, case_nm };

	for (int f = 0; f < 3; f++) {
		size_t n;
		unsigned char *b = file_of(fns[f], f == 1 ? 4 : 2, &n);

		for (size_t len = 0; len < n; len++)
			expect_bad(b, len, len < 128 ? "header" : "file ends early");
		free(b);
	}
}
END_TEST

/* Every byte flipped (four patterns) is an error, never a crash. */
START_TEST(test_byte_flips)
{
	static const case_fn fns[] = { case_gs_vertical, case_block1x8, case_csr };
	static const unsigned char flips[] = { 0x01, 0x10, 0x80, 0xff };

	for (int f = 0; f < 3; f++) {
		size_t n;
		unsigned char *b = file_of(fns[f], 2, &n);

		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < 4; k++) {
				b[i] ^= flips[k];
				expect_bad(b, n, NULL);
				b[i] ^= flips[k];
			}
		free(b);
	}
}
END_TEST

START_TEST(test_frame_errors)
{
	size_t n;
	unsigned char *b = file_of(case_gs_vertical, 2, &n), *big;

	b[1] = 'X';
	expect_bad(b, n, "byte 0: not a GSF file");
	expect_bad(b, 2, "byte 0: not a GSF file");
	b[1] = 'S';
	b[4] = 3;
	expect_bad(b, n, "byte 4: format version 3 not supported (this gssim reads versions 1 to 2)");
	b[4] = 0;
	expect_bad(b, n, "byte 4: format version 0 not supported (this gssim reads versions 1 to 2)");
	b[4] = 2;
	b[6] = 64;
	expect_bad(b, n, "byte 6: header size 64 (expected 128)");
	b[6] = 128;
	/* absurd section sizes: refused against the file size, nothing allocated */
	put_le(b, 96, UINT64_MAX, 8);
	expect_bad(b, n, "byte 224: file ends early");
	put_le(b, 96, 1ull << 62, 8);
	put_le(b, 104, 1ull << 62, 8);
	expect_bad(b, n, "byte 224: file ends early");
	put_le(b, 96, 64, 8);
	put_le(b, 104, 16, 8);
	b[n - 1] ^= 1;
	expect_bad(b, n, "byte 220: checksum mismatch");
	b[n - 1] ^= 1;
	big = malloc(n + 3);
	memcpy(big, b, n);
	memset(big + n, 0, 3);
	expect_bad(big, n + 3, "byte 224: 3 unexpected bytes after the checksum");
	free(big);
	free(b);
}
END_TEST

/* Set one or two fields, fix the checksum, expect the message. */
static void crafted2(const unsigned char *orig, size_t n, size_t off, uint64_t v, int bytes,
		     size_t off2, uint64_t v2, int bytes2, const char *want)
{
	unsigned char *b = malloc(n);

	ck_assert_ptr_nonnull(b);
	memcpy(b, orig, n);
	put_le(b, off, v, bytes);
	if (bytes2)
		put_le(b, off2, v2, bytes2);
	fix_crc(b, n);
	expect_bad(b, n, want);
	free(b);
}

static void crafted(const unsigned char *orig, size_t n, size_t off, uint64_t v, int bytes,
		    const char *want)
{
	crafted2(orig, n, off, v, bytes, 0, 0, 0, want);
}

/* Files with a valid checksum that break each rule of the format. */
START_TEST(test_crafted_gs)
{
	size_t n;
	unsigned char *b = file_of(case_gs_vertical, 2, &n);

	crafted(b, n, 8, 9, 1, "byte 8: unknown pattern kind 9");
	crafted(b, n, 9, 4, 1, "byte 9: unknown flags 0x04");
	crafted(b, n, 10, 3, 1, "byte 10: value bytes 3");
	crafted(b, n, 11, 4, 1, "byte 11: index bytes 4, but 8 columns take 2");
	crafted(b, n, 12, 4, 1, "byte 12: rowind bytes 4, expected 2");
	crafted(b, n, 13, 1, 1, "byte 13: reserved byte is not 0");
	crafted(b, n, 127, 1, 1, "byte 127: convolution field is not 0 for a layer not recorded");
	crafted2(b, n, 4, 1, 2, 127, 1, 1, "byte 127: reserved byte is not 0");	/* version 1 */
	crafted2(b, n, 4, 1, 2, 112, 2, 1, "byte 112: reserved byte is not 0");
	crafted(b, n, 20, 3, 4, "byte 16: pattern gs: h=3 does not divide V=4");
	crafted(b, n, 16, 1u << 20, 4, "byte 16: pattern parameters");
	crafted(b, n, 28, 0, 4, "byte 28: empty matrix");
	crafted(b, n, 28, UINT32_MAX, 4, "byte 12: rowind bytes 2, expected 4");
	crafted(b, n, 40, 1ull << 40, 8, "byte 40: 1099511627776 buckets");
	crafted(b, n, 40, 1ull << 30, 8, "byte 96: section 1 (bucket records) is 64 bytes");
	crafted(b, n, 48, 15, 8, "byte 48: nnz is 15, but the buckets hold 16 entries");
	crafted(b, n, 48, 65, 8, "byte 48: nnz 65 does not fit");
	crafted(b, n, 56, 0x7ff8000000000000ull, 8, "byte 56: target sparsity nan");
	crafted(b, n, 64, 0x4000000000000000ull, 8, "byte 64: achieved sparsity 2 outside");
	crafted(b, n, 72, 0xbff0000000000000ull, 8, "byte 72: abs_kept -1");
	crafted(b, n, 80, 0x7ff0000000000000ull, 8, "byte 80: sq_kept inf");
	crafted2(b, n, 88, 16, 8, 96, 60, 8, "byte 88: section 0 (bucket ptr) is 16 bytes, "
		 "expected 12");
	crafted2(b, n, 96, 60, 8, 104, 20, 8, "byte 96: section 1 (bucket records) is 60 bytes");
	crafted(b, n, 128, 1, 4, "byte 128: first pointer is 1, expected 0");
	crafted(b, n, 132, 5, 4, "byte 136: pointer 2 decreases (4 after 5)");
	crafted(b, n, 136, 3, 4, "byte 136: last pointer is 3, expected 4");
	crafted(b, n, 152, 8, 2, "byte 152: column index 8 out of range (8 columns)");
	crafted(b, n, 140, 0x7c00, 2, "byte 140: value is not finite (fp16 bits 0x7c00)");
	crafted(b, n, 210, 9, 2, "byte 210: rowind 9 out of range (8 rows; padding is 0xffff)");
	/* bucket 1 (16 bytes on) lane 0 = row 0 repeats column 0 of bucket 0 lane 0 */
	crafted(b, n, 164, 0, 2, "byte 164: row 0 column 0 is stored twice");
	/* a padding lane that is not: rowind of row 3 set to the marker */
	crafted(b, n, 210, 0xffff, 2, "byte 154: padding lane 3 of group 0 must hold index 0");
	free(b);

	b = file_of(case_gs_hybrid, 2, &n);
	/* group 2 = bucket 3 at 144 + 3 * 16; its indices after 4 fp16 values */
	crafted(b, n, 144 + 48 + 8 + 4, 1, 2, "byte 204: padding lane 2 of group 2 must hold index 0");
	crafted(b, n, 144 + 48 + 6, 0x3c00, 2, "byte 198: padding lane 3 of group 2");
	free(b);
}
END_TEST

START_TEST(test_crafted_csr_bsr)
{
	size_t n;
	unsigned char *b = file_of(case_csr, 4, &n);

	/* 3 x 5, rows {0, 3} {} {0, 1, 2, 4}: ptr at 128, cols at 144, values at 156 */
	ck_assert_uint_eq(n, 128 + 16 + 12 + 24 + 4);
	crafted(b, n, 140, 5, 4, "byte 140: last pointer is 5, expected 6");
	crafted(b, n, 146, 0, 2, "byte 146: row 0: column 0 after 0 (columns must ascend)");
	crafted(b, n, 146, 5, 2, "byte 146: column index 5 out of range (5 columns)");
	crafted(b, n, 160, 0x7fc00000, 4, "byte 160: value is not finite (fp32 bits 0x7fc00000)");
	crafted(b, n, 40, 5, 8, "byte 48: nnz 6 does not fit the matrix or the entry count 5");
	crafted(b, n, 24, 1, 4, "byte 16: unused pattern parameters are not 0");
	/* absurd row counts: refused from the header, before any allocation */
	crafted(b, n, 28, UINT32_MAX, 4, "byte 36: 3 groups / block rows / rows, expected 4294967295");
	crafted2(b, n, 28, UINT32_MAX, 4, 36, UINT32_MAX, 4,
		 "byte 88: section 0 (row ptr) is 16 bytes, expected 17179869184");
	free(b);

	b = file_of(case_nm, 2, &n);
	/* row 0 {0, 3, 5, 6} -> {0, 1, 3, 6}: three in columns 0..3 */
	b[140 + 2] = 1;
	b[140 + 4] = 3;
	fix_crc(b, n);
	expect_bad(b, n, "byte 144: column 3: more than 2 non-zeros in a run of 4 columns");
	free(b);

	b = file_of(case_block8x1, 4, &n);
	/* block-row ptr {0, 2, 3} at 128; block cols {0, 2, 1} at 140; values at 146 */
	ck_assert_uint_eq(n, 128 + 12 + 6 + 3 * 8 * 4 + 4);
	crafted(b, n, 142, 0, 2, "byte 142: block column 0 out of range (3) or not ascending");
	crafted(b, n, 144, 3, 2, "byte 144: block column 3 out of range (3)");
	crafted(b, n, 48, 17, 8, "byte 48: nnz is 17, but the blocks hold 18 entries");
	/* block 2 covers rows 8..15 of 10: row 10 must be 0 */
	crafted(b, n, 146 + 64 + 2 * 4, 0x3f800000, 4,
		"byte 218: block 2: a position outside the matrix is not 0");
	crafted(b, n, 20, 0, 4, "byte 16: pattern block:8x0: block sides must be 1..65536");
	free(b);
}
END_TEST

Suite *gsf_corrupt_suite(void);

Suite *gsf_corrupt_suite(void)
{
	Suite *s = suite_create("gsf_corrupt");
	TCase *tc = tcase_create("corrupt");

	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_byte_flips);
	tcase_add_test(tc, test_frame_errors);
	tcase_add_test(tc, test_crafted_gs);
	tcase_add_test(tc, test_crafted_csr_bsr);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
