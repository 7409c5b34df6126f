/*
** trace_parse.c: the grammar of trace format v1 (see trace_parse.h and
** docs/trace-format.md): tokens, operands, and the checks of each
** instruction against the machine, every message located at its token.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace_parse.h"

#define TOKEN_SHOW 40		/* bytes of a bad token quoted in messages */

/*
** Operand signature of each instruction: kinds r (register), n (number),
** i (index list); kinds after '|' are optional. names[] name the operands in
** messages and in docs/trace-format.md.
*/
struct op_sig {
	const char *kinds;
	const char *names[4];
	const char *usage;
};

static const struct op_sig op_sigs[] = {
	[OP_GATHER] = { "rni|r", { "vD", "BASE", "[indices]", "vI" },
			"gather vD, BASE, [i0 i1 ...] [, vI]" },
	[OP_SCATTER] = { "rni|r", { "vS", "BASE", "[indices]", "vI" },
			 "scatter vS, BASE, [i0 i1 ...] [, vI]" },
	[OP_SCATTER_ADD] = { "rni|r", { "vS", "BASE", "[indices]", "vI" },
			     "scatter.add vS, BASE, [i0 i1 ...] [, vI]" },
	[OP_VLOAD] = { "rn", { "vD", "ADDR" }, "vload vD, ADDR" },
	[OP_VSTORE] = { "rn", { "vS", "ADDR" }, "vstore vS, ADDR" },
	[OP_MLOAD] = { "rn|n", { "vD", "MADDR", "BYTES" }, "mload vD, MADDR [, BYTES]" },
	[OP_MSTORE] = { "rn|n", { "vS", "MADDR", "BYTES" }, "mstore vS, MADDR [, BYTES]" },
	[OP_FMA] = { "rrr", { "vD", "vA", "vB" }, "fma vD, vA, vB" },
	[OP_ADD] = { "rrr", { "vD", "vA", "vB" }, "add vD, vA, vB" },
	[OP_MUL] = { "rrr", { "vD", "vA", "vB" }, "mul vD, vA, vB" },
	[OP_REDUCE] = { "rr", { "vD", "vS" }, "reduce vD, vS" },
	[OP_BCAST] = { "rn", { "vD", "ADDR" }, "bcast vD, ADDR" },
	[OP_DMA_IN] = { "nnnn", { "TAG", "SPM_ADDR", "MADDR", "BYTES" },
			"dma.in TAG, SPM_ADDR, MADDR, BYTES" },
	[OP_DMA_OUT] = { "nnnn", { "TAG", "SPM_ADDR", "MADDR", "BYTES" },
			 "dma.out TAG, SPM_ADDR, MADDR, BYTES" },
	[OP_DMA_WAIT] = { "n", { "TAG" }, "dma.wait TAG" },
};

_Static_assert(sizeof op_sigs / sizeof op_sigs[0] == OP__COUNT,
	       "every instruction needs an operand signature");

/* Position in the current line, for tokenizing and located messages. */
struct cursor {
	const struct trace_line *l;
	const struct trace_machine *m;
	const char *line;
	const char *p;
	const char *op;		/* mnemonic prefixed to messages, or NULL */
	struct gs_err *err;
};

/* Register ids a trace may use: GS_NOREG marks an empty slot. */
static unsigned nregs(const struct trace_machine *m)
{
	return m->registers < GS_NOREG ? m->registers : GS_NOREG;
}

struct operand {
	uint64_t v;
	const char *at;		/* first byte of its token */
};

