/*
** host.h: what gssim needs from the host around a simulation: stop
** signals and wall-clock timestamps. Kept out of sim/, which only counts
** simulated time.
*/
#ifndef gs_host_h
#define gs_host_h

#include <signal.h>

/* SIGINT/SIGTERM set *flag (the only process-wide state: a signal flag). */
void install_stop_handlers(volatile sig_atomic_t **flag);

/* Current UTC time as ISO-8601 (e.g. 2026-11-24T19:52:00Z). */
void utc_now(char out[32]);

#endif
