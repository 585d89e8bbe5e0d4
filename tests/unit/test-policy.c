/*
 * tests/unit/test-policy.c — policy loading and checking, calendar, sites.
 */
#include "common.h"

#include <json-c/json.h>
#include <unistd.h>

/* Replace (or with value NULL, delete) the member at a dotted path of the
 * built-in policy, then load it. Returns the rc of gxca_ctx_load_policy_json. */
static int load_modified(gxca_ctx *ctx, const char *path, const char *value_json)
{
	json_object *root = json_tokener_parse(gxca_policy_default_json());
	ck_assert_ptr_nonnull(root);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_object *cur = root;
	char *save = NULL, *tok = strtok_r(buf, ".", &save), *next;
	while ((next = strtok_r(NULL, ".", &save)) != NULL) {
		json_object *child = NULL;
		if (json_object_is_type(cur, json_type_array))
			child = json_object_array_get_idx(cur, (size_t)atoi(tok));
		else
			ck_assert_msg(json_object_object_get_ex(cur, tok, &child), "no %s in %s", tok, path);
		cur = child;
		tok = next;
	}
	if (value_json == NULL)
		json_object_object_del(cur, tok);
	else if (json_object_is_type(cur, json_type_array))
		json_object_array_put_idx(cur, (size_t)atoi(tok), json_tokener_parse(value_json));
	else
		json_object_object_add(cur, tok, strcmp(value_json, "null") == 0 ? NULL
						 : json_tokener_parse(value_json));
	const char *text = json_object_to_json_string(root);
	int rc = gxca_ctx_load_policy_json(ctx, text, strlen(text));
	json_object_put(root);
	return rc;
}

static void expect_bad(const char *path, const char *value, int code, const char *field)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(load_modified(ctx, path, value), code);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_msg(strcmp(gxca_error_field(e), field) == 0, "%s=%s: field %s, want %s (%s)", path,
		      value ? value : "(deleted)", gxca_error_field(e), field, gxca_error_message(e));
	/* the message names the path in both languages */
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), field));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), field));
	/* each language its own words (no Chinese in the English message) */
	for (const char *m = gxca_error_message_lang(e, GXCA_LANG_EN); *m; m++)
		ck_assert_msg((unsigned char)*m < 0x80, "non-ASCII in English message: %s",
			      gxca_error_message_lang(e, GXCA_LANG_EN));
	/* the policy in force is unchanged */
	ck_assert_str_eq(gxca_policy_platform_code(ctx), "056");
	ck_assert_uint_eq(gxca_site_count(ctx), 9);
	gxca_ctx_free(ctx);
}

