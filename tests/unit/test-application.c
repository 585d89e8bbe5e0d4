/*
 * tests/unit/test-application.c — application forms, validation, JSON and
 * workflow (domain.md §5, §7).
 */
#include "common.h"

#include <stdbool.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define DATA(name) TEST_SRCDIR "/tests/data/" name

/* 2026-09-21 09:30 Asia/Shanghai (a Monday). */
#define T0 INT64_C(1789954200)
#define HOUR INT64_C(3600)

/* A Unix time at hh:mm Asia/Shanghai on a date. */
static int64_t at(gxca_ctx *ctx, const char *date, int hh, int mm)
{
	int64_t t = 0;
	ck_assert_int_eq(gxca_calendar_time_of(ctx, date, &t), GXCA_OK);
	return t + hh * HOUR + mm * 60;
}

static void set(gxca_application *app, int field, const char *value)
{
	int rc = gxca_application_set(app, field, value);
	ck_assert_msg(rc == GXCA_OK, "set %s=%s: %s", gxca_app_field_name(field), value,
		      gxca_error_name_of(rc));
}

/* A complete, valid ORG form made through the setters. */
static gxca_application *valid_org(gxca_ctx *ctx)
{
	gxca_application *app = NULL;
	ck_assert_int_eq(gxca_application_new(&app, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	set(app, GXCA_APP_ORG_NAME, "南通通达建设工程有限公司");
	set(app, GXCA_APP_USCC, "91320600MA1MX2K79C");
	set(app, GXCA_APP_REG_PROVINCE, "江苏省");
	set(app, GXCA_APP_REG_CITY, "南通市");
	set(app, GXCA_APP_REG_COUNTY, "崇川区");
	set(app, GXCA_APP_LEGAL_REP_NAME, "张建国");
	set(app, GXCA_APP_ORG_PHONE, "0513-85123456");
	set(app, GXCA_APP_AGENT_NAME, "李明");
	set(app, GXCA_APP_AGENT_ID_NUMBER, "320602199005082633");
	set(app, GXCA_APP_AGENT_MOBILE, "13912345678");
	set(app, GXCA_APP_INVOICE_EMAIL, "finance@tongda-jianshe.com.cn");
	set(app, GXCA_APP_RETURN_ADDRESS, "江苏省南通市崇川区工农路111号 李明 13912345678");
	set(app, GXCA_APP_FORM_DATE, "2026-09-21");
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_OFFICIAL_SEAL, 2), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_LEGAL_REP_SEAL, 1), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_LEGAL_REP_SIGNATURE, 1), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_consent(app, 1), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 2, 4, 0), GXCA_OK);
	return app;
}

static gxca_application *load_file(gxca_ctx *ctx, const char *path)
{
	size_t len;
	char *text = test_read_file(path, &len);
	gxca_application *app = NULL;
	int rc = gxca_application_from_json(&app, ctx, text, len);
	ck_assert_msg(rc == GXCA_OK, "%s: %s %s", path, gxca_error_name_of(rc),
		      gxca_error_message(gxca_ctx_last_error(ctx)));
	free(text);
	return app;
}

static char *to_json(gxca_application *app)
{
	char *s = NULL;
	ck_assert_int_eq(gxca_application_to_json(app, &s), GXCA_OK);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Validate and return the report, asserting the status. */
static gxca_report *validate(gxca_application *app, int want)
{
	gxca_report *r = NULL;
	int rc = gxca_application_validate(app, &r);
	ck_assert_ptr_nonnull(r);
	if (rc != want) {
		char *j = NULL;
		if (gxca_report_to_json(r, &j) == GXCA_OK)
			fprintf(stderr, "%s\n", j);
		gxca_free(j);
	}
	ck_assert_int_eq(rc, want);
	return r;
}

/* Number of problems with this id (NULL: any) and field (NULL: any). */
static size_t count_problems(const gxca_report *r, const char *id, const char *field)
{
	size_t n = 0;
	for (size_t i = 0; i < gxca_report_count(r); i++)
		n += (!id || strcmp(gxca_report_id(r, i), id) == 0) &&
		     (!field || strcmp(gxca_report_field(r, i), field) == 0);
	return n;
}

static size_t count_errors_on(const gxca_report *r, const char *field)
{
	size_t n = 0;
	for (size_t i = 0; i < gxca_report_count(r); i++)
		n += gxca_report_severity(r, i) == GXCA_SEVERITY_ERROR &&
		     strcmp(gxca_report_field(r, i), field) == 0;
	return n;
}

/* Set one field of a valid ORG form and expect exactly one problem. */
static void expect_field_problem(int field, const char *value, const char *id, int severity)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	set(app, field, value);
	gxca_report *r = NULL;
	int rc = gxca_application_validate(app, &r);
	ck_assert_msg(rc == (severity == GXCA_SEVERITY_ERROR ? GXCA_EINVALID : GXCA_OK), "%s=%s: %s",
		      gxca_app_field_name(field), value, gxca_error_name_of(rc));
	ck_assert_msg(gxca_report_count(r) == 1, "%s=%s: %zu problems", gxca_app_field_name(field),
		      value, gxca_report_count(r));
	ck_assert_str_eq(gxca_report_id(r, 0), id);
	ck_assert_str_eq(gxca_report_field(r, 0), gxca_app_field_name(field));
	ck_assert_int_eq(gxca_report_severity(r, 0), severity);
	/* both languages, each naming the field by its label */
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_ZH),
				     gxca_app_field_label(field, GXCA_LANG_ZH)));
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN),
				     gxca_app_field_label(field, GXCA_LANG_EN)));
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}

/* ==== names ============================================================== */

START_TEST(test_names)
{
	for (int f = 1; f <= 20; f++) {
		const char *n = gxca_app_field_name(f);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(gxca_app_field_from_name(n), f);
		ck_assert_ptr_nonnull(gxca_app_field_label(f, GXCA_LANG_ZH));
		ck_assert_ptr_nonnull(gxca_app_field_label(f, GXCA_LANG_EN));
		ck_assert_int_eq(gxca_app_field_applies(GXCA_APPLICANT_ORG, f) +
				 gxca_app_field_applies(GXCA_APPLICANT_PERSON, f) > 0, 1);
	}
	ck_assert_str_eq(gxca_app_field_name(GXCA_APP_ORG_NAME), "org_name");
	ck_assert_str_eq(gxca_app_field_label(GXCA_APP_USCC, GXCA_LANG_ZH), "统一社会信用代码");
	ck_assert_int_eq(gxca_app_field_from_name("invoice_email"), GXCA_APP_INVOICE_EMAIL);
	ck_assert_ptr_null(gxca_app_field_name(0));
	ck_assert_ptr_null(gxca_app_field_name(21));
	ck_assert_ptr_null(gxca_app_field_label(-1, GXCA_LANG_EN));
	ck_assert_int_eq(gxca_app_field_from_name(NULL), 0);
	ck_assert_int_eq(gxca_app_field_from_name("ORG_NAME"), 0);
	ck_assert_int_eq(gxca_app_field_applies(GXCA_APPLICANT_ORG, GXCA_APP_USCC), 1);
	ck_assert_int_eq(gxca_app_field_applies(GXCA_APPLICANT_PERSON, GXCA_APP_USCC), 0);
	ck_assert_int_eq(gxca_app_field_applies(GXCA_APPLICANT_PERSON, GXCA_APP_AGENT_NAME), 1);
	ck_assert_int_eq(gxca_app_field_applies(3, GXCA_APP_AGENT_NAME), 0);
	ck_assert_int_eq(gxca_app_field_applies(GXCA_APPLICANT_ORG, 99), 0);

	for (int s = GXCA_APP_DRAFT; s <= GXCA_APP_DELIVERED; s++)
		ck_assert_int_eq(gxca_app_state_from_name(gxca_app_state_name(s)), s);
	ck_assert_str_eq(gxca_app_state_name(GXCA_APP_PAYMENT_REQUESTED), "PAYMENT_REQUESTED");
	ck_assert_ptr_null(gxca_app_state_name(0));
	ck_assert_ptr_null(gxca_app_state_name(9));
	ck_assert_int_eq(gxca_app_state_from_name("paid"), GXCA_APP_PAID);
	ck_assert_int_eq(gxca_app_state_from_name("nope"), 0);
	ck_assert_int_eq(gxca_app_state_from_name(NULL), 0);
	ck_assert_str_eq(gxca_channel_name(GXCA_CHANNEL_MAIL), "MAIL");
	ck_assert_str_eq(gxca_channel_name(GXCA_CHANNEL_ONSITE), "ONSITE");
	ck_assert_ptr_null(gxca_channel_name(3));
	ck_assert_int_eq(gxca_channel_from_name("onsite"), GXCA_CHANNEL_ONSITE);
	ck_assert_int_eq(gxca_channel_from_name(""), 0);
}
END_TEST

