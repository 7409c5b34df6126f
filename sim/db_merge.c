/*
** db_merge.c: merge results databases (see db_merge.h).
**
** Rows are copied from each input's connection to OUT's with
** sqlite3_bind_value(), so every value keeps its SQLite type and bits (a
** REAL stays the same double, a NULL stays NULL). Inputs are read inside a
** read transaction each (a consistent snapshot even if a sweep is still
** writing them); OUT is written in one BEGIN IMMEDIATE transaction.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_int.h"
#include "db_merge.h"

#define RUN_COLS "started_at, config_name, config_text, config_hash, trace," \
	" gssim_version, host_seconds, status, message, seed"
#define NRUNCOLS 11	/* RUN_COLS and point_key */

/* Statements on OUT (prepared once) and on the current input. */
struct merge {
	struct gs_db *out;
	struct gs_db *in;
	sqlite3_stmt *find_point, *find_same, *out_params;
	sqlite3_stmt *ins_run, *ins_param, *ins_stat, *ins_bank;
	sqlite3_stmt *in_runs, *in_params, *in_stats, *in_banks;
	struct db_merge_counts *counts;
};

static const char *const out_sql[] = {
	"SELECT id FROM runs WHERE point_key = ?1 AND status = 'complete'",
	("SELECT id FROM runs WHERE started_at IS ?1 AND config_name IS ?2"
	 " AND config_text IS ?3 AND config_hash IS ?4 AND trace IS ?5"
	 " AND gssim_version IS ?6 AND host_seconds IS ?7 AND status IS ?8"
	 " AND message IS ?9 AND seed IS ?10 AND point_key IS ?11"),
	"SELECT key, value FROM run_params WHERE run_id = ?1 ORDER BY key",
	("INSERT INTO runs(" RUN_COLS ", point_key)"
	 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
	"INSERT INTO run_params(run_id, key, value) VALUES(?1, ?2, ?3)",
	"INSERT INTO stats(run_id, name, value, unit) VALUES(?1, ?2, ?3, ?4)",
	"INSERT INTO bank_stats(run_id, bank, reads, writes) VALUES(?1, ?2, ?3, ?4)",
};

static const char in_runs_v1[] =
	"SELECT id, " RUN_COLS ", NULL FROM runs ORDER BY id";
static const char in_runs_v2[] =
	"SELECT id, " RUN_COLS ", point_key FROM runs ORDER BY id";
static const char *const in_sql[] = {
	"SELECT key, value FROM run_params WHERE run_id = ?1 ORDER BY key",
	"SELECT name, value, unit FROM stats WHERE run_id = ?1 ORDER BY name",
	"SELECT bank, reads, writes FROM bank_stats WHERE run_id = ?1 ORDER BY bank",
};

static void finalize_all(sqlite3_stmt **st, int n)
{
	for (int i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

static int prepare_all(sqlite3 *sql, const char *const *text, sqlite3_stmt **st, int n)
{
	for (int i = 0; i < n; i++)
		if (sqlite3_prepare_v2(sql, text[i], -1, &st[i], NULL) != SQLITE_OK)
			return -1;
	return 0;
}

/* Step st (already bound) to its end; SQLITE_OK or the error. */
static int run_insert(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Do run `cand` in OUT and the input's current run have the same params?
** Both lists come sorted by key. 1 yes, 0 no, -1 SQLite error. */
static int same_params(struct merge *m, int64_t cand, int64_t in_id)
{
	sqlite3_stmt *a = m->out_params, *b = m->in_params;
	int same = -1, ra, rb;

	sqlite3_bind_int64(a, 1, cand);
	sqlite3_bind_int64(b, 1, in_id);
	for (;;) {
		ra = sqlite3_step(a);
		rb = sqlite3_step(b);
		if ((ra != SQLITE_ROW && ra != SQLITE_DONE) || (rb != SQLITE_ROW && rb != SQLITE_DONE))
			break;
		if (ra != rb) {
			same = 0;
			break;
		}
		if (ra == SQLITE_DONE) {
			same = 1;
			break;
		}
		if (strcmp((const char *)sqlite3_column_text(a, 0),
			   (const char *)sqlite3_column_text(b, 0)) ||
		    strcmp((const char *)sqlite3_column_text(a, 1),
			   (const char *)sqlite3_column_text(b, 1))) {
			same = 0;
			break;
		}
	}
	sqlite3_reset(a);
	sqlite3_reset(b);
	return same;
}

/* Is the input's current run (m->in_runs' row) already in OUT? */
static int already_there(struct merge *m, int *there)
{
	sqlite3_stmt *r = m->in_runs;
	int64_t in_id = sqlite3_column_int64(r, 0);
	int complete = !strcmp((const char *)sqlite3_column_text(r, 8), "complete");
	int rc = SQLITE_DONE;

	*there = 0;
	if (complete && sqlite3_column_type(r, 11) != SQLITE_NULL) {
		sqlite3_bind_value(m->find_point, 1, sqlite3_column_value(r, 11));
		rc = sqlite3_step(m->find_point);
		*there = rc == SQLITE_ROW;
		sqlite3_reset(m->find_point);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
	}
	for (int c = 0; c < NRUNCOLS; c++)
		sqlite3_bind_value(m->find_same, c + 1, sqlite3_column_value(r, c + 1));
	while (!*there && (rc = sqlite3_step(m->find_same)) == SQLITE_ROW) {
		int same = same_params(m, sqlite3_column_int64(m->find_same, 0), in_id);

		if (same < 0) {
			rc = SQLITE_ERROR;
			break;
		}
		*there = same;
	}
	sqlite3_reset(m->find_same);
	return *there || rc == SQLITE_DONE ? 0 : -1;
}

/* Copy the rows of `from` (bound to the input run) under run id `id` with
** `ins` (?1 = id, then the columns in order). */
static int copy_rows(sqlite3_stmt *from, sqlite3_stmt *ins, int ncols, int64_t in_id,
		     int64_t id)
{
	int rc;

	sqlite3_bind_int64(from, 1, in_id);
	while ((rc = sqlite3_step(from)) == SQLITE_ROW) {
		sqlite3_bind_int64(ins, 1, id);
		for (int c = 0; c < ncols; c++)
			sqlite3_bind_value(ins, c + 2, sqlite3_column_value(from, c));
		if (run_insert(ins) != SQLITE_OK)
			break;
	}
	sqlite3_reset(from);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int copy_run(struct merge *m)
{
	sqlite3_stmt *r = m->in_runs;
	int64_t in_id = sqlite3_column_int64(r, 0), id;

	for (int c = 0; c < NRUNCOLS; c++)
		sqlite3_bind_value(m->ins_run, c + 1, sqlite3_column_value(r, c + 1));
	if (run_insert(m->ins_run) != SQLITE_OK)
		return -1;
	id = sqlite3_last_insert_rowid(m->out->sql);
	if (copy_rows(m->in_params, m->ins_param, 2, in_id, id) ||
	    copy_rows(m->in_stats, m->ins_stat, 3, in_id, id) ||
	    copy_rows(m->in_banks, m->ins_bank, 3, in_id, id))
		return -1;
	return 0;
}

/* Merge the open input m->in into OUT (inside OUT's transaction). An error
** is in OUT's connection unless *in_failed says it is the input's. */
static int merge_input(struct merge *m, int *in_failed)
{
	sqlite3_stmt *in_st[3] = { NULL, NULL, NULL };
	int rc = -1, step, there;

	*in_failed = 1;
	if (sqlite3_exec(m->in->sql, "BEGIN", NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(m->in->sql, m->in->version == 1 ? in_runs_v1 : in_runs_v2, -1,
			       &m->in_runs, NULL) != SQLITE_OK ||
	    prepare_all(m->in->sql, in_sql, in_st, 3))
		goto out;
	m->in_params = in_st[0];
	m->in_stats = in_st[1];
	m->in_banks = in_st[2];
	while ((step = sqlite3_step(m->in_runs)) == SQLITE_ROW) {
		*in_failed = 0;
		if (already_there(m, &there))
			goto out;
		if (!there && copy_run(m))
			goto out;
		m->counts->runs++;
		if (there)
			m->counts->present++;
		else
			m->counts->added++;
		*in_failed = 1;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(m->in_runs);
	m->in_runs = NULL;
	finalize_all(in_st, 3);
	sqlite3_exec(m->in->sql, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The first problem quick_check reports (it lists them one per line,
** after a "*** in database main ***" heading). */
static const char *first_problem(const char *res, char *buf, size_t n)
{
	const char *line = res ? res : "?", *nl;

	if (!strncmp(line, "***", 3) && (nl = strchr(line, '\n')))
		line = nl + 1;
	nl = strchr(line, '\n');
	snprintf(buf, n, "%.*s%s", (int)(nl ? nl - line : (long)strlen(line)), line,
		 nl ? " ..." : "");
	return buf;
}

/* Open and fully check one input (before anything is written). */
static int open_input(struct gs_db **in, const char *path, const struct stat *out_sb,
		      struct gs_err *err)
{
	struct stat sb;
	sqlite3_stmt *st = NULL;
	char why[160];
	int ok = 0;

	if (db_open_readonly(in, path, err))
		return -1;
	if (out_sb && !stat(path, &sb) && sb.st_dev == out_sb->st_dev &&
	    sb.st_ino == out_sb->st_ino) {
		gs_errf(err, "%s: is the output database itself", path);
		goto fail;
	}
	/* Corruption inside the data would otherwise surface mid-merge. */
	if (sqlite3_prepare_v2((*in)->sql, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(st, 0);

		ok = res && !strcmp(res, "ok");
		if (!ok)
			gs_errf(err, "%s: damaged database (PRAGMA quick_check: %s)", path,
				first_problem(res, why, sizeof why));
	} else {
		db_sql_fail(*in, err, "cannot read");
	}
	sqlite3_finalize(st);
	if (ok)
		return 0;
fail:
	db_close(*in);
	*in = NULL;
	return -1;
}

static int prepare_out(struct merge *m)
{
	sqlite3_stmt *st[7] = { NULL };

	if (prepare_all(m->out->sql, out_sql, st, 7)) {
		finalize_all(st, 7);
		return -1;
	}
	m->find_point = st[0];
	m->find_same = st[1];
	m->out_params = st[2];
	m->ins_run = st[3];
	m->ins_param = st[4];
	m->ins_stat = st[5];
	m->ins_bank = st[6];
	return 0;
}

static void finalize_out(struct merge *m)
{
	sqlite3_stmt *st[7] = { m->find_point, m->find_same, m->out_params, m->ins_run,
				m->ins_param, m->ins_stat, m->ins_bank };

	finalize_all(st, 7);
}

/* Merge every input into the open OUT in one transaction. */
static int merge_all(struct merge *m, struct gs_db **ins, const char *const *in_paths, int nin,
		     struct gs_err *err)
{
	int in_failed = 0;

	if (prepare_out(m))
		return db_sql_fail(m->out, err, "cannot merge");
	if (sqlite3_exec(m->out->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		goto fail_out;
	for (int i = 0; i < nin; i++) {
		m->in = ins[i];
		if (merge_input(m, &in_failed)) {
			if (in_failed)
				gs_errf(err, "%s: cannot read: %s", in_paths[i],
					sqlite3_errmsg(ins[i]->sql));
			else
				db_sql_fail(m->out, err, "cannot merge");
			goto fail;
		}
	}
	if (sqlite3_exec(m->out->sql, "COMMIT", NULL, NULL, NULL))
		goto fail_out;
	finalize_out(m);
	return 0;
fail_out:
	db_sql_fail(m->out, err, "cannot merge");
fail:
	finalize_out(m);
	db_rollback(m->out);
	return -1;
}

static void remove_db_file(const char *path)
{
	size_t n = strlen(path) + 9;
	char *j = malloc(n);

	unlink(path);
	if (j) {
		snprintf(j, n, "%s-journal", path);
		unlink(j);
		free(j);
	}
}

int db_merge(const char *out_path, const char *const *in_paths, int nin,
	     struct db_merge_counts *counts, struct gs_err *err)
{
	struct merge m = { .counts = counts };
	struct gs_db **ins = calloc((size_t)nin + 1, sizeof *ins);
	struct stat out_sb;
	int out_existed = !stat(out_path, &out_sb), rc = -1;

	memset(counts, 0, sizeof *counts);
	if (!ins)
		return gs_errf(err, "%s: out of memory", out_path);
	for (int i = 0; i < nin; i++)
		if (open_input(&ins[i], in_paths[i], out_existed ? &out_sb : NULL, err))
			goto out;
	if (db_open(&m.out, out_path, err))
		goto out;
	rc = merge_all(&m, ins, in_paths, nin, err);
	db_close(m.out);
	if (rc) {
		memset(counts, 0, sizeof *counts);
		if (!out_existed)
			remove_db_file(out_path);
	}
out:
	for (int i = 0; i < nin; i++)
		db_close(ins[i]);
	free(ins);
	return rc;
}
