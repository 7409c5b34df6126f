/*
** config_docs.c: cfg_write_docs, docs/config.md generated from the key and
** rule tables (config_table.h), so the reference cannot drift from the
** code: defaults, ranges, the sample messages and the canonical dump are
** all produced by the same functions the loader uses.
*/
#include <stdlib.h>
#include <string.h>

#include "config_table.h"

struct section_doc {
	const char *name;	/* "" = top-level keys */
	const char *title;
	const char *doc;
};

static const struct section_doc section_docs[] = {
	{ "", "Top level", "What the machine is called and how fast its clock runs." },
	{ "vector", "vector: the vector unit",
	  "In-order issue of up to `issue_width` instructions per cycle; ALU operations are "
	  "fully pipelined with fixed latencies (docs/model.md, Issue and Vector ALU)." },
	{ "scratchpad", "scratchpad: the banked scratchpad",
	  "`banks` banks of `bank_width_bytes`-byte words. An access costs as many passes as "
	  "its busiest bank has distinct words, divided by `ports_per_bank` and rounded up "
	  "(docs/model.md, Scratchpad accesses)." },
	{ "gse", "gse: the gather/scatter engine",
	  "A queue of gathers/scatters served in order on the bank array, `cycles_per_pass` "
	  "cycles per pass (docs/model.md, Gathers and scatters)." },
	{ "memory", "memory: main memory and DMA",
	  "One channel of `bandwidth_bytes_per_cycle`, shared in request order by streamed "
	  "loads/stores and the DMA engine (docs/model.md, Memory channel and DMA)." },
};

/* A table cell: '|' would end the cell. */
static void put_cell(FILE *f, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			fputc('\\', f);
		fputc(*text, f);
	}
}

static const char *type_name(const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_INT: return k->pow2 ? "integer, power of two" : "integer";
	case CFG_DOUBLE: return "number";
	case CFG_BOOL: return "boolean";
	case CFG_ENUM: return "enum";
	default: return "string";
	}
}

static void put_allowed(FILE *f, const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_INT:
		if (!k->pow2) {
			fprintf(f, "%lld to %lld", k->imin, k->imax);
			break;
		}
		for (long long v = k->imin; v <= k->imax; v *= 2)
			fprintf(f, "%s%lld", v == k->imin ? "" : ", ", v);
		break;
	case CFG_DOUBLE:
		fprintf(f, "%g to %g", k->dmin, k->dmax);
		break;
	case CFG_BOOL:
		fputs("`true`, `false`", f);
		break;
	case CFG_ENUM:
		for (int i = 0; k->names[i]; i++)
			fprintf(f, "%s`%s`", i ? ", " : "", k->names[i]);
		break;
	case CFG_NAME:
		fprintf(f, "1 to %d of A-Z a-z 0-9 . _ -", GS_CFG_NAME_MAX - 1);
		break;
	}
}

static size_t section_len(const char *path)
{
	const char *dot = strchr(path, '.');

	return dot ? (size_t)(dot - path) : 0;
}

static void put_section_head(FILE *f, const char *path)
{
	size_t len = section_len(path);
	const struct section_doc *d = NULL;

	for (size_t i = 0; i < sizeof section_docs / sizeof section_docs[0]; i++)
		if (strlen(section_docs[i].name) == len && !strncmp(section_docs[i].name, path, len))
			d = &section_docs[i];
	if (d)
		fprintf(f, "\n## %s\n\n%s\n", d->title, d->doc);
	else
		fprintf(f, "\n## %.*s\n", (int)len, path);
	fputs("\n| key | type | unit | default | allowed | meaning |\n"
	      "|---|---|---|---|---|---|\n", f);
}

static void put_key_tables(FILE *f, const struct gs_config *defaults)
{
	char value[160];

	for (size_t i = 0; i < cfg_nkeys; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (i == 0 || section_len(k->path) != section_len(cfg_keys[i - 1].path) ||
		    strncmp(k->path, cfg_keys[i - 1].path, section_len(k->path)))
			put_section_head(f, k->path);
		cfg_format_value(defaults, k, value, sizeof value);
		fprintf(f, "| `%s` | %s | %s | ", k->path, type_name(k), k->unit);
		if (k->type == CFG_NAME)
			fprintf(f, "the file's stem, else `%s`", k->sdef);
		else
			fprintf(f, "`%s`", value);
		fputs(" | ", f);
		put_allowed(f, k);
		fputs(" | ", f);
		put_cell(f, k->doc);
		fputs(" |\n", f);
	}
}

