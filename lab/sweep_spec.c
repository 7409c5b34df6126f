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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct reader {
	struct yaml_file y;
	struct sweep_spec *s;
	struct gs_err *err;
};

static struct spec_loc loc(const yaml_node_t *n)
{
	return (struct spec_loc){ (unsigned)n->start_mark.line + 1,
				  (unsigned)n->start_mark.column + 1 };
}

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *node(struct reader *R, yaml_node_item_t id)
{
	return yaml_document_get_node(&R->y.doc, id);
}

#define FAIL(R, n, ...) yaml_fail_at(&(R)->y, (n)->start_mark, (R)->err, __VA_ARGS__)

static int want_scalar(struct reader *R, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SCALAR_NODE && !yaml_is_empty(n))
		return 0;
	return FAIL(R, n, "%s: %s, not a %s", what, "expected a value",
		    yaml_is_empty(n) ? "missing value" : yaml_kind(n));
}

static int want_list(struct reader *R, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SEQUENCE_NODE && n->data.sequence.items.top > n->data.sequence.items.start)
		return 0;
	if (n->type == YAML_SEQUENCE_NODE)
		return FAIL(R, n, "%s: an empty list (expected at least one value)", what);
	return FAIL(R, n, "%s: a %s, not a list (expected [value, ...])", what, yaml_kind(n));
}

static size_t list_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static char *keep_string(struct reader *R, const char *str)
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
static char *relative_to_spec(const struct sweep_spec *s, const char *p)
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
static int config_value(struct reader *R, const char *key, const yaml_node_t *vn,
			struct spec_value *out)
{
	struct gs_config scratch;
	char why[768];

	if (want_scalar(R, vn, key))
		return -1;
	cfg_defaults(&scratch);
	if (cfg_set_value(&scratch, key, text(vn), yaml_is_quoted(vn), 0, 0, why, sizeof why))
		return FAIL(R, vn, "%s: %s", key, why);
	cfg_key_text(&scratch, key, out->canon, sizeof out->canon);
	out->at = loc(vn);
	return 0;
}

/* A config key naming a spec axis: known, not the name, given once. */
static int config_key(struct reader *R, const yaml_node_t *kn, struct spec_axis *a)
{
	struct gs_config scratch;
	const struct sweep_spec *s = R->s;
	char why[768];

	if (want_scalar(R, kn, "key"))
		return -1;
	cfg_defaults(&scratch);
	if (cfg_key_text(&scratch, text(kn), why, sizeof why)) {
		cfg_set_value(&scratch, text(kn), "0", 0, 0, 0, why, sizeof why);
		return FAIL(R, kn, "%.63s: %s", text(kn), why);
	}
	if (!strcmp(text(kn), "name"))
		return FAIL(R, kn, "name: not sweepable (a point is named after its swept keys)");
	for (int i = 0; i < s->nset; i++)
		if (!strcmp(s->set[i].key, text(kn)))
			return FAIL(R, kn, "%s: given twice (first at line %u)", text(kn),
				    s->set[i].at.line);
	for (int i = 0; i < s->naxes; i++)
		if (!strcmp(s->axis[i].key, text(kn)))
			return FAIL(R, kn, "%s: given twice (first at line %u)", text(kn),
				    s->axis[i].at.line);
	memset(a, 0, sizeof *a);
	snprintf(a->key, sizeof a->key, "%s", text(kn));
	a->at = loc(kn);
	return 0;
}

static int read_set(struct reader *R, const yaml_node_t *map)
{
	struct sweep_spec *s = R->s;

	if (map->type != YAML_MAPPING_NODE)
		return FAIL(R, map, "set: a %s, not a mapping (expected {key.path: value, ...})",
			    yaml_kind(map));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		struct spec_axis *a = &s->set[s->nset];

		if (s->nset == SWEEP_KEYS_MAX)
			return FAIL(R, node(R, p->key), "set: more than %d keys", SWEEP_KEYS_MAX);
		if (config_key(R, node(R, p->key), a))
			return -1;
		a->dim = -1;
		a->n = 1;
		if (!(a->v = calloc(1, sizeof *a->v)))
			return gs_errf(R->err, "%s: out of memory", s->path);
		s->nset++;
		if (config_value(R, a->key, node(R, p->value), &a->v[0]))
			return -1;
	}
	return 0;
}