/* ==== fields ============================================================= */

START_TEST(test_new_defaults)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *a = NULL, *b = NULL;
	ck_assert_int_eq(gxca_application_new(&a, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	ck_assert_int_eq(gxca_application_new(&b, ctx, GXCA_APPLICANT_PERSON), GXCA_OK);
	ck_assert_int_eq(gxca_application_applicant(a), GXCA_APPLICANT_ORG);
	ck_assert_int_eq(gxca_application_applicant(b), GXCA_APPLICANT_PERSON);
	ck_assert_str_eq(gxca_application_get(a, GXCA_APP_PLATFORM), "056");
	ck_assert_str_eq(gxca_application_get(a, GXCA_APP_ORG_NAME), "");
	ck_assert_int_eq(gxca_application_state(a), GXCA_APP_DRAFT);
	ck_assert_uint_eq(gxca_application_history_count(a), 0);
	ck_assert_uint_eq(gxca_application_line_count(a), 0);
	ck_assert_int_eq(gxca_application_channel(a), 0);
	ck_assert_int_eq(gxca_application_paid_at(a), 0);
	ck_assert_str_eq(gxca_application_tracking_no(a), "");
	ck_assert_int_eq(gxca_application_consent(a), 0);
	ck_assert_ptr_null(gxca_application_last_report(a));
	/* ids: GX + 16 upper-case hex, different each time */
	const char *id = gxca_application_id(a);
	ck_assert_uint_eq(strlen(id), 18);
	ck_assert_int_eq(strncmp(id, "GX", 2), 0);
	ck_assert_uint_eq(strspn(id + 2, "0123456789ABCDEF"), 16);
	ck_assert_str_ne(id, gxca_application_id(b));
	gxca_application_free(a);
	gxca_application_free(b);
	ck_assert_int_eq(gxca_application_new(&a, ctx, 3), GXCA_EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_new(&a, ctx, 0), GXCA_EINVAL);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_set_get)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *org = NULL, *per = NULL;
	ck_assert_int_eq(gxca_application_new(&org, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	ck_assert_int_eq(gxca_application_new(&per, ctx, GXCA_APPLICANT_PERSON), GXCA_OK);
	set(org, GXCA_APP_ORG_NAME, "南通通达");
	ck_assert_str_eq(gxca_application_get(org, GXCA_APP_ORG_NAME), "南通通达");
	set(org, GXCA_APP_ORG_NAME, "");
	ck_assert_str_eq(gxca_application_get(org, GXCA_APP_ORG_NAME), "");
	/* a field of the other form */
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_PERSON_NAME, "王芳"), GXCA_EAPP_FIELD);
	ck_assert_last_error(ctx, GXCA_EAPP_FIELD);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "person_name");
	ck_assert_int_eq(gxca_application_set(per, GXCA_APP_USCC, "x"), GXCA_EAPP_FIELD);
	ck_assert_str_eq(gxca_application_get(per, GXCA_APP_USCC), "");
	/* unknown fields, NULL value, bad UTF-8, too long */
	ck_assert_int_eq(gxca_application_set(org, 0, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set(org, 21, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set(org, -5, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_ORG_NAME, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_ORG_NAME, "\xe5\x8d"), GXCA_EENCODING);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "org_name");
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_ORG_NAME, "\xc0\xaf"), GXCA_EENCODING);
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_ORG_NAME, "\xed\xa0\x80"), GXCA_EENCODING);
	char big[600];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(gxca_application_set(org, GXCA_APP_RETURN_ADDRESS, big), GXCA_ETOOBIG);
	big[512] = '\0';
	set(org, GXCA_APP_RETURN_ADDRESS, big);
	ck_assert_str_eq(gxca_application_get(org, GXCA_APP_ORG_NAME), "");
	ck_assert_str_eq(gxca_application_get(org, 99), "");
	ck_assert_str_eq(gxca_application_get(org, GXCA_APP_ID_NUMBER), "");

	/* id type: string and typed forms agree */
	ck_assert_int_eq(gxca_application_id_type(per), 0);
	set(per, GXCA_APP_ID_TYPE, "resident_id");
	ck_assert_str_eq(gxca_application_get(per, GXCA_APP_ID_TYPE), "RESIDENT_ID");
	ck_assert_int_eq(gxca_application_id_type(per), GXCA_ID_RESIDENT);
	ck_assert_int_eq(gxca_application_set_id_type(per, GXCA_ID_OTHER), GXCA_OK);
	ck_assert_str_eq(gxca_application_get(per, GXCA_APP_ID_TYPE), "OTHER");
	ck_assert_int_eq(gxca_application_set(per, GXCA_APP_ID_TYPE, "PASSPORT"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set_id_type(per, 3), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_id_type(per), GXCA_ID_OTHER);
	ck_assert_int_eq(gxca_application_set_id_type(per, 0), GXCA_OK);
	ck_assert_int_eq(gxca_application_id_type(per), 0);
	ck_assert_int_eq(gxca_application_set_id_type(org, GXCA_ID_RESIDENT), GXCA_EAPP_FIELD);
	ck_assert_int_eq(gxca_application_id_type(org), 0);
	gxca_application_free(org);
	gxca_application_free(per);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_flags)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *org = NULL, *per = NULL;
	ck_assert_int_eq(gxca_application_new(&org, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	ck_assert_int_eq(gxca_application_new(&per, ctx, GXCA_APPLICANT_PERSON), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_collected(org, GXCA_COLLECT_OFFICIAL_SEAL, 2), GXCA_OK);
	ck_assert_int_eq(gxca_application_collected(org, GXCA_COLLECT_OFFICIAL_SEAL), 2);
	ck_assert_int_eq(gxca_application_set_collected(org, GXCA_COLLECT_OFFICIAL_SEAL, 3), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_set_collected(org, GXCA_COLLECT_LEGAL_REP_SEAL, 2), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_set_collected(org, GXCA_COLLECT_LEGAL_REP_SEAL, -1), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_collected(org, GXCA_COLLECT_OFFICIAL_SEAL), 2);
	ck_assert_int_eq(gxca_application_set_collected(org, GXCA_COLLECT_SIGNATURES, 3), GXCA_EAPP_FIELD);
	ck_assert_int_eq(gxca_application_set_collected(org, 0, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set_collected(org, 6, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_set_collected(per, GXCA_COLLECT_SIGNATURES, 3), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_collected(per, GXCA_COLLECT_BEST_SIGNATURE, 2), GXCA_OK);
	ck_assert_int_eq(gxca_application_set_collected(per, GXCA_COLLECT_BEST_SIGNATURE, 4), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_collected(per, GXCA_COLLECT_BEST_SIGNATURE), 2);
	ck_assert_int_eq(gxca_application_set_collected(per, GXCA_COLLECT_OFFICIAL_SEAL, 1), GXCA_EAPP_FIELD);
	ck_assert_int_eq(gxca_application_collected(per, GXCA_COLLECT_OFFICIAL_SEAL), 0);
	ck_assert_int_eq(gxca_application_collected(per, 77), 0);
	/* by proxy: PERSON only */
	ck_assert_int_eq(gxca_application_set_by_proxy(org, 1), GXCA_EAPP_FIELD);
	ck_assert_int_eq(gxca_application_by_proxy(org), 0);
	ck_assert_int_eq(gxca_application_set_by_proxy(per, 42), GXCA_OK);
	ck_assert_int_eq(gxca_application_by_proxy(per), 1);
	ck_assert_int_eq(gxca_application_set_consent(per, 1), GXCA_OK);
	ck_assert_int_eq(gxca_application_consent(per), 1);
	ck_assert_int_eq(gxca_application_set_consent(per, 0), GXCA_OK);
	ck_assert_int_eq(gxca_application_consent(per), 0);
	gxca_application_free(org);
	gxca_application_free(per);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_lines)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = NULL;
	ck_assert_int_eq(gxca_application_new(&app, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 3, 4, 0), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0,
						   GXCA_CHANGE_NAME | GXCA_CHANGE_LEGAL_REP), GXCA_OK);
	ck_assert_uint_eq(gxca_application_line_count(app), 2);
	int b = 0, y = -1;
	unsigned c = 0;
	uint32_t f = 99;
	ck_assert_int_eq(gxca_application_line_get(app, 0, &b, &c, &y, &f), GXCA_OK);
	ck_assert_int_eq(b, GXCA_BIZ_NEW);
	ck_assert_uint_eq(c, 3);
	ck_assert_int_eq(y, 4);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(gxca_application_line_get(app, 1, &b, NULL, NULL, &f), GXCA_OK);
	ck_assert_int_eq(b, GXCA_BIZ_CHANGE);
	ck_assert_uint_eq(f, GXCA_CHANGE_NAME | GXCA_CHANGE_LEGAL_REP);
	ck_assert_int_eq(gxca_application_line_get(app, 2, &b, &c, &y, &f), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_line_get(app, (size_t)-1, NULL, NULL, NULL, NULL), GXCA_EINVAL);
	/* structural bounds */
	ck_assert_int_eq(gxca_application_add_line(app, 0, 1, 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_add_line(app, 6, 1, 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0, 0x8), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1001, 1, 0), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1, -1, 0), GXCA_ERANGE);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1, 101, 0), GXCA_ERANGE);
	ck_assert_uint_eq(gxca_application_line_count(app), 2);
	ck_assert_int_eq(gxca_application_clear_lines(app), GXCA_OK);
	ck_assert_uint_eq(gxca_application_line_count(app), 0);
	for (int i = 0; i < GXCA_APP_MAX_LINES; i++)
		ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_UNLOCK, 1, 0, 0), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_UNLOCK, 1, 0, 0), GXCA_ERANGE);
	ck_assert_last_error(ctx, GXCA_ERANGE);
	ck_assert_uint_eq(gxca_application_line_count(app), GXCA_APP_MAX_LINES);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== validation ========================================================= */

