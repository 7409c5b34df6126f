/*
** check_cfg.c: the configuration table (sim/config.c): defaults, presets,
** every error class with its exact located message, --set, cross-key
** rules, the canonical dump and hash, the generated docs.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

/* Load text as a config file; returns the message ("" when it loaded),
** with the temporary path replaced by "F". */
static const char *load_text(const char *text, struct gs_config *c)
{
	static char msg[GS_ERR_MAX];
	struct gs_err err = { { 0 } };
	char *path = tu_write_temp(".yaml", text);
	size_t n = strlen(path);
	int rc;

	cfg_defaults(c);
	rc = cfg_load_file(c, path, &err);
	if (rc == 0)
		rc = cfg_validate(c, path, &err);
	msg[0] = '\0';
	if (rc) {
		ck_assert_msg(strncmp(err.msg, path, n) == 0, "message does not start with the path: %s",
			      err.msg);
		snprintf(msg, sizeof msg, "F%s", err.msg + n);
	}
	unlink(path);
	free(path);
	return msg;
}

#define EXPECT_ERR(text, want) do { \
	struct gs_config c_; \
	const char *got_ = load_text(text, &c_); \
	ck_assert_msg(strcmp(got_, want) == 0, "\n got: %s\nwant: %s", got_, want); \
} while (0)

START_TEST(defaults_are_the_papers_machine)
{
	struct gs_config c;

	cfg_defaults(&c);
	ck_assert_str_eq(c.name, "default");
	ck_assert_int_eq(c.vector.lanes, 8);
	ck_assert_int_eq(c.vector.element_bytes, 2);
	ck_assert_int_eq(c.scratchpad.banks, 8);
	ck_assert_int_eq(c.scratchpad.bank_width_bytes, 2);
	ck_assert_int_eq(c.scratchpad.size_kib, 64);
	ck_assert_int_eq(c.gse.multicast, 1);
	ck_assert_int_eq(c.gse.scatter_same_address, SCATTER_DUP_MERGE);
	ck_assert_int_eq(c.memory.bandwidth_bytes_per_cycle, 16);
	ck_assert(c.clock_ghz == 1.0);
	ck_assert_int_eq(cfg_validate(&c, "x", NULL), 0);
}
END_TEST

START_TEST(presets_load)
{
	struct gs_config c;
	struct gs_err err;
	char h1[17], h2[17];

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/default.yaml", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cfg_validate(&c, "configs/default.yaml", &err), 0);
	cfg_hash(&c, h1);
	cfg_defaults(&c);
	cfg_hash(&c, h2);
	ck_assert_str_eq(h1, h2);	/* default.yaml writes out every default */

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/gpu-smem.yaml", &err) == 0, "%s", err.msg);
	ck_assert_str_eq(c.name, "gpu-smem");
	ck_assert_int_eq(c.vector.lanes, 32);
	ck_assert_int_eq(c.scratchpad.banks, 32);
	ck_assert_int_eq(c.scratchpad.bank_width_bytes, 4);
	ck_assert_int_eq(c.vector.element_bytes, 4);
	ck_assert_int_eq(c.gse.multicast, 1);

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/lanes16-banks16.yaml", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(c.vector.lanes, 16);
	ck_assert_int_eq(c.scratchpad.banks, 16);
}
END_TEST

START_TEST(values_parse)
{
	struct gs_config c;

	ck_assert_str_eq(load_text("clock_ghz: 2.5\nvector:\n  lanes: 0x10\n"
				   "scratchpad:\n  mapping: xor\ngse:\n  overlap: false\n", &c), "");
	ck_assert(c.clock_ghz == 2.5);
	ck_assert_int_eq(c.vector.lanes, 16);
	ck_assert_int_eq(c.scratchpad.mapping, SPM_MAP_XOR);
	ck_assert_int_eq(c.gse.overlap, 0);
	ck_assert_str_eq(load_text("", &c), "");	/* empty file: defaults */
	ck_assert_int_eq(c.vector.lanes, 8);
	ck_assert_str_eq(load_text("# only a comment\n", &c), "");
}
END_TEST

START_TEST(unknown_keys)
{
	EXPECT_ERR("vector:\n  lane: 8\n",
		   "F:2:3: vector.lane: unknown key (expected one of: lanes, element_bytes, "
		   "registers, issue_width, alu_pipes, latency)");
	EXPECT_ERR("banks: 8\n",
		   "F:1:1: banks: unknown key (expected one of: name, clock_ghz, vector, "
		   "scratchpad, gse, memory)");
	EXPECT_ERR("vector:\n  latency:\n    fmaa: 3\n",
		   "F:3:5: vector.latency.fmaa: unknown key (expected one of: fma, add, mul, "
		   "reduction, broadcast)");
}
END_TEST

