/*
** err.c: located error messages (see err.h).
*/
#include <stdio.h>

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
