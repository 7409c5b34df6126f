/*
** gsf_geom.c: the layer geometry of a .gsf file (format version 2,
** docs/gs-format.md §2.1): encoding, decoding with located errors, checks
** against the matrix shape, a one-line description, and the header-only
** read that gen / run --gsf use to pick the kernel.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gsf_int.h"

static uint64_t get_le(const unsigned char *b, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static void set_le(unsigned char *b, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

__attribute__((format(printf, 4, 5)))
static int problem(char *msg, size_t n, int off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return off;
}

/* The first thing wrong with g for a rows x cols matrix: its header field
** offset and a message; 0 when g is sound. */
static int geom_problem(const struct gsf_geometry *g, uint32_t rows, uint32_t cols, char *msg,
			size_t n)
{
	uint64_t ekh, ekw;

	(void)rows;
	if (g->kind < GSF_LAYER_UNKNOWN || g->kind > GSF_LAYER_CONV1D)
		return problem(msg, n, H_GKIND, "unknown layer kind %d", g->kind);
	if (g->kind != GSF_LAYER_CONV2D && g->kind != GSF_LAYER_CONV1D) {
		if (g->kh || g->kw || g->stride || g->pad || g->dilation || g->h_in || g->w_in)
			return problem(msg, n, H_GSTRIDE, "convolution fields are not 0 for a %s",
				       g->kind ? "matrix" : "layer not recorded");
		return 0;
	}
	if (!g->kh || !g->kw)
		return problem(msg, n, !g->kh ? H_GKH : H_GKW, "kernel %ux%u: sizes must be at "
			       "least 1", g->kh, g->kw);
	if (!g->stride || !g->dilation)
		return problem(msg, n, !g->stride ? H_GSTRIDE : H_GDIL, "stride %u, dilation %u: "
			       "both must be at least 1", g->stride, g->dilation);
	if (!g->h_in || !g->w_in)
		return problem(msg, n, !g->h_in ? H_GHIN : H_GWIN, "input %ux%u: sizes must be at "
			       "least 1", g->h_in, g->w_in);
	if (g->kind == GSF_LAYER_CONV1D && (g->kh != 1 || g->h_in != 1))
		return problem(msg, n, g->kh != 1 ? H_GKH : H_GHIN, "a 1-D convolution has kh = "
			       "h_in = 1 (kh %u, h_in %u)", g->kh, g->h_in);
	if (cols % ((uint64_t)g->kh * g->kw))
		return problem(msg, n, H_GKH, "kernel %ux%u does not divide the %u columns into input "
			       "channels", g->kh, g->kw, cols);
	ekh = (uint64_t)(g->kh - 1) * g->dilation + 1;
	ekw = (uint64_t)(g->kw - 1) * g->dilation + 1;
	if ((g->kind == GSF_LAYER_CONV2D && (uint64_t)g->h_in + 2ull * g->pad < ekh) ||
	    (uint64_t)g->w_in + 2ull * g->pad < ekw)
		return problem(msg, n, H_GHIN, "the dilated kernel is larger than the padded input");
	return 0;
}

void gsf_geom_encode(unsigned char *h, const struct gsf_geometry *g)
{
	memset(h + H_GKIND, 0, GSF_HDR - H_GKIND);
	if (!g)
		return;
	h[H_GKIND] = (unsigned char)g->kind;
	h[H_GSTRIDE] = (unsigned char)g->stride;
	h[H_GPAD] = (unsigned char)g->pad;
	h[H_GDIL] = (unsigned char)g->dilation;
	set_le(h + H_GKH, g->kh, 2);
	set_le(h + H_GKW, g->kw, 2);
	set_le(h + H_GHIN, g->h_in, 4);
	set_le(h + H_GWIN, g->w_in, 4);
}

