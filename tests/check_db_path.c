/*
** check_db_path.c: a results database path that cannot be used is refused
** with a message naming the path and the cause (sim/db_path.c), before
** anything is created or touched: missing directory, a file where a
** directory should be, a directory given as the file, a read-only
** directory (new and existing file), a read-only file, a non-SQLite file;
** and `gssim run` exits 2 with that message.
**
** Root ignores permission bits, so as root the read-only cases run in a
** child that has switched to the unprivileged uid/gid 65534 (nobody).
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "testutil.h"

#define NOBODY 65534

struct paths {
	char *dir;
	char sub[512], db[600];
};

static void paths_init(struct paths *p, const char *sub, const char *file)
{
	p->dir = tu_temp_dir();
	snprintf(p->sub, sizeof p->sub, "%s/%s", p->dir, sub);
	snprintf(p->db, sizeof p->db, "%s/%s", p->sub, file);
}

static void paths_done(struct paths *p)
{
	char cmd[700];

	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' && rm -rf '%s'", p->dir, p->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(p->dir);
}

/* db_open must fail with exactly `want` (and create nothing). */
static void assert_refused(const char *path, const char *want)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };

	ck_assert_int_eq(db_open(&db, path, &err), -1);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.msg, want);
}

/* db_open(path) in a child running as uid `uid` (-1: ours); its message
** (or "opened") into msg. Returns 0, or -1 if the child could not drop
** privileges or reach the directory (the case is then not testable). */
static int open_as(const char *path, int uid, char *msg, size_t cap)
{
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct gs_db *db = NULL;
		struct gs_err err = { "" };
		const char *text;

		close(fd[0]);
		if (uid >= 0 && (setgid((gid_t)uid) || setuid((uid_t)uid)))
			_exit(3);
		text = db_open(&db, path, &err) ? err.msg : "opened";
		db_close(db);
		if (write(fd[1], text, strlen(text)) < 0)
			_exit(4);
		_exit(0);
	}
	close(fd[1]);
	n = read(fd[0], msg, cap - 1);
	close(fd[0]);
	msg[n > 0 ? n : 0] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A read-only directory stops us only if we are not root: as root, make
** the tree reachable and run the open as nobody. */
static int unprivileged(const struct paths *p)
{
	if (geteuid() != 0)
		return -1;
	ck_assert_int_eq(chmod(p->dir, 0755), 0);
	return NOBODY;
}

START_TEST(test_missing_directory)
{
	struct paths p;
	char want[1400];

	paths_init(&p, "no-such-dir", "out.db");
	snprintf(want, sizeof want, "%s: no such directory, cannot create %s", p.sub, p.db);
	assert_refused(p.db, want);
	ck_assert_int_ne(access(p.sub, F_OK), 0);
	paths_done(&p);
}
END_TEST

START_TEST(test_file_as_directory)
{
	struct paths p;
	char want[1400];
	FILE *f;

	paths_init(&p, "notes.txt", "out.db");
	f = fopen(p.sub, "w");
	ck_assert_ptr_nonnull(f);
	fputs("notes\n", f);
	fclose(f);
	snprintf(want, sizeof want, "%s: not a directory, cannot create %s", p.sub, p.db);
	assert_refused(p.db, want);
	paths_done(&p);
}
END_TEST

START_TEST(test_directory_as_file)
{
	struct paths p;
	char want[1400];

	paths_init(&p, "results", "");
	p.db[strlen(p.db) - 1] = '\0';	/* the directory itself, no slash */
	ck_assert_int_eq(mkdir(p.db, 0755), 0);
	snprintf(want, sizeof want, "%s: is a directory; give the path of a results database"
		 " file (e.g. %s/runs.db)", p.db, p.db);
	assert_refused(p.db, want);
	rmdir(p.db);
	paths_done(&p);
}
END_TEST

START_TEST(test_not_regular)
{
	assert_refused("/dev/null", "/dev/null: not a regular file; refusing to use it as a"
		       " results database");
}
END_TEST

