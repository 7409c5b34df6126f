/*
** check_config.c: the hardware configuration (sim/config*.c): defaults,
** presets, values that load, --set, the canonical dump and hash, the
** generated docs. Every error class is in check_config_errors.c.
*/
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_testutil.h"
#include "testutil.h"


/* Compare two configs, ignoring where keys were set (messages only). */
static int same_machine(const struct gs_config *a, const struct gs_config *b)
{
	struct gs_config x = *a, y = *b;

	memset(x.key_line, 0, sizeof x.key_line);
	memset(x.key_col, 0, sizeof x.key_col);
	memset(y.key_line, 0, sizeof y.key_line);
	memset(y.key_col, 0, sizeof y.key_col);
	return memcmp(&x, &y, sizeof x) == 0;
}

START_TEST(defaults_are_the_papers_machine)
{
	struct gs_config c, want;

	memset(&c, 0xA5, sizeof c);	/* every byte must be written */
	cfg_defaults(&c);
	tu_paper_machine(&want, "default");
	ck_assert_str_eq(c.name, "default");
	ck_assert_int_eq(c.vector.lanes, 8);
	ck_assert_int_eq(c.scratchpad.banks, 8);
	ck_assert_int_eq(c.memory.dma_queue_depth, 16);
	ck_assert_msg(same_machine(&c, &want), "defaults differ from the paper's machine");
	ck_assert_int_eq(cfg_validate(&c, "x", NULL), 0);
	ck_assert_uint_eq(c.key_line[0], 0);
}
END_TEST

START_TEST(preset_default)
{
	struct gs_config c, want;
	struct gs_err err;
	char h1[17], h2[17];

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/default.yaml", &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(&c, "configs/default.yaml", &err) == 0, "%s", err.msg);
	tu_paper_machine(&want, "default");
	ck_assert_msg(same_machine(&c, &want), "default.yaml is not the defaults");
	cfg_hash(&c, h1);
	cfg_hash(&want, h2);
	ck_assert_str_eq(h1, h2);
	/* every key is written out: each one has a location */
	ck_assert_uint_eq(c.key_line[0], 9);	/* name: default */
	for (int i = 0; i < 29; i++)
		ck_assert_msg(c.key_line[i] > 0, "key %d not written in default.yaml", i);
}
END_TEST

START_TEST(preset_lanes16_banks16)
{
	struct gs_config c, want;
	struct gs_err err;

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/lanes16-banks16.yaml", &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(&c, "configs/lanes16-banks16.yaml", &err) == 0, "%s", err.msg);
	tu_paper_machine(&want, "default");
	strcpy(want.name, "lanes16-banks16");
	want.vector.lanes = 16;
	want.scratchpad.banks = 16;
	ck_assert_msg(same_machine(&c, &want), "lanes16-banks16 is not default + 16 lanes/banks");
}
END_TEST

START_TEST(preset_gpu_smem)
{
	struct gs_config c;
	struct gs_err err;

	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, "configs/gpu-smem.yaml", &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(&c, "configs/gpu-smem.yaml", &err) == 0, "%s", err.msg);
	ck_assert_str_eq(c.name, "gpu-smem");
	ck_assert_int_eq(c.vector.lanes, 32);
	ck_assert_int_eq(c.vector.element_bytes, 4);
	ck_assert_int_eq(c.vector.registers, 255);
	ck_assert_int_eq(c.vector.issue_width, 1);
	ck_assert_int_eq(c.scratchpad.size_kib, 48);
	ck_assert_int_eq(c.scratchpad.banks, 32);
	ck_assert_int_eq(c.scratchpad.bank_width_bytes, 4);
	ck_assert_int_eq(c.scratchpad.ports_per_bank, 1);
	ck_assert_int_eq(c.scratchpad.mapping, SPM_MAP_INTERLEAVE);
	ck_assert_int_ge(c.scratchpad.latency, 20);
	ck_assert_int_le(c.scratchpad.latency, 30);
	ck_assert_int_eq(c.gse.multicast, 1);
	ck_assert_int_eq(c.gse.cycles_per_pass, 1);
	/* 48 KiB is 384 rows of 32 banks x 4 B */
	ck_assert_int_eq(cfg_spm_bytes(&c) % (32 * 4), 0);
}
END_TEST

