/*
** sweep_run.c: the local sweep runner and sweep status (see sweep_run.h).
**
** Processes: the parent resolves every selected point first (a bad point
** stops everything before anything runs), drops those already complete in
** the database, and forks N workers. Each worker has its own command pipe
** (the parent writes chunks: ranges of the to-do list) and all share one
** result pipe (messages under PIPE_BUF bytes, so writes never interleave).
** A worker records its runs in batches of at most BATCH_SECONDS and only
** then reports them done, so a reported point is a committed point. A
** worker that dies has its unreported points put back in the queue and
** the point it was running recorded as failed; a new worker replaces it.
*/
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "exit.h"
#include "host.h"
#include "keyset.h"
#include "sweep_run.h"
#include "sweep_worker.h"

#define BATCH_SECONDS 1.0
#define MAX_CHUNK 256
#define MAX_WORKERS 256
#define FAILURES_KEPT 100	/* messages listed at the end; the rest are counted */

enum { STATE_FAILED = 1, STATE_DONE = 2 };	/* keyset states */
enum { MSG_START, MSG_DONE, MSG_IDLE };

struct msg {
	uint32_t kind;
	uint32_t worker;
	uint64_t index;		/* the point */
	int32_t rc;
	char text[440];		/* MSG_DONE: message of a failed point */
};

struct chunk {
	size_t pos, end;	/* into the to-do list */
};

struct worker {
	pid_t pid;
	int cmd_fd;
	int busy;
	struct chunk chunk;
	size_t reported;	/* points of the chunk reported done */
	int running;		/* a point started and not reported */
	size_t running_index;
};

struct failure {
	size_t index;
	char text[sizeof ((struct msg *)0)->text];
};

struct runner {
	const struct sweep_spec *spec;
	const struct sweep_run_opts *o;
	size_t *todo, ntodo;
	struct chunk *queue;	/* chunks not handed out; grows when workers die */
	size_t nqueue, capqueue, qhead;
	struct worker w[MAX_WORKERS];
	int nworkers, res_rd, res_wr;
	struct sweep_tally *t;
	struct failure *fail;
	size_t nfail_kept;
	volatile sig_atomic_t *stop;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A whole-message write; an EPIPE (parent gone) just ends the worker. */
static void send_msg(int fd, const struct msg *m)
{
	ssize_t n;

	do
		n = write(fd, m, sizeof *m);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof *m)
		_exit(EXIT_INTERRUPTED);
}

/* ---- worker process ---- */

struct pending {
	struct msg m[MAX_CHUNK];
	int n;
};

static int flush_batch(struct gs_db *db, struct pending *p, int res_fd, struct gs_err *err)
{
	if (db_commit(db, err))
		return -1;
	for (int i = 0; i < p->n; i++)
		send_msg(res_fd, &p->m[i]);
	p->n = 0;
	return 0;
}

static void worker_main(struct runner *r, int id, int cmd_fd)
{
	struct gs_db *db = NULL;
	struct sweep_worker *sw = NULL;
	struct run_outcome *out = malloc(sizeof *out);
	struct pending *pend = calloc(1, sizeof *pend);
	volatile sig_atomic_t *stop;
	struct gs_err err;
	struct chunk c;
	struct msg m;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	install_stop_handlers(&stop);
	if (!out || !pend || db_open(&db, r->o->db_path, &err) ||
	    !(sw = sweep_worker_new(r->spec, db)))
		_exit(EXIT_INTERNAL);
	while ((n = read(cmd_fd, &c, sizeof c)) == (ssize_t)sizeof c || (n < 0 && errno == EINTR)) {
		double t0 = now_seconds();

		if (n < 0)
			continue;
		if (db_begin(db, &err))
			_exit(EXIT_INTERNAL);
		for (size_t pos = c.pos; pos < c.end && !*stop; pos++) {
			memset(&m, 0, sizeof m);
			m.kind = MSG_START;
			m.worker = (uint32_t)id;
			m.index = r->todo[pos];
			send_msg(r->res_wr, &m);
			m.kind = MSG_DONE;
			m.rc = sweep_worker_run(sw, r->todo[pos], stop, out);
			if (m.rc != EXIT_OK)
				snprintf(m.text, sizeof m.text, "%.*s", (int)sizeof m.text - 1,
					 out->message);
			pend->m[pend->n++] = m;
			if (now_seconds() - t0 > BATCH_SECONDS) {
				if (flush_batch(db, pend, r->res_wr, &err) || db_begin(db, &err))
					_exit(EXIT_INTERNAL);
				t0 = now_seconds();
			}
		}
		if (flush_batch(db, pend, r->res_wr, &err))
			_exit(EXIT_INTERNAL);
		if (*stop)
			break;
		memset(&m, 0, sizeof m);
		m.kind = MSG_IDLE;
		m.worker = (uint32_t)id;
		send_msg(r->res_wr, &m);
	}
	sweep_worker_free(sw);
	db_close(db);
	_exit(*stop ? EXIT_INTERRUPTED : EXIT_OK);
}

