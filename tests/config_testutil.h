/*
** config_testutil.h: helpers shared by the config suites (check_config.c,
** check_config_errors.c): load YAML text as a temporary config file and
** compare messages with the temporary path replaced by "F".
*/
#ifndef gs_config_testutil_h
#define gs_config_testutil_h

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

/* Load text as a file named ...t<suffix> (validated when validate is set);
** msg gets the message with the path replaced by "F", "" on success. */
static inline const char *cfg_test_load(const char *suffix, const char *text,
					struct gs_config *c, int validate, char *msg, size_t n)
{
	struct gs_err err = { { 0 } };
	char *path = tu_write_temp(suffix, text);
	size_t len = strlen(path);
	int rc;

	cfg_defaults(c);
	rc = cfg_load_file(c, path, &err);
	if (rc == 0 && validate)
		rc = cfg_validate(c, path, &err);
	msg[0] = '\0';
	if (rc) {
		ck_assert_msg(strncmp(err.msg, path, len) == 0, "message lacks the path: %s", err.msg);
		snprintf(msg, n, "F%s", err.msg + len);
	}
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
	return msg;
}

/* Loading text (validated) gives exactly the message want ("" = loads). */
#define EXPECT_ERR(text, want) do { \
	struct gs_config c_; \
	char m_[GS_ERR_MAX]; \
	const char *got_ = cfg_test_load(".yaml", text, &c_, 1, m_, sizeof m_); \
	ck_assert_msg(strcmp(got_, want) == 0, "\n got: %s\nwant: %s", got_, want); \
} while (0)

/* Loading text from a file named ...t<suffix> (validated) succeeds into *c. */
#define EXPECT_LOADS(suffix, text, c) do { \
	char m_[GS_ERR_MAX]; \
	const char *got_ = cfg_test_load(suffix, text, c, 1, m_, sizeof m_); \
	ck_assert_msg(!*got_, "%s", got_); \
} while (0)

#endif
