/*
** host.c: stop signals, clocks, resource usage (see host.h).
*/
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "host.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	stop_flag = 1;
}

void install_stop_handlers(volatile sig_atomic_t **flag)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	/* Restart interrupted reads: the simulator notices the flag itself,
	** and a trace read must not see a signal as end of file. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	*flag = &stop_flag;
}

int host_stop_signal(const volatile sig_atomic_t *flag)
{
	return flag == &stop_flag ? stop_signal : 0;
}

const char *host_signal_name(int sig, char *buf, size_t cap)
{
	if (sig == SIGINT)
		return "SIGINT";
	if (sig == SIGTERM)
		return "SIGTERM";
	snprintf(buf, cap, "signal %d", sig);
	return buf;
}

void utc_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double host_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void host_fill_stats(struct gs_stats *st, double seconds)
{
	double *v = st->v;
	struct rusage ru;

	v[ST_HOST_SECONDS] = seconds;
	v[ST_HOST_CPS] = seconds > 0 ? v[ST_CYCLES] / seconds : 0.0;
	v[ST_HOST_IPS] = seconds > 0 ? v[ST_INSN_TOTAL] / seconds : 0.0;
	/* ru_maxrss is in KiB on Linux */
	v[ST_HOST_RSS] = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss : 0.0;
}
