/*
** err.h: located error messages.
** Every module reports input problems by filling a gs_err and returning -1;
** the CLI prints the message and exits with status 2. Messages always start
** with the location: "file:line:col: ", "file:line: " or "file: byte N: ".
*/
#ifndef gs_err_h
#define gs_err_h

#include <stdarg.h>

#define GS_ERR_MAX 1024

struct gs_err {
	char msg[GS_ERR_MAX];
};

/* Format a message into e (if e is non-NULL). Always returns -1 so callers
** can write `return gs_errf(e, "...")`. */
int gs_errf(struct gs_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int gs_verrf(struct gs_err *e, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The message reports an allocation failure: it starts with "out of
** memory" or has ": out of memory" after its location (the one wording
** every module uses, e.g. "W.npy: out of memory for 1048576 elements"). Callers map that to exit 1
** (internal), not 2 (bad input): the input may be fine. */
int gs_err_is_oom(const struct gs_err *e);

#endif
