/*
** funcsim.h: functional (value-level, untimed) execution of an instruction
** stream, to prove that generated kernels compute what they claim. Keeps a
** register file of lanes x values, the scratchpad's bytes, and the main
** memory written by mstore / dma.out (reads of main memory go to a callback,
** typically struct kernel's mem_read). Element format by element_bytes:
** 2 = IEEE fp16 (round to nearest even), 4 = fp32, 8 = fp64. Arithmetic is
** done in double and rounded to the element format on every register write.
*/
#ifndef gs_funcsim_h
#define gs_funcsim_h

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "insn.h"

typedef void (*fs_mem_read_fn)(void *ctx, uint64_t maddr, void *buf, uint32_t n);

struct funcsim;

struct funcsim *funcsim_new(const struct gs_config *cfg, fs_mem_read_fn rd, void *rd_ctx);
void funcsim_free(struct funcsim *fs);

/* Execute src to its end. -1 with a message on a malformed instruction. */
int funcsim_run(struct funcsim *fs, struct gs_source *src, struct gs_err *err);

/* Scratchpad access in elements of element_bytes (values converted). */
void funcsim_spm_store(struct funcsim *fs, uint64_t addr, const float *v, uint64_t n);
void funcsim_spm_load(const struct funcsim *fs, uint64_t addr, float *v, uint64_t n);
/* Main memory as written by mstore / dma.out (unwritten bytes read as the
** mem_read callback gives them). */
void funcsim_mem_load(const struct funcsim *fs, uint64_t maddr, float *v, uint64_t n);

/* Element format codec for element_bytes eb = 2, 4 or 8, little-endian:
** elem_round rounds v to the format, elem_encode stores it rounded,
** elem_decode reads one element. fp16 through fp16.h. */
double elem_round(int eb, double v);
void elem_encode(int eb, double v, void *out);
double elem_decode(int eb, const void *in);

#endif
