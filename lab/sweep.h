/*
** sweep.h: a sweep spec (docs/sweeps.md) and its points. The spec is YAML
** read with libyaml (every error "file:line:col: ..."); its points are the
** Cartesian product of `grid` keys, times each `zip` group (lists that
** advance together), minus `exclude`d combinations, times the workload
** axes (workloads x patterns x sparsities x seeds x batches) or the
** `traces`. Point i is computed on demand (mixed radix over the axes):
** nothing proportional to the point count is held in memory.
**
** Order: the workload axes are outermost and the machine keys innermost,
** so consecutive points share their pruned weights whenever pruning does
** not depend on the swept keys; contiguous chunks of points (a worker's,
** a Slurm task's) then prune each layer once.
*/
#ifndef gs_sweep_h
#define gs_sweep_h

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "point.h"

#define SWEEP_NAME_MAX 64
#define SWEEP_KEYS_MAX 32	/* distinct swept or set config keys */

struct sweep_spec;

/* Parse and validate path (no point is resolved yet: sweep_check does). */
int sweep_load(struct sweep_spec **out, const char *path, struct gs_err *err);
void sweep_free(struct sweep_spec *s);

const char *sweep_name(const struct sweep_spec *s);
/* 32 hex digits: hash of the spec file's bytes and of the base config's. */
const char *sweep_spec_hash(const struct sweep_spec *s);
size_t sweep_npoints(const struct sweep_spec *s);

/* One point, fully resolved. Strings point into the spec or into the
** struct itself; valid until the next sweep_point() on the same struct or
** sweep_free(). */
struct sweep_point {
	size_t index;				/* 0 .. npoints-1 */
	struct gs_config cfg;			/* base + set + this point's swept values, validated */
	char config_name[256];			/* "<base name>[key=val,...]" (swept keys only) */
	int nkeys;				/* config keys recorded as run_params: set, then swept */
	const char *key[SWEEP_KEYS_MAX];	/* config path, e.g. "scratchpad.banks" */
	char value[SWEEP_KEYS_MAX][64];		/* canonical value (as in the config dump) */
	int swept[SWEEP_KEYS_MAX];		/* 1 for grid/zip keys, 0 for set */
	struct point_source src;		/* layer or trace, pattern, sparsity, seed, ... */
	const char *workload;			/* "net:layer" as written, or NULL for a trace */
	const char *pattern_text;		/* pattern as written in the spec */
	char pattern_name[64];			/* resolved (pattern_name()): src.pattern */
	char key_hex[POINT_KEY_HEX + 1];	/* point_key() */
};

/* Resolve point i into *p (config built and validated, pattern resolved
** against the point's vector.lanes, point key computed). A point that
** cannot be built is a located error naming the spec line of the value
** at fault. */
int sweep_point(const struct sweep_spec *s, size_t i, struct sweep_point *p,
		struct gs_err *err);

/* Resolve every point (what `gssim sweep plan` does before anything runs). */
int sweep_check(const struct sweep_spec *s, struct gs_err *err);

/* "0-99,120,200-" style lists of point indices (the --points option), or
** "@FILE" naming a file holding such a list (commas or newlines). */
struct point_set;
int point_set_parse(struct point_set **out, const char *text, size_t npoints,
		    struct gs_err *err);
int point_set_has(const struct point_set *ps, size_t i);
void point_set_free(struct point_set *ps);

#endif
