/*
** gsf.h: the compact sparse format on disk (.gsf): a pruned weight matrix
** (kernels/sparse.h) as GS bucket records (the authors' "joined" layout),
** CSR or BSR, with its pattern, shape and quality facts, little-endian and
** CRC-32 protected. Byte-by-byte layout: docs/gs-format.md.
*/
#ifndef gs_gsf_h
#define gs_gsf_h

#include <stdio.h>

#include "err.h"
#include "sparse.h"

/* Write p to path with values as fp16 (value_bytes 2, round to nearest
** even; a value beyond the fp16 range is an error) or fp32 (4). Sections:
** GS -> bucket pointers, bucket records, rowind; block -> BSR; others ->
** CSR. p must be consistent (csr sorted, GS buckets holding exactly the
** csr's entries, kept blocks complete); otherwise -1 and a message, and
** no file is left behind. */
int gsf_write(const char *path, const struct pruned *p, int value_bytes, struct gs_err *err);

/* Read and validate a .gsf file into *out (free with pruned_free): csr for
** every pattern, gs buckets for GS. Every field and section is checked
** (sizes against the file size before anything is allocated, checksum,
** pointers, index ranges); errors read "path: byte N: what is wrong". */
int gsf_read(const char *path, struct pruned *out, struct gs_err *err);

/* Read path (as gsf_read) and print a description to out: shape, pattern,
** nnz, sparsity, buckets (or blocks / row lengths) min/mean/max, quality
** proxy, GS conformance, bytes per non-zero and per section. */
int gsf_inspect(const char *path, FILE *out, struct gs_err *err);

#endif