START_TEST(values_parse)
{
	struct gs_config c;

	EXPECT_LOADS(".yaml", "clock_ghz: 2.5e-1\nvector:\n  lanes: 0x10\n  registers: +40\n"
				   "scratchpad:\n  mapping: \"xor\"\n  latency: 0\ngse:\n"
				   "  overlap: false\n  multicast: false\n", &c);
	ck_assert(c.clock_ghz == 0.25);
	ck_assert_int_eq(c.vector.lanes, 16);
	ck_assert_int_eq(c.vector.registers, 40);
	ck_assert_int_eq(c.scratchpad.mapping, SPM_MAP_XOR);
	ck_assert_int_eq(c.scratchpad.latency, 0);
	ck_assert_int_eq(c.gse.overlap, 0);
	ck_assert_int_eq(c.gse.multicast, 0);
	ck_assert_uint_eq(c.key_line[1], 1);	/* clock_ghz, at its value */
	ck_assert_uint_eq(c.key_col[1], 12);
	ck_assert_str_eq(c.name, "t");		/* the temp file is .../t.yaml */
	EXPECT_LOADS(".yaml", "clock_ghz: 3\n", &c);
	ck_assert(c.clock_ghz == 3.0);
	/* empty file, comments only, an empty document, an empty section */
	EXPECT_LOADS(".yaml", "", &c);
	ck_assert_int_eq(c.vector.lanes, 8);
	EXPECT_LOADS(".yaml", "# only a comment\n", &c);
	EXPECT_LOADS(".yaml", "---\n", &c);
	EXPECT_LOADS(".yaml", "vector:\ngse:\n  queue_depth: 9\n", &c);
	ck_assert_int_eq(c.gse.queue_depth, 9);
	/* flow style is still YAML */
	EXPECT_LOADS(".yaml", "{vector: {lanes: 4}, name: 'a.b_c-1'}\n", &c);
	ck_assert_int_eq(c.vector.lanes, 4);
	ck_assert_str_eq(c.name, "a.b_c-1");
	/* a name is any scalar */
	EXPECT_LOADS(".yaml", "name: 1.5\n", &c);
	ck_assert_str_eq(c.name, "1.5");
}
END_TEST

START_TEST(name_from_file_stem)
{
	struct gs_config c;

	EXPECT_LOADS("x y.v1.yaml", "", &c);
	ck_assert_str_eq(c.name, "tx_y.v1");
	EXPECT_LOADS("z.yaml", "name: mine\n", &c);
	ck_assert_str_eq(c.name, "mine");
	EXPECT_LOADS("", "", &c);	/* .../t: no extension */
	ck_assert_str_eq(c.name, "t");
}
END_TEST

START_TEST(limits_accepted)
{
	struct gs_config c;

	EXPECT_LOADS(".yaml", "clock_ghz: 0.001\nvector:\n  lanes: 64\n  registers: 255\n"
				   "  element_bytes: 8\n  issue_width: 8\n  alu_pipes: 8\n"
				   "scratchpad:\n  size_kib: 1048576\n  banks: 1024\n"
				   "  bank_width_bytes: 64\n", &c);
	ck_assert_int_eq(c.scratchpad.size_kib, 1048576);
	ck_assert_int_eq(c.scratchpad.bank_width_bytes, 64);
	EXPECT_LOADS(".yaml", "clock_ghz: 100\nvector:\n  lanes: 1\n  registers: 4\n"
				   "  element_bytes: 1\nscratchpad:\n  size_kib: 1\n  banks: 1\n"
				   "  bank_width_bytes: 1\n", &c);
	ck_assert(c.clock_ghz == 100.0);
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
	ck_assert_int_eq(cfg_set(&c, " vector.latency.fma = 0x7 ", &err), 0);
	ck_assert_int_eq(c.vector.lat_fma, 7);
	ck_assert_int_eq(cfg_set(&c, "clock_ghz=2", &err), 0);
	ck_assert(c.clock_ghz == 2.0);
	ck_assert_int_eq(cfg_set(&c, "gse.scatter_same_address=serialize", &err), 0);
	ck_assert_int_eq(c.gse.scatter_same_address, SCATTER_DUP_SERIALIZE);
}
END_TEST