/* ---- parent ---- */

static int start_worker(struct runner *r, int id)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[1]);
		close(r->res_rd);
		for (int i = 0; i < r->nworkers; i++)
			if (i != id && r->w[i].cmd_fd >= 0)
				close(r->w[i].cmd_fd);
		worker_main(r, id, fds[0]);
	}
	close(fds[0]);
	r->w[id] = (struct worker){ .pid = pid, .cmd_fd = fds[1] };
	return 0;
}

static int dispatch(struct runner *r, struct worker *w)
{
	ssize_t n;

	if (r->qhead == r->nqueue || *r->stop)
		return 0;
	w->chunk = r->queue[r->qhead++];
	w->reported = 0;
	w->running = 0;
	w->busy = 1;
	do
		n = write(w->cmd_fd, &w->chunk, sizeof w->chunk);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof w->chunk ? 0 : -1;
}

static int queue_push(struct runner *r, size_t pos, size_t end)
{
	if (r->nqueue == r->capqueue) {
		size_t cap = r->capqueue ? 2 * r->capqueue : 64;
		struct chunk *q = realloc(r->queue, cap * sizeof *q);

		if (!q)
			return -1;
		r->queue = q;
		r->capqueue = cap;
	}
	r->queue[r->nqueue++] = (struct chunk){ pos, end };
	return 0;
}

static void note_failure(struct runner *r, size_t index, const char *text)
{
	r->t->failed++;
	if (r->nfail_kept < FAILURES_KEPT) {
		r->fail[r->nfail_kept].index = index;
		snprintf(r->fail[r->nfail_kept].text, sizeof r->fail[0].text, "%.*s",
			 (int)sizeof r->fail[0].text - 1, text);
		r->nfail_kept++;
	}
}

static void on_msg(struct runner *r, const struct msg *m)
{
	struct worker *w;

	if (m->worker >= (uint32_t)r->nworkers)
		return;
	w = &r->w[m->worker];
	if (m->kind == MSG_START) {
		w->running = 1;
		w->running_index = (size_t)m->index;
	} else if (m->kind == MSG_DONE) {
		w->reported++;
		w->running = 0;
		if (m->rc == EXIT_OK)
			r->t->done++;
		else if (m->rc == EXIT_INTERRUPTED)
			r->t->interrupted++;
		else
			note_failure(r, (size_t)m->index, m->text);
	} else {
		w->busy = 0;
	}
}

/* A worker ended: put back what it had not reported, blame its running
** point if it died of a signal, and say whether a replacement is due. */
static int on_exit_status(struct runner *r, struct worker *w, int status)
{
	size_t first = w->chunk.pos + w->reported;
	int died = !WIFEXITED(status) || (WEXITSTATUS(status) != EXIT_OK &&
					   WEXITSTATUS(status) != EXIT_INTERRUPTED);

	if (w->cmd_fd >= 0)
		close(w->cmd_fd);
	w->cmd_fd = -1;
	w->pid = -1;
	if (!w->busy || *r->stop)
		return 0;
	w->busy = 0;
	if (died && w->running) {
		char text[200];
		struct gs_db *db = NULL;
		struct sweep_worker *sw = NULL;
		struct gs_err err;

		if (WIFSIGNALED(status))
			snprintf(text, sizeof text, "worker process died of signal %d running "
				 "this point", WTERMSIG(status));
		else
			snprintf(text, sizeof text, "worker process exited with status %d "
				 "running this point", WEXITSTATUS(status));
		note_failure(r, w->running_index, text);
		if (db_open(&db, r->o->db_path, &err) == 0 && (sw = sweep_worker_new(r->spec, db)))
			sweep_worker_record_failure(sw, w->running_index, text);
		sweep_worker_free(sw);
		db_close(db);
		/* the points before it were not committed: run them again */
		for (size_t pos = first; pos < w->chunk.end; pos++)
			if (r->todo[pos] == w->running_index) {
				if ((pos > first && queue_push(r, first, pos)) ||
				    (pos + 1 < w->chunk.end && queue_push(r, pos + 1, w->chunk.end)))
					return -1;
				return 1;
			}
	}
	if (first < w->chunk.end && queue_push(r, first, w->chunk.end))
		return -1;
	return died ? 1 : 0;
}

