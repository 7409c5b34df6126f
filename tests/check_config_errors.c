/*
** check_config_errors.c: every way a configuration can be wrong, with the
** exact message and line:column: unknown keys, wrong types, ranges,
** duplicates, aliases/anchors/tags, YAML syntax, unreadable files, --set
** mistakes and the cross-key rules.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_testutil.h"
#include "testutil.h"

#define EXPECT_SET_ERR(assignment, want) do { \
	struct gs_config c_; \
	struct gs_err e_; \
	cfg_defaults(&c_); \
	ck_assert_int_eq(cfg_set(&c_, assignment, &e_), -1); \
	ck_assert_msg(strcmp(e_.msg, want) == 0, "\n got: %s\nwant: %s", e_.msg, want); \
} while (0)

START_TEST(unknown_keys)
{
	EXPECT_ERR("vector:\n  lane: 8\n",
		   "F:2:3: vector.lane: unknown key, did you mean vector.lanes? (expected one of: "
		   "lanes, element_bytes, registers, issue_width, alu_pipes, latency)");
	EXPECT_ERR("vector:\n  latency:\n    fmaa: 3\n",
		   "F:3:5: vector.latency.fmaa: unknown key, did you mean vector.latency.fma? "
		   "(expected one of: fma, add, mul, reduction, broadcast)");
	EXPECT_ERR("name: a\nbogus: 8\n",
		   "F:2:1: bogus: unknown key (expected one of: name, clock_ghz, vector, "
		   "scratchpad, gse, memory)");
	/* a key in the wrong section */
	EXPECT_ERR("banks: 8\n",
		   "F:1:1: banks: unknown key, did you mean scratchpad.banks? (expected one of: "
		   "name, clock_ghz, vector, scratchpad, gse, memory)");
	EXPECT_ERR("gse:\n  Multicast: true\n",
		   "F:2:3: gse.Multicast: unknown key, did you mean gse.multicast? (expected one "
		   "of: queue_depth, multicast, scatter_same_address, cycles_per_pass, overlap)");
	EXPECT_ERR("vector.lanes: 8\n",
		   "F:1:1: vector.lanes: a dotted key; nest it instead (expected one of: name, "
		   "clock_ghz, vector, scratchpad, gse, memory)");
	EXPECT_ERR("vector:\n  [a]: 8\n",
		   "F:2:3: vector: a sequence cannot be a key (expected one of: lanes, "
		   "element_bytes, registers, issue_width, alu_pipes, latency)");
	EXPECT_ERR("\"\": 1\n",
		   "F:1:1: \"\": unknown key (expected one of: name, clock_ghz, vector, scratchpad, "
		   "gse, memory)");
}
END_TEST

