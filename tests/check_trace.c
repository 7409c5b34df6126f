/*
** check_trace.c: trace format v1 reader and writer (sim/trace.c,
** sim/trace_parse.c): every instruction parsed to its exact struct, every
** error class with its exact located message, write/read round trips and a
** long trace streamed to the end.
*/
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "trace.h"

#define R GS_NOREG
#define M GS_LANE_MASKED

/* The default machine (lanes 8, fp16, 32 registers, 64 KiB scratchpad),
** filled by hand so this suite does not depend on config.c. */
static void machine_cfg(struct gs_config *c)
{
	memset(c, 0, sizeof *c);
	c->vector.lanes = 8;
	c->vector.element_bytes = 2;
	c->vector.registers = 32;
	c->scratchpad.size_kib = 64;
}

/* An instruction as the reader leaves it before filling fields. */
static struct gs_insn blank(int op, uint64_t line)
{
	struct gs_insn in;
	int i;

	memset(&in, 0, sizeof in);
	in.op = (uint8_t)op;
	in.dst = in.src[0] = in.src[1] = in.src[2] = GS_NOREG;
	for (i = 0; i < GS_MAX_LANES; i++)
		in.idx[i] = GS_LANE_MASKED;
	in.line = line;
	return in;
}

static struct gs_insn regs(int op, uint64_t line, unsigned dst, unsigned s0,
			   unsigned s1, unsigned s2)
{
	struct gs_insn in = blank(op, line);

	in.dst = (uint8_t)dst;
	in.src[0] = (uint8_t)s0;
	in.src[1] = (uint8_t)s1;
	in.src[2] = (uint8_t)s2;
	return in;
}

static void set_idx(struct gs_insn *in, unsigned n, const uint32_t *idx)
{
	unsigned i;

	in->nidx = (uint8_t)n;
	for (i = 0; i < n; i++)
		in->idx[i] = idx[i];
}

static void assert_insn_eq(const struct gs_insn *got, const struct gs_insn *want,
			   int check_line)
{
	int i;

	ck_assert_str_eq(gs_op_name(got->op), gs_op_name(want->op));
	ck_assert_uint_eq(got->dst, want->dst);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(got->src[i], want->src[i]);
	ck_assert_uint_eq(got->nidx, want->nidx);
	ck_assert_uint_eq(got->bytes, want->bytes);
	ck_assert_uint_eq(got->tag, want->tag);
	ck_assert_uint_eq(got->addr, want->addr);
	ck_assert_uint_eq(got->maddr, want->maddr);
	if (check_line)
		ck_assert_uint_eq(got->line, want->line);
	for (i = 0; i < GS_MAX_LANES; i++)
		ck_assert_uint_eq(got->idx[i], want->idx[i]);
}

/* Open text as a trace, read every instruction into out[] (at most max),
** expect the end after exactly nwant. */
static void read_all(const char *text, const struct gs_config *cfg,
		     struct gs_insn *out, int max, int nwant)
{
	char *path = tu_write_temp(".gst", text);
	struct gs_source src;
	struct gs_err err = { "" };
	int n = 0, r;

