/*
** config.c: the hardware configuration (see config.h).
** One table row per key drives defaults, YAML parsing, --set overrides,
** the canonical dump stored with each run, and docs/config.md.
*/
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"

enum key_type { KT_INT, KT_DOUBLE, KT_BOOL, KT_ENUM, KT_NAME };

struct key {
	const char *path;
	int type;
	double min, max;		/* KT_INT, KT_DOUBLE: inclusive range */
	int pow2;			/* KT_INT: must be a power of two */
	const char *const *names;	/* KT_ENUM: allowed names, NULL-terminated */
	const char *def;		/* default, as YAML text (parsed like input) */
	size_t offset;
	const char *unit;
	const char *doc;
};

static const char *const mapping_names[] = { "interleave", "xor", NULL };
static const char *const dup_names[] = { "merge", "serialize", NULL };

#define OFF(f) offsetof(struct gs_config, f)
#define INT(p, lo, hi, d, f, u, doc) { p, KT_INT, lo, hi, 0, NULL, d, OFF(f), u, doc }
#define POW2(p, lo, hi, d, f, u, doc) { p, KT_INT, lo, hi, 1, NULL, d, OFF(f), u, doc }

/* Keys of one section must be contiguous (the dump nests by prefix). */
static const struct key keys[] = {
	{ "name", KT_NAME, 0, 0, 0, NULL, "default", OFF(name), "-",
	  "Name of this machine, recorded with every run. Defaults to the config file's stem (configs/gpu-smem.yaml: gpu-smem); letters, digits, '.', '_', '-', at most 63." },
	{ "clock_ghz", KT_DOUBLE, 0.001, 100, 0, NULL, "1.0", OFF(clock_ghz), "GHz",
	  "Clock frequency; only converts cycles to time (time_us)." },
	INT("vector.lanes", 1, GS_MAX_LANES, "8", vector.lanes, "lanes",
	    "Vector lanes (V): elements per vector register and per gather/scatter."),
	POW2("vector.element_bytes", 1, 8, "2", vector.element_bytes, "bytes",
	     "Bytes per element (2 = fp16, 4 = fp32, 8 = fp64)."),
	INT("vector.registers", 4, GS_MAX_REGS - 1, "32", vector.registers, "registers",
	    "Vector registers v0 .. v(N-1)."),
	INT("vector.issue_width", 1, 8, "1", vector.issue_width, "instructions/cycle",
	    "Instructions issued per cycle, in program order."),
	INT("vector.alu_pipes", 1, 8, "1", vector.alu_pipes, "ops/cycle",
	    "Vector ALU instructions (fma, add, mul, reduce) accepted per cycle; fully pipelined."),
	INT("vector.latency.fma", 1, 1000, "4", vector.lat_fma, "cycles", "Latency of fma."),
	INT("vector.latency.add", 1, 1000, "2", vector.lat_add, "cycles", "Latency of add."),
	INT("vector.latency.mul", 1, 1000, "3", vector.lat_mul, "cycles", "Latency of mul."),
	INT("vector.latency.reduction", 1, 1000, "3", vector.lat_reduce, "cycles",
	    "Latency of reduce (horizontal sum), e.g. log2(lanes)."),
	INT("vector.latency.broadcast", 1, 1000, "1", vector.lat_broadcast, "cycles",
	    "Latency of bcast's copy to all lanes, after its scratchpad read."),
	INT("scratchpad.size_kib", 1, 1048576, "64", scratchpad.size_kib, "KiB",
	    "Scratchpad capacity; addresses are 0 .. size-1."),
	INT("scratchpad.banks", 1, 1024, "8", scratchpad.banks, "banks", "Number of banks (B)."),
	POW2("scratchpad.bank_width_bytes", 1, 64, "2", scratchpad.bank_width_bytes, "bytes",
	     "Width of a bank word; consecutive words go to consecutive banks (interleave)."),
	INT("scratchpad.ports_per_bank", 1, 16, "1", scratchpad.ports_per_bank, "words/pass",
	    "Distinct bank words each bank serves per pass."),
	INT("scratchpad.latency", 0, 1000, "1", scratchpad.latency, "cycles",
	    "From the end of an access's last bank pass to its data in a register."),
	{ "scratchpad.mapping", KT_ENUM, 0, 0, 0, mapping_names, "interleave",
	  OFF(scratchpad.mapping), "-",
	  "Word-to-bank map: interleave = word mod banks; xor = (word xor (word / banks)) mod banks (banks must be a power of two). word = byte address / bank_width_bytes." },
	INT("gse.queue_depth", 1, 1024, "4", gse.queue_depth, "requests",
	    "Gathers/scatters issued and not yet through their last bank pass; issue stalls when full."),
	{ "gse.multicast", KT_BOOL, 0, 0, 0, NULL, "true", OFF(gse.multicast), "-",
	  "Lanes reading the same bank word share one access (broadcast/multicast)." },
	{ "gse.scatter_same_address", KT_ENUM, 0, 0, 0, dup_names, "merge",
	  OFF(gse.scatter_same_address), "-",
	  "Lanes of one scatter or scatter.add writing the same bank word: merge = one combined access; serialize = one access per lane." },
	INT("gse.cycles_per_pass", 1, 64, "1", gse.cycles_per_pass, "cycles",
	    "Cycles the gather/scatter engine takes per bank-array pass."),
	{ "gse.overlap", KT_BOOL, 0, 0, 0, NULL, "true", OFF(gse.overlap), "-",
	  "A gather/scatter may start its passes while the previous one's data is still in flight; false: it waits until the previous one completed." },
	INT("memory.bandwidth_bytes_per_cycle", 1, 65536, "16", memory.bandwidth_bytes_per_cycle,
	    "bytes/cycle", "Main-memory channel bandwidth, shared by mload/mstore and DMA."),
	INT("memory.load_latency", 0, 100000, "4", memory.load_latency, "cycles",
	    "Streamed load (mload) latency after its bytes crossed the channel (a prefetched weight stream)."),
	INT("memory.dma_latency", 0, 100000, "100", memory.dma_latency, "cycles",
	    "Cycles from issuing a DMA transfer until its first byte moves."),
	INT("memory.max_outstanding", 1, 1024, "8", memory.max_outstanding, "requests",
	    "Streamed loads/stores in flight at once; issue stalls beyond."),
	INT("memory.dma_chunk_bytes", 1, 1048576, "64", memory.dma_chunk_bytes, "bytes",
	    "DMA moves data in chunks of this size, interleaved with streamed loads."),
	INT("memory.dma_queue_depth", 1, 1024, "16", memory.dma_queue_depth, "transfers",
	    "DMA transfers queued or moving; issue of dma.in/dma.out stalls beyond."),
};