START_TEST(wrong_types)
{
	/* integer */
	EXPECT_ERR("vector:\n  lanes: \"8\"\n",
		   "F:2:10: vector.lanes: '8' is a quoted string, not an integer (expected an "
		   "integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: 8.0\n",
		   "F:2:10: vector.lanes: '8.0' is not an integer (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: {a: 1}\n",
		   "F:2:10: vector.lanes: a mapping is not an integer (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes:\n    - 8\n",
		   "F:3:5: vector.lanes: a sequence is not an integer (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: |\n    8\n",
		   "F:2:10: vector.lanes: a block string is not an integer (expected an integer "
		   "from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes:\n  registers: 8\n",
		   "F:2:9: vector.lanes: missing value (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: 010\n",
		   "F:2:10: vector.lanes: '010' has a leading zero, which YAML 1.1 reads as octal "
		   "(expected an integer from 1 to 64, in decimal or 0x hex)");
	EXPECT_ERR("vector:\n  lanes: 0x\n",
		   "F:2:10: vector.lanes: '0x' is not an integer (expected an integer from 1 to 64)");
	/* number */
	EXPECT_ERR("clock_ghz: fast\n",
		   "F:1:12: clock_ghz: 'fast' is not a number (expected a number from 0.001 to 100)");
	EXPECT_ERR("clock_ghz: '1.0'\n",
		   "F:1:12: clock_ghz: '1.0' is a quoted string, not a number (expected a number "
		   "from 0.001 to 100)");
	EXPECT_ERR("clock_ghz: .inf\n",
		   "F:1:12: clock_ghz: '.inf' is not a number (expected a number from 0.001 to 100)");
	EXPECT_ERR("clock_ghz: [1]\n",
		   "F:1:12: clock_ghz: a sequence is not a number (expected a number from 0.001 to 100)");
	/* boolean */
	EXPECT_ERR("gse:\n  multicast: yes\n",
		   "F:2:14: gse.multicast: 'yes' is not a boolean (expected true or false)");
	EXPECT_ERR("gse:\n  multicast: \"true\"\n",
		   "F:2:14: gse.multicast: 'true' is a quoted string, not a boolean (expected true "
		   "or false)");
	EXPECT_ERR("gse:\n  multicast: True\n",
		   "F:2:14: gse.multicast: 'True' is not a boolean (expected true or false)");
	/* enum */
	EXPECT_ERR("scratchpad:\n  mapping: hash\n",
		   "F:2:12: scratchpad.mapping: 'hash' is not allowed (expected one of: interleave, xor)");
	EXPECT_ERR("scratchpad:\n  mapping: XOR\n",
		   "F:2:12: scratchpad.mapping: 'XOR' is not allowed, did you mean xor? (expected "
		   "one of: interleave, xor)");
	EXPECT_ERR("gse:\n  scatter_same_address: {}\n",
		   "F:2:25: gse.scatter_same_address: a mapping is not a name (expected one of: "
		   "merge, serialize)");
	/* string */
	EXPECT_ERR("name: has space\n",
		   "F:1:7: name: 'has space' is not a valid name (expected 1 to 63 letters, digits, "
		   "'.', '_' or '-')");
	EXPECT_ERR("name: \"\"\n",
		   "F:1:7: name: '' is not a valid name (expected 1 to 63 letters, digits, '.', '_' "
		   "or '-')");
	EXPECT_ERR("name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		   "F:1:7: name: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a valid name "
		   "(expected 1 to 63 letters, digits, '.', '_' or '-')");
	/* sections and the top level */
	EXPECT_ERR("vector: 8\n",
		   "F:1:9: vector: a section, not a value (expected a mapping of: lanes, "
		   "element_bytes, registers, issue_width, alu_pipes, latency)");
	EXPECT_ERR("vector:\n  latency: [1, 2]\n",
		   "F:2:12: vector.latency: a section, not a sequence (expected a mapping of: fma, "
		   "add, mul, reduction, broadcast)");
	EXPECT_ERR("- 1\n",
		   "F:1:1: top level: a sequence, not a mapping (expected a mapping of: name, "
		   "clock_ghz, vector, scratchpad, gse, memory)");
	EXPECT_ERR("lanes\n",
		   "F:1:1: top level: a scalar, not a mapping (expected a mapping of: name, "
		   "clock_ghz, vector, scratchpad, gse, memory)");
}
END_TEST