	ck_assert_msg(trace_open(&src, path, cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(src.name(src.ctx), path);
	while ((r = src.next(src.ctx, &out[n < max ? n : max - 1], &err)) == 1)
		n++;
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_int_eq(n, nwant);
	ck_assert_int_eq(src.next(src.ctx, &out[0], &err), 0);
	src.close(src.ctx);
	tu_remove_temp(path);
}

/* The first error reading path (from trace_open or next()) must be
** "<path>:<want>". */
static void expect_error_at(const char *path, const struct gs_config *cfg,
			    const char *want)
{
	struct gs_source src;
	struct gs_err err = { "" };
	struct gs_insn in;
	char full[GS_ERR_MAX + 512];
	int r = -1;

	if (trace_open(&src, path, cfg, &err) == 0) {
		while ((r = src.next(src.ctx, &in, &err)) == 1)
			;
		src.close(src.ctx);
	}
	ck_assert_msg(r == -1, "no error; wanted %s", want);
	snprintf(full, sizeof full, "%s:%s", path, want);
	ck_assert_str_eq(err.msg, full);
}

static void expect_error(const char *text, const char *want)
{
	struct gs_config cfg;
	char *path = tu_write_temp(".gst", text);

	machine_cfg(&cfg);
	expect_error_at(path, &cfg, want);
	tu_remove_temp(path);
}

/* Text with NUL bytes (tu_write_temp takes a C string). */
static char *write_bytes(const char *bytes, size_t n)
{
	char *path = tu_write_temp(".gst", "");
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
	fclose(f);
	return path;
}

START_TEST(test_every_instruction)
{
	static const char text[] =
		"gstrace 1\n"
		"gather v1, 0x100, [0 1 - 3]\n"
		"gather v2, 64, [5 - 7], v3\n"
		"scatter v4, 0x20, [1 2 3 4 5 6 7 8]\n"
		"scatter.add v5, 0, [], v6\n"
		"vload v7, 0x10\n"
		"vstore v8, 0xfff0\n"
		"mload v9, 0x1000\n"
		"mload v10, 0x1000, 6\n"
		"mstore v11, 0xdeadbeef0, 16\n"
		"fma v12, v13, v14\n"
		"add v15, v16, v17\n"
		"mul v18, v19, v20\n"
		"reduce v21, v22\n"
		"bcast v31, 0xfffe\n"
		"dma.in 7, 0x1, 0x100000, 512\n"
		"dma.out 4294967295, 0, 0xffffffffffffff00, 256\n"
		"dma.wait 7\n"
		"gather v0, 0x10, [32759 -]\n";
	static const uint32_t i1[] = { 0, 1, M, 3 }, i2[] = { 5, M, 7 },
			      i3[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, i4[] = { 32759, M };
	struct gs_insn want[19], got[19];
	struct gs_config cfg;
	int n = 0, i;

	want[n] = regs(OP_GATHER, 2, 1, R, R, R);
	want[n].addr = 0x100;
	set_idx(&want[n++], 4, i1);
	want[n] = regs(OP_GATHER, 3, 2, 3, R, R);
	want[n].addr = 64;
	set_idx(&want[n++], 3, i2);
	want[n] = regs(OP_SCATTER, 4, R, R, 4, R);
	want[n].addr = 0x20;
	set_idx(&want[n++], 8, i3);
	want[n] = regs(OP_SCATTER_ADD, 5, R, 6, 5, R);
	want[n++].addr = 0;
	want[n] = regs(OP_VLOAD, 6, 7, R, R, R);
	want[n++].addr = 0x10;
	want[n] = regs(OP_VSTORE, 7, R, R, 8, R);
	want[n++].addr = 0xfff0;
	want[n] = regs(OP_MLOAD, 8, 9, R, R, R);
	want[n].maddr = 0x1000;
	want[n++].bytes = 16;
	want[n] = regs(OP_MLOAD, 9, 10, R, R, R);
	want[n].maddr = 0x1000;
	want[n++].bytes = 6;
	want[n] = regs(OP_MSTORE, 10, R, R, 11, R);
	want[n].maddr = 0xdeadbeef0;
	want[n++].bytes = 16;
	want[n++] = regs(OP_FMA, 11, 12, 12, 13, 14);
	want[n++] = regs(OP_ADD, 12, 15, 16, 17, R);
	want[n++] = regs(OP_MUL, 13, 18, 19, 20, R);
	want[n++] = regs(OP_REDUCE, 14, 21, 22, R, R);
	want[n] = regs(OP_BCAST, 15, 31, R, R, R);
	want[n++].addr = 0xfffe;
	want[n] = blank(OP_DMA_IN, 16);
	want[n].tag = 7;
	want[n].addr = 1;
	want[n].maddr = 0x100000;
	want[n++].bytes = 512;
	want[n] = blank(OP_DMA_OUT, 17);
	want[n].tag = 4294967295u;
	want[n].maddr = 0xffffffffffffff00u;
	want[n++].bytes = 256;
	want[n] = blank(OP_DMA_WAIT, 18);
	want[n++].tag = 7;
	want[n] = regs(OP_GATHER, 19, 0, R, R, R);
	want[n].addr = 0x10;
	set_idx(&want[n++], 2, i4);

	machine_cfg(&cfg);
	read_all(text, &cfg, got, 19, n);
	for (i = 0; i < n; i++)
		assert_insn_eq(&got[i], &want[i], 1);
}
END_TEST

START_TEST(test_comments_blank_lines_whitespace)
{
	static const char text[] =
		"gstrace 1   # written by hand\n"
		"\n"
		"   # a comment line\n"
		"\t gather\tv1 ,0x10,[ 1  -  2 ] ,v2 # tail comment\r\n"
		"\n"
		"dma.wait 3#no space before the comment\n"
		"   \t\r\n"
		"add v1,v2,v3";	/* no final newline */
	static const uint32_t idx[] = { 1, M, 2 };
	struct gs_insn want[3], got[3];
	struct gs_config cfg;
	int i;

	want[0] = regs(OP_GATHER, 4, 1, 2, R, R);
	want[0].addr = 0x10;
	set_idx(&want[0], 3, idx);
	want[1] = blank(OP_DMA_WAIT, 6);
	want[1].tag = 3;
	want[2] = regs(OP_ADD, 8, 1, 2, 3, R);
	machine_cfg(&cfg);
	read_all(text, &cfg, got, 3, 3);
	for (i = 0; i < 3; i++)
		assert_insn_eq(&got[i], &want[i], 1);

	read_all("gstrace 1\n", &cfg, got, 3, 0);
	read_all("gstrace 1", &cfg, got, 3, 0);
	read_all("gstrace 1\n\n# only comments\n\n", &cfg, got, 3, 0);
}
END_TEST

START_TEST(test_numbers)
{
	static const char text[] =
		"gstrace 1\n"
		"mload v1, 0XAbC, 0x10\n"
		"mload v1, 010, 1\n"
		"mload v1, 0xffffffffffffffff, 1\n"
		"mload v1, 18446744073709551615, 1\n"
		"gather v1, 0x0, [0x7fff 0X10]\n"
		"dma.wait 0\n";
	struct gs_insn got[6];
	struct gs_config cfg;

	machine_cfg(&cfg);
	read_all(text, &cfg, got, 6, 6);
	ck_assert_uint_eq(got[0].maddr, 0xabc);
	ck_assert_uint_eq(got[0].bytes, 16);
	ck_assert_uint_eq(got[1].maddr, 10);	/* leading zeros: still decimal */
	ck_assert_uint_eq(got[1].bytes, 1);
	ck_assert_uint_eq(got[2].maddr, UINT64_MAX);
	ck_assert_uint_eq(got[3].maddr, UINT64_MAX);
	ck_assert_uint_eq(got[4].nidx, 2);
	ck_assert_uint_eq(got[4].idx[0], 0x7fff);
	ck_assert_uint_eq(got[4].idx[1], 16);
	ck_assert_uint_eq(got[5].tag, 0);
}
END_TEST

START_TEST(test_header_errors)
{
	char *path, missing[64];

	expect_error("", "1:1: expected \"gstrace 1\" (the file is empty)");
	expect_error("gather v1, 0, [0]\n", "1:1: expected \"gstrace 1\"");
	expect_error("# comment\ngstrace 1\n", "1:1: expected \"gstrace 1\"");
	expect_error("\ngstrace 1\n", "1:1: expected \"gstrace 1\"");
	expect_error("gstrace 2\n", "1:9: unsupported trace version 2 (expected 1)");
	expect_error("gstrace 0x10\n", "1:9: unsupported trace version 16 (expected 1)");
	expect_error("gstrace\n", "1:8: expected \"gstrace 1\"");
	expect_error("gstrace x\n", "1:9: expected \"gstrace 1\"");
	expect_error("GSTRACE 1\n", "1:1: expected \"gstrace 1\"");
	expect_error("gstrace 1 extra\n", "1:11: unexpected 'extra' after \"gstrace 1\"");
	expect_error("  gstrace 1, 2\n", "1:12: unexpected ',' after \"gstrace 1\"");

	/* a missing file, a directory */
	path = tu_temp_dir();
	snprintf(missing, sizeof missing, "%s/none.gst", path);
	{
		struct gs_config cfg;
		struct gs_source src;
		struct gs_err err = { "" };
		char want[256];

		machine_cfg(&cfg);
		ck_assert_int_eq(trace_open(&src, missing, &cfg, &err), -1);
		snprintf(want, sizeof want, "%s: cannot open: %s", missing, strerror(ENOENT));
		ck_assert_str_eq(err.msg, want);
		ck_assert_int_eq(trace_open(&src, path, &cfg, &err), -1);
		snprintf(want, sizeof want, "%s: cannot open: %s", path, strerror(EISDIR));
		ck_assert_str_eq(err.msg, want);
	}
	rmdir(path);
	free(path);
}
END_TEST

START_TEST(test_syntax_errors)
{
	expect_error("gstrace 1\ngathr v1, 0, [0]\n",
		     "2:1: unknown instruction 'gathr' (did you mean 'gather'?)");
	expect_error("gstrace 1\nGATHER v1, 0, [0]\n",
		     "2:1: unknown instruction 'GATHER' (did you mean 'gather'?)");
	expect_error("gstrace 1\n  scatter.ad v1, 0, [0]\n",
		     "2:3: unknown instruction 'scatter.ad' (did you mean 'scatter.add'?)");
	expect_error("gstrace 1\ndma 1\n",
		     "2:1: unknown instruction 'dma' (did you mean 'dma.in'?)");
	expect_error("gstrace 1\nfrobnicate v1\n", "2:1: unknown instruction 'frobnicate'");
	expect_error("gstrace 1\n[0 1]\n", "2:1: expected an instruction, found '['");
	expect_error("gstrace 1\ngather v1, 0\n",
		     "2:13: gather: missing [indices] (usage: gather vD, BASE, [i0 i1 ...] [, vI])");
	expect_error("gstrace 1\nreduce v1\n", "2:10: reduce: missing vS (usage: reduce vD, vS)");
	expect_error("gstrace 1\ndma.wait\n", "2:9: dma.wait: missing TAG (usage: dma.wait TAG)");
	expect_error("gstrace 1\ngather 0x10, 0, [0]\n",
		     "2:8: gather: vD must be a register v0..v31, found '0x10'");
	expect_error("gstrace 1\nadd v1, v2, 3\n",
		     "2:13: add: vB must be a register v0..v31, found '3'");
	expect_error("gstrace 1\nadd v1, v2, V3\n",
		     "2:13: add: vB must be a register v0..v31, found 'V3'");
	expect_error("gstrace 1\nadd v1, v2, v3x\n",
		     "2:13: add: vB must be a register v0..v31, found 'v3x'");
	expect_error("gstrace 1\nvload v1, v2\n", "2:11: vload: ADDR must be a number, found 'v2'");
	expect_error("gstrace 1\nvload v1, -2\n", "2:11: vload: ADDR must be a number, found '-'");
	expect_error("gstrace 1\nmload v1, 0,\n",
		     "2:13: mload: BYTES must be a number, found end of line");
	expect_error("gstrace 1\nadd v1 v2, v3\n", "2:8: add: expected ',' before vA, found 'v2'");
	expect_error("gstrace 1\nadd v1, v2, v3, v4\n",
		     "2:15: add: too many operands (usage: add vD, vA, vB)");
	expect_error("gstrace 1\nadd v1, v2, v3 junk\n",
		     "2:16: add: unexpected 'junk' after the last operand");
	expect_error("gstrace 1\nadd v1, v2, v3 $\n",
		     "2:16: add: unexpected '$' after the last operand");
	expect_error("gstrace 1\nadd v1, v2, v3 \x01\n",
		     "2:16: add: unexpected byte 0x01 after the last operand");
	expect_error("gstrace 1\nmload v1, 0 junk\n",
		     "2:13: mload: unexpected 'junk' after the last operand");
	/* number syntax */
	expect_error("gstrace 1\nvload v1, 0x\n", "2:11: vload: invalid number '0x'");
	expect_error("gstrace 1\nvload v1, 12ab\n", "2:11: vload: invalid number '12ab'");
	expect_error("gstrace 1\nvload v1, 0x1g\n", "2:11: vload: invalid number '0x1g'");
	expect_error("gstrace 1\nmload v1, 18446744073709551616\n",
		     "2:11: mload: number '18446744073709551616' does not fit in 64 bits");
	expect_error("gstrace 1\nmload v1, 0x10000000000000000\n",
		     "2:11: mload: number '0x10000000000000000' does not fit in 64 bits");
	/* index lists */
	expect_error("gstrace 1\ngather v1, 0, 5\n",
		     "2:15: gather: [indices] must be an index list like [0 4 - 9], found '5'");
	expect_error("gstrace 1\ngather v1, 0, [0,1]\n",
		     "2:17: gather: expected a space or ']' after an index, found ',' (indices are separated by spaces)");
	expect_error("gstrace 1\ngather v1, 0, [0 , 1]\n",
		     "2:18: gather: expected an index, '-' or ']', found ',' (indices are separated by spaces)");
	expect_error("gstrace 1\ngather v1, 0, [0 -1]\n",
		     "2:18: gather: indices are unsigned; a masked lane is a lone '-'");
	expect_error("gstrace 1\ngather v1, 0, [x]\n",
		     "2:16: gather: expected an index, '-' or ']', found 'x'");
	expect_error("gstrace 1\ngather v1, 0, [0 1\n",
		     "2:19: gather: unterminated index list: missing ']'");
	expect_error("gstrace 1\ngather v1, 0, [0 1 # ] in a comment\n",
		     "2:20: gather: unterminated index list: missing ']'");
	expect_error("gstrace 1\ngather v1, 0, [4294967295]\n",
		     "2:16: gather: index 4294967295 does not fit in 32 bits (at most 4294967294)");
	/* the error is on the right line */
	expect_error("gstrace 1\nvload v1, 0x10 # fine\n\n# c\nvload v99, 0\n",
		     "5:7: vload: register 'v99' is out of range v0..v31 (vector.registers = 32)");
}
END_TEST

START_TEST(test_machine_errors)
{
	expect_error("gstrace 1\nadd v1, v32, v3\n",
		     "2:9: add: register 'v32' is out of range v0..v31 (vector.registers = 32)");
	expect_error("gstrace 1\ngather v1, 0, [0 1 2 3 4 5 6 7 8]\n",
		     "2:32: gather: more than 8 indices (vector.lanes = 8)");
	expect_error("gstrace 1\nscatter v1, 0, [- - - - - - - - -]\n",
		     "2:33: scatter: more than 8 indices (vector.lanes = 8)");
	expect_error("gstrace 1\ngather v1, 0x11, [0]\n",
		     "2:12: gather: BASE 0x11 is not a multiple of element_bytes (2)");
	/* 0x10 + 32760*2 + 2 = 65538 > 65536; 32759 fits exactly */
	expect_error("gstrace 1\ngather v1, 0x10, [0 32760]\n",
		     "2:21: gather: lane 1 (BASE 0x10 + index 32760 * 2 bytes) is outside the 65536-byte scratchpad");
	expect_error("gstrace 1\nscatter.add v1, 0x10000, [- 0]\n",
		     "2:17: scatter.add: lane 1 (BASE 0x10000 + index 0 * 2 bytes) is outside the 65536-byte scratchpad");
	expect_error("gstrace 1\ngather v1, 0xfffffffffffffffe, [4294967294]\n",
		     "2:12: gather: lane 0 (BASE 0xfffffffffffffffe + index 4294967294 * 2 bytes) is outside the 65536-byte scratchpad");
	expect_error("gstrace 1\nvload v1, 0x3\n",
		     "2:11: vload: ADDR 0x3 is not a multiple of element_bytes (2)");
	expect_error("gstrace 1\nvstore v1, 0xfff2\n",
		     "2:12: vstore: ADDR 0xfff2 + 16 bytes runs past the end of the 65536-byte scratchpad");
	expect_error("gstrace 1\nbcast v1, 0x10000\n",
		     "2:11: bcast: ADDR 0x10000 + 2 bytes runs past the end of the 65536-byte scratchpad");
	expect_error("gstrace 1\nbcast v1, 0xffffffffffffffff\n",
		     "2:11: bcast: ADDR 0xffffffffffffffff is not a multiple of element_bytes (2)");
	expect_error("gstrace 1\ndma.in 1, 0xff01, 0, 256\n",
		     "2:11: dma.in: SPM_ADDR 0xff01 + 256 bytes runs past the end of the 65536-byte scratchpad");
	expect_error("gstrace 1\ndma.in 1, 0xffffffffffffffff, 0, 2\n",
		     "2:11: dma.in: SPM_ADDR 0xffffffffffffffff + 2 bytes runs past the end of the 65536-byte scratchpad");
	expect_error("gstrace 1\ndma.out 1, 0, 0, 0\n", "2:18: dma.out: BYTES must be at least 1");
	expect_error("gstrace 1\ndma.in 1, 0, 0, 4294967296\n",
		     "2:17: dma.in: BYTES 4294967296 does not fit in 32 bits");
	expect_error("gstrace 1\ndma.in 4294967296, 0, 0, 1\n",
		     "2:8: dma.in: TAG 4294967296 does not fit in 32 bits");
	expect_error("gstrace 1\ndma.wait 4294967296\n",
		     "2:10: dma.wait: TAG 4294967296 does not fit in 32 bits");
	expect_error("gstrace 1\ndma.in 1, 0, 0xffffffffffffff01, 256\n",
		     "2:14: dma.in: MADDR 0xffffffffffffff01 + 256 bytes wraps past the end of the 64-bit address space");
	expect_error("gstrace 1\nmload v1, 0, 0\n",
		     "2:14: mload: BYTES 0 is out of range 1..16 (vector.lanes * element_bytes)");
	expect_error("gstrace 1\nmstore v1, 0, 17\n",
		     "2:15: mstore: BYTES 17 is out of range 1..16 (vector.lanes * element_bytes)");
	expect_error("gstrace 1\nmload v1, 0xfffffffffffffff8\n",
		     "2:11: mload: MADDR 0xfffffffffffffff8 + 16 bytes wraps past the end of the 64-bit address space");
}
END_TEST

/* Another machine: 4 lanes of fp32, 256 registers, 1 KiB scratchpad. */
START_TEST(test_other_machine)
{
	struct gs_config cfg;
	struct gs_insn got[4];
	char *path;

	machine_cfg(&cfg);
	cfg.vector.lanes = 4;
	cfg.vector.element_bytes = 4;
	cfg.vector.registers = 256;
	cfg.scratchpad.size_kib = 1;
	/* 4 + 254*4 + 4 = 1024: the last word; vload 0x3f0 + 16 = 1024 */
	read_all("gstrace 1\ngather v254, 0x4, [254 - - -]\nvload v0, 0x3f0\n"
		 "mload v1, 0, 16\nbcast v2, 0x3fc\n", &cfg, got, 4, 4);
	ck_assert_uint_eq(got[0].dst, 254);
	ck_assert_uint_eq(got[0].nidx, 4);
	ck_assert_uint_eq(got[2].bytes, 16);

	path = tu_write_temp(".gst", "gstrace 1\ngather v1, 0x4, [255]\n");
	expect_error_at(path, &cfg, "2:18: gather: lane 0 (BASE 0x4 + index 255 * 4 bytes) is outside the 1024-byte scratchpad");
	tu_remove_temp(path);
	/* v255 would read as GS_NOREG */
	path = tu_write_temp(".gst", "gstrace 1\nreduce v255, v0\n");
	expect_error_at(path, &cfg, "2:8: reduce: register 'v255' is out of range v0..v254 (vector.registers = 256)");
	tu_remove_temp(path);
	path = tu_write_temp(".gst", "gstrace 1\ngather v1, 0x2, [0]\n");
	expect_error_at(path, &cfg, "2:12: gather: BASE 0x2 is not a multiple of element_bytes (4)");
	tu_remove_temp(path);
	path = tu_write_temp(".gst", "gstrace 1\nscatter v1, 0, [0 1 2 3 4]\n");
	expect_error_at(path, &cfg, "2:25: scatter: more than 4 indices (vector.lanes = 4)");
	tu_remove_temp(path);
	/* a machine the format cannot describe is refused, not indexed past */
	path = tu_write_temp(".gst", "gstrace 1\n");
	{
		struct gs_source src;
		struct gs_err err = { "" };
		char want[512];

		cfg.vector.lanes = GS_MAX_LANES + 1;
		ck_assert_int_eq(trace_open(&src, path, &cfg, &err), -1);
		snprintf(want, sizeof want, "%s: the machine configuration is invalid (vector.lanes, vector.element_bytes, vector.registers or scratchpad.size_kib)", path);
		ck_assert_str_eq(err.msg, want);
		cfg.vector.lanes = 4;
		cfg.vector.element_bytes = 0;
		ck_assert_int_eq(trace_open(&src, path, &cfg, &err), -1);
		ck_assert_str_eq(err.msg, want);
	}
	tu_remove_temp(path);
}
END_TEST

START_TEST(test_binary_input)
{
	static const char nul_op[] = "gstrace 1\nadd v1,\0 v2, v3\n";
	static const char nul_comment[] = "gstrace 1\nadd v1, v2, v3 # \0\n";
	static const char nul_header[] = "gs\0trace 1\n";
	struct gs_config cfg;
	char bytes[256], *path;
	int i;

	machine_cfg(&cfg);
	path = write_bytes(nul_op, sizeof nul_op - 1);
	expect_error_at(path, &cfg, "2:8: NUL byte: this is not a text trace");
	tu_remove_temp(path);
	path = write_bytes(nul_comment, sizeof nul_comment - 1);
	expect_error_at(path, &cfg, "2:18: NUL byte: this is not a text trace");
	tu_remove_temp(path);
	path = write_bytes(nul_header, sizeof nul_header - 1);
	expect_error_at(path, &cfg, "1:3: NUL byte: this is not a text trace");
	tu_remove_temp(path);
	for (i = 0; i < 256; i++)
		bytes[i] = (char)(255 - i);
	path = write_bytes(bytes, sizeof bytes);
	expect_error_at(path, &cfg, "1:1: expected \"gstrace 1\"");
	tu_remove_temp(path);
}
END_TEST

/* Lines up to 1 MiB are read; one byte more is an error, and stays one. */
START_TEST(test_long_lines)
{
	const size_t max = (size_t)1 << 20;
	char *text = malloc(2 * max + 64), *p, *path;
	struct gs_config cfg;
	struct gs_source src;
	struct gs_err err = { "" };
	struct gs_insn in;
	char want[512];

	ck_assert_ptr_nonnull(text);
	p = text + sprintf(text, "gstrace 1\n#");
	memset(p, 'x', max - 1);	/* line 2: exactly max bytes */
	p += max - 1;
	p += sprintf(p, "\ndma.wait 1\n#");
	memset(p, 'y', max);		/* line 4: max + 1 bytes */
	p += max;
	strcpy(p, "\ndma.wait 2\n");
	path = tu_write_temp(".gst", text);
	free(text);

	machine_cfg(&cfg);
	ck_assert_msg(trace_open(&src, path, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), 1);
	ck_assert_uint_eq(in.line, 3);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), -1);
	snprintf(want, sizeof want, "%s:4:1: line longer than 1 MiB (1048576 bytes)", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), -1);
	snprintf(want, sizeof want, "%s:4: reading stopped at the error on this line", path);
	ck_assert_str_eq(err.msg, want);
	src.close(src.ctx);
	tu_remove_temp(path);
}
END_TEST

