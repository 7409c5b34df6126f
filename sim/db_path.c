/*
** db_path.c: say what is wrong with a results database path before SQLite
** touches it (see db_int.h). SQLite's own messages ("unable to open
** database file", with errno of whatever call failed last) do not name the
** real cause: a missing or read-only directory, a directory given as the
** file, a read-only file.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_int.h"

/* The directory part of path: "." for "x.db", "/" for "/x.db". */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* The directory that will hold the database (and SQLite's journal). */
static int check_dir(const char *path, const char *dir, int creating, struct gs_err *err)
{
	const char *verb = creating ? "cannot create" : "cannot record runs in";
	struct stat st;

	if (stat(dir, &st)) {
		if (errno == ENOENT)
			return gs_errf(err, "%s: no such directory, %s %s", dir, verb, path);
		if (errno == ENOTDIR)
			return gs_errf(err, "%s: a component of the path is not a directory,"
				       " %s %s", dir, verb, path);
		return gs_errf(err, "%s: %s, %s %s", dir, strerror(errno), verb, path);
	}
	if (!S_ISDIR(st.st_mode))
		return gs_errf(err, "%s: not a directory, %s %s", dir, verb, path);
	if (access(dir, W_OK | X_OK) == 0)
		return 0;
	if (errno == EROFS)
		return gs_errf(err, "%s: directory is on a read-only file system, %s %s",
			       dir, verb, path);
	if (creating)
		return gs_errf(err, "%s: directory is not writable, cannot create %s", dir, path);
	/* An existing file is written through a journal beside it. */
	return gs_errf(err, "%s: directory is not writable (SQLite keeps its journal"
		       " there), cannot record runs in %s", dir, path);
}

int db_path_check_writable(const char *path, struct gs_err *err)
{
	struct stat st;
	char *dir;
	int creating = 0, rc;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return gs_errf(err, "%s: is a directory; give the path of a results"
				       " database file (e.g. %s/runs.db)", path, path);
		if (!S_ISREG(st.st_mode))
			return gs_errf(err, "%s: not a regular file; refusing to use it as a"
				       " results database", path);
		if (access(path, W_OK))
			return gs_errf(err, "%s: file is %s, cannot record runs in it", path,
				       errno == EROFS ? "on a read-only file system" :
				       "read-only");
	} else if (errno == ENOENT || errno == ENOTDIR) {
		creating = 1;
	} else {
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	}
	dir = dir_of(path);
	if (!dir)
		return gs_errf(err, "%s: cannot open: out of memory", path);
	rc = check_dir(path, dir, creating, err);
	free(dir);
	return rc;
}

int db_path_check_readable(const char *path, struct gs_err *err)
{
	struct stat st;

	if (stat(path, &st))
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return gs_errf(err, "%s: cannot open: is a directory, not a results database"
			       " file", path);
	return 0;
}