START_TEST(wrong_types)
{
	EXPECT_ERR("vector:\n  lanes: \"8\"\n",
		   "F:2:10: vector.lanes: '8' is not an integer (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: 8.5\n",
		   "F:2:10: vector.lanes: '8.5' is not an integer (expected an integer from 1 to 64)");
	EXPECT_ERR("clock_ghz: fast\n",
		   "F:1:12: clock_ghz: 'fast' is not a number (expected a number from 0.001 to 100)");
	EXPECT_ERR("gse:\n  multicast: yes\n",
		   "F:2:14: gse.multicast: 'yes' is not a boolean (expected true or false)");
	EXPECT_ERR("scratchpad:\n  mapping: hash\n",
		   "F:2:12: scratchpad.mapping: 'hash' is not allowed (expected one of interleave or xor)");
	EXPECT_ERR("vector: 8\n",
		   "F:1:9: vector: a section, not a value (expected a mapping of: lanes, "
		   "element_bytes, registers, issue_width, alu_pipes, latency)");
	EXPECT_ERR("vector:\n  lanes: [8]\n",
		   "F:2:10: vector.lanes: expected a single value (an integer from 1 to 64), not a sequence");
	EXPECT_ERR("- 1\n", "F:1:1: the top level must be a mapping of keys");
	EXPECT_ERR("name: has space\n",
		   "F:1:7: name: 'has space' is not a valid name (expected a name of letters, "
		   "digits, '.', '_', '-' (at most 63))");
}
END_TEST

START_TEST(out_of_range)
{
	EXPECT_ERR("vector:\n  lanes: 0\n",
		   "F:2:10: vector.lanes: 0 is out of range (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  lanes: 65\n",
		   "F:2:10: vector.lanes: 65 is out of range (expected an integer from 1 to 64)");
	EXPECT_ERR("vector:\n  element_bytes: 3\n",
		   "F:2:18: vector.element_bytes: 3 is out of range (expected a power of two from 1 to 8)");
	EXPECT_ERR("vector:\n  registers: 256\n",
		   "F:2:14: vector.registers: 256 is out of range (expected an integer from 4 to 255)");
	EXPECT_ERR("clock_ghz: 0\n",
		   "F:1:12: clock_ghz: 0 is out of range (expected a number from 0.001 to 100)");
	EXPECT_ERR("memory:\n  load_latency: -1\n",
		   "F:2:17: memory.load_latency: -1 is out of range (expected an integer from 0 to 100000)");
}
END_TEST

START_TEST(duplicates_aliases_syntax)
{
	EXPECT_ERR("vector:\n  lanes: 8\n  lanes: 16\n",
		   "F:3:3: vector.lanes: duplicate key (first given at line 2)");
	EXPECT_ERR("vector:\n  lanes: 8\nvector:\n  registers: 16\n",
		   "F:3:1: vector: duplicate key (first given at line 1)");
	EXPECT_ERR("vector:\n  lanes: &n 8\n  registers: *n\n",
		   "F:2:10: anchor not allowed (write the value out)");
	EXPECT_ERR("vector:\n  lanes: [8\n",
		   "F:3:1: YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence");
	EXPECT_ERR("vector:\n lanes: 8\n  registers: 4\n",
		   "F:3:12: YAML syntax error: mapping values are not allowed in this context");
}
END_TEST

START_TEST(cross_key_rules_are_located)
{
	EXPECT_ERR("scratchpad:\n  banks: 12\n  mapping: xor\n",
		   "F:3:12: scratchpad.mapping: xor needs scratchpad.banks to be a power of two (it is 12)");
	EXPECT_ERR("scratchpad:\n  banks: 12\n",
		   "F:2:10: scratchpad.banks: 64 KiB is not a whole number of bank rows "
		   "(scratchpad.banks * scratchpad.bank_width_bytes = 24 bytes)");
}
END_TEST

