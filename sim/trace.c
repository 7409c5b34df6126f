/*
** trace.c: text trace files, format v1 (docs/trace-format.md): the
** streaming reader, a gs_source holding one line in memory at a time (the
** grammar is in trace_parse.c), and the canonical writer.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"
#include "trace_parse.h"

#define TRACE_LINE_MAX ((size_t)1 << 20)	/* longest accepted line, in bytes */
#define TRACE_BLOCK 65536			/* bytes per fread */

struct trace {
	FILE *f;
	char *path;
	char *line;		/* current line, NUL-terminated */
	size_t cap;		/* bytes allocated for line (<= TRACE_LINE_MAX + 1) */
	char *blk;		/* read buffer; blk[pos..end) not consumed yet */
	size_t pos, end;
	int eof;
	int failed;		/* a line could not be read: the stream is unusable */
	uint64_t lineno;	/* lines read so far */
	struct trace_machine m;
};

/* Make room for need bytes in t->line (need <= TRACE_LINE_MAX + 1). */
static int line_reserve(struct trace *t, size_t need, struct gs_err *err)
{
	size_t cap = t->cap ? t->cap : 256;
	char *p;

	if (need <= t->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > TRACE_LINE_MAX + 1)
		cap = TRACE_LINE_MAX + 1;
	p = realloc(t->line, cap);
	if (!p)
		return gs_errf(err, "%s:%" PRIu64 ": out of memory", t->path,
			       t->lineno + 1);
	t->line = p;
	t->cap = cap;
	return 0;
}

/*
** Read the next line (without its '\n') into t->line. Our own block reader
** rather than getline(): a line is rejected once it passes TRACE_LINE_MAX,
** before it is buffered whole, so memory stays bounded whatever the input,
** and NUL bytes are seen. Returns 1, 0 at the end, or -1.
*/
static int read_line(struct trace *t, size_t *len, struct gs_err *err)
{
	size_t n = 0, k;
	const char *s, *nl = NULL;
	int any = 0, e;

	while (!nl) {
		if (t->pos == t->end) {
			if (t->eof)
				break;
			t->pos = 0;
			t->end = fread(t->blk, 1, TRACE_BLOCK, t->f);
			if (t->end == 0) {
				e = errno;
				if (ferror(t->f))
					return gs_errf(err, "%s:%" PRIu64 ": read error: %s",
						       t->path, t->lineno + 1, strerror(e));
				t->eof = 1;
				break;
			}
		}
		any = 1;
		s = t->blk + t->pos;
		nl = memchr(s, '\n', t->end - t->pos);
		k = nl ? (size_t)(nl - s) : t->end - t->pos;
		if (k > TRACE_LINE_MAX - n)
			return gs_errf(err, "%s:%" PRIu64 ":1: line longer than 1 MiB (%zu bytes)",
				       t->path, t->lineno + 1, TRACE_LINE_MAX);
		if (line_reserve(t, n + k + 1, err))
			return -1;
		memcpy(t->line + n, s, k);
		n += k;
		t->pos += k + (nl != NULL);
	}
	if (!any)
		return 0;
	if (line_reserve(t, n + 1, err))
		return -1;
	t->line[n] = '\0';
	t->lineno++;
	*len = n;
	return 1;
}

static void current_line(const struct trace *t, size_t len, struct trace_line *l)
{
	l->path = t->path;
	l->lineno = t->lineno;
	l->text = t->line;
	l->len = len;
}

static int trace_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct trace *t = ctx;
	struct trace_line l;
	size_t len = 0;
	int r;

	if (t->failed)
		return gs_errf(err, "%s:%" PRIu64 ": reading stopped at the error on this line",
			       t->path, t->lineno + 1);
	do {
		r = read_line(t, &len, err);
		if (r < 0)
			t->failed = 1;
		if (r <= 0)
			return r;
		current_line(t, len, &l);
		r = trace_parse_line(&l, &t->m, out, err);
	} while (r == 0);
	return r;
}

static void trace_close(void *ctx)
{
	struct trace *t = ctx;

	if (!t)
		return;
	if (t->f)
		fclose(t->f);
	free(t->line);
	free(t->blk);
	free(t->path);
	free(t);
}

static const char *trace_name(void *ctx)
{
	return ((const struct trace *)ctx)->path;
}

