/*
** yaml_doc.h: one YAML file read into a libyaml document, the way every
** gssim input written in YAML is read (configs, sweep specs). The event
** API first finds what the document API would hide (aliases, anchors,
** tags, a second document) and bounds the nesting; the document API then
** gives the tree the caller walks. Messages are "file:line:col: ...".
*/
#ifndef gs_yaml_doc_h
#define gs_yaml_doc_h

#include <stddef.h>
#include <yaml.h>

#include "err.h"

/* An event-level problem (alias, anchor, tag, second document), noted
** while the whole file is checked. Tree errors located before it are
** reported first; anything at or after it is reported as it, since
** aliased content appears at its anchor's place. */
struct yaml_early {
	int set;
	size_t line, col;	/* 0-based, as libyaml */
	const char *msg;
};

struct yaml_file {
	const char *path;
	yaml_document_t doc;
	int loaded;		/* doc holds a document */
	struct yaml_early early;
};

/* What the caller's file is, for the limit messages. */
struct yaml_limits {
	size_t max_bytes;	/* larger files are refused unread */
	int max_depth;		/* libyaml slows down quadratically with flow nesting */
	const char *what;	/* "a config file, a few hundred bytes" */
	const char *depth_what;	/* "a config nested at most 3 levels deep" */
};

/* Read, check and load path into y->doc. -1 with a located message for
** an unreadable or oversized file, a syntax error or absurd nesting; an
** event-level problem is only noted in y->early (the caller reports it in
** order with its own errors: yaml_fail_at, yaml_finish). */
int yaml_file_load(struct yaml_file *y, const char *path, const struct yaml_limits *lim,
		   struct gs_err *err);
void yaml_file_free(struct yaml_file *y);

/* Does the noted early problem come at or before mark m? */
int yaml_early_before(const struct yaml_file *y, yaml_mark_t m);
/* The early problem as the error. */
int yaml_report_early(const struct yaml_file *y, struct gs_err *err);
/* "path:line:col: message" at mark m, or the early problem if it comes first. */
int yaml_fail_at(const struct yaml_file *y, yaml_mark_t m, struct gs_err *err, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
/* After a clean walk: the early problem if any (-1), else 0. */
int yaml_finish(const struct yaml_file *y, struct gs_err *err);

/* "mapping", "sequence" or "scalar". */
const char *yaml_kind(const yaml_node_t *n);
/* A plain empty scalar ("key:" with nothing after it). */
int yaml_is_empty(const yaml_node_t *n);
/* A single- or double-quoted scalar. */
int yaml_is_quoted(const yaml_node_t *n);

#endif
