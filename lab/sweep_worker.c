/*
** sweep_worker.c: run and record one sweep point (see sweep_worker.h).
**
** Pruning is the slow part of a small point and depends on the machine
** only through the resolved pattern (lanes) and, for GS patterns, the bank
** class of every column. The last PRUNE_CACHE_N pruned layers are kept,
** keyed by everything pruning reads, so a hardware sweep whose points are
** ordered machine-keys-innermost prunes each layer once per worker chunk.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "layer_job.h"
#include "point.h"
#include "run_params.h"
#include "sweep_worker.h"
#include "trace.h"
#include "weights.h"
#include "workload.h"

#define PRUNE_CACHE_N 2

struct cached_prune {
	char key[POINT_KEY_HEX + 1];	/* "" = empty slot */
	struct pruned pr;
	double frac;
	unsigned long last_use;
};

struct sweep_worker {
	const struct sweep_spec *spec;
	struct gs_db *db;
	struct sweep_point point;
	struct cached_prune cache[PRUNE_CACHE_N];
	unsigned long clock;
};

struct sweep_worker *sweep_worker_new(const struct sweep_spec *s, struct gs_db *db)
{
	struct sweep_worker *w = calloc(1, sizeof *w);

	if (w) {
		w->spec = s;
		w->db = db;
	}
	return w;
}

void sweep_worker_free(struct sweep_worker *w)
{
	if (!w)
		return;
	for (int i = 0; i < PRUNE_CACHE_N; i++)
		if (w->cache[i].key[0])
			pruned_free(&w->cache[i].pr);
	free(w);
}

const struct sweep_point *sweep_worker_point(const struct sweep_worker *w)
{
	return &w->point;
}

/* Everything layer_prune() reads, hashed: the job's weights and pattern,
** and the bank class of every column for GS patterns. */
static int prune_key(const struct layer_job *job, const struct layer *L,
		     const struct gs_config *cfg, char out[POINT_KEY_HEX + 1], struct gs_err *err)
{
	char text[1024], hex[POINT_KEY_HEX + 1] = "-", wh[POINT_KEY_HEX + 1] = "-";
	struct pattern pat;
	int n;

	if (pattern_parse(job->pattern, cfg->vector.lanes, &pat, err))
		return -1;
	if (job->weights && file_hash(job->weights, wh, err))
		return -1;
	if (pat.kind == PAT_GS) {
		uint32_t *bank = layer_col_banks(L, L->K, pat.B);

		if (!bank)
			return gs_errf(err, "out of memory");
		fnv128_hex(bank, (size_t)L->K * sizeof *bank, hex);
		free(bank);
	}
	n = snprintf(text, sizeof text, "%s:%s|%s|%.17g|%" PRIu64 "|%d|%s|%s", L->net, L->name,
		     job->pattern, job->sparsity, job->seed, job->dist, wh, hex);
	if (n < 0 || (size_t)n >= sizeof text)
		return gs_errf(err, "%s: prune key too long", L->name);
	fnv128_hex(text, (size_t)n, out);
	return 0;
}

static struct cached_prune *get_pruned(struct sweep_worker *w, const struct layer_job *job,
				       const struct layer *L, const struct gs_config *cfg,
				       struct gs_err *err)
{
	char key[POINT_KEY_HEX + 1];
	struct cached_prune *slot = &w->cache[0];

	if (prune_key(job, L, cfg, key, err))
		return NULL;
	for (int i = 0; i < PRUNE_CACHE_N; i++) {
		if (!strcmp(w->cache[i].key, key)) {
			w->cache[i].last_use = ++w->clock;
			return &w->cache[i];
		}
		if (w->cache[i].last_use < slot->last_use)
			slot = &w->cache[i];
	}
	if (slot->key[0])
		pruned_free(&slot->pr);
	slot->key[0] = '\0';
	if (layer_prune(job, L, cfg, &slot->pr, &slot->frac, err))
		return NULL;
	memcpy(slot->key, key, sizeof key);
	slot->last_use = ++w->clock;
	return slot;
}

#define SETF(key, fmt, val) do { snprintf(num, sizeof num, fmt, val); \
	if (run_request_set(rq, key, num)) return -1; } while (0)

