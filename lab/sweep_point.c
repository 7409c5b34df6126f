/*
** sweep_point.c: a sweep's points, computed on demand. Point i is
** (source, machine) with the machine innermost: i = source * nmachines +
** machine. Machines are the included combinations of the grid and zip
** dimensions (mixed radix, the last dimension fastest); sources are the
** traces, or workload x (pattern, sparsity) x seed x batch.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "sparse.h"
#include "sweep_int.h"

/* The value index of each axis in machine combination c. */
static void machine_digits(const struct sweep_spec *s, uint32_t c, size_t digit[])
{
	size_t d_of[SWEEP_KEYS_MAX];

	for (int d = s->ndims - 1; d >= 0; d--) {
		d_of[d] = c % s->dim_len[d];
		c /= (uint32_t)s->dim_len[d];
	}
	for (int a = 0; a < s->naxes; a++)
		digit[a] = d_of[s->axis[a].dim];
}

static int excluded(const struct sweep_spec *s, const size_t digit[])
{
	for (int e = 0; e < s->nexcl; e++) {
		const struct spec_exclude *x = &s->excl[e];
		int all = 1;

		for (int k = 0; k < x->n && all; k++)
			all = !strcmp(s->axis[x->axis[k]].v[digit[x->axis[k]]].canon, x->canon[k]);
		if (all)
			return 1;
	}
	return 0;
}

int sweep_enumerate_machines(struct sweep_spec *s, struct gs_err *err)
{
	size_t total = 1, digit[SWEEP_KEYS_MAX];

	for (int d = 0; d < s->ndims; d++) {
		if (total > MACHINES_MAX_ALL / s->dim_len[d])
			return gs_errf(err, "%s: more than %u machine combinations (split the sweep)",
				       s->path, MACHINES_MAX_ALL);
		total *= s->dim_len[d];
	}
	if (!(s->machine = malloc(total * sizeof *s->machine)))
		return gs_errf(err, "%s: out of memory", s->path);
	for (size_t c = 0; c < total; c++) {
		machine_digits(s, (uint32_t)c, digit);
		if (!excluded(s, digit))
			s->machine[s->nmachines++] = (uint32_t)c;
	}
	if (!s->nmachines)
		return gs_errf(err, "%s: exclude removes every machine (no points left)", s->path);
	return 0;
}

size_t sweep_nsources(const struct sweep_spec *s)
{
	return s->ntraces ? s->ntraces : s->nwork * s->nprunes * s->nseeds * s->nbatches;
}

size_t sweep_npoints(const struct sweep_spec *s)
{
	return sweep_nsources(s) * s->nmachines;
}

const char *sweep_name(const struct sweep_spec *s)
{
	return s->name;
}

const char *sweep_spec_hash(const struct sweep_spec *s)
{
	return s->hash;
}

void sweep_free(struct sweep_spec *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nset; i++)
		free(s->set[i].v);
	for (int i = 0; i < s->naxes; i++)
		free(s->axis[i].v);
	for (size_t i = 0; i < s->ntraces; i++)
		free(s->trace[i]);
	for (size_t i = 0; i < s->nwork; i++)
		free(s->work[i]);
	for (size_t i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->trace);
	free(s->trace_hash);
	free(s->work);
	free(s->work_at);
	free(s->prune);
	free(s->seed);
	free(s->batch);
	free(s->excl);
	free(s->machine);
	free(s->strings);
	free(s->base_path);
	free(s->dir);
	free(s->path);
	free(s);
}

/* Set one key of p->cfg from the spec (located there for cfg_validate). */
static int apply(const struct sweep_spec *s, struct sweep_point *p, const struct spec_axis *a,
		 const struct spec_value *v, int swept, struct gs_err *err)
{
	char why[768];
	int k = p->nkeys;

	/* Parsed before (canonical text); located at the spec's value. */
	if (cfg_set_value(&p->cfg, a->key, v->canon, 0, v->at.line, v->at.col, why, sizeof why))
		return gs_errf(err, "%s:%u:%u: %s: %s", s->path, v->at.line, v->at.col, a->key, why);
	p->key[k] = a->key;
	snprintf(p->value[k], sizeof p->value[k], "%s", v->canon);
	p->swept[k] = swept;
	p->nkeys++;
	return 0;
}

