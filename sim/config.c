/*
** config.c: the hardware configuration (see config.h). The key table below
** is the only place a key exists: defaults, YAML files (config_yaml.c),
** values and their messages (config_value.c), --set, the canonical dump and
** hash, and docs/config.md (config_docs.c) all walk it. Cross-key rules live
** in a second table, for the same reason.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_table.h"

static const char *const mapping_names[] = { "interleave", "xor", NULL };
static const char *const dup_names[] = { "merge", "serialize", NULL };

#define OFF(f) offsetof(struct gs_config, f)
#define INT_KEY(P, F, LO, HI, DEF, U, D) \
	{ .path = P, .type = CFG_INT, .offset = OFF(F), .imin = LO, .imax = HI, \
	  .idef = DEF, .unit = U, .doc = D }
#define POW2_KEY(P, F, LO, HI, DEF, U, D) \
	{ .path = P, .type = CFG_INT, .offset = OFF(F), .imin = LO, .imax = HI, .pow2 = 1, \
	  .idef = DEF, .unit = U, .doc = D }
#define BOOL_KEY(P, F, DEF, D) \
	{ .path = P, .type = CFG_BOOL, .offset = OFF(F), .idef = DEF, .unit = "-", .doc = D }
#define ENUM_KEY(P, F, NAMES, DEF, D) \
	{ .path = P, .type = CFG_ENUM, .offset = OFF(F), .names = NAMES, .idef = DEF, \
	  .unit = "-", .doc = D }

/* Keys of one section must be contiguous: the dump nests by prefix. */
const struct cfg_key cfg_keys[] = {
	{ .path = "name", .type = CFG_NAME, .offset = OFF(name), .sdef = "default", .unit = "-",
	  .doc = "Name of this machine, stored with every run. Defaults to the config "
		 "file's stem (configs/gpu-smem.yaml: gpu-smem; characters outside "
		 "A-Z a-z 0-9 . _ - become _), or default without a file." },
	{ .path = "clock_ghz", .type = CFG_DOUBLE, .offset = OFF(clock_ghz), .dmin = 0.001,
	  .dmax = 100, .ddef = 1.0, .unit = "GHz",
	  .doc = "Clock frequency. Only converts cycles to time; no timing rule uses it." },
	INT_KEY("vector.lanes", vector.lanes, 1, GS_MAX_LANES, 8, "lanes",
		"Vector lanes (V): elements per vector register and per gather/scatter."),
	POW2_KEY("vector.element_bytes", vector.element_bytes, 1, 8, 2, "bytes",
		 "Bytes per element: 2 = fp16, 4 = fp32, 8 = fp64. Any value works with "
		 "any bank width (a wide element spans consecutive bank words)."),
	INT_KEY("vector.registers", vector.registers, 4, GS_MAX_REGS - 1, 32, "registers",
		"Vector registers v0 .. v(N-1). At most 255: register ids are 8-bit and "
		"0xFF means no register."),
	INT_KEY("vector.issue_width", vector.issue_width, 1, 8, 1, "instructions/cycle",
		"Instructions issued per cycle, in program order."),
	INT_KEY("vector.alu_pipes", vector.alu_pipes, 1, 8, 1, "ops/cycle",
		"Vector ALU instructions (fma, add, mul, reduce) accepted per "
		"cycle; each pipe is fully pipelined."),
	INT_KEY("vector.latency.fma", vector.lat_fma, 1, 1000, 4, "cycles",
		"Issue to result of fma."),
	INT_KEY("vector.latency.add", vector.lat_add, 1, 1000, 2, "cycles",
		"Issue to result of add."),
	INT_KEY("vector.latency.mul", vector.lat_mul, 1, 1000, 3, "cycles",
		"Issue to result of mul."),
	INT_KEY("vector.latency.reduction", vector.lat_reduce, 1, 1000, 3, "cycles",
		"Issue to result of reduce (horizontal sum); a tree takes about log2(lanes)."),
	INT_KEY("vector.latency.broadcast", vector.lat_broadcast, 1, 1000, 1, "cycles",
		"bcast: copying the element read from the scratchpad to every lane, after "
		"the scratchpad latency."),
	INT_KEY("scratchpad.size_kib", scratchpad.size_kib, 1, 1048576, 64, "KiB",
		"Scratchpad capacity; byte addresses 0 .. size_kib*1024-1."),
	INT_KEY("scratchpad.banks", scratchpad.banks, 1, 1024, 8, "banks",
		"Number of banks (B)."),
	POW2_KEY("scratchpad.bank_width_bytes", scratchpad.bank_width_bytes, 1, 64, 2, "bytes",
		 "Width of one bank word; word = byte address / bank_width_bytes."),
	INT_KEY("scratchpad.ports_per_bank", scratchpad.ports_per_bank, 1, 16, 1, "words/pass",
		"Distinct words each bank serves per pass."),
	INT_KEY("scratchpad.latency", scratchpad.latency, 0, 1000, 1, "cycles",
		"From the end of an access's last bank pass to its data in a register."),
	ENUM_KEY("scratchpad.mapping", scratchpad.mapping, mapping_names, SPM_MAP_INTERLEAVE,
		 "Word-to-bank map. interleave: bank = word mod banks; xor: bank = "
		 "(word xor (word / banks)) mod banks, which spreads power-of-two strides."),
	INT_KEY("gse.queue_depth", gse.queue_depth, 1, 1024, 4, "requests",
		"Gathers/scatters issued and not yet through their last bank pass; issue "
		"stalls while the queue is full."),
	BOOL_KEY("gse.multicast", gse.multicast, 1,
		 "Lanes of one gather reading the same bank word share one access "
		 "(false: one access each)."),
	ENUM_KEY("gse.scatter_same_address", gse.scatter_same_address, dup_names,
		 SCATTER_DUP_MERGE,
		 "Lanes of one scatter or scatter.add writing the same bank word. merge: one "
		 "combined access; serialize: one access per lane."),
	INT_KEY("gse.cycles_per_pass", gse.cycles_per_pass, 1, 64, 1, "cycles",
		"Cycles the engine holds the bank array per pass of a gather/scatter."),
	BOOL_KEY("gse.overlap", gse.overlap, 1,
		 "A gather/scatter may start its bank passes while the previous one's data "
		 "is still in flight; false: it waits until the previous one completed."),
	INT_KEY("memory.bandwidth_bytes_per_cycle", memory.bandwidth_bytes_per_cycle, 1, 65536,
		16, "bytes/cycle", "Main-memory channel, shared by mload/mstore and DMA."),
	INT_KEY("memory.load_latency", memory.load_latency, 0, 100000, 4, "cycles",
		"Streamed load (mload): from its last byte crossing the channel to data in "
		"the register (a prefetched stream)."),
	INT_KEY("memory.dma_latency", memory.dma_latency, 0, 100000, 100, "cycles",
		"From issuing a DMA transfer until its first byte moves."),
	INT_KEY("memory.max_outstanding", memory.max_outstanding, 1, 1024, 8, "requests",
		"mload/mstore in flight at once; issue stalls beyond."),
	INT_KEY("memory.dma_chunk_bytes", memory.dma_chunk_bytes, 1, 1048576, 64, "bytes",
		"DMA moves data in chunks of this size, interleaved with streamed loads."),
	INT_KEY("memory.dma_queue_depth", memory.dma_queue_depth, 1, 1024, 16, "transfers",
		"DMA transfers queued or moving; dma.in/dma.out issue stalls beyond."),
};

