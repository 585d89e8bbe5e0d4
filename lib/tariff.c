/*
 * lib/tariff.c — prices and quotes (domain.md §6). The pricing rule is
 * stated in include/gxca/tariff.h; doc/man/gxca_tariff.3 repeats it.
 *
 * gxca_tariff_price() is the hot path (>= 10 M calls/s wanted): it reads the
 * parsed policy cells and does a few integer operations, no allocation.
 * Quotes allocate (one array of lines) and build JSON with json-c.
 */
#include "gxca-private.h"
#include "json-private.h"
#include "policy-private.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Texts, indexed by enum value - 1. */
static const char *const applicant_zh[] = {"单位用户", "个人用户"};
static const char *const business_zh[] = {"新办", "补办", "延期", "变更", "解锁"};
static const char *const business_en[] = {"new", "reissue", "renewal", "change", "unlock"};
static const char *const item_zh[] = {"CA数字证书", "电子签章"};
static const char *const item_en[] = {"CA digital certificate", "electronic seal"};

/*
 * One priced term of ONE item. Every combination the rule allows is a head
 * (NEW only: year 1 at the first-year price, or the NEW package for years
 * 1..Y), then some RENEW packages and some single RENEW years. Their order
 * does not change the price, so this canonical shape (head, packages,
 * single years) stands for all of them and is what a quote shows.
 */
struct plan {
	int kind;              /* gxca__price_kind: FLAT or TERM */
	int years;             /* the term; 0 for FLAT */
	int head_years;        /* 0 (RENEW, FLAT), 1 (first year) or the NEW package's years */
	int64_t head_fen, head_list_fen;
	int renew_pkgs, renew_pkg_years;
	int64_t renew_pkg_fen;
	int renew_years;       /* single years at per_year_fen after the packages */
	int64_t per_year_fen;
	int64_t fen, list_fen; /* price, and price before discounts */
};

static const struct gxca__price_cell *cell_of(const gxca_ctx *ctx, int a, int b, int i)
{
	return &ctx->policy->tariff.cell[a - 1][b - 1][i - 1];
}

static int check_enums(gxca_ctx *ctx, int a, int b)
{
	if (!gxca__applicant_ok(a))
		return gxca__failf(ctx, GXCA_EINVAL, "applicant", "未知申请人类型 %d",
				   "unknown applicant kind %d", a);
	if (!gxca__business_ok(b))
		return gxca__failf(ctx, GXCA_EINVAL, "business", "未知业务 %d", "unknown business %d", b);
	return GXCA_OK;
}

/* gxca__failf() formats both languages from the same arguments; these
 * messages order them differently, so each text is formatted on its own. */
#define MSG 256

static int fail_not_offered(gxca_ctx *ctx, int a, int b, int i)
{
	char zh[MSG], en[MSG];
	snprintf(zh, MSG, "%s%s业务不提供%s（%s）", applicant_zh[a - 1], business_zh[b - 1],
		 item_zh[i - 1], gxca_item_name(i));
	snprintf(en, MSG, "%s (%s) is not offered for %s %s", item_en[i - 1], gxca_item_name(i),
		 gxca_applicant_name(a), gxca_business_name(b));
	return gxca__fail(ctx, GXCA_ETARIFF_NOT_OFFERED, "item", zh, en);
}

/* A flat-priced business takes years 0 or 1 only. */
static int fail_flat_years(gxca_ctx *ctx, int b, int years)
{
	char zh[MSG], en[MSG];
	snprintf(zh, MSG, "%s业务不按年限计价，年限应为 0 或 1（收到 %d）", business_zh[b - 1], years);
	snprintf(en, MSG, "%s is not priced by term: years must be 0 or 1 (got %d)",
		 gxca_business_name(b), years);
	return gxca__fail(ctx, GXCA_ETARIFF_YEARS, "years", zh, en);
}

