/*
** config_value.c: one config value at a time: parsing a scalar for a key
** of the table (config_table.h), and the wording of what is wrong with it
** ("what (expected ...)", with a "did you mean" where one is close), shared
** by YAML files and --set so both say exactly the same.
*/
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_table.h"

/* ---- suggestions ---- */

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Case-insensitive edit distance, capped for long inputs. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[65], diag, up;

	if (na > 64 || nb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t best = diag + (lower(a[i - 1]) != lower(b[j - 1]));

			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

static int close_enough(size_t dist, size_t len)
{
	return dist <= (len <= 4 ? 1u : 2u);
}

/* A close sibling under the section, else a key or section anywhere whose
** last part is this name (a key put in the wrong section). */
static void suggest(const char *section, size_t slen, const char *name, size_t nlen,
		    char *out, size_t n)
{
	size_t best = SIZE_MAX, bl = 0;
	const char *bp = NULL;

	out[0] = '\0';
	for (size_t i = 0; i < cfg_nkeys; i++) {
		size_t cl, d;
		const char *child = cfg_child_of(i, section, slen, &cl);

		if (child && (d = edit_distance(name, nlen, child, cl)) < best) {
			best = d;
			bp = cfg_keys[i].path;
			bl = (size_t)(child - bp) + cl;
		}
	}
	if (bp && close_enough(best, nlen)) {
		snprintf(out, n, "%.*s", (int)bl, bp);
		return;
	}
	for (size_t i = 0; i < cfg_nkeys; i++) {
		const char *p = cfg_keys[i].path, *part = p;

		for (;;) {
			size_t pl = strcspn(part, ".");

			if (edit_distance(part, pl, name, nlen) == 0) {
				snprintf(out, n, "%.*s", (int)((size_t)(part - p) + pl), p);
				return;
			}
			if (!part[pl])
				break;
			part += pl + 1;
		}
	}
}

void cfg_unknown_key(const char *path, size_t len, char *why, size_t n)
{
	const char *dot = NULL, *name;
	size_t slen, nlen;
	char list[512], hint[160] = "";

	for (size_t i = 0; i < len; i++)
		if (path[i] == '.')
			dot = path + i;
	slen = dot ? (size_t)(dot - path) : 0;
	name = dot ? dot + 1 : path;
	nlen = len - (size_t)(name - path);
	cfg_children(path, slen, list, sizeof list);
	suggest(path, slen, name, nlen, hint, sizeof hint);
	if (!cfg_is_section(path, slen))
		snprintf(why, n, "unknown key (expected %.*s to have no sub-keys)", (int)slen, path);
	else if (hint[0])
		snprintf(why, n, "unknown key, did you mean %s? (expected one of: %s)", hint, list);
	else
		snprintf(why, n, "unknown key (expected one of: %s)", list);
}

/* ---- values ---- */

void cfg_show(const char *text, size_t len, char *out, size_t n)
{
	size_t o = 0, max = 40;

	for (size_t i = 0; i < len && i < max && o + 1 < n; i++)
		out[o++] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	if (len > max && o + 4 < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void cfg_expected(const struct cfg_key *k, char *out, size_t n)
{
	size_t used = 0;

	switch (k->type) {
	case CFG_INT:
		snprintf(out, n, "%s from %lld to %lld", k->pow2 ? "a power of two" : "an integer",
			 k->imin, k->imax);
		break;
	case CFG_DOUBLE:
		snprintf(out, n, "a number from %g to %g", k->dmin, k->dmax);
		break;
	case CFG_BOOL:
		snprintf(out, n, "true or false");
		break;
	case CFG_ENUM:
		used = (size_t)snprintf(out, n, "one of:");
		for (int i = 0; k->names[i] && used < n; i++)
			used += (size_t)snprintf(out + used, n - used, "%s %s", i ? "," : "",
						 k->names[i]);
		break;
	case CFG_NAME:
		snprintf(out, n, "1 to %d letters, digits, '.', '_' or '-'", GS_CFG_NAME_MAX - 1);
		break;
	}
}

static const char *type_noun(enum cfg_type t)
{
	switch (t) {
	case CFG_INT: return "an integer";
	case CFG_DOUBLE: return "a number";
	case CFG_BOOL: return "a boolean";
	default: return "a name";
	}
}

enum int_parse { INT_OK, INT_BAD, INT_LEADING_ZERO, INT_HUGE };

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)lower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Plain decimal with an optional sign, or 0x hex (no sign). */
static enum int_parse parse_int(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0;
	size_t i = 0, start;
	int neg = 0, huge = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			int d = hex_digit(s[i]);

			if (d < 0)
				return INT_BAD;
			if (v > (ULLONG_MAX >> 4))
				huge = 1;
			else
				v = v * 16 + (unsigned)d;
		}
	} else {
		if (i < n && (s[i] == '+' || s[i] == '-'))
			neg = s[i++] == '-';
		start = i;
		if (i == n)
			return INT_BAD;
		for (; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return INT_BAD;
			if (v > (ULLONG_MAX - 9) / 10)
				huge = 1;
			else
				v = v * 10 + (unsigned)(s[i] - '0');
		}
		if (n - start > 1 && s[start] == '0')
			return INT_LEADING_ZERO;
	}
	if (huge || v > (unsigned long long)LLONG_MAX)
		return INT_HUGE;
	*out = neg ? -(long long)v : (long long)v;
	return INT_OK;
}

