/*
** trace_parse.h: the grammar of trace format v1 (docs/trace-format.md):
** one line of text to one gs_insn, checked against the machine. Internal to
** the trace reader (trace.c), which owns files and line buffering.
*/
#ifndef gs_trace_parse_h
#define gs_trace_parse_h

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "insn.h"

#define TRACE_VERSION 1

/* What the format checks an instruction against. */
struct trace_machine {
	unsigned lanes;		/* 1..GS_MAX_LANES */
	unsigned element_bytes;
	unsigned registers;	/* vector.registers */
	uint64_t spm_bytes;
};

/* One line of a trace: text[0..len) plus a NUL at text[len] (the text may
** hold NUL bytes, which are rejected). Parsing cuts the comment off. */
struct trace_line {
	const char *path;
	uint64_t lineno;
	char *text;
	size_t len;
};

/* The machine of cfg; -1 with a message naming path if cfg cannot be one
** (the config module validates it first, so this guards the format only). */
int trace_machine_from_config(struct trace_machine *m, const struct gs_config *cfg,
			      const char *path, struct gs_err *err);

/* Line 1: "gstrace 1". Returns 0 or -1 with "path:1:col: ...". */
int trace_parse_header(struct trace_line *l, struct gs_err *err);

/* Returns 1 with *out filled (out->line = l->lineno), 0 for a blank or
** comment-only line, or -1 with "path:line:col: ...". */
int trace_parse_line(struct trace_line *l, const struct trace_machine *m,
		     struct gs_insn *out, struct gs_err *err);

#endif
