/*
** funcsim.c: functional execution of an instruction stream (funcsim.h).
** Registers hold doubles already rounded to the element format; the
** scratchpad is a byte array; main memory is the read callback overlaid
** by a sparse map of the pages mstore / dma.out wrote (4 KiB pages with a
** written-byte bitmap, open addressing), so memory is proportional to
** what was written, never to the address space.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp16.h"
#include "funcsim.h"

/* ---- element formats ---- */

double elem_round(int eb, double v)
{
	if (eb == 2)
		return fp16_to_float(fp16_from_double(v));
	if (eb == 4)
		return (float)v;
	return v;
}

void elem_encode(int eb, double v, void *out)
{
	unsigned char *p = out;
	uint64_t bits;
	int i;

	if (eb == 2) {
		bits = fp16_from_double(v);
	} else if (eb == 4) {
		float f = (float)v;
		uint32_t b32;

		memcpy(&b32, &f, sizeof(b32));
		bits = b32;
	} else {
		memcpy(&bits, &v, sizeof(bits));
	}
	for (i = 0; i < eb; i++)
		p[i] = (unsigned char)(bits >> (8 * i));
}

double elem_decode(int eb, const void *in)
{
	const unsigned char *p = in;
	uint64_t bits = 0;
	int i;

	for (i = 0; i < eb; i++)
		bits |= (uint64_t)p[i] << (8 * i);
	if (eb == 2)
		return fp16_to_float((uint16_t)bits);
	if (eb == 4) {
		uint32_t b32 = (uint32_t)bits;
		float f;

		memcpy(&f, &b32, sizeof(f));
		return f;
	}
	{
		double d;

		memcpy(&d, &bits, sizeof(d));
		return d;
	}
}

/* ---- written main memory: sparse page map ---- */

#define PAGE_SHIFT 12
#define PAGE_BYTES (1u << PAGE_SHIFT)

struct page {
	uint64_t no;
	unsigned char data[PAGE_BYTES];
	unsigned char valid[PAGE_BYTES / 8];
};

struct funcsim {
	int lanes, eb, nregs;
	uint64_t spm_bytes;
	double *regs;			/* nregs * lanes */
	unsigned char *spm;
	fs_mem_read_fn rd;
	void *rd_ctx;
	struct page **pages;		/* open addressing, power-of-two size */
	size_t npages, cap;
};

static size_t page_slot(const struct funcsim *fs, uint64_t no)
{
	uint64_t h = no * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (fs->cap - 1);
}

static struct page *page_find(const struct funcsim *fs, uint64_t no)
{
	size_t i;

	if (!fs->cap)
		return NULL;
	for (i = page_slot(fs, no); fs->pages[i]; i = (i + 1) & (fs->cap - 1))
		if (fs->pages[i]->no == no)
			return fs->pages[i];
	return NULL;
}

static int page_grow(struct funcsim *fs)
{
	size_t ncap = fs->cap ? fs->cap * 2 : 64, i, j;
	struct page **np = calloc(ncap, sizeof(*np));

	if (!np)
		return -1;
	for (i = 0; i < fs->cap; i++) {
		if (!fs->pages[i])
			continue;
		j = (size_t)(fs->pages[i]->no * 0x9e3779b97f4a7c15ull >> 17) & (ncap - 1);
		while (np[j])
			j = (j + 1) & (ncap - 1);
		np[j] = fs->pages[i];
	}
	free(fs->pages);
	fs->pages = np;
	fs->cap = ncap;
	return 0;
}

static struct page *page_get(struct funcsim *fs, uint64_t no)
{
	struct page *p = page_find(fs, no);
	size_t i;