START_TEST(test_default_policy)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_str_eq(gxca_policy_platform_code(ctx), "056");
	ck_assert_str_eq(gxca_policy_platform_name(ctx), "南通市公共资源互联互通项目（含电子签章）");
	ck_assert_str_eq(gxca_policy_initial_pin(ctx), "123456");
	ck_assert_str_eq(gxca_policy_hotline(ctx), "0513-81553618");
	ck_assert_str_eq(gxca_policy_mailbox(ctx), "251162432@qq.com");
	ck_assert_str_eq(gxca_policy_platform_code(NULL), "");
	/* the default JSON reloads as a policy file */
	const char *json = gxca_policy_default_json();
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, json, strlen(json)), GXCA_OK);
	ck_assert_int_eq(gxca_ctx_reset_policy(ctx), GXCA_OK);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_modified_policy_applies)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(load_modified(ctx, "platform.code", "\"057\""), GXCA_OK);
	ck_assert_str_eq(gxca_policy_platform_code(ctx), "057");
	ck_assert_int_eq(load_modified(ctx, "token.initial_pin", "\"000000\""), GXCA_OK);
	ck_assert_str_eq(gxca_policy_initial_pin(ctx), "000000");
	ck_assert_int_eq(gxca_ctx_reset_policy(ctx), GXCA_OK);
	ck_assert_str_eq(gxca_policy_platform_code(ctx), "056");
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_policies)
{
	/* each kind of error, with the JSON path of the bad element */
	expect_bad("schema", "\"gxca-policy/2\"", GXCA_EPOLICY, "$.schema");
	expect_bad("schema", NULL, GXCA_EPOLICY, "$.schema");
	expect_bad("bogus", "1", GXCA_EPOLICY, "$.bogus");
	expect_bad("platform.code", "56", GXCA_EPOLICY, "$.platform.code");
	expect_bad("tariff.max_years", "0", GXCA_EPOLICY, "$.tariff.max_years");
	expect_bad("tariff.max_years", "\"ten\"", GXCA_EPOLICY, "$.tariff.max_years");
	expect_bad("tariff.prices.ORG.NEW.CERT.first_year", "-1", GXCA_EPOLICY,
		   "$.tariff.prices.ORG.NEW.CERT.first_year");
	expect_bad("tariff.prices.ORG.NEW.CERT.per_year", "100", GXCA_EPOLICY,
		   "$.tariff.prices.ORG.NEW.CERT.per_year");
	expect_bad("tariff.prices.ORG.REISSUE.CERT.package", "{\"years\":4,\"fen\":1}", GXCA_EPOLICY,
		   "$.tariff.prices.ORG.REISSUE.CERT.package");
	expect_bad("tariff.prices.PERSON.NEW.SEAL", NULL, GXCA_EPOLICY, "$.tariff.prices.PERSON.NEW.SEAL");
	expect_bad("tariff.prices.PERSON.NEW.SEAL.package", "{\"years\":1,\"fen\":1}", GXCA_EPOLICY,
		   "$.tariff.prices.PERSON.NEW.SEAL.package.years");
	expect_bad("materials.items.TOKEN", NULL, GXCA_EPOLICY, "$.materials.items.TOKEN");
	expect_bad("materials.items.PASSPORT", "{\"zh\":\"护照\",\"en\":\"passport\"}", GXCA_EPOLICY,
		   "$.materials.items.PASSPORT");
	expect_bad("materials.rules.2.material", "\"NOPE\"", GXCA_EPOLICY, "$.materials.rules[2].material");
	expect_bad("materials.rules.2.businesses", "[]", GXCA_EPOLICY, "$.materials.rules[2].businesses");
	expect_bad("materials.rules.2.unless_only_changes", "[\"COLOUR\"]", GXCA_EPOLICY,
		   "$.materials.rules[2].unless_only_changes[0]");
	expect_bad("sites.2.hours.1.from", "\"25:00\"", GXCA_EPOLICY, "$.sites[2].hours[1].from");
	expect_bad("sites.2.hours.1.to", "\"08:00\"", GXCA_EPOLICY, "$.sites[2].hours[1].to");
	expect_bad("sites.2.hours.1.months", "[13]", GXCA_EPOLICY, "$.sites[2].hours[1].months[0]");
	expect_bad("sites.3.id", "\"haian\"", GXCA_EPOLICY, "$.sites[3]");
	expect_bad("calendar.years.2026.holidays", "[\"2026-02-30\"]", GXCA_EPOLICY,
		   "$.calendar.years.2026.holidays[0]");
	expect_bad("calendar.years.2026.holidays", "[\"2025-10-01\"]", GXCA_EPOLICY,
		   "$.calendar.years.2026.holidays[0]");
	expect_bad("calendar.years.26", "{\"holidays\":[],\"workdays\":[]}", GXCA_EPOLICY,
		   "$.calendar.years.26");
	expect_bad("ca.default_key_algorithm", "\"DSA\"", GXCA_EPOLICY, "$.ca.default_key_algorithm");
	expect_bad("ca.key_algorithms", "[\"RSA2048\"]", GXCA_EPOLICY, "$.ca.default_key_algorithm");
	expect_bad("deadlines.invoice_working_days", "-5", GXCA_EPOLICY, "$.deadlines.invoice_working_days");
	expect_bad("channels.MAIL.businesses", "[\"FLY\"]", GXCA_EPOLICY, "$.channels.MAIL.businesses[0]");
}
END_TEST

