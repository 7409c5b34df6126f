/*
** sweep_spec.c: reading a sweep spec (docs/sweeps.md) with the YAML
** reader configs use (sim/yaml_doc.h). Every value is checked here, where
** its line and column are known: config values against the key table,
** workloads against the library, patterns against the base machine,
** numbers against their ranges. What depends on the combination of
** values (cross-key rules, a pattern on a point's lanes) is checked when
** a point is resolved (sweep_point.c).
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "gen.h"
#include "sparse.h"
#include "sweep_int.h"
#include "weights.h"
#include "workload.h"
#include "yaml_doc.h"

#define SPEC_FILE_MAX (1u << 20)

static const struct yaml_limits spec_limits = {
	.max_bytes = SPEC_FILE_MAX,
	.max_depth = 16,
	.what = "a sweep spec, a few kilobytes",
	.depth_what = "a sweep spec nested at most 3 levels deep",
};

static const char top_keys[] = "sweep, base, set, grid, zip, exclude, workloads, patterns, "
			       "sparsities, seeds, batches, dist, variant, traces";


struct spec_loc spec_loc_of(const yaml_node_t *n)
{
	return (struct spec_loc){ (unsigned)n->start_mark.line + 1,
				  (unsigned)n->start_mark.column + 1 };
}

const char *spec_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

yaml_node_t *spec_node(struct spec_reader *R, yaml_node_item_t id)
{
	return yaml_document_get_node(&R->y.doc, id);
}

int spec_want_scalar(struct spec_reader *R, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SCALAR_NODE && !yaml_is_empty(n))
		return 0;
	return FAIL(R, n, "%s: %s, not a %s", what, "expected a value",
		    yaml_is_empty(n) ? "missing value" : yaml_kind(n));
}

int spec_want_list(struct spec_reader *R, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SEQUENCE_NODE && n->data.sequence.items.top > n->data.sequence.items.start)
		return 0;
	if (n->type == YAML_SEQUENCE_NODE)
		return FAIL(R, n, "%s: an empty list (expected at least one value)", what);
	return FAIL(R, n, "%s: a %s, not a list (expected [value, ...])", what, yaml_kind(n));
}

size_t spec_list_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

char *spec_keep_string(struct spec_reader *R, const char *str)
{
	struct sweep_spec *s = R->s;
	char **t = realloc(s->strings, (s->nstrings + 1) * sizeof *t);
	char *copy = strdup(str);

	if (!t || !copy) {
		free(copy);
		if (t)
			s->strings = t;
		gs_errf(R->err, "%s: out of memory", s->path);
		return NULL;
	}
	s->strings = t;
	s->strings[s->nstrings++] = copy;
	return copy;
}

/* "a/b/spec.yaml" + "x.yaml" -> "a/b/x.yaml"; absolute paths as given. */
char *spec_relative_path(const struct sweep_spec *s, const char *p)
{
	size_t n;
	char *out;

	if (p[0] == '/' || !s->dir[0])
		return strdup(p);
	n = strlen(s->dir) + strlen(p) + 2;
	out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", s->dir, p);
	return out;
}

/* One config value: parsed against the key table on a scratch machine
** for its canonical text. */
static int config_value(struct spec_reader *R, const char *key, const yaml_node_t *vn,
			struct spec_value *out)
{
	struct gs_config scratch;
	char why[768];

	if (spec_want_scalar(R, vn, key))
		return -1;
	cfg_defaults(&scratch);
	if (cfg_set_value(&scratch, key, spec_text(vn), yaml_is_quoted(vn), 0, 0, why, sizeof why))
		return FAIL(R, vn, "%s: %s", key, why);
	cfg_key_text(&scratch, key, out->canon, sizeof out->canon);
	out->at = spec_loc_of(vn);
	return 0;
}