START_TEST(set_wins_over_file)
{
	struct gs_config c;
	struct gs_err err = { { 0 } };
	char *path = tu_write_temp(".yaml", "scratchpad:\n  banks: 12\n  mapping: xor\n");

	/* the file alone breaks a rule; the --set that follows fixes it */
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load_file(&c, path, &err), 0);
	ck_assert_int_eq(c.scratchpad.banks, 12);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=16", &err), 0);
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=32", &err), 0);	/* the last one wins */
	ck_assert_msg(cfg_validate(&c, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(c.scratchpad.banks, 32);
	ck_assert_int_eq(c.scratchpad.mapping, SPM_MAP_XOR);
	/* a --set key loses its file location: the rule blames the key left in the file */
	ck_assert_int_eq(cfg_set(&c, "scratchpad.banks=24", &err), 0);
	ck_assert_int_eq(cfg_validate(&c, "F", &err), -1);
	ck_assert_str_eq(err.msg, "F:3:12: scratchpad.mapping: xor needs scratchpad.banks to be "
			 "a power of two, not 24 (expected banks 1, 2, 4, 8, ... or mapping: interleave)");
	tu_remove_temp(path);
}
END_TEST

/* A non-default value for every key, one per assignment. */
static const char *const every_key[] = {
	"name=every.key_1", "clock_ghz=1.37", "vector.lanes=16", "vector.element_bytes=4",
	"vector.registers=64", "vector.issue_width=2", "vector.alu_pipes=2",
	"vector.latency.fma=5", "vector.latency.add=6", "vector.latency.mul=7",
	"vector.latency.reduction=8", "vector.latency.broadcast=9", "scratchpad.size_kib=128",
	"scratchpad.banks=16", "scratchpad.bank_width_bytes=4", "scratchpad.ports_per_bank=2",
	"scratchpad.latency=0", "scratchpad.mapping=xor", "gse.queue_depth=3",
	"gse.multicast=false", "gse.scatter_same_address=serialize", "gse.cycles_per_pass=2",
	"gse.overlap=false", "memory.bandwidth_bytes_per_cycle=32", "memory.load_latency=5",
	"memory.dma_latency=200", "memory.max_outstanding=4", "memory.dma_chunk_bytes=128",
	"memory.dma_queue_depth=2",
};

#define NEVERY (sizeof every_key / sizeof every_key[0])

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

START_TEST(dump_round_trip_and_hash)
{
	struct gs_config a, b, d;
	struct gs_err err;
	char ha[17], hb[17], hd[17], want[17], *text, *path;

	cfg_defaults(&a);
	for (size_t i = 0; i < NEVERY; i++)
		ck_assert_msg(cfg_set(&a, every_key[i], &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(&a, "--set", &err) == 0, "%s", err.msg);
	text = cfg_dump(&a);
	ck_assert(text != NULL);
	ck_assert_msg(strncmp(text, "name: \"every.key_1\"\nclock_ghz: 1.37\nvector:\n  lanes: 16\n",
			      56) == 0, "%s", text);
	ck_assert_msg(strstr(text, "  latency:\n    fma: 5\n    add: 6\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\nscratchpad:\n  size_kib: 128\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "  mapping: xor\ngse:\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "  dma_queue_depth: 2\n") != NULL, "%s", text);

	path = tu_write_temp(".yaml", text);
	cfg_defaults(&b);
	ck_assert_msg(cfg_load_file(&b, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(same_machine(&a, &b), "the dump does not load back to the same machine");
	cfg_hash(&a, ha);
	cfg_hash(&b, hb);
	ck_assert_str_eq(ha, hb);
	/* the hash is FNV-1a of the dump */
	snprintf(want, sizeof want, "%016llx", (unsigned long long)fnv1a(text));
	ck_assert_str_eq(ha, want);
	ck_assert_uint_eq(strlen(ha), 16);

	/* every key changes the hash on its own */
	cfg_defaults(&d);
	cfg_hash(&d, hd);
	for (size_t i = 0; i < NEVERY; i++) {
		cfg_defaults(&b);
		ck_assert_int_eq(cfg_set(&b, every_key[i], &err), 0);
		ck_assert_msg(!same_machine(&b, &d), "%s left the defaults unchanged", every_key[i]);
		cfg_hash(&b, hb);
		ck_assert_msg(strcmp(hb, hd) != 0, "%s did not change the hash", every_key[i]);
	}
	/* the location of a key is not part of the machine */
	cfg_defaults(&b);
	b.key_line[3] = 7;
	cfg_hash(&b, hb);
	ck_assert_str_eq(hb, hd);
	tu_remove_temp(path);
	free(text);
}
END_TEST

/* Doubles dump as the shortest text that reads back exactly. */
START_TEST(dump_doubles_exact)
{
	static const char *const values[] = { "1", "0.1", "1.37", "3.0000000000000004",
					      "0.001", "99.99999999999999", "1e1" };
	static const char *const shown[] = { "1.0", "0.1", "1.37", "3.0000000000000004",
					     "0.001", "99.99999999999999", "10.0" };
	struct gs_config a, b;
	struct gs_err err;
	char assign[64], line[64], *text, *path;

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		cfg_defaults(&a);
		snprintf(assign, sizeof assign, "clock_ghz=%s", values[i]);
		ck_assert_int_eq(cfg_set(&a, assign, &err), 0);
		text = cfg_dump(&a);
		snprintf(line, sizeof line, "\nclock_ghz: %s\n", shown[i]);
		ck_assert_msg(strstr(text, line) != NULL, "%s: %s", values[i], text);
		path = tu_write_temp(".yaml", text);
		cfg_defaults(&b);
		ck_assert_msg(cfg_load_file(&b, path, &err) == 0, "%s", err.msg);
		ck_assert(a.clock_ghz == b.clock_ghz);
		tu_remove_temp(path);
		free(text);
	}
}
END_TEST

/* A name that is not a plain YAML string still dumps and loads back. */
START_TEST(dump_odd_names)
{
	static const char *const names[] = { "name=-", "name=true", "name=0x10", "name=..." };
	struct gs_config a, b;
	struct gs_err err;
	char *text, *path;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		cfg_defaults(&a);
		ck_assert_int_eq(cfg_set(&a, names[i], &err), 0);
		text = cfg_dump(&a);
		path = tu_write_temp(".yaml", text);
		cfg_defaults(&b);
		ck_assert_msg(cfg_load_file(&b, path, &err) == 0, "%s: %s", names[i], err.msg);
		ck_assert_str_eq(a.name, b.name);
		tu_remove_temp(path);
		free(text);
	}
}
END_TEST

static char *docs_text(void)
{
	char *path = tu_write_temp(".md", ""), *doc;
	FILE *f = fopen(path, "w");

	ck_assert(f != NULL);
	cfg_write_docs(f);
	fclose(f);
	doc = tu_read_file(path, NULL);
	ck_assert(doc != NULL);
	tu_remove_temp(path);
	return doc;
}

START_TEST(docs_cover_every_key)
{
	char *doc = docs_text(), *dump, *example, *end, *path, *row, *row_end, *hit;
	const char *sections[4] = { 0 };
	struct gs_config c;
	struct gs_err err;
	int leaves = 0;

	ck_assert(strstr(doc, "`gssim docs config`") != NULL);
	ck_assert(strstr(doc, "| key | type | unit | default | allowed | meaning |") != NULL);
	ck_assert(strstr(doc, "| `name` | string | - | the file's stem, else `default` |") != NULL);
	ck_assert(strstr(doc, "| `vector.element_bytes` | integer, power of two | bytes | `2` "
			      "| 1, 2, 4, 8 |") != NULL);
	ck_assert(strstr(doc, "| `scratchpad.mapping` | enum | - | `interleave` | "
			      "`interleave`, `xor` |") != NULL);
	/* every leaf of the default dump: its full path with its default value */
	cfg_defaults(&c);
	dump = cfg_dump(&c);
	for (char *line = strtok(dump, "\n"); line; line = strtok(NULL, "\n")) {
		int depth = (int)(strspn(line, " ") / 2);
		char *key = line + depth * 2, *colon = strchr(key, ':'), full[128], needle[256];

		ck_assert(colon != NULL && depth < 3);
		*colon = '\0';
		if (!colon[1]) {	/* a section */
			sections[depth] = key;
			continue;
		}
		full[0] = '\0';
		for (int d = 0; d < depth; d++) {
			strcat(full, sections[d]);
			strcat(full, ".");
		}
		strcat(full, key);
		if (!strcmp(full, "name"))
			continue;	/* shown as the file's stem, checked above */
		snprintf(needle, sizeof needle, "| `%s` | ", full);
		row = strstr(doc, needle);
		ck_assert_msg(row != NULL, "docs miss %s", full);
		row_end = strchr(row, '\n');
		snprintf(needle, sizeof needle, " | `%s` | ", colon + 2);
		hit = strstr(row, needle);
		ck_assert_msg(hit && hit < row_end, "docs miss %s's default %s", full, colon + 2);
		leaves++;
	}
	ck_assert_int_eq(leaves, 28);	/* 29 keys but name */
	free(dump);
	/* the dump of the defaults is in the docs verbatim */
	dump = cfg_dump(&c);
	ck_assert(strstr(doc, dump) != NULL);
	free(dump);
	/* every cross-key rule is documented */
	ck_assert(strstr(doc, "- `scratchpad.mapping`, `scratchpad.banks`: ") != NULL);
	ck_assert(strstr(doc, "- `vector.alu_pipes`, `vector.issue_width`: ") != NULL);
	ck_assert(strstr(doc, "- `scratchpad.size_kib`, `scratchpad.banks`, "
			      "`scratchpad.bank_width_bytes`: ") != NULL);
	/* the sample messages are real ones */
	ck_assert(strstr(doc, "    --set scratchpad.banks=0: scratchpad.banks: 0 is out of range "
			      "(expected an integer from 1 to 1024)\n") != NULL);
	ck_assert(strstr(doc, "    my.yaml:7:10: scratchpad.banks: 0 is out of range") != NULL);
	/* the example loads and validates */
	example = strstr(doc, "## Example");
	ck_assert(example != NULL);
	example = strstr(example, "```yaml\n");
	ck_assert(example != NULL);
	example += 8;
	end = strstr(example, "```");
	ck_assert(end != NULL);
	*end = '\0';
	path = tu_write_temp(".yaml", example);
	cfg_defaults(&c);
	ck_assert_msg(cfg_load_file(&c, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(&c, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(c.scratchpad.banks, 16);
	tu_remove_temp(path);
	free(doc);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults_are_the_papers_machine);
	tcase_add_test(tc, preset_default);
	tcase_add_test(tc, preset_lanes16_banks16);
	tcase_add_test(tc, preset_gpu_smem);
	tcase_add_test(tc, values_parse);
	tcase_add_test(tc, name_from_file_stem);
	tcase_add_test(tc, limits_accepted);
	tcase_add_test(tc, set_overrides);
	tcase_add_test(tc, set_wins_over_file);
	tcase_add_test(tc, dump_round_trip_and_hash);
	tcase_add_test(tc, dump_doubles_exact);
	tcase_add_test(tc, dump_odd_names);
	tcase_add_test(tc, docs_cover_every_key);
	suite_add_tcase(s, tc);
	return s;
}
