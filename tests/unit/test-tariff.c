/*
 * tests/unit/test-tariff.c — prices and quotes (domain.md §6).
 *
 * Every cell is checked against a brute-force model that reads the policy
 * JSON itself (json-c, not the library's parser) and enumerates every way
 * to cover a term with single years and packages, in every order.
 */
#include "common.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

/* ---- the independent model ------------------------------------------------ */

enum { M_NOT_OFFERED = -2, M_YEARS = -3 };

struct mcell {
	bool offered, flat;
	int64_t fen;          /* flat, first_year or per_year */
	int pkg_years;        /* 0 = none */
	int64_t pkg_fen;
};

struct model {
	int max_years, seals_master, seals_secondary;
	struct mcell c[3][6][3]; /* [applicant][business][item], 1-based */
};

static const char *const APP[] = {NULL, "ORG", "PERSON"};
static const char *const BIZ[] = {NULL, "NEW", "REISSUE", "RENEW", "CHANGE", "UNLOCK"};
static const char *const ITEM[] = {NULL, "CERT", "SEAL"};

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;
	ck_assert_msg(json_object_object_get_ex(o, k, &v), "member %s", k);
	return v;
}

static void model_load(struct model *m, const char *json)
{
	json_object *root = json_tokener_parse(json);
	ck_assert_ptr_nonnull(root);
	json_object *t = get(root, "tariff"), *prices = get(t, "prices");
	memset(m, 0, sizeof *m);
	m->max_years = json_object_get_int(get(t, "max_years"));
	m->seals_master = json_object_get_int(get(t, "seals_per_master_token"));
	m->seals_secondary = json_object_get_int(get(t, "seals_per_secondary_token"));
	for (int a = 1; a <= 2; a++)
		for (int b = 1; b <= 5; b++)
			for (int i = 1; i <= 2; i++) {
				json_object *v = get(get(get(prices, APP[a]), BIZ[b]), ITEM[i]), *x = NULL;
				struct mcell *c = &m->c[a][b][i];
				if (!v)
					continue;
				c->offered = true;
				const char *key = b == 1 ? "first_year" : b == 3 ? "per_year" : "flat";
				c->flat = b != 1 && b != 3;
				c->fen = json_object_get_int64(get(v, key));
				if (json_object_object_get_ex(v, "package", &x)) {
					c->pkg_years = json_object_get_int(get(x, "years"));
					c->pkg_fen = json_object_get_int64(get(x, "fen"));
				}
			}
	json_object_put(root);
}

/* Cheapest cover of `left` renewal years, trying every next piece. */
static int64_t bf_renew(const struct mcell *r, int left)
{
	if (left == 0)
		return 0;
	int64_t best = r->fen + bf_renew(r, left - 1);
	if (r->pkg_years && r->pkg_years <= left) {
		int64_t alt = r->pkg_fen + bf_renew(r, left - r->pkg_years);
		if (alt < best)
			best = alt;
	}
	return best;
}

/* Price (>= 0) or M_NOT_OFFERED / M_YEARS; *list gets the undiscounted price. */
static int64_t bf_price(const struct model *m, int a, int b, int i, int years, int64_t *list)
{
	const struct mcell *c = &m->c[a][b][i], *r = &m->c[a][3][i];
	if (!c->offered)
		return M_NOT_OFFERED;
	if (c->flat) {
		*list = c->fen;
		return years == 0 || years == 1 ? c->fen : M_YEARS;
	}
	if (years < 1 || years > m->max_years)
		return M_YEARS;
	if (b == 3) {
		*list = years * c->fen;
		return bf_renew(c, years);
	}
	if (years > 1 && !r->offered)
		return M_NOT_OFFERED;
	*list = c->fen + (years - 1) * r->fen;
	int64_t best = c->fen + bf_renew(r, years - 1);
	if (c->pkg_years && c->pkg_years <= years) {
		int64_t alt = c->pkg_fen + bf_renew(r, years - c->pkg_years);
		if (alt < best)
			best = alt;
	}
	return best;
}