const size_t cfg_nkeys = sizeof cfg_keys / sizeof cfg_keys[0];

_Static_assert(sizeof cfg_keys / sizeof cfg_keys[0] <= GS_CFG_KEYS_MAX,
	       "raise GS_CFG_KEYS_MAX in config.h");

/* ---- cross-key rules ---- */

static int xor_needs_pow2_banks(const struct gs_config *c, char *why, size_t n)
{
	if (c->scratchpad.mapping != SPM_MAP_XOR || cfg_is_pow2(c->scratchpad.banks))
		return 0;
	snprintf(why, n, "xor needs scratchpad.banks to be a power of two, not %d "
		 "(expected banks 1, 2, 4, 8, ... or mapping: interleave)", c->scratchpad.banks);
	return 1;
}

static int whole_bank_rows(const struct gs_config *c, char *why, size_t n)
{
	long row = (long)c->scratchpad.banks * c->scratchpad.bank_width_bytes;

	if (row > 0 && cfg_spm_bytes(c) % row == 0)
		return 0;
	snprintf(why, n, "%d KiB is not a whole number of bank rows of %d banks x %d B = %ld B "
		 "(expected size_kib * 1024 to be a multiple of banks * bank_width_bytes)",
		 c->scratchpad.size_kib, c->scratchpad.banks, c->scratchpad.bank_width_bytes, row);
	return 1;
}