/* A bad line is reported and reading goes on with the next one. */
START_TEST(test_continues_after_error)
{
	char *path = tu_write_temp(".gst", "gstrace 1\nadd v1\nmul v1, v2, v3\n");
	struct gs_config cfg;
	struct gs_source src;
	struct gs_err err = { "" };
	struct gs_insn in;

	machine_cfg(&cfg);
	ck_assert_int_eq(trace_open(&src, path, &cfg, &err), 0);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), -1);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), 1);
	ck_assert_str_eq(gs_op_name(in.op), "mul");
	ck_assert_uint_eq(in.line, 3);
	ck_assert_int_eq(src.next(src.ctx, &in, &err), 0);
	src.close(src.ctx);
	tu_remove_temp(path);
}
END_TEST

/* A varied set of instructions, in the reader's normal form. */
static int varied_insns(struct gs_insn *v)
{
	static const uint32_t a[] = { 0, 1, 2, 3, 4, 5, 6, 7 },
			      b[] = { M, 9, M, 32767 }, c[] = { 100, M, M, 3 };
	int n = 0;

	v[n] = regs(OP_GATHER, 0, 3, R, R, R);
	v[n].addr = 0x200;
	set_idx(&v[n++], 8, a);
	v[n] = regs(OP_GATHER, 0, 4, 30, R, R);
	v[n].addr = 0;
	set_idx(&v[n++], 4, b);
	v[n] = regs(OP_GATHER, 0, 5, R, R, R);	/* all lanes masked */
	v[n++].addr = 0x7ffe;
	v[n] = regs(OP_SCATTER, 0, R, 1, 2, R);
	v[n].addr = 0x40;
	set_idx(&v[n++], 4, c);
	v[n] = regs(OP_SCATTER_ADD, 0, R, R, 31, R);
	v[n].addr = 0x10;
	set_idx(&v[n++], 8, a);
	v[n] = regs(OP_VLOAD, 0, 0, R, R, R);
	v[n++].addr = 0xfff0;
	v[n] = regs(OP_VSTORE, 0, R, R, 9, R);
	v[n++].addr = 0;
	v[n] = regs(OP_MLOAD, 0, 6, R, R, R);
	v[n].maddr = 0x123456789abcdef0u;
	v[n++].bytes = 16;
	v[n] = regs(OP_MLOAD, 0, 6, R, R, R);
	v[n].maddr = 7;
	v[n++].bytes = 3;
	v[n] = regs(OP_MSTORE, 0, R, R, 7, R);
	v[n].maddr = 0;
	v[n++].bytes = 1;
	v[n++] = regs(OP_FMA, 0, 8, 8, 9, 10);
	v[n++] = regs(OP_ADD, 0, 11, 12, 13, R);
	v[n++] = regs(OP_MUL, 0, 14, 15, 16, R);
	v[n++] = regs(OP_REDUCE, 0, 17, 18, R, R);
	v[n] = regs(OP_BCAST, 0, 19, R, R, R);
	v[n++].addr = 0xfffe;
	v[n] = blank(OP_DMA_IN, 0);
	v[n].tag = 1;
	v[n].addr = 0x3;
	v[n].maddr = 0xffffffffffff0000u;
	v[n++].bytes = 65533;
	v[n] = blank(OP_DMA_OUT, 0);
	v[n].tag = UINT32_MAX;
	v[n].addr = 0x8000;
	v[n].maddr = 1;
	v[n++].bytes = 0x8000;
	v[n] = blank(OP_DMA_WAIT, 0);
	v[n++].tag = UINT32_MAX;
	return n;
}