/* Compare the library with the model on every cell, years -1..max+2. */
static void check_all_cells(gxca_ctx *ctx, const struct model *m, int want_checked)
{
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	int checked = 0;
	for (int a = 1; a <= 2; a++)
		for (int b = 1; b <= 5; b++)
			for (int i = 1; i <= 2; i++)
				for (int y = -1; y <= m->max_years + 2; y++) {
					int64_t list = -1, fen = 0;
					int64_t want = bf_price(m, a, b, i, y, &list);
					int rc = gxca_tariff_price(ctx, a, b, i, y, &fen);
					int want_rc = want == M_NOT_OFFERED ? GXCA_ETARIFF_NOT_OFFERED
						    : want == M_YEARS ? GXCA_ETARIFF_YEARS : GXCA_OK;
					ck_assert_msg(rc == want_rc && (rc ? fen == -1 : fen == want),
						      "%s %s %s %d years: got %s %lld, want %s %lld", APP[a], BIZ[b],
						      ITEM[i], y, gxca_error_name_of(rc), (long long)fen,
						      gxca_error_name_of(want_rc), (long long)want);
					ck_assert_int_eq(gxca_quote_add(q, a, b, i, 2, y), want_rc);
					if (rc)
						continue;
					size_t n = gxca_quote_line_count(q) - 1;
					ck_assert_int_eq(gxca_quote_line_unit_fen(q, n), want);
					ck_assert_int_eq(gxca_quote_line_amount_fen(q, n), 2 * want);
					ck_assert_int_eq(gxca_quote_line_list_fen(q, n), 2 * list);
					ck_assert_int_eq(gxca_quote_line_discount_fen(q, n), 2 * (list - want));
					checked++;
				}
	ck_assert_int_eq(checked, want_checked); /* the offered (cell, term) pairs */
	gxca_quote_free(q);
}

/* The default policy JSON with edits applied by fn. Caller frees. */
static char *edited_policy(void (*fn)(json_object *tariff))
{
	json_object *root = json_tokener_parse(gxca_policy_default_json());
	ck_assert_ptr_nonnull(root);
	fn(get(root, "tariff"));
	char *s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return s;
}

static json_object *cell(json_object *t, const char *a, const char *b, const char *i)
{
	return get(get(get(get(t, "prices"), a), b), i);
}

static void set_package(json_object *c, int years, int64_t fen)
{
	json_object *p = json_object_new_object();
	json_object_object_add(p, "years", json_object_new_int(years));
	json_object_object_add(p, "fen", json_object_new_int64(fen));
	json_object_object_add(c, "package", p);
}

/* Different prices, packages of other sizes, a RENEW removed, more years. */
static void edit_prices(json_object *t)
{
	json_object_object_add(t, "max_years", json_object_new_int(12));
	json_object_object_add(t, "seals_per_secondary_token", json_object_new_int(2));
	json_object *c = cell(t, "ORG", "NEW", "CERT");
	json_object_object_add(c, "first_year", json_object_new_int64(20000));
	set_package(c, 3, 28000);
	set_package(cell(t, "ORG", "RENEW", "CERT"), 5, 41000);
	json_object *r = json_object_new_object();
	json_object_object_add(r, "CERT", NULL);
	json_object_object_add(r, "SEAL", json_object_new_object());
	json_object_object_add(get(r, "SEAL"), "per_year", json_object_new_int64(4000));
	set_package(get(r, "SEAL"), 2, 7000);
	json_object_object_add(get(get(t, "prices"), "PERSON"), "RENEW", r);
	json_object_object_add(cell(t, "ORG", "CHANGE", "CERT"), "flat", json_object_new_int64(1234));
}

static void load(gxca_ctx *ctx, const char *json)
{
	int rc = gxca_ctx_load_policy_json(ctx, json, strlen(json));
	ck_assert_msg(rc == GXCA_OK, "load policy: %s %s %s", gxca_error_name_of(rc),
		      gxca_error_field(gxca_ctx_last_error(ctx)), gxca_error_message(gxca_ctx_last_error(ctx)));
}

