/*
 * tests/unit/test-core.c — ctx, error table, reports, UTF-8, dates, enums.
 */
#include "common.h"

#include <json-c/json.h>
#include <pthread.h>

/* Internals under test (lib/gxca-private.h is not included: keep the test
 * honest about what it relies on). */
#include <stdbool.h>
bool gxca__utf8_valid(const char *s, size_t len);
int64_t gxca__days_from_civil(int y, int m, int d);
void gxca__civil_from_days(int64_t z, int *y, int *m, int *d);
bool gxca__date_parse(const char *s, int *y, int *m, int *d);
int gxca__report_new(gxca_report **out);
int gxca__report_add(gxca_report *r, int severity, int code, const char *id, const char *field,
		     const char *zh, const char *en);

START_TEST(test_ctx_lifecycle)
{
	gxca_ctx *ctx = NULL;
	ck_assert_int_eq(gxca_ctx_new(NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ctx_new(&ctx), GXCA_OK);
	ck_assert_int_eq(gxca_ctx_lang(ctx), GXCA_LANG_ZH);
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, 7), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "lang");
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, GXCA_LANG_EN), GXCA_OK);
	/* cleared on entry */
	ck_assert_last_error(ctx, GXCA_OK);
	ck_assert_int_eq(gxca_ctx_lang(ctx), GXCA_LANG_EN);
	gxca_ctx_free(ctx);
	gxca_ctx_free(NULL);
}
END_TEST

START_TEST(test_last_error_never_null)
{
	const gxca_error *e = gxca_ctx_last_error(NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(gxca_error_code(e), GXCA_OK);
	ck_assert_ptr_nonnull(gxca_error_message(e));
	ck_assert_str_eq(gxca_error_field(e), "");
	ck_assert_str_eq(gxca_error_detail(e), "");
	ck_assert_int_eq(gxca_error_code(NULL), GXCA_EINVAL);
	ck_assert_ptr_nonnull(gxca_error_message(NULL));
	ck_assert_ptr_nonnull(gxca_error_name(NULL));
}
END_TEST

START_TEST(test_error_language)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, 9), GXCA_EINVAL);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_ptr_nonnull(strstr(gxca_error_message(e), "未知语言"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "unknown language"));
	ck_assert_str_eq(gxca_error_name(e), "GXCA_EINVAL");
	gxca_ctx_free(ctx);
}
END_TEST

/* The error table and the public enum must agree: every code has both messages. */
START_TEST(test_error_table)
{
	static const struct { int code; const char *name; } codes[] = {
#define X(name, value, en, zh) {value, #name},
#include "../../lib/errors.def"
#undef X
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		ck_assert_str_eq(gxca_error_name_of(codes[i].code), codes[i].name);
		ck_assert_str_ne(gxca_strerror(codes[i].code, GXCA_LANG_EN), "unknown error");
		ck_assert_str_ne(gxca_strerror(codes[i].code, GXCA_LANG_ZH), "未知错误");
		for (size_t k = 0; k < i; k++)
			ck_assert_int_ne(codes[k].code, codes[i].code);
	}
	ck_assert_int_eq(GXCA_ENOMEM, -2);
	ck_assert_int_eq(GXCA_ETARIFF_NOT_OFFERED, -200);
	ck_assert_str_eq(gxca_error_name_of(12345), "GXCA_EUNKNOWN");
	ck_assert_str_eq(gxca_strerror(12345, GXCA_LANG_EN), "unknown error");
}
END_TEST

