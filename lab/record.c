/*
** record.c: simulate a source and record the run (see record.h).
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "host.h"
#include "machine.h"
#include "record.h"
#include "version.h"

static int report(const struct gs_err *err, int code)
{
	fprintf(stderr, "%s\n", err->msg);
	return code == EXIT_INPUT && gs_err_is_oom(err) ? EXIT_INTERNAL : code;
}

static char *own(struct run_request *rq, const char *s, size_t n)
{
	char **owned = realloc(rq->owned, (size_t)(rq->nowned + 1) * sizeof *owned);
	char *copy;

	if (!owned)
		return NULL;
	rq->owned = owned;
	copy = malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	rq->owned[rq->nowned++] = copy;
	return copy;
}

int run_request_set(struct run_request *rq, const char *key, const char *value)
{
	const char *k, *v;

	for (int i = 0; i < rq->nparams; i++) {
		if (!strcmp(rq->params[i].key, key)) {
			v = own(rq, value, strlen(value));
			if (!v)
				return -1;
			rq->params[i].value = v;
			return 0;
		}
	}
	if (rq->nparams == rq->capparams) {
		int cap = rq->capparams ? rq->capparams * 2 : 8;
		struct db_param *p = realloc(rq->params, (size_t)cap * sizeof *p);

		if (!p)
			return -1;
		rq->params = p;
		rq->capparams = cap;
	}
	k = own(rq, key, strlen(key));
	v = own(rq, value, strlen(value));
	if (!k || !v)
		return -1;
	rq->params[rq->nparams].key = k;
	rq->params[rq->nparams].value = v;
	rq->nparams++;
	return 0;
}

int run_request_add_param(struct run_request *rq, const char *kv, struct gs_err *err)
{
	const char *eq = strchr(kv, '=');
	char *key;

	if (!eq || eq == kv)
		return gs_errf(err, "--param %s: expected KEY=VALUE", kv);
	key = own(rq, kv, (size_t)(eq - kv));
	if (!key || run_request_set(rq, key, eq + 1))
		return gs_errf(err, "out of memory");
	return 0;
}

void run_request_free(struct run_request *rq)
{
	for (int i = 0; i < rq->nowned; i++)
		free(rq->owned[i]);
	free(rq->owned);
	free(rq->params);
	rq->owned = NULL;
	rq->params = NULL;
	rq->nowned = rq->nparams = rq->capparams = 0;
}

int parse_seed(const char *s, uint64_t *seed, struct gs_err *err)
{
	char *end;

	errno = 0;
	*seed = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return gs_errf(err, "--seed %s: expected an unsigned integer", s);
	return 0;
}

static void print_summary(const struct gs_config *cfg, const char *name, const char *hash,
			  const char *src_name, const struct gs_stats *st,
			  const char *status, int64_t run_id, const char *db_path)
{
	const double *v = st->v;
	double cycles = v[ST_CYCLES] > 0 ? v[ST_CYCLES] : 1;

	printf("gssim run: config %s (%s), %s\n", name, hash, src_name);
	printf("  %-22s %.0f  (%.3f us at %.2f GHz)\n", "cycles", v[ST_CYCLES],
	       v[ST_TIME_US], cfg->clock_ghz);
	printf("  %-22s %.0f  (ipc %.3f)\n", "instructions", v[ST_INSN_TOTAL], v[ST_IPC]);
	printf("  %-22s %.0f, passes %.0f, conflicts %.0f", "gathers",
	       v[ST_GATHER_COUNT], v[ST_GATHER_PASSES], v[ST_GATHER_CONFLICTS]);
	if (v[ST_GATHER_COUNT] > 0)
		printf("  (%.3f passes/gather)", v[ST_GATHER_PASSES] / v[ST_GATHER_COUNT]);
	printf("\n  %-22s %.0f, passes %.0f, conflicts %.0f\n", "scatters",
	       v[ST_SCATTER_COUNT], v[ST_SCATTER_PASSES], v[ST_SCATTER_CONFLICTS]);
	printf("  %-22s %.3f  (%.0f of %.0f lane-ops)\n", "lane utilisation",
	       v[ST_LANE_UTIL], v[ST_LANE_ACTIVE], v[ST_LANE_SLOTS]);
	printf("  %-22s %.3f  (%.0f bytes)\n", "memory bandwidth used", v[ST_MEM_UTIL],
	       v[ST_MEM_LOAD_BYTES] + v[ST_MEM_STORE_BYTES] + v[ST_DMA_IN_BYTES] +
	       v[ST_DMA_OUT_BYTES]);
	printf("  %-22s", "cycle stack");
	for (int s = ST_CPI_ISSUE; s <= ST_CPI_DRAIN; s++)
		if (v[s] > 0)
			printf(" %s %.1f%%", stat_name(s) + 4, 100.0 * v[s] / cycles);
	printf("\n  %-22s %.3f s, %.2f M cycles/s, %.2f M insns/s\n", "host",
	       v[ST_HOST_SECONDS], v[ST_HOST_CPS] / 1e6, v[ST_HOST_IPS] / 1e6);
	if (run_id > 0)
		printf("  %-22s run %" PRId64 " in %s (%s)\n", "recorded as", run_id,
		       db_path, status);
}

/* The runs row fields that say what was run, by which gssim. */
static void run_identity(struct db_run *run, const struct gs_config *cfg,
			 const struct run_request *rq, const char *config_text,
			 const char *config_hash, const char *started)
{
	run->started_at = started;
	run->config_name = rq->config_name ? rq->config_name : cfg->name;
	run->config_text = config_text;
	run->config_hash = config_hash;
	run->version = GSSIM_VERSION;
	run->seed = rq->seed;
	run->point_key = rq->point_key;
	run->params = rq->params;
	run->nparams = rq->nparams;
}