/* The values of one swept key, distinct. */
static int axis_values(struct reader *R, struct spec_axis *a, const yaml_node_t *list)
{
	if (want_list(R, list, a->key))
		return -1;
	a->n = list_len(list);
	if (!(a->v = calloc(a->n, sizeof *a->v)))
		return gs_errf(R->err, "%s: out of memory", R->s->path);
	for (size_t i = 0; i < a->n; i++) {
		const yaml_node_t *vn = node(R, list->data.sequence.items.start[i]);

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
static int read_axes(struct reader *R, const yaml_node_t *map, int one_dim, const char *what)
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
		const yaml_node_t *kn = node(R, p->key);

		if (s->naxes == SWEEP_KEYS_MAX)
			return FAIL(R, kn, "%s: more than %d swept keys", what, SWEEP_KEYS_MAX);
		if (config_key(R, kn, a))
			return -1;
		s->naxes++;
		if (axis_values(R, a, node(R, p->value)))
			return -1;
		a->dim = one_dim ? dim : s->ndims;
		if (!one_dim || p == map->data.mapping.pairs.start) {
			s->dim_len[s->ndims++] = a->n;
		} else if (a->n != s->dim_len[dim]) {
			return FAIL(R, node(R, p->value), "%s: %zu values, but %s has %zu (expected "
				    "lists of one length: they advance together)", a->key, a->n,
				    s->axis[s->naxes - 2].key, s->dim_len[dim]);
		}
	}
	return 0;
}

static int read_zip(struct reader *R, const yaml_node_t *list)
{
	if (want_list(R, list, "zip"))
		return -1;
	for (size_t i = 0; i < list_len(list); i++)
		if (read_axes(R, node(R, list->data.sequence.items.start[i]), 1, "zip"))
			return -1;
	return 0;
}

static int read_exclude(struct reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (want_list(R, list, "exclude"))
		return -1;
	if (!(s->excl = calloc(list_len(list), sizeof *s->excl)))
		return gs_errf(R->err, "%s: out of memory", s->path);
	for (size_t i = 0; i < list_len(list); i++) {
		const yaml_node_t *map = node(R, list->data.sequence.items.start[i]);
		struct spec_exclude *e = &s->excl[s->nexcl++];

		if (map->type != YAML_MAPPING_NODE || map->data.mapping.pairs.top ==
		    map->data.mapping.pairs.start)
			return FAIL(R, map, "exclude: a %s, not a mapping (expected {swept.key: "
				    "value, ...})", map->type == YAML_MAPPING_NODE ? "empty mapping" :
				    yaml_kind(map));
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
		     p < map->data.mapping.pairs.top; p++) {
			const yaml_node_t *kn = node(R, p->key);
			struct spec_value v;
			int a = -1;

			if (want_scalar(R, kn, "exclude"))
				return -1;
			for (int j = 0; j < s->naxes; j++)
				if (!strcmp(s->axis[j].key, text(kn)))
					a = j;
			if (a < 0)
				return FAIL(R, kn, "exclude: %.63s: not a key of grid or zip",
					    text(kn));
			if (config_value(R, s->axis[a].key, node(R, p->value), &v))
				return -1;
			e->axis[e->n] = a;
			memcpy(e->canon[e->n++], v.canon, sizeof v.canon);
		}
	}
	return 0;
}

