/*
** plot_db_vary.c: which keys differ among a set of runs (see plot_db.h,
** pdb_varying): for the message refusing two runs on one point and for
** labelling bars. Whole-table scans in key order, matched to the runs by
** a sorted id list; no SQL text is built from input.
*/
#include <stdlib.h>
#include <string.h>

#include "plot_db_int.h"

/* Keys that are outcomes or bookkeeping of a run, not what was asked:
** they differ whenever the real difference (a layer, a seed) does, so
** naming them would only bury it. */
static const char *const outcome_keys[] = {
	"achieved_sparsity", "nnz", "abs_kept", "sq_kept", "w_frac_kept", "sweep.point",
	"sweep.spec_hash", "slurm.array_job_id", "slurm.array_task_id", NULL
};

static int is_outcome(const char *key)
{
	for (int i = 0; outcome_keys[i]; i++)
		if (!strcmp(key, outcome_keys[i]))
			return 1;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Per key being scanned: how many of the runs have it, and whether the
** values seen so far all equal the first. */
struct key_scan {
	char *first;
	size_t seen;
	int differs;
};

static int scan_value(struct key_scan *k, const char *v)
{
	k->seen++;
	if (!k->first)
		return (k->first = strdup(v)) ? 0 : -1;
	if (!pdb_same_value(k->first, v))
		k->differs = 1;
	return 0;
}

static int push_key(char ***keys, int *n, const char *key)
{
	char **grown = realloc(*keys, (size_t)(*n + 1) * sizeof **keys);

	if (!grown)
		return -1;
	*keys = grown;
	if (!(grown[*n] = strdup(key)))
		return -1;
	(*n)++;
	return 0;
}

static int has_key(char **keys, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

/* The run_params keys (sorted) among which ids[] differ. */
static int varying_params(struct pdb *db, const int64_t *ids, size_t n, char ***keys,
			  int *nkeys, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	struct key_scan k = { 0 };
	char *cur = NULL;
	int r, rc = -1;

	if (pdb_prepare(db, "SELECT run_id, key, value FROM run_params ORDER BY key", &st, err))
		return -1;
	for (;;) {
		const char *key = NULL;
		int64_t id = 0;

		if ((r = pdb_step(db, st, err)) < 0)
			goto out;
		if (r > 0) {
			id = sqlite3_column_int64(st, 0);
			key = pdb_col_text(st, 1);
		}
		if (cur && (!key || strcmp(key, cur))) {
			if ((k.differs || (k.seen && k.seen < n)) && !is_outcome(cur) &&
			    push_key(keys, nkeys, cur))
				goto oom;
			free(k.first);
			k = (struct key_scan){ 0 };
			free(cur);
			cur = NULL;
		}
		if (!key)
			break;
		if (!bsearch(&id, ids, n, sizeof *ids, cmp_i64))
			continue;
		if (!cur && !(cur = strdup(key)))
			goto oom;
		if (scan_value(&k, pdb_col_text(st, 2)))
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	gs_errf(err, "%s: out of memory", db->path);
out:
	sqlite3_finalize(st);
	free(k.first);
	free(cur);
	return rc;
}

/* The runs columns (of the ones a run's identity shows in) among which ids[] differ. */
static int varying_columns(struct pdb *db, const int64_t *ids, size_t n, char ***keys,
			   int *nkeys, struct gs_err *err)
{
	static const char *const cols[] = { "config_name", "config_hash", "trace", "seed",
					    "gssim_version" };
	enum { NCOLS = sizeof cols / sizeof *cols };
	struct key_scan k[NCOLS] = { { 0 } };
	sqlite3_stmt *st = NULL;
	int r, rc = -1;

	if (pdb_prepare(db, "SELECT id, config_name, config_hash, trace, CAST(seed AS TEXT),"
		    " gssim_version FROM runs", &st, err))
		return -1;
	while ((r = pdb_step(db, st, err)) > 0) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (!bsearch(&id, ids, n, sizeof *ids, cmp_i64))
			continue;
		for (int c = 0; c < NCOLS; c++)
			if (scan_value(&k[c], pdb_col_text(st, c + 1) ? pdb_col_text(st, c + 1) : ""))
				goto oom;
	}
	if (r < 0)
		goto out;
	for (int c = 0; c < NCOLS; c++)
		if (k[c].differs && !has_key(*keys, *nkeys, cols[c]) &&
		    push_key(keys, nkeys, cols[c]))
			goto oom;
	rc = 0;
	goto out;
oom:
	gs_errf(err, "%s: out of memory", db->path);
out:
	sqlite3_finalize(st);
	for (int c = 0; c < NCOLS; c++)
		free(k[c].first);
	return rc;
}

int pdb_varying(struct pdb *db, const int64_t *ids, size_t n, char ***keys, int *nkeys,
		struct gs_err *err)
{
	int64_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
	int rc = -1;

	*keys = NULL;
	*nkeys = 0;
	if (!sorted)
		return gs_errf(err, "%s: out of memory", db->path);
	memcpy(sorted, ids, n * sizeof *ids);
	qsort(sorted, n, sizeof *sorted, cmp_i64);
	if (varying_params(db, sorted, n, keys, nkeys, err) ||
	    varying_columns(db, sorted, n, keys, nkeys, err)) {
		pdb_free_keys(*keys, *nkeys);
		*keys = NULL;
		*nkeys = 0;
		goto out;
	}
	rc = 0;
out:
	free(sorted);
	return rc;
}

void pdb_free_keys(char **keys, int n)
{
	for (int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

