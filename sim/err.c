/*
** err.c: located error messages (see err.h).
*/
#include <stdio.h>
#include <string.h>

#include "err.h"

int gs_verrf(struct gs_err *e, const char *fmt, va_list ap)
{
	if (e)
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return -1;
}

int gs_errf(struct gs_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_verrf(e, fmt, ap);
	va_end(ap);
	return -1;
}

int gs_err_is_oom(const struct gs_err *e)
{
	static const char what[] = "out of memory";

	return strncmp(e->msg, what, sizeof what - 1) == 0 ||
	       strstr(e->msg, ": " "out of memory") != NULL;
}
