/*
** machine.h: the simulated processor: in-order front-end, vector lanes,
** gather/scatter engine on the banked scratchpad, memory channel and DMA,
** driven by the event core. Timing rules: docs/model.md.
*/
#ifndef gs_machine_h
#define gs_machine_h

#include <signal.h>

#include "config.h"
#include "err.h"
#include "insn.h"
#include "stats.h"

struct machine;

struct machine *machine_new(const struct gs_config *cfg, struct gs_err *err);
void machine_free(struct machine *m);

/* Run src to the end (once per machine: make a new machine per run).
** Returns 0 when complete, 1 when *stop became non-zero
** (stats then cover what ran), -1 on a trace error or a broken invariant
** (err says which). stop may be NULL. */
int machine_run(struct machine *m, struct gs_source *src,
		const volatile sig_atomic_t *stop, struct gs_err *err);

/* Statistics of the last run (valid until machine_free). The host.*
** statistics are 0 here: the simulator knows only simulated time; the
** caller that timed the run fills them (lab/host.h host_fill_stats). */
const struct gs_stats *machine_stats(const struct machine *m);

#endif
