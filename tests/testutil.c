/*
** testutil.c: helpers shared by the Check suites (see testutil.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

char *tu_write_temp(const char *suffix, const char *text)
{
	/* A fresh directory per file (POSIX mkdtemp), the file inside it. */
	char dir[] = "/tmp/gssim-test-XXXXXX";
	size_t n;
	char *path;
	FILE *f;

	if (!mkdtemp(dir))
		abort();
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
	return path;
}

char *tu_temp_dir(void)
{
	char *path = strdup("/tmp/gssim-dir-XXXXXX");

	if (!path || !mkdtemp(path))
		abort();
	return path;
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
	unlink(outpath);
	free(outpath);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
