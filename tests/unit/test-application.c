/* tests/unit/test-application.c — being written. */
#include "common.h"
START_TEST(test_placeholder) { gxca_ctx *ctx = test_ctx(); gxca_ctx_free(ctx); }
END_TEST
static Suite *application_suite(void)
{
	Suite *s = suite_create("application");
	TCase *tc = tcase_create("placeholder");
	tcase_add_test(tc, test_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
MAIN(application_suite)