	if (p)
		return p;
	if ((fs->npages + 1) * 2 > fs->cap && page_grow(fs) < 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->no = no;
	for (i = page_slot(fs, no); fs->pages[i]; i = (i + 1) & (fs->cap - 1))
		;
	fs->pages[i] = p;
	fs->npages++;
	return p;
}

static int mem_write(struct funcsim *fs, uint64_t maddr, const unsigned char *buf, uint64_t n)
{
	uint64_t i;
	struct page *p = NULL;

	for (i = 0; i < n; i++) {
		uint64_t a = maddr + i;
		unsigned off = (unsigned)(a & (PAGE_BYTES - 1));

		if (!p || p->no != a >> PAGE_SHIFT) {
			p = page_get(fs, a >> PAGE_SHIFT);
			if (!p)
				return -1;
		}
		p->data[off] = buf[i];
		p->valid[off / 8] |= (unsigned char)(1u << (off % 8));
	}
	return 0;
}

static void mem_read(const struct funcsim *fs, uint64_t maddr, unsigned char *buf, uint32_t n)
{
	const struct page *p = NULL;
	uint64_t cur = UINT64_MAX;
	uint32_t i;

	memset(buf, 0, n);
	if (fs->rd)
		fs->rd(fs->rd_ctx, maddr, buf, n);
	for (i = 0; i < n; i++) {
		uint64_t a = maddr + i;
		unsigned off = (unsigned)(a & (PAGE_BYTES - 1));

		if (a >> PAGE_SHIFT != cur) {
			cur = a >> PAGE_SHIFT;
			p = page_find(fs, cur);
		}
		if (p && (p->valid[off / 8] >> (off % 8) & 1u))
			buf[i] = p->data[off];
	}
}

/* ---- life cycle and host access ---- */

struct funcsim *funcsim_new(const struct gs_config *cfg, fs_mem_read_fn rd, void *rd_ctx)
{
	struct funcsim *fs;
	int eb = cfg->vector.element_bytes;

	if (cfg->vector.lanes < 1 || cfg->vector.lanes > GS_MAX_LANES ||
	    cfg->vector.registers < 1 || cfg->vector.registers > GS_MAX_REGS ||
	    (eb != 2 && eb != 4 && eb != 8) || cfg->scratchpad.size_kib < 0)
		return NULL;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->lanes = cfg->vector.lanes;
	fs->eb = eb;
	fs->nregs = cfg->vector.registers;
	fs->spm_bytes = (uint64_t)cfg_spm_bytes(cfg);
	fs->rd = rd;
	fs->rd_ctx = rd_ctx;
	fs->regs = calloc((size_t)fs->nregs * (size_t)fs->lanes, sizeof(double));
	fs->spm = calloc(fs->spm_bytes ? fs->spm_bytes : 1, 1);
	if (!fs->regs || !fs->spm) {
		funcsim_free(fs);
		return NULL;
	}
	return fs;
}

void funcsim_free(struct funcsim *fs)
{
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->cap; i++)
		free(fs->pages[i]);
	free(fs->pages);
	free(fs->regs);
	free(fs->spm);
	free(fs);
}

/* Elements outside the scratchpad are ignored (stores) or read as 0. */
void funcsim_spm_store(struct funcsim *fs, uint64_t addr, const float *v, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = addr + i * (uint64_t)fs->eb;

		if (a < addr || a + (uint64_t)fs->eb > fs->spm_bytes)
			break;
		elem_encode(fs->eb, v[i], fs->spm + a);
	}
}

void funcsim_spm_load(const struct funcsim *fs, uint64_t addr, float *v, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = addr + i * (uint64_t)fs->eb;

		v[i] = a >= addr && a + (uint64_t)fs->eb <= fs->spm_bytes ?
			       (float)elem_decode(fs->eb, fs->spm + a) : 0.0f;
	}
}

void funcsim_mem_load(const struct funcsim *fs, uint64_t maddr, float *v, uint64_t n)
{
	unsigned char b[8];
	uint64_t i;

	for (i = 0; i < n; i++) {
		mem_read(fs, maddr + i * (uint64_t)fs->eb, b, (uint32_t)fs->eb);
		v[i] = (float)elem_decode(fs->eb, b);
	}
}

/* ---- execution ---- */

struct exec {
	struct funcsim *fs;
	const struct gs_insn *in;
	const char *src;
	struct gs_err *err;
};

static int bad(const struct exec *x, const char *what)
{
	return gs_errf(x->err, "%s:%llu: %s: %s", x->src, (unsigned long long)x->in->line,
		       gs_op_name(x->in->op), what);
}

static double *reg(const struct exec *x, int r)
{
	return x->fs->regs + (size_t)r * (size_t)x->fs->lanes;
}

static int check_reg(const struct exec *x, int r, const char *slot)
{
	char buf[96];

	if (r == (int)GS_NOREG || r >= x->fs->nregs) {
		snprintf(buf, sizeof(buf), "%s register %d missing or >= registers (%d)", slot,
			 r == (int)GS_NOREG ? -1 : r, x->fs->nregs);
		return bad(x, buf);
	}
	return 0;
}