#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(sizeof keys / sizeof keys[0] <= GS_CFG_KEYS_MAX, "raise GS_CFG_KEYS_MAX");

static const struct key *find_key(const char *path)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].path, path))
			return &keys[i];
	return NULL;
}

/* Is path a section, i.e. a proper prefix (up to a dot) of some key? */
static int is_section(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < NKEYS; i++)
		if (!strncmp(keys[i].path, path, n) && keys[i].path[n] == '.')
			return 1;
	return 0;
}

/* "a, b, c": the names allowed directly under section prefix ("" = top). */
static void children(const char *prefix, char *out, size_t n)
{
	size_t plen = strlen(prefix), used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		const char *rest = keys[i].path + plen;
		size_t len;
		int dup = 0;

		if (plen && (strncmp(keys[i].path, prefix, plen) || *rest != '.'))
			continue;
		if (plen)
			rest++;
		len = strcspn(rest, ".");
		for (size_t j = 0; j < i && !dup; j++) {
			const char *r2 = keys[j].path + plen;

			if (plen && (strncmp(keys[j].path, prefix, plen) || *r2 != '.'))
				continue;
			if (plen)
				r2++;
			dup = strcspn(r2, ".") == len && !strncmp(r2, rest, len);
		}
		if (dup || used + len + 3 >= n)
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%.*s", used ? ", " : "",
					 (int)len, rest);
	}
}