START_TEST(out_of_range)
{
	EXPECT_ERR("scratchpad:\n  banks: 0\n",
		   "F:2:10: scratchpad.banks: 0 is out of range (expected an integer from 1 to 1024)");
	EXPECT_ERR("scratchpad:\n  banks: 1025\n",
		   "F:2:10: scratchpad.banks: 1025 is out of range (expected an integer from 1 to 1024)");
	EXPECT_ERR("vector:\n  lanes: 0x41\n",
		   "F:2:10: vector.lanes: 0x41 is out of range (expected an integer from 1 to 64)");
	EXPECT_ERR("memory:\n  load_latency: -1\n",
		   "F:2:17: memory.load_latency: -1 is out of range (expected an integer from 0 to 100000)");
	EXPECT_ERR("memory:\n  dma_latency: 99999999999999999999999\n",
		   "F:2:16: memory.dma_latency: 99999999999999999999999 is out of range (expected "
		   "an integer from 0 to 100000)");
	EXPECT_ERR("vector:\n  registers: 256\n",
		   "F:2:14: vector.registers: 256 is out of range (expected an integer from 4 to 255)");
	EXPECT_ERR("vector:\n  element_bytes: 3\n",
		   "F:2:18: vector.element_bytes: 3 is not a power of two (expected a power of two "
		   "from 1 to 8)");
	EXPECT_ERR("vector:\n  element_bytes: 16\n",
		   "F:2:18: vector.element_bytes: 16 is out of range (expected a power of two from "
		   "1 to 8)");
	EXPECT_ERR("scratchpad:\n  bank_width_bytes: 128\n",
		   "F:2:21: scratchpad.bank_width_bytes: 128 is out of range (expected a power of "
		   "two from 1 to 64)");
	EXPECT_ERR("clock_ghz: 0.0009\n",
		   "F:1:12: clock_ghz: 0.0009 is out of range (expected a number from 0.001 to 100)");
	EXPECT_ERR("clock_ghz: 100.5\n",
		   "F:1:12: clock_ghz: 100.5 is out of range (expected a number from 0.001 to 100)");
	EXPECT_ERR("clock_ghz: 1e999\n",
		   "F:1:12: clock_ghz: 1e999 is out of range (expected a number from 0.001 to 100)");
}
END_TEST

START_TEST(duplicates_aliases_tags)
{
	EXPECT_ERR("vector:\n  lanes: 8\n  lanes: 16\n",
		   "F:3:3: vector.lanes: duplicate key (first given at line 2)");
	EXPECT_ERR("vector:\n  lanes: 8\nname: x\nvector:\n  registers: 16\n",
		   "F:4:1: vector: duplicate key (first given at line 1)");
	/* the anchor comes first, so it is what is reported */
	EXPECT_ERR("vector:\n  lanes: &n 8\n  registers: *n\n",
		   "F:2:10: alias/anchor not allowed (expected the value written out)");
	EXPECT_ERR("base: &b {lanes: 8}\n",
		   "F:1:1: base: unknown key (expected one of: name, clock_ghz, vector, "
		   "scratchpad, gse, memory)");
	EXPECT_ERR("vector: &v\n  lanes: 8\n",
		   "F:1:9: alias/anchor not allowed (expected the value written out)");
	/* an alias to an undefined anchor: libyaml's loader would fail first */
	EXPECT_ERR("vector:\n  lanes: *n\n",
		   "F:2:10: alias/anchor not allowed (expected the value written out)");
	/* a merge key is an alias too */
	EXPECT_ERR("vector:\n  lanes: 8\nscratchpad:\n  <<: *x\n",
		   "F:4:7: alias/anchor not allowed (expected the value written out)");
	EXPECT_ERR("vector:\n  lanes: !!int 8\n",
		   "F:2:10: tag not allowed (expected an untagged value)");
	EXPECT_ERR("name: a\n---\nname: b\n",
		   "F:2:1: a second YAML document is not allowed (expected one document per file)");
}
END_TEST

START_TEST(yaml_syntax_errors)
{
	EXPECT_ERR("vector:\n lanes: 8\n  registers: 4\n",
		   "F:3:12: YAML syntax error: mapping values are not allowed in this context");
	EXPECT_ERR("vector:\n  lanes: [8\n",
		   "F:3:1: YAML syntax error: did not find expected ',' or ']' (while parsing a "
		   "flow sequence started at line 2, column 10)");
	EXPECT_ERR("vector:\n\tlanes: 8\n",
		   "F:2:1: YAML syntax error: found character that cannot start any token (while "
		   "scanning for the next token started at line 2, column 1)");
	EXPECT_ERR("name: a\xff\n",
		   "F: byte 7: YAML syntax error: invalid leading UTF-8 octet (#FF)");
	/* nesting is capped before libyaml (whose scanner is quadratic in depth) reads on */
	{
		char deep[10001];

		memset(deep, '[', 10000);
		deep[10000] = '\0';
		EXPECT_ERR(deep, "F:1:65: nested deeper than 64 levels (expected a config nested at "
			   "most 3 levels deep)");
	}
	/* a syntax error comes first even after an anchor-free schema error */
	EXPECT_ERR("bogus: 1\nvector: [\n",
		   "F:3:1: YAML syntax error: did not find expected node content (while parsing a "
		   "flow node started at line 3, column 1)");
}
END_TEST