START_TEST(test_validate_valid)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	gxca_report *r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	gxca_application_free(app);

	const char *const samples[] = {DATA("app-org.json"), DATA("app-org-paid.json"),
				       DATA("app-person.json")};
	for (size_t i = 0; i < N_OF(samples); i++) {
		app = load_file(ctx, samples[i]);
		r = validate(app, GXCA_OK);
		ck_assert_msg(gxca_report_count(r) == 0, "%s", samples[i]);
		gxca_report_free(r);
		gxca_application_free(app);
	}
	app = load_file(ctx, DATA("app-person.json"));
	r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_validate_all_at_once)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = load_file(ctx, DATA("app-invalid.json"));
	gxca_report *r = validate(app, GXCA_EINVALID);
	ck_assert_last_error(ctx, GXCA_EINVALID);
	/* the error names the first problem's field and the count */
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "platform");
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN),
				     "15 errors"));
	static const struct {
		const char *id, *field;
	} want[] = {
		{"platform.unknown", "platform"},
		{"required", "org_name"},
		{"required", "reg_county"},
		{"phone.format", "org_phone"},
		{"mobile.format", "agent_mobile"},
		{"email.format", "invoice_email"},
		{"required", "return_address"},
		{"date.format", "form_date"},
		{"line.count", "lines[0]"},
		{"line.years", "lines[0]"},
		{"line.changes_missing", "lines[1]"},
		{"line.years_not_applicable", "lines[2]"},
		{"consent.missing", "consent"},
	};
	for (size_t i = 0; i < N_OF(want); i++)
		ck_assert_msg(count_problems(r, want[i].id, want[i].field) == 1, "missing %s on %s",
			      want[i].id, want[i].field);
	/* identity checks (lib/identity.c) report under our field names */
	ck_assert_uint_eq(count_errors_on(r, "uscc"), 1);
	ck_assert_uint_eq(count_errors_on(r, "agent_id_number"), 1);
	ck_assert_uint_eq(count_problems(r, "uscc.check_char", "uscc"), 1);
	ck_assert_uint_eq(count_problems(r, "id.check_char", "agent_id_number"), 1);
	ck_assert_uint_eq(gxca_report_error_count(r), N_OF(want) + 2);
	ck_assert_uint_eq(gxca_report_warning_count(r), 0);
	/* every problem has both messages */
	for (size_t i = 0; i < gxca_report_count(r); i++) {
		ck_assert_str_ne(gxca_report_message(r, i, GXCA_LANG_ZH), "");
		ck_assert_str_ne(gxca_report_message(r, i, GXCA_LANG_EN), "");
		ck_assert_str_ne(gxca_report_id(r, i), "");
	}
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_validate_empty_forms)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = NULL;
	ck_assert_int_eq(gxca_application_new(&app, ctx, GXCA_APPLICANT_ORG), GXCA_OK);
	gxca_report *r = validate(app, GXCA_EINVALID);
	/* 12 required fields (platform has its default), no lines, no consent */
	ck_assert_uint_eq(count_problems(r, "required", NULL), 12);
	ck_assert_uint_eq(count_problems(r, "lines.empty", "lines"), 1);
	ck_assert_uint_eq(count_problems(r, "consent.missing", NULL), 1);
	ck_assert_uint_eq(gxca_report_error_count(r), 14);
	ck_assert_uint_eq(gxca_report_warning_count(r), 3); /* seal collection */
	gxca_report_free(r);
	gxca_application_free(app);

	ck_assert_int_eq(gxca_application_new(&app, ctx, GXCA_APPLICANT_PERSON), GXCA_OK);
	set(app, GXCA_APP_PLATFORM, "");
	r = validate(app, GXCA_EINVALID);
	/* platform, name, id type, id number, phone, agent x3, email, address */
	ck_assert_uint_eq(count_problems(r, "required", NULL), 10);
	ck_assert_uint_eq(count_problems(r, "required", "affiliation"), 0);
	ck_assert_uint_eq(count_problems(r, "required", "form_date"), 0);
	ck_assert_uint_eq(count_problems(r, "required", "id_type_other"), 0);
	ck_assert_uint_eq(count_problems(r, "collect.signatures", "collection.signatures"), 1);
	ck_assert_uint_eq(count_problems(r, "collect.best_signature", "collection.best_signature"), 1);
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_validate_formats)
{
	const int E = GXCA_SEVERITY_ERROR;
	static const char *const good_mobiles[] = {"13912345678", "19900000000", "15051311234"};
	static const char *const bad_mobiles[] = {"12912345678", "1391234567", "139123456789", "2391234567a",
						  "+8613912345678", "139 1234 5678", "1391234567８"};
	for (size_t i = 0; i < N_OF(bad_mobiles); i++)
		expect_field_problem(GXCA_APP_AGENT_MOBILE, bad_mobiles[i], "mobile.format", E);
	static const char *const bad_phones[] = {"81553618", "0513-815536", "05-81553618", "0513--81553618",
						 "0513-81553618-", "0513-81553618-1234567", "051381553",
						 "(0513)81553618", "400-123-456", "400--1234567", "4001-23-4567", "0513-8155361a"};
	for (size_t i = 0; i < N_OF(bad_phones); i++)
		expect_field_problem(GXCA_APP_ORG_PHONE, bad_phones[i], "phone.format", E);
	static const char *const bad_emails[] = {"finance", "@example.com", "a@", "a@b", "a@b.c", "a..b@example.com",
						 ".a@example.com", "a.@example.com", "a@-ex.com", "a@ex-.com",
						 "a@example..com", "a@example.com.", "a b@example.com", "a@b@example.com",
						 "张@example.com", "a@example.c0m", "a@.example.com"};
	for (size_t i = 0; i < N_OF(bad_emails); i++)
		expect_field_problem(GXCA_APP_INVOICE_EMAIL, bad_emails[i], "email.format", E);
	static const char *const bad_dates[] = {"2026-02-29", "2026-13-01", "26-01-01", "2026/01/01", "2026-1-1"};
	for (size_t i = 0; i < N_OF(bad_dates); i++)
		expect_field_problem(GXCA_APP_FORM_DATE, bad_dates[i], "date.format", E);
	expect_field_problem(GXCA_APP_PLATFORM, "057", "platform.unknown", E);
	expect_field_problem(GXCA_APP_ORG_NAME, "南通\t通达", "text.control", E);
	expect_field_problem(GXCA_APP_LEGAL_REP_NAME, "", "required", E);

	/* good values give no problem */
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	static const char *const good_phones[] = {"0513-81553618", "051381553618", "010-12345678", "0513-8155361",
						  "0513-81553618-801", "13912345678", "400-123-4567", "4001234567",
						  "800-820-8820"};
	static const char *const good_emails[] = {"a@b.cn", "finance.dept@tongda-jianshe.com.cn",
						  "251162432@qq.com", "first+tag@example.org", "o'neil@ex.co"};
	for (size_t i = 0; i < N_OF(good_phones); i++) {
		set(app, GXCA_APP_ORG_PHONE, good_phones[i]);
		gxca_report *r = validate(app, GXCA_OK);
		ck_assert_msg(gxca_report_count(r) == 0, "phone %s", good_phones[i]);
		gxca_report_free(r);
	}
	for (size_t i = 0; i < N_OF(good_emails); i++) {
		set(app, GXCA_APP_INVOICE_EMAIL, good_emails[i]);
		gxca_report *r = validate(app, GXCA_OK);
		ck_assert_msg(gxca_report_count(r) == 0, "email %s", good_emails[i]);
		gxca_report_free(r);
	}
	for (size_t i = 0; i < N_OF(good_mobiles); i++) {
		set(app, GXCA_APP_AGENT_MOBILE, good_mobiles[i]);
		gxca_report *r = validate(app, GXCA_OK);
		ck_assert_msg(gxca_report_count(r) == 0, "mobile %s", good_mobiles[i]);
		gxca_report_free(r);
	}
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_validate_lines)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_clear_lines(app), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1, 10, 0), GXCA_OK);     /* ok: max */
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_RENEW, 1, 0, 0), GXCA_OK);    /* years */
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_REISSUE, 1, 0, 1), GXCA_OK);  /* changes */
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1, 1, 0), GXCA_OK);      /* duplicate */
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0, GXCA_CHANGE_SEAL_TEMPLATE), GXCA_OK);
	gxca_report *r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(gxca_report_count(r), 3);
	ck_assert_uint_eq(count_problems(r, "line.years", "lines[1]"), 1);
	ck_assert_uint_eq(count_problems(r, "line.changes_not_applicable", "lines[2]"), 1);
	ck_assert_uint_eq(count_problems(r, "line.duplicate", "lines[3]"), 1);
	for (size_t i = 0; i < gxca_report_count(r); i++)
		if (strcmp(gxca_report_id(r, i), "line.years") == 0)
			ck_assert_int_eq(gxca_report_code(r, i), GXCA_ETARIFF_YEARS);
	gxca_report_free(r);
	gxca_application_free(app);

	/* PERSON CHANGE: the seal only (a warning), and no other change kind */
	app = load_file(ctx, DATA("app-person.json"));
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0, 0), GXCA_OK);
	r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 1);
	ck_assert_str_eq(gxca_report_id(r, 0), "line.seal_only");
	ck_assert_str_eq(gxca_report_field(r, 0), "lines[2]");
	ck_assert_int_eq(gxca_report_severity(r, 0), GXCA_SEVERITY_WARNING);
	gxca_report_free(r);
	ck_assert_int_eq(gxca_application_clear_lines(app), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0, GXCA_CHANGE_LEGAL_REP), GXCA_OK);
	r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(count_problems(r, "line.change_kind", "lines[0]"), 1);
	gxca_report_free(r);
	gxca_application_free(app);

	/* the policy's max_years decides */
	gxca_ctx *ctx2 = test_ctx();
	const char *def = gxca_policy_default_json();
	const char *k = strstr(def, "\"max_years\": 10");
	ck_assert_ptr_nonnull(k);
	size_t pre = (size_t)(k - def);
	char *pol = malloc(strlen(def) + 1);
	ck_assert_ptr_nonnull(pol);
	memcpy(pol, def, pre);
	strcpy(pol + pre, "\"max_years\": 5");
	strcat(pol, k + strlen("\"max_years\": 10"));
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx2, pol, strlen(pol)), GXCA_OK);
	free(pol);
	app = valid_org(ctx2);
	ck_assert_int_eq(gxca_application_clear_lines(app), GXCA_OK);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_RENEW, 1, 6, 0), GXCA_OK);
	r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(count_problems(r, "line.years", "lines[0]"), 1);
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN), "1 to 5"));
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx2);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_validate_person)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = load_file(ctx, DATA("app-person.json"));
	/* another document type: format check instead of the ID card rules */
	ck_assert_int_eq(gxca_application_set_id_type(app, GXCA_ID_OTHER), GXCA_OK);
	set(app, GXCA_APP_ID_NUMBER, "E12345678");
	gxca_report *r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(gxca_report_count(r), 1);
	ck_assert_uint_eq(count_problems(r, "required", "id_type_other"), 1);
	gxca_report_free(r);
	set(app, GXCA_APP_ID_TYPE_OTHER, "护照");
	r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	set(app, GXCA_APP_ID_NUMBER, "E123");
	r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(count_problems(r, "id_number.format", "id_number"), 1);
	gxca_report_free(r);
	set(app, GXCA_APP_ID_NUMBER, "A123456(7)");
	r = validate(app, GXCA_OK);
	gxca_report_free(r);
	/* back to a resident card: its check digit is checked */
	ck_assert_int_eq(gxca_application_set_id_type(app, GXCA_ID_RESIDENT), GXCA_OK);
	set(app, GXCA_APP_ID_NUMBER, "320602198807150024");
	r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(count_errors_on(r, "id_number"), 1);
	ck_assert_uint_eq(count_problems(r, "id_type_other.ignored", "id_type_other"), 1);
	gxca_report_free(r);
	set(app, GXCA_APP_ID_NUMBER, "320602198807150023");
	set(app, GXCA_APP_ID_TYPE_OTHER, "");
	/* not by proxy, yet the agent is someone else: a warning */
	ck_assert_int_eq(gxca_application_set_by_proxy(app, 0), GXCA_OK);
	r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 1);
	ck_assert_str_eq(gxca_report_id(r, 0), "agent.not_applicant");
	gxca_report_free(r);
	set(app, GXCA_APP_AGENT_ID_NUMBER, "320602198807150023");
	r = validate(app, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	ck_assert_int_eq(gxca_application_set_by_proxy(app, 1), GXCA_OK);
	r = validate(app, GXCA_OK);
	ck_assert_str_eq(gxca_report_id(r, 0), "agent.is_applicant");
	gxca_report_free(r);
	/* best signature beyond those collected */
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_SIGNATURES, 1), GXCA_OK);
	r = validate(app, GXCA_EINVALID);
	ck_assert_uint_eq(count_problems(r, "collect.best_signature_range", "collection.best_signature"), 1);
	ck_assert_uint_eq(count_problems(r, "collect.signatures", "collection.signatures"), 1);
	gxca_report_free(r);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== JSON =============================================================== */