static void describe_expected(const struct key *k, char *out, size_t n)
{
	switch (k->type) {
	case KT_INT:
		snprintf(out, n, "%s from %.0f to %.0f", k->pow2 ? "a power of two" : "an integer",
			 k->min, k->max);
		break;
	case KT_DOUBLE:
		snprintf(out, n, "a number from %g to %g", k->min, k->max);
		break;
	case KT_BOOL:
		snprintf(out, n, "true or false");
		break;
	case KT_ENUM: {
		size_t used = 0;

		out[0] = '\0';
		for (int i = 0; k->names[i]; i++)
			used += (size_t)snprintf(out + used, n - used, "%s%s",
						 i ? (k->names[i + 1] ? ", " : " or ") : "one of ",
						 k->names[i]);
		break;
	}
	default:
		snprintf(out, n, "a name of letters, digits, '.', '_', '-' (at most %d)",
			 GS_CFG_NAME_MAX - 1);
		break;
	}
}

/* Parse text (a plain YAML scalar unless quoted) into the key's field.
** On error, fills why (without location) and returns -1. */
static int set_value(struct gs_config *c, const struct key *k, const char *text, int quoted,
		     char *why, size_t n)
{
	char *field = (char *)c + k->offset, expected[160], *end;

	describe_expected(k, expected, sizeof expected);
	switch (k->type) {
	case KT_INT: {
		long long v;

		if (quoted)
			goto wrong_type;
		errno = 0;
		v = strtoll(text, &end, 0);
		if (end == text || *end || errno || (text[0] == '0' && text[1] && text[1] != 'x' &&
						     text[1] != 'X'))
			goto wrong_type;
		if ((double)v < k->min || (double)v > k->max || (k->pow2 && (v & (v - 1)))) {
			snprintf(why, n, "%lld is out of range (expected %s)", v, expected);
			return -1;
		}
		*(int *)(void *)field = (int)v;
		return 0;
	}
	case KT_DOUBLE: {
		double v;

		if (quoted)
			goto wrong_type;
		errno = 0;
		v = strtod(text, &end);
		if (end == text || *end || errno || !isfinite(v))
			goto wrong_type;
		if (v < k->min || v > k->max) {
			snprintf(why, n, "%s is out of range (expected %s)", text, expected);
			return -1;
		}
		*(double *)(void *)field = v;
		return 0;
	}
	case KT_BOOL:
		if (quoted || (strcmp(text, "true") && strcmp(text, "false")))
			goto wrong_type;
		*(int *)(void *)field = !strcmp(text, "true");
		return 0;
	case KT_ENUM:
		for (int i = 0; k->names[i]; i++) {
			if (!strcmp(text, k->names[i])) {
				*(int *)(void *)field = i;
				return 0;
			}
		}
		snprintf(why, n, "'%s' is not allowed (expected %s)", text, expected);
		return -1;
	default:
		if (!*text || strlen(text) >= GS_CFG_NAME_MAX ||
		    strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
			    strlen(text)) {
			snprintf(why, n, "'%s' is not a valid name (expected %s)", text, expected);
			return -1;
		}
		strcpy(field, text);
		return 0;
	}
wrong_type:
	snprintf(why, n, "'%s' is not %s (expected %s)", text,
		 k->type == KT_BOOL ? "a boolean" : k->type == KT_DOUBLE ? "a number" : "an integer",
		 expected);
	return -1;
}

void cfg_defaults(struct gs_config *c)
{
	char why[256];

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKEYS; i++) {
		int rc = set_value(c, &keys[i], keys[i].def, 0, why, sizeof why);

		(void)rc;
		/* A default the table itself rejects is a programming error. */
		if (rc) {
			fprintf(stderr, "config table: %s: default %s\n", keys[i].path, why);
			abort();
		}
	}
}

/* ---- YAML ---- */

struct loader {
	const char *file;
	yaml_document_t doc;
	struct gs_config *c;
	struct gs_err *err;
};

static int node_err(struct loader *L, const yaml_node_t *node, const char *path,
		    const char *msg)
{
	return gs_errf(L->err, "%s:%zu:%zu: %s%s%s", L->file, node->start_mark.line + 1,
		       node->start_mark.column + 1, path, *path ? ": " : "", msg);
}