/* A config key naming a spec axis: known, not the name, given once. */
static int config_key(struct spec_reader *R, const yaml_node_t *kn, struct spec_axis *a)
{
	struct gs_config scratch;
	const struct sweep_spec *s = R->s;
	char why[768];

	if (spec_want_scalar(R, kn, "key"))
		return -1;
	cfg_defaults(&scratch);
	if (cfg_key_text(&scratch, spec_text(kn), why, sizeof why)) {
		cfg_set_value(&scratch, spec_text(kn), "0", 0, 0, 0, why, sizeof why);
		return FAIL(R, kn, "%.63s: %s", spec_text(kn), why);
	}
	if (!strcmp(spec_text(kn), "name"))
		return FAIL(R, kn, "name: not sweepable (a point is named after its swept keys)");
	for (int i = 0; i < s->nset; i++)
		if (!strcmp(s->set[i].key, spec_text(kn)))
			return FAIL(R, kn, "%s: given twice (first at line %u)", spec_text(kn),
				    s->set[i].at.line);
	for (int i = 0; i < s->naxes; i++)
		if (!strcmp(s->axis[i].key, spec_text(kn)))
			return FAIL(R, kn, "%s: given twice (first at line %u)", spec_text(kn),
				    s->axis[i].at.line);
	memset(a, 0, sizeof *a);
	snprintf(a->key, sizeof a->key, "%s", spec_text(kn));
	a->at = spec_loc_of(kn);
	return 0;
}

static int read_set(struct spec_reader *R, const yaml_node_t *map)
{
	struct sweep_spec *s = R->s;

	if (map->type != YAML_MAPPING_NODE)
		return FAIL(R, map, "set: a %s, not a mapping (expected {key.path: value, ...})",
			    yaml_kind(map));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		struct spec_axis *a = &s->set[s->nset];

		if (s->nset == SWEEP_KEYS_MAX)
			return FAIL(R, spec_node(R, p->key), "set: more than %d keys", SWEEP_KEYS_MAX);
		if (config_key(R, spec_node(R, p->key), a))
			return -1;
		a->dim = -1;
		a->n = 1;
		if (!(a->v = calloc(1, sizeof *a->v)))
			return gs_errf(R->err, "%s: out of memory", s->path);
		s->nset++;
		if (config_value(R, a->key, spec_node(R, p->value), &a->v[0]))
			return -1;
	}
	return 0;
}

/* The values of one swept key, distinct. */
static int axis_values(struct spec_reader *R, struct spec_axis *a, const yaml_node_t *list)
{
	if (spec_want_list(R, list, a->key))
		return -1;
	a->n = spec_list_len(list);
	if (!(a->v = calloc(a->n, sizeof *a->v)))
		return gs_errf(R->err, "%s: out of memory", R->s->path);
	for (size_t i = 0; i < a->n; i++) {
		const yaml_node_t *vn = spec_node(R, list->data.sequence.items.start[i]);

		if (config_value(R, a->key, vn, &a->v[i]))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->v[j].canon, a->v[i].canon))
				return FAIL(R, vn, "%s: %s given twice (first at line %u, column %u)",
					    a->key, a->v[i].canon, a->v[j].at.line, a->v[j].at.col);
	}
	return 0;
}

/* Keys of `map` (key -> list) become axes of one new dimension each
** (grid) or all of one dimension (zip group). */
static int read_axes(struct spec_reader *R, const yaml_node_t *map, int one_dim, const char *what)
{
	struct sweep_spec *s = R->s;
	int dim = s->ndims;

	if (map->type != YAML_MAPPING_NODE || map->data.mapping.pairs.top ==
	    map->data.mapping.pairs.start)
		return FAIL(R, map, "%s: a %s, not a mapping (expected {key.path: [values], ...})",
			    what, map->type == YAML_MAPPING_NODE ? "empty mapping" : yaml_kind(map));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		struct spec_axis *a = &s->axis[s->naxes];
		const yaml_node_t *kn = spec_node(R, p->key);

		if (s->naxes == SWEEP_KEYS_MAX)
			return FAIL(R, kn, "%s: more than %d swept keys", what, SWEEP_KEYS_MAX);
		if (config_key(R, kn, a))
			return -1;
		s->naxes++;
		if (axis_values(R, a, spec_node(R, p->value)))
			return -1;
		a->dim = one_dim ? dim : s->ndims;
		if (!one_dim || p == map->data.mapping.pairs.start) {
			s->dim_len[s->ndims++] = a->n;
		} else if (a->n != s->dim_len[dim]) {
			return FAIL(R, spec_node(R, p->value), "%s: %zu values, but %s has %zu (expected "
				    "lists of one length: they advance together)", a->key, a->n,
				    s->axis[s->naxes - 2].key, s->dim_len[dim]);
		}
	}
	return 0;
}