/* A canonical sample loads and writes back byte for byte. */
static void round_trip_file(const char *path)
{
	gxca_ctx *ctx = test_ctx();
	size_t len;
	char *text = test_read_file(path, &len);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	gxca_application *app = load_file(ctx, path);
	char *out = to_json(app);
	ck_assert_str_eq(out, text);
	/* and once more through the loader */
	gxca_application *again = NULL;
	ck_assert_int_eq(gxca_application_from_json(&again, ctx, out, strlen(out)), GXCA_OK);
	char *out2 = to_json(again);
	ck_assert_str_eq(out2, out);
	ck_assert_str_eq(gxca_application_id(again), gxca_application_id(app));
	ck_assert_int_eq(gxca_application_state(again), gxca_application_state(app));
	ck_assert_uint_eq(gxca_application_history_count(again), gxca_application_history_count(app));
	gxca_free(out);
	gxca_free(out2);
	free(text);
	gxca_application_free(app);
	gxca_application_free(again);
	gxca_ctx_free(ctx);
}

START_TEST(test_json_round_trip_files)
{
	round_trip_file(DATA("app-org.json"));
	round_trip_file(DATA("app-org-paid.json"));
	round_trip_file(DATA("app-person.json"));
	round_trip_file(DATA("app-invalid.json"));
}
END_TEST