/* Why an interrupted run stopped, for runs.message. */
static void interrupted_message(char *buf, size_t cap, const volatile sig_atomic_t *stop,
				double insns)
{
	char name[32];
	int sig = host_stop_signal(stop);

	snprintf(buf, cap, "interrupted by %s after %.0f instructions (the statistics cover"
		 " them)", sig ? host_signal_name(sig, name, sizeof name) : "a stop request",
		 insns);
}

int record_simulation(struct gs_db *db, const struct gs_config *cfg, struct gs_source *src,
		      const struct run_request *rq, const volatile sig_atomic_t *stop,
		      struct run_outcome *out)
{
	double t0 = host_clock();
	struct machine *m = NULL;
	struct gs_err err;
	struct db_run run = { 0 };
	struct gs_stats st;
	char started[32];
	char *config_text = NULL;
	int r, r_db;

	memset(out, 0, sizeof *out);
	out->rc = EXIT_INTERNAL;
	m = machine_new(cfg, &err);
	config_text = cfg_dump(cfg);
	if (m && !config_text)
		gs_errf(&err, "out of memory");
	if (!m || !config_text) {
		snprintf(out->message, sizeof out->message, "%s", err.msg);
		goto out;
	}
	cfg_hash(cfg, out->config_hash);
	utc_now(started);
	err.msg[0] = '\0';
	r = machine_run(m, src, stop, &err);
	/* host.* and host_seconds: the whole run as timed here (machine set-up,
	** reading or generating the instruction stream, simulating), up to the
	** end or the failure; the database write is not included. */
	st = *machine_stats(m);
	host_fill_stats(&st, host_clock() - t0);
	if (r == 1)
		interrupted_message(out->message, sizeof out->message, stop,
				    st.v[ST_INSN_TOTAL]);
	else
		snprintf(out->message, sizeof out->message, "%s", err.msg);
	out->status = r == 0 ? "complete" : r == 1 ? "interrupted" : "failed";