START_TEST(test_enum_names)
{
	ck_assert_str_eq(gxca_applicant_name(GXCA_APPLICANT_ORG), "ORG");
	ck_assert_str_eq(gxca_business_name(GXCA_BIZ_UNLOCK), "UNLOCK");
	ck_assert_str_eq(gxca_item_name(GXCA_ITEM_SEAL), "SEAL");
	ck_assert_ptr_null(gxca_business_name(0));
	ck_assert_ptr_null(gxca_business_name(6));
	ck_assert_ptr_null(gxca_item_name(-1));
	ck_assert_int_eq(gxca_business_from_name("renew"), GXCA_BIZ_RENEW);
	ck_assert_int_eq(gxca_applicant_from_name("Person"), GXCA_APPLICANT_PERSON);
	ck_assert_int_eq(gxca_item_from_name("x"), 0);
	ck_assert_int_eq(gxca_item_from_name(NULL), 0);
	ck_assert_str_eq(gxca_version(), GXCA_VERSION_STRING);
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert(gxca__utf8_valid("国信CA", strlen("国信CA")));
	ck_assert(gxca__utf8_valid("\xF0\x9F\x98\x80", 4));
	ck_assert(!gxca__utf8_valid("\xC0\xAF", 2));          /* overlong */
	ck_assert(!gxca__utf8_valid("\xED\xA0\x80", 3));      /* surrogate */
	ck_assert(!gxca__utf8_valid("\xF4\x90\x80\x80", 4));  /* > U+10FFFF */
	ck_assert(!gxca__utf8_valid("\xE5\x9B", 2));          /* truncated */
	ck_assert(!gxca__utf8_valid("\xFF", 1));
	ck_assert(!gxca__utf8_valid("a\x80", 2));
}
END_TEST

START_TEST(test_dates)
{
	int y, m, d;
	ck_assert_int_eq(gxca__days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(gxca__days_from_civil(2000, 3, 1), 11017);
	for (int64_t z = -800000; z < 800000; z += 97) {
		gxca__civil_from_days(z, &y, &m, &d);
		ck_assert_int_eq(gxca__days_from_civil(y, m, d), z);
	}
	ck_assert(gxca__date_parse("2024-02-29", &y, &m, &d));
	ck_assert(!gxca__date_parse("2025-02-29", &y, &m, &d));
	ck_assert(!gxca__date_parse("2100-02-29", &y, &m, &d));
	ck_assert(gxca__date_parse("2000-02-29", &y, &m, &d));
	ck_assert(!gxca__date_parse("2026-13-01", &y, &m, &d));
	ck_assert(!gxca__date_parse("2026-1-01", &y, &m, &d));
	ck_assert(!gxca__date_parse("2026-01-01x", &y, &m, &d));
	ck_assert(!gxca__date_parse(NULL, &y, &m, &d));

	char buf[GXCA_DATE_SIZE];
	/* 2026-11-26T16:00:00Z is 2026-11-27 00:00 in Asia/Shanghai */
	ck_assert_int_eq(gxca_calendar_date_of(1795708800, buf), GXCA_OK);
	ck_assert_str_eq(buf, "2026-11-27");
	ck_assert_int_eq(gxca_calendar_date_of(1795708799, buf), GXCA_OK);
	ck_assert_str_eq(buf, "2026-11-26");
	ck_assert_int_eq(gxca_calendar_date_of(INT64_MAX, buf), GXCA_ERANGE);
	ck_assert_int_eq(gxca_calendar_date_of(0, NULL), GXCA_EINVAL);
	gxca_ctx *ctx = test_ctx();
	int64_t t;
	ck_assert_int_eq(gxca_calendar_time_of(ctx, "2026-11-27", &t), GXCA_OK);
	ck_assert_int_eq(t, 1795708800);
	ck_assert_int_eq(gxca_calendar_time_of(ctx, "2026-11-31", &t), GXCA_EINVAL);
	ck_assert_int_eq(gxca_calendar_time_of(NULL, "2026-11-27", &t), GXCA_EINVAL);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_report)
{
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca__report_new(&r), GXCA_OK);
	ck_assert_int_eq(gxca__report_add(r, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.check_char", "uscc",
					  "校验码错误", "wrong check character"), GXCA_OK);
	ck_assert_int_eq(gxca__report_add(r, GXCA_SEVERITY_WARNING, GXCA_EUSCC, "uscc.category", "uscc",
					  NULL, NULL), GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 2);
	ck_assert_uint_eq(gxca_report_error_count(r), 1);
	ck_assert_uint_eq(gxca_report_warning_count(r), 1);
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN), "wrong check character");
	ck_assert_str_eq(gxca_report_message(r, 1, GXCA_LANG_ZH), "统一社会信用代码无效");
	ck_assert_str_eq(gxca_report_id(r, 5), "");
	ck_assert_int_eq(gxca_report_code(r, 5), 0);
	ck_assert_uint_eq(gxca_report_count(NULL), 0);
	char *json = NULL;
	ck_assert_int_eq(gxca_report_to_json(r, &json), GXCA_OK);
	json_object *o = json_tokener_parse(json);
	ck_assert_ptr_nonnull(o);
	json_object *errors, *problems;
	ck_assert(json_object_object_get_ex(o, "errors", &errors));
	ck_assert_int_eq(json_object_get_int(errors), 1);
	ck_assert(json_object_object_get_ex(o, "problems", &problems));
	ck_assert_int_eq((int)json_object_array_length(problems), 2);
	ck_assert_ptr_nonnull(strstr(json, "\"code\":\"GXCA_EUSCC\""));
	ck_assert_ptr_nonnull(strstr(json, "校验码错误"));
	json_object_put(o);
	gxca_free(json);
	ck_assert_int_eq(gxca_report_to_json(NULL, &json), GXCA_EINVAL);
	ck_assert_int_eq(gxca_report_to_json(r, NULL), GXCA_EINVAL);
	gxca_report_free(r);
	gxca_report_free(NULL);
}
END_TEST

