/*
** testutil.h: helpers shared by the Check suites.
*/
#ifndef gs_testutil_h
#define gs_testutil_h

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Write text to a fresh temporary file (alone in a new directory under
** $TMPDIR); returns its malloc'd path. */
char *tu_write_temp(const char *suffix, const char *text);
/* Remove a file made in a tu_write_temp or tu_temp_dir directory (with
** SQLite's side files), then the directory once empty; free path. Paths
** elsewhere are only freed. */
void tu_remove_temp(char *path);

/* Run the gssim binary ($GSSIM_BIN) with argv (NULL-terminated, without
** argv[0]); capture stdout+stderr (malloc'd, NUL-terminated) into *out if
** out is non-NULL. Returns the exit status (or 128+signal). */
int tu_run_gssim(const char *const *argv, char **out);

/* Read a whole file (malloc'd, NUL-terminated) or NULL. */
char *tu_read_file(const char *path, size_t *len);

/* A fresh temporary directory under $TMPDIR (malloc'd path). */
char *tu_temp_dir(void);

/* The paper's machine (configs/default.yaml) with every field written out
** by hand, not taken from the config table, so tests with hand-worked
** cycles do not silently follow default changes. */
void tu_paper_machine(struct gs_config *c, const char *name);

/* The first column of the first row of query q on database db (read
** only) as an integer, -1 when there is no row; a bad query fails the test. */
int64_t tu_sql_int(const char *db, const char *q);

#endif