START_TEST(test_readonly_directory_new_file)
{
	struct paths p;
	char want[1400], got[1400];
	int uid;

	paths_init(&p, "ro", "out.db");
	ck_assert_int_eq(mkdir(p.sub, 0755), 0);
	ck_assert_int_eq(chmod(p.sub, 0555), 0);
	uid = unprivileged(&p);
	snprintf(want, sizeof want, "%s: directory is not writable, cannot create %s",
		 p.sub, p.db);
	if (open_as(p.db, uid, got, sizeof got))
		fprintf(stderr, "check_db_path: read-only directory case not run (cannot"
			" switch to uid %d)\n", NOBODY);
	else
		ck_assert_str_eq(got, want);
	ck_assert_int_ne(access(p.db, F_OK), 0);
	paths_done(&p);
}
END_TEST

/* An existing database in a read-only directory (SQLite cannot write its
** journal) and a read-only database file are refused untouched. */
START_TEST(test_readonly_existing)
{
	struct paths p;
	struct gs_db *db = NULL;
	struct gs_err err = { "" };
	char want[1400], got[1400];
	char *before, *after;
	size_t n0, n1;
	int uid;

	paths_init(&p, "ro", "old.db");
	ck_assert_int_eq(mkdir(p.sub, 0755), 0);
	ck_assert_msg(db_open(&db, p.db, &err) == 0, "%s", err.msg);
	db_close(db);
	before = tu_read_file(p.db, &n0);
	ck_assert_int_eq(chmod(p.sub, 0555), 0);
	uid = unprivileged(&p);
	if (uid >= 0)	/* nobody's own file, in a directory nobody cannot write */
		ck_assert_int_eq(chown(p.db, (uid_t)uid, (gid_t)uid), 0);
	snprintf(want, sizeof want, "%s: directory is not writable (SQLite keeps its journal"
		 " there), cannot record runs in %s", p.sub, p.db);
	if (open_as(p.db, uid, got, sizeof got) == 0)
		ck_assert_str_eq(got, want);
	else
		fprintf(stderr, "check_db_path: read-only cases not run (cannot switch to"
			" uid %d)\n", NOBODY);
	ck_assert_int_eq(chmod(p.sub, 0755), 0);
	ck_assert_int_eq(chmod(p.db, 0444), 0);
	snprintf(want, sizeof want, "%s: file is read-only, cannot record runs in it", p.db);
	if (open_as(p.db, uid, got, sizeof got) == 0)
		ck_assert_str_eq(got, want);
	after = tu_read_file(p.db, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert(memcmp(before, after, n0) == 0);
	free(before);
	free(after);
	paths_done(&p);
}
END_TEST

/* The command: exit 2, the message, and the refused file unchanged. */
START_TEST(test_cli_exit_2)
{
	struct paths p;
	char want[1400];
	char *out = NULL, *text;
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--trace",
			       "traces/gather-strides.gst", "--db", NULL, "-q", NULL };

	paths_init(&p, "missing", "out.db");
	argv[6] = p.db;
	ck_assert_int_eq(tu_run_gssim(argv, &out), 2);
	snprintf(want, sizeof want, "%s: no such directory, cannot create %s\n", p.sub, p.db);
	ck_assert_str_eq(out, want);
	free(out);

	snprintf(p.db, sizeof p.db, "%s/notes.db", p.dir);
	{
		FILE *f = fopen(p.db, "w");

		ck_assert_ptr_nonnull(f);
		fputs("my notes, not a database\n", f);
		fclose(f);
	}
	ck_assert_int_eq(tu_run_gssim(argv, &out), 2);
	snprintf(want, sizeof want, "%s: not an SQLite database; refusing to use it as a"
		 " results database\n", p.db);
	ck_assert_str_eq(out, want);
	free(out);
	text = tu_read_file(p.db, NULL);
	ck_assert_str_eq(text, "my notes, not a database\n");
	free(text);
	paths_done(&p);
}
END_TEST

Suite *db_path_suite(void)
{
	Suite *s = suite_create("db_path");
	TCase *tc = tcase_create("refused");

	tcase_add_test(tc, test_missing_directory);
	tcase_add_test(tc, test_file_as_directory);
	tcase_add_test(tc, test_directory_as_file);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_readonly_directory_new_file);
	tcase_add_test(tc, test_readonly_existing);
	tcase_add_test(tc, test_cli_exit_2);
	suite_add_tcase(s, tc);
	return s;
}