static int read_workloads(struct reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (want_list(R, list, "workloads"))
		return -1;
	for (size_t i = 0; i < list_len(list); i++) {
		const yaml_node_t *vn = node(R, list->data.sequence.items.start[i]);
		const struct layer *first;
		size_t n = 1;
		struct gs_err e;
		char **w;
		struct spec_loc *at;

		if (want_scalar(R, vn, "workloads"))
			return -1;
		if (strchr(text(vn), ':')) {
			if (!(first = workload_find(text(vn), &e)))
				return FAIL(R, vn, "workloads: %s", e.msg);
		} else if (workload_layers(text(vn), &first, &n, &e)) {
			return FAIL(R, vn, "workloads: %s (or NET:LAYER)", e.msg);
		}
		w = realloc(s->work, (s->nwork + n) * sizeof *w);
		if (w)
			s->work = w;
		at = realloc(s->work_at, (s->nwork + n) * sizeof *at);
		if (at)
			s->work_at = at;
		if (!w || !at)
			return gs_errf(R->err, "%s: out of memory", s->path);
		for (size_t j = 0; j < n; j++) {
			size_t len = strlen(first[j].net) + strlen(first[j].name) + 2;

			for (size_t k = 0; k < s->nwork; k++)
				if (!strncmp(s->work[k], first[j].net, strlen(first[j].net)) &&
				    !strcmp(s->work[k] + strlen(first[j].net) + 1, first[j].name))
					return FAIL(R, vn, "workloads: %s:%s given twice (first at "
						    "line %u)", first[j].net, first[j].name,
						    s->work_at[k].line);
			if (!(s->work[s->nwork] = malloc(len)))
				return gs_errf(R->err, "%s: out of memory", s->path);
			snprintf(s->work[s->nwork], len, "%s:%s", first[j].net, first[j].name);
			s->work_at[s->nwork++] = loc(vn);
		}
	}
	return 0;
}

/* A number list: sparsities in [0, 1), seeds and batches integers. */
static int read_numbers(struct reader *R, const yaml_node_t *list, const char *what,
			double lo, double hi, int integer, double **out, struct spec_loc **at,
			size_t *n)
{
	if (want_list(R, list, what))
		return -1;
	*n = list_len(list);
	*out = calloc(*n, sizeof **out);
	*at = calloc(*n, sizeof **at);
	if (!*out || !*at)
		return gs_errf(R->err, "%s: out of memory", R->s->path);
	for (size_t i = 0; i < *n; i++) {
		const yaml_node_t *vn = node(R, list->data.sequence.items.start[i]);
		char *end;
		double v;

		if (want_scalar(R, vn, what))
			return -1;
		errno = 0;
		v = strtod(text(vn), &end);
		if (yaml_is_quoted(vn) || end == text(vn) || *end || errno || !(v >= lo && v <= hi) ||
		    (integer && v != (double)(uint64_t)v))
			return FAIL(R, vn, "%s: %.40s: not %s in [%g, %g]", what, text(vn),
				    integer ? "an integer" : "a number", lo, hi);
		for (size_t j = 0; j < i; j++)
			if ((*out)[j] == v)
				return FAIL(R, vn, "%s: %s given twice (first at line %u)", what,
					    text(vn), (*at)[j].line);
		(*out)[i] = v;
		(*at)[i] = loc(vn);
	}
	return 0;
}