static int64_t price(gxca_ctx *ctx, int a, int b, int i, int y)
{
	int64_t fen = -1;
	int rc = gxca_tariff_price(ctx, a, b, i, y, &fen);
	ck_assert_msg(rc == GXCA_OK, "%d %d %d %d: %s", a, b, i, y, gxca_error_name_of(rc));
	return fen;
}

/* ---- tests ----------------------------------------------------------------- */

START_TEST(test_every_cell_default)
{
	gxca_ctx *ctx = test_ctx();
	struct model m;
	model_load(&m, gxca_policy_default_json());
	ck_assert_int_eq(m.max_years, 10);
	/* 4 term cells x 10 years each for NEW and RENEW, 9 flat cells x 2 */
	check_all_cells(ctx, &m, 40 + 40 + 18);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_every_cell_edited_policy)
{
	gxca_ctx *ctx = test_ctx();
	char *json = edited_policy(edit_prices);
	struct model m;
	model_load(&m, json);
	load(ctx, json);
	/* NEW: 2 x 12 (ORG) + 12 + 1 (PERSON CERT has no RENEW); RENEW: 3 x 12; flat 9 x 2 */
	check_all_cells(ctx, &m, 37 + 36 + 18);
	/* The edits change the answers. */
	ck_assert_int_eq(price(ctx, 1, 1, 1, 1), 20000);
	ck_assert_int_eq(price(ctx, 1, 1, 1, 3), 28000);
	ck_assert_int_eq(price(ctx, 1, 1, 1, 8), 28000 + 41000);
	ck_assert_int_eq(price(ctx, 1, 1, 1, 12), 28000 + 41000 + 4 * 10000);
	ck_assert_int_eq(price(ctx, 1, 4, 1, 0), 1234);
	ck_assert_int_eq(price(ctx, 2, 3, 2, 5), 7000 * 2 + 4000);
	int64_t fen = 0;
	ck_assert_int_eq(gxca_tariff_price(ctx, 2, 1, 1, 2, &fen), GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_int_eq(gxca_tariff_price(ctx, 2, 1, 1, 1, &fen), GXCA_OK);
	ck_assert_int_eq(fen, 7000);
	ck_assert_int_eq(gxca_tariff_price(ctx, 2, 3, 1, 1, &fen), GXCA_ETARIFF_NOT_OFFERED);
	/* Default seals follow the policy: 1 + 2 per secondary token. */
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 3, 1, -1), GXCA_OK);
	ck_assert_uint_eq(gxca_quote_line_quantity(q, 1), 5);
	ck_assert_int_eq(gxca_quote_total(q), 3 * 20000 + 5 * 10000);
	/* Back to the built-in policy: the old answers, and the quote keeps its prices. */
	ck_assert_int_eq(gxca_ctx_reset_policy(ctx), GXCA_OK);
	ck_assert_int_eq(price(ctx, 1, 1, 1, 4), 35000);
	ck_assert_int_eq(gxca_quote_total(q), 3 * 20000 + 5 * 10000);
	gxca_quote_free(q);
	free(json);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_worked_examples)
{
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_CERT, 4), 35000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_CERT, 2), 25000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_SEAL, 5), 45000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_PERSON, GXCA_BIZ_NEW, GXCA_ITEM_CERT, 3), 11000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_CHANGE, GXCA_ITEM_CERT, 0), 0);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_CHANGE, GXCA_ITEM_CERT, 1), 0);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_RENEW, GXCA_ITEM_CERT, 8), 70000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_CERT, 10), 35000 * 2 + 20000);
	ck_assert_int_eq(price(ctx, GXCA_APPLICANT_PERSON, GXCA_BIZ_REISSUE, GXCA_ITEM_SEAL, 0), 5000);

	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add_order(q, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, 3, 1, -1), GXCA_OK);
	ck_assert_int_eq(gxca_quote_total(q), 3 * 15000 + 1 * 10000);
	ck_assert_int_eq(gxca_quote_total(q), 55000);
	ck_assert_uint_eq(gxca_quote_line_count(q), 2);
	ck_assert_int_eq(gxca_quote_line_item(q, 0), GXCA_ITEM_CERT);
	ck_assert_uint_eq(gxca_quote_line_quantity(q, 0), 3);
	ck_assert_int_eq(gxca_quote_line_item(q, 1), GXCA_ITEM_SEAL);
	ck_assert_uint_eq(gxca_quote_line_quantity(q, 1), 1);
	ck_assert_int_eq(gxca_quote_line_amount_fen(q, 1), 10000);
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