static int load_mapping(struct loader *L, yaml_node_t *map, const char *prefix)
{
	char path[256], list[512], why[1024];

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&L->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(&L->doc, p->value);
		const char *name;
		const struct key *k;

		if (kn->type != YAML_SCALAR_NODE)
			return node_err(L, kn, prefix, "keys must be plain names");
		name = (const char *)kn->data.scalar.value;
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = yaml_document_get_node(&L->doc, q->key);

			if (prev->type == YAML_SCALAR_NODE &&
			    !strcmp((const char *)prev->data.scalar.value, name)) {
				snprintf(why, sizeof why, "duplicate key (first given at line %zu)",
					 prev->start_mark.line + 1);
				return node_err(L, kn, path, why);
			}
		}
		if (is_section(path)) {
			if (vn->type != YAML_MAPPING_NODE) {
				children(path, list, sizeof list);
				snprintf(why, sizeof why, "a section, not a value (expected a mapping of: %s)",
					 list);
				return node_err(L, vn, path, why);
			}
			if (load_mapping(L, vn, path))
				return -1;
			continue;
		}
		k = find_key(path);
		if (!k) {
			children(prefix, list, sizeof list);
			snprintf(why, sizeof why, "unknown key (expected one of: %s)", list);
			return node_err(L, kn, path, why);
		}
		if (vn->type != YAML_SCALAR_NODE) {
			describe_expected(k, list, sizeof list);
			snprintf(why, sizeof why, "expected a single value (%s), not a %s", list,
				 vn->type == YAML_MAPPING_NODE ? "mapping" : "sequence");
			return node_err(L, vn, path, why);
		}
		if (set_value(L->c, k, (const char *)vn->data.scalar.value,
			      vn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE, why, sizeof why))
			return node_err(L, vn, path, why);
		L->c->key_line[k - keys] = (uint32_t)vn->start_mark.line + 1;
		L->c->key_col[k - keys] = (uint32_t)vn->start_mark.column + 1;
	}
	return 0;
}

