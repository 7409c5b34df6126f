/*
** gsf.h: the compact sparse format on disk (.gsf): a pruned weight matrix
** (kernels/sparse.h) as GS bucket records (the authors' "joined" layout),
** CSR or BSR, with its pattern, shape and quality facts, little-endian and
** CRC-32 protected. Byte-by-byte layout: docs/gs-format.md.
*/
#ifndef gs_gsf_h
#define gs_gsf_h

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "sparse.h"

/* The layer a matrix was pruned for (format version 2, docs/gs-format.md
** §2.1): a convolution's geometry lets gen / run --gsf build the
** convolution kernel without --workload. Version 1 files read as UNKNOWN. */
enum gsf_layer_kind { GSF_LAYER_UNKNOWN, GSF_LAYER_MATRIX, GSF_LAYER_CONV2D, GSF_LAYER_CONV1D };
struct gsf_geometry {
	int kind;		/* enum gsf_layer_kind */
	/* convolutions only, all 0 otherwise: kernel kh x kw, stride, padding
	** and dilation (both dimensions for 2-D, along w for 1-D), input
	** h_in x w_in (1-D: kh = h_in = 1); cin = cols / (kh kw), cout = rows */
	uint32_t kh, kw, stride, pad, dilation, h_in, w_in;
};

/* Write p to path with values as fp16 (value_bytes 2, round to nearest
** even; a value beyond the fp16 range is an error) or fp32 (4). Sections:
** GS -> bucket pointers, bucket records, rowind; block -> BSR; others ->
** CSR. p must be consistent (csr sorted, GS buckets holding exactly the
** csr's entries, kept blocks complete); otherwise -1 and a message, and
** no file is left behind. */
int gsf_write(const char *path, const struct pruned *p, int value_bytes, struct gs_err *err);
/* gsf_write recording the layer g (NULL: UNKNOWN); a geometry that does
** not fit the fields (stride, pad, dilation <= 255, kh, kw <= 65535) or
** p's shape (rows = cout, cols = cin kh kw) is an error. */
int gsf_write_geom(const char *path, const struct pruned *p, int value_bytes,
		   const struct gsf_geometry *g, struct gs_err *err);

/* Read and validate a .gsf file into *out (free with pruned_free): csr for
** every pattern, gs buckets for GS. Every field and section is checked
** (sizes against the file size before anything is allocated, checksum,
** pointers, index ranges); errors read "path: byte N: what is wrong". */
int gsf_read(const char *path, struct pruned *out, struct gs_err *err);
/* gsf_read that also returns the recorded layer (g may be NULL). */
int gsf_read_geom(const char *path, struct pruned *out, struct gsf_geometry *g,
		  struct gs_err *err);
/* The recorded layer and shape from the header alone (magic, version,
** header size and the geometry fields checked; the rest is gsf_read's). */
int gsf_read_header_geom(const char *path, uint32_t *rows, uint32_t *cols,
			 struct gsf_geometry *g, struct gs_err *err);
/* Check g against a rows x cols matrix: 0, or -1 with a message. */
int gsf_geometry_check(const struct gsf_geometry *g, uint32_t rows, uint32_t cols,
		       struct gs_err *err);
/* "conv2d 3x3 stride 1 pad 1 dilation 1, input 56x56x64" and the like. */
const char *gsf_geometry_text(const struct gsf_geometry *g, uint32_t rows, uint32_t cols,
			      char *buf, size_t n);

/* Read path (as gsf_read) and print a description to out: shape, pattern,
** nnz, sparsity, buckets (or blocks / row lengths) min/mean/max, quality
** proxy, GS conformance, bytes per non-zero and per section. */
int gsf_inspect(const char *path, FILE *out, struct gs_err *err);

#endif