static int pipes_within_issue(const struct gs_config *c, char *why, size_t n)
{
	if (c->vector.alu_pipes <= c->vector.issue_width)
		return 0;
	snprintf(why, n, "%d ALU pipes but %d instruction(s) issued per cycle: the extra pipes "
		 "can never be used (expected vector.alu_pipes <= vector.issue_width)",
		 c->vector.alu_pipes, c->vector.issue_width);
	return 1;
}

static const char *const xor_keys[] = { "scratchpad.mapping", "scratchpad.banks", NULL };
static const char *const row_keys[] = { "scratchpad.size_kib", "scratchpad.banks",
					"scratchpad.bank_width_bytes", NULL };
static const char *const pipe_keys[] = { "vector.alu_pipes", "vector.issue_width", NULL };

const struct cfg_rule cfg_rules[] = {
	{ xor_keys, "`mapping: xor` needs a power-of-two `banks`: the xor fold "
		    "(word xor word / banks) mod banks is only a permutation of each bank "
		    "row when banks is a power of two.", xor_needs_pow2_banks },
	{ row_keys, "`size_kib` * 1024 must be a multiple of `banks` * `bank_width_bytes`, so "
		    "every bank holds the same number of words (no partial last row).",
	  whole_bank_rows },
	{ pipe_keys, "`alu_pipes` must not exceed `issue_width`: at most issue_width "
		     "instructions issue per cycle, so extra pipes would silently change "
		     "nothing (a sweep over them would measure nothing).", pipes_within_issue },
};

const size_t cfg_nrules = sizeof cfg_rules / sizeof cfg_rules[0];

/* ---- lookup ---- */

const struct cfg_key *cfg_find_key(const char *path, size_t len)
{
	for (size_t i = 0; i < cfg_nkeys; i++)
		if (strlen(cfg_keys[i].path) == len && !memcmp(cfg_keys[i].path, path, len))
			return &cfg_keys[i];
	return NULL;
}

const char *cfg_key_unit(const char *path)
{
	const struct cfg_key *k = cfg_find_key(path, strlen(path));

	return k ? k->unit : NULL;
}

int cfg_key_text(const struct gs_config *c, const char *path, char *out, size_t n)
{
	const struct cfg_key *k = cfg_find_key(path, strlen(path));

	if (!k)
		return -1;
	cfg_format_value(c, k, out, n);
	return 0;
}

int cfg_set_value(struct gs_config *c, const char *path, const char *text, int quoted,
		  unsigned line, unsigned col, char *why, size_t n)
{
	const struct cfg_key *k = cfg_find_key(path, strlen(path));

	if (!k) {
		if (cfg_is_section(path, strlen(path))) {
			char kids[512];

			cfg_children(path, strlen(path), kids, sizeof kids);
			snprintf(why, n, "a section, not a key (expected one of: %s)", kids);
		} else {
			cfg_unknown_key(path, strlen(path), why, n);
		}
		return -1;
	}
	if (cfg_parse_value(c, k, text, strlen(text), quoted ? CFG_QUOTED : CFG_PLAIN, why, n))
		return -1;
	c->key_line[k - cfg_keys] = line;
	c->key_col[k - cfg_keys] = col;
	return 0;
}

int cfg_is_section(const char *path, size_t len)
{
	if (len == 0)
		return 1;
	for (size_t i = 0; i < cfg_nkeys; i++)
		if (!strncmp(cfg_keys[i].path, path, len) && cfg_keys[i].path[len] == '.' &&
		    !memchr(path, '\0', len))
			return 1;
	return 0;
}

const char *cfg_child_of(size_t i, const char *section, size_t len, size_t *nlen)
{
	const char *p = cfg_keys[i].path;

	if (len) {
		if (strncmp(p, section, len) || p[len] != '.')
			return NULL;
		p += len + 1;
	}
	*nlen = strcspn(p, ".");
	return p;
}

void cfg_children(const char *section, size_t len, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cfg_nkeys; i++) {
		size_t nl, pl;
		const char *name = cfg_child_of(i, section, len, &nl), *prev;
		int seen = 0;

		if (!name)
			continue;
		for (size_t j = 0; j < i && !seen; j++) {
			prev = cfg_child_of(j, section, len, &pl);
			seen = prev && pl == nl && !memcmp(prev, name, nl);
		}
		if (!seen && used + nl + 3 < n)
			used += (size_t)snprintf(out + used, n - used, "%s%.*s", used ? ", " : "",
						 (int)nl, name);
	}
}

/* ---- defaults, --set, cross-key rules ---- */