START_TEST(test_json_round_trip_built)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_CHANGE, 1, 0,
						   GXCA_CHANGE_SEAL_TEMPLATE | GXCA_CHANGE_NAME), GXCA_OK);
	set(app, GXCA_APP_RETURN_ADDRESS, "带 \"引号\" 与 \\ 反斜杠 / 和 emoji 😀");
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "李明", T0), GXCA_OK);
	ck_assert_int_eq(gxca_application_reject(app, "staff", T0 + HOUR, "缺少\n公章"), GXCA_OK);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "李明", T0 + 2 * HOUR), GXCA_OK);
	char *a = to_json(app);
	gxca_application *b = NULL;
	ck_assert_int_eq(gxca_application_from_json(&b, ctx, a, strlen(a)), GXCA_OK);
	char *bj = to_json(b);
	ck_assert_str_eq(a, bj);
	ck_assert_str_eq(gxca_application_get(b, GXCA_APP_RETURN_ADDRESS),
			 gxca_application_get(app, GXCA_APP_RETURN_ADDRESS));
	ck_assert_int_eq(gxca_application_channel(b), GXCA_CHANNEL_MAIL);
	ck_assert_int_eq(gxca_application_state(b), GXCA_APP_SUBMITTED);
	/* the restored application carries on with its workflow */
	ck_assert_int_eq(gxca_application_approve(b, "staff", T0 + 3 * HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_approve(b, "staff", T0 + 3 * HOUR), GXCA_EAPP_TRANSITION);
	gxca_free(a);
	gxca_free(bj);
	gxca_application_free(app);
	gxca_application_free(b);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_json_restores_workflow)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = load_file(ctx, DATA("app-org-paid.json"));
	ck_assert_str_eq(gxca_application_id(app), "GX3F9A0C6E12B47D58");
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_PAID);
	ck_assert_uint_eq(gxca_application_history_count(app), 6);
	ck_assert_int_eq(gxca_application_channel(app), GXCA_CHANNEL_MAIL);
	ck_assert_int_eq(gxca_application_paid_at(app), at(ctx, "2026-09-30", 16, 20));
	int state = 0;
	int64_t when = 0;
	const char *actor = NULL, *note = NULL;
	ck_assert_int_eq(gxca_application_history_get(app, 1, &state, &when, &actor, &note), GXCA_OK);
	ck_assert_int_eq(state, GXCA_APP_REJECTED);
	ck_assert_str_eq(actor, "staff-017");
	ck_assert_str_eq(note, "营业执照复印件未加盖公章");
	ck_assert_int_eq(gxca_application_history_get(app, 0, &state, NULL, NULL, &note), GXCA_OK);
	ck_assert_str_eq(note, "MAIL");
	ck_assert_int_eq(gxca_application_history_get(app, 3, NULL, NULL, NULL, &note), GXCA_OK);
	ck_assert_str_eq(note, "");
	ck_assert_int_eq(gxca_application_history_get(app, 6, &state, &when, &actor, &note), GXCA_EINVAL);
	/* fields of a submitted application are frozen */
	ck_assert_int_eq(gxca_application_set(app, GXCA_APP_ORG_NAME, "x"), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_add_line(app, GXCA_BIZ_NEW, 1, 1, 0), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_clear_lines(app), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_set_consent(app, 0), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_OFFICIAL_SEAL, 1), GXCA_ESTATE);
	ck_assert_str_eq(gxca_application_get(app, GXCA_APP_ORG_NAME), "南通通达建设工程有限公司");
	/* deadlines: mail 3 working days after 2026-09-23 across the 中秋 holiday;
	 * invoice 5 working days after 2026-09-30 across 国庆 (10-10 is worked) */
	char d[GXCA_DATE_SIZE];
	ck_assert_int_eq(gxca_application_mail_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-09-29");
	ck_assert_int_eq(gxca_application_invoice_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-10-13");
	/* the rest of the path, with a tracking number */
	ck_assert_int_eq(gxca_application_mark_issued(app, "staff-017", at(ctx, "2026-10-08", 9, 0)), GXCA_OK);
	ck_assert_int_eq(gxca_application_deliver(app, "staff-017", at(ctx, "2026-10-08", 17, 0), NULL),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_deliver(app, "staff-017", at(ctx, "2026-10-08", 17, 0), "SF 1"),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_deliver(app, "staff-017", at(ctx, "2026-10-08", 17, 0),
						  "SF1234567890123"), GXCA_OK);
	ck_assert_str_eq(gxca_application_tracking_no(app), "SF1234567890123");
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_DELIVERED);
	char *j = to_json(app);
	ck_assert_ptr_nonnull(strstr(j, "\"tracking_no\": \"SF1234567890123\""));
	gxca_application *b = NULL;
	ck_assert_int_eq(gxca_application_from_json(&b, ctx, j, strlen(j)), GXCA_OK);
	ck_assert_str_eq(gxca_application_tracking_no(b), "SF1234567890123");
	gxca_application_free(b);
	gxca_free(j);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

struct bad_json {
	const char *text; /* '~' stands for a double quote */
	int code;
	const char *field;
};

/* Minimal valid prefix of an ORG document. */
#define HEAD "{~schema~:~gxca-application/1~,~kind~:~ORG~"
#define PHEAD "{~schema~:~gxca-application/1~,~kind~:~PERSON~"
#define SUB "{~state~:~SUBMITTED~,~time~:100,~actor~:~a~,~channel~:~MAIL~}"
#define SUB_ON "{~state~:~SUBMITTED~,~time~:100,~actor~:~a~,~channel~:~ONSITE~}"
#define TO_ISSUED SUB ",{~state~:~APPROVED~,~time~:101,~actor~:~a~}," \
	"{~state~:~PAYMENT_REQUESTED~,~time~:102,~actor~:~a~}," \
	"{~state~:~PAID~,~time~:103,~actor~:~a~},{~state~:~ISSUED~,~time~:104,~actor~:~a~}"

static const struct bad_json bad_docs[] = {
	/* syntax */
	{"", GXCA_EJSON, "$"},
	{"{", GXCA_EJSON, "$"},
	{HEAD ",}", GXCA_EJSON, "$"},
	{HEAD "} x", GXCA_EJSON, "$"},
	{HEAD ",~org_name~:~a~,~org_name~:1}", GXCA_EJSON, "$.org_name"},
	{"[]", GXCA_EJSON, "$"},
	{"null", GXCA_EJSON, "$"},
	/* head */
	{"{~kind~:~ORG~}", GXCA_EJSON, "$.schema"},
	{"{~schema~:~gxca-application/2~,~kind~:~ORG~}", GXCA_EJSON, "$.schema"},
	{"{~schema~:~gxca-application/1~}", GXCA_EJSON, "$.kind"},
	{"{~schema~:~gxca-application/1~,~kind~:~COMPANY~}", GXCA_EJSON, "$.kind"},
	{"{~schema~:~gxca-application/1~,~kind~:1}", GXCA_EJSON, "$.kind"},
	{HEAD ",~id~:~GX123~}", GXCA_EJSON, "$.id"},
	{HEAD ",~id~:~GX3f9a0c6e12b47d58~}", GXCA_EJSON, "$.id"},
	/* unknown members, members of the other form */
	{HEAD ",~org_nam~:~x~}", GXCA_EJSON, "$.org_nam"},
	{HEAD ",~person_name~:~x~}", GXCA_EJSON, "$.person_name"},
	{HEAD ",~by_proxy~:false}", GXCA_EJSON, "$.by_proxy"},
	{PHEAD ",~uscc~:~x~}", GXCA_EJSON, "$.uscc"},
	/* wrong types and values */
	{HEAD ",~org_name~:1}", GXCA_EJSON, "$.org_name"},
	{HEAD ",~org_name~:[~a~]}", GXCA_EJSON, "$.org_name"},
	{HEAD ",~consent~:~yes~}", GXCA_EJSON, "$.consent"},
	{HEAD ",~consent~:1}", GXCA_EJSON, "$.consent"},
	{PHEAD ",~id_type~:~PASSPORT~}", GXCA_EJSON, "$.id_type"},
	{HEAD ",~org_name~:~a\\u0000b~}", GXCA_EJSON, "$.org_name"},
	{HEAD ",~collection~:[]}", GXCA_EJSON, "$.collection"},
	{HEAD ",~collection~:{~official_seal~:3}}", GXCA_EJSON, "$.collection.official_seal"},
	{HEAD ",~collection~:{~signatures~:3}}", GXCA_EJSON, "$.collection.signatures"},
	{HEAD ",~collection~:{~official_seal~:1.5}}", GXCA_EJSON, "$.collection.official_seal"},
	/* lines */
	{HEAD ",~lines~:{}}", GXCA_EJSON, "$.lines"},
	{HEAD ",~lines~:[1]}", GXCA_EJSON, "$.lines[0]"},
	{HEAD ",~lines~:[{~count~:1}]}", GXCA_EJSON, "$.lines[0].business"},
	{HEAD ",~lines~:[{~business~:~NEW~}]}", GXCA_EJSON, "$.lines[0].count"},
	{HEAD ",~lines~:[{~business~:~NEW~,~count~:1,~years~:1},{~business~:~NEW~,~count~:1,~years~:~4~}]}",
	 GXCA_EJSON, "$.lines[1].years"},
	{HEAD ",~lines~:[{~business~:~NEW~,~count~:1,~years~:101}]}", GXCA_EJSON, "$.lines[0].years"},
	{HEAD ",~lines~:[{~business~:~NEW~,~count~:-1}]}", GXCA_EJSON, "$.lines[0].count"},
	{HEAD ",~lines~:[{~business~:~NEW~,~count~:1,~year~:1}]}", GXCA_EJSON, "$.lines[0].year"},
	{HEAD ",~lines~:[{~business~:~BUY~,~count~:1}]}", GXCA_EJSON, "$.lines[0].business"},
	{HEAD ",~lines~:[{~business~:~CHANGE~,~count~:1,~changes~:[~NAME~,~COLOR~]}]}", GXCA_EJSON,
	 "$.lines[0].changes[1]"},
	{HEAD ",~lines~:[{~business~:~CHANGE~,~count~:1,~changes~:[~NAME~,~NAME~]}]}", GXCA_EJSON,
	 "$.lines[0].changes[1]"},
	{HEAD ",~lines~:[{~business~:~CHANGE~,~count~:1,~changes~:~NAME~}]}", GXCA_EJSON, "$.lines[0].changes"},
	/* workflow */
	{HEAD ",~state~:~LOST~}", GXCA_EJSON, "$.state"},
	{HEAD ",~state~:~PAID~}", GXCA_EJSON, "$.state"},
	{HEAD ",~state~:~DRAFT~,~history~:[" SUB "]}", GXCA_EJSON, "$.state"},
	{HEAD ",~history~:{}}", GXCA_EJSON, "$.history"},
	{HEAD ",~history~:[{~state~:~APPROVED~,~time~:100,~actor~:~a~}]}", GXCA_EJSON, "$.history[0].state"},
	{HEAD ",~history~:[{~state~:~DRAFT~,~time~:100,~actor~:~a~}]}", GXCA_EJSON, "$.history[0].state"},
	{HEAD ",~history~:[" SUB "," SUB "]}", GXCA_EJSON, "$.history[1].state"},
	{HEAD ",~history~:[{~state~:~SUBMITTED~,~time~:100,~actor~:~a~}]}", GXCA_EJSON, "$.history[0].channel"},
	{HEAD ",~history~:[{~state~:~SUBMITTED~,~time~:100,~actor~:~~,~channel~:~MAIL~}]}", GXCA_EJSON,
	 "$.history[0].actor"},
	{HEAD ",~history~:[{~state~:~SUBMITTED~,~time~:0,~actor~:~a~,~channel~:~MAIL~}]}", GXCA_EJSON,
	 "$.history[0].time"},
	{HEAD ",~history~:[{~state~:~SUBMITTED~,~time~:~100~,~actor~:~a~,~channel~:~MAIL~}]}", GXCA_EJSON,
	 "$.history[0].time"},
	{HEAD ",~history~:[" SUB ",{~state~:~APPROVED~,~time~:99,~actor~:~a~}]}", GXCA_EJSON,
	 "$.history[1].time"},
	{HEAD ",~history~:[" SUB ",{~state~:~APPROVED~,~time~:101,~actor~:~a~,~channel~:~MAIL~}]}",
	 GXCA_EJSON, "$.history[1].channel"},
	{HEAD ",~history~:[" SUB ",{~state~:~REJECTED~,~time~:101,~actor~:~a~}]}", GXCA_EJSON,
	 "$.history[1].reason"},
	{HEAD ",~history~:[" SUB ",{~state~:~APPROVED~,~time~:101,~actor~:~a~,~reason~:~x~}]}", GXCA_EJSON,
	 "$.history[1].reason"},
	{HEAD ",~history~:[" SUB ",{~state~:~APPROVED~,~time~:101,~actor~:~a~,~note~:~x~}]}", GXCA_EJSON,
	 "$.history[1].note"},
	{HEAD ",~history~:[" TO_ISSUED ",{~state~:~DELIVERED~,~time~:105,~actor~:~a~}]}", GXCA_EJSON,
	 "$.history[5].tracking_no"},
	{HEAD ",~history~:[" TO_ISSUED ",{~state~:~DELIVERED~,~time~:105,~actor~:~a~,~tracking_no~:~a b~}]}",
	 GXCA_EJSON, "$.history[5].tracking_no"},
	{HEAD ",~history~:[" SUB_ON ",{~state~:~APPROVED~,~time~:101,~actor~:~a~}]},", GXCA_EJSON, "$"},
	{HEAD ",~history~:[1]}", GXCA_EJSON, "$.history[0]"},
	/* bad UTF-8 in the text itself */
	{HEAD ",~org_name~:~\xe5\x8d~}", GXCA_EENCODING, "$"},
	{HEAD ",~org_name~:~\xff~}", GXCA_EENCODING, "$"},
};

START_TEST(test_json_bad)
{
	gxca_ctx *ctx = test_ctx();
	for (size_t i = 0; i < N_OF(bad_docs); i++) {
		char *text = strdup(bad_docs[i].text);
		ck_assert_ptr_nonnull(text);
		for (char *p = text; *p; p++)
			if (*p == '~')
				*p = '"';
		gxca_application *app = (gxca_application *)text; /* must be overwritten with NULL */
		int rc = gxca_application_from_json(&app, ctx, text, strlen(text));
		const gxca_error *e = gxca_ctx_last_error(ctx);
		ck_assert_msg(rc == bad_docs[i].code && strcmp(gxca_error_field(e), bad_docs[i].field) == 0,
			      "doc %zu %s: got %s at %s (%s), want %s at %s", i, text, gxca_error_name_of(rc),
			      gxca_error_field(e), gxca_error_message_lang(e, GXCA_LANG_EN),
			      gxca_error_name_of(bad_docs[i].code), bad_docs[i].field);
		ck_assert_ptr_null(app);
		/* the path is in the message of both languages */
		if (rc == GXCA_EJSON && strcmp(bad_docs[i].field, "$") != 0) {
			ck_assert_msg(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), bad_docs[i].field) &&
				      strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), bad_docs[i].field),
				      "doc %zu: %s", i, gxca_error_message_lang(e, GXCA_LANG_EN));
		}
		free(text);
	}
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_json_good_variants)
{
	gxca_ctx *ctx = test_ctx();
	/* a minimal document: defaults fill the rest; a fresh id is made */
	const char *min = "{\"schema\":\"gxca-application/1\",\"kind\":\"PERSON\",\"$comment\":\"x\"}";
	gxca_application *app = NULL;
	ck_assert_int_eq(gxca_application_from_json(&app, ctx, min, strlen(min)), GXCA_OK);
	ck_assert_int_eq(gxca_application_applicant(app), GXCA_APPLICANT_PERSON);
	ck_assert_str_eq(gxca_application_get(app, GXCA_APP_PLATFORM), "056");
	ck_assert_uint_eq(strlen(gxca_application_id(app)), 18);
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_DRAFT);
	gxca_application_free(app);
	/* null counts as absent; len bounds the text */
	const char *nul = "{\"schema\":\"gxca-application/1\",\"kind\":\"ORG\",\"org_name\":null}garbage";
	ck_assert_int_eq(gxca_application_from_json(&app, ctx, nul, strlen(nul) - 7), GXCA_OK);
	ck_assert_str_eq(gxca_application_get(app, GXCA_APP_ORG_NAME), "");
	gxca_application_free(app);
	/* json-c turns a lone surrogate escape into U+FFFD */
	const char *sur = "{\"schema\":\"gxca-application/1\",\"kind\":\"ORG\",\"org_name\":\"\\ud800\"}";
	ck_assert_int_eq(gxca_application_from_json(&app, ctx, sur, strlen(sur)), GXCA_OK);
	ck_assert_str_eq(gxca_application_get(app, GXCA_APP_ORG_NAME), "\xef\xbf\xbd");
	gxca_application_free(app);
	/* too large */
	ck_assert_int_eq(gxca_application_from_json(&app, ctx, min, (size_t)2 << 20), GXCA_ETOOBIG);
	ck_assert_ptr_null(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== workflow =========================================================== */

enum { ACT_SUBMIT, ACT_APPROVE, ACT_REJECT, ACT_REQUEST_PAYMENT, ACT_MARK_PAID, ACT_MARK_ISSUED,
       ACT_DELIVER, N_ACT };
static const int act_target[N_ACT] = {GXCA_APP_SUBMITTED, GXCA_APP_APPROVED, GXCA_APP_REJECTED,
				      GXCA_APP_PAYMENT_REQUESTED, GXCA_APP_PAID, GXCA_APP_ISSUED,
				      GXCA_APP_DELIVERED};

static int act(gxca_application *app, int a, int64_t when)
{
	switch (a) {
	case ACT_SUBMIT: return gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "applicant", when);
	case ACT_APPROVE: return gxca_application_approve(app, "staff", when);
	case ACT_REJECT: return gxca_application_reject(app, "staff", when, "资料不全");
	case ACT_REQUEST_PAYMENT: return gxca_application_request_payment(app, "staff", when);
	case ACT_MARK_PAID: return gxca_application_mark_paid(app, "staff", when);
	case ACT_MARK_ISSUED: return gxca_application_mark_issued(app, "staff", when);
	default: return gxca_application_deliver(app, "staff", when, NULL);
	}
}

