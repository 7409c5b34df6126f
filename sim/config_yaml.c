/*
** config_yaml.c: cfg_load_file, a YAML file onto a gs_config. libyaml's
** event API first finds what its document API would hide (aliases, anchors,
** tags, a second document); the document API then gives the tree that is
** walked against the key table. Only the first problem in the file is
** reported, located at its line:column.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config_table.h"

#define CFG_FILE_MAX (1u << 20)	/* a config is a few hundred bytes; refuse absurd files */

/* An event-level problem (alias, anchor, tag, second document). Tree
** errors located before it are reported first; anything at or after it is
** reported as it, since aliased content appears at its anchor's place. */
struct early {
	int set;
	size_t line, col;	/* 0-based, as libyaml */
	const char *msg;
};

struct loader {
	const char *file;
	yaml_document_t *doc;
	struct gs_config *c;
	struct gs_err *err;
	struct early early;
};

static int early_first(const struct loader *L, yaml_mark_t m)
{
	const struct early *e = &L->early;

	return e->set && (e->line < m.line || (e->line == m.line && e->col <= m.column));
}

static int report_early(struct loader *L)
{
	return gs_errf(L->err, "%s:%zu:%zu: %s", L->file, L->early.line + 1, L->early.col + 1,
		       L->early.msg);
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct loader *L, yaml_mark_t m, const char *fmt, ...)
{
	char msg[GS_ERR_MAX];
	va_list ap;

	if (early_first(L, m))
		return report_early(L);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gs_errf(L->err, "%s:%zu:%zu: %s", L->file, m.line + 1, m.column + 1, msg);
}

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

/* libyaml's scanner slows down quadratically with flow nesting ("[[[[..."
** takes minutes at 1 MiB); a config needs 3 levels. */
#define CFG_MAX_DEPTH 64

/* The event pass: a syntax error or absurd nesting is reported (-1), or
** the event-level problem before it; the first event-level problem is
** otherwise only noted, for the tree walk to order against. */
static int scan_events(struct loader *L, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int documents = 0, rc = 0, done = 0, depth = 0;

	if (!yaml_parser_initialize(&p))
		return gs_errf(L->err, "%s: out of memory reading YAML", L->file);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		const char *what;

		if (!yaml_parser_parse(&p, &ev)) {
			if (!L->early.set)	/* else the earlier problem is reported */
				rc = syntax_error(L->file, &p, L->err);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > CFG_MAX_DEPTH && L->early.set) {
			rc = report_early(L);
			yaml_event_delete(&ev);
			break;
		}
		if (depth > CFG_MAX_DEPTH) {
			rc = gs_errf(L->err, "%s:%zu:%zu: nested deeper than %d levels (expected a "
				     "config nested at most 3 levels deep)", L->file,
				     ev.start_mark.line + 1, ev.start_mark.column + 1, CFG_MAX_DEPTH);
			yaml_event_delete(&ev);
			break;
		}
		/* Scan on past a problem: the depth limit must hold before the
		** document API reads the whole file. */
		what = event_problem(&ev, &documents);
		if (what && !L->early.set)
			L->early = (struct early){ 1, ev.start_mark.line, ev.start_mark.column, what };
		done |= ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

static const char *kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "mapping" :
	       n->type == YAML_SEQUENCE_NODE ? "sequence" : "scalar";
}

static enum cfg_style style_of(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return CFG_MAPPING;
	if (n->type == YAML_SEQUENCE_NODE)
		return CFG_SEQUENCE;
	switch (n->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return CFG_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		return CFG_BLOCK;
	default:
		return CFG_PLAIN;
	}
}

static int is_empty_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       style_of(n) == CFG_PLAIN;
}