static void assert_not_offered(gxca_ctx *ctx, int a, int b, int i, const char *zh_item,
			       const char *en_biz, const char *zh_biz)
{
	int64_t fen = 0;
	ck_assert_int_eq(gxca_tariff_price(ctx, a, b, i, 0, &fen), GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_int_eq(fen, -1);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_last_error(ctx, GXCA_ETARIFF_NOT_OFFERED);
	const char *en = gxca_error_message_lang(e, GXCA_LANG_EN), *zh = gxca_error_message_lang(e, GXCA_LANG_ZH);
	ck_assert_ptr_nonnull(strstr(en, gxca_item_name(i)));
	ck_assert_ptr_nonnull(strstr(en, en_biz));
	ck_assert_ptr_nonnull(strstr(zh, zh_item));
	ck_assert_ptr_nonnull(strstr(zh, zh_biz));
	ck_assert_str_eq(gxca_error_field(e), "item");
	ck_assert_str_eq(gxca_error_name(e), "GXCA_ETARIFF_NOT_OFFERED");
}

START_TEST(test_not_offered)
{
	gxca_ctx *ctx = test_ctx();
	assert_not_offered(ctx, GXCA_APPLICANT_PERSON, GXCA_BIZ_CHANGE, GXCA_ITEM_CERT, "CA数字证书", "CHANGE", "变更");
	assert_not_offered(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_UNLOCK, GXCA_ITEM_SEAL, "电子签章", "UNLOCK", "解锁");
	assert_not_offered(ctx, GXCA_APPLICANT_PERSON, GXCA_BIZ_UNLOCK, GXCA_ITEM_SEAL, "电子签章", "UNLOCK", "解锁");
	/* A success clears the error. */
	int64_t fen = -1;
	ck_assert_int_eq(gxca_tariff_price(ctx, 1, 4, 1, 0, &fen), GXCA_OK);
	ck_assert_int_eq(fen, 0);
	ck_assert_last_error(ctx, GXCA_OK);
	/* Not offered wins over bad years: it is the more useful answer. */
	ck_assert_int_eq(gxca_tariff_price(ctx, 2, 4, 1, 99, &fen), GXCA_ETARIFF_NOT_OFFERED);
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 2, 4, 1, 1, 0), GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_last_error(ctx, GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_uint_eq(gxca_quote_line_count(q), 0);
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_years_out_of_range)
{
	gxca_ctx *ctx = test_ctx();
	static const int bad_term[] = {0, -1, 11, 100, INT_MAX, INT_MIN};
	int64_t fen = 0;
	for (size_t k = 0; k < sizeof bad_term / sizeof bad_term[0]; k++) {
		ck_assert_int_eq(gxca_tariff_price(ctx, 1, GXCA_BIZ_NEW, 1, bad_term[k], &fen), GXCA_ETARIFF_YEARS);
		ck_assert_int_eq(fen, -1);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "years");
		ck_assert_int_eq(gxca_tariff_price(ctx, 2, GXCA_BIZ_RENEW, 2, bad_term[k], &fen), GXCA_ETARIFF_YEARS);
	}
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN), "1 to 10"));
	/* Flat businesses: 0 or 1 only. */
	static const int bad_flat[] = {2, -1, 10, INT_MAX, INT_MIN};
	for (size_t k = 0; k < sizeof bad_flat / sizeof bad_flat[0]; k++)
		ck_assert_int_eq(gxca_tariff_price(ctx, 1, GXCA_BIZ_REISSUE, 1, bad_flat[k], &fen), GXCA_ETARIFF_YEARS);
	ck_assert_int_eq(price(ctx, 1, GXCA_BIZ_REISSUE, 1, 0), 5000);
	ck_assert_int_eq(price(ctx, 1, GXCA_BIZ_REISSUE, 1, 1), 5000);
	ck_assert_int_eq(price(ctx, 1, GXCA_BIZ_NEW, 1, 10), 90000);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_new_needs_renew)
{
	/* NEW for more than one year needs RENEW of the same item. */
	gxca_ctx *ctx = test_ctx();
	char *json = edited_policy(edit_prices);
	load(ctx, json);
	int64_t fen = 0;
	ck_assert_int_eq(gxca_tariff_price(ctx, 2, 1, 1, 3, &fen), GXCA_ETARIFF_NOT_OFFERED);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "CERT"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "RENEW"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), "CA数字证书"));
	free(json);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_quote_lines_and_texts)
{
	gxca_ctx *ctx = test_ctx();
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_total(q), 0);
	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 1, 1, 4), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 2, 2, 5), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 2, 2, 1, 3, 0), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 1, 1, 1), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 2, 1, 4), GXCA_OK);
	ck_assert_uint_eq(gxca_quote_line_count(q), 5);
	ck_assert_str_eq(gxca_quote_line_text(q, 0, GXCA_LANG_ZH), "CA数字证书 新办 4年套餐 ×1");
	ck_assert_str_eq(gxca_quote_line_text(q, 0, GXCA_LANG_EN), "CA digital certificate, new, 4-year package ×1");
	ck_assert_str_eq(gxca_quote_line_text(q, 1, GXCA_LANG_ZH), "电子签章 新办 5年 ×2");
	ck_assert_str_eq(gxca_quote_line_text(q, 1, GXCA_LANG_EN), "electronic seal, new, 5 years ×2");
	ck_assert_str_eq(gxca_quote_line_text(q, 2, GXCA_LANG_ZH), "CA数字证书 补办 ×3");
	ck_assert_str_eq(gxca_quote_line_text(q, 3, GXCA_LANG_EN), "CA digital certificate, renewal, 1 year ×1");
	ck_assert_str_eq(gxca_quote_line_text(q, 4, GXCA_LANG_ZH), "电子签章 延期 4年套餐 ×1");
	ck_assert_int_eq(gxca_quote_line_applicant(q, 2), GXCA_APPLICANT_PERSON);
	ck_assert_int_eq(gxca_quote_line_business(q, 2), GXCA_BIZ_REISSUE);
	ck_assert_int_eq(gxca_quote_line_years(q, 2), 0);
	ck_assert_int_eq(gxca_quote_line_years(q, 1), 5);
	ck_assert_int_eq(gxca_quote_line_unit_fen(q, 1), 45000);
	ck_assert_int_eq(gxca_quote_line_amount_fen(q, 1), 90000);
	ck_assert_int_eq(gxca_quote_line_list_fen(q, 1), 2 * 50000);
	ck_assert_int_eq(gxca_quote_line_discount_fen(q, 1), 2 * 5000);
	ck_assert_int_eq(gxca_quote_line_discount_fen(q, 0), 10000);
	ck_assert_int_eq(gxca_quote_total(q), 35000 + 90000 + 15000 + 10000 + 35000);
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