/* Aliases and anchors make one value stand in several places; a machine
** description is clearer without them, so they are refused (the document
** API resolves them silently, hence this event pass). */
static int refuse_aliases(FILE *f, const char *file, struct gs_err *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return gs_errf(err, "%s: out of memory", file);
	yaml_parser_set_input_file(&parser, f);
	while (!done) {
		const unsigned char *anchor = NULL;

		if (!yaml_parser_parse(&parser, &ev))
			break;	/* syntax errors are reported by the document pass */
		if (ev.type == YAML_SCALAR_EVENT)
			anchor = ev.data.scalar.anchor;
		else if (ev.type == YAML_MAPPING_START_EVENT)
			anchor = ev.data.mapping_start.anchor;
		else if (ev.type == YAML_SEQUENCE_START_EVENT)
			anchor = ev.data.sequence_start.anchor;
		if (ev.type == YAML_ALIAS_EVENT || anchor) {
			rc = gs_errf(err, "%s:%zu:%zu: %s not allowed (write the value out)", file,
				     ev.start_mark.line + 1, ev.start_mark.column + 1,
				     ev.type == YAML_ALIAS_EVENT ? "alias" : "anchor");
			done = 1;
		}
		done |= ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

static void name_from_path(struct gs_config *c, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	char stem[GS_CFG_NAME_MAX], why[256];

	base = base ? base + 1 : path;
	len = strcspn(base, ".");
	if (len == 0 || len >= sizeof stem)
		return;
	memcpy(stem, base, len);
	stem[len] = '\0';
	set_value(c, find_key("name"), stem, 0, why, sizeof why);	/* keep default if invalid */
}

int cfg_load_file(struct gs_config *c, const char *path, struct gs_err *err)
{
	struct loader L;
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *f = fopen(path, "rb");
	int rc = -1;

	memset(&L, 0, sizeof L);
	L.file = path;
	L.c = c;
	L.err = err;
	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	if (refuse_aliases(f, path, err))
		goto close_file;
	rewind(f);
	if (!yaml_parser_initialize(&parser)) {
		gs_errf(err, "%s: out of memory", path);
		goto close_file;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &L.doc)) {
		gs_errf(err, "%s:%zu:%zu: YAML syntax error: %s%s%s", path,
			parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			parser.problem ? parser.problem : "malformed",
			parser.context ? " " : "", parser.context ? parser.context : "");
		goto free_parser;
	}
	name_from_path(c, path);
	root = yaml_document_get_root_node(&L.doc);
	if (!root) {
		rc = 0;		/* an empty file: all defaults */
	} else if (root->type != YAML_MAPPING_NODE) {
		rc = node_err(&L, root, "", "the top level must be a mapping of keys");
	} else {
		rc = load_mapping(&L, root, "");
	}
	yaml_document_delete(&L.doc);
free_parser:
	yaml_parser_delete(&parser);
close_file:
	fclose(f);
	return rc;
}

int cfg_set(struct gs_config *c, const char *assignment, struct gs_err *err)
{
	const char *eq = strchr(assignment, '=');
	char path[256], why[384], list[512];
	const struct key *k;
	size_t n;

	if (!eq || eq == assignment)
		return gs_errf(err, "--set %s: expected KEY=VALUE, e.g. scratchpad.banks=16",
			       assignment);
	n = (size_t)(eq - assignment);
	if (n >= sizeof path)
		return gs_errf(err, "--set %s: key too long", assignment);
	memcpy(path, assignment, n);
	path[n] = '\0';
	k = find_key(path);
	if (!k) {
		if (is_section(path)) {
			children(path, list, sizeof list);
			return gs_errf(err, "--set %s: %s: a section, not a key (expected one of: %s)",
				       assignment, path, list);
		}
		children("", list, sizeof list);
		return gs_errf(err, "--set %s: %s: unknown key (see docs/config.md; top-level keys: %s)",
			       assignment, path, list);
	}
	if (set_value(c, k, eq + 1, 0, why, sizeof why))
		return gs_errf(err, "--set %s: %s: %s", assignment, path, why);
	c->key_line[k - keys] = c->key_col[k - keys] = 0;
	return 0;
}

static int is_pow2(int v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* A cross-key error, located at the blamed key if it came from the file. */
static int cross_err(const struct gs_config *c, const char *where, const char *path,
		     struct gs_err *err, const char *msg)
{
	size_t i = (size_t)(find_key(path) - keys);

	if (c->key_line[i])
		return gs_errf(err, "%s:%u:%u: %s: %s", where, c->key_line[i], c->key_col[i],
			       path, msg);
	return gs_errf(err, "%s: %s: %s", where, path, msg);
}

int cfg_validate(const struct gs_config *c, const char *where, struct gs_err *err)
{
	long row = (long)c->scratchpad.banks * c->scratchpad.bank_width_bytes;
	char msg[256];

	if (c->scratchpad.mapping == SPM_MAP_XOR && !is_pow2(c->scratchpad.banks)) {
		snprintf(msg, sizeof msg, "xor needs scratchpad.banks to be a power of two (it is %d)",
			 c->scratchpad.banks);
		return cross_err(c, where, "scratchpad.mapping", err, msg);
	}
	if (cfg_spm_bytes(c) % row) {
		snprintf(msg, sizeof msg, "%d KiB is not a whole number of bank rows "
			 "(scratchpad.banks * scratchpad.bank_width_bytes = %ld bytes)",
			 c->scratchpad.size_kib, row);
		return cross_err(c, where, c->key_line[find_key("scratchpad.banks") - keys] ?
					   "scratchpad.banks" : "scratchpad.size_kib", err, msg);
	}
	if ((long)c->vector.lanes * c->vector.element_bytes > cfg_spm_bytes(c)) {
		snprintf(msg, sizeof msg, "one vector (vector.lanes * vector.element_bytes = %d "
			 "bytes) does not fit in the scratchpad", c->vector.lanes * c->vector.element_bytes);
		return cross_err(c, where, "scratchpad.size_kib", err, msg);
	}
	return 0;
}

/* ---- dump, hash, docs ---- */

static void format_value(const struct gs_config *c, const struct key *k, char *out, size_t n)
{
	const char *field = (const char *)c + k->offset;

	switch (k->type) {
	case KT_INT:
		snprintf(out, n, "%d", *(const int *)(const void *)field);
		break;
	case KT_DOUBLE: {
		double v = *(const double *)(const void *)field;

		/* the shortest text that reads back to the same double */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(out, n, "%.*g", prec, v);
			if (strtod(out, NULL) == v)
				break;
		}
		if (!strpbrk(out, ".eEn"))
			strncat(out, ".0", n - strlen(out) - 1);
		break;
	}
	case KT_BOOL:
		snprintf(out, n, "%s", *(const int *)(const void *)field ? "true" : "false");
		break;
	case KT_ENUM:
		snprintf(out, n, "%s", k->names[*(const int *)(const void *)field]);
		break;
	default:
		snprintf(out, n, "%s", field);
		break;
	}
}

char *cfg_dump(const struct gs_config *c)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap), value[128];
	const char *prev = "";

	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		const char *path = keys[i].path, *leaf = strrchr(path, '.');
		int depth = 0;

		/* open every section of this path not shared with the previous key */
		for (const char *start = path, *dot; (dot = strchr(start, '.')); start = dot + 1) {
			size_t plen = (size_t)(dot - path);

			if (strncmp(prev, path, plen) || prev[plen] != '.')
				len += (size_t)snprintf(out + len, cap - len, "%*s%.*s:\n", depth * 2,
							"", (int)(dot - start), start);
			depth++;
		}
		format_value(c, &keys[i], value, sizeof value);
		len += (size_t)snprintf(out + len, cap - len, "%*s%s: %s\n", depth * 2, "",
					leaf ? leaf + 1 : path, value);
		prev = path;
		if (cap - len < 512) {
			char *bigger = realloc(out, cap *= 2);

			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
		}
	}
	return out;
}