	run_identity(&run, cfg, rq, config_text, out->config_hash, started);
	run.trace = src->name ? src->name(src->ctx) : "?";
	run.host_seconds = st.v[ST_HOST_SECONDS];
	run.status = out->status;
	run.message = r != 0 ? out->message : NULL;
	run.stats = r < 0 ? NULL : &st;
	snprintf(out->source, sizeof out->source, "%s", run.trace);
	r_db = db_record_run(db, &run, &out->run_id, &err);
	if (r_db < 0) {
		out->recorded = 0;
		out->rc = gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT;
		snprintf(out->message, sizeof out->message, "%s", err.msg);
		goto out;
	}
	out->recorded = 1;
	out->already = r_db == 1;
	if (r < 0) {
		/* A trace error is bad input; a broken invariant is our bug, and
		** running out of memory is not the input's fault either. */
		out->rc = strstr(err.msg, "internal invariant") || gs_err_is_oom(&err) ?
			  EXIT_INTERNAL : EXIT_INPUT;
		goto out;
	}
	out->stats = st;
	out->stats.bank_reads = out->stats.bank_writes = NULL;	/* owned by the machine */
	out->have_stats = 1;
	if (rq->out_v)
		memcpy(rq->out_v, st.v, sizeof st.v);
	out->rc = r == 1 ? EXIT_INTERRUPTED : EXIT_OK;
out:
	free(config_text);
	machine_free(m);
	return out->rc;
}

int record_failure(struct gs_db *db, const struct gs_config *cfg, const struct run_request *rq,
		   const char *source, struct run_outcome *out)
{
	struct db_run run = { 0 };
	struct gs_err err;
	char started[32];
	char *config_text = cfg_dump(cfg);

	if (!config_text)
		return out->rc;
	cfg_hash(cfg, out->config_hash);
	utc_now(started);
	run_identity(&run, cfg, rq, config_text, out->config_hash, started);
	run.trace = source;
	run.host_seconds = NAN;	/* nothing was simulated or timed: NULL */
	run.status = "failed";
	run.message = out->message;
	if (db_record_run(db, &run, &out->run_id, &err) == 0) {
		out->recorded = 1;
		out->status = "failed";
	}
	free(config_text);
	return out->rc;
}

int record_and_report(struct gs_db *db, const struct gs_config *cfg, struct gs_source *src,
		      const struct run_request *rq, const volatile sig_atomic_t *stop,
		      struct run_outcome *o)
{
	int rc = record_simulation(db, cfg, src, rq, stop, o);

	if (!o->recorded) {
		fprintf(stderr, "%s\n", o->message);
	} else if (o->have_stats) {
		if (!rq->quiet)
			print_summary(cfg, rq->config_name ? rq->config_name : cfg->name,
				      o->config_hash, o->source, &o->stats,
				      o->already ? "the same point, already complete there: "
				      "not recorded again" : o->status, o->run_id, rq->db_path);
	} else {
		fprintf(stderr, "%s\n", o->message);
		fprintf(stderr, "gssim run: recorded as failed run %" PRId64 " in %s\n",
			o->run_id, rq->db_path);
	}
	return rc;
}

int run_and_record(const struct gs_config *cfg, struct gs_source *src,
		   const struct run_request *rq)
{
	struct gs_db *db = NULL;
	volatile sig_atomic_t *stop;
	struct run_outcome *o;
	struct gs_err err;
	int rc;

	o = malloc(sizeof *o);
	if (!o) {
		fprintf(stderr, "gssim run: out of memory\n");
		return EXIT_INTERNAL;
	}
	if (db_open(&db, rq->db_path, &err)) {
		free(o);
		return report(&err, EXIT_INPUT);
	}
	install_stop_handlers(&stop);
	rc = record_and_report(db, cfg, src, rq, stop, o);
	free(o);
	db_close(db);
	return rc;
}
