/*
** config_table.h: the key table behind config.h, shared by the three files
** of the config module only: config.c (the tables, defaults, --set,
** cross-key rules, dump, hash), config_value.c (one scalar and its error
** wording), config_yaml.c (files) and config_docs.c (docs/config.md).
** Not for other modules: they see struct gs_config and config.h.
*/
#ifndef gs_config_table_h
#define gs_config_table_h

#include <stddef.h>

#include "config.h"

enum cfg_type {
	CFG_INT,	/* int field; plain decimal or 0x hex */
	CFG_DOUBLE,	/* double field; plain decimal number */
	CFG_BOOL,	/* int field, 0/1; true or false */
	CFG_ENUM,	/* int field, index into names */
	CFG_NAME	/* char[GS_CFG_NAME_MAX]: [A-Za-z0-9._-]{1,63} */
};

/* How a value was written: YAML scalar styles plus the non-scalars, so one
** function judges every "wrong type". --set values are CFG_PLAIN. */
enum cfg_style { CFG_PLAIN, CFG_QUOTED, CFG_BLOCK, CFG_MAPPING, CFG_SEQUENCE };

struct cfg_key {
	const char *path;		/* "scratchpad.banks": YAML nesting follows the dots */
	enum cfg_type type;
	size_t offset;			/* into struct gs_config */
	long long imin, imax;		/* CFG_INT: inclusive range */
	int pow2;			/* CFG_INT: powers of two only */
	double dmin, dmax;		/* CFG_DOUBLE: inclusive range */
	const char *const *names;	/* CFG_ENUM: NULL-terminated */
	long long idef;			/* default: CFG_INT, CFG_BOOL, CFG_ENUM (index) */
	double ddef;			/* default: CFG_DOUBLE */
	const char *sdef;		/* default: CFG_NAME */
	const char *unit;
	const char *doc;
};

/* A cross-key rule: broken() fills why ("what is wrong (expected ...)")
** and returns nonzero. keys: NULL-terminated, the first is blamed unless
** another was set later in the file. */
struct cfg_rule {
	const char *const *keys;
	const char *doc;
	int (*broken)(const struct gs_config *c, char *why, size_t n);
};

extern const struct cfg_key cfg_keys[];
extern const size_t cfg_nkeys;
extern const struct cfg_rule cfg_rules[];
extern const size_t cfg_nrules;

/* The leaf key with exactly this path (len bytes), or NULL. */
const struct cfg_key *cfg_find_key(const char *path, size_t len);

/* Is path (len bytes; "" = top level) a section, i.e. some key's path
** continues with '.' after it? The top level counts as a section. */
int cfg_is_section(const char *path, size_t len);

/* The name (*nlen bytes) of key i's part directly under section (len
** bytes; "" = top level), or NULL when key i is not in that section. */
const char *cfg_child_of(size_t i, const char *section, size_t len, size_t *nlen);

/* "a, b, c": the names directly under a section, in table order. */
void cfg_children(const char *section, size_t len, char *out, size_t n);

/* "an integer from 1 to 64", "true or false", ...: what k accepts. */
void cfg_expected(const struct cfg_key *k, char *out, size_t n);

/* Parse text (len bytes, may hold NULs) written in style into k's field.
** 0, or -1 with "what is wrong (expected ...)" in why. */
int cfg_parse_value(struct gs_config *c, const struct cfg_key *k, const char *text,
		    size_t len, enum cfg_style style, char *why, size_t n);

/* why = "unknown key[, did you mean P?] (expected one of: ...)" for the
** unknown path (len bytes) whose part before the last dot is a section. */
void cfg_unknown_key(const char *path, size_t len, char *why, size_t n);

/* k's value in c as canonical YAML text (the dump's spelling). */
void cfg_format_value(const struct gs_config *c, const struct cfg_key *k, char *out, size_t n);

/* Printable, length-capped copy of arbitrary bytes for messages. */
void cfg_show(const char *text, size_t len, char *out, size_t n);

static inline int cfg_is_pow2(long v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* Set name to the file's stem, made a valid name (kept if nothing is left). */
void cfg_name_from_path(struct gs_config *c, const char *path);

#endif