/* A real message from cfg_set, shown as it reads from --set and from a file. */
static void put_sample_error(FILE *f, const char *assignment, int file_line, int file_col)
{
	struct gs_config c;
	struct gs_err err;
	const char *rest;

	cfg_defaults(&c);
	if (!cfg_set(&c, assignment, &err))
		return;
	rest = strstr(err.msg, ": ");
	fprintf(f, "    %s\n", err.msg);
	if (rest)
		fprintf(f, "    my.yaml:%d:%d:%s\n", file_line, file_col, rest + 1);
}

static void put_rules(FILE *f)
{
	fputs("\n## Cross-key rules\n\n"
	      "Checked after the file and every `--set` are applied. The message names the "
	      "key of the rule given last in the file (with its line:column), or the rule's "
	      "first key, prefixed by the file or by `--set` when no file was given.\n\n", f);
	for (size_t r = 0; r < cfg_nrules; r++) {
		fputs("- ", f);
		for (int i = 0; cfg_rules[r].keys[i]; i++)
			fprintf(f, "%s`%s`", i ? ", " : "", cfg_rules[r].keys[i]);
		fprintf(f, ": %s\n", cfg_rules[r].doc);
	}
}

void cfg_write_docs(FILE *f)
{
	struct gs_config d;
	char *dump;

	cfg_defaults(&d);
	fputs("# Configuration reference\n\n"
	      "Generated by `gssim docs config` from the key table in `sim/config.c`; do not "
	      "edit by hand (`make docs` regenerates it).\n\n"
	      "A hardware configuration is a YAML file holding one mapping. Nesting follows "
	      "the dots of each key: `scratchpad.banks` is written `banks:` under "
	      "`scratchpad:`. Every key is optional and defaults to the paper's machine "
	      "(8 fp16 lanes, 8 banks x 2 B, a 64 KiB scratchpad); an empty file is the "
	      "defaults. Values are resolved in this order, later winning: the defaults, the "
	      "file (`--config`), then each `--set key.path=value` in the order given.\n\n"
	      "## Writing values\n\n"
	      "- integer: decimal (optional sign) or `0x` hex, unquoted, without leading zeros "
	      "(YAML 1.1 reads `010` as octal). A quoted `\"8\"` is a string: an error.\n"
	      "- number: plain decimal with optional fraction and exponent (`1`, `2.5`, "
	      "`1e-3`), unquoted.\n"
	      "- boolean: exactly `true` or `false` (not yes/no/on/off).\n"
	      "- enum: one of the names listed; quotes allowed.\n"
	      "- string: any scalar.\n"
	      "- A section with nothing under it (`gse:` alone) sets nothing.\n"
	      "- Not allowed: aliases and anchors (`&x`, `*x`), tags (`!!int`), dotted keys "
	      "(`vector.lanes: 8` at the top level), more than one YAML document, files over "
	      "1 MiB.\n\n"
	      "## Errors\n\n"
	      "The first problem is reported, as one line naming the place, the key, what is "
	      "wrong and what was expected (gssim exits with status 2):\n\n"
	      "    FILE:LINE:COLUMN: key.path: what is wrong (expected ...)\n"
	      "    --set KEY=VALUE: key.path: what is wrong (expected ...)\n\n"
	      "For example (each pair is one mistake, made with `--set` and in a file):\n\n", f);
	put_sample_error(f, "scratchpad.banks=0", 7, 10);
	put_sample_error(f, "vector.lane=16", 3, 3);
	put_sample_error(f, "gse.multicast=yes", 5, 14);
	fputs("\nYAML syntax errors carry libyaml's description and position; an unreadable "
	      "file reads `FILE: cannot open: REASON`.\n", f);
	put_key_tables(f, &d);
	put_rules(f);
	fputs("\n## Canonical dump and hash\n\n"
	      "Every run stores its resolved configuration as canonical YAML: every key, in "
	      "the order of the tables above, with its resolved value "
	      "(`gssim check --config FILE --dump` prints it). Loading it back gives the same "
	      "configuration. `config_hash` is the 64-bit FNV-1a of that text as 16 hex "
	      "digits: two runs with one hash simulated the same machine. The defaults:\n\n"
	      "```yaml\n", f);
	dump = cfg_dump(&d);
	fputs(dump ? dump : "(out of memory)\n", f);
	free(dump);
	fputs("```\n\n"
	      "## Example\n\n"
	      "A 16-bank scratchpad with the xor mapping, everything else as the defaults:\n\n"
	      "```yaml\n"
	      "name: banks16-xor\n"
	      "scratchpad:\n"
	      "  banks: 16\n"
	      "  mapping: xor\n"
	      "```\n\n"
	      "The same machine from the command line, on top of a preset:\n\n"
	      "    gssim run --config configs/default.yaml --set scratchpad.banks=16 \\\n"
	      "        --set scratchpad.mapping=xor --trace T.gst --db runs.db\n", f);
}
