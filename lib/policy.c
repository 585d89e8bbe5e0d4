/*
 * lib/policy.c — the policy: parsed from JSON, checked completely, shared.
 * Schema: doc/policy-json.md. The built-in policy is lib/policy-default.json.
 */
#include "policy-private.h"
#include "json-private.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char gxca__policy_default_json[];
extern const size_t gxca__policy_default_json_len;

#define MAX_TEXT 1024
#define MAX_FEN  INT64_C(100000000) /* one million yuan: anything above is a typo */

/* ---- freeing ---- */

static void free_sites(struct gxca_policy *p)
{
	for (size_t i = 0; i < p->n_site; i++) {
		struct gxca__site *s = &p->site[i];
		gxca__free(s->id);
		gxca__free(s->region);
		gxca__free(s->region_en);
		gxca__free(s->address);
		gxca__free(s->phone);
		gxca__free(s->span);
	}
	gxca__free(p->site);
}

static void policy_free(struct gxca_policy *p)
{
	if (!p)
		return;
	char **strs[] = {&p->name, &p->platform_code, &p->platform_name, &p->ca_name,
			 &p->ca_short_name, &p->hotline, &p->mailbox, &p->initial_pin,
			 &p->materials.rebid_zh, &p->materials.rebid_en, &p->ca.sm2_id,
			 &p->ca.policy_oid, &p->ca.crl_url, &p->ca.ocsp_url, &p->ca.ca_issuers_url};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(strs); i++)
		gxca__free(*strs[i]);
	for (size_t i = 0; i < GXCA__N_MATERIAL; i++) {
		gxca__free(p->materials.item[i].zh);
		gxca__free(p->materials.item[i].en);
	}
	gxca__free(p->materials.rule);
	free_sites(p);
	for (size_t i = 0; i < p->n_year; i++) {
		gxca__free(p->year[i].holiday);
		gxca__free(p->year[i].workday);
	}
	gxca__free(p->year);
	gxca__free(p);
}

