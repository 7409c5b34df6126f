/*
** plot_db.c: reading a results database for plots (see plot_db.h).
**
** The file is opened with SQLITE_OPEN_READONLY: nothing here can write it,
** create it or leave a journal beside it. Values are fetched one key (or
** statistic) at a time with small indexed queries and matched to the runs
** by id, so no SQL text is ever built from user input.
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_db_int.h"

#define PDB_BUSY_TIMEOUT_MS 5000
#define LIST_MAX 12		/* values or keys named in one message */

/* The runs columns a key may name, in the order messages list them. */
static const char *const run_columns[] = {
	"id", "status", "config_name", "config_hash", "point_key", "trace", "seed",
	"gssim_version", NULL
};

static int is_column(const char *key)
{
	for (int i = 0; run_columns[i]; i++)
		if (!strcmp(key, run_columns[i]))
			return 1;
	return 0;
}

static int read_fail(struct pdb *db, struct gs_err *err)
{
	return gs_errf(err, "%s: cannot read: %s", db->path, sqlite3_errmsg(db->sql));
}

int pdb_prepare(struct pdb *db, const char *sql, sqlite3_stmt **st, struct gs_err *err)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, NULL) != SQLITE_OK)
		return read_fail(db, err);
	return 0;
}

/* Step a query; 1 = row, 0 = done, -1 = error (message set). */
int pdb_step(struct pdb *db, sqlite3_stmt *st, struct gs_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return read_fail(db, err);
}

const char *pdb_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : NULL;
}

static int check_schema(struct pdb *db, struct gs_err *err)
{
	static const char *const probes[] = {
		("SELECT id, config_name, config_hash, trace, status, seed, gssim_version"
		 " FROM runs LIMIT 0"),
		"SELECT run_id, key, value FROM run_params LIMIT 0",
		"SELECT run_id, name, value, unit FROM stats LIMIT 0",
	};
	sqlite3_stmt *st = NULL;
	int64_t version = -1;
	int r;

	if (pdb_prepare(db, "PRAGMA user_version", &st, err))
		goto notadb;
	r = pdb_step(db, st, err);
	if (r > 0)
		version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (r < 0)
		goto notadb;
	if (version == 0)
		return gs_errf(err, "%s: not a gssim results database (no schema version)",
			       db->path);
	if (version != 1 && version != 2)
		return gs_errf(err, "%s: results database schema version %" PRId64
			       ", gssim plot reads versions 1 and 2", db->path, version);
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
		if (sqlite3_prepare_v2(db->sql, probes[i], -1, &st, NULL) != SQLITE_OK)
			return gs_errf(err, "%s: results database schema version %" PRId64
				       " but damaged: %s", db->path, version,
				       sqlite3_errmsg(db->sql));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db->sql, "SELECT point_key FROM runs LIMIT 0", -1, &st,
			       NULL) == SQLITE_OK)
		db->has_point_key = 1;
	sqlite3_finalize(st);
	return 0;
notadb:
	if (sqlite3_errcode(db->sql) == SQLITE_NOTADB)
		return gs_errf(err, "%s: not an SQLite database", db->path);
	return -1;
}

int pdb_open(struct pdb **out, const char *path, struct gs_err *err)
{
	struct pdb *db = calloc(1, sizeof *db);
	char *name = NULL;
	int rc;

	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return gs_errf(err, "%s: cannot open: out of memory", path);
	}
	/* As in sim/db.c: "file:..." is a plain path here, not a URI. */
	if (!strncmp(path, "file:", 5)) {
		size_t n = strlen(path) + 3;

		if (!(name = malloc(n)))
			goto oom;
		snprintf(name, n, "./%s", path);
	}
	rc = sqlite3_open_v2(name ? name : path, &db->sql, SQLITE_OPEN_READONLY, NULL);
	free(name);
	if (rc != SQLITE_OK) {
		int sys = db->sql ? sqlite3_system_errno(db->sql) : 0;

		gs_errf(err, "%s: cannot open: %s", path,
			sys ? strerror(sys) : db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, PDB_BUSY_TIMEOUT_MS);
	if (check_schema(db, err))
		goto fail;
	*out = db;
	return 0;
oom:
	gs_errf(err, "%s: cannot open: out of memory", path);
fail:
	pdb_close(db);
	return -1;
}

void pdb_close(struct pdb *db)
{
	if (!db)
		return;
	sqlite3_close_v2(db->sql);
	free(db->path);
	free(db);
}

int pdb_number(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || strchr(" \t\n", *s))
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}

