/*
** plot.c: `gssim plot` (see plot.h): checking the request, building the
** table of a line plot (stat, sparsity; the breakdown is in
** plot_breakdown.c), then handing it to plot_gp.c.
**
** Points are never merged silently: two runs on one (x, series) point are
** an error naming what tells them apart (plot_axis.c).
*/
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "plot_int.h"
#include "stats.h"

/* --stat NAME or NAME/NAME: the statistics and the unit they plot in. */
struct stat_spec {
	int num, den;			/* stat indices; den -1 if not a ratio */
	const char *names[2];
	char label[LABEL_MAX];		/* "cycles (cycles)", "a/b (passes/gathers)" */
};

static int stat_spec_parse(const char *text, struct stat_spec *s, struct gs_err *err)
{
	const char *slash = strchr(text, '/');
	char num[128];

	if (!slash) {
		snprintf(num, sizeof num, "%s", text);
	} else if ((size_t)(slash - text) < sizeof num) {
		snprintf(num, sizeof num, "%.*s", (int)(slash - text), text);
	} else {
		num[0] = '\0';
	}
	s->num = stat_lookup(num);
	s->den = slash ? stat_lookup(slash + 1) : -1;
	if (s->num < 0 || (slash && s->den < 0))
		return gs_errf(err, "--stat %s: no statistic %s (docs/stats.md lists them;"
			       " NAME/NAME plots a ratio, e.g. gse.gather.passes/gse.gather.count)",
			       text, s->num < 0 ? num : slash + 1);
	s->names[0] = stat_name(s->num);
	s->names[1] = slash ? stat_name(s->den) : NULL;
	if (slash)
		snprintf(s->label, sizeof s->label, "%s/%s (%s/%s)", s->names[0], s->names[1],
			 stat_unit(s->num), stat_unit(s->den));
	else
		snprintf(s->label, sizeof s->label, "%s (%s)", s->names[0], stat_unit(s->num));
	return 0;
}

/* Fill t's rows, columns and values from the selection on the axes. */
static int fill_lines(const struct pdb_sel *sel, const struct axis *xs, const struct axis *ss,
		      const size_t *cell, int ratio, struct plot_table *t)
{
	int bad = 0;

	if (plot_alloc_table(t, xs->n, (int)ss->n))
		return -1;
	for (size_t s = 0; s < ss->n; s++)
		t->cols[s] = plot_dup(ss->text[s], &bad);
	for (size_t x = 0; x < xs->n; x++) {
		t->xtext[x] = plot_dup(xs->text[x], &bad);
		t->xnum[x] = xs->num[x];
		for (size_t s = 0; s < ss->n; s++) {
			size_t r = cell[x * ss->n + s];
			const double *v;

			if (r == SIZE_MAX)
				continue;
			v = sel->runs[r].stat;
			/* a ratio over a zero count has no value: no point */
			t->v[x * ss->n + s] = !ratio ? v[0] : v[1] != 0 ? v[0] / v[1] : NAN;
		}
	}
	t->x_numeric = xs->numeric;
	t->x_log2 = plot_axis_pow2(xs);
	return bad ? -1 : 0;
}

/* One line per series value of st against xkey. skey NULL: one line. */
static int build_lines(struct plot_ctx *c, const char *xkey, const char *skey,
		       const struct stat_spec *st, const char *what, struct plot_table *t,
		       struct gs_err *err)
{
	const char *keys[2] = { xkey, skey };
	struct pdb_sel sel;
	struct axis xs = { 0 }, ss = { 0 };
	const char **xv = NULL, **sv = NULL;
	size_t *cell = NULL, have_series = 0;
	char nokey[LABEL_MAX], title[1024], xlabel[LABEL_MAX];
	int nstats = st->den >= 0 ? 2 : 1, rc;

	if (pdb_select(c->db, c->req->where, c->req->nwhere, keys, skey ? 2 : 1, st->names,
		       nstats, &sel, err))
		return EXIT_INPUT;
	if ((rc = plot_check_stats(c, &sel, st->names, nstats, err)))
		goto out;
	rc = EXIT_INTERNAL;
	xv = malloc(sel.nruns * sizeof *xv);
	sv = malloc(sel.nruns * sizeof *sv);
	if (!xv || !sv)
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++)
		have_series += skey && sel.runs[r].val[1];
	snprintf(nokey, sizeof nokey, "(no %s)", skey ? skey : "");
	for (size_t r = 0; r < sel.nruns; r++) {
		xv[r] = sel.runs[r].val[0];
		/* no run has the series key: one line, named by what it shows */
		sv[r] = !have_series ? st->label : sel.runs[r].val[1] ? sel.runs[r].val[1] : nokey;
	}
	if (plot_axis_build(xv, sel.nruns, &xs) || plot_axis_build(sv, sel.nruns, &ss))
		goto nomem;
	if (plot_x_present(c, &sel, &xs, xkey, err)) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (!(cell = malloc(xs.n * ss.n * sizeof *cell)))
		goto nomem;
	for (size_t i = 0; i < xs.n * ss.n; i++)
		cell[i] = SIZE_MAX;
	for (size_t r = 0; r < sel.nruns; r++) {
		size_t x = xs.of_run[r], s = ss.of_run[r];

		if (x == SIZE_MAX)
			continue;
		if (cell[x * ss.n + s] != SIZE_MAX) {
			rc = plot_refuse_cell(c, &sel, &xs, &ss, x, s, xkey, have_series ? skey : NULL,
					 err);
			goto out;
		}
		cell[x * ss.n + s] = r;
	}
	snprintf(title, sizeof title, "%s: %s vs %s%s%s%s", pdb_path(c->db), what, xkey,
		 have_series ? ", one line per " : "", have_series ? skey : "", c->where);
	plot_key_label(xkey, xlabel, sizeof xlabel);
	t->style = PLOT_LINES;
	if (fill_lines(&sel, &xs, &ss, cell, st->den >= 0, t) ||
	    plot_set_labels(t, title, xlabel, st->label, xkey))
		goto nomem;
	rc = EXIT_OK;
	goto out;