START_TEST(test_round_trip)
{
	struct gs_insn v[32], got[32], trailing;
	struct gs_config cfg;
	char *path = tu_write_temp(".gst", ""), *text;
	FILE *f;
	int n, i;

	machine_cfg(&cfg);
	n = varied_insns(v);
	/* trailing masked lanes are written compactly and come back trimmed */
	trailing = v[3];
	trailing.nidx = 7;
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(trace_write_header(f), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(trace_write_insn(f, &v[i], &cfg), 0);
	ck_assert_int_eq(trace_write_insn(f, &trailing, &cfg), 0);
	ck_assert_int_eq(fclose(f), 0);

	/* the canonical text, hand-checked for a few lines */
	text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(text, "gstrace 1\ngather v3, 0x200, [0 1 2 3 4 5 6 7]\n"
					   "gather v4, 0x0, [- 9 - 32767], v30\n"
					   "gather v5, 0x7ffe, []\n"
					   "scatter v2, 0x40, [100 - - 3], v1\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmload v6, 0x123456789abcdef0\nmload v6, 0x7, 3\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nfma v8, v9, v10\n"));
	ck_assert_ptr_nonnull(strstr(text, "\ndma.in 1, 0x3, 0xffffffffffff0000, 65533\n"));
	ck_assert_ptr_nonnull(strstr(text, "\ndma.wait 4294967295\nscatter v2, 0x40, [100 - - 3], v1\n"));
	free(text);

	{
		struct gs_source src;
		struct gs_err err = { "" };

		ck_assert_msg(trace_open(&src, path, &cfg, &err) == 0, "%s", err.msg);
		for (i = 0; i <= n; i++) {
			ck_assert_msg(src.next(src.ctx, &got[i], &err) == 1, "%s", err.msg);
			ck_assert_uint_eq(got[i].line, (uint64_t)i + 2);
		}
		ck_assert_int_eq(src.next(src.ctx, &got[n + 1], &err), 0);
		src.close(src.ctx);
	}
	for (i = 0; i < n; i++)
		assert_insn_eq(&got[i], &v[i], 0);
	trailing.nidx = 4;	/* normal form: last active lane + 1 */
	assert_insn_eq(&got[n], &trailing, 0);
	tu_remove_temp(path);
}
END_TEST

