/*
 * tests/unit/test-threads.c — several threads validating and quoting at once,
 * each with its own context (gxca(3) THREAD SAFETY). Also run under
 * ThreadSanitizer (configure --enable-tsan).
 */
#include "common.h"

#include <pthread.h>

static char *org_json;
static size_t org_len;

static void *worker(void *arg)
{
	(void)arg;
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx))
		return (void *)"ctx";
	const char *fail = NULL;
	for (int i = 0; i < 300 && !fail; i++) {
		gxca_application *app = NULL;
		gxca_report *r = NULL;
		gxca_quote *q = NULL;
		int64_t fen = 0;
		if (gxca_application_from_json(&app, ctx, org_json, org_len))
			fail = "from_json";
		else if (gxca_application_validate(app, &r))
			fail = "validate";
		else if (gxca_quote_new(&q, ctx) || gxca_quote_add_order(q, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, 3, 1, -1))
			fail = "quote";
		else if (gxca_quote_total(q) != 55000)
			fail = "quote total";
		else if (gxca_tariff_price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_CERT, 4, &fen) || fen != 35000)
			fail = "price";
		else if (gxca_identity_check_uscc(ctx, "91320600MA1MX2K79D", NULL) != GXCA_EUSCC)
			fail = "uscc";
		gxca_quote_free(q);
		gxca_report_free(r);
		gxca_application_free(app);
	}
	gxca_ctx_free(ctx);
	return (void *)fail;
}

START_TEST(test_parallel_validate_and_quote)
{
	org_json = test_read_file(TEST_SRCDIR "/tests/data/app-org.json", &org_len);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *res = NULL;
		pthread_join(t[i], &res);
		ck_assert_msg(res == NULL, "thread %d failed at %s", i, (const char *)res);
	}
	free(org_json);
}
END_TEST

static Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_parallel_validate_and_quote);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(threads_suite)
