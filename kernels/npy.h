/*
** npy.h: NumPy .npy files, the way real weights come in.
** Reads format versions 1.0, 2.0 and 3.0 with dtype '<f4', '<f2', '>f4'
** or '>f2' (fp16 widened to float), C order, 1 to 4 dimensions, every
** dimension >= 1 (2-D matrix, 3-D O,I,W of a 1-D convolution, 4-D OIHW).
** Writes version 1.0 '<f4'. Anything else is refused with
** "path: byte N: what is wrong" (N = offset in the file).
*/
#ifndef gs_npy_h
#define gs_npy_h

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TENSOR_MAX_DIMS 4

/* A dense float32 tensor in C order (last index fastest). */
struct tensor {
	int ndim;
	uint64_t shape[TENSOR_MAX_DIMS];
	float *data;
};

/* Number of elements (product of the shape; 0 if ndim is out of range). */
uint64_t tensor_numel(const struct tensor *t);

/* Read path into t (t->data malloc'd; free with tensor_free). On error t is
** left empty ({0}) and -1 returned with the message in err. */
int npy_read(const char *path, struct tensor *t, struct gs_err *err);

/* The same from a memory image of a file; `name` is used in messages. */
int npy_parse(const char *name, const void *buf, size_t len, struct tensor *t,
	      struct gs_err *err);

/* Write t as a version 1.0 '<f4' C-order file (little endian on any host). */
int npy_write(const char *path, const struct tensor *t, struct gs_err *err);

void tensor_free(struct tensor *t);

#endif