/* A valid application driven into state s (ONSITE); its last step is at T0 + 10 h. */
static gxca_application *in_state(gxca_ctx *ctx, int s)
{
	static const int path[][6] = {
		[GXCA_APP_DRAFT] = {-1},
		[GXCA_APP_SUBMITTED] = {ACT_SUBMIT, -1},
		[GXCA_APP_REJECTED] = {ACT_SUBMIT, ACT_REJECT, -1},
		[GXCA_APP_APPROVED] = {ACT_SUBMIT, ACT_APPROVE, -1},
		[GXCA_APP_PAYMENT_REQUESTED] = {ACT_SUBMIT, ACT_APPROVE, ACT_REQUEST_PAYMENT, -1},
		[GXCA_APP_PAID] = {ACT_SUBMIT, ACT_APPROVE, ACT_REQUEST_PAYMENT, ACT_MARK_PAID, -1},
		[GXCA_APP_ISSUED] = {ACT_SUBMIT, ACT_APPROVE, ACT_REQUEST_PAYMENT, ACT_MARK_PAID,
				     ACT_MARK_ISSUED, -1},
		[GXCA_APP_DELIVERED] = {ACT_SUBMIT, ACT_APPROVE, ACT_REQUEST_PAYMENT, ACT_MARK_PAID,
					ACT_MARK_ISSUED, ACT_DELIVER},
	};
	gxca_application *app = valid_org(ctx);
	for (int i = 0; i < 6 && path[s][i] >= 0; i++)
		ck_assert_int_eq(act(app, path[s][i], T0 + i * HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_state(app), s);
	return app;
}

START_TEST(test_every_transition)
{
	gxca_ctx *ctx = test_ctx();
	int legal_count = 0;
	for (int s = GXCA_APP_DRAFT; s <= GXCA_APP_DELIVERED; s++) {
		for (int a = 0; a < N_ACT; a++) {
			gxca_application *app = in_state(ctx, s);
			size_t n = gxca_application_history_count(app);
			char *before = to_json(app);
			int to = act_target[a];
			bool legal = (to == GXCA_APP_SUBMITTED && (s == GXCA_APP_DRAFT || s == GXCA_APP_REJECTED)) ||
				     (s == GXCA_APP_SUBMITTED && (to == GXCA_APP_APPROVED || to == GXCA_APP_REJECTED)) ||
				     (s == GXCA_APP_APPROVED && to == GXCA_APP_PAYMENT_REQUESTED) ||
				     (s == GXCA_APP_PAYMENT_REQUESTED && to == GXCA_APP_PAID) ||
				     (s == GXCA_APP_PAID && to == GXCA_APP_ISSUED) ||
				     (s == GXCA_APP_ISSUED && to == GXCA_APP_DELIVERED);
			int rc = act(app, a, T0 + 20 * HOUR);
			if (legal) {
				legal_count++;
				ck_assert_msg(rc == GXCA_OK, "%s -> %s: %s", gxca_app_state_name(s),
					      gxca_app_state_name(to), gxca_error_name_of(rc));
				ck_assert_int_eq(gxca_application_state(app), to);
				ck_assert_uint_eq(gxca_application_history_count(app), n + 1);
				int hs = 0;
				int64_t when = 0;
				const char *actor = NULL;
				ck_assert_int_eq(gxca_application_history_get(app, n, &hs, &when, &actor, NULL), GXCA_OK);
				ck_assert_int_eq(hs, to);
				ck_assert_int_eq(when, T0 + 20 * HOUR);
				ck_assert_str_eq(actor, a == ACT_SUBMIT ? "applicant" : "staff");
			} else {
				ck_assert_msg(rc == GXCA_EAPP_TRANSITION, "%s -> %s: %s", gxca_app_state_name(s),
					      gxca_app_state_name(to), gxca_error_name_of(rc));
				ck_assert_last_error(ctx, GXCA_EAPP_TRANSITION);
				const char *m = gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN);
				ck_assert_ptr_nonnull(strstr(m, gxca_app_state_name(s)));
				ck_assert_ptr_nonnull(strstr(m, gxca_app_state_name(to)));
				ck_assert_int_eq(gxca_application_state(app), s);
				ck_assert_uint_eq(gxca_application_history_count(app), n);
				char *after = to_json(app);
				ck_assert_str_eq(after, before);
				gxca_free(after);
			}
			gxca_free(before);
			gxca_application_free(app);
		}
	}
	ck_assert_int_eq(legal_count, 8);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_transition_arguments)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	/* bad actors, times, channels change nothing */
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, NULL, T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "\xff", T0), GXCA_EENCODING);
	ck_assert_int_eq(gxca_application_submit(app, 0, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, 3, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", -5), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", INT64_MAX), GXCA_EINVAL);
	ck_assert_uint_eq(gxca_application_history_count(app), 0);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", T0), GXCA_OK);
	/* times must not go backwards; the same second is fine */
	ck_assert_int_eq(gxca_application_reject(app, "s", T0 - 1, "x"), GXCA_EAPP_TIME);
	ck_assert_last_error(ctx, GXCA_EAPP_TIME);
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_SUBMITTED);
	ck_assert_int_eq(gxca_application_reject(app, "s", T0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_reject(app, "s", T0, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_reject(app, "s", T0, "\xc3"), GXCA_EENCODING);
	ck_assert_uint_eq(gxca_application_history_count(app), 1);
	ck_assert_int_eq(gxca_application_reject(app, "s", T0, "请补盖公章"), GXCA_OK);
	/* rejected: editable again, then resubmitted */
	set(app, GXCA_APP_ORG_NAME, "南通通达建设工程股份有限公司");
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "a", T0 + HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_channel(app), GXCA_CHANNEL_ONSITE);
	ck_assert_int_eq(gxca_application_approve(app, "s", T0 + 2 * HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_request_payment(app, "s", T0 + 2 * HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_mark_paid(app, "s", T0 + 3 * HOUR), GXCA_OK);
	ck_assert_int_eq(gxca_application_paid_at(app), T0 + 3 * HOUR);
	ck_assert_int_eq(gxca_application_mark_issued(app, "s", T0 + 4 * HOUR), GXCA_OK);
	/* on site: handed over, no tracking number */
	ck_assert_int_eq(gxca_application_deliver(app, "s", T0 + 5 * HOUR, "SF1"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_deliver(app, "s", T0 + 5 * HOUR, NULL), GXCA_OK);
	ck_assert_str_eq(gxca_application_tracking_no(app), "");
	ck_assert_uint_eq(gxca_application_history_count(app), 8);
	const char *note = NULL;
	ck_assert_int_eq(gxca_application_history_get(app, 2, NULL, NULL, NULL, &note), GXCA_OK);
	ck_assert_str_eq(note, "ONSITE");
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_submit_requires_valid_form)
{
	gxca_ctx *ctx = test_ctx();
	gxca_application *app = valid_org(ctx);
	set(app, GXCA_APP_AGENT_MOBILE, "123");
	set(app, GXCA_APP_INVOICE_EMAIL, "x");
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", T0), GXCA_EINVALID);
	ck_assert_last_error(ctx, GXCA_EINVALID);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "agent_mobile");
	const gxca_report *r = gxca_application_last_report(app);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(gxca_report_error_count(r), 2);
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_DRAFT);
	ck_assert_uint_eq(gxca_application_history_count(app), 0);
	/* fixed: submits, and the report is gone */
	set(app, GXCA_APP_AGENT_MOBILE, "13912345678");
	set(app, GXCA_APP_INVOICE_EMAIL, "x@example.com");
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", T0), GXCA_OK);
	ck_assert_ptr_null(gxca_application_last_report(app));
	gxca_application_free(app);

	/* warnings do not stop a submission */
	app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_set_collected(app, GXCA_COLLECT_OFFICIAL_SEAL, 1), GXCA_OK);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "a", T0), GXCA_OK);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_channel_policy)
{
	gxca_ctx *ctx = test_ctx();
	const char *def = gxca_policy_default_json();
	const char *from = "\"by mail\", \"businesses\": [\"NEW\", \"REISSUE\", \"RENEW\", \"CHANGE\", \"UNLOCK\"]";
	const char *k = strstr(def, from);
	ck_assert_ptr_nonnull(k);
	char *pol = malloc(strlen(def) + 1);
	ck_assert_ptr_nonnull(pol);
	memcpy(pol, def, (size_t)(k - def));
	strcpy(pol + (k - def), "\"by mail\", \"businesses\": [\"RENEW\"]");
	strcat(pol, k + strlen(from));
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, pol, strlen(pol)), GXCA_OK);
	free(pol);
	gxca_application *app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_MAIL, "a", T0), GXCA_EAPP_CHANNEL);
	ck_assert_last_error(ctx, GXCA_EAPP_CHANNEL);
	ck_assert_int_eq(gxca_application_state(app), GXCA_APP_DRAFT);
	ck_assert_int_eq(gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "a", T0), GXCA_OK);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== deadlines ========================================================== */