static json_object *quote_json(gxca_quote *q)
{
	char *s = NULL;
	ck_assert_int_eq(gxca_quote_to_json(q, &s), GXCA_OK);
	json_object *o = json_tokener_parse(s);
	ck_assert_msg(o != NULL, "bad JSON: %s", s);
	gxca_free(s);
	return o;
}

START_TEST(test_quote_json)
{
	gxca_ctx *ctx = test_ctx();
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	json_object *o = quote_json(q);
	ck_assert_int_eq(json_object_get_int64(get(o, "total_fen")), 0);
	ck_assert_uint_eq(json_object_array_length(get(o, "lines")), 0);
	json_object_put(o);

	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 1, 1, 4), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 1, 1, 10), GXCA_OK);
	o = quote_json(q);
	ck_assert_int_eq(json_object_get_int64(get(o, "total_fen")), 35000 + 90000);
	json_object *l0 = json_object_array_get_idx(get(o, "lines"), 0);
	ck_assert_str_eq(json_object_get_string(get(l0, "item")), "CERT");
	ck_assert_str_eq(json_object_get_string(get(l0, "business")), "NEW");
	ck_assert_str_eq(json_object_get_string(get(l0, "zh")), "CA数字证书 新办 4年套餐 ×1");
	ck_assert_int_eq(json_object_get_int64(get(l0, "list_fen")), 45000);
	ck_assert_int_eq(json_object_get_int64(get(l0, "amount_fen")), 35000);
	json_object *d = get(l0, "discounts");
	ck_assert_uint_eq(json_object_array_length(d), 1);
	json_object *d0 = json_object_array_get_idx(d, 0);
	ck_assert_int_eq(json_object_get_int64(get(d0, "discount_fen")), 10000);
	ck_assert_str_eq(json_object_get_string(get(d0, "en")),
			 "4-year new package replaces years 1-4: list 450.00, price 350.00, discount 100.00 CNY");
	ck_assert_str_eq(json_object_get_string(get(d0, "zh")),
			 "新办4年套餐替代第1-4年：原价 450.00 元，套餐价 350.00 元，优惠 100.00 元");

	/* 10 years: NEW package 1-4, RENEW package 5-8, years 9-10 at the per-year price. */
	json_object *l1 = json_object_array_get_idx(get(o, "lines"), 1);
	json_object *parts = get(l1, "parts");
	ck_assert_uint_eq(json_object_array_length(parts), 3);
	static const char *const kinds[] = {"new_package", "renew_package", "renew_years"};
	static const int from[] = {1, 5, 9}, to[] = {4, 8, 10};
	static const int64_t fen[] = {35000, 35000, 20000};
	int64_t sum = 0;
	for (int k = 0; k < 3; k++) {
		json_object *p = json_object_array_get_idx(parts, (size_t)k);
		ck_assert_str_eq(json_object_get_string(get(p, "kind")), kinds[k]);
		ck_assert_int_eq(json_object_get_int(get(p, "from_year")), from[k]);
		ck_assert_int_eq(json_object_get_int(get(p, "to_year")), to[k]);
		ck_assert_int_eq(json_object_get_int64(get(p, "fen")), fen[k]);
		sum += json_object_get_int64(get(p, "fen"));
	}
	ck_assert_int_eq(sum, 90000);
	d = get(l1, "discounts");
	ck_assert_uint_eq(json_object_array_length(d), 2);
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(d, 1), "business")), "RENEW");
	/* list 15000 + 9 x 10000 = 105000, price 90000 */
	ck_assert_int_eq(json_object_get_int64(get(l1, "discount_fen")), 15000);
	json_object_put(o);
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_orders)
{
	gxca_ctx *ctx = test_ctx();
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	/* Explicit seals, then seals only (for tokens the applicant has). */
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 2, 4, 2), GXCA_OK);
	ck_assert_int_eq(gxca_quote_total(q), 4 * 35000);
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 3, 0, 1, 1), GXCA_OK);
	ck_assert_uint_eq(gxca_quote_line_count(q), 3);
	ck_assert_int_eq(gxca_quote_line_item(q, 2), GXCA_ITEM_SEAL);
	ck_assert_int_eq(gxca_quote_total(q), 4 * 35000 + 10000);
	/* PERSON CHANGE: the CERT is not offered, the seal change is (at 0). */
	ck_assert_int_eq(gxca_quote_add_order(q, 2, 4, 1, 0, -1), GXCA_OK);
	ck_assert_uint_eq(gxca_quote_line_count(q), 4);
	ck_assert_int_eq(gxca_quote_line_item(q, 3), GXCA_ITEM_SEAL);
	ck_assert_int_eq(gxca_quote_line_amount_fen(q, 3), 0);
	/* ORG UNLOCK: CERT only, the default seal is left out. */
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 5, 1, 0, -1), GXCA_OK);
	ck_assert_uint_eq(gxca_quote_line_count(q), 5);
	ck_assert_int_eq(gxca_quote_line_item(q, 4), GXCA_ITEM_CERT);
	int64_t total = gxca_quote_total(q);
	/* Failures change nothing. */
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 5, 1, 0, 1), GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_int_eq(gxca_quote_add_order(q, 2, 4, 1, 0, 0), GXCA_ETARIFF_NOT_OFFERED);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN), "CERT"));
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 0, 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 0, 1, -1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 2, 11, -1), GXCA_ETARIFF_YEARS);
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 2, 2, 3, -1), GXCA_ETARIFF_YEARS);
	ck_assert_uint_eq(gxca_quote_line_count(q), 5);
	ck_assert_int_eq(gxca_quote_total(q), total);
	/* REISSUE: the lost master token comes back with its seal. */
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 2, 1, 0, -1), GXCA_OK);
	ck_assert_int_eq(gxca_quote_total(q), total + 5000 + 10000);
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