static int read_zip(struct spec_reader *R, const yaml_node_t *list)
{
	if (spec_want_list(R, list, "zip"))
		return -1;
	for (size_t i = 0; i < spec_list_len(list); i++)
		if (read_axes(R, spec_node(R, list->data.sequence.items.start[i]), 1, "zip"))
			return -1;
	return 0;
}

static int read_exclude(struct spec_reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (spec_want_list(R, list, "exclude"))
		return -1;
	if (!(s->excl = calloc(spec_list_len(list), sizeof *s->excl)))
		return gs_errf(R->err, "%s: out of memory", s->path);
	for (size_t i = 0; i < spec_list_len(list); i++) {
		const yaml_node_t *map = spec_node(R, list->data.sequence.items.start[i]);
		struct spec_exclude *e = &s->excl[s->nexcl++];

		if (map->type != YAML_MAPPING_NODE || map->data.mapping.pairs.top ==
		    map->data.mapping.pairs.start)
			return FAIL(R, map, "exclude: a %s, not a mapping (expected {swept.key: "
				    "value, ...})", map->type == YAML_MAPPING_NODE ? "empty mapping" :
				    yaml_kind(map));
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
		     p < map->data.mapping.pairs.top; p++) {
			const yaml_node_t *kn = spec_node(R, p->key);
			struct spec_value v;
			int a = -1;

			if (spec_want_scalar(R, kn, "exclude"))
				return -1;
			for (int j = 0; j < s->naxes; j++)
				if (!strcmp(s->axis[j].key, spec_text(kn)))
					a = j;
			if (a < 0)
				return FAIL(R, kn, "exclude: %.63s: not a key of grid or zip",
					    spec_text(kn));
			if (config_value(R, s->axis[a].key, spec_node(R, p->value), &v))
				return -1;
			e->axis[e->n] = a;
			memcpy(e->canon[e->n++], v.canon, sizeof v.canon);
		}
	}
	return 0;
}

static const yaml_node_t **top_slot(struct spec_top *t, const char *key)
{
	static const char *const names[] = { "sweep", "base", "set", "grid", "zip", "exclude",
		"workloads", "patterns", "sparsities", "seeds", "batches", "dist", "variant",
		"traces" };
	const yaml_node_t **slots[] = { &t->sweep, &t->base, &t->set, &t->grid, &t->zip,
		&t->exclude, &t->workloads, &t->patterns, &t->sparsities, &t->seeds, &t->batches,
		&t->dist, &t->variant, &t->traces };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(key, names[i]))
			return slots[i];
	return NULL;
}

static int read_top(struct spec_reader *R, const yaml_node_t *root, struct spec_top *t)
{
	if (!root || root->type != YAML_MAPPING_NODE)
		return root ? FAIL(R, root, "top level: a %s, not a mapping (expected a mapping "
				   "of: %s)", yaml_kind(root), top_keys) :
			      gs_errf(R->err, "%s: empty (expected a mapping of: %s)", R->s->path,
				      top_keys);
	memset(t, 0, sizeof *t);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = spec_node(R, p->key), **slot;

		if (spec_want_scalar(R, kn, "top level"))
			return -1;
		if (!(slot = top_slot(t, spec_text(kn))))
			return FAIL(R, kn, "%.63s: unknown key (expected one of: %s)", spec_text(kn),
				    top_keys);
		if (*slot)
			return FAIL(R, kn, "%s: duplicate key (first given at line %zu)", spec_text(kn),
				    (*slot)->start_mark.line + 1);
		*slot = spec_node(R, p->value);
	}
	if (!t->sweep)
		return gs_errf(R->err, "%s: missing key sweep (the sweep's name)", R->s->path);
	if (!t->base)
		return gs_errf(R->err, "%s: missing key base (the machine config the points "
			       "start from)", R->s->path);
	if (t->traces && (t->workloads || t->patterns || t->sparsities || t->seeds ||
			  t->batches || t->dist || t->variant))
		return FAIL(R, t->traces, "traces: not with workloads, patterns, sparsities, seeds, "
			    "batches, dist or variant (a trace fixes its instructions)");
	if (!t->traces && !t->workloads)
		return gs_errf(R->err, "%s: missing key workloads or traces (what the points run)",
			       R->s->path);
	if (t->workloads && !t->patterns)
		return FAIL(R, t->workloads, "workloads: needs patterns (expected e.g. patterns: "
			    "[gs-v, unstructured])");
	if (!t->workloads && (t->patterns || t->sparsities || t->seeds || t->batches))
		return FAIL(R, t->patterns ? t->patterns : t->sparsities ? t->sparsities :
			    t->seeds ? t->seeds : t->batches, "no workloads to apply this to");
	return 0;
}

