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
#include "yaml_doc.h"

#define CFG_FILE_MAX (1u << 20)	/* a config is a few hundred bytes; refuse absurd files */

static const struct yaml_limits cfg_limits = {
	.max_bytes = CFG_FILE_MAX,
	.max_depth = 64,	/* a config needs 3 levels */
	.what = "a config file, a few hundred bytes",
	.depth_what = "a config nested at most 3 levels deep",
};

struct loader {
	const char *file;
	const struct yaml_file *y;
	yaml_document_t *doc;
	struct gs_config *c;
	struct gs_err *err;
};

#define early_first(L, m) yaml_early_before((L)->y, (m))
#define report_early(L) yaml_report_early((L)->y, (L)->err)
#define fail_at(L, m, ...) yaml_fail_at((L)->y, (m), (L)->err, __VA_ARGS__)

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
				       where, yaml_kind(kn), list);
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

int cfg_load_file(struct gs_config *c, const char *path, struct gs_err *err)
{
	struct yaml_file y;
	struct loader L = { .file = path, .y = &y, .doc = &y.doc, .c = c, .err = err };
	const yaml_node_t *root;
	char list[512];
	int rc;

	if (yaml_file_load(&y, path, &cfg_limits, err))
		return -1;
	cfg_name_from_path(c, path);	/* a name: key in the file overrides it */
	root = yaml_document_get_root_node(&y.doc);
	if (!root || is_empty_plain(root)) {
		rc = 0;		/* an empty file: all defaults */
	} else if (root->type == YAML_MAPPING_NODE) {
		rc = walk_mapping(&L, root, "", 0);
	} else {
		cfg_children("", 0, list, sizeof list);
		rc = fail_at(&L, root->start_mark, "top level: a %s, not a mapping (expected a "
			     "mapping of: %s)", yaml_kind(root), list);
	}
	if (rc == 0)
		rc = yaml_finish(&y, err);
	yaml_file_free(&y);
	return rc;
}
