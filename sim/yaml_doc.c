/*
** yaml_doc.c: reading one YAML file into a document (see yaml_doc.h).
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_doc.h"

static int syntax_error(const char *file, const yaml_parser_t *p, struct gs_err *err)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return gs_errf(err, "%s: out of memory reading YAML", file);
	case YAML_READER_ERROR:
		if (p->problem_value != -1)
			return gs_errf(err, "%s: byte %zu: YAML syntax error: %s (#%X)", file,
				       p->problem_offset, problem, (unsigned)p->problem_value);
		return gs_errf(err, "%s: byte %zu: YAML syntax error: %s", file, p->problem_offset,
			       problem);
	default:
		if (p->context)
			return gs_errf(err, "%s:%zu:%zu: YAML syntax error: %s (%s started at line "
				       "%zu, column %zu)", file, p->problem_mark.line + 1,
				       p->problem_mark.column + 1, problem, p->context,
				       p->context_mark.line + 1, p->context_mark.column + 1);
		return gs_errf(err, "%s:%zu:%zu: YAML syntax error: %s", file,
			       p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
	}
}

static const char *event_problem(const yaml_event_t *ev, int *documents)
{
	static const char alias[] = "alias/anchor not allowed (expected the value written out)";
	static const char tag[] = "tag not allowed (expected an untagged value)";
	const yaml_char_t *a = NULL, *t = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return alias;
	case YAML_SCALAR_EVENT:
		a = ev->data.scalar.anchor;
		t = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		a = ev->data.sequence_start.anchor;
		t = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		a = ev->data.mapping_start.anchor;
		t = ev->data.mapping_start.tag;
		break;
	case YAML_DOCUMENT_START_EVENT:
		if (++*documents == 2)
			return "a second YAML document is not allowed (expected one document per file)";
		break;
	default:
		break;
	}
	return a ? alias : t ? tag : NULL;
}

/* The event pass: a syntax error or absurd nesting is reported (-1), or
** the event-level problem before it; the first event-level problem is
** otherwise only noted, for the tree walk to order against. */
static int scan_events(struct yaml_file *y, const struct yaml_limits *lim, const char *buf,
		       size_t len, struct gs_err *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int documents = 0, rc = 0, done = 0, depth = 0;

	if (!yaml_parser_initialize(&p))
		return gs_errf(err, "%s: out of memory reading YAML", y->path);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		const char *what;

		if (!yaml_parser_parse(&p, &ev)) {
			if (!y->early.set)	/* else the earlier problem is reported */
				rc = syntax_error(y->path, &p, err);
			else
				rc = yaml_report_early(y, err);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > lim->max_depth && y->early.set) {
			rc = yaml_report_early(y, err);
			yaml_event_delete(&ev);
			break;
		}
		if (depth > lim->max_depth) {
			rc = gs_errf(err, "%s:%zu:%zu: nested deeper than %d levels (expected %s)",
				     y->path, ev.start_mark.line + 1, ev.start_mark.column + 1,
				     lim->max_depth, lim->depth_what);
			yaml_event_delete(&ev);
			break;
		}
		/* Scan on past a problem: the depth limit must hold before the
		** document API reads the whole file. */
		what = event_problem(&ev, &documents);
		if (what && !y->early.set)
			y->early = (struct yaml_early){ 1, ev.start_mark.line, ev.start_mark.column,
							what };
		done |= ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

static int read_file(const char *path, const struct yaml_limits *lim, char **out, size_t *len,
		     struct gs_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int e;

	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	buf = malloc(lim->max_bytes + 1);
	if (!buf) {
		fclose(f);
		return gs_errf(err, "%s: out of memory", path);
	}
	errno = 0;
	n = fread(buf, 1, lim->max_bytes + 1, f);
	e = errno;
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return gs_errf(err, "%s: cannot read: %s", path, strerror(e ? e : EIO));
	}
	fclose(f);
	if (n > lim->max_bytes) {
		free(buf);
		return gs_errf(err, "%s: larger than %zu bytes (expected %s)", path, lim->max_bytes,
			       lim->what);
	}
	*out = buf;
	*len = n;
	return 0;
}

int yaml_file_load(struct yaml_file *y, const char *path, const struct yaml_limits *lim,
		   struct gs_err *err)
{
	yaml_parser_t parser;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	memset(y, 0, sizeof *y);
	y->path = path;
	if (read_file(path, lim, &buf, &len, err))
		return -1;
	if (scan_events(y, lim, buf, len, err))
		goto free_buf;
	if (!yaml_parser_initialize(&parser)) {
		gs_errf(err, "%s: out of memory reading YAML", path);
		goto free_buf;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		/* e.g. an alias the event pass stopped at could be undefined */
		if (y->early.set)
			yaml_report_early(y, err);
		else
			syntax_error(path, &parser, err);
	} else {
		y->loaded = 1;
		rc = 0;
	}
	yaml_parser_delete(&parser);
free_buf:
	free(buf);
	return rc;
}

void yaml_file_free(struct yaml_file *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = 0;
}

int yaml_early_before(const struct yaml_file *y, yaml_mark_t m)
{
	const struct yaml_early *e = &y->early;

	return e->set && (e->line < m.line || (e->line == m.line && e->col <= m.column));
}

int yaml_report_early(const struct yaml_file *y, struct gs_err *err)
{
	return gs_errf(err, "%s:%zu:%zu: %s", y->path, y->early.line + 1, y->early.col + 1,
		       y->early.msg);
}

int yaml_fail_at(const struct yaml_file *y, yaml_mark_t m, struct gs_err *err, const char *fmt,
		 ...)
{
	char msg[GS_ERR_MAX];
	va_list ap;

	if (yaml_early_before(y, m))
		return yaml_report_early(y, err);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gs_errf(err, "%s:%zu:%zu: %s", y->path, m.line + 1, m.column + 1, msg);
}

int yaml_finish(const struct yaml_file *y, struct gs_err *err)
{
	return y->early.set ? yaml_report_early(y, err) : 0;
}

const char *yaml_kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "mapping" :
	       n->type == YAML_SEQUENCE_NODE ? "sequence" : "scalar";
}

int yaml_is_empty(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

int yaml_is_quoted(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}