static int fail_no_renew(gxca_ctx *ctx, int a, int i)
{
	char zh[MSG], en[MSG];
	snprintf(zh, MSG, "%s%s（%s）不提供延期，新办只能为 1 年", applicant_zh[a - 1],
		 item_zh[i - 1], gxca_item_name(i));
	snprintf(en, MSG, "%s (%s) for %s: RENEW is not offered, so a NEW term can only be 1 year",
		 item_en[i - 1], gxca_item_name(i), gxca_applicant_name(a));
	return gxca__fail(ctx, GXCA_ETARIFF_NOT_OFFERED, "years", zh, en);
}

/*
 * Price the m years after the head as a RENEW term of cell r: the cheapest
 * number k of packages (0 <= k <= m / Y) with single years for the rest. The
 * cost is linear in k, but trying every k keeps this right for any policy.
 * A package is taken only when strictly cheaper (no zero "discounts").
 */
static void plan_renew_tail(const struct gxca__price_cell *r, int m, struct plan *p)
{
	int64_t best = 0;
	int best_k = 0;
	if (m > 0) {
		int kmax = r->package_years > 0 ? m / r->package_years : 0;
		best = (int64_t)m * r->per_year_fen;
		for (int k = 1; k <= kmax; k++) {
			int64_t cost = k * r->package_fen + (int64_t)(m - k * r->package_years) * r->per_year_fen;
			if (cost < best)
				best = cost, best_k = k;
		}
		p->per_year_fen = r->per_year_fen;
		p->renew_pkg_years = r->package_years;
		p->renew_pkg_fen = r->package_fen;
	}
	p->renew_pkgs = best_k;
	p->renew_years = m - best_k * p->renew_pkg_years;
	p->fen = p->head_fen + best;
	p->list_fen = p->head_list_fen + (int64_t)m * p->per_year_fen;
}

/* NEW term of n >= 1 years; r is the RENEW cell of the same item (offered when n > 1). */
static void plan_new(const struct gxca__price_cell *c, const struct gxca__price_cell *r, int n,
		     struct plan *p)
{
	p->head_years = 1;
	p->head_fen = p->head_list_fen = c->first_year_fen;
	plan_renew_tail(r, n - 1, p);
	int y = c->package_years;
	if (y > 0 && y <= n) {
		struct plan alt = *p;
		alt.head_years = y;
		alt.head_fen = c->package_fen;
		alt.head_list_fen = c->first_year_fen + (int64_t)(y - 1) * r->per_year_fen;
		plan_renew_tail(r, n - y, &alt);
		if (alt.fen < p->fen)
			*p = alt;
	}
}

/* Validate everything and price one item; the core of every call here. */
static int plan_item(gxca_ctx *ctx, int a, int b, int i, int years, struct plan *p)
{
	int rc = check_enums(ctx, a, b);
	if (rc)
		return rc;
	if (!gxca__item_ok(i))
		return gxca__failf(ctx, GXCA_EINVAL, "item", "未知项目 %d", "unknown item %d", i);
	const struct gxca__price_cell *c = cell_of(ctx, a, b, i);
	if (c->kind == GXCA__PRICE_NOT_OFFERED)
		return fail_not_offered(ctx, a, b, i);
	memset(p, 0, sizeof *p);
	p->kind = c->kind;
	if (c->kind == GXCA__PRICE_FLAT) {
		if (years != 0 && years != 1)
			return fail_flat_years(ctx, b, years);
		p->fen = p->list_fen = c->flat_fen;
		return GXCA_OK;
	}
	int max = ctx->policy->tariff.max_years;
	if (years < 1 || years > max)
		return gxca__failf(ctx, GXCA_ETARIFF_YEARS, "years", "年限应为 1 至 %d 年（收到 %d）",
				   "the term must be 1 to %d years (got %d)", max, years);
	p->years = years;
	if (b == GXCA_BIZ_RENEW) {
		plan_renew_tail(c, years, p);
		return GXCA_OK;
	}
	const struct gxca__price_cell *r = cell_of(ctx, a, GXCA_BIZ_RENEW, i);
	if (years > 1 && r->kind == GXCA__PRICE_NOT_OFFERED)
		return fail_no_renew(ctx, a, i);
	plan_new(c, r, years, p);
	return GXCA_OK;
}