/* An ONSITE/MAIL application paid at t. */
static gxca_application *paid_at(gxca_ctx *ctx, int channel, int64_t submitted, int64_t t)
{
	gxca_application *app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_submit(app, channel, "a", submitted), GXCA_OK);
	ck_assert_int_eq(gxca_application_approve(app, "s", submitted), GXCA_OK);
	ck_assert_int_eq(gxca_application_request_payment(app, "s", submitted), GXCA_OK);
	ck_assert_int_eq(gxca_application_mark_paid(app, "s", t), GXCA_OK);
	return app;
}

START_TEST(test_deadlines)
{
	gxca_ctx *ctx = test_ctx();
	char d[GXCA_DATE_SIZE];
	/* paid the evening before the National Day holiday */
	gxca_application *app = paid_at(ctx, GXCA_CHANNEL_ONSITE, at(ctx, "2026-09-30", 9, 0),
					at(ctx, "2026-09-30", 23, 59));
	ck_assert_int_eq(gxca_application_invoice_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-10-13");
	ck_assert_int_eq(gxca_application_mail_due(app, d), GXCA_ESTATE);
	ck_assert_last_error(ctx, GXCA_ESTATE);
	gxca_application_free(app);
	/* 00:30 Asia/Shanghai is still the previous UTC day: the local date counts */
	app = paid_at(ctx, GXCA_CHANNEL_MAIL, at(ctx, "2026-10-09", 0, 30), at(ctx, "2026-10-09", 0, 30));
	ck_assert_int_eq(gxca_application_invoice_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-10-15"); /* 10 (worked Saturday), 12, 13, 14, 15; not 10-14 */
	ck_assert_int_eq(gxca_application_mail_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-10-13"); /* 10, 12, 13 */
	gxca_application_free(app);
	/* 2026-12-28 + 5 working days reaches into 2027, which has no data */
	app = paid_at(ctx, GXCA_CHANNEL_MAIL, at(ctx, "2026-12-28", 10, 0), at(ctx, "2026-12-28", 10, 0));
	strcpy(d, "unchanged");
	ck_assert_int_eq(gxca_application_invoice_due(app, d), GXCA_ECALENDAR_UNKNOWN);
	ck_assert_last_error(ctx, GXCA_ECALENDAR_UNKNOWN);
	ck_assert_str_eq(d, "unchanged");
	ck_assert_int_eq(gxca_application_mail_due(app, d), GXCA_OK);
	ck_assert_str_eq(d, "2026-12-31");
	gxca_application_free(app);
	/* before payment / submission */
	app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_invoice_due(app, d), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_mail_due(app, d), GXCA_ESTATE);
	ck_assert_int_eq(gxca_application_invoice_due(app, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_mail_due(app, NULL), GXCA_EINVAL);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== NULL and garbage =================================================== */

START_TEST(test_null_arguments)
{
	char d[GXCA_DATE_SIZE];
	int i = 0;
	unsigned u = 0;
	int64_t t = 0;
	uint32_t f = 0;
	const char *s = NULL;
	gxca_report *r = (gxca_report *)&i;
	char *out = (char *)&i;
	gxca_application *app = (gxca_application *)&i;
	ck_assert_int_eq(gxca_application_new(NULL, NULL, GXCA_APPLICANT_ORG), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_new(&app, NULL, GXCA_APPLICANT_ORG), GXCA_EINVAL);
	ck_assert_ptr_null(app);
	gxca_application_free(NULL);
	ck_assert_int_eq(gxca_application_applicant(NULL), 0);
	ck_assert_str_eq(gxca_application_id(NULL), "");
	ck_assert_int_eq(gxca_application_set(NULL, GXCA_APP_ORG_NAME, "x"), GXCA_EINVAL);
	ck_assert_str_eq(gxca_application_get(NULL, GXCA_APP_ORG_NAME), "");
	ck_assert_int_eq(gxca_application_set_id_type(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_id_type(NULL), 0);
	ck_assert_int_eq(gxca_application_set_collected(NULL, 1, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_collected(NULL, 1), 0);
	ck_assert_int_eq(gxca_application_set_by_proxy(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_by_proxy(NULL), 0);
	ck_assert_int_eq(gxca_application_set_consent(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_consent(NULL), 0);
	ck_assert_int_eq(gxca_application_add_line(NULL, 1, 1, 1, 0), GXCA_EINVAL);
	ck_assert_uint_eq(gxca_application_line_count(NULL), 0);
	ck_assert_int_eq(gxca_application_line_get(NULL, 0, &i, &u, &i, &f), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_clear_lines(NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_validate(NULL, &r), GXCA_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(gxca_application_validate(NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_to_json(NULL, &out), GXCA_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(gxca_application_from_json(NULL, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_state(NULL), 0);
	ck_assert_int_eq(gxca_application_submit(NULL, 1, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_approve(NULL, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_reject(NULL, "a", T0, "r"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_request_payment(NULL, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_mark_paid(NULL, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_mark_issued(NULL, "a", T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_deliver(NULL, "a", T0, NULL), GXCA_EINVAL);
	ck_assert_ptr_null(gxca_application_last_report(NULL));
	ck_assert_uint_eq(gxca_application_history_count(NULL), 0);
	ck_assert_int_eq(gxca_application_history_get(NULL, 0, &i, &t, &s, &s), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_channel(NULL), 0);
	ck_assert_int_eq(gxca_application_paid_at(NULL), 0);
	ck_assert_str_eq(gxca_application_tracking_no(NULL), "");
	ck_assert_int_eq(gxca_application_invoice_due(NULL, d), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_mail_due(NULL, d), GXCA_EINVAL);

	/* with a ctx: NULL out-parameters */
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(gxca_application_new(NULL, ctx, GXCA_APPLICANT_ORG), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_from_json(NULL, ctx, "{}", 2), GXCA_EINVAL);
	app = (gxca_application *)&i;
	ck_assert_int_eq(gxca_application_from_json(&app, ctx, NULL, 2), GXCA_EINVAL);
	ck_assert_ptr_null(app);
	app = valid_org(ctx);
	ck_assert_int_eq(gxca_application_validate(app, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_to_json(app, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_approve(app, NULL, T0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_application_history_get(app, 0, NULL, NULL, NULL, NULL), GXCA_EINVAL);
	gxca_application_free(app);
	gxca_ctx_free(ctx);
}
END_TEST

/* ==== allocation failures ================================================ */

START_TEST(test_alloc_failures)
{
	gxca_ctx *ctx = test_ctx();
	size_t len;
	char *text = test_read_file(DATA("app-org-paid.json"), &len);
	gxca_application *app = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_application_from_json(&app, ctx, text, len),
			       gxca_application_free(app));
	gxca_application *org = load_file(ctx, DATA("app-org-paid.json"));
	char *out = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_application_to_json(org, &out), gxca_free(out));
	gxca_application *inv = load_file(ctx, DATA("app-invalid.json"));
	gxca_report *r = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_application_validate(inv, &r) == GXCA_EINVALID ? GXCA_OK : GXCA_ENOMEM,
			       gxca_report_free(r));
	gxca_application *fresh = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_application_new(&fresh, ctx, GXCA_APPLICANT_PERSON),
			       gxca_application_free(fresh));
	/* a failed transition changes nothing */
	gxca_application *v = valid_org(ctx);
	FOR_EACH_ALLOC_FAILURE(gxca_application_submit(v, GXCA_CHANNEL_MAIL, "a", T0),
			       ck_assert_uint_eq(gxca_application_history_count(v), 1));
	ck_assert_int_eq(gxca_application_state(v), GXCA_APP_SUBMITTED);
	FOR_EACH_ALLOC_FAILURE(gxca_application_reject(v, "s", T0, "原因"),
			       ck_assert_uint_eq(gxca_application_history_count(v), 2));
	FOR_EACH_ALLOC_FAILURE(gxca_application_set(v, GXCA_APP_ORG_NAME, "新名称"),
			       ck_assert_str_eq(gxca_application_get(v, GXCA_APP_ORG_NAME), "新名称"));
	gxca_application_free(v);
	gxca_application_free(inv);
	gxca_application_free(org);
	free(text);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *application_suite(void)
{
	Suite *s = suite_create("application");
	TCase *tc = tcase_create("form");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_new_defaults);
	tcase_add_test(tc, test_set_get);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_lines);
	suite_add_tcase(s, tc);
	tc = tcase_create("validate");
	tcase_add_test(tc, test_validate_valid);
	tcase_add_test(tc, test_validate_all_at_once);
	tcase_add_test(tc, test_validate_empty_forms);
	tcase_add_test(tc, test_validate_formats);
	tcase_add_test(tc, test_validate_lines);
	tcase_add_test(tc, test_validate_person);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_json_round_trip_files);
	tcase_add_test(tc, test_json_round_trip_built);
	tcase_add_test(tc, test_json_restores_workflow);
	tcase_add_test(tc, test_json_bad);
	tcase_add_test(tc, test_json_good_variants);
	suite_add_tcase(s, tc);
	tc = tcase_create("workflow");
	tcase_add_test(tc, test_every_transition);
	tcase_add_test(tc, test_transition_arguments);
	tcase_add_test(tc, test_submit_requires_valid_form);
	tcase_add_test(tc, test_channel_policy);
	tcase_add_test(tc, test_deadlines);
	suite_add_tcase(s, tc);
	tc = tcase_create("robustness");
	tcase_add_test(tc, test_null_arguments);
	tcase_add_test(tc, test_alloc_failures);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(application_suite)
