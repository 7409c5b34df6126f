/*
** trace.h: text trace files, format v1 (docs/trace-format.md): reader and
** writer. Streams: one line in memory at a time, whatever the trace length.
*/
#ifndef gs_trace_h
#define gs_trace_h

#include <stdio.h>

#include "config.h"
#include "err.h"
#include "insn.h"

/*
** Open path as a gs_source. Instructions are checked against cfg (register
** numbers < vector.registers, at most vector.lanes indices, every scratchpad
** byte touched inside the scratchpad, byte counts > 0). Errors read
** "path:line:col: ..." (line 1 must be "gstrace 1"; it is read here, so a
** missing or wrong header fails trace_open itself). Returns 0 or -1.
** After 0 the caller must call src->close(src->ctx). next() after a parse
** error goes on with the next line; after a read error (I/O, a line over
** 1 MiB) it keeps failing.
*/
int trace_open(struct gs_source *src, const char *path,
	       const struct gs_config *cfg, struct gs_err *err);

/*
** Writer (gssim gen): the header line, then one canonical line per
** instruction that trace_open() reads back to the same gs_insn (.line
** aside; masked lanes after the last active one are left out, so nidx
** comes back as last active lane + 1, with idx[] beyond it masked).
** Returns 0, or -1 on a write error (or, errno = EINVAL, an unknown op).
*/
int trace_write_header(FILE *f);
int trace_write_insn(FILE *f, const struct gs_insn *in,
		     const struct gs_config *cfg);

#endif
