/*
** cli_common.c: helpers shared by the gssim subcommands (see cli.h).
*/
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int overrides_add(struct overrides *o, const char *assignment)
{
	if (o->n == o->cap) {
		int cap = o->cap ? o->cap * 2 : 8;
		const char **items = realloc(o->items, (size_t)cap * sizeof *items);

		if (!items)
			return -1;
		o->items = items;
		o->cap = cap;
	}
	o->items[o->n++] = assignment;
	return 0;
}

void overrides_free(struct overrides *o)
{
	free(o->items);
	*o = (struct overrides){ 0 };
}

void overrides_keys(const struct overrides *o, struct override_keys *k)
{
	k->n = 0;
	for (int i = 0; i < o->n; i++) {
		const char *a = o->items[i], *eq = strchr(a, '=');
		size_t len;
		int seen = 0;

		if (!eq)
			continue;
		while (*a == ' ' || *a == '\t')	/* the trimming cfg_set does */
			a++;
		len = (size_t)(eq - a);
		while (len && (a[len - 1] == ' ' || a[len - 1] == '\t'))
			len--;
		if (len >= sizeof k->key[0])
			continue;
		for (int j = 0; j < k->n && !seen; j++)
			seen = strlen(k->key[j]) == len && !strncmp(k->key[j], a, len);
		if (seen || k->n == GS_CFG_KEYS_MAX)
			continue;
		memcpy(k->key[k->n], a, len);
		k->key[k->n][len] = '\0';
		k->list[k->n] = k->key[k->n];
		k->n++;
	}
}

int load_config(struct gs_config *cfg, const char *path, const struct overrides *o,
		struct gs_err *err)
{
	cfg_defaults(cfg);
	if (path && cfg_load_file(cfg, path, err))
		return -1;
	for (int i = 0; o && i < o->n; i++)
		if (cfg_set(cfg, o->items[i], err))
			return -1;
	return cfg_validate(cfg, path ? path : "--set", err);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gssim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see gssim %s --help)\n", cmd);
	return EXIT_INPUT;
}

int option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return usage_error(cmd, "option %s needs a value", argv[optind - 1]);
	return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int report(const struct gs_err *err, int code)
{
	fprintf(stderr, "%s\n", err->msg);
	/* Running out of memory is not the input's fault (exit.h). */
	return code == EXIT_INPUT && gs_err_is_oom(err) ? EXIT_INTERNAL : code;
}

const struct command *find_command(const struct command *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}