int gxca_tariff_price(gxca_ctx *ctx, int applicant, int business, int item, int years, int64_t *fen)
{
	if (fen)
		*fen = -1;
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!fen)
		return gxca__fail(ctx, GXCA_EINVAL, "fen", "输出参数为空指针", "the output pointer is NULL");
	struct plan p;
	int rc = plan_item(ctx, applicant, business, item, years, &p);
	if (rc == GXCA_OK)
		*fen = p.fen;
	return rc;
}

/* ---- parts of a plan: what a quote shows ---------------------------------- */

/* A plan has at most a head, max_years / 2 packages (a package is >= 2
 * years, max_years <= 100 by the policy schema) and one run of single years. */
#define PARTS_MAX 64

struct part {
	const char *kind; /* first_year, new_package, renew_package, renew_years, flat */
	int business;     /* whose price: NEW or RENEW (or the flat business) */
	int from, to;     /* years, 1-based inclusive; 0 for flat */
	int64_t fen, list_fen;
	bool package;     /* a discount */
};

static void part_set(struct part *x, const char *kind, int business, int from, int to,
		     int64_t fen, int64_t list_fen, bool package)
{
	*x = (struct part){kind, business, from, to, fen, list_fen, package};
}

static size_t plan_parts(const struct plan *p, int business, struct part out[PARTS_MAX])
{
	size_t n = 0;
	if (p->kind == GXCA__PRICE_FLAT) {
		part_set(&out[n++], "flat", business, 0, 0, p->fen, p->list_fen, false);
		return n;
	}
	int y = 1;
	if (p->head_years > 0) {
		bool pkg = p->head_years > 1;
		part_set(&out[n++], pkg ? "new_package" : "first_year", GXCA_BIZ_NEW, 1,
			 p->head_years, p->head_fen, p->head_list_fen, pkg);
		y += p->head_years;
	}
	for (int k = 0; k < p->renew_pkgs && n < PARTS_MAX - 1; k++, y += p->renew_pkg_years)
		part_set(&out[n++], "renew_package", GXCA_BIZ_RENEW, y, y + p->renew_pkg_years - 1,
			 p->renew_pkg_fen, (int64_t)p->renew_pkg_years * p->per_year_fen, true);
	if (p->renew_years > 0)
		part_set(&out[n++], "renew_years", GXCA_BIZ_RENEW, y, y + p->renew_years - 1,
			 (int64_t)p->renew_years * p->per_year_fen,
			 (int64_t)p->renew_years * p->per_year_fen, false);
	return n;
}

/* "450.00" */
static void yuan(char buf[32], int64_t fen)
{
	snprintf(buf, 32, "%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
}

static void discount_text(const struct part *x, char zh[256], char en[256])
{
	char list[32], price[32], off[32];
	yuan(list, x->list_fen);
	yuan(price, x->fen);
	yuan(off, x->list_fen - x->fen);
	int years = x->to - x->from + 1;
	snprintf(zh, 256, "%s%d年套餐替代第%d-%d年：原价 %s 元，套餐价 %s 元，优惠 %s 元",
		 business_zh[x->business - 1], years, x->from, x->to, list, price, off);
	snprintf(en, 256, "%d-year %s package replaces years %d-%d: list %s, price %s, discount %s CNY",
		 years, business_en[x->business - 1], x->from, x->to, list, price, off);
}

/* ---- quotes --------------------------------------------------------------- */

#define LINE_TEXT 160

struct line {
	int applicant, business, item;
	unsigned count;
	struct plan plan;
	int64_t amount_fen, list_fen;
	char text[2][LINE_TEXT]; /* [GXCA_LANG_ZH], [GXCA_LANG_EN] */
};

struct gxca_quote {
	gxca_ctx *ctx; /* borrowed */
	struct line *line;
	size_t n, cap;
	int64_t total;
};

int gxca_quote_new(gxca_quote **out, gxca_ctx *ctx)
{
	if (out)
		*out = NULL;
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out)
		return gxca__fail(ctx, GXCA_EINVAL, "out", "输出参数为空指针", "the output pointer is NULL");
	gxca_quote *q = gxca__calloc(1, sizeof *q);
	if (!q)
		return gxca__oom(ctx);
	q->ctx = ctx;
	*out = q;
	return GXCA_OK;
}

