/*
** progress.c: progress lines (see progress.h).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define REDRAW_SECONDS 0.25

struct progress {
	FILE *f;
	enum progress_mode mode;
	int tty;
	const char *what;
	uint64_t total, done;
	double start, last;
	int last_decile;	/* PROGRESS_LOG: the last 10 % step printed */
	int drawn;		/* a terminal line is showing */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct progress *progress_new(FILE *f, enum progress_mode mode, const char *what,
			      uint64_t total)
{
	struct progress *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->f = f;
	p->mode = mode;
	p->tty = f && isatty(fileno(f));
	p->what = what;
	p->total = total;
	p->start = p->last = now_seconds();
	return p;
}

/* "1m05s", "2h03m", "12s" */
static void fmt_duration(double s, char *out, size_t n)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(out, n, "%lds", t);
}

static void line(const struct progress *p, double t, const char *extra, char *out, size_t n)
{
	double el = t - p->start, rate = el > 0 ? (double)p->done / el : 0;
	char eta[32] = "", elapsed[32];
	int len;

	fmt_duration(el, elapsed, sizeof elapsed);
	if (p->total && rate > 0 && p->done < p->total)
		fmt_duration((double)(p->total - p->done) / rate, eta, sizeof eta);
	if (p->total)
		len = snprintf(out, n, "%llu of %llu %s (%.0f%%)", (unsigned long long)p->done,
			       (unsigned long long)p->total, p->what,
			       100.0 * (double)p->done / (double)p->total);
	else
		len = snprintf(out, n, "%llu %s", (unsigned long long)p->done, p->what);
	if (len < 0 || (size_t)len >= n)
		return;
	snprintf(out + len, n - (size_t)len, ", %.3g/s, %s%s%s%s%s", rate, elapsed,
		 eta[0] ? ", ETA " : "", eta, extra ? ", " : "", extra ? extra : "");
}

void progress_update(struct progress *p, uint64_t done, const char *extra)
{
	char buf[256];
	double t;

	if (!p || p->mode == PROGRESS_OFF || !p->f)
		return;
	p->done = done;
	if (p->tty) {
		t = now_seconds();
		if (t - p->last < REDRAW_SECONDS && done != p->total)
			return;
		p->last = t;
		line(p, t, extra, buf, sizeof buf);
		fprintf(p->f, "\r%-79.79s", buf);
		fflush(p->f);
		p->drawn = 1;
	} else if (p->mode == PROGRESS_LOG && p->total) {
		int decile = (int)(10 * done / p->total);

		if (decile <= p->last_decile)
			return;
		p->last_decile = decile;
		line(p, now_seconds(), extra, buf, sizeof buf);
		fprintf(p->f, "%s\n", buf);
		fflush(p->f);
	}
}

void progress_clear(struct progress *p)
{
	if (!p || !p->drawn)
		return;
	fprintf(p->f, "\r%79s\r", "");
	fflush(p->f);
	p->drawn = 0;
	p->last = 0;	/* redraw at the next update */
}

void progress_end(struct progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		fprintf(p->f, "\r%79s\r", "");
	free(p);
}