static int check_spm(const struct exec *x, uint64_t addr, uint64_t bytes)
{
	char buf[128];

	if (addr > x->fs->spm_bytes || bytes > x->fs->spm_bytes - addr) {
		snprintf(buf, sizeof(buf),
			 "scratchpad bytes [%llu, %llu) outside the %llu-byte scratchpad",
			 (unsigned long long)addr, (unsigned long long)(addr + bytes),
			 (unsigned long long)x->fs->spm_bytes);
		return bad(x, buf);
	}
	return 0;
}

/* Scratchpad addresses of element accesses are multiples of element_bytes. */
static int check_aligned(const struct exec *x, uint64_t addr)
{
	if (addr % (uint64_t)x->fs->eb)
		return bad(x, "scratchpad address not a multiple of element_bytes");
	return 0;
}

/* Bytes a mload/mstore moves: BYTES, 1 up to a vector.
** A partial last element (e.g. a 2-byte index on a 4-byte machine) loads
** zero-extended and stores only its bytes. */
static int stream_bytes(const struct exec *x, uint32_t *n)
{
	uint32_t full = (uint32_t)(x->fs->lanes * x->fs->eb), b = x->in->bytes;

	if (b < 1 || b > full)
		return bad(x, "BYTES out of range 1..lanes*element_bytes");
	*n = b;
	return 0;
}

static int lane_active(const struct gs_insn *in, int l)
{
	return l < in->nidx && in->idx[l] != GS_LANE_MASKED;
}

/* Gather/scatter lane l's scratchpad address, checked. */
static int lane_addr(const struct exec *x, int l, uint64_t *a)
{
	*a = x->in->addr + (uint64_t)x->in->idx[l] * (uint64_t)x->fs->eb;
	return check_spm(x, *a, (uint64_t)x->fs->eb);
}

static int exec_gather_scatter(const struct exec *x)
{
	const struct gs_insn *in = x->in;
	struct funcsim *fs = x->fs;
	int op = in->op, vr = op == OP_GATHER ? in->dst : in->src[1], l;
	double tmp[GS_MAX_LANES];
	uint64_t a;

	if (check_reg(x, vr, op == OP_GATHER ? "destination" : "source") < 0)
		return -1;
	if (in->nidx > fs->lanes)
		return bad(x, "more indices than lanes");
	if (check_aligned(x, in->addr) < 0)
		return -1;
	if (in->src[0] != GS_NOREG && in->src[0] >= fs->nregs)
		return check_reg(x, in->src[0], "index");
	for (l = 0; l < fs->lanes; l++) {
		if (!lane_active(in, l)) {
			tmp[l] = 0.0;
			continue;
		}
		if (lane_addr(x, l, &a) < 0)
			return -1;
		if (op == OP_GATHER) {
			tmp[l] = elem_decode(fs->eb, fs->spm + a);
		} else if (op == OP_SCATTER) {
			elem_encode(fs->eb, reg(x, vr)[l], fs->spm + a);
		} else {
			double s = elem_decode(fs->eb, fs->spm + a) + reg(x, vr)[l];

			elem_encode(fs->eb, s, fs->spm + a);
		}
	}
	if (op == OP_GATHER)
		memcpy(reg(x, vr), tmp, (size_t)fs->lanes * sizeof(double));
	return 0;
}

static int exec_contiguous(const struct exec *x)
{
	const struct gs_insn *in = x->in;
	struct funcsim *fs = x->fs;
	int load = in->op == OP_VLOAD || in->op == OP_BCAST, vr = load ? in->dst : in->src[1], l;
	uint64_t bytes = in->op == OP_BCAST ? (uint64_t)fs->eb : (uint64_t)fs->lanes * fs->eb;
	double *r;

	if (check_reg(x, vr, load ? "destination" : "source") < 0 ||
	    check_aligned(x, in->addr) < 0 || check_spm(x, in->addr, bytes) < 0)
		return -1;
	r = reg(x, vr);
	for (l = 0; l < fs->lanes; l++) {
		unsigned char *p = fs->spm + in->addr + (in->op == OP_BCAST ? 0 : (uint64_t)l * fs->eb);

		if (load)
			r[l] = elem_decode(fs->eb, p);
		else
			elem_encode(fs->eb, r[l], p);
	}
	return 0;
}

