/*
** sweep_sources.c: the instruction sources of a sweep spec: `traces`, or
** `workloads` x (`patterns`, `sparsities`) x `seeds` x `batches` with the
** `dist` and `variant` of synthetic weights. Part of the spec reader
** (sweep_spec.c); every value is checked where it is written.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "sparse.h"
#include "sweep_int.h"
#include "weights.h"
#include "workload.h"

static int read_workloads(struct spec_reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (spec_want_list(R, list, "workloads"))
		return -1;
	for (size_t i = 0; i < spec_list_len(list); i++) {
		const yaml_node_t *vn = spec_node(R, list->data.sequence.items.start[i]);
		const struct layer *first;
		size_t n = 1;
		struct gs_err e;
		char **w;
		struct spec_loc *at;

		if (spec_want_scalar(R, vn, "workloads"))
			return -1;
		if (strchr(spec_text(vn), ':')) {
			if (!(first = workload_find(spec_text(vn), &e)))
				return FAIL(R, vn, "workloads: %s", e.msg);
		} else if (workload_layers(spec_text(vn), &first, &n, &e)) {
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
			s->work_at[s->nwork++] = spec_loc_of(vn);
		}
	}
	return 0;
}

/* A number list: sparsities in [0, 1), seeds and batches integers. */
static int read_numbers(struct spec_reader *R, const yaml_node_t *list, const char *what,
			double lo, double hi, int integer, double **out, struct spec_loc **at,
			size_t *n)
{
	char range[64];

	if (integer)
		snprintf(range, sizeof range, "[%.0f, %.0f]", lo, hi);
	else
		snprintf(range, sizeof range, "[%g, 1)", lo);
	if (spec_want_list(R, list, what))
		return -1;
	*n = spec_list_len(list);
	*out = calloc(*n, sizeof **out);
	*at = calloc(*n, sizeof **at);
	if (!*out || !*at)
		return gs_errf(R->err, "%s: out of memory", R->s->path);
	for (size_t i = 0; i < *n; i++) {
		const yaml_node_t *vn = spec_node(R, list->data.sequence.items.start[i]);
		char *end;
		double v;

		if (spec_want_scalar(R, vn, what))
			return -1;
		errno = 0;
		v = strtod(spec_text(vn), &end);
		if (yaml_is_quoted(vn) || end == spec_text(vn) || *end || errno || !(v >= lo && v <= hi) ||
		    (integer && v != (double)(uint64_t)v))
			return FAIL(R, vn, "%s: %.40s: not %s in %s", what, spec_text(vn),
				    integer ? "an integer" : "a number", range);
		for (size_t j = 0; j < i; j++)
			if ((*out)[j] == v)
				return FAIL(R, vn, "%s: %s given twice (first at line %u)", what,
					    spec_text(vn), (*at)[j].line);
		(*out)[i] = v;
		(*at)[i] = spec_loc_of(vn);
	}
	return 0;
}

/* patterns x sparsities as (pattern, sparsity) pairs; a pattern with its
** own sparsity (dense 0, nm:N:M 1 - N/M) pairs with that only. */
static int read_prunes(struct spec_reader *R, const yaml_node_t *pats, const yaml_node_t *sps)
{
	struct sweep_spec *s = R->s;
	double *sp = NULL;
	struct spec_loc *sp_at = NULL;
	size_t nsp = 0, cap;
	int rc = -1;

	if (spec_want_list(R, pats, "patterns"))
		return -1;
	if (sps && read_numbers(R, sps, "sparsities", 0, nextafter(1.0, 0.0), 0, &sp, &sp_at, &nsp))
		goto out;
	cap = spec_list_len(pats) * (nsp ? nsp : 1);
	if (!(s->prune = calloc(cap, sizeof *s->prune))) {
		gs_errf(R->err, "%s: out of memory", s->path);
		goto out;
	}
	for (size_t i = 0; i < spec_list_len(pats); i++) {
		const yaml_node_t *pn = spec_node(R, pats->data.sequence.items.start[i]);
		struct pattern pat;
		struct gs_err e;
		const char *name;

		if (spec_want_scalar(R, pn, "patterns"))
			goto out;
		if (pattern_parse(spec_text(pn), s->base.vector.lanes, &pat, &e)) {
			FAIL(R, pn, "patterns: %s", e.msg);
			goto out;
		}
		if (!(name = spec_keep_string(R, spec_text(pn))))
			goto out;
		if (pat.kind == PAT_DENSE || pat.kind == PAT_NM) {
			s->prune[s->nprunes++] = (struct spec_prune){ name, spec_loc_of(pn),
				pat.kind == PAT_DENSE ? 0 : 1.0 - (double)pat.n / pat.m, spec_loc_of(pn) };
			continue;
		}
		if (!sps) {
			FAIL(R, pn, "patterns: %s needs a sparsity (expected a sparsities: list)",
			     spec_text(pn));
			goto out;
		}
		for (size_t j = 0; j < nsp; j++)
			s->prune[s->nprunes++] = (struct spec_prune){ name, spec_loc_of(pn), sp[j], sp_at[j] };
	}
	rc = 0;
out:
	free(sp);
	free(sp_at);
	return rc;
}

static int read_enum(struct spec_reader *R, const yaml_node_t *n, const char *what,
		     const char *const names[2], int *out)
{
	if (spec_want_scalar(R, n, what))
		return -1;
	for (int i = 0; i < 2; i++)
		if (!strcmp(spec_text(n), names[i])) {
			*out = i;
			return 0;
		}
	return FAIL(R, n, "%s: %.40s: unknown (expected %s or %s)", what, spec_text(n), names[0],
		    names[1]);
}

int spec_read_workload_axes(struct spec_reader *R, const struct spec_top *t)
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

int spec_read_traces(struct spec_reader *R, const yaml_node_t *list)
{
	struct sweep_spec *s = R->s;

	if (spec_want_list(R, list, "traces"))
		return -1;
	s->trace = calloc(spec_list_len(list), sizeof *s->trace);
	s->trace_hash = calloc(spec_list_len(list), sizeof *s->trace_hash);
	if (!s->trace || !s->trace_hash)
		return gs_errf(R->err, "%s: out of memory", s->path);
	for (size_t i = 0; i < spec_list_len(list); i++) {
		const yaml_node_t *vn = spec_node(R, list->data.sequence.items.start[i]);
		struct gs_err e;

		if (spec_want_scalar(R, vn, "traces"))
			return -1;
		if (!(s->trace[i] = spec_relative_path(s, spec_text(vn))))
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