void cfg_defaults(struct gs_config *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < cfg_nkeys; i++) {
		const struct cfg_key *k = &cfg_keys[i];
		char *field = (char *)c + k->offset;

		switch (k->type) {
		case CFG_DOUBLE:
			*(double *)(void *)field = k->ddef;
			break;
		case CFG_NAME:
			snprintf(field, GS_CFG_NAME_MAX, "%s", k->sdef);
			break;
		default:
			*(int *)(void *)field = (int)k->idef;
			break;
		}
	}
}

int cfg_set(struct gs_config *c, const char *assignment, struct gs_err *err)
{
	const char *eq = strchr(assignment, '='), *key = assignment, *val;
	size_t klen, vlen, cut;
	const struct cfg_key *k;
	char why[768], shown[64];

	if (!eq)
		return gs_errf(err, "--set %.200s: missing '=' (expected KEY=VALUE, e.g. "
			       "scratchpad.banks=16)", assignment);
	klen = (size_t)(eq - key);
	while (klen && (*key == ' ' || *key == '\t'))
		key++, klen--;
	while (klen && (key[klen - 1] == ' ' || key[klen - 1] == '\t'))
		klen--;
	val = eq + 1;
	vlen = strlen(val);
	while (vlen && (*val == ' ' || *val == '\t'))
		val++, vlen--;
	while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	if (!klen)
		return gs_errf(err, "--set %.200s: missing key before '=' (expected KEY=VALUE, "
			       "e.g. scratchpad.banks=16)", assignment);
	cfg_show(key, klen, shown, sizeof shown);
	k = cfg_find_key(key, klen);
	if (k) {
		if (cfg_parse_value(c, k, val, vlen, CFG_PLAIN, why, sizeof why))
			return gs_errf(err, "--set %.200s: %s: %s", assignment, k->path, why);
		c->key_line[k - cfg_keys] = c->key_col[k - cfg_keys] = 0;
		return 0;
	}
	if (cfg_is_section(key, klen)) {
		cfg_children(key, klen, why, sizeof why);
		return gs_errf(err, "--set %.200s: %s: a section, not a key (expected one of: %s)",
			       assignment, shown, why);
	}
	/* Blame the first part of the path that is not a section. */
	for (cut = 0; cut < klen; cut++)
		if (key[cut] == '.' && !cfg_is_section(key, cut))
			break;
	if (cut < klen && cfg_find_key(key, cut))	/* a sub-key of a leaf */
		while (++cut < klen && key[cut] != '.')
			;
	cfg_unknown_key(key, cut, why, sizeof why);
	cfg_show(key, cut, shown, sizeof shown);
	return gs_errf(err, "--set %.200s: %s: %s", assignment, shown, why);
}

/* Each key on its own, for configs built in code rather than parsed: the
** value's canonical text must parse back (same wording as the input). */
static int check_key(const struct gs_config *c, const struct cfg_key *k, char *why, size_t n)
{
	struct gs_config scratch = *c;
	char text[160];

	if (k->type == CFG_NAME)
		snprintf(text, sizeof text, "%.*s", GS_CFG_NAME_MAX, c->name);
	else
		cfg_format_value(c, k, text, sizeof text);
	return cfg_parse_value(&scratch, k, text, strlen(text), CFG_PLAIN, why, n);
}

int cfg_validate(const struct gs_config *c, const char *where, struct gs_err *err)
{
	char why[512];

	for (size_t i = 0; i < cfg_nkeys; i++) {
		if (!check_key(c, &cfg_keys[i], why, sizeof why))
			continue;
		if (c->key_line[i])
			return gs_errf(err, "%s:%u:%u: %s: %s", where, (unsigned)c->key_line[i],
				       (unsigned)c->key_col[i], cfg_keys[i].path, why);
		return gs_errf(err, "%s: %s: %s", where, cfg_keys[i].path, why);
	}
	for (size_t r = 0; r < cfg_nrules; r++) {
		const struct cfg_rule *rule = &cfg_rules[r];
		const struct cfg_key *blame = cfg_find_key(rule->keys[0], strlen(rule->keys[0]));
		size_t bi = (size_t)(blame - cfg_keys);

		if (!rule->broken(c, why, sizeof why))
			continue;
		/* Locate at the key of the rule given last in the file, if any. */
		for (int i = 0; rule->keys[i]; i++) {
			const struct cfg_key *k = cfg_find_key(rule->keys[i], strlen(rule->keys[i]));
			size_t ki = (size_t)(k - cfg_keys);

			if (c->key_line[ki] > c->key_line[bi] ||
			    (c->key_line[ki] == c->key_line[bi] && c->key_col[ki] > c->key_col[bi])) {
				blame = k;
				bi = ki;
			}
		}
		if (c->key_line[bi])
			return gs_errf(err, "%s:%u:%u: %s: %s", where, (unsigned)c->key_line[bi],
				       (unsigned)c->key_col[bi], blame->path, why);
		return gs_errf(err, "%s: %s: %s", where, blame->path, why);
	}
	return 0;
}