int gsf_geom_decode(const unsigned char *h, uint32_t rows, uint32_t cols, struct gsf_geometry *g,
		    uint64_t *off, char *msg, size_t n)
{
	int at;

	g->kind = h[H_GKIND];
	g->stride = h[H_GSTRIDE];
	g->pad = h[H_GPAD];
	g->dilation = h[H_GDIL];
	g->kh = (uint32_t)get_le(h + H_GKH, 2);
	g->kw = (uint32_t)get_le(h + H_GKW, 2);
	g->h_in = (uint32_t)get_le(h + H_GHIN, 4);
	g->w_in = (uint32_t)get_le(h + H_GWIN, 4);
	if (g->kind == GSF_LAYER_UNKNOWN || g->kind == GSF_LAYER_MATRIX)
		for (int i = H_GSTRIDE; i < GSF_HDR; i++)
			if (h[i]) {
				*off = (uint64_t)i;
				snprintf(msg, n, "convolution field is not 0 for a %s",
					 g->kind ? "matrix" : "layer not recorded");
				return -1;
			}
	at = geom_problem(g, rows, cols, msg, n);
	if (!at)
		return 0;
	*off = (uint64_t)at;
	return -1;
}

int gsf_geometry_check(const struct gsf_geometry *g, uint32_t rows, uint32_t cols,
		       struct gs_err *err)
{
	char msg[160];

	if (g->kind == GSF_LAYER_CONV2D || g->kind == GSF_LAYER_CONV1D) {
		if (g->stride > 255 || g->pad > 255 || g->dilation > 255 || g->kh > 65535 ||
		    g->kw > 65535)
			return gs_errf(err, "layer geometry: stride, pad and dilation must be at most 255, "
				       "kh and kw at most 65535");
	}
	if (geom_problem(g, rows, cols, msg, sizeof msg))
		return gs_errf(err, "layer geometry: %s", msg);
	return 0;
}

const char *gsf_geometry_text(const struct gsf_geometry *g, uint32_t rows, uint32_t cols,
			      char *buf, size_t n)
{
	uint64_t cin = g->kh && g->kw ? cols / ((uint64_t)g->kh * g->kw) : 0;

	if (g->kind == GSF_LAYER_MATRIX)
		snprintf(buf, n, "matrix (fully connected)");
	else if (g->kind == GSF_LAYER_CONV2D)
		snprintf(buf, n, "conv2d: input %ux%ux%llu, kernel %ux%u, stride %u, pad %u, dilation "
			 "%u -> %u channels", g->h_in, g->w_in, (unsigned long long)cin, g->kh, g->kw,
			 g->stride, g->pad, g->dilation, rows);
	else if (g->kind == GSF_LAYER_CONV1D)
		snprintf(buf, n, "conv1d: input %ux%llu, kernel %u, stride %u, pad %u, dilation %u -> "
			 "%u channels", g->w_in, (unsigned long long)cin, g->kw, g->stride, g->pad,
			 g->dilation, rows);
	else
		snprintf(buf, n, "not recorded");
	return buf;
}

int gsf_read_header_geom(const char *path, uint32_t *rows, uint32_t *cols,
			 struct gsf_geometry *g, struct gs_err *err)
{
	unsigned char h[GSF_HDR];
	char msg[160];
	uint64_t off = 0, version;
	FILE *f = fopen(path, "rb");
	size_t got;

	memset(g, 0, sizeof *g);
	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	got = fread(h, 1, sizeof h, f);
	fclose(f);
	if (got < 4 || memcmp(h, "GSF", 4))
		return gs_errf(err, "%s: byte 0: not a GSF file (expected the magic \"GSF\\0\")", path);
	if (got < GSF_HDR)
		return gs_errf(err, "%s: byte %zu: file ends inside the %d-byte header", path, got,
			       GSF_HDR);
	version = get_le(h + H_VERSION, 2);
	if (version < 1 || version > GSF_VERSION)
		return gs_errf(err, "%s: byte %d: format version %llu not supported (this gssim reads "
			       "versions 1 to %d)", path, H_VERSION, (unsigned long long)version,
			       GSF_VERSION);
	*rows = (uint32_t)get_le(h + H_ROWS, 4);
	*cols = (uint32_t)get_le(h + H_COLS, 4);
	if (version == 1)
		return 0;	/* reserved bytes: gsf_read checks them */
	if (gsf_geom_decode(h, *rows, *cols, g, &off, msg, sizeof msg))
		return gs_errf(err, "%s: byte %llu: %s", path, (unsigned long long)off, msg);
	return 0;
}
