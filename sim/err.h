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

#endif