static int walk_mapping(struct loader *L, const yaml_node_t *map, const char *section, size_t slen)
{
	const char *where = slen ? section : "top level";
	char path[256], shown[64], display[160], list[512], why[768];

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = yaml_document_get_node(L->doc, p->key);
		const yaml_node_t *vn = yaml_document_get_node(L->doc, p->value);
		const struct cfg_key *k;
		const char *key;
		size_t klen, plen;

		if (!kn || !vn)
			return gs_errf(L->err, "%s: malformed YAML document", L->file);
		if (early_first(L, kn->start_mark))
			return report_early(L);
		cfg_children(section, slen, list, sizeof list);
		if (kn->type != YAML_SCALAR_NODE)
			return fail_at(L, kn->start_mark, "%s: a %s cannot be a key (expected one of: %s)",
				       where, kind(kn), list);
		key = (const char *)kn->data.scalar.value;
		klen = kn->data.scalar.length;
		cfg_show(key, klen, shown, sizeof shown);
		if (!klen)
			strcpy(shown, "\"\"");
		snprintf(display, sizeof display, "%.*s%s%s", (int)slen, section, slen ? "." : "",
			 shown);
		plen = slen + (slen ? 1 : 0) + klen;
		if (plen < sizeof path) {
			memcpy(path, section, slen);
			if (slen)
				path[slen] = '.';
			memcpy(path + plen - klen, key, klen);
		} else {
			plen = 0;	/* longer than any key: unknown */
		}
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
			const yaml_node_t *prev = yaml_document_get_node(L->doc, q->key);

			if (prev->data.scalar.length == klen && !memcmp(prev->data.scalar.value, key, klen))
				return fail_at(L, kn->start_mark, "%s: duplicate key (first given at line %zu)",
					       display, prev->start_mark.line + 1);
		}
		if (memchr(key, '.', klen))
			return fail_at(L, kn->start_mark, "%s: a dotted key; nest it instead "
				       "(expected one of: %s)", display, list);
		k = plen ? cfg_find_key(path, plen) : NULL;
		if (k) {
			if (early_first(L, vn->start_mark))
				return report_early(L);
			if (cfg_parse_value(L->c, k, (const char *)(vn->type == YAML_SCALAR_NODE ?
								    vn->data.scalar.value : NULL),
					    vn->type == YAML_SCALAR_NODE ? vn->data.scalar.length : 0,
					    style_of(vn), why, sizeof why))
				return fail_at(L, vn->start_mark, "%s: %s", k->path, why);
			L->c->key_line[k - cfg_keys] = (uint32_t)vn->start_mark.line + 1;
			L->c->key_col[k - cfg_keys] = (uint32_t)vn->start_mark.column + 1;
		} else if (plen && cfg_is_section(path, plen)) {
			path[plen] = '\0';
			if (vn->type == YAML_MAPPING_NODE) {
				if (walk_mapping(L, vn, path, plen))
					return -1;
			} else if (!is_empty_plain(vn)) {	/* "vector:" alone: nothing set */
				cfg_children(path, plen, list, sizeof list);
				return fail_at(L, vn->start_mark, "%s: a section, not a %s (expected a "
					       "mapping of: %s)", path, vn->type == YAML_SEQUENCE_NODE ?
					       "sequence" : "value", list);
			}
		} else {
			if (plen)
				cfg_unknown_key(path, plen, why, sizeof why);
			else	/* longer than any key */
				snprintf(why, sizeof why, "unknown key (expected one of: %s)", list);
			return fail_at(L, kn->start_mark, "%s: %s", display, why);
		}
	}
	return 0;
}

static int read_file(const char *path, char **out, size_t *len, struct gs_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int e;

	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	buf = malloc(CFG_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return gs_errf(err, "%s: out of memory", path);
	}
	errno = 0;
	n = fread(buf, 1, CFG_FILE_MAX + 1, f);
	e = errno;
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return gs_errf(err, "%s: cannot read: %s", path, strerror(e ? e : EIO));
	}
	fclose(f);
	if (n > CFG_FILE_MAX) {
		free(buf);
		return gs_errf(err, "%s: larger than %u bytes (expected a config file, a few "
			       "hundred bytes)", path, CFG_FILE_MAX);
	}
	*out = buf;
	*len = n;
	return 0;
}

int cfg_load_file(struct gs_config *c, const char *path, struct gs_err *err)
{
	struct loader L = { .file = path, .c = c, .err = err };
	yaml_document_t doc;
	yaml_parser_t parser;
	const yaml_node_t *root;
	char *buf = NULL, list[512];
	size_t len = 0;
	int rc = -1;

	if (read_file(path, &buf, &len, err))
		return -1;
	cfg_name_from_path(c, path);	/* a name: key in the file overrides it */
	if (scan_events(&L, buf, len))
		goto free_buf;
	if (!yaml_parser_initialize(&parser)) {
		gs_errf(err, "%s: out of memory reading YAML", path);
		goto free_buf;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		/* e.g. an alias the event pass stopped at could be undefined */
		rc = L.early.set ? report_early(&L) : syntax_error(path, &parser, err);
		goto free_parser;
	}
	L.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || is_empty_plain(root)) {
		rc = 0;		/* an empty file: all defaults */
	} else if (root->type == YAML_MAPPING_NODE) {
		rc = walk_mapping(&L, root, "", 0);
	} else {
		cfg_children("", 0, list, sizeof list);
		rc = fail_at(&L, root->start_mark, "top level: a %s, not a mapping (expected a "
			     "mapping of: %s)", kind(root), list);
	}
	if (rc == 0 && L.early.set)
		rc = report_early(&L);
	yaml_document_delete(&doc);
free_parser:
	yaml_parser_delete(&parser);
free_buf:
	free(buf);
	return rc;
}