void gxca_quote_free(gxca_quote *q)
{
	if (!q)
		return;
	gxca__free(q->line);
	gxca__free(q);
}

/* Is the whole term exactly one package? Then the text says so. */
static int single_package_years(const struct plan *p)
{
	if (p->head_years > 1 && p->renew_pkgs == 0 && p->renew_years == 0)
		return p->head_years;
	if (p->head_years == 0 && p->renew_pkgs == 1 && p->renew_years == 0)
		return p->renew_pkg_years;
	return 0;
}

static void line_text(struct line *l)
{
	char *zh = l->text[GXCA_LANG_ZH], *en = l->text[GXCA_LANG_EN];
	const char *iz = item_zh[l->item - 1], *bz = business_zh[l->business - 1];
	const char *ie = item_en[l->item - 1], *be = business_en[l->business - 1];
	int pkg = single_package_years(&l->plan), y = l->plan.years;
	if (l->plan.kind == GXCA__PRICE_FLAT) {
		snprintf(zh, LINE_TEXT, "%s %s ×%u", iz, bz, l->count);
		snprintf(en, LINE_TEXT, "%s, %s ×%u", ie, be, l->count);
	} else if (pkg) {
		snprintf(zh, LINE_TEXT, "%s %s %d年套餐 ×%u", iz, bz, pkg, l->count);
		snprintf(en, LINE_TEXT, "%s, %s, %d-year package ×%u", ie, be, pkg, l->count);
	} else {
		snprintf(zh, LINE_TEXT, "%s %s %d年 ×%u", iz, bz, y, l->count);
		snprintf(en, LINE_TEXT, "%s, %s, %d year%s ×%u", ie, be, y, y == 1 ? "" : "s", l->count);
	}
}

static int fail_overflow(gxca_ctx *ctx)
{
	return gxca__fail(ctx, GXCA_ERANGE, "count", "金额超出范围", "the amount is out of range");
}

static int make_line(gxca_quote *q, int a, int b, int i, unsigned count, int years, struct line *l)
{
	memset(l, 0, sizeof *l);
	int rc = plan_item(q->ctx, a, b, i, years, &l->plan);
	if (rc)
		return rc;
	if (__builtin_mul_overflow(l->plan.fen, (int64_t)count, &l->amount_fen) ||
	    __builtin_mul_overflow(l->plan.list_fen, (int64_t)count, &l->list_fen))
		return fail_overflow(q->ctx);
	l->applicant = a, l->business = b, l->item = i, l->count = count;
	line_text(l);
	return GXCA_OK;
}

/* Append n lines, all or none. */
static int append_lines(gxca_quote *q, const struct line *l, size_t n)
{
	int64_t total = q->total;
	for (size_t k = 0; k < n; k++)
		if (__builtin_add_overflow(total, l[k].amount_fen, &total))
			return fail_overflow(q->ctx);
	if (q->n + n > q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 4;
		struct line *nl = gxca__realloc(q->line, cap * sizeof *nl);
		if (!nl)
			return gxca__oom(q->ctx);
		q->line = nl, q->cap = cap;
	}
	memcpy(q->line + q->n, l, n * sizeof *l);
	q->n += n;
	q->total = total;
	return GXCA_OK;
}

int gxca_quote_add(gxca_quote *q, int applicant, int business, int item, unsigned count, int years)
{
	if (!q)
		return GXCA_EINVAL;
	gxca__clear(q->ctx);
	if (count == 0)
		return gxca__fail(q->ctx, GXCA_EINVAL, "count", "数量至少为 1", "the count must be at least 1");
	struct line l;
	int rc = make_line(q, applicant, business, item, count, years, &l);
	return rc ? rc : append_lines(q, &l, 1);
}