/* patterns x sparsities as (pattern, sparsity) pairs; a pattern with its
** own sparsity (dense 0, nm:N:M 1 - N/M) pairs with that only. */
static int read_prunes(struct reader *R, const yaml_node_t *pats, const yaml_node_t *sps)
{
	struct sweep_spec *s = R->s;
	double *sp = NULL;
	struct spec_loc *sp_at = NULL;
	size_t nsp = 0, cap;
	int rc = -1;

	if (want_list(R, pats, "patterns"))
		return -1;
	if (sps && read_numbers(R, sps, "sparsities", 0, 0.999999, 0, &sp, &sp_at, &nsp))
		goto out;
	cap = list_len(pats) * (nsp ? nsp : 1);
	if (!(s->prune = calloc(cap, sizeof *s->prune))) {
		gs_errf(R->err, "%s: out of memory", s->path);
		goto out;
	}
	for (size_t i = 0; i < list_len(pats); i++) {
		const yaml_node_t *pn = node(R, pats->data.sequence.items.start[i]);
		struct pattern pat;
		struct gs_err e;
		const char *name;

		if (want_scalar(R, pn, "patterns"))
			goto out;
		if (pattern_parse(text(pn), s->base.vector.lanes, &pat, &e)) {
			FAIL(R, pn, "patterns: %s", e.msg);
			goto out;
		}
		if (!(name = keep_string(R, text(pn))))
			goto out;
		if (pat.kind == PAT_DENSE || pat.kind == PAT_NM) {
			s->prune[s->nprunes++] = (struct spec_prune){ name, loc(pn),
				pat.kind == PAT_DENSE ? 0 : 1.0 - (double)pat.n / pat.m, loc(pn) };
			continue;
		}
		if (!sps) {
			FAIL(R, pn, "patterns: %s needs a sparsity (expected a sparsities: list)",
			     text(pn));
			goto out;
		}
		for (size_t j = 0; j < nsp; j++)
			s->prune[s->nprunes++] = (struct spec_prune){ name, loc(pn), sp[j], sp_at[j] };
	}
	rc = 0;
out:
	free(sp);
	free(sp_at);
	return rc;
}

static int read_traces(struct reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (want_list(R, list, "traces"))
		return -1;
	s->trace = calloc(list_len(list), sizeof *s->trace);
	s->trace_hash = calloc(list_len(list), sizeof *s->trace_hash);
	if (!s->trace || !s->trace_hash)
		return gs_errf(R->err, "%s: out of memory", s->path);
	for (size_t i = 0; i < list_len(list); i++) {
		const yaml_node_t *vn = node(R, list->data.sequence.items.start[i]);
		struct gs_err e;

		if (want_scalar(R, vn, "traces"))
			return -1;
		if (!(s->trace[i] = relative_to_spec(s, text(vn))))
			return gs_errf(R->err, "%s: out of memory", s->path);
		s->ntraces++;
		if (file_hash(s->trace[i], s->trace_hash[i], &e))
			return FAIL(R, vn, "traces: %s", e.msg);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->trace_hash[j], s->trace_hash[i]))
				return FAIL(R, vn, "traces: %s has the same contents as %s",
					    s->trace[i], s->trace[j]);
	}
	return 0;
}

/* The top-level keys, each at most once, then the rules between them. */
struct top {
	const yaml_node_t *sweep, *base, *set, *grid, *zip, *exclude, *workloads, *patterns,
		*sparsities, *seeds, *batches, *dist, *variant, *traces;
};

static const yaml_node_t **top_slot(struct top *t, const char *key)
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