/* Line 1 must be the header: no comment or blank line may precede it. */
static int read_header(struct trace *t, struct gs_err *err)
{
	struct trace_line l;
	size_t len = 0;
	int r = read_line(t, &len, err);

	if (r < 0)
		return -1;
	if (r == 0)
		return gs_errf(err, "%s:1:1: expected \"gstrace %d\" (the file is empty)",
			       t->path, TRACE_VERSION);
	current_line(t, len, &l);
	return trace_parse_header(&l, err);
}

int trace_open(struct gs_source *src, const char *path,
	       const struct gs_config *cfg, struct gs_err *err)
{
	struct trace *t;
	struct stat st;
	int e;

	t = calloc(1, sizeof *t);
	if (!t)
		return gs_errf(err, "%s: out of memory", path);
	if (trace_machine_from_config(&t->m, cfg, path, err)) {
		free(t);
		return -1;
	}
	t->f = fopen(path, "rb");
	if (!t->f) {
		e = errno;
		free(t);
		return gs_errf(err, "%s: cannot open: %s", path, strerror(e));
	}
	if (fstat(fileno(t->f), &st) == 0 && S_ISDIR(st.st_mode)) {
		trace_close(t);
		return gs_errf(err, "%s: cannot open: %s", path, strerror(EISDIR));
	}
	/* blk is the only buffer: spare stdio's copy */
	setvbuf(t->f, NULL, _IONBF, 0);
	t->path = strdup(path);
	t->blk = malloc(TRACE_BLOCK);
	if (!t->path || !t->blk) {
		trace_close(t);
		return gs_errf(err, "%s: out of memory", path);
	}
	if (read_header(t, err)) {
		trace_close(t);
		return -1;
	}
	src->ctx = t;
	src->next = trace_next;
	src->close = trace_close;
	src->name = trace_name;
	return 0;
}

/* ---- writer ---- */

int trace_write_header(FILE *f)
{
	return fprintf(f, "gstrace %d\n", TRACE_VERSION) < 0 ? -1 : 0;
}

static void write_indices(FILE *f, const struct gs_insn *in)
{
	unsigned n = in->nidx, i;

	while (n > 0 && in->idx[n - 1] == GS_LANE_MASKED)
		n--;
	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		if (in->idx[i] == GS_LANE_MASKED)
			fputc('-', f);
		else
			fprintf(f, "%" PRIu32, in->idx[i]);
	}
	fputc(']', f);
}

int trace_write_insn(FILE *f, const struct gs_insn *in,
		     const struct gs_config *cfg)
{
	const char *name = gs_op_name(in->op);
	const unsigned vbytes = (unsigned)(cfg->vector.lanes * cfg->vector.element_bytes);

	if (in->nidx > GS_MAX_LANES) {
		errno = EINVAL;
		return -1;
	}
	switch (in->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		fprintf(f, "%s v%u, 0x%" PRIx64 ", ", name,
			in->op == OP_GATHER ? in->dst : in->src[1], in->addr);
		write_indices(f, in);
		if (in->src[0] != GS_NOREG)
			fprintf(f, ", v%u", in->src[0]);
		break;
	case OP_VLOAD:
	case OP_BCAST:
		fprintf(f, "%s v%u, 0x%" PRIx64, name, in->dst, in->addr);
		break;
	case OP_VSTORE:
		fprintf(f, "%s v%u, 0x%" PRIx64, name, in->src[1], in->addr);
		break;
	case OP_MLOAD:
	case OP_MSTORE:
		fprintf(f, "%s v%u, 0x%" PRIx64, name,
			in->op == OP_MLOAD ? in->dst : in->src[1], in->maddr);
		if (in->bytes != vbytes)
			fprintf(f, ", %" PRIu32, in->bytes);
		break;
	case OP_FMA:
		fprintf(f, "%s v%u, v%u, v%u", name, in->dst, in->src[1], in->src[2]);
		break;
	case OP_ADD:
	case OP_MUL:
		fprintf(f, "%s v%u, v%u, v%u", name, in->dst, in->src[0], in->src[1]);
		break;
	case OP_REDUCE:
		fprintf(f, "%s v%u, v%u", name, in->dst, in->src[0]);
		break;
	case OP_DMA_IN:
	case OP_DMA_OUT:
		fprintf(f, "%s %" PRIu32 ", 0x%" PRIx64 ", 0x%" PRIx64 ", %" PRIu32,
			name, in->tag, in->addr, in->maddr, in->bytes);
		break;
	case OP_DMA_WAIT:
		fprintf(f, "%s %" PRIu32, name, in->tag);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
