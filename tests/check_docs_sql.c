/*
** check_docs_sql.c: every ```sql block of docs/results-db.md runs without
** error on a real results database made by the gssim binary (workload and
** trace runs with --set overrides), and the sweep example finds its rows.
*/
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void make_db(const char *db)
{
	static const char *const patterns[] = { "gs-v", "unstructured" };
	char *out = NULL;

	for (int b = 8; b <= 16; b += 8)
		for (int p = 0; p < 2; p++) {
			char set[64];
			const char *argv[] = { "run", "--config", "configs/default.yaml", "--workload",
					       "gnmt:decoder.att_rnn.attn.linear_k", "--pattern",
					       patterns[p], "--sparsity", "0.9", "--seed", "1", "--db",
					       db, "--set", set, "--quiet", NULL };

			snprintf(set, sizeof set, "scratchpad.banks=%d", b);
			ck_assert_msg(tu_run_gssim(argv, &out) == 0, "%s", out);
			free(out);
		}
	{
		const char *argv[] = { "run", "--config", "configs/default.yaml", "--trace",
				       "traces/gather-strides.gst", "--db", db, "--quiet", NULL };

		ck_assert_msg(tu_run_gssim(argv, &out) == 0, "%s", out);
		free(out);
	}
}

/* Run every statement of sql; the number of result rows of the last one. */
static int exec_all(sqlite3 *h, const char *sql, const char *where)
{
	const char *tail = sql;
	int rows = 0;

	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(h, tail, -1, &st, &tail);

		ck_assert_msg(rc == SQLITE_OK, "%s: %s\n%s", where, sqlite3_errmsg(h), sql);
		if (!st)
			break;	/* only whitespace or a comment left */
		rows = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			rows++;
		ck_assert_msg(rc == SQLITE_DONE, "%s: %s\n%s", where, sqlite3_errmsg(h), sql);
		sqlite3_finalize(st);
	}
	return rows;
}

START_TEST(test_every_sql_block_runs)
{
	char *dir = tu_temp_dir(), db[512], where[64];
	char *doc = tu_read_file("docs/results-db.md", NULL), *p;
	sqlite3 *h = NULL;
	int blocks = 0, line = 1;

	ck_assert_ptr_nonnull(doc);
	snprintf(db, sizeof db, "%s/r.db", dir);
	make_db(db);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	for (p = doc; (p = strstr(p, "```sql\n")); ) {
		char *start = p + 7, *end = strstr(start, "```");
		int rows;

		ck_assert_ptr_nonnull(end);
		for (char *q = doc; q < p; q++)
			line += *q == '\n';
		*end = '\0';
		snprintf(where, sizeof where, "docs/results-db.md:%d", line);
		line = 1;
		rows = exec_all(h, start, where);
		if (strstr(start, "scratchpad.banks"))
			ck_assert_msg(rows == 4, "%s: the sweep example found %d rows", where, rows);
		blocks++;
		p = end + 3;
	}
	ck_assert_int_ge(blocks, 8);
	sqlite3_close(h);
	unlink(db);
	rmdir(dir);
	free(dir);
	free(doc);
}
END_TEST

Suite *docs_sql_suite(void)
{
	Suite *s = suite_create("docs_sql");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_sql_block_runs);
	suite_add_tcase(s, tc);
	return s;
}
