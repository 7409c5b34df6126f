/*
** plot_db.h: what `gssim plot` reads from a results database: opened read
** only (schema version 1 or 2, never written), the complete runs that
** every --where selection keeps, each with the values of the keys and the
** statistics a plot needs. Internal to the plot module (lab/plot*.c).
** Statistic units are not read from the file: they come from sim/stats.h.
**
** A key is looked up first as a run_params key (some run of the file has
** it), then as a runs column (id, status, config_name, config_hash,
** point_key, trace, seed, gssim_version), as for every gssim command that
** selects runs (docs/cli.md). A run without the key has no value for it.
*/
#ifndef gs_plot_db_h
#define gs_plot_db_h

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pdb;

/* Open path read only. A missing file, a file that is not SQLite, or one
** without a gssim schema of version 1 or 2 is refused with "path: ...". */
int pdb_open(struct pdb **out, const char *path, struct gs_err *err);
void pdb_close(struct pdb *db);

/* 1 if key is a run_params key or a runs column of this file, 0 if
** not, -1 on a read error. */
int pdb_has_key(struct pdb *db, const char *key, struct gs_err *err);

/* "--OPT KEY: no key KEY in PATH (run_params keys: a, b, ...; runs
** columns: ...)" into err; returns -1. */
int pdb_unknown_key(struct pdb *db, const char *opt, const char *key, struct gs_err *err);

struct pdb_run {
	int64_t id;
	char **val;		/* [nkeys]: the key's value, NULL when the run has none */
	double *stat;		/* [nstats]: NaN when the run has no value */
};

struct pdb_sel {
	struct pdb_run *runs;	/* by id */
	size_t nruns;
	size_t ncomplete;	/* complete runs in the file, before --where */
	int nkeys, nstats;
};

/* The complete runs matching every where[i] ("KEY=VAL": the run's KEY is
** VAL as text, or both are numbers and equal), with the values of keys[]
** and stats[]. Every key (where's and keys[]) must exist (pdb_has_key).
** A selection left empty is refused, naming the --where that emptied it
** and the values its key has. */
int pdb_select(struct pdb *db, const char *const *where, int nwhere,
	       const char *const *keys, int nkeys, const char *const *stats, int nstats,
	       struct pdb_sel *out, struct gs_err *err);
void pdb_sel_free(struct pdb_sel *s);

/* The keys among whose values the runs ids[0..n-1] differ, for a message
** asking for a --where or to label runs: run_params keys (sorted; a key
** some of the runs lack counts as differing), then the runs columns
** config_name, config_hash, trace, seed, gssim_version (a column named
** like a key already listed, seed, is not listed twice). Outcome and
** bookkeeping keys (achieved_sparsity, nnz, *_kept, sweep.point,
** sweep.spec_hash, slurm.*) are left out: they differ whenever a real
** difference does. *keys malloc'd (free with pdb_free_keys); may be empty. */
int pdb_varying(struct pdb *db, const int64_t *ids, size_t n, char ***keys, int *nkeys,
		struct gs_err *err);
void pdb_free_keys(char **keys, int n);

/* Run id's value of key (malloc'd into *out; NULL if it has none). */
int pdb_run_value(struct pdb *db, int64_t id, const char *key, char **out,
		  struct gs_err *err);

/* The path the database was opened by. */
const char *pdb_path(const struct pdb *db);

/* Parse a number the way selections compare them: the whole text is a
** finite decimal number. */
int pdb_number(const char *s, double *out);

#endif
