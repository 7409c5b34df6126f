/*
** testutil.c: helpers shared by the Check suites (see testutil.h).
*/
#include <check.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* "$TMPDIR/gssim-NAME-XXXXXX" made by mkdtemp (malloc'd); TMPDIR defaults to /tmp. */
static char *make_temp_dir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	size_t n;
	char *dir;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	n = strlen(tmp) + strlen(name) + 16;
	dir = malloc(n);
	if (!dir)
		abort();
	snprintf(dir, n, "%s/gssim-%s-XXXXXX", tmp, name);
	if (!mkdtemp(dir))
		abort();
	return dir;
}

char *tu_write_temp(const char *suffix, const char *text)
{
	/* A fresh directory per file (POSIX mkdtemp), the file inside it. */
	char *dir = make_temp_dir("test");
	size_t n;
	char *path;
	FILE *f;

	n = strlen(dir) + strlen("/t") + strlen(suffix) + 1;
	path = malloc(n);
	if (!path)
		abort();
	snprintf(path, n, "%s/t%s", dir, suffix);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	free(dir);
	return path;
}

void tu_remove_temp(char *path)
{
	static const char *const side[] = { "-journal", "-wal", "-shm" };
	char *slash = path ? strrchr(path, '/') : NULL;
	char more[1200];

	/* Only inside what the helpers made: a gssim-test-* or gssim-dir-* directory. */
	if (slash && ((slash - path >= 18 && !strncmp(slash - 18, "/gssim-test-", 12)) ||
		      (slash - path >= 17 && !strncmp(slash - 17, "/gssim-dir-", 11)))) {
		unlink(path);
		for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
			snprintf(more, sizeof more, "%s%s", path, side[i]);
			unlink(more);
		}
		*slash = '\0';
		rmdir(path);	/* fails, harmlessly, while other files remain */
	}
	free(path);
}

char *tu_temp_dir(void)
{
	return make_temp_dir("dir");
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int tu_run_gssim(const char *const *argv, char **out)
{
	const char *bin = getenv("GSSIM_BIN");
	char *outpath = tu_write_temp(".out", "");
	const char *args[64];
	int n = 0, status;
	pid_t pid;

	if (!bin)
		bin = "build/gssim";
	args[n++] = bin;
	while (argv[n - 1] && n < 63) {
		args[n] = argv[n - 1];
		n++;
	}
	args[n] = NULL;
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		if (!freopen(outpath, "w", stdout))
			_exit(127);
		dup2(fileno(stdout), 2);
		execv(bin, (char *const *)(void *)args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		abort();
	if (out)
		*out = tu_read_file(outpath, NULL);
	tu_remove_temp(outpath);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

void tu_paper_machine(struct gs_config *c, const char *name)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->clock_ghz = 1.0;
	c->vector.lanes = 8;
	c->vector.element_bytes = 2;
	c->vector.registers = 32;
	c->vector.issue_width = 1;
	c->vector.alu_pipes = 1;
	c->vector.lat_fma = 4;
	c->vector.lat_add = 2;
	c->vector.lat_mul = 3;
	c->vector.lat_reduce = 3;
	c->vector.lat_broadcast = 1;
	c->scratchpad.size_kib = 64;
	c->scratchpad.banks = 8;
	c->scratchpad.bank_width_bytes = 2;
	c->scratchpad.ports_per_bank = 1;
	c->scratchpad.latency = 1;
	c->scratchpad.mapping = SPM_MAP_INTERLEAVE;
	c->gse.queue_depth = 4;
	c->gse.multicast = 1;
	c->gse.scatter_same_address = SCATTER_DUP_MERGE;
	c->gse.cycles_per_pass = 1;
	c->gse.overlap = 1;
	c->memory.bandwidth_bytes_per_cycle = 16;
	c->memory.load_latency = 4;
	c->memory.dma_latency = 100;
	c->memory.max_outstanding = 8;
	c->memory.dma_chunk_bytes = 64;
	c->memory.dma_queue_depth = 16;
}

int64_t tu_sql_int(const char *db, const char *q)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK, "%s: %s", q,
		      sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}