START_TEST(test_bad_json_text)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, "{\"schema\": ", 11), GXCA_EJSON);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, "{} {}", 5), GXCA_EJSON);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, "[1]", 3), GXCA_EPOLICY);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, "\"\xff\"", 3), GXCA_EENCODING);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, NULL, 3), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ctx_load_policy_json(NULL, "{}", 2), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, "", 0), GXCA_EJSON);
	ck_assert_int_eq(gxca_ctx_load_policy(ctx, "/nonexistent/policy.json"), GXCA_EIO);
	ck_assert_int_eq(gxca_ctx_load_policy(ctx, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ctx_load_policy(NULL, "x"), GXCA_EINVAL);
	ck_assert_str_eq(gxca_policy_platform_code(ctx), "056");
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_policy_file)
{
	char path[] = "/tmp/gxca-policy-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *json = gxca_policy_default_json();
	ck_assert_int_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(gxca_ctx_load_policy(ctx, path), GXCA_OK);
	unlink(path);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_policy_alloc_failure)
{
	gxca_ctx *ctx = test_ctx();
	const char *json = gxca_policy_default_json();
	FOR_EACH_ALLOC_FAILURE(gxca_ctx_load_policy_json(ctx, json, strlen(json)), (void)0);
	ck_assert_uint_eq(gxca_site_count(ctx), 9);
	gxca_ctx_free(ctx);
}
END_TEST

static int working(gxca_ctx *ctx, const char *date)
{
	int w = -1;
	ck_assert_int_eq(gxca_calendar_is_working_day(ctx, date, &w), GXCA_OK);
	return w;
}

static const char *add_days(gxca_ctx *ctx, const char *date, int n)
{
	static char out[GXCA_DATE_SIZE];
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, date, n, out), GXCA_OK);
	return out;
}

START_TEST(test_calendar)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(working(ctx, "2026-11-27"), 1);  /* Friday */
	ck_assert_int_eq(working(ctx, "2026-11-28"), 0);  /* Saturday */
	ck_assert_int_eq(working(ctx, "2026-10-01"), 0);  /* National Day */
	ck_assert_int_eq(working(ctx, "2026-10-10"), 1);  /* Saturday made a working day */
	ck_assert_int_eq(working(ctx, "2026-02-16"), 0);  /* Spring Festival (Monday) */
	ck_assert_int_eq(working(ctx, "2025-01-26"), 1);  /* Sunday made a working day */
	ck_assert_str_eq(add_days(ctx, "2026-09-30", 5), "2026-10-13");
	ck_assert_str_eq(add_days(ctx, "2026-11-27", 3), "2026-12-02");
	ck_assert_str_eq(add_days(ctx, "2026-11-28", 0), "2026-11-30");
	ck_assert_str_eq(add_days(ctx, "2026-11-27", 0), "2026-11-27");
	ck_assert_str_eq(add_days(ctx, "2026-02-13", 1), "2026-02-14");
	/* no data for 2027: an error, never a guess */
	char out[GXCA_DATE_SIZE];
	int w;
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, "2026-12-28", 5, out), GXCA_ECALENDAR_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN), "2027"));
	ck_assert_int_eq(gxca_calendar_is_working_day(ctx, "2027-01-04", &w), GXCA_ECALENDAR_UNKNOWN);
	ck_assert_int_eq(gxca_calendar_is_working_day(ctx, "2023-06-01", &w), GXCA_ECALENDAR_UNKNOWN);
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, "2026-12-01", -1, out), GXCA_ERANGE);
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, "garbage", 1, out), GXCA_EINVAL);
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, NULL, 1, out), GXCA_EINVAL);
	ck_assert_int_eq(gxca_calendar_add_working_days(ctx, "2026-12-01", 1, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_calendar_is_working_day(ctx, "2026-12-01", NULL), GXCA_EINVAL);
	/* a caller extends the calendar with 2027 */
	ck_assert_int_eq(load_modified(ctx, "calendar.years.2027",
				       "{\"holidays\":[\"2027-01-01\"],\"workdays\":[]}"), GXCA_OK);
	ck_assert_str_eq(add_days(ctx, "2026-12-28", 5), "2027-01-05");
	gxca_ctx_free(ctx);
}
END_TEST

/* Unix time of a Shanghai local date and time. */
static int64_t at(gxca_ctx *ctx, const char *date, int h, int m)
{
	int64_t t;
	ck_assert_int_eq(gxca_calendar_time_of(ctx, date, &t), GXCA_OK);
	return t + h * 3600 + m * 60;
}

static int open_at(gxca_ctx *ctx, const char *site, const char *date, int h, int m)
{
	int open = -1;
	const gxca_site *s = gxca_site_find(ctx, site);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(gxca_site_is_open(ctx, s, at(ctx, date, h, m), &open), GXCA_OK);
	return open;
}