/* [+-] digits [. digits] or . digits, then an optional exponent. */
static int is_decimal_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;

		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			exp++;
		if (!exp)
			return 0;
	}
	return i == n;
}

static int valid_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* One parser per value type: text is the scalar (len bytes), shown its
** printable form and expected the key's "expected ..." text for messages. */
struct value_text {
	const char *text;
	size_t len;
	const char *shown, *expected;
};

static int parse_int_value(const struct cfg_key *k, const struct value_text *v, void *field,
			   char *why, size_t n)
{
	long long iv;

	switch (parse_int(v->text, v->len, &iv)) {
	case INT_BAD:
		snprintf(why, n, "'%s' is not an integer (expected %s)", v->shown, v->expected);
		return -1;
	case INT_LEADING_ZERO:
		snprintf(why, n, "'%s' has a leading zero, which YAML 1.1 reads as octal "
			 "(expected %s, in decimal or 0x hex)", v->shown, v->expected);
		return -1;
	case INT_HUGE:
		iv = LLONG_MAX;
		break;
	case INT_OK:
		break;
	}
	if (iv < k->imin || iv > k->imax) {
		snprintf(why, n, "%s is out of range (expected %s)", v->shown, v->expected);
		return -1;
	}
	if (k->pow2 && !cfg_is_pow2((long)iv)) {
		snprintf(why, n, "%s is not a power of two (expected %s)", v->shown, v->expected);
		return -1;
	}
	*(int *)field = (int)iv;
	return 0;
}

static int parse_double_value(const struct cfg_key *k, const struct value_text *v, void *field,
			      char *why, size_t n)
{
	char buf[128];
	double dv = HUGE_VAL;	/* too long to be a sane number */

	if (!is_decimal_number(v->text, v->len)) {
		snprintf(why, n, "'%s' is not a number (expected %s)", v->shown, v->expected);
		return -1;
	}
	if (v->len < sizeof buf) {
		memcpy(buf, v->text, v->len);
		buf[v->len] = '\0';
		dv = strtod(buf, NULL);
	}
	if (!(dv >= k->dmin && dv <= k->dmax)) {
		snprintf(why, n, "%s is out of range (expected %s)", v->shown, v->expected);
		return -1;
	}
	*(double *)field = dv;
	return 0;
}

static int parse_bool_value(const struct value_text *v, void *field, char *why, size_t n)
{
	if (v->len == 4 && !memcmp(v->text, "true", 4))
		*(int *)field = 1;
	else if (v->len == 5 && !memcmp(v->text, "false", 5))
		*(int *)field = 0;
	else {
		snprintf(why, n, "'%s' is not a boolean (expected %s)", v->shown, v->expected);
		return -1;
	}
	return 0;
}