static int raise_state(void *ctx, const char *key, const char *status)
{
	int st = !strcmp(status, "complete") ? STATE_DONE : STATE_FAILED;

	return keyset_raise(ctx, key, st);
}

/* Point states already in the file (none for a file that is not there). */
static struct keyset *known_points(const char *db_path, int for_writing, struct gs_err *err)
{
	struct keyset *ks = keyset_new();
	struct gs_db *db = NULL;
	int rc;

	if (!ks) {
		gs_errf(err, "out of memory");
		return NULL;
	}
	if (!for_writing && access(db_path, F_OK))
		return ks;
	rc = for_writing ? db_open(&db, db_path, err) : db_open_readonly(&db, db_path, err);
	if (rc || db_point_states(db, raise_state, ks, err)) {
		db_close(db);
		keyset_free(ks);
		return NULL;
	}
	db_close(db);
	return ks;
}

/* The selected points not complete yet, in index order. */
static int make_todo(struct runner *r, struct keyset *ks, struct gs_err *err)
{
	size_t n = sweep_npoints(r->spec), cap = 0;
	struct sweep_point *p = malloc(sizeof *p);

	if (!p)
		return gs_errf(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (r->o->only && !point_set_has(r->o->only, i))
			continue;
		r->t->selected++;
		if (sweep_point(r->spec, i, p, err)) {
			free(p);
			return -1;
		}
		if (keyset_get(ks, p->key_hex) == STATE_DONE) {
			r->t->already++;
			continue;
		}
		if (r->ntodo == cap) {
			size_t *t;

			cap = cap ? 2 * cap : 256;
			t = realloc(r->todo, cap * sizeof *t);
			if (!t) {
				free(p);
				return gs_errf(err, "out of memory");
			}
			r->todo = t;
		}
		r->todo[r->ntodo++] = i;
	}
	free(p);
	return 0;
}

/* Chunks of at most MAX_CHUNK points, about four per worker so the last
** ones finish together. */
static int make_chunks(struct runner *r, int jobs)
{
	size_t size = r->ntodo / ((size_t)jobs * 4);

	size = size < 1 ? 1 : size > MAX_CHUNK ? MAX_CHUNK : size;
	for (size_t pos = 0; pos < r->ntodo; pos += size)
		if (queue_push(r, pos, pos + size < r->ntodo ? pos + size : r->ntodo))
			return -1;
	return 0;
}

static int any_alive(const struct runner *r)
{
	for (int i = 0; i < r->nworkers; i++)
		if (r->w[i].pid > 0)
			return 1;
	return 0;
}

