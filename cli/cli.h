/*
** cli.h: what the gssim subcommands share: exit codes, the command table,
** option helpers (config loading with --set), signal handling.
*/
#ifndef gs_cli_h
#define gs_cli_h

#include <signal.h>
#include <stdio.h>

#include "config.h"
#include "err.h"
#include "exit.h"
#include "host.h"


struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The command called name among n, or NULL. */
const struct command *find_command(const struct command *cmds, size_t n, const char *name);

/* Collected --set assignments, applied after the config file. */
struct overrides {
	const char **items;
	int n, cap;
};
int overrides_add(struct overrides *o, const char *assignment);
void overrides_free(struct overrides *o);

/* The config keys the overrides set, each once, in the order first given
** (call after load_config accepted them: every key is then a real one). */
struct override_keys {
	char key[GS_CFG_KEYS_MAX][64];
	const char *list[GS_CFG_KEYS_MAX];	/* list[i] = key[i] */
	int n;
};
void overrides_keys(const struct overrides *o, struct override_keys *k);

/* Defaults, then path (if non-NULL), then overrides, then cross-key checks. */
int load_config(struct gs_config *cfg, const char *path, const struct overrides *o,
		struct gs_err *err);

/* "gssim CMD: message" on stderr; returns EXIT_INPUT. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long (in opts_parse) returned ':' (missing value) or '?'
** (unknown option) for `cmd`: say which, return EXIT_INPUT. */
int option_error(const char *cmd, int c, char **argv);
/* Print a located error on stderr; returns code, except EXIT_INTERNAL for
** an out-of-memory message given EXIT_INPUT. */
int report(const struct gs_err *err, int code);

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_docs(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_workloads(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_sweep_run(int argc, char **argv);
int cmd_sweep_status(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_plot(int argc, char **argv);

#endif