void cfg_hash(const struct gs_config *c, char out[17])
{
	char *text = cfg_dump(c);
	uint64_t h = 1469598103934665603ull;

	for (const char *p = text ? text : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	free(text);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void cfg_write_docs(FILE *f)
{
	struct gs_config d;
	char value[128], expected[160], section[64] = "?";

	cfg_defaults(&d);
	fputs("# Configuration keys\n\n"
	      "Generated by `gssim docs config` from the key table in `sim/config.c`; "
	      "do not edit by hand.\n\n"
	      "A hardware config is a YAML mapping; nesting follows the dots of each key "
	      "(`scratchpad.banks` is `banks:` under `scratchpad:`). Every key is optional "
	      "and defaults to the paper's machine (8 fp16 lanes, 8 banks x 2 B, 64 KiB). "
	      "Any key can be overridden on the command line with `--set key.path=value`, "
	      "checked exactly like the file. Unknown keys, wrong types, values out of "
	      "range, duplicate keys and YAML aliases/anchors are errors reported as "
	      "`file:line:col: key.path: what is wrong (expected ...)`, exit status 2.\n\n"
	      "Integers are plain decimal or 0x-hex (a quoted number is a string, hence an "
	      "error); booleans are `true`/`false`. The canonical dump of the resolved "
	      "config (`gssim check --config F --dump`) is what every run stores.\n", f);
	for (size_t i = 0; i < NKEYS; i++) {
		const char *dot = strchr(keys[i].path, '.');
		char this_section[64];

		snprintf(this_section, sizeof this_section, "%.*s",
			 dot ? (int)(dot - keys[i].path) : 0, keys[i].path);
		if (i == 0 || strcmp(this_section, section)) {
			strcpy(section, this_section);
			fprintf(f, "\n## %s\n\n| key | unit | default | allowed | meaning |\n"
				   "|---|---|---|---|---|\n", *section ? section : "top level");
		}
		format_value(&d, &keys[i], value, sizeof value);
		describe_expected(&keys[i], expected, sizeof expected);
		fprintf(f, "| `%s` | %s | `%s` | %s | %s |\n", keys[i].path, keys[i].unit, value,
			expected, keys[i].doc);
	}
	fputs("\n## Cross-key rules\n\n"
	      "- `scratchpad.size_kib` x 1024 must be a whole number of bank rows "
	      "(`banks` x `bank_width_bytes`).\n"
	      "- `scratchpad.mapping: xor` needs `scratchpad.banks` to be a power of two.\n"
	      "- One vector (`vector.lanes` x `vector.element_bytes`) must fit in the scratchpad.\n"
	      "\n## Example\n\n```yaml\nname: lanes16-banks16\nvector:\n  lanes: 16\n"
	      "scratchpad:\n  banks: 16\n  mapping: xor\ngse:\n  multicast: false\n```\n", f);
}