static void name_point(const struct sweep_spec *s, struct sweep_point *p)
{
	size_t len = (size_t)snprintf(p->config_name, sizeof p->config_name, "%s", s->base.name);
	int first = 1;

	for (int k = 0; k < p->nkeys; k++) {
		if (!p->swept[k])
			continue;
		if (len < sizeof p->config_name)
			len += (size_t)snprintf(p->config_name + len, sizeof p->config_name - len,
						"%s%s=%s", first ? "[" : ",", p->key[k], p->value[k]);
		first = 0;
	}
	if (!first && len < sizeof p->config_name)
		len += (size_t)snprintf(p->config_name + len, sizeof p->config_name - len, "]");
	if (len >= sizeof p->config_name)	/* a name only: the key is the identity */
		memcpy(p->config_name + sizeof p->config_name - 5, "...]", 5);
}

/* The point's machine: base, set keys, then this combination's values. */
static int point_machine(const struct sweep_spec *s, size_t m, struct sweep_point *p,
			 struct gs_err *err)
{
	size_t digit[SWEEP_KEYS_MAX];
	char where[600];
	size_t len;

	p->cfg = s->base;
	p->nkeys = 0;
	for (int i = 0; i < s->nset; i++)
		if (apply(s, p, &s->set[i], &s->set[i].v[0], 0, err))
			return -1;
	machine_digits(s, s->machine[m], digit);
	for (int a = 0; a < s->naxes; a++)
		if (apply(s, p, &s->axis[a], &s->axis[a].v[digit[a]], 1, err))
			return -1;
	name_point(s, p);
	if (!cfg_validate(&p->cfg, s->path, err))
		return 0;
	/* Name the point: a rule between keys failed for this combination. */
	len = strlen(err->msg);
	snprintf(where, sizeof where, " (point %zu, %s)", p->index, p->config_name);
	snprintf(err->msg + len, sizeof err->msg - len, "%s", where);
	return -1;
}

static int point_source(const struct sweep_spec *s, size_t src, struct sweep_point *p,
			struct gs_err *err)
{
	size_t batch, seed, prune, work;
	const struct spec_prune *pr;
	struct pattern pat;
	struct gs_err e;

	memset(&p->src, 0, sizeof p->src);
	p->workload = NULL;
	p->pattern_text = NULL;
	if (s->ntraces) {
		p->src.trace = s->trace[src];
		p->src.trace_hash = s->trace_hash[src];
		return 0;
	}
	batch = src % s->nbatches;
	src /= s->nbatches;
	seed = src % s->nseeds;
	src /= s->nseeds;
	prune = src % s->nprunes;
	work = src / s->nprunes;
	pr = &s->prune[prune];
	if (pattern_parse(pr->pattern, p->cfg.vector.lanes, &pat, &e) ||
	    gen_pattern_fits(&pat, p->cfg.vector.lanes, &e) ||
	    pattern_check_sparsity(&pat, pr->sparsity, &e))
		return gs_errf(err, "%s:%u:%u: patterns: %s (point %zu, %s)", s->path,
			       pr->at.line, pr->at.col, e.msg, p->index, p->config_name);
	pattern_name(&pat, p->pattern_name, sizeof p->pattern_name);
	p->workload = s->work[work];
	p->pattern_text = pr->pattern;
	p->src.layer = s->work[work];
	p->src.pattern = p->pattern_name;
	p->src.sparsity = pr->sparsity;
	p->src.seed = s->seed[seed];
	p->src.batch = s->batch[batch];
	p->src.dist = s->dist;
	p->src.variant = s->variant;
	return 0;
}

int sweep_point(const struct sweep_spec *s, size_t i, struct sweep_point *p, struct gs_err *err)
{
	if (i >= sweep_npoints(s))
		return gs_errf(err, "%s: point %zu: no such point (the sweep has %zu)", s->path, i,
			       sweep_npoints(s));
	p->index = i;
	if (point_machine(s, i % s->nmachines, p, err) ||
	    point_source(s, i / s->nmachines, p, err))
		return -1;
	return point_key(&p->cfg, &p->src, p->key_hex, err);
}

int sweep_check(const struct sweep_spec *s, struct gs_err *err)
{
	struct sweep_point *p = malloc(sizeof *p);
	size_t n = sweep_npoints(s);
	int rc = 0;

	if (!p)
		return gs_errf(err, "out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = sweep_point(s, i, p, err);
	free(p);
	return rc;
}