/* Read messages, reap workers, hand out chunks until the work is done or
** a stop was asked. */
static int supervise(struct runner *r, struct progress *pg)
{
	int restarts = 0, forwarded = 0;
	char extra[64];

	while (any_alive(r)) {
		struct pollfd pfd = { .fd = r->res_rd, .events = POLLIN };
		int status;
		pid_t pid;

		if (poll(&pfd, 1, 200) > 0) {
			struct msg m;
			ssize_t n = read(r->res_rd, &m, sizeof m);

			if (n == (ssize_t)sizeof m)
				on_msg(r, &m);
		}
		if (*r->stop && !forwarded) {
			for (int i = 0; i < r->nworkers; i++)
				if (r->w[i].pid > 0)
					kill(r->w[i].pid, SIGTERM);
			forwarded = 1;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (int i = 0; i < r->nworkers; i++) {
				int again;

				if (r->w[i].pid != pid)
					continue;
				/* drain what it sent before it went */
				while (poll(&pfd, 1, 0) > 0) {
					struct msg m;

					if (read(r->res_rd, &m, sizeof m) != (ssize_t)sizeof m)
						break;
					on_msg(r, &m);
				}
				again = on_exit_status(r, &r->w[i], status);
				if (again < 0)
					return -1;
				if (again && r->qhead < r->nqueue && restarts++ < 3 * r->nworkers &&
				    start_worker(r, i))
					return -1;
			}
		for (int i = 0; i < r->nworkers; i++) {
			struct worker *w = &r->w[i];

			if (w->pid > 0 && !w->busy) {
				if (r->qhead < r->nqueue && !*r->stop) {
					if (dispatch(r, w))
						return -1;
				} else if (w->cmd_fd >= 0) {
					close(w->cmd_fd);	/* no more work: it exits */
					w->cmd_fd = -1;
				}
			}
		}
		snprintf(extra, sizeof extra, "%zu failed", r->t->failed);
		progress_update(pg, r->t->done + r->t->failed + r->t->interrupted,
				r->t->failed ? extra : NULL);
	}
	return 0;
}

static void print_summary(const struct runner *r, double seconds)
{
	const struct sweep_tally *t = r->t;
	FILE *f = r->o->out;
	size_t not_run = r->ntodo - t->done - t->failed - t->interrupted;

	if (!f)
		return;
	fprintf(f, "sweep %s: %zu points: %zu done now, %zu already complete, %zu failed",
		sweep_name(r->spec), t->selected, t->done, t->already, t->failed);
	if (t->interrupted || not_run)
		fprintf(f, ", %zu interrupted or not run", t->interrupted + not_run);
	fprintf(f, " (%.1f s", seconds);
	if (t->done && seconds > 0)
		fprintf(f, ", %.1f points/s", (double)t->done / seconds);
	fprintf(f, ") -> %s\n", r->o->db_path);
	for (size_t i = 0; i < r->nfail_kept; i++)
		fprintf(f, "  failed: point %zu: %s\n", r->fail[i].index, r->fail[i].text);
	if (t->failed > r->nfail_kept)
		fprintf(f, "  ... and %zu more failed points (gssim query %s summary --where "
			"status=failed)\n", t->failed - r->nfail_kept, r->o->db_path);
	if (t->interrupted || not_run)
		fprintf(f, "  run the same command again to resume: complete points are skipped\n");
}

int sweep_run(const struct sweep_spec *s, const struct sweep_run_opts *o,
	      struct sweep_tally *t, struct gs_err *err)
{
	struct runner r = { .spec = s, .o = o, .t = t, .res_rd = -1, .res_wr = -1 };
	struct keyset *ks;
	struct progress *pg = NULL;
	double t0 = now_seconds();
	int fds[2], jobs, rc = EXIT_INPUT;

	memset(t, 0, sizeof *t);
	for (int i = 0; i < MAX_WORKERS; i++)
		r.w[i] = (struct worker){ .pid = -1, .cmd_fd = -1 };
	/* opening for writing creates or migrates the file and proves it writable */
	if (!(ks = known_points(o->db_path, 1, err)))
		return EXIT_INPUT;
	rc = make_todo(&r, ks, err);
	keyset_free(ks);
	if (rc) {
		rc = EXIT_INPUT;
		goto out;
	}
	rc = EXIT_INTERNAL;
	if (r.ntodo == 0) {
		print_summary(&r, now_seconds() - t0);
		rc = EXIT_OK;
		goto out;
	}
	jobs = o->jobs < 1 ? 1 : o->jobs > MAX_WORKERS ? MAX_WORKERS : o->jobs;
	if ((size_t)jobs > r.ntodo)
		jobs = (int)r.ntodo;
	r.fail = calloc(FAILURES_KEPT, sizeof *r.fail);
	if (!r.fail || make_chunks(&r, jobs) || pipe(fds)) {
		gs_errf(err, "cannot start workers: %s", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	r.res_rd = fds[0];
	r.res_wr = fds[1];
	install_stop_handlers(&r.stop);
	signal(SIGPIPE, SIG_IGN);
	r.nworkers = jobs;
	for (int i = 0; i < jobs; i++)
		if (start_worker(&r, i)) {
			gs_errf(err, "cannot start workers: %s", strerror(errno));
			*r.stop = 1;
			break;
		}
	close(r.res_wr);	/* workers hold the write ends */
	r.res_wr = -1;
	pg = progress_new(stderr, o->progress, "points", r.ntodo);
	if (supervise(&r, pg))
		gs_errf(err, "sweep runner: out of memory");
	progress_end(pg);
	print_summary(&r, now_seconds() - t0);
	rc = *r.stop ? EXIT_INTERRUPTED :
	     t->done + t->already == t->selected ? EXIT_OK : EXIT_INTERNAL;
out:
	if (r.res_rd >= 0)
		close(r.res_rd);
	free(r.fail);
	free(r.queue);
	free(r.todo);
	return rc;
}

int sweep_status(const struct sweep_spec *s, const char *db_path, const struct point_set *only,
		 void (*fn)(void *ctx, size_t index, enum point_state st), void *ctx,
		 struct gs_err *err)
{
	struct keyset *ks = known_points(db_path, 0, err);
	struct sweep_point *p = malloc(sizeof *p);
	size_t n = sweep_npoints(s);
	int rc = 0;

	if (!ks || !p) {
		free(p);
		keyset_free(ks);
		return ks ? gs_errf(err, "out of memory") : -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		int st;

		if (only && !point_set_has(only, i))
			continue;
		if ((rc = sweep_point(s, i, p, err)))
			break;
		st = keyset_get(ks, p->key_hex);
		fn(ctx, i, st == STATE_DONE ? POINT_DONE : st == STATE_FAILED ? POINT_FAILED :
		   POINT_MISSING);
	}
	free(p);
	keyset_free(ks);
	return rc;
}
