/*
** host.c: stop signals and timestamps (see host.h).
*/
#include <string.h>
#include <time.h>

#include "host.h"

static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
	(void)sig;
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

void utc_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