nomem:
	rc = plot_oom(err);
out:
	free(cell);
	free(xv);
	free(sv);
	plot_axis_free(&xs);
	plot_axis_free(&ss);
	pdb_sel_free(&sel);
	return rc;
}

/* ---- the request ---- */

static const char *const kinds[] = { "stat", "breakdown", "sparsity", NULL };
enum { K_STAT, K_BREAKDOWN, K_SPARSITY };

static int kind_of(const char *kind, struct gs_err *err)
{
	for (int k = 0; kinds[k]; k++)
		if (!strcmp(kind, kinds[k]))
			return k;
	return gs_errf(err, "gssim plot: unknown plot kind '%s' (expected stat, breakdown or"
		       " sparsity)", kind);
}

/* Options that make no sense for the kind are refused, not ignored. */
static int check_options(const struct plot_req *q, int kind, struct gs_err *err)
{
	if (kind == K_STAT && !q->x)
		return gs_errf(err, "gssim plot stat: --x KEY is required");
	if (kind == K_BREAKDOWN && (q->stat || q->series))
		return gs_errf(err, "gssim plot breakdown: --%s does not apply (the bars are the"
			       " cpi.* statistics)", q->stat ? "stat" : "series");
	if (kind == K_SPARSITY && q->x)
		return gs_errf(err, "gssim plot sparsity: --x does not apply (x is sparsity)");
	return 0;
}

/* key must be a key of the file: "--OPT KEY: no key ..." otherwise. */
static int need_key(struct plot_ctx *c, const char *opt, const char *key, struct gs_err *err)
{
	switch (pdb_has_key(c->db, key, err)) {
	case 1: return 0;
	case 0: return pdb_unknown_key(c->db, opt, key, err);
	default: return -1;
	}
}

/* dir and base of the image path: "out/a.png" -> "out", "a". */
static int split_image(const char *image, char *dir, size_t dsize, char *base,
		       struct gs_err *err)
{
	const char *slash = strrchr(image, '/');
	const char *name = slash ? slash + 1 : image;
	size_t blen = (size_t)(strrchr(name, '.') - name);

	if (blen > PLOT_NAME_MAX || (slash && (size_t)(slash - image) >= dsize))
		return gs_errf(err, "-o %s: name too long", image);
	if (!slash)
		snprintf(dir, dsize, ".");
	else if (slash == image)
		snprintf(dir, dsize, "/");
	else
		snprintf(dir, dsize, "%.*s", (int)(slash - image), image);
	snprintf(base, PLOT_NAME_MAX + 1, "%.*s", (int)blen, name);
	return 0;
}

static void where_text(const struct plot_req *q, char *out, size_t n)
{
	out[0] = '\0';
	for (int w = 0; w < q->nwhere; w++) {
		size_t len = strlen(out);

		snprintf(out + len, n - len, "%s%s", w ? ", " : "\n(where ", q->where[w]);
	}
	if (q->nwhere) {
		size_t len = strlen(out);

		snprintf(out + len, n - len, ")");
	}
}

static int build(struct plot_ctx *c, int kind, struct plot_table *t, struct gs_err *err)
{
	const struct plot_req *q = c->req;
	const char *stat = q->stat ? q->stat : "cycles";
	const char *x = kind == K_SPARSITY ? "sparsity" : q->x, *series = q->series;
	struct stat_spec st;

	if (kind != K_BREAKDOWN && stat_spec_parse(stat, &st, err))
		return EXIT_INPUT;
	if (x && need_key(c, kind == K_SPARSITY ? "gssim plot sparsity:" : "--x", x, err))
		return EXIT_INPUT;
	for (int w = 0; w < q->nwhere; w++)
		if (!strchr(q->where[w], '='))
			return gs_errf(err, "--where %s: expected KEY=VAL", q->where[w]), EXIT_INPUT;
	if (kind == K_BREAKDOWN)
		return plot_build_breakdown(c, x, t, err);
	if (series && need_key(c, "--series", series, err))
		return EXIT_INPUT;
	if (!series) {
		/* the default series, pattern, only where runs have one */
		int has = pdb_has_key(c->db, "pattern", err);

		if (has < 0)
			return EXIT_INPUT;
		series = has ? "pattern" : NULL;
	}
	return build_lines(c, x, series, &st, stat, t, err);
}

int plot_make(const struct plot_req *req, struct gs_err *err)
{
	struct plot_ctx c = { .req = req };
	struct plot_table t = { 0 };
	enum plot_term term;
	char dir[4096], base[PLOT_NAME_MAX + 1];
	int kind = kind_of(req->kind, err), rc;

	if (kind < 0 || check_options(req, kind, err) || plot_term_of(req->image, &term, err) ||
	    split_image(req->image, dir, sizeof dir, base, err))
		return EXIT_INPUT;
	if (pdb_open(&c.db, req->db, err))
		return EXIT_INPUT;
	where_text(req, c.where, sizeof c.where);
	if ((rc = build(&c, kind, &t, err)))
		goto out;
	if (plot_gp_write(&t, dir, base, term, err)) {
		rc = EXIT_INPUT;
		goto out;
	}
	rc = plot_gp_run(req->gnuplot, dir, base, req->note, err);
out:
	plot_table_free(&t);
	pdb_close(c.db);
	return rc;
}