static int is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_word(int ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '_';
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static const char *word_end(const char *p)
{
	while (is_word(*p))
		p++;
	return p;
}

static void skip_space(struct cursor *c)
{
	while (is_space(*c->p))
		c->p++;
}

/* How the token at p reads in a message. */
static const char *describe(const char *p, char *buf, size_t n)
{
	size_t len = (size_t)(word_end(p) - p);
	unsigned char ch = (unsigned char)*p;

	if (!ch)
		return "end of line";
	if (len > TOKEN_SHOW)
		snprintf(buf, n, "'%.*s...'", TOKEN_SHOW, p);
	else if (len)
		snprintf(buf, n, "'%.*s'", (int)len, p);
	else if (ch > ' ' && ch < 0x7f)
		snprintf(buf, n, "'%c'", ch);
	else
		snprintf(buf, n, "byte 0x%02x", ch);
	return buf;
}

static int cur_err(const struct cursor *c, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cur_err(const struct cursor *c, const char *at, const char *fmt, ...)
{
	char msg[GS_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gs_errf(c->err, "%s:%" PRIu64 ":%zu: %s%s%s", c->l->path,
		       c->l->lineno, (size_t)(at - c->line) + 1,
		       c->op ? c->op : "", c->op ? ": " : "", msg);
}

/* ---- tokens ---- */

static int digit_value(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	ch = lower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : 99;
}

/* A decimal or 0x-hexadecimal unsigned 64-bit number. */
static int parse_u64(struct cursor *c, const char *name, struct operand *o)
{
	const char *s, *e, *d;
	uint64_t v = 0, base = 10, dig;
	char buf[64];

	skip_space(c);
	s = o->at = c->p;
	if (!is_digit(*s))
		return cur_err(c, s, "%s must be a number, found %s", name,
			       describe(s, buf, sizeof buf));
	e = word_end(s);
	d = s;
	if (s[0] == '0' && lower(s[1]) == 'x') {
		base = 16;
		d += 2;
		if (d == e)
			return cur_err(c, s, "invalid number %s",
				       describe(s, buf, sizeof buf));
	}
	for (; d < e; d++) {
		dig = (uint64_t)digit_value(*d);
		if (dig >= base)
			return cur_err(c, s, "invalid number %s",
				       describe(s, buf, sizeof buf));
		if (v > (UINT64_MAX - dig) / base)
			return cur_err(c, s, "number %s does not fit in 64 bits",
				       describe(s, buf, sizeof buf));
		v = v * base + dig;
	}
	c->p = e;
	o->v = v;
	return 0;
}

/* A register v<N>, N < vector.registers. */
static int parse_reg(struct cursor *c, const char *name, struct operand *o)
{
	const char *s, *e, *d;
	uint64_t v = 0;
	char buf[64];

	skip_space(c);
	s = o->at = c->p;
	e = word_end(s);
	for (d = s + 1; d < e && is_digit(*d); d++)
		if (v < GS_MAX_REGS)
			v = v * 10 + (uint64_t)(*d - '0');
	if (*s != 'v' || e == s + 1 || d != e)
		return cur_err(c, s, "%s must be a register v0..v%u, found %s",
			       name, nregs(c->m) - 1, describe(s, buf, sizeof buf));
	if (v >= nregs(c->m))
		return cur_err(c, s, "register %s is out of range v0..v%u (vector.registers = %u)",
			       describe(s, buf, sizeof buf), nregs(c->m) - 1,
			       c->m->registers);
	c->p = e;
	o->v = v;
	return 0;
}

static const char *comma_hint(const char *p)
{
	return *p == ',' ? " (indices are separated by spaces)" : "";
}

/* [i0 i1 - i3 ...]: at most vector.lanes entries, '-' masks a lane. */
static int parse_indices(struct cursor *c, struct operand *o,
			 struct gs_insn *in, const char **at_idx)
{
	const unsigned lanes = c->m->lanes;
	struct operand x;
	unsigned n = 0;
	const char *s;
	char buf[64];

	skip_space(c);
	o->at = c->p;
	if (*c->p != '[')
		return cur_err(c, c->p, "[indices] must be an index list like [0 4 - 9], found %s",
			       describe(c->p, buf, sizeof buf));
	for (c->p++;; n++) {
		skip_space(c);
		s = c->p;
		if (*s == ']')
			break;
		if (!*s)
			return cur_err(c, s, "unterminated index list: missing ']'");
		if (n == lanes)
			return cur_err(c, s, "more than %u indices (vector.lanes = %u)",
				       lanes, lanes);
		if (*s == '-') {
			c->p++;
			x.v = GS_LANE_MASKED;
		} else if (is_digit(*s)) {
			if (parse_u64(c, "index", &x))
				return -1;
			if (x.v >= GS_LANE_MASKED)
				return cur_err(c, s, "index %" PRIu64 " does not fit in 32 bits (at most %" PRIu32 ")",
					       x.v, GS_LANE_MASKED - 1);
		} else {
			return cur_err(c, s, "expected an index, '-' or ']', found %s%s",
				       describe(s, buf, sizeof buf), comma_hint(s));
		}
		if (*c->p && *c->p != ']' && !is_space(*c->p)) {
			if (*s == '-' && is_digit(*c->p))
				return cur_err(c, s, "indices are unsigned; a masked lane is a lone '-'");
			return cur_err(c, c->p, "expected a space or ']' after an index, found %s%s",
				       describe(c->p, buf, sizeof buf), comma_hint(c->p));
		}
		at_idx[n] = s;
		in->idx[n] = (uint32_t)x.v;
	}
	c->p++;
	in->nidx = (uint8_t)n;
	return 0;
}

/* Operands per the op's signature, separated by commas, nothing after. */
static int parse_operands(struct cursor *c, const struct op_sig *sig,
			  struct operand *ops, int *nops, struct gs_insn *in,
			  const char **at_idx)
{
	const char *k;
	int i = 0, optional = 0, r;
	char buf[64];

	for (k = sig->kinds; *k; k++) {
		if (*k == '|') {
			optional = 1;
			continue;
		}
		skip_space(c);
		if (i > 0 && *c->p == ',') {
			c->p++;
		} else if (optional) {
			break;
		} else if (!*c->p) {
			return cur_err(c, c->p, "missing %s (usage: %s)",
				       sig->names[i], sig->usage);
		} else if (i > 0) {
			return cur_err(c, c->p, "expected ',' before %s, found %s",
				       sig->names[i], describe(c->p, buf, sizeof buf));
		}
		if (*k == 'r')
			r = parse_reg(c, sig->names[i], &ops[i]);
		else if (*k == 'n')
			r = parse_u64(c, sig->names[i], &ops[i]);
		else
			r = parse_indices(c, &ops[i], in, at_idx);
		if (r)
			return -1;
		i++;
	}
	skip_space(c);
	if (*c->p == ',')
		return cur_err(c, c->p, "too many operands (usage: %s)", sig->usage);
	if (*c->p)
		return cur_err(c, c->p, "unexpected %s after the last operand",
			       describe(c->p, buf, sizeof buf));
	*nops = i;
	return 0;
}

/* The mnemonic closest to s[0..n), case-insensitively: one s is a prefix of
** (from 3 letters), else the first within edit distance 2; NULL if none. */
static const char *suggest(const char *s, size_t n)
{
	size_t row[16], best = 5, d, i, j, m, prev, cur;
	const char *name, *found = NULL;
	int op;

	if (n > 24)
		return NULL;
	for (op = 0; op < OP__COUNT; op++) {
		name = gs_op_name(op);
		m = strlen(name);
		for (j = 0; j <= m; j++)
			row[j] = j;
		for (i = 1; i <= n; i++) {
			prev = row[0];
			row[0] = i;
			for (j = 1; j <= m; j++) {
				cur = row[j];
				d = prev + (lower(s[i - 1]) != name[j - 1]);
				if (row[j] + 1 < d)
					d = row[j] + 1;
				if (row[j - 1] + 1 < d)
					d = row[j - 1] + 1;
				row[j] = d;
				prev = cur;
			}
		}
		d = 2 * row[m];		/* half steps: a prefix ranks between 0 and 1 */
		for (i = 0; i < n && i < m && lower(s[i]) == name[i]; i++)
			;
		if (n >= 3 && i == n && d > 1)
			d = 1;
		if (d < best) {
			best = d;
			found = name;
		}
	}
	return found;
}

static int parse_mnemonic(struct cursor *c, int *op)
{
	const char *s = c->p, *e = word_end(s), *hint;
	size_t n = (size_t)(e - s);
	char buf[64];
	int i;

	for (i = 0; i < OP__COUNT; i++) {
		if (strlen(gs_op_name(i)) == n && !memcmp(gs_op_name(i), s, n)) {
			c->p = e;
			c->op = gs_op_name(i);
			*op = i;
			return 0;
		}
	}
	if (!n)
		return cur_err(c, s, "expected an instruction, found %s",
			       describe(s, buf, sizeof buf));
	hint = suggest(s, n);
	if (hint)
		return cur_err(c, s, "unknown instruction %s (did you mean '%s'?)",
			       describe(s, buf, sizeof buf), hint);
	return cur_err(c, s, "unknown instruction %s", describe(s, buf, sizeof buf));
}

/* ---- semantic checks ---- */

/* Is [base + off, base + off + n) inside the scratchpad? (without overflow) */
static int spm_holds(const struct trace_machine *t, uint64_t base, uint64_t off,
		     uint64_t n)
{
	return base <= t->spm_bytes && off <= t->spm_bytes - base &&
	       n <= t->spm_bytes - base - off;
}

static int check_aligned(const struct cursor *c, const char *name,
			 const struct operand *o)
{
	if (o->v % c->m->element_bytes)
		return cur_err(c, o->at, "%s 0x%" PRIx64 " is not a multiple of element_bytes (%u)",
			       name, o->v, c->m->element_bytes);
	return 0;
}

static int check_spm_range(const struct cursor *c, const char *name,
			   const struct operand *o, uint64_t n)
{
	if (!spm_holds(c->m, o->v, 0, n))
		return cur_err(c, o->at, "%s 0x%" PRIx64 " + %" PRIu64 " bytes runs past the end of the %" PRIu64 "-byte scratchpad",
			       name, o->v, n, c->m->spm_bytes);
	return 0;
}

static int check_u32(const struct cursor *c, const char *name,
		     const struct operand *o)
{
	if (o->v > UINT32_MAX)
		return cur_err(c, o->at, "%s %" PRIu64 " does not fit in 32 bits",
			       name, o->v);
	return 0;
}

static int check_maddr(const struct cursor *c, const struct operand *maddr,
		       uint64_t bytes)
{
	if (bytes - 1 > UINT64_MAX - maddr->v)
		return cur_err(c, maddr->at, "MADDR 0x%" PRIx64 " + %" PRIu64 " bytes wraps past the end of the 64-bit address space",
			       maddr->v, bytes);
	return 0;
}

static int check_lanes(const struct cursor *c, const struct gs_insn *in,
		       const struct operand *base, const char **at_idx)
{
	const struct trace_machine *t = c->m;
	unsigned i;

	if (check_aligned(c, "BASE", base))
		return -1;
	for (i = 0; i < in->nidx; i++) {
		if (in->idx[i] == GS_LANE_MASKED ||
		    spm_holds(t, in->addr, (uint64_t)in->idx[i] * t->element_bytes,
			      t->element_bytes))
			continue;
		return cur_err(c, in->addr >= t->spm_bytes ? base->at : at_idx[i],
			       "lane %u (BASE 0x%" PRIx64 " + index %" PRIu32 " * %u bytes) is outside the %" PRIu64 "-byte scratchpad",
			       i, in->addr, in->idx[i], t->element_bytes, t->spm_bytes);
	}
	return 0;
}

/* Fill in the fields of op from its operands, and check them against the machine. */
static int build_insn(const struct cursor *c, struct gs_insn *in,
		      const struct operand *o, int nops, const char **at_idx)
{
	const uint64_t vbytes = (uint64_t)c->m->lanes * c->m->element_bytes;

	switch (in->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		if (in->op == OP_GATHER)
			in->dst = (uint8_t)o[0].v;
		else
			in->src[1] = (uint8_t)o[0].v;
		in->addr = o[1].v;
		if (nops > 3)
			in->src[0] = (uint8_t)o[3].v;
		return check_lanes(c, in, &o[1], at_idx);
	case OP_VLOAD:
	case OP_VSTORE:
	case OP_BCAST:
		if (in->op == OP_VSTORE)
			in->src[1] = (uint8_t)o[0].v;
		else
			in->dst = (uint8_t)o[0].v;
		in->addr = o[1].v;
		return check_aligned(c, "ADDR", &o[1]) ||
		       check_spm_range(c, "ADDR", &o[1],
				       in->op == OP_BCAST ? c->m->element_bytes : vbytes);
	case OP_MLOAD:
	case OP_MSTORE:
		if (in->op == OP_MSTORE)
			in->src[1] = (uint8_t)o[0].v;
		else
			in->dst = (uint8_t)o[0].v;
		in->maddr = o[1].v;
		if (nops > 2 && (o[2].v < 1 || o[2].v > vbytes))
			return cur_err(c, o[2].at, "BYTES %" PRIu64 " is out of range 1..%" PRIu64 " (vector.lanes * element_bytes)",
				       o[2].v, vbytes);
		in->bytes = (uint32_t)(nops > 2 ? o[2].v : vbytes);
		return check_maddr(c, &o[1], in->bytes);
	case OP_FMA:
		in->dst = in->src[0] = (uint8_t)o[0].v;
		in->src[1] = (uint8_t)o[1].v;
		in->src[2] = (uint8_t)o[2].v;
		return 0;
	case OP_ADD:
	case OP_MUL:
		in->dst = (uint8_t)o[0].v;
		in->src[0] = (uint8_t)o[1].v;
		in->src[1] = (uint8_t)o[2].v;
		return 0;
	case OP_REDUCE:
		in->dst = (uint8_t)o[0].v;
		in->src[0] = (uint8_t)o[1].v;
		return 0;
	case OP_DMA_IN:
	case OP_DMA_OUT:
		if (check_u32(c, "TAG", &o[0]) || check_u32(c, "BYTES", &o[3]))
			return -1;
		if (o[3].v == 0)
			return cur_err(c, o[3].at, "BYTES must be at least 1");
		in->tag = (uint32_t)o[0].v;
		in->addr = o[1].v;
		in->maddr = o[2].v;
		in->bytes = (uint32_t)o[3].v;
		return check_spm_range(c, "SPM_ADDR", &o[1], in->bytes) ||
		       check_maddr(c, &o[2], in->bytes);
	case OP_DMA_WAIT:
		in->tag = (uint32_t)o[0].v;
		return check_u32(c, "TAG", &o[0]);
	}
	return cur_err(c, c->line, "internal error: no rule for op %d", in->op);
}

static int parse_insn(struct cursor *c, struct gs_insn *in)
{
	struct operand ops[4];
	const char *at_idx[GS_MAX_LANES];
	int op = 0, nops = 0, i;

	memset(in, 0, sizeof *in);
	in->dst = in->src[0] = in->src[1] = in->src[2] = GS_NOREG;
	for (i = 0; i < GS_MAX_LANES; i++)
		in->idx[i] = GS_LANE_MASKED;
	in->line = c->l->lineno;
	if (parse_mnemonic(c, &op))
		return -1;
	in->op = (uint8_t)op;
	if (parse_operands(c, &op_sigs[op], ops, &nops, in, at_idx))
		return -1;
	return build_insn(c, in, ops, nops, at_idx) ? -1 : 0;
}

/* Reject binary input, cut the comment off, and point c at the line. */
static int start_line(struct cursor *c, struct trace_line *l,
		      const struct trace_machine *m, struct gs_err *err)
{
	const char *nul = memchr(l->text, '\0', l->len);
	char *hash;

	if (nul)
		return gs_errf(err, "%s:%" PRIu64 ":%zu: NUL byte: this is not a text trace",
			       l->path, l->lineno, (size_t)(nul - l->text) + 1);
	hash = memchr(l->text, '#', l->len);
	if (hash)
		*hash = '\0';
	c->l = l;
	c->m = m;
	c->line = c->p = l->text;
	c->op = NULL;
	c->err = err;
	return 0;
}

int trace_parse_header(struct trace_line *l, struct gs_err *err)
{
	struct cursor c;
	struct operand v;
	const char *s, *e;
	char buf[64];

	if (start_line(&c, l, NULL, err))
		return -1;
	skip_space(&c);
	s = c.p;
	e = word_end(s);
	if (e - s != 7 || memcmp(s, "gstrace", 7))
		return cur_err(&c, s, "expected \"gstrace %d\"", TRACE_VERSION);
	c.p = e;
	skip_space(&c);
	if (!is_digit(*c.p))
		return cur_err(&c, c.p, "expected \"gstrace %d\"", TRACE_VERSION);
	if (parse_u64(&c, "the version", &v))
		return -1;
	if (v.v != TRACE_VERSION)
		return cur_err(&c, v.at, "unsupported trace version %" PRIu64 " (expected %d)",
			       v.v, TRACE_VERSION);
	skip_space(&c);
	if (*c.p)
		return cur_err(&c, c.p, "unexpected %s after \"gstrace %d\"",
			       describe(c.p, buf, sizeof buf), TRACE_VERSION);
	return 0;
}

int trace_parse_line(struct trace_line *l, const struct trace_machine *m,
		     struct gs_insn *out, struct gs_err *err)
{
	struct cursor c;

	if (start_line(&c, l, m, err))
		return -1;
	skip_space(&c);
	if (!*c.p)
		return 0;
	return parse_insn(&c, out) ? -1 : 1;
}

int trace_machine_from_config(struct trace_machine *m, const struct gs_config *cfg,
			      const char *path, struct gs_err *err)
{
	if (cfg->vector.lanes < 1 || cfg->vector.lanes > GS_MAX_LANES ||
	    cfg->vector.element_bytes < 1 || cfg->vector.registers < 1 ||
	    cfg->scratchpad.size_kib < 0)
		return gs_errf(err, "%s: the machine configuration is invalid (vector.lanes, vector.element_bytes, vector.registers or scratchpad.size_kib)",
			       path);
	m->lanes = (unsigned)cfg->vector.lanes;
	m->element_bytes = (unsigned)cfg->vector.element_bytes;
	m->registers = (unsigned)cfg->vector.registers;
	m->spm_bytes = (uint64_t)cfg_spm_bytes(cfg);
	return 0;
}