START_TEST(test_write_errors)
{
	struct gs_insn v[32], bad;
	struct gs_config cfg;
	FILE *f;

	machine_cfg(&cfg);
	varied_insns(v);
	f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	ck_assert_int_eq(trace_write_header(f), -1);
	ck_assert_int_eq(trace_write_insn(f, &v[0], &cfg), -1);
	fclose(f);

	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	bad = v[0];
	bad.op = OP__COUNT;
	errno = 0;
	ck_assert_int_eq(trace_write_insn(f, &bad, &cfg), -1);
	ck_assert_int_eq(errno, EINVAL);
	bad = v[0];
	bad.nidx = GS_MAX_LANES + 1;
	ck_assert_int_eq(trace_write_insn(f, &bad, &cfg), -1);
	ck_assert_int_eq(ftell(f), 0);
	fclose(f);
}
END_TEST

/* 200k instructions (with comments and blank lines between) stream to the end. */
START_TEST(test_long_trace)
{
	const long count = 200000;
	struct gs_insn v[32], in;
	struct gs_config cfg;
	struct gs_source src;
	struct gs_err err = { "" };
	char *path = tu_write_temp(".gst", "");
	uint64_t lines = 1, last_line = 0;
	long i, got = 0, gathers = 0;
	int n, r;
	FILE *f;

	machine_cfg(&cfg);
	n = varied_insns(v);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(trace_write_header(f), 0);
	for (i = 0; i < count; i++) {
		if (i % 1000 == 0) {
			fprintf(f, "# block %ld\n\n", i / 1000);
			lines += 2;
		}
		ck_assert_int_eq(trace_write_insn(f, &v[i % n], &cfg), 0);
		lines++;
	}
	ck_assert_int_eq(fclose(f), 0);

	ck_assert_msg(trace_open(&src, path, &cfg, &err) == 0, "%s", err.msg);
	while ((r = src.next(src.ctx, &in, &err)) == 1) {
		ck_assert_uint_eq(in.op, v[got % n].op);
		gathers += in.op == OP_GATHER;
		last_line = in.line;
		got++;
	}
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_int_eq(got, count);
	ck_assert_uint_eq(last_line, lines);
	ck_assert_int_eq(gathers, 3 * (count / n) + (count % n < 3 ? count % n : 3));
	src.close(src.ctx);
	tu_remove_temp(path);
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_instruction);
	tcase_add_test(tc, test_comments_blank_lines_whitespace);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_header_errors);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_machine_errors);
	tcase_add_test(tc, test_other_machine);
	tcase_add_test(tc, test_binary_input);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_continues_after_error);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_long_trace);
	suite_add_tcase(s, tc);
	return s;
}