/* Seals of an order: explicit, or the policy default when seals < 0. */
static int order_seals(gxca_quote *q, int a, int b, unsigned tokens, int seals, unsigned *out)
{
	*out = seals >= 0 ? (unsigned)seals : 0;
	if (seals >= 0 || tokens == 0 || cell_of(q->ctx, a, b, GXCA_ITEM_SEAL)->kind == GXCA__PRICE_NOT_OFFERED)
		return GXCA_OK;
	const struct gxca__tariff_policy *t = &q->ctx->policy->tariff;
	uint64_t n = (uint64_t)t->seals_per_master + (uint64_t)(tokens - 1) * (uint64_t)t->seals_per_secondary;
	if (n > UINT_MAX)
		return gxca__fail(q->ctx, GXCA_ERANGE, "tokens", "印章数量超出范围", "too many seals");
	*out = (unsigned)n;
	return GXCA_OK;
}

int gxca_quote_add_order(gxca_quote *q, int applicant, int business, unsigned tokens, int years, int seals)
{
	if (!q)
		return GXCA_EINVAL;
	gxca__clear(q->ctx);
	int rc = check_enums(q->ctx, applicant, business);
	unsigned n_seals = 0;
	if (rc || (rc = order_seals(q, applicant, business, tokens, seals, &n_seals)))
		return rc;
	if (tokens == 0 && n_seals == 0)
		return gxca__fail(q->ctx, GXCA_EINVAL, "tokens", "订单既无证书锁也无签章",
				  "the order has neither tokens nor seals");
	struct line l[2];
	size_t n = 0;
	bool cert = cell_of(q->ctx, applicant, business, GXCA_ITEM_CERT)->kind != GXCA__PRICE_NOT_OFFERED;
	if (tokens > 0 && cert &&
	    (rc = make_line(q, applicant, business, GXCA_ITEM_CERT, tokens, years, &l[n++])))
		return rc;
	if (n_seals > 0 &&
	    (rc = make_line(q, applicant, business, GXCA_ITEM_SEAL, n_seals, years, &l[n++])))
		return rc;
	if (n == 0) /* tokens whose CERT is not offered, and no seal */
		return fail_not_offered(q->ctx, applicant, business, GXCA_ITEM_CERT);
	return append_lines(q, l, n);
}

int64_t gxca_quote_total(const gxca_quote *q) { return q ? q->total : -1; }
size_t gxca_quote_line_count(const gxca_quote *q) { return q ? q->n : 0; }

static const struct line *line_at(const gxca_quote *q, size_t i)
{
	return q && i < q->n ? &q->line[i] : NULL;
}

int gxca_quote_line_applicant(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->applicant : 0;
}

int gxca_quote_line_business(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->business : 0;
}

int gxca_quote_line_item(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->item : 0;
}

unsigned gxca_quote_line_quantity(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->count : 0;
}

int gxca_quote_line_years(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->plan.years : -1;
}

int64_t gxca_quote_line_unit_fen(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->plan.fen : -1;
}

int64_t gxca_quote_line_amount_fen(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->amount_fen : -1;
}

int64_t gxca_quote_line_list_fen(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->list_fen : -1;
}

int64_t gxca_quote_line_discount_fen(const gxca_quote *q, size_t i)
{
	const struct line *l = line_at(q, i);
	return l ? l->list_fen - l->amount_fen : -1;
}

const char *gxca_quote_line_text(const gxca_quote *q, size_t i, int lang)
{
	const struct line *l = line_at(q, i);
	if (!l || (lang != GXCA_LANG_ZH && lang != GXCA_LANG_EN))
		return NULL;
	return l->text[lang];
}

/* ---- JSON ----------------------------------------------------------------- */

/* Add v to o under k (takes v); false when v is NULL or the add fails. */
static bool put(json_object *o, const char *k, json_object *v)
{
	if (v && json_object_object_add(o, k, v) == 0)
		return true;
	json_object_put(v);
	return false;
}

static bool push(json_object *arr, json_object *v)
{
	if (v && json_object_array_add(arr, v) == 0)
		return true;
	json_object_put(v);
	return false;
}

