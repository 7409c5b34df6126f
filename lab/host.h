/*
** host.h: what gssim needs from the host around a simulation: stop
** signals, clocks and resource usage. Kept out of sim/, which only counts
** simulated time: the host.* statistics are filled in here by the caller
** of the simulation (lab/record.c).
*/
#ifndef gs_host_h
#define gs_host_h

#include <signal.h>
#include <stddef.h>

#include "stats.h"

/* SIGINT/SIGTERM set *flag (the only process-wide state: a signal flag). */
void install_stop_handlers(volatile sig_atomic_t **flag);

/* The signal that last set the handlers' stop flag (SIGINT, SIGTERM);
** 0 if none did or if flag is not that flag (a caller's own). */
int host_stop_signal(const volatile sig_atomic_t *flag);

/* "SIGINT", "SIGTERM", or "signal N" written into buf. */
const char *host_signal_name(int sig, char *buf, size_t cap);

/* Current UTC time as ISO-8601 (e.g. 2026-11-24T19:52:00Z). */
void utc_now(char out[32]);

/* Monotonic host clock, seconds (for differences only). */
double host_clock(void);

/* Fill the host.* statistics of a run that took `seconds` of wall-clock
** time: host.seconds, host.cycles_per_second and host.insns_per_second
** (from the simulated cycles and instructions already in st), and
** host.peak_rss_kib (getrusage of this process). */
void host_fill_stats(struct gs_stats *st, double seconds);

#endif