static int read_top(struct reader *R, const yaml_node_t *root, struct top *t)
{
	if (!root || root->type != YAML_MAPPING_NODE)
		return root ? FAIL(R, root, "top level: a %s, not a mapping (expected a mapping "
				   "of: %s)", yaml_kind(root), top_keys) :
			      gs_errf(R->err, "%s: empty (expected a mapping of: %s)", R->s->path,
				      top_keys);
	memset(t, 0, sizeof *t);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = node(R, p->key), **slot;

		if (want_scalar(R, kn, "top level"))
			return -1;
		if (!(slot = top_slot(t, text(kn))))
			return FAIL(R, kn, "%.63s: unknown key (expected one of: %s)", text(kn),
				    top_keys);
		if (*slot)
			return FAIL(R, kn, "%s: duplicate key (first given at line %zu)", text(kn),
				    (*slot)->start_mark.line + 1);
		*slot = node(R, p->value);
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

static int read_name(struct reader *R, const yaml_node_t *n)
{
	const char *v;

	if (want_scalar(R, n, "sweep"))
		return -1;
	v = text(n);
	if (strlen(v) >= SWEEP_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(v))
		return FAIL(R, n, "sweep: %.70s: not a name (expected 1 to %d of A-Z a-z 0-9 . _ -)",
			    v, SWEEP_NAME_MAX - 1);
	snprintf(R->s->name, sizeof R->s->name, "%s", v);
	return 0;
}

static int read_base(struct reader *R, const yaml_node_t *n)
{
	struct sweep_spec *s = R->s;

	if (want_scalar(R, n, "base"))
		return -1;
	if (!(s->base_path = relative_to_spec(s, text(n))))
		return gs_errf(R->err, "%s: out of memory", s->path);
	cfg_defaults(&s->base);
	/* The base on its own, with its own locations. */
	if (cfg_load_file(&s->base, s->base_path, R->err) ||
	    cfg_validate(&s->base, s->base_path, R->err))
		return -1;
	for (size_t i = 0; i < GS_CFG_KEYS_MAX; i++)
		s->base.key_line[i] = s->base.key_col[i] = 0;
	return 0;
}

static int read_enum(struct reader *R, const yaml_node_t *n, const char *what,
		     const char *const names[2], int *out)
{
	if (want_scalar(R, n, what))
		return -1;
	for (int i = 0; i < 2; i++)
		if (!strcmp(text(n), names[i])) {
			*out = i;
			return 0;
		}
	return FAIL(R, n, "%s: %.40s: unknown (expected %s or %s)", what, text(n), names[0],
		    names[1]);
}

static int read_workload_axes(struct reader *R, const struct top *t)
{
	struct sweep_spec *s = R->s;
	static const char *const dists[2] = { "gaussian", "laplace" };
	static const char *const variants[2] = { "store", "scatter" };
	double *v = NULL;
	struct spec_loc *at = NULL;
	int rc = -1;

	if (read_workloads(R, t->workloads) || read_prunes(R, t->patterns, t->sparsities))
		return -1;
	if (t->dist && read_enum(R, t->dist, "dist", dists, &s->dist))
		return -1;
	if (t->variant && read_enum(R, t->variant, "variant", variants, &s->variant))
		return -1;
	if (t->seeds) {
		if (read_numbers(R, t->seeds, "seeds", 0, 9007199254740992.0, 1, &v, &at,
				 &s->nseeds))
			goto out;
		if (!(s->seed = calloc(s->nseeds, sizeof *s->seed)))
			goto oom;
		for (size_t i = 0; i < s->nseeds; i++)
			s->seed[i] = (uint64_t)v[i];
		free(v);
		free(at);
		v = NULL;
		at = NULL;
	} else {
		if (!(s->seed = calloc(1, sizeof *s->seed)))
			goto oom;
		s->seed[0] = 1;
		s->nseeds = 1;
	}
	if (t->batches) {
		if (read_numbers(R, t->batches, "batches", 1, 65536, 1, &v, &at, &s->nbatches))
			goto out;
		if (!(s->batch = calloc(s->nbatches, sizeof *s->batch)))
			goto oom;
		for (size_t i = 0; i < s->nbatches; i++)
			s->batch[i] = (uint32_t)v[i];
	} else {
		if (!(s->batch = calloc(1, sizeof *s->batch)))
			goto oom;
		s->nbatches = 1;	/* batch 0: the layer's own */
	}
	rc = 0;
	goto out;
oom:
	gs_errf(R->err, "%s: out of memory", s->path);
out:
	free(v);
	free(at);
	return rc;
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

static int read_spec(struct reader *R)
{
	struct sweep_spec *s = R->s;
	const yaml_node_t *root = yaml_document_get_root_node(&R->y.doc);
	struct top t;

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
	if (t.traces ? read_traces(R, t.traces) : read_workload_axes(R, &t))
		return -1;
	if (yaml_finish(&R->y, R->err) || spec_hash(s, R->err))
		return -1;
	return sweep_enumerate_machines(s, R->err);
}

int sweep_load(struct sweep_spec **out, const char *path, struct gs_err *err)
{
	struct reader R = { .err = err };
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