/* ---- canonical text: dump and hash ---- */

void cfg_format_value(const struct gs_config *c, const struct cfg_key *k, char *out, size_t n)
{
	const char *field = (const char *)c + k->offset;
	int iv = 0;
	double dv;

	if (k->type != CFG_DOUBLE && k->type != CFG_NAME)
		iv = *(const int *)(const void *)field;
	switch (k->type) {
	case CFG_INT:
		snprintf(out, n, "%d", iv);
		break;
	case CFG_DOUBLE:
		dv = *(const double *)(const void *)field;
		/* The shortest text that reads back to the same double, without an
		** exponent if one that short exists (10.0, not 1e+01). */
		for (int pass = 0, done = 0; pass < 2 && !done; pass++)
			for (int prec = 1; prec <= 17 && !done; prec++) {
				snprintf(out, n, "%.*g", prec, dv);
				done = strtod(out, NULL) == dv && (pass || !strchr(out, 'e'));
			}
		if (!strpbrk(out, ".eEn"))
			strncat(out, ".0", n - strlen(out) - 1);
		break;
	case CFG_BOOL:
		snprintf(out, n, "%s", iv ? "true" : "false");
		break;
	case CFG_ENUM: {
		int count = 0;

		while (k->names[count])
			count++;
		if (iv >= 0 && iv < count)
			snprintf(out, n, "%s", k->names[iv]);
		else
			snprintf(out, n, "%d", iv);	/* not a valid struct; still never crash */
		break;
	}
	case CFG_NAME: {
		size_t o = 0;

		/* Quoted: a name like "-" or "true" must read back as this string. */
		out[o++] = '"';
		for (size_t i = 0; field[i] && i < GS_CFG_NAME_MAX && o + 3 < n; i++) {
			if (field[i] == '"' || field[i] == '\\')
				out[o++] = '\\';
			out[o++] = field[i];
		}
		out[o++] = '"';
		out[o] = '\0';
		break;
	}
	}
}

/* The dump goes to a growing buffer or straight into the hash. */
struct sink {
	char *buf;
	size_t len, cap;
	int oom;
	int hashing;
	uint64_t h;
};

static void sink_put(struct sink *s, const char *text)
{
	size_t n = strlen(text);

	if (s->hashing) {
		for (size_t i = 0; i < n; i++)
			s->h = (s->h ^ (unsigned char)text[i]) * 1099511628211ull;
		return;
	}
	if (s->oom)
		return;
	if (s->len + n + 1 > s->cap) {
		size_t cap = (s->cap ? s->cap : 1024) * 2 + n;
		char *bigger = realloc(s->buf, cap);

		if (!bigger) {
			s->oom = 1;
			return;
		}
		s->buf = bigger;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, text, n + 1);
	s->len += n;
}

static void emit_dump(const struct gs_config *c, struct sink *s)
{
	const char *prev = "";
	char line[256], value[160];

	for (size_t i = 0; i < cfg_nkeys; i++) {
		const char *path = cfg_keys[i].path, *part = path, *dot;
		int depth = 0;

		/* open every section of this path not shared with the previous key */
		while ((dot = strchr(part, '.'))) {
			size_t plen = (size_t)(dot - path);

			if (strncmp(prev, path, plen) || prev[plen] != '.') {
				snprintf(line, sizeof line, "%*s%.*s:\n", depth * 2, "",
					 (int)(dot - part), part);
				sink_put(s, line);
			}
			depth++;
			part = dot + 1;
		}
		cfg_format_value(c, &cfg_keys[i], value, sizeof value);
		snprintf(line, sizeof line, "%*s%s: %s\n", depth * 2, "", part, value);
		sink_put(s, line);
		prev = path;
	}
}

char *cfg_dump(const struct gs_config *c)
{
	struct sink s = { 0 };

	emit_dump(c, &s);
	if (s.oom) {
		free(s.buf);
		return NULL;
	}
	return s.buf;
}

void cfg_hash(const struct gs_config *c, char out[17])
{
	struct sink s = { .hashing = 1, .h = 14695981039346656037ull };

	emit_dump(c, &s);
	snprintf(out, 17, "%016llx", (unsigned long long)s.h);
}