static void edit_huge(json_object *t)
{
	json_object_object_add(t, "max_years", json_object_new_int(100));
	json_object *c = cell(t, "ORG", "RENEW", "CERT");
	json_object_object_add(c, "per_year", json_object_new_int64(100000000));
	json_object_object_del(c, "package");
	json_object_object_add(t, "seals_per_secondary_token", json_object_new_int(100));
}

START_TEST(test_overflow)
{
	gxca_ctx *ctx = test_ctx();
	char *json = edited_policy(edit_huge);
	load(ctx, json);
	ck_assert_int_eq(price(ctx, 1, 3, 1, 100), INT64_C(10000000000));
	gxca_quote *q = NULL;
	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 1, UINT_MAX, 100), GXCA_ERANGE);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 1, 400000000, 100), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 1, 400000000, 100), GXCA_OK);
	ck_assert_int_eq(gxca_quote_add(q, 1, 3, 1, 400000000, 100), GXCA_ERANGE);
	ck_assert_uint_eq(gxca_quote_line_count(q), 2);
	ck_assert_int_eq(gxca_quote_total(q), INT64_C(8000000000000000000));
	/* Default seals: 1 + 100 × (tokens - 1) does not fit an unsigned. */
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 4, UINT_MAX, 0, -1), GXCA_ERANGE);
	ck_assert_uint_eq(gxca_quote_line_count(q), 2);
	gxca_quote_free(q);
	free(json);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_null_and_garbage)
{
	gxca_ctx *ctx = test_ctx();
	int64_t fen = 7;
	ck_assert_int_eq(gxca_tariff_price(NULL, 1, 1, 1, 1, &fen), GXCA_EINVAL);
	ck_assert_int_eq(fen, -1);
	ck_assert_int_eq(gxca_tariff_price(ctx, 1, 1, 1, 1, NULL), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	static const int bad[] = {0, 3, 6, -1, INT_MAX, INT_MIN};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ck_assert_int_eq(gxca_tariff_price(ctx, bad[k], 1, 1, 1, &fen), GXCA_EINVAL);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "applicant");
		if (bad[k] != 3) {
			ck_assert_int_eq(gxca_tariff_price(ctx, 1, bad[k], 1, 1, &fen), GXCA_EINVAL);
			ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "business");
		}
		ck_assert_int_eq(gxca_tariff_price(ctx, 1, 1, bad[k], 1, &fen), GXCA_EINVAL);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "item");
	}

	gxca_quote *q = (gxca_quote *)&fen;
	ck_assert_int_eq(gxca_quote_new(&q, NULL), GXCA_EINVAL);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(gxca_quote_new(NULL, ctx), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_add(NULL, 1, 1, 1, 1, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_add_order(NULL, 1, 1, 1, 1, -1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_total(NULL), -1);
	ck_assert_uint_eq(gxca_quote_line_count(NULL), 0);
	char *s = (char *)"x";
	ck_assert_int_eq(gxca_quote_to_json(NULL, &s), GXCA_EINVAL);
	ck_assert_ptr_null(s);
	gxca_quote_free(NULL);

	ck_assert_int_eq(gxca_quote_new(&q, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_quote_to_json(q, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 1, 0, 1), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "count");
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ck_assert_int_eq(gxca_quote_add(q, bad[k], 1, 1, 1, 1), GXCA_EINVAL);
		ck_assert_int_eq(gxca_quote_add(q, 1, 1, bad[k], 1, 1), GXCA_EINVAL);
		ck_assert_int_eq(gxca_quote_add_order(q, bad[k], 1, 1, 1, -1), GXCA_EINVAL);
		if (bad[k] != 3)
			ck_assert_int_eq(gxca_quote_add_order(q, 1, bad[k], 1, 1, -1), GXCA_EINVAL);
	}
	ck_assert_int_eq(gxca_quote_add_order(q, 1, 1, 1, INT_MIN, INT_MIN), GXCA_ETARIFF_YEARS);
	ck_assert_uint_eq(gxca_quote_line_count(q), 0);
	ck_assert_int_eq(gxca_quote_total(q), 0);
	ck_assert_int_eq(gxca_quote_add(q, 1, 1, 1, 1, 1), GXCA_OK);
	/* Getters out of range, NULL quote, bad language. */
	const gxca_quote *qs[] = {NULL, q};
	for (size_t k = 0; k < 2; k++) {
		size_t i = k ? 1 : 0;
		ck_assert_int_eq(gxca_quote_line_applicant(qs[k], i), 0);
		ck_assert_int_eq(gxca_quote_line_business(qs[k], i), 0);
		ck_assert_int_eq(gxca_quote_line_item(qs[k], i), 0);
		ck_assert_uint_eq(gxca_quote_line_quantity(qs[k], i), 0);
		ck_assert_int_eq(gxca_quote_line_years(qs[k], i), -1);
		ck_assert_int_eq(gxca_quote_line_unit_fen(qs[k], i), -1);
		ck_assert_int_eq(gxca_quote_line_amount_fen(qs[k], SIZE_MAX), -1);
		ck_assert_int_eq(gxca_quote_line_list_fen(qs[k], i), -1);
		ck_assert_int_eq(gxca_quote_line_discount_fen(qs[k], i), -1);
		ck_assert_ptr_null(gxca_quote_line_text(qs[k], i, GXCA_LANG_ZH));
	}
	ck_assert_ptr_null(gxca_quote_line_text(q, 0, 2));
	ck_assert_ptr_null(gxca_quote_line_text(q, 0, -1));
	ck_assert_ptr_nonnull(gxca_quote_line_text(q, 0, GXCA_LANG_EN));
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_alloc_failures)
{
	gxca_ctx *ctx = test_ctx();
	gxca_quote *q = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_quote_new(&q, ctx), (void)0);
	ck_assert_ptr_nonnull(q);
	/* Grow across the initial capacity so the array is reallocated. */
	for (int k = 0; k < 12; k++) {
		size_t n = gxca_quote_line_count(q);
		int64_t total = gxca_quote_total(q);
		for (long f = 0;; f++) {
			gxca__alloc_fail_after(f);
			int rc = gxca_quote_add_order(q, 1, 1, 3, 1 + k % 10, -1);
			gxca__alloc_fail_after(-1);
			if (rc == GXCA_OK)
				break;
			ck_assert_int_eq(rc, GXCA_ENOMEM);
			ck_assert_last_error(ctx, GXCA_ENOMEM);
			ck_assert_uint_eq(gxca_quote_line_count(q), n);
			ck_assert_int_eq(gxca_quote_total(q), total);
		}
		ck_assert_uint_eq(gxca_quote_line_count(q), n + 2);
	}
	char *s = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_quote_to_json(q, &s), gxca_free(s));
	gxca_quote_free(q);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *tariff_suite(void)
{
	Suite *s = suite_create("tariff");
	TCase *tc = tcase_create("price");
	tcase_add_test(tc, test_every_cell_default);
	tcase_add_test(tc, test_every_cell_edited_policy);
	tcase_add_test(tc, test_worked_examples);
	tcase_add_test(tc, test_not_offered);
	tcase_add_test(tc, test_years_out_of_range);
	tcase_add_test(tc, test_new_needs_renew);
	tcase_add_test(tc, test_null_and_garbage);
	suite_add_tcase(s, tc);
	tc = tcase_create("quote");
	tcase_add_test(tc, test_quote_lines_and_texts);
	tcase_add_test(tc, test_quote_json);
	tcase_add_test(tc, test_orders);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(tariff_suite)
