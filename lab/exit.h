/*
** exit.h: gssim's exit statuses, shared by the commands and by the lab/
** modules that report an outcome (a run, a sweep point) the same way.
*/
#ifndef gs_exit_h
#define gs_exit_h

enum {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,	/* simulator bug (broken invariant), out of memory */
	EXIT_INPUT = 2,		/* bad config, trace, weights or option */
	EXIT_INTERRUPTED = 130
};

#endif