/* 1 if some run_params row has key, 0 if none, -1 on error. */
static int is_param(struct pdb *db, const char *key, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (pdb_prepare(db, "SELECT 1 FROM run_params WHERE key = ?1 LIMIT 1", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = pdb_step(db, st, err);
	sqlite3_finalize(st);
	return r;
}

int pdb_has_key(struct pdb *db, const char *key, struct gs_err *err)
{
	int r = is_param(db, key, err);

	return r ? r : is_column(key);
}

/* Append s to buf (size n) as an item of a ", " list; "..." once full. */
static void list_add(char *buf, size_t n, int *count, const char *s)
{
	size_t len = strlen(buf);

	if (*count == LIST_MAX)
		snprintf(buf + len, n - len, ", ...");
	else if (*count < LIST_MAX)
		snprintf(buf + len, n - len, "%s%s", *count ? ", " : "", s);
	(*count)++;
}

int pdb_unknown_key(struct pdb *db, const char *opt, const char *key, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	char params[512] = "", cols[256] = "";
	int np = 0, nc = 0, r;

	if (pdb_prepare(db, "SELECT DISTINCT key FROM run_params ORDER BY key", &st, err))
		return -1;
	while ((r = pdb_step(db, st, err)) > 0)
		list_add(params, sizeof params, &np, pdb_col_text(st, 0));
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	for (int i = 0; run_columns[i]; i++)
		list_add(cols, sizeof cols, &nc, run_columns[i]);
	return gs_errf(err, "%s %s: no key %s in %s (run_params keys: %s; runs columns: %s)",
		       opt, key, key, db->path, np ? params : "none", cols);
}

/* ---- selections ---- */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = ((const struct pdb_run *)b)->id;

	return (x > y) - (x < y);
}

static struct pdb_run *find_run(struct pdb_run *runs, size_t n, int64_t id)
{
	return bsearch(&id, runs, n, sizeof *runs, cmp_id);
}

/* The text of a runs column (seed as the unsigned number it is). */
static char *column_text(sqlite3_stmt *st, int col, const char *name)
{
	char num[32];

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	if (!strcmp(name, "seed")) {
		snprintf(num, sizeof num, "%" PRIu64, (uint64_t)sqlite3_column_int64(st, col));
		return strdup(num);
	}
	return strdup(pdb_col_text(st, col));
}

/* vals[i] = key's value for runs[i] (malloc'd, NULL if none). */
static int fetch_key(struct pdb *db, const char *key, struct pdb_run *runs, size_t n,
		     char **vals, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	int param = is_param(db, key, err), r;

	if (param < 0)
		return -1;
	if (!param && !strcmp(key, "point_key") && !db->has_point_key)
		return 0;	/* schema v1: every run's point_key is NULL */
	if (param) {
		if (pdb_prepare(db, "SELECT run_id, value FROM run_params WHERE key = ?1", &st, err))
			return -1;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	} else {
		/* key is one of run_columns[]: safe to paste */
		snprintf(sql, sizeof sql, "SELECT id, %s FROM runs WHERE status = 'complete'", key);
		if (pdb_prepare(db, sql, &st, err))
			return -1;
	}
	while ((r = pdb_step(db, st, err)) > 0) {
		struct pdb_run *run = find_run(runs, n, sqlite3_column_int64(st, 0));
		size_t i;

		if (!run || sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		i = (size_t)(run - runs);
		free(vals[i]);
		vals[i] = param ? strdup(pdb_col_text(st, 1)) : column_text(st, 1, key);
		if (!vals[i]) {
			r = gs_errf(err, "%s: out of memory", db->path);
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int fetch_stat(struct pdb *db, const char *name, struct pdb_run *runs, size_t n,
		      int col, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (pdb_prepare(db, "SELECT run_id, value FROM stats WHERE name = ?1", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((r = pdb_step(db, st, err)) > 0) {
		struct pdb_run *run = find_run(runs, n, sqlite3_column_int64(st, 0));

		if (run && sqlite3_column_type(st, 1) != SQLITE_NULL)
			run->stat[col] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

int pdb_same_value(const char *a, const char *b)
{
	double x, y;

	if (!a || !b)
		return 0;
	return !strcmp(a, b) || (pdb_number(a, &x) && pdb_number(b, &y) && x == y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a, b or c": the distinct values among vals[0..n-1] (NULLs skipped). */
static void distinct_values(char **vals, size_t n, char *out, size_t size)
{
	const char **v = malloc((n ? n : 1) * sizeof *v);
	size_t k = 0;
	int count = 0;

	out[0] = '\0';
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		if (vals[i])
			v[k++] = vals[i];
	qsort(v, k, sizeof *v, cmp_str);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			list_add(out, size, &count, v[i]);
	free(v);
}

static void free_vals(char **vals, size_t n)
{
	for (size_t i = 0; vals && i < n; i++)
		free(vals[i]);
	free(vals);
}

/* Keep the runs whose key (where[w] = "KEY=VAL") matches. */
static int apply_where(struct pdb *db, const char *const *where, int w, struct pdb_sel *s,
		       struct gs_err *err)
{
	const char *eq = strchr(where[w], '=');
	char key[256], known[512];
	char **vals = NULL;
	size_t kept = 0, n = s->nruns;
	int rc = -1;

	if (!eq || eq == where[w] || (size_t)(eq - where[w]) >= sizeof key)
		return gs_errf(err, "--where %s: expected KEY=VAL", where[w]);
	snprintf(key, sizeof key, "%.*s", (int)(eq - where[w]), where[w]);
	switch (pdb_has_key(db, key, err)) {
	case -1: return -1;
	case 0: return pdb_unknown_key(db, "--where", key, err);
	}
	if (!(vals = calloc(n ? n : 1, sizeof *vals))) {
		gs_errf(err, "%s: out of memory", db->path);
		goto out;
	}
	if (fetch_key(db, key, s->runs, n, vals, err))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (pdb_same_value(vals[i], eq + 1))
			s->runs[kept++] = s->runs[i];
	if (kept == 0) {
		distinct_values(vals, n, known, sizeof known);
		gs_errf(err, "%s: no complete run matches --where %s%s (%s there: %s)", db->path,
			where[w], w ? " together with the --where before it" : "", key,
			known[0] ? known : "no run has it");
		goto out;
	}
	s->nruns = kept;
	rc = 0;
out:
	free_vals(vals, n);
	return rc;
}

/* Every complete run's id, ascending (no values yet). */
static int complete_runs(struct pdb *db, struct pdb_sel *s, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r;

	if (pdb_prepare(db, "SELECT id FROM runs WHERE status = 'complete' ORDER BY id", &st, err))
		return -1;
	while ((r = pdb_step(db, st, err)) > 0) {
		if (s->nruns == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct pdb_run *grown = realloc(s->runs, ncap * sizeof *grown);

			if (!grown) {
				r = gs_errf(err, "%s: out of memory", db->path);
				break;
			}
			s->runs = grown;
			cap = ncap;
		}
		s->runs[s->nruns++] = (struct pdb_run){ .id = sqlite3_column_int64(st, 0) };
	}
	sqlite3_finalize(st);
	s->ncomplete = s->nruns;
	return r < 0 ? -1 : 0;
}

/* Give every selected run its val[nkeys] and stat[nstats] arrays, filled. */
static int fetch_values(struct pdb *db, const char *const *keys, int nkeys,
			const char *const *stats, int nstats, struct pdb_sel *s,
			struct gs_err *err)
{
	char **vals = NULL;
	int rc = -1;

	for (size_t i = 0; i < s->nruns; i++) {
		struct pdb_run *run = &s->runs[i];

		run->val = calloc((size_t)(nkeys ? nkeys : 1), sizeof *run->val);
		run->stat = malloc((size_t)(nstats ? nstats : 1) * sizeof *run->stat);
		if (!run->val || !run->stat)
			return gs_errf(err, "%s: out of memory", db->path);
		for (int k = 0; k < nstats; k++)
			run->stat[k] = NAN;
	}
	if (!(vals = calloc(s->nruns ? s->nruns : 1, sizeof *vals)))
		return gs_errf(err, "%s: out of memory", db->path);
	for (int k = 0; k < nkeys; k++) {
		switch (pdb_has_key(db, keys[k], err)) {
		case -1: goto out;
		case 0: pdb_unknown_key(db, "key", keys[k], err); goto out;
		}
		memset(vals, 0, s->nruns * sizeof *vals);
		if (fetch_key(db, keys[k], s->runs, s->nruns, vals, err))
			goto out;
		for (size_t i = 0; i < s->nruns; i++)
			s->runs[i].val[k] = vals[i];	/* ownership moves to the run */
		memset(vals, 0, s->nruns * sizeof *vals);
	}
	for (int k = 0; k < nstats; k++)
		if (fetch_stat(db, stats[k], s->runs, s->nruns, k, err))
			goto out;
	rc = 0;
out:
	free_vals(vals, s->nruns);
	return rc;
}

int pdb_select(struct pdb *db, const char *const *where, int nwhere,
	       const char *const *keys, int nkeys, const char *const *stats, int nstats,
	       struct pdb_sel *out, struct gs_err *err)
{
	*out = (struct pdb_sel){ .nkeys = nkeys, .nstats = nstats };
	if (complete_runs(db, out, err))
		goto fail;
	if (out->nruns == 0) {
		gs_errf(err, "%s: no complete run in the database", db->path);
		goto fail;
	}
	for (int w = 0; w < nwhere; w++)
		if (apply_where(db, where, w, out, err))
			goto fail;
	if (fetch_values(db, keys, nkeys, stats, nstats, out, err))
		goto fail;
	return 0;
fail:
	pdb_sel_free(out);
	return -1;
}

void pdb_sel_free(struct pdb_sel *s)
{
	for (size_t i = 0; s->runs && i < s->nruns; i++) {
		free_vals(s->runs[i].val, s->runs[i].val ? (size_t)s->nkeys : 0);
		free(s->runs[i].stat);
	}
	free(s->runs);
	*s = (struct pdb_sel){ 0 };
}

const char *pdb_path(const struct pdb *db)
{
	return db->path;
}

int pdb_run_value(struct pdb *db, int64_t id, const char *key, char **out,
		  struct gs_err *err)
{
	struct pdb_run run = { .id = id };

	*out = NULL;
	return fetch_key(db, key, &run, 1, out, err);
}