static int exec_stream(const struct exec *x)
{
	const struct gs_insn *in = x->in;
	struct funcsim *fs = x->fs;
	unsigned char buf[GS_MAX_LANES * 8];
	int load = in->op == OP_MLOAD, vr = load ? in->dst : in->src[1], l;
	uint32_t n = 0;
	double *r;

	if (check_reg(x, vr, load ? "destination" : "source") < 0 || stream_bytes(x, &n) < 0)
		return -1;
	r = reg(x, vr);
	if (load) {
		memset(buf, 0, sizeof(buf));
		mem_read(fs, in->maddr, buf, n);
		for (l = 0; l < fs->lanes; l++)
			r[l] = (uint32_t)(l * fs->eb) < n ? elem_decode(fs->eb, buf + l * fs->eb) : 0.0;
		return 0;
	}
	for (l = 0; l < fs->lanes; l++)
		elem_encode(fs->eb, r[l], buf + l * fs->eb);
	if (mem_write(fs, in->maddr, buf, n) < 0)
		return bad(x, "out of memory");
	return 0;
}

static int exec_arith(const struct exec *x)
{
	const struct gs_insn *in = x->in;
	struct funcsim *fs = x->fs;
	double *d, *a, *b;
	double sum = 0.0;
	int l, eb = fs->eb;

	if (check_reg(x, in->dst, "destination") < 0)
		return -1;
	d = reg(x, in->dst);
	if (in->op == OP_REDUCE) {
		if (check_reg(x, in->src[0], "source") < 0)
			return -1;
		a = reg(x, in->src[0]);
		for (l = 0; l < fs->lanes; l++)
			sum += a[l];
		for (l = 1; l < fs->lanes; l++)
			d[l] = 0.0;
		d[0] = elem_round(eb, sum);
		return 0;
	}
	if (in->op == OP_FMA) {
		if (check_reg(x, in->src[1], "first source") < 0 ||
		    check_reg(x, in->src[2], "second source") < 0)
			return -1;
		if (in->src[0] != GS_NOREG && in->src[0] != in->dst)
			return bad(x, "accumulator (first source) must be the destination");
		a = reg(x, in->src[1]);
		b = reg(x, in->src[2]);
		for (l = 0; l < fs->lanes; l++)
			d[l] = elem_round(eb, fma(a[l], b[l], d[l]));
		return 0;
	}
	if (check_reg(x, in->src[0], "first source") < 0 ||
	    check_reg(x, in->src[1], "second source") < 0)
		return -1;
	a = reg(x, in->src[0]);
	b = reg(x, in->src[1]);
	for (l = 0; l < fs->lanes; l++)
		d[l] = elem_round(eb, in->op == OP_ADD ? a[l] + b[l] : a[l] * b[l]);
	return 0;
}

static int exec_dma(const struct exec *x)
{
	const struct gs_insn *in = x->in;
	struct funcsim *fs = x->fs;

	if (in->op == OP_DMA_WAIT)
		return 0;
	if (in->bytes < 1)
		return bad(x, "BYTES must be at least 1");
	if (check_spm(x, in->addr, in->bytes) < 0)
		return -1;
	if (in->op == OP_DMA_IN) {
		mem_read(fs, in->maddr, fs->spm + in->addr, in->bytes);
		return 0;
	}
	if (mem_write(fs, in->maddr, fs->spm + in->addr, in->bytes) < 0)
		return bad(x, "out of memory");
	return 0;
}

static int exec_one(const struct exec *x)
{
	switch (x->in->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		return exec_gather_scatter(x);
	case OP_VLOAD:
	case OP_VSTORE:
	case OP_BCAST:
		return exec_contiguous(x);
	case OP_MLOAD:
	case OP_MSTORE:
		return exec_stream(x);
	case OP_FMA:
	case OP_ADD:
	case OP_MUL:
	case OP_REDUCE:
		return exec_arith(x);
	case OP_DMA_IN:
	case OP_DMA_OUT:
	case OP_DMA_WAIT:
		return exec_dma(x);
	default:
		return bad(x, "unknown opcode");
	}
}

int funcsim_run(struct funcsim *fs, struct gs_source *src, struct gs_err *err)
{
	struct gs_insn in;
	struct exec x;
	int rc;

	x.fs = fs;
	x.in = &in;
	x.err = err;
	x.src = src->name ? src->name(src->ctx) : "trace";
	if (!x.src)
		x.src = "trace";
	while ((rc = src->next(src->ctx, &in, err)) == 1)
		if (exec_one(&x) < 0)
			return -1;
	return rc < 0 ? -1 : 0;
}