START_TEST(unreadable_files)
{
	struct gs_config c;
	struct gs_err err;
	char *dir = tu_temp_dir(), want[512], *big, *path;
	size_t n = (1u << 20) + 10;

	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load_file(&c, "/nonexistent/x.yaml", &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/x.yaml: cannot open: No such file or directory");
	ck_assert_int_eq(cfg_load_file(&c, dir, &err), -1);
	snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
	ck_assert_str_eq(err.msg, want);
	rmdir(dir);
	free(dir);
	big = malloc(n + 1);
	ck_assert(big != NULL);
	memset(big, '#', n);
	big[n] = '\0';
	path = tu_write_temp(".yaml", big);
	ck_assert_int_eq(cfg_load_file(&c, path, &err), -1);
	snprintf(want, sizeof want, "%s: larger than 1048576 bytes (expected a config file, a "
		 "few hundred bytes)", path);
	ck_assert_str_eq(err.msg, want);
	tu_remove_temp(path);
	free(big);
}
END_TEST

START_TEST(cross_key_rules)
{
	struct gs_config c;
	struct gs_err err;

	/* located at the rule's key given last in the file */
	EXPECT_ERR("scratchpad:\n  mapping: xor\n  banks: 12\n",
		   "F:3:10: scratchpad.banks: xor needs scratchpad.banks to be a power of two, not "
		   "12 (expected banks 1, 2, 4, 8, ... or mapping: interleave)");
	EXPECT_ERR("scratchpad:\n  banks: 12\n  mapping: xor\n",
		   "F:3:12: scratchpad.mapping: xor needs scratchpad.banks to be a power of two, not "
		   "12 (expected banks 1, 2, 4, 8, ... or mapping: interleave)");
	EXPECT_ERR("scratchpad:\n  banks: 12\n",
		   "F:2:10: scratchpad.banks: 64 KiB is not a whole number of bank rows of 12 banks "
		   "x 2 B = 24 B (expected size_kib * 1024 to be a multiple of banks * "
		   "bank_width_bytes)");
	EXPECT_ERR("scratchpad:\n  size_kib: 1\n  bank_width_bytes: 64\n  banks: 32\n",
		   "F:4:10: scratchpad.banks: 1 KiB is not a whole number of bank rows of 32 banks "
		   "x 64 B = 2048 B (expected size_kib * 1024 to be a multiple of banks * "
		   "bank_width_bytes)");
	EXPECT_ERR("vector:\n  alu_pipes: 2\n",
		   "F:2:14: vector.alu_pipes: 2 ALU pipes but 1 instruction(s) issued per cycle: "
		   "the extra pipes can never be used (expected vector.alu_pipes <= "
		   "vector.issue_width)");
	/* power-of-two banks with xor, rows that fit, pipes within issue: fine */
	EXPECT_ERR("scratchpad:\n  banks: 16\n  mapping: xor\nvector:\n  issue_width: 2\n"
		   "  alu_pipes: 2\n", "");
	EXPECT_ERR("scratchpad:\n  banks: 1\n  mapping: xor\n", "");
	/* not from a file: where, then the rule's first key */
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=12", &err), 0);
	ck_assert_int_eq(cfg_validate(&c, "--set", &err), -1);
	ck_assert_str_eq(err.msg, "--set: scratchpad.size_kib: 64 KiB is not a whole number of "
			 "bank rows of 12 banks x 2 B = 24 B (expected size_kib * 1024 to be a "
			 "multiple of banks * bank_width_bytes)");
	ck_assert_int_eq(cfg_validate(&c, "--set", NULL), -1);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.size_kib=3", &err), 0);	/* 3072 = 128 x 24 */
	ck_assert_int_eq(cfg_validate(&c, "--set", &err), 0);
	/* a config built in code gets each key checked too, in the input's words */
	cfg_defaults(&c);
	c.scratchpad.banks = 0;
	ck_assert_int_eq(cfg_validate(&c, "code", &err), -1);
	ck_assert_str_eq(err.msg, "code: scratchpad.banks: 0 is out of range (expected an integer "
			 "from 1 to 1024)");
	cfg_defaults(&c);
	c.scratchpad.mapping = 2;
	ck_assert_int_eq(cfg_validate(&c, "code", &err), -1);
	ck_assert_str_eq(err.msg, "code: scratchpad.mapping: '2' is not allowed (expected one of: "
			 "interleave, xor)");
	cfg_defaults(&c);
	strcpy(c.name, "a b");
	ck_assert_int_eq(cfg_validate(&c, "code", &err), -1);
	ck_assert_str_eq(err.msg, "code: name: 'a b' is not a valid name (expected 1 to 63 "
			 "letters, digits, '.', '_' or '-')");
	cfg_defaults(&c);
	c.clock_ghz = 0;
	ck_assert_int_eq(cfg_validate(&c, "code", &err), -1);
	ck_assert_str_eq(err.msg, "code: clock_ghz: 0.0 is out of range (expected a number from "
			 "0.001 to 100)");
}
END_TEST

START_TEST(set_errors)
{
	EXPECT_SET_ERR("vector.lanes=65", "--set vector.lanes=65: vector.lanes: 65 is out of "
		       "range (expected an integer from 1 to 64)");
	EXPECT_SET_ERR("vector.lanes=eight", "--set vector.lanes=eight: vector.lanes: 'eight' "
		       "is not an integer (expected an integer from 1 to 64)");
	EXPECT_SET_ERR("vector.lanes=", "--set vector.lanes=: vector.lanes: missing value "
		       "(expected an integer from 1 to 64)");
	EXPECT_SET_ERR("gse.multicast=1", "--set gse.multicast=1: gse.multicast: '1' is not a "
		       "boolean (expected true or false)");
	EXPECT_SET_ERR("scratchpad.mapping=Interleave", "--set scratchpad.mapping=Interleave: "
		       "scratchpad.mapping: 'Interleave' is not allowed, did you mean interleave? "
		       "(expected one of: interleave, xor)");
	EXPECT_SET_ERR("gse.bogus=1", "--set gse.bogus=1: gse.bogus: unknown key (expected one "
		       "of: queue_depth, multicast, scatter_same_address, cycles_per_pass, overlap)");
	EXPECT_SET_ERR("vector.lane=4", "--set vector.lane=4: vector.lane: unknown key, did you "
		       "mean vector.lanes? (expected one of: lanes, element_bytes, registers, "
		       "issue_width, alu_pipes, latency)");
	EXPECT_SET_ERR("vectr.lanes=4", "--set vectr.lanes=4: vectr: unknown key, did you mean "
		       "vector? (expected one of: name, clock_ghz, vector, scratchpad, gse, memory)");
	EXPECT_SET_ERR("vector.lanes.x=4", "--set vector.lanes.x=4: vector.lanes.x: unknown "
		       "key (expected vector.lanes to have no sub-keys)");
	EXPECT_SET_ERR("vector=3", "--set vector=3: vector: a section, not a key (expected one "
		       "of: lanes, element_bytes, registers, issue_width, alu_pipes, latency)");
	EXPECT_SET_ERR("scratchpad.banks", "--set scratchpad.banks: missing '=' (expected "
		       "KEY=VALUE, e.g. scratchpad.banks=16)");
	EXPECT_SET_ERR("=16", "--set =16: missing key before '=' (expected KEY=VALUE, e.g. "
		       "scratchpad.banks=16)");
}
END_TEST

Suite *config_errors_suite(void)
{
	Suite *s = suite_create("config_errors");
	TCase *tc = tcase_create("config_errors");

	tcase_add_test(tc, unknown_keys);
	tcase_add_test(tc, wrong_types);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, duplicates_aliases_tags);
	tcase_add_test(tc, yaml_syntax_errors);
	tcase_add_test(tc, unreadable_files);
	tcase_add_test(tc, set_errors);
	tcase_add_test(tc, cross_key_rules);
	suite_add_tcase(s, tc);
	return s;
}
