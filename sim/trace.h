/*
** trace.h: reader for text trace files, format v1 (docs/trace-format.md).
** Streams: one line in memory at a time, whatever the trace length.
*/
#ifndef gs_trace_h
#define gs_trace_h

#include "config.h"
#include "err.h"
#include "insn.h"

/*
** Open path as a gs_source. Instructions are checked against cfg (register
** numbers < vector.registers, at most vector.lanes indices, every scratchpad
** byte touched inside the scratchpad, byte counts > 0). Errors read
** "path:line:col: ..." (line 1 must be "gstrace 1"). Returns 0 or -1.
** The caller must call src->close(src->ctx).
*/
int trace_open(struct gs_source *src, const char *path,
	       const struct gs_config *cfg, struct gs_err *err);

#endif