static int read_name(struct spec_reader *R, const yaml_node_t *n)
{
	const char *v;

	if (spec_want_scalar(R, n, "sweep"))
		return -1;
	v = spec_text(n);
	if (strlen(v) >= SWEEP_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(v))
		return FAIL(R, n, "sweep: %.70s: not a name (expected 1 to %d of A-Z a-z 0-9 . _ -)",
			    v, SWEEP_NAME_MAX - 1);
	snprintf(R->s->name, sizeof R->s->name, "%s", v);
	return 0;
}

static int read_base(struct spec_reader *R, const yaml_node_t *n)
{
	struct sweep_spec *s = R->s;

	if (spec_want_scalar(R, n, "base"))
		return -1;
	if (!(s->base_path = spec_relative_path(s, spec_text(n))))
		return gs_errf(R->err, "%s: out of memory", s->path);
	if (access(s->base_path, R_OK))
		return FAIL(R, n, "base: %s: cannot open: %s", s->base_path, strerror(errno));
	cfg_defaults(&s->base);
	/* The base on its own, with its own locations. */
	if (cfg_load_file(&s->base, s->base_path, R->err) ||
	    cfg_validate(&s->base, s->base_path, R->err))
		return -1;
	for (size_t i = 0; i < GS_CFG_KEYS_MAX; i++)
		s->base.key_line[i] = s->base.key_col[i] = 0;
	return 0;
}

/* The spec's hash: its bytes and its base config's. */
static int spec_hash(struct sweep_spec *s, struct gs_err *err)
{
	char both[2 * POINT_KEY_HEX + 2];

	if (file_hash(s->path, both, err))
		return -1;
	both[POINT_KEY_HEX] = '\n';
	if (file_hash(s->base_path, both + POINT_KEY_HEX + 1, err))
		return -1;
	fnv128_hex(both, sizeof both - 1, s->hash);
	return 0;
}

static int read_spec(struct spec_reader *R)
{
	struct sweep_spec *s = R->s;
	const yaml_node_t *root = yaml_document_get_root_node(&R->y.doc);
	struct spec_top t;

	if (read_top(R, root, &t) || read_name(R, t.sweep) || read_base(R, t.base))
		return -1;
	if (t.set && read_set(R, t.set))
		return -1;
	if (t.grid && read_axes(R, t.grid, 0, "grid"))
		return -1;
	if (t.zip && read_zip(R, t.zip))
		return -1;
	if (t.exclude && read_exclude(R, t.exclude))
		return -1;
	if (t.traces ? spec_read_traces(R, t.traces) : spec_read_workload_axes(R, &t))
		return -1;
	if (yaml_finish(&R->y, R->err) || spec_hash(s, R->err))
		return -1;
	return sweep_enumerate_machines(s, R->err);
}

int sweep_load(struct sweep_spec **out, const char *path, struct gs_err *err)
{
	struct spec_reader R = { .err = err };
	struct sweep_spec *s = calloc(1, sizeof *s);
	const char *slash = strrchr(path, '/');
	int rc;

	*out = NULL;
	if (!s || !(s->path = strdup(path)) || !(s->dir = strdup(path))) {
		sweep_free(s);
		return gs_errf(err, "%s: out of memory", path);
	}
	s->dir[slash ? (size_t)(slash - path) : 0] = '\0';
	if (slash == path)
		strcpy(s->dir, "/");
	R.s = s;
	if (yaml_file_load(&R.y, path, &spec_limits, err)) {
		sweep_free(s);
		return -1;
	}
	rc = read_spec(&R);
	yaml_file_free(&R.y);
	if (rc) {
		sweep_free(s);
		return -1;
	}
	*out = s;
	return 0;
}
