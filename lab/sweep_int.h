/*
** sweep_int.h: the parsed sweep spec, shared by sweep_spec.c (reading
** the YAML) and sweep_point.c (resolving point i). Not for other modules:
** they see sweep.h.
*/
#ifndef gs_sweep_int_h
#define gs_sweep_int_h

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "sweep.h"
#include "yaml_doc.h"

#define SWEEP_VALUE_MAX 64	/* canonical text of one config value */

/* Where something was written in the spec (1-based). */
struct spec_loc {
	unsigned line, col;
};

/* One config value as written, and its canonical text. */
struct spec_value {
	char canon[SWEEP_VALUE_MAX];
	struct spec_loc at;
};

/* A config key with its values: a `set` key has one; a `grid` key is a
** dimension of its own; the keys of one `zip` group share a dimension. */
struct spec_axis {
	char key[64];
	struct spec_loc at;
	int dim;		/* -1 for set keys */
	size_t n;
	struct spec_value *v;
};

/* An `exclude` entry: a machine whose swept keys all take these values. */
struct spec_exclude {
	int n;
	int axis[SWEEP_KEYS_MAX];
	char canon[SWEEP_KEYS_MAX][SWEEP_VALUE_MAX];
};

/* One (pattern, sparsity) of the workload axes: patterns with a sparsity
** of their own (dense, nm:N:M) pair with it only. */
struct spec_prune {
	const char *pattern;	/* as written */
	struct spec_loc at;	/* of the pattern */
	double sparsity;
	struct spec_loc sp_at;	/* of the sparsity, or of the pattern */
};

struct sweep_spec {
	char *path, *dir;
	char name[SWEEP_NAME_MAX];
	char hash[POINT_KEY_HEX + 1];
	char *base_path;
	struct gs_config base;

	int nset;
	struct spec_axis set[SWEEP_KEYS_MAX];
	int naxes;			/* grid and zip keys */
	struct spec_axis axis[SWEEP_KEYS_MAX];
	int ndims;
	size_t dim_len[SWEEP_KEYS_MAX];
	int nexcl;
	struct spec_exclude *excl;
	uint32_t *machine;		/* included machine combinations, in order */
	size_t nmachines;

	/* instruction sources: traces, or workloads x prunes x seeds x batches */
	size_t ntraces;
	char **trace;			/* resolved paths */
	char (*trace_hash)[POINT_KEY_HEX + 1];
	size_t nwork;
	char **work;			/* "net:layer" */
	struct spec_loc *work_at;
	size_t nprunes;
	struct spec_prune *prune;
	size_t nseeds;
	uint64_t *seed;
	size_t nbatches;
	uint32_t *batch;
	int dist, variant;

	/* the strings (pattern texts) the spec owns */
	char **strings;
	size_t nstrings;
};

#define MACHINES_MAX_ALL (1u << 24)	/* machine combinations before excludes */

/* The machine combinations not excluded, into s->machine (sweep_point.c). */
int sweep_enumerate_machines(struct sweep_spec *s, struct gs_err *err);

/* Total instruction sources (traces, or workload combinations). */
size_t sweep_nsources(const struct sweep_spec *s);

/* ---- the spec reader, shared by sweep_spec.c and sweep_sources.c ---- */
struct spec_reader {
	struct yaml_file y;
	struct sweep_spec *s;
	struct gs_err *err;
};

#define FAIL(R, n, ...) yaml_fail_at(&(R)->y, (n)->start_mark, (R)->err, __VA_ARGS__)

/* The top-level keys, each at most once, then the rules between them. */
struct spec_top {
	const yaml_node_t *sweep, *base, *set, *grid, *zip, *exclude, *workloads, *patterns,
		*sparsities, *seeds, *batches, *dist, *variant, *traces;
};

struct spec_loc spec_loc_of(const yaml_node_t *n);
const char *spec_text(const yaml_node_t *n);
yaml_node_t *spec_node(struct spec_reader *R, yaml_node_item_t id);
/* 0, or -1 after a located "WHAT: ..." for a missing value or a non-scalar. */
int spec_want_scalar(struct spec_reader *R, const yaml_node_t *n, const char *what);
/* 0, or -1 after a located message for a non-list or an empty one. */
int spec_want_list(struct spec_reader *R, const yaml_node_t *n, const char *what);
size_t spec_list_len(const yaml_node_t *n);
/* A copy of str owned by the spec (NULL after a message when out of memory). */
char *spec_keep_string(struct spec_reader *R, const char *str);
/* A path written in the spec, relative to the spec's directory (malloc'd). */
char *spec_relative_path(const struct sweep_spec *s, const char *p);

int spec_read_workload_axes(struct spec_reader *R, const struct spec_top *t);
int spec_read_traces(struct spec_reader *R, const yaml_node_t *list);

#endif