/* One of the key's names, or a "did you mean" for the closest. */
static int parse_enum_value(const struct cfg_key *k, const struct value_text *v, void *field,
			    char *why, size_t n)
{
	int best = -1;
	size_t bd = SIZE_MAX;

	for (int i = 0; k->names[i]; i++) {
		size_t nl = strlen(k->names[i]), d;

		if (nl == v->len && !memcmp(v->text, k->names[i], v->len)) {
			*(int *)field = i;
			return 0;
		}
		d = edit_distance(v->text, v->len, k->names[i], nl);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	if (best >= 0 && close_enough(bd, v->len))
		snprintf(why, n, "'%s' is not allowed, did you mean %s? (expected %s)", v->shown,
			 k->names[best], v->expected);
	else
		snprintf(why, n, "'%s' is not allowed (expected %s)", v->shown, v->expected);
	return -1;
}

static int parse_name_value(const struct value_text *v, char *field, char *why, size_t n)
{
	size_t good = 0;

	while (good < v->len && valid_name_char(v->text[good]))
		good++;
	if (good < v->len || v->len == 0 || v->len >= GS_CFG_NAME_MAX) {
		snprintf(why, n, "'%s' is not a valid name (expected %s)", v->shown, v->expected);
		return -1;
	}
	memset(field, 0, GS_CFG_NAME_MAX);	/* dumps and memcmp see no stale bytes */
	memcpy(field, v->text, v->len);
	return 0;
}

/* The YAML node's style can hold a value of k's type at all. */
static int style_fits(const struct cfg_key *k, const struct value_text *v,
		      enum cfg_style style, char *why, size_t n)
{
	if (style == CFG_MAPPING || style == CFG_SEQUENCE) {
		snprintf(why, n, "a %s is not %s (expected %s)",
			 style == CFG_MAPPING ? "mapping" : "sequence", type_noun(k->type),
			 v->expected);
		return 0;
	}
	if (style == CFG_PLAIN && v->len == 0) {
		snprintf(why, n, "missing value (expected %s)", v->expected);
		return 0;
	}
	if (style != CFG_PLAIN && k->type != CFG_ENUM && k->type != CFG_NAME) {
		if (style == CFG_QUOTED)
			snprintf(why, n, "'%s' is a quoted string, not %s (expected %s)", v->shown,
				 type_noun(k->type), v->expected);
		else
			snprintf(why, n, "a block string is not %s (expected %s)",
				 type_noun(k->type), v->expected);
		return 0;
	}
	return 1;
}

int cfg_parse_value(struct gs_config *c, const struct cfg_key *k, const char *text,
		    size_t len, enum cfg_style style, char *why, size_t n)
{
	char *field = (char *)c + k->offset, expected[160], shown[64];
	struct value_text v = { text, len, shown, expected };

	cfg_expected(k, expected, sizeof expected);
	cfg_show(text, len, shown, sizeof shown);
	if (!style_fits(k, &v, style, why, n))
		return -1;
	switch (k->type) {
	case CFG_INT: return parse_int_value(k, &v, field, why, n);
	case CFG_DOUBLE: return parse_double_value(k, &v, field, why, n);
	case CFG_BOOL: return parse_bool_value(&v, field, why, n);
	case CFG_ENUM: return parse_enum_value(k, &v, field, why, n);
	case CFG_NAME: return parse_name_value(&v, field, why, n);
	}
	return -1;
}

void cfg_name_from_path(struct gs_config *c, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t len;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (len == 0)
		return;
	if (len > GS_CFG_NAME_MAX - 1)
		len = GS_CFG_NAME_MAX - 1;
	memset(c->name, 0, sizeof c->name);
	for (size_t i = 0; i < len; i++)
		c->name[i] = valid_name_char(base[i]) ? base[i] : '_';
}