static bool put_i64(json_object *o, const char *k, int64_t v) { return put(o, k, json_object_new_int64(v)); }
static bool put_str(json_object *o, const char *k, const char *v) { return put(o, k, json_object_new_string(v)); }

static json_object *part_json(const struct part *x)
{
	json_object *o = json_object_new_object();
	bool ok = o && put_str(o, "kind", x->kind) && put_i64(o, "from_year", x->from) &&
		  put_i64(o, "to_year", x->to) && put_i64(o, "fen", x->fen) &&
		  put_i64(o, "list_fen", x->list_fen);
	if (!ok)
		json_object_put(o);
	return ok ? o : NULL;
}

static json_object *discount_json(const struct part *x)
{
	char zh[256], en[256];
	discount_text(x, zh, en);
	json_object *o = json_object_new_object();
	bool ok = o && put_str(o, "business", gxca_business_name(x->business)) &&
		  put_i64(o, "package_years", x->to - x->from + 1) && put_i64(o, "from_year", x->from) &&
		  put_i64(o, "to_year", x->to) && put_i64(o, "list_fen", x->list_fen) &&
		  put_i64(o, "price_fen", x->fen) && put_i64(o, "discount_fen", x->list_fen - x->fen) &&
		  put_str(o, "zh", zh) && put_str(o, "en", en);
	if (!ok)
		json_object_put(o);
	return ok ? o : NULL;
}

/* "parts" and "discounts" of a line. */
static bool put_parts(json_object *o, const struct line *l)
{
	struct part parts[PARTS_MAX];
	size_t n = plan_parts(&l->plan, l->business, parts);
	json_object *pa = json_object_new_array(), *da = json_object_new_array();
	bool ok = pa && da;
	for (size_t k = 0; ok && k < n; k++)
		ok = push(pa, part_json(&parts[k])) && (!parts[k].package || push(da, discount_json(&parts[k])));
	if (!ok) {
		json_object_put(pa);
		json_object_put(da);
		return false;
	}
	bool ok_parts = put(o, "parts", pa); /* put() takes pa even when it fails */
	return put(o, "discounts", da) && ok_parts;
}

static json_object *line_json(const struct line *l)
{
	json_object *o = json_object_new_object();
	bool ok = o && put_str(o, "applicant", gxca_applicant_name(l->applicant)) &&
		  put_str(o, "business", gxca_business_name(l->business)) &&
		  put_str(o, "item", gxca_item_name(l->item)) && put_i64(o, "count", l->count) &&
		  put_i64(o, "years", l->plan.years) && put_i64(o, "unit_fen", l->plan.fen) &&
		  put_i64(o, "unit_list_fen", l->plan.list_fen) && put_i64(o, "list_fen", l->list_fen) &&
		  put_i64(o, "discount_fen", l->list_fen - l->amount_fen) &&
		  put_i64(o, "amount_fen", l->amount_fen) && put_str(o, "zh", l->text[GXCA_LANG_ZH]) &&
		  put_str(o, "en", l->text[GXCA_LANG_EN]) && put_parts(o, l);
	if (!ok)
		json_object_put(o);
	return ok ? o : NULL;
}

int gxca_quote_to_json(const gxca_quote *q, char **out)
{
	if (out)
		*out = NULL;
	if (!q)
		return GXCA_EINVAL;
	gxca__clear(q->ctx);
	if (!out)
		return gxca__fail(q->ctx, GXCA_EINVAL, "out", "输出参数为空指针", "the output pointer is NULL");
	json_object *root = json_object_new_object(), *lines = json_object_new_array();
	bool ok = root && lines && put_i64(root, "total_fen", q->total);
	for (size_t i = 0; ok && i < q->n; i++)
		ok = push(lines, line_json(&q->line[i]));
	if (ok)
		ok = put(root, "lines", lines);
	else
		json_object_put(lines);
	*out = ok ? gxca__json_dump(root, false) : NULL;
	json_object_put(root);
	return *out ? GXCA_OK : gxca__oom(q->ctx);
}