void gxca__policy_ref(struct gxca_policy *p)
{
	if (p)
		__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void gxca__policy_unref(struct gxca_policy *p)
{
	if (p && __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
		policy_free(p);
}

/* ---- small readers ---- */

static int read_int(gxca__jr *j, json_object *o, const char *key, int64_t min, int64_t max, int *out)
{
	int64_t v = 0;
	int rc = gxca__jr_int(j, o, key, true, min, max, &v);
	if (!rc)
		*out = (int)v;
	return rc;
}

/* A list of business names into a bit mask (bit business-1). */
static int read_business_list(gxca__jr *j, json_object *o, const char *key, unsigned *mask)
{
	json_object *arr = NULL;
	int rc = gxca__jr_get(j, o, key, json_type_array, true, &arr);
	if (rc)
		return rc;
	size_t mark = gxca__jr_key(j, key);
	*mask = 0;
	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		size_t m2 = gxca__jr_idx(j, i);
		int b = 0;
		rc = gxca__jr_enum(j, json_object_array_get_idx(arr, i), gxca_business_from_name, &b);
		if (!rc)
			*mask |= 1u << (b - 1);
		gxca__jr_pop(j, m2);
	}
	if (!rc && !*mask)
		rc = gxca__jr_fail(j, "列表不能为空", "list must not be empty");
	gxca__jr_pop(j, mark);
	return rc;
}

/* Enter object member key (required): returns it, path pushed; pop with mark. */
static int enter(gxca__jr *j, json_object *o, const char *key, const char *const *allowed,
		 json_object **out, size_t *mark)
{
	int rc = gxca__jr_get(j, o, key, json_type_object, true, out);
	if (rc)
		return rc;
	*mark = gxca__jr_key(j, key);
	if (allowed && (rc = gxca__jr_only(j, *out, allowed)) != 0)
		gxca__jr_pop(j, *mark);
	return rc;
}

/* ---- sections ---- */

static int parse_general(gxca__jr *j, json_object *root, struct gxca_policy *p)
{
	static const char *const k_plat[] = {"code", "name", NULL};
	static const char *const k_serv[] = {"ca_name", "ca_short_name", "hotline", "mailbox", "agreements", NULL};
	static const char *const k_tok[] = {"initial_pin", "pin_min_length", "pin_max_length", NULL};
	static const char *const k_dl[] = {"invoice_working_days", "mail_working_days",
					   "revocation_request_hours", "revocation_hours", NULL};
	json_object *o;
	size_t mark;
	int rc;

	if ((rc = gxca__jr_str(j, root, "name", false, MAX_TEXT, &p->name)))
		return rc;
	if ((rc = enter(j, root, "platform", k_plat, &o, &mark)))
		return rc;
	if (!(rc = gxca__jr_str(j, o, "code", true, 16, &p->platform_code)))
		rc = gxca__jr_str(j, o, "name", true, MAX_TEXT, &p->platform_name);
	gxca__jr_pop(j, mark);
	if (rc || (rc = enter(j, root, "service", k_serv, &o, &mark)))
		return rc;
	json_object *agreements = NULL;
	if (!(rc = gxca__jr_str(j, o, "ca_name", true, MAX_TEXT, &p->ca_name)) &&
	    !(rc = gxca__jr_str(j, o, "ca_short_name", true, MAX_TEXT, &p->ca_short_name)) &&
	    !(rc = gxca__jr_str(j, o, "hotline", true, 64, &p->hotline)) &&
	    !(rc = gxca__jr_str(j, o, "mailbox", true, 256, &p->mailbox)))
		rc = gxca__jr_get(j, o, "agreements", json_type_array, false, &agreements);
	gxca__jr_pop(j, mark);
	if (rc || (rc = enter(j, root, "token", k_tok, &o, &mark)))
		return rc;
	if (!(rc = gxca__jr_str(j, o, "initial_pin", true, 64, &p->initial_pin)) &&
	    !(rc = read_int(j, o, "pin_min_length", 4, 64, &p->pin_min_len)))
		rc = read_int(j, o, "pin_max_length", p->pin_min_len, 64, &p->pin_max_len);
	gxca__jr_pop(j, mark);
	if (rc || (rc = enter(j, root, "deadlines", k_dl, &o, &mark)))
		return rc;
	if (!(rc = read_int(j, o, "invoice_working_days", 0, 366, &p->invoice_working_days)) &&
	    !(rc = read_int(j, o, "mail_working_days", 0, 366, &p->mail_working_days)) &&
	    !(rc = read_int(j, o, "revocation_request_hours", 1, 24 * 366, &p->revocation_request_hours)))
		rc = read_int(j, o, "revocation_hours", 1, 24 * 366, &p->revocation_hours);
	gxca__jr_pop(j, mark);
	return rc;
}

static int parse_channels(gxca__jr *j, json_object *root, struct gxca_policy *p)
{
	static const char *const k_ch[] = {"MAIL", "ONSITE", NULL};
	static const char *const k_one[] = {"zh", "en", "businesses", "courier", "archive_suffix", "payment", NULL};
	static const char *const names[] = {"MAIL", "ONSITE"};
	json_object *o, *c;
	size_t mark, m2;
	int rc = enter(j, root, "channels", k_ch, &o, &mark);
	for (size_t i = 0; !rc && i < 2; i++) {
		if ((rc = enter(j, o, names[i], k_one, &c, &m2)))
			break;
		rc = read_business_list(j, c, "businesses", &p->channel_business_mask[i]);
		gxca__jr_pop(j, m2);
	}
	if (!rc)
		gxca__jr_pop(j, mark);
	return rc;
}

static int parse_price_cell(gxca__jr *j, json_object *v, int business, struct gxca__price_cell *c)
{
	static const char *const k_cell[] = {"flat", "first_year", "per_year", "package", NULL};
	static const char *const k_pkg[] = {"years", "fen", NULL};
	memset(c, 0, sizeof *c);
	c->first_year_fen = c->per_year_fen = -1;
	if (!v)
		return GXCA_OK; /* JSON null: not offered */
	if (!json_object_is_type(v, json_type_object))
		return gxca__jr_fail(j, "应为对象或 null（不提供）", "expected an object, or null (not offered)");
	int rc = gxca__jr_only(j, v, k_cell);
	bool term = business == GXCA_BIZ_NEW || business == GXCA_BIZ_RENEW;
	const char *need = business == GXCA_BIZ_NEW ? "first_year" : business == GXCA_BIZ_RENEW ? "per_year" : "flat";
	json_object *tmp = NULL;
	const char *const keys[] = {"flat", "first_year", "per_year"};
	for (size_t i = 0; !rc && i < 3; i++) {
		bool want = strcmp(keys[i], need) == 0;
		if (!want && json_object_object_get_ex(v, keys[i], &tmp)) {
			size_t mark = gxca__jr_key(j, keys[i]);
			rc = gxca__jr_fail(j, "此业务不使用该计价方式", "this pricing does not apply to this business");
			gxca__jr_pop(j, mark);
		}
	}
	int64_t *dst = business == GXCA_BIZ_NEW ? &c->first_year_fen
		     : business == GXCA_BIZ_RENEW ? &c->per_year_fen : &c->flat_fen;
	if (!rc)
		rc = gxca__jr_int(j, v, need, true, 0, MAX_FEN, dst);
	json_object *pkg = NULL;
	if (!rc)
		rc = gxca__jr_get(j, v, "package", json_type_object, false, &pkg);
	if (!rc && pkg && !term) {
		size_t mark = gxca__jr_key(j, "package");
		rc = gxca__jr_fail(j, "只有新办和延期可以有套餐", "only NEW and RENEW can have a package");
		gxca__jr_pop(j, mark);
	}
	if (!rc && pkg) {
		size_t mark = gxca__jr_key(j, "package");
		int64_t years = 0;
		if (!(rc = gxca__jr_only(j, pkg, k_pkg)) &&
		    !(rc = gxca__jr_int(j, pkg, "years", true, 2, 100, &years)))
			rc = gxca__jr_int(j, pkg, "fen", true, 0, MAX_FEN, &c->package_fen);
		c->package_years = (int)years;
		gxca__jr_pop(j, mark);
	}
	c->kind = term ? GXCA__PRICE_TERM : GXCA__PRICE_FLAT;
	return rc;
}

static int parse_tariff(gxca__jr *j, json_object *root, struct gxca__tariff_policy *t)
{
	static const char *const k_t[] = {"max_years", "seals_per_master_token", "seals_per_secondary_token", "prices", NULL};
	static const char *const k_app[] = {"ORG", "PERSON", NULL};
	static const char *const k_biz[] = {"NEW", "REISSUE", "RENEW", "CHANGE", "UNLOCK", NULL};
	static const char *const k_item[] = {"CERT", "SEAL", NULL};
	json_object *o, *prices, *ao, *bo;
	size_t mark, m1, m2, m3;
	int rc = enter(j, root, "tariff", k_t, &o, &mark);
	if (rc)
		return rc;
	if ((rc = read_int(j, o, "max_years", 1, 100, &t->max_years)) ||
	    (rc = read_int(j, o, "seals_per_master_token", 0, 100, &t->seals_per_master)) ||
	    (rc = read_int(j, o, "seals_per_secondary_token", 0, 100, &t->seals_per_secondary)) ||
	    (rc = enter(j, o, "prices", k_app, &prices, &m1)))
		return rc;
	for (int a = 0; !rc && a < GXCA__N_APPLICANT; a++) {
		if ((rc = enter(j, prices, k_app[a], k_biz, &ao, &m2)))
			return rc;
		for (int b = 0; !rc && b < GXCA__N_BUSINESS; b++) {
			if ((rc = enter(j, ao, k_biz[b], k_item, &bo, &m3)))
				return rc;
			for (int i = 0; !rc && i < GXCA__N_ITEM; i++) {
				json_object *v = NULL;
				if (!json_object_object_get_ex(bo, k_item[i], &v)) {
					size_t m4 = gxca__jr_key(j, k_item[i]);
					rc = gxca__jr_fail(j, "缺少必需成员（不提供请写 null）",
							   "required member missing (write null for not offered)");
					gxca__jr_pop(j, m4);
					break;
				}
				size_t m4 = gxca__jr_key(j, k_item[i]);
				rc = parse_price_cell(j, v, b + 1, &t->cell[a][b][i]);
				gxca__jr_pop(j, m4);
			}
			gxca__jr_pop(j, m3);
		}
		gxca__jr_pop(j, m2);
	}
	gxca__jr_pop(j, m1);
	gxca__jr_pop(j, mark);
	return rc;
}

static int parse_material_items(gxca__jr *j, json_object *o, struct gxca__materials_policy *m)
{
	static const char *const k_item[] = {"zh", "en", "stamped", "signed", "original", "physical", NULL};
	static const char *const flags[] = {"stamped", "signed", "original", "physical"};
	json_object *items;
	size_t mark;
	int rc = enter(j, o, "items", NULL, &items, &mark);
	if (rc)
		return rc;
	json_object_object_foreach(items, key, val) {
		size_t m2 = gxca__jr_key(j, key);
		int id = gxca_material_from_name(key);
		if (!id)
			rc = gxca__jr_fail(j, "未知材料", "unknown material");
		else if (!json_object_is_type(val, json_type_object))
			rc = gxca__jr_fail(j, "应为对象", "expected object");
		else
			rc = gxca__jr_only(j, val, k_item);
		struct gxca__material_item *it = rc ? NULL : &m->item[id - 1];
		if (it && !(rc = gxca__jr_str(j, val, "zh", true, MAX_TEXT, &it->zh)))
			rc = gxca__jr_str(j, val, "en", true, MAX_TEXT, &it->en);
		for (size_t f = 0; !rc && f < GXCA_ARRAY_LEN(flags); f++) {
			bool on = false;
			rc = gxca__jr_bool(j, val, flags[f], false, &on);
			if (on)
				it->flags |= 1u << f;
		}
		gxca__jr_pop(j, m2);
		if (rc)
			return rc;
	}
	for (int i = 0; i < GXCA__N_MATERIAL; i++) {
		if (!m->item[i].zh) {
			size_t m2 = gxca__jr_key(j, gxca_material_name(i + 1));
			rc = gxca__jr_fail(j, "缺少该材料的定义", "material definition missing");
			gxca__jr_pop(j, m2);
			return rc;
		}
	}
	gxca__jr_pop(j, mark);
	return GXCA_OK;
}

static int parse_material_rule(gxca__jr *j, json_object *v, struct gxca__material_rule *r)
{
	static const char *const k_rule[] = {"applicant", "businesses", "material", "when_proxy",
					     "unless_only_changes", NULL};
	json_object *x = NULL, *arr = NULL;
	int rc;
	if (!json_object_is_type(v, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected object");
	if ((rc = gxca__jr_only(j, v, k_rule)) ||
	    (rc = gxca__jr_get(j, v, "applicant", json_type_string, true, &x)))
		return rc;
	size_t mark = gxca__jr_key(j, "applicant");
	rc = gxca__jr_enum(j, x, gxca_applicant_from_name, &r->applicant);
	gxca__jr_pop(j, mark);
	if (rc || (rc = read_business_list(j, v, "businesses", &r->business_mask)) ||
	    (rc = gxca__jr_get(j, v, "material", json_type_string, true, &x)))
		return rc;
	mark = gxca__jr_key(j, "material");
	rc = gxca__jr_enum(j, x, gxca_material_from_name, &r->material);
	gxca__jr_pop(j, mark);
	if (rc || (rc = gxca__jr_bool(j, v, "when_proxy", false, &r->when_proxy)) ||
	    (rc = gxca__jr_get(j, v, "unless_only_changes", json_type_array, false, &arr)) || !arr)
		return rc;
	mark = gxca__jr_key(j, "unless_only_changes");
	static const char *const changes[] = {"NAME", "LEGAL_REP", "SEAL_TEMPLATE"};
	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		size_t m2 = gxca__jr_idx(j, i);
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
		size_t k = 0;
		while (k < 3 && !(s && strcmp(s, changes[k]) == 0))
			k++;
		if (k == 3)
			rc = gxca__jr_fail(j, "未知变更类型", "unknown change kind");
		else
			r->unless_only_changes |= 1u << k;
		gxca__jr_pop(j, m2);
	}
	gxca__jr_pop(j, mark);
	return rc;
}

static int parse_materials(gxca__jr *j, json_object *root, struct gxca__materials_policy *m)
{
	static const char *const k_m[] = {"items", "rules", "rebid_warning", NULL};
	static const char *const k_w[] = {"businesses", "zh", "en", NULL};
	json_object *o, *rules, *w;
	size_t mark, m2;
	int rc = enter(j, root, "materials", k_m, &o, &mark);
	if (rc || (rc = parse_material_items(j, o, m)) ||
	    (rc = gxca__jr_get(j, o, "rules", json_type_array, true, &rules)))
		return rc;
	size_t n = json_object_array_length(rules);
	m->rule = gxca__calloc(n, sizeof *m->rule);
	if (!m->rule)
		return gxca__oom(j->ctx);
	m->n_rule = n;
	m2 = gxca__jr_key(j, "rules");
	for (size_t i = 0; !rc && i < n; i++) {
		size_t m3 = gxca__jr_idx(j, i);
		rc = parse_material_rule(j, json_object_array_get_idx(rules, i), &m->rule[i]);
		gxca__jr_pop(j, m3);
	}
	gxca__jr_pop(j, m2);
	if (rc || (rc = enter(j, o, "rebid_warning", k_w, &w, &m2)))
		return rc;
	if (!(rc = read_business_list(j, w, "businesses", &m->rebid_business_mask)) &&
	    !(rc = gxca__jr_str(j, w, "zh", true, MAX_TEXT, &m->rebid_zh)))
		rc = gxca__jr_str(j, w, "en", true, MAX_TEXT, &m->rebid_en);
	gxca__jr_pop(j, m2);
	gxca__jr_pop(j, mark);
	return rc;
}

/* "HH:MM" -> minutes after midnight; -1 if malformed. */
static int parse_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	return h <= 24 && m < 60 && h * 60 + m <= 24 * 60 ? h * 60 + m : -1;
}

static int parse_span(gxca__jr *j, json_object *v, struct gxca__hours_span *sp)
{
	static const char *const k_span[] = {"from", "to", "months", NULL};
	json_object *x = NULL, *months = NULL;
	int rc;
	if (!json_object_is_type(v, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected object");
	if ((rc = gxca__jr_only(j, v, k_span)))
		return rc;
	const char *keys[] = {"from", "to"};
	int *dst[] = {&sp->from_min, &sp->to_min};
	for (int k = 0; k < 2; k++) {
		if ((rc = gxca__jr_get(j, v, keys[k], json_type_string, true, &x)))
			return rc;
		*dst[k] = parse_hhmm(json_object_get_string(x));
		if (*dst[k] < 0) {
			size_t mark = gxca__jr_key(j, keys[k]);
			rc = gxca__jr_fail(j, "时间应为 HH:MM", "time must be HH:MM");
			gxca__jr_pop(j, mark);
			return rc;
		}
	}
	if (sp->to_min <= sp->from_min) {
		size_t mark = gxca__jr_key(j, "to");
		rc = gxca__jr_fail(j, "结束时间须晚于开始时间", "end must be after start");
		gxca__jr_pop(j, mark);
		return rc;
	}
	if ((rc = gxca__jr_get(j, v, "months", json_type_array, false, &months)))
		return rc;
	sp->month_mask = months ? 0 : 0x1FFEu; /* bits 1..12 */
	size_t mark = gxca__jr_key(j, "months");
	for (size_t i = 0; months && !rc && i < json_object_array_length(months); i++) {
		json_object *e = json_object_array_get_idx(months, i);
		int64_t mo = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : 0;
		size_t m2 = gxca__jr_idx(j, i);
		if (mo < 1 || mo > 12)
			rc = gxca__jr_fail(j, "月份应为 1 到 12", "month must be 1 to 12");
		else
			sp->month_mask |= 1u << mo;
		gxca__jr_pop(j, m2);
	}
	if (!rc && !sp->month_mask)
		rc = gxca__jr_fail(j, "月份列表不能为空", "month list must not be empty");
	gxca__jr_pop(j, mark);
	return rc;
}

static int parse_site(gxca__jr *j, json_object *v, struct gxca__site *s)
{
	static const char *const k_site[] = {"id", "region", "region_en", "address", "phone", "hours", NULL};
	json_object *hours = NULL;
	int rc;
	if (!json_object_is_type(v, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected object");
	if ((rc = gxca__jr_only(j, v, k_site)) || (rc = gxca__jr_str(j, v, "id", true, 64, &s->id)) ||
	    (rc = gxca__jr_str(j, v, "region", true, MAX_TEXT, &s->region)) ||
	    (rc = gxca__jr_str(j, v, "region_en", true, MAX_TEXT, &s->region_en)) ||
	    (rc = gxca__jr_str(j, v, "address", true, MAX_TEXT, &s->address)) ||
	    (rc = gxca__jr_str(j, v, "phone", true, 64, &s->phone)) ||
	    (rc = gxca__jr_get(j, v, "hours", json_type_array, true, &hours)))
		return rc;
	size_t n = json_object_array_length(hours);
	size_t mark = gxca__jr_key(j, "hours");
	if (n == 0 || n > 32)
		rc = gxca__jr_fail(j, "应有 1 到 32 个时段", "must have 1 to 32 spans");
	else if (!(s->span = gxca__calloc(n, sizeof *s->span)))
		rc = gxca__oom(j->ctx);
	for (size_t i = 0; !rc && i < n; i++, s->n_span++) {
		size_t m2 = gxca__jr_idx(j, i);
		rc = parse_span(j, json_object_array_get_idx(hours, i), &s->span[i]);
		gxca__jr_pop(j, m2);
	}
	gxca__jr_pop(j, mark);
	return rc;
}

static int parse_sites(gxca__jr *j, json_object *root, struct gxca_policy *p)
{
	json_object *arr;
	int rc = gxca__jr_get(j, root, "sites", json_type_array, true, &arr);
	if (rc)
		return rc;
	size_t n = json_object_array_length(arr);
	size_t mark = gxca__jr_key(j, "sites");
	if (n == 0 || n > 1000)
		rc = gxca__jr_fail(j, "应有 1 到 1000 个地点", "must have 1 to 1000 sites");
	else if (!(p->site = gxca__calloc(n, sizeof *p->site)))
		rc = gxca__oom(j->ctx);
	for (size_t i = 0; !rc && i < n; i++, p->n_site++) {
		size_t m2 = gxca__jr_idx(j, i);
		rc = parse_site(j, json_object_array_get_idx(arr, i), &p->site[i]);
		for (size_t k = 0; !rc && k < i; k++)
			if (strcmp(p->site[k].id, p->site[i].id) == 0)
				rc = gxca__jr_fail(j, "地点 id 重复", "duplicate site id");
		gxca__jr_pop(j, m2);
	}
	gxca__jr_pop(j, mark);
	return rc;
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int parse_day_list(gxca__jr *j, json_object *o, const char *key, int year,
			  int64_t **out, size_t *n_out)
{
	json_object *arr;
	int rc = gxca__jr_get(j, o, key, json_type_array, true, &arr);
	if (rc)
		return rc;
	size_t n = json_object_array_length(arr), mark = gxca__jr_key(j, key);
	*out = gxca__calloc(n, sizeof **out);
	if (!*out)
		rc = gxca__oom(j->ctx);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t m2 = gxca__jr_idx(j, i);
		int y, m, d;
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (!json_object_is_type(json_object_array_get_idx(arr, i), json_type_string) ||
		    !gxca__date_parse(s, &y, &m, &d))
			rc = gxca__jr_fail(j, "日期应为 YYYY-MM-DD", "date must be YYYY-MM-DD");
		else if (y != year)
			rc = gxca__jr_fail(j, "日期不属于该年份", "date is not in this year");
		else
			(*out)[(*n_out)++] = gxca__days_from_civil(y, m, d);
		gxca__jr_pop(j, m2);
	}
	gxca__jr_pop(j, mark);
	if (!rc)
		qsort(*out, *n_out, sizeof **out, cmp_day);
	return rc;
}

static int cmp_year(const void *a, const void *b)
{
	return ((const struct gxca__calendar_year *)a)->year - ((const struct gxca__calendar_year *)b)->year;
}

static int parse_calendar(gxca__jr *j, json_object *root, struct gxca_policy *p)
{
	static const char *const k_cal[] = {"source", "years", NULL};
	static const char *const k_year[] = {"holidays", "workdays", NULL};
	json_object *o, *years;
	size_t mark, m2;
	int rc = enter(j, root, "calendar", k_cal, &o, &mark);
	if (rc || (rc = enter(j, o, "years", NULL, &years, &m2)))
		return rc;
	size_t n = (size_t)json_object_object_length(years);
	if (n && !(p->year = gxca__calloc(n, sizeof *p->year)))
		return gxca__oom(j->ctx);
	json_object_object_foreach(years, key, val) {
		size_t m3 = gxca__jr_key(j, key);
		char *end = NULL;
		errno = 0;
		long y = strtol(key, &end, 10);
		struct gxca__calendar_year *cy = &p->year[p->n_year];
		if (strlen(key) != 4 || *end || y < 1950 || y > 2200)
			rc = gxca__jr_fail(j, "年份应为四位数字", "year must be four digits");
		else if (!json_object_is_type(val, json_type_object))
			rc = gxca__jr_fail(j, "应为对象", "expected object");
		else if (!(rc = gxca__jr_only(j, val, k_year))) {
			cy->year = (int)y;
			p->n_year++;
			if (!(rc = parse_day_list(j, val, "holidays", cy->year, &cy->holiday, &cy->n_holiday)))
				rc = parse_day_list(j, val, "workdays", cy->year, &cy->workday, &cy->n_workday);
		}
		gxca__jr_pop(j, m3);
		if (rc)
			return rc;
	}
	qsort(p->year, p->n_year, sizeof *p->year, cmp_year);
	gxca__jr_pop(j, m2);
	gxca__jr_pop(j, mark);
	return GXCA_OK;
}

static int key_alg_from_name(const char *s)
{
	static const char *const names[] = {NULL, "SM2", "EC_P256", "RSA2048", "RSA3072"};
	for (int i = 1; s && i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return 0;
}

static int parse_ca(gxca__jr *j, json_object *root, struct gxca__ca_policy *ca)
{
	static const char *const k_ca[] = {"key_algorithms", "default_key_algorithm", "sm2_id",
					   "certificate_policy_oid", "crl_url", "ocsp_url",
					   "ca_issuers_url", "crl_next_update_hours", NULL};
	json_object *o, *arr, *def;
	size_t mark;
	int rc = enter(j, root, "ca", k_ca, &o, &mark);
	if (rc || (rc = gxca__jr_get(j, o, "key_algorithms", json_type_array, true, &arr)))
		return rc;
	size_t m2 = gxca__jr_key(j, "key_algorithms");
	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		size_t m3 = gxca__jr_idx(j, i);
		int alg = 0;
		if (!(rc = gxca__jr_enum(j, json_object_array_get_idx(arr, i), key_alg_from_name, &alg)))
			ca->key_alg_mask |= 1u << alg;
		gxca__jr_pop(j, m3);
	}
	if (!rc && !ca->key_alg_mask)
		rc = gxca__jr_fail(j, "列表不能为空", "list must not be empty");
	gxca__jr_pop(j, m2);
	if (rc || (rc = gxca__jr_get(j, o, "default_key_algorithm", json_type_string, true, &def)))
		return rc;
	m2 = gxca__jr_key(j, "default_key_algorithm");
	if (!(rc = gxca__jr_enum(j, def, key_alg_from_name, &ca->default_key_alg)) &&
	    !(ca->key_alg_mask & (1u << ca->default_key_alg)))
		rc = gxca__jr_fail(j, "默认算法不在允许列表中", "default algorithm is not in key_algorithms");
	gxca__jr_pop(j, m2);
	if (rc || (rc = gxca__jr_str(j, o, "sm2_id", true, 64, &ca->sm2_id)) ||
	    (rc = gxca__jr_str(j, o, "certificate_policy_oid", true, 128, &ca->policy_oid)) ||
	    (rc = gxca__jr_str(j, o, "crl_url", true, MAX_TEXT, &ca->crl_url)) ||
	    (rc = gxca__jr_str(j, o, "ocsp_url", false, MAX_TEXT, &ca->ocsp_url)) ||
	    (rc = gxca__jr_str(j, o, "ca_issuers_url", true, MAX_TEXT, &ca->ca_issuers_url)) ||
	    (rc = read_int(j, o, "crl_next_update_hours", 1, 24 * 366, &ca->crl_next_update_hours)))
		return rc;
	gxca__jr_pop(j, mark);
	return GXCA_OK;
}

int gxca__policy_parse(gxca_ctx *ctx, const char *text, size_t len, struct gxca_policy **out)
{
	static const char *const k_root[] = {"schema", "name", "platform", "service", "token",
					     "deadlines", "channels", "tariff", "materials", "sites",
					     "calendar", "ca", NULL};
	gxca__jr j;
	json_object *root = NULL, *schema = NULL;
	gxca__jr_init(&j, ctx, GXCA_EPOLICY);
	*out = NULL;
	int rc = gxca__jr_parse(&j, text, len, &root);
	if (rc)
		return rc;
	struct gxca_policy *p = gxca__calloc(1, sizeof *p);
	if (!p) {
		json_object_put(root);
		return gxca__oom(ctx);
	}
	p->refs = 1;
	if (!json_object_is_type(root, json_type_object))
		rc = gxca__jr_fail(&j, "策略应为 JSON 对象", "policy must be a JSON object");
	if (!rc && !(rc = gxca__jr_only(&j, root, k_root)) &&
	    !(rc = gxca__jr_get(&j, root, "schema", json_type_string, true, &schema)) &&
	    strcmp(json_object_get_string(schema), "gxca-policy/1") != 0) {
		size_t mark = gxca__jr_key(&j, "schema");
		rc = gxca__jr_fail(&j, "不支持的策略版本（应为 gxca-policy/1）",
				   "unsupported schema (expected gxca-policy/1)");
		gxca__jr_pop(&j, mark);
	}
	if (!rc && !(rc = parse_general(&j, root, p)) && !(rc = parse_channels(&j, root, p)) &&
	    !(rc = parse_tariff(&j, root, &p->tariff)) && !(rc = parse_materials(&j, root, &p->materials)) &&
	    !(rc = parse_sites(&j, root, p)) && !(rc = parse_calendar(&j, root, p)))
		rc = parse_ca(&j, root, &p->ca);
	json_object_put(root);
	if (rc) {
		policy_free(p);
		return rc;
	}
	*out = p;
	return GXCA_OK;
}

/* ---- the built-in policy, parsed once ---- */

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gxca_policy *default_policy;

int gxca__policy_default(gxca_ctx *ctx, struct gxca_policy **out)
{
	int rc = GXCA_OK;
	pthread_mutex_lock(&default_lock);
	if (!default_policy)
		rc = gxca__policy_parse(ctx, (const char *)gxca__policy_default_json,
					gxca__policy_default_json_len, &default_policy);
	if (!rc) {
		gxca__policy_ref(default_policy); /* the static keeps its own reference */
		*out = default_policy;
	}
	pthread_mutex_unlock(&default_lock);
	return rc;
}

const char *gxca_policy_default_json(void)
{
	return (const char *)gxca__policy_default_json;
}

/* ---- public ---- */

static int install(gxca_ctx *ctx, struct gxca_policy *p)
{
	gxca__policy_unref(ctx->policy);
	ctx->policy = p;
	return GXCA_OK;
}

int gxca_ctx_load_policy_json(gxca_ctx *ctx, const char *json, size_t len)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!json)
		return gxca__fail(ctx, GXCA_EINVAL, "json", "JSON 文本为空指针", "JSON text is NULL");
	struct gxca_policy *p;
	int rc = gxca__policy_parse(ctx, json, len, &p);
	return rc ? rc : install(ctx, p);
}

#define MAX_POLICY_FILE (16u << 20)

int gxca_ctx_load_policy(gxca_ctx *ctx, const char *path)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	int rc = gxca__check_str(ctx, "path", path, 4096);
	if (rc)
		return rc;
	gxca__buf b = {0};
	rc = gxca__read_file(ctx, path, MAX_POLICY_FILE, &b);
	if (!rc)
		rc = gxca_ctx_load_policy_json(ctx, b.data ? b.data : "", b.len);
	gxca__buf_free(&b);
	return rc;
}

int gxca_ctx_reset_policy(gxca_ctx *ctx)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	struct gxca_policy *p;
	int rc = gxca__policy_default(ctx, &p);
	return rc ? rc : install(ctx, p);
}

#define POLICY_STR(fn, field) \
	const char *fn(const gxca_ctx *ctx) { return ctx && ctx->policy ? ctx->policy->field : ""; }
POLICY_STR(gxca_policy_platform_code, platform_code)
POLICY_STR(gxca_policy_platform_name, platform_name)
POLICY_STR(gxca_policy_hotline, hotline)
POLICY_STR(gxca_policy_mailbox, mailbox)
POLICY_STR(gxca_policy_initial_pin, initial_pin)