/* The parameters every run of this point carries (docs/results-db.md). */
static int point_params(struct run_request *rq, const struct sweep_point *p,
			const struct sweep_spec *s)
{
	const char *job_id = getenv("SLURM_ARRAY_JOB_ID"), *task = getenv("SLURM_ARRAY_TASK_ID");
	char num[64];

	for (int i = 0; i < p->nkeys; i++)
		if (run_request_set(rq, p->key[i], p->value[i]))
			return -1;
	if (run_request_set(rq, "sweep.name", sweep_name(s)) ||
	    run_request_set(rq, "sweep.spec_hash", sweep_spec_hash(s)))
		return -1;
	SETF("sweep.point", "%zu", p->index);
	if (job_id && task && (run_request_set(rq, "slurm.array_job_id", job_id) ||
			       run_request_set(rq, "slurm.array_task_id", task)))
		return -1;
	if (p->src.trace)
		return run_request_set(rq, "trace", p->src.trace);
	return 0;
}

#undef SETF

/* The point failed before it could be simulated. */
static int fail(struct run_outcome *out, int rc, const char *msg)
{
	out->rc = rc;
	out->status = NULL;
	snprintf(out->message, sizeof out->message, "%s", msg);
	return rc;
}

static int run_layer_point(struct sweep_worker *w, struct run_request *rq,
			   const volatile sig_atomic_t *stop, struct run_outcome *out)
{
	const struct sweep_point *p = &w->point;
	struct layer_job job = {
		.gsf = p->src.gsf, .weights = p->src.weights, .pattern = p->src.pattern,
		.sparsity = p->src.sparsity, .seed = p->src.seed, .dist = p->src.dist,
		.batch = p->src.batch, .variant = p->src.variant,
	};
	const struct layer *L;
	struct cached_prune *c;
	struct kernel k;
	struct gs_err err;

	L = workload_find(p->src.layer, &err);
	if (!L || !(c = get_pruned(w, &job, L, &p->cfg, &err)))
		return fail(out, gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT, err.msg);
	if (run_params_layer(rq, p->workload, L, &p->src, &c->pr, c->frac))
		return fail(out, EXIT_INTERNAL, "out of memory");
	if (layer_generate(&job, L, &p->cfg, &c->pr, &k, &err))
		return fail(out, gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT, err.msg);
	record_simulation(w->db, &p->cfg, &k.src, rq, stop, out);
	kernel_free(&k);
	return out->rc;
}

int sweep_worker_run(struct sweep_worker *w, size_t index, const volatile sig_atomic_t *stop,
		     struct run_outcome *out)
{
	struct sweep_point *p = &w->point;
	struct run_request rq = { 0 };
	struct gs_source src;
	struct gs_err err;

	memset(out, 0, sizeof *out);
	if (sweep_point(w->spec, index, p, &err))
		return fail(out, gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT, err.msg);
	rq.seed = p->src.seed;
	rq.point_key = p->key_hex;
	rq.config_name = p->config_name;
	rq.quiet = 1;
	if (point_params(&rq, p, w->spec)) {
		fail(out, EXIT_INTERNAL, "out of memory");
	} else if (p->src.trace) {
		if (trace_open(&src, p->src.trace, &p->cfg, &err)) {
			fail(out, gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT, err.msg);
		} else {
			record_simulation(w->db, &p->cfg, &src, &rq, stop, out);
			src.close(src.ctx);
		}
	} else {
		run_layer_point(w, &rq, stop, out);
	}
	/* A point that failed before simulating is recorded as failed too. */
	if (!out->status && out->rc != EXIT_INTERNAL)
		record_failure(w->db, &p->cfg, &rq, p->src.trace ? p->src.trace : p->src.layer, out);
	run_request_free(&rq);
	return out->rc;
}

int sweep_worker_record_failure(struct sweep_worker *w, size_t index, const char *message)
{
	struct sweep_point *p = &w->point;
	struct run_request rq = { 0 };
	struct run_outcome *out = calloc(1, sizeof *out);
	struct gs_err err;
	int rc = -1;

	if (!out)
		return -1;
	if (sweep_point(w->spec, index, p, &err) == 0) {
		rq.seed = p->src.seed;
		rq.point_key = p->key_hex;
		rq.config_name = p->config_name;
		out->rc = EXIT_INTERNAL;
		snprintf(out->message, sizeof out->message, "%s", message);
		if (point_params(&rq, p, w->spec) == 0) {
			record_failure(w->db, &p->cfg, &rq, p->src.trace ? p->src.trace :
				       p->src.layer, out);
			rc = out->recorded ? 0 : -1;
		}
	}
	run_request_free(&rq);
	free(out);
	return rc;
}