START_TEST(test_sites)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_uint_eq(gxca_site_count(ctx), 9);
	static const char *const ids[] = {"city-center", "city-office", "haian", "rugao", "rudong",
					  "tongzhou", "haimen", "qidong", "binhai"};
	for (size_t i = 0; i < 9; i++)
		ck_assert_str_eq(gxca_site_id(gxca_site_get(ctx, i)), ids[i]);
	ck_assert_ptr_null(gxca_site_get(ctx, 9));
	ck_assert_ptr_null(gxca_site_find(ctx, "nowhere"));
	const gxca_site *haian = gxca_site_find(ctx, "haian");
	ck_assert_str_eq(gxca_site_phone(haian), "18906291893");
	ck_assert_str_eq(gxca_site_region(haian, GXCA_LANG_ZH), "海安");
	ck_assert_ptr_nonnull(strstr(gxca_site_address(haian), "长江东路10号"));
	char *hours = NULL;
	ck_assert_int_eq(gxca_site_hours(ctx, haian, 7, &hours), GXCA_OK);
	ck_assert_str_eq(hours, "08:30-12:00, 14:30-18:00");
	gxca_free(hours);
	ck_assert_int_eq(gxca_site_hours(ctx, haian, 9, &hours), GXCA_OK);
	ck_assert_str_eq(hours, "08:30-12:00, 14:00-17:30");
	gxca_free(hours);
	ck_assert_int_eq(gxca_site_hours(ctx, gxca_site_find(ctx, "rugao"), 9, &hours), GXCA_OK);
	ck_assert_str_eq(hours, "08:30-12:00, 14:30-18:00");
	gxca_free(hours);
	ck_assert_int_eq(gxca_site_hours(ctx, haian, 13, &hours), GXCA_ERANGE);
	ck_assert_int_eq(gxca_site_hours(ctx, NULL, 1, &hours), GXCA_EINVAL);

	/* seasonal afternoons: Haian opens at 14:30 in July-August, 14:00 otherwise */
	ck_assert_int_eq(open_at(ctx, "haian", "2026-07-15", 14, 15), 0);
	ck_assert_int_eq(open_at(ctx, "haian", "2026-07-15", 17, 45), 1);
	ck_assert_int_eq(open_at(ctx, "haian", "2026-09-15", 14, 15), 1);
	ck_assert_int_eq(open_at(ctx, "haian", "2026-09-15", 17, 45), 0);
	ck_assert_int_eq(open_at(ctx, "rugao", "2026-09-15", 14, 15), 0);  /* July-September */
	ck_assert_int_eq(open_at(ctx, "rudong", "2026-11-27", 11, 39), 1);
	ck_assert_int_eq(open_at(ctx, "rudong", "2026-11-27", 11, 40), 0);
	ck_assert_int_eq(open_at(ctx, "city-center", "2026-11-27", 8, 45), 0);
	ck_assert_int_eq(open_at(ctx, "city-office", "2026-11-27", 8, 45), 1);
	ck_assert_int_eq(open_at(ctx, "city-office", "2026-11-28", 9, 0), 0); /* Saturday */
	ck_assert_int_eq(open_at(ctx, "city-office", "2026-10-02", 9, 0), 0); /* holiday */
	ck_assert_int_eq(open_at(ctx, "city-office", "2026-10-10", 9, 0), 1); /* make-up day */
	int open;
	ck_assert_int_eq(gxca_site_is_open(ctx, haian, at(ctx, "2027-03-01", 9, 0), &open),
			 GXCA_ECALENDAR_UNKNOWN);
	ck_assert_int_eq(gxca_site_is_open(ctx, NULL, 0, &open), GXCA_EINVAL);
	ck_assert_int_eq(gxca_site_is_open(ctx, haian, -5, &open), GXCA_ERANGE);
	ck_assert_int_eq(gxca_site_is_open(NULL, haian, 0, &open), GXCA_EINVAL);
	ck_assert_str_eq(gxca_site_id(NULL), "");
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_default_policy);
	tcase_add_test(tc, test_modified_policy_applies);
	tcase_add_test(tc, test_bad_policies);
	tcase_add_test(tc, test_bad_json_text);
	tcase_add_test(tc, test_policy_file);
	tcase_add_test(tc, test_policy_alloc_failure);
	tcase_add_test(tc, test_calendar);
	tcase_add_test(tc, test_sites);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(policy_suite)
