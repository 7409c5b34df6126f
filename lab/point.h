/*
** point.h: what identifies a run's result. A point is one machine (a
** resolved config) and one instruction source (a workload layer pruned
** one way, or a trace file); everything that determines the simulated
** statistics goes into its identity text, and point_key is a 128-bit
** FNV-1a hash of that text. Equal keys mean equal results (host.* stats
** aside), so a sweep skips a point whose key is already complete in its
** database, and merged databases agree on what a point is.
**
** The config's name is not part of the identity (naming a machine does
** not change it); the gssim version is (another build may time
** differently).
*/
#ifndef gs_point_h
#define gs_point_h

#include <stdint.h>

#include "config.h"
#include "err.h"

#define POINT_KEY_HEX 32

struct point_source {
	/* exactly one of: */
	const char *layer;	/* "net:layer" from the workload library */
	const char *trace;	/* a trace file path */
	const char *trace_hash;	/* its file_hash() if known (NULL: hashed here) */
	/* a layer's weights: NULL for seeded synthetic ones */
	const char *weights;	/* .npy path (content hashed) */
	const char *gsf;	/* .gsf path (content hashed; pattern/sparsity then unused) */
	/* how the layer is pruned and run (ignored for a trace) */
	const char *pattern;	/* as resolved by pattern_name(), e.g. "gs:V=8,h=1,B=8" */
	double sparsity;
	uint64_t seed;
	int dist;		/* enum weights_dist */
	uint32_t batch;		/* 0 = 1 */
	int variant;		/* enum spmm_variant */
};

/* The identity text (malloc'd): "gssim-point 1\n" then one "name: value"
** line per ingredient, file contents as their hashes. -1 with a located
** message if a file cannot be read. */
int point_identity(const struct gs_config *cfg, const struct point_source *src,
		   char **text, struct gs_err *err);

/* point_identity() hashed: POINT_KEY_HEX lowercase hex digits plus NUL. */
int point_key(const struct gs_config *cfg, const struct point_source *src,
	      char out[POINT_KEY_HEX + 1], struct gs_err *err);

/* 128-bit FNV-1a of len bytes as 32 hex digits (also used for files). */
void fnv128_hex(const void *data, size_t len, char out[POINT_KEY_HEX + 1]);

/* 128-bit FNV-1a of a file's contents, streamed. */
int file_hash(const char *path, char out[POINT_KEY_HEX + 1], struct gs_err *err);

#endif