START_TEST(missing_file)
{
	struct gs_config c;
	struct gs_err err;

	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load_file(&c, "/nonexistent/x.yaml", &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/x.yaml: cannot open: No such file or directory");
}
END_TEST

START_TEST(set_overrides)
{
	struct gs_config c;
	struct gs_err err;

	cfg_defaults(&c);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=16", &err), 0);
	ck_assert_int_eq(c.scratchpad.banks, 16);
	ck_assert_int_eq(cfg_set(&c, "gse.multicast=false", &err), 0);
	ck_assert_int_eq(c.gse.multicast, 0);
	ck_assert_int_eq(cfg_set(&c, "name=sweep-3", &err), 0);
	ck_assert_str_eq(c.name, "sweep-3");
	ck_assert_int_eq(cfg_set(&c, "vector.lanes=65", &err), -1);
	ck_assert_str_eq(err.msg, "--set vector.lanes=65: vector.lanes: 65 is out of range "
				  "(expected an integer from 1 to 64)");
	ck_assert_int_eq(cfg_set(&c, "gse.bogus=1", &err), -1);
	ck_assert_str_eq(err.msg, "--set gse.bogus=1: gse.bogus: unknown key (see docs/config.md; "
				  "top-level keys: name, clock_ghz, vector, scratchpad, gse, memory)");
	ck_assert_int_eq(cfg_set(&c, "scratchpad", &err), -1);
	ck_assert_str_eq(err.msg, "--set scratchpad: expected KEY=VALUE, e.g. scratchpad.banks=16");
	ck_assert_int_eq(cfg_set(&c, "vector=3", &err), -1);
	/* a cross-key error caused by --set names --set, not a file line */
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=12", &err), 0);
	ck_assert_int_eq(cfg_validate(&c, "--set", &err), -1);
	ck_assert_msg(strncmp(err.msg, "--set: scratchpad.size_kib: ", 28) == 0, "%s", err.msg);
}
END_TEST

START_TEST(dump_round_trip_and_hash)
{
	struct gs_config a, b;
	struct gs_err err;
	char ha[17], hb[17], *text, *path;

	cfg_defaults(&a);
	ck_assert_int_eq(cfg_set(&a, "clock_ghz=1.37", &err), 0);
	ck_assert_int_eq(cfg_set(&a, "scratchpad.mapping=xor", &err), 0);
	ck_assert_int_eq(cfg_set(&a, "vector.latency.fma=7", &err), 0);
	ck_assert_int_eq(cfg_set(&a, "name=rt", &err), 0);
	text = cfg_dump(&a);
	ck_assert(text != NULL);
	ck_assert_msg(strstr(text, "vector:\n  lanes: 8\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "  latency:\n    fma: 7\n") != NULL, "%s", text);
	path = tu_write_temp(".yaml", text);
	cfg_defaults(&b);
	ck_assert_msg(cfg_load_file(&b, path, &err) == 0, "%s", err.msg);
	cfg_hash(&a, ha);
	cfg_hash(&b, hb);
	ck_assert_str_eq(ha, hb);
	ck_assert(b.clock_ghz == 1.37);
	ck_assert_int_eq(b.vector.lat_fma, 7);
	ck_assert_int_eq(cfg_set(&b, "gse.queue_depth=5", &err), 0);
	cfg_hash(&b, hb);
	ck_assert_str_ne(ha, hb);
	unlink(path);
	free(path);
	free(text);
}
END_TEST

START_TEST(docs_mention_every_key)
{
	char *path = tu_write_temp(".md", "");
	FILE *f = fopen(path, "w");
	char *doc, *dump;
	struct gs_config c;

	ck_assert(f != NULL);
	cfg_write_docs(f);
	fclose(f);
	doc = tu_read_file(path, NULL);
	cfg_defaults(&c);
	dump = cfg_dump(&c);
	/* every leaf of the dump appears in the docs as a full key path */
	ck_assert(strstr(doc, "`scratchpad.ports_per_bank`") != NULL);
	ck_assert(strstr(doc, "`vector.latency.reduction`") != NULL);
	ck_assert(strstr(doc, "`memory.dma_queue_depth`") != NULL);
	ck_assert(strstr(doc, "`gse.scatter_same_address`") != NULL);
	for (char *line = strtok(dump, "\n"); line; line = strtok(NULL, "\n")) {
		char key[64];

		/* leaves only: "key: value" (section lines end with ':') */
		if (strstr(line, ": ") && sscanf(line, " %63[a-z_]:", key) == 1) {
			char needle[80];

			snprintf(needle, sizeof needle, "%s` |", key);
			ck_assert_msg(strstr(doc, needle) != NULL, "docs miss %s", key);
		}
	}
	unlink(path);
	free(path);
	free(doc);
	free(dump);
}
END_TEST

Suite *cfg_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults_are_the_papers_machine);
	tcase_add_test(tc, presets_load);
	tcase_add_test(tc, values_parse);
	tcase_add_test(tc, unknown_keys);
	tcase_add_test(tc, wrong_types);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, duplicates_aliases_syntax);
	tcase_add_test(tc, cross_key_rules_are_located);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, set_overrides);
	tcase_add_test(tc, dump_round_trip_and_hash);
	tcase_add_test(tc, docs_mention_every_key);
	suite_add_tcase(s, tc);
	return s;
}
