/*
** sweep_worker.h: one sweep point, from its resolved description to a
** recorded run: the kernel generated (pruned weights reused from the
** previous points when only machine keys changed) or the trace opened,
** simulated, recorded with every parameter that names it. Used by the
** worker processes of sweep_run.c; no process handling here.
*/
#ifndef gs_sweep_worker_h
#define gs_sweep_worker_h

#include <signal.h>

#include "db.h"
#include "record.h"
#include "sweep.h"

struct sweep_worker;

struct sweep_worker *sweep_worker_new(const struct sweep_spec *s, struct gs_db *db);
void sweep_worker_free(struct sweep_worker *w);

/* Resolve, run and record point `index`. out->rc is the point's exit
** status; out->message says why it failed. Returns out->rc. */
int sweep_worker_run(struct sweep_worker *w, size_t index, const volatile sig_atomic_t *stop,
		     struct run_outcome *out);

/* Record point `index` as failed with message (e.g. its worker process
** died), with the parameters a run of it would carry. 0 or -1. */
int sweep_worker_record_failure(struct sweep_worker *w, size_t index, const char *message);

/* The resolved point of the last sweep_worker_run (for messages). */
const struct sweep_point *sweep_worker_point(const struct sweep_worker *w);

#endif
