/*
** run_tests.c: runs every Check suite (the list is generated from the
** tests/check_<name>.c file names). CK_RUN_SUITE / CK_RUN_CASE select.
*/
#include <check.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define GS_ADD_SUITE(fn) srunner_add_suite(sr, fn());
	GS_SUITES(GS_ADD_SUITE)
#undef GS_ADD_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