START_TEST(test_report_alloc_failure)
{
	gxca_report *r = NULL;
	FOR_EACH_ALLOC_FAILURE(
		(gxca__report_new(&r) ? GXCA_ENOMEM
		 : gxca__report_add(r, 1, GXCA_EUSCC, "a", "b", "c", "d") ? (gxca_report_free(r), r = NULL, GXCA_ENOMEM)
		 : GXCA_OK),
		gxca_report_free(r));
}
END_TEST

START_TEST(test_ctx_alloc_failure)
{
	gxca_ctx *ctx = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_ctx_new(&ctx), gxca_ctx_free(ctx));
}
END_TEST

static int log_calls;
static void count_log(int level, const char *msg, void *payload)
{
	(void)level;
	ck_assert_ptr_eq(payload, &log_calls);
	ck_assert_ptr_nonnull(strstr(msg, "GXCA_EINVAL"));
	log_calls++;
}

START_TEST(test_log_callback)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(gxca_ctx_set_log(ctx, count_log, GXCA_LOG_DEBUG, &log_calls), GXCA_OK);
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, 99), GXCA_EINVAL);
	ck_assert_int_eq(log_calls, 1);
	ck_assert_int_eq(gxca_ctx_set_log(ctx, NULL, 0, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, 99), GXCA_EINVAL);
	ck_assert_int_eq(log_calls, 1);
	ck_assert_int_eq(gxca_ctx_set_log(NULL, NULL, 0, NULL), GXCA_EINVAL);
	gxca_ctx_free(ctx);
}
END_TEST

/* Contexts on several threads at once share only the immutable policy. */
static void *thread_body(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		gxca_ctx *ctx = NULL;
		if (gxca_ctx_new(&ctx))
			return (void *)1;
		char out[GXCA_DATE_SIZE];
		int rc = gxca_calendar_add_working_days(ctx, "2026-09-30", 5, out);
		bool ok = rc == GXCA_OK && strcmp(out, "2026-10-13") == 0;
		gxca_ctx_free(ctx);
		if (!ok)
			return (void *)1;
	}
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_body, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *res;
		pthread_join(t[i], &res);
		ck_assert_ptr_null(res);
	}
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_ctx_lifecycle);
	tcase_add_test(tc, test_last_error_never_null);
	tcase_add_test(tc, test_error_language);
	tcase_add_test(tc, test_error_table);
	tcase_add_test(tc, test_enum_names);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_report_alloc_failure);
	tcase_add_test(tc, test_ctx_alloc_failure);
	tcase_add_test(tc, test_log_callback);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(core_suite)
