/*
 * lib/application.c — the application forms (附件1 ORG, 附件2 PERSON), their
 * validation, JSON form and workflow (domain.md §5, §7).
 */
#include "json-private.h"
#include "policy-private.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#define N_FIELD 20         /* highest gxca_app_field */
#define N_COLLECT 5        /* highest gxca_app_collect */
#define MAX_VALUE 512      /* bytes of a field value */
#define MAX_ACTOR 128      /* bytes of an actor */
#define MAX_REASON 512     /* bytes of a rejection reason */
#define MAX_TRACKING 64    /* characters of a tracking number */
#define MAX_COUNT 1000u    /* tokens on one line */
#define MAX_YEARS 100      /* structural bound; the tariff's max_years is checked by validation */
#define MAX_JSON (1u << 20)
#define ID_LEN 18          /* "GX" + 16 hex */
#define SCHEMA "gxca-application/1"
/* The latest Unix time whose Asia/Shanghai date is still in year 9999. */
#define MAX_TIME (INT64_C(253402300799) - GXCA_TZ_OFFSET_SECONDS)

#define KIND(a) (1u << ((a) - 1))
#define ORG KIND(GXCA_APPLICANT_ORG)
#define PER KIND(GXCA_APPLICANT_PERSON)

struct field_info {
	const char *name, *zh, *en;
	unsigned kinds;    /* forms the field is on */
	unsigned required; /* forms on which it is required (*) */
};

static const struct field_info fields[N_FIELD + 1] = {
	[GXCA_APP_PLATFORM] = {"platform", "申请平台", "application platform", ORG | PER, ORG | PER},
	[GXCA_APP_ORG_NAME] = {"org_name", "单位名称", "organisation name", ORG, ORG},
	[GXCA_APP_USCC] = {"uscc", "统一社会信用代码", "unified social credit code", ORG, ORG},
	[GXCA_APP_REG_PROVINCE] = {"reg_province", "单位注册地（省）", "registered province", ORG, ORG},
	[GXCA_APP_REG_CITY] = {"reg_city", "单位注册地（市）", "registered city", ORG, ORG},
	[GXCA_APP_REG_COUNTY] = {"reg_county", "单位注册地（区/县）", "registered county", ORG, ORG},
	[GXCA_APP_LEGAL_REP_NAME] = {"legal_rep_name", "法人姓名", "legal representative's name", ORG, ORG},
	[GXCA_APP_ORG_PHONE] = {"org_phone", "单位电话", "organisation phone", ORG, ORG},
	[GXCA_APP_PERSON_NAME] = {"person_name", "个人名称", "name", PER, PER},
	[GXCA_APP_ID_TYPE] = {"id_type", "证件类型", "identity document type", PER, PER},
	[GXCA_APP_ID_NUMBER] = {"id_number", "证件号码", "identity document number", PER, PER},
	[GXCA_APP_PERSON_PHONE] = {"person_phone", "手机号码", "mobile number", PER, PER},
	[GXCA_APP_AFFILIATION] = {"affiliation", "所属单位名称", "employer", PER, 0},
	[GXCA_APP_AGENT_NAME] = {"agent_name", "经办人姓名", "agent's name", ORG | PER, ORG | PER},
	[GXCA_APP_AGENT_ID_NUMBER] = {"agent_id_number", "经办人身份证号", "agent's identity card number", ORG | PER, ORG | PER},
	[GXCA_APP_AGENT_MOBILE] = {"agent_mobile", "经办人手机号码", "agent's mobile number", ORG | PER, ORG | PER},
	[GXCA_APP_INVOICE_EMAIL] = {"invoice_email", "收发票的电子邮箱", "invoice e-mail address", ORG | PER, ORG | PER},
	[GXCA_APP_RETURN_ADDRESS] = {"return_address", "回寄收件地址", "return postal address", ORG | PER, ORG | PER},
	[GXCA_APP_FORM_DATE] = {"form_date", "日期", "form date", ORG | PER, 0},
	[GXCA_APP_ID_TYPE_OTHER] = {"id_type_other", "其他证件类型名称", "other document type", PER, 0},
};

/* The order of each form, used by validation reports and JSON output. */
static const int org_order[] = {
	GXCA_APP_PLATFORM, GXCA_APP_ORG_NAME, GXCA_APP_USCC, GXCA_APP_REG_PROVINCE,
	GXCA_APP_REG_CITY, GXCA_APP_REG_COUNTY, GXCA_APP_LEGAL_REP_NAME, GXCA_APP_ORG_PHONE,
	GXCA_APP_AGENT_NAME, GXCA_APP_AGENT_ID_NUMBER, GXCA_APP_AGENT_MOBILE,
	GXCA_APP_INVOICE_EMAIL, GXCA_APP_RETURN_ADDRESS, GXCA_APP_FORM_DATE, 0};
static const int person_order[] = {
	GXCA_APP_PLATFORM, GXCA_APP_PERSON_NAME, GXCA_APP_ID_TYPE, GXCA_APP_ID_TYPE_OTHER,
	GXCA_APP_ID_NUMBER, GXCA_APP_PERSON_PHONE, GXCA_APP_AFFILIATION, GXCA_APP_AGENT_NAME,
	GXCA_APP_AGENT_ID_NUMBER, GXCA_APP_AGENT_MOBILE, GXCA_APP_INVOICE_EMAIL,
	GXCA_APP_RETURN_ADDRESS, GXCA_APP_FORM_DATE, 0};

struct collect_info {
	const char *name; /* JSON member of "collection" */
	unsigned kind;
	int max;
};

static const struct collect_info collects[N_COLLECT + 1] = {
	[GXCA_COLLECT_OFFICIAL_SEAL] = {"official_seal", ORG, 2},
	[GXCA_COLLECT_LEGAL_REP_SEAL] = {"legal_rep_seal", ORG, 1},
	[GXCA_COLLECT_LEGAL_REP_SIGNATURE] = {"legal_rep_signature", ORG, 1},
	[GXCA_COLLECT_SIGNATURES] = {"signatures", PER, 3},
	[GXCA_COLLECT_BEST_SIGNATURE] = {"best_signature", PER, 3},
};

static const char *const state_names[] = {NULL, "DRAFT", "SUBMITTED", "REJECTED", "APPROVED",
					  "PAYMENT_REQUESTED", "PAID", "ISSUED", "DELIVERED"};
static const char *const state_zh[] = {NULL, "草稿", "已提交", "已退回", "已审核通过",
				       "待付款", "已付款", "已制证", "已交付"};
static const char *const channel_names[] = {NULL, "MAIL", "ONSITE"};
static const char *const id_type_names[] = {NULL, "RESIDENT_ID", "OTHER"};
static const char *const change_names[] = {"NAME", "LEGAL_REP", "SEAL_TEMPLATE"};
#define ALL_CHANGES (GXCA_CHANGE_NAME | GXCA_CHANGE_LEGAL_REP | GXCA_CHANGE_SEAL_TEMPLATE)

#define BIT(s) (1u << (s))
/* For each target state, the states it may be entered from (domain.md §5). */
static const unsigned legal_from[] = {
	[GXCA_APP_SUBMITTED] = BIT(GXCA_APP_DRAFT) | BIT(GXCA_APP_REJECTED),
	[GXCA_APP_REJECTED] = BIT(GXCA_APP_SUBMITTED),
	[GXCA_APP_APPROVED] = BIT(GXCA_APP_SUBMITTED),
	[GXCA_APP_PAYMENT_REQUESTED] = BIT(GXCA_APP_APPROVED),
	[GXCA_APP_PAID] = BIT(GXCA_APP_PAYMENT_REQUESTED),
	[GXCA_APP_ISSUED] = BIT(GXCA_APP_PAID),
	[GXCA_APP_DELIVERED] = BIT(GXCA_APP_ISSUED),
};

struct line {
	int business;
	unsigned count;
	int years;
	uint32_t changes;
};

struct entry {
	int state;      /* entered */
	int64_t when;
	char *actor;
	char *note;     /* reason (REJECTED), tracking number (DELIVERED), else NULL */
	int channel;    /* SUBMITTED only */
};

struct gxca_application {
	gxca_ctx *ctx;
	int applicant;
	char id[ID_LEN + 1];
	char *field[N_FIELD + 1]; /* NULL = unset */
	int collect[N_COLLECT + 1];
	bool by_proxy, consent;
	struct line line[GXCA_APP_MAX_LINES];
	size_t n_line;
	int state;
	struct entry *hist;
	size_t n_hist, cap_hist;
	gxca_report *last_report;
};

/* ---- names ---- */

#define NAME_OF(tab, v) ((v) > 0 && (size_t)(v) < GXCA_ARRAY_LEN(tab) ? (tab)[v] : NULL)

static bool field_ok(int f) { return f >= 1 && f <= N_FIELD; }

const char *gxca_app_field_name(int field) { return field_ok(field) ? fields[field].name : NULL; }

int gxca_app_field_from_name(const char *name)
{
	for (int f = 1; name && f <= N_FIELD; f++)
		if (strcmp(fields[f].name, name) == 0)
			return f;
	return 0;
}

const char *gxca_app_field_label(int field, int lang)
{
	if (!field_ok(field))
		return NULL;
	return lang == GXCA_LANG_EN ? fields[field].en : fields[field].zh;
}

int gxca_app_field_applies(int applicant, int field)
{
	return gxca__applicant_ok(applicant) && field_ok(field) &&
	       (fields[field].kinds & KIND(applicant)) != 0;
}

static int index_of(const char *const *tab, size_t n, const char *name)
{
	for (size_t i = 1; name && i < n; i++)
		if (strcasecmp(tab[i], name) == 0)
			return (int)i;
	return 0;
}

const char *gxca_app_state_name(int s) { return NAME_OF(state_names, s); }
int gxca_app_state_from_name(const char *n) { return index_of(state_names, GXCA_ARRAY_LEN(state_names), n); }
const char *gxca_channel_name(int c) { return NAME_OF(channel_names, c); }
int gxca_channel_from_name(const char *n) { return index_of(channel_names, GXCA_ARRAY_LEN(channel_names), n); }

/* ---- life ---- */

static int make_id(gxca_ctx *ctx, char out[ID_LEN + 1])
{
	uint8_t r[8];
	if (RAND_bytes(r, sizeof r) != 1)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "无法生成随机编号",
				       "cannot make a random id");
	out[0] = 'G';
	out[1] = 'X';
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(out + 2 + 2 * i, 3, "%02X", r[i]);
	return GXCA_OK;
}

static int alloc_app(gxca_application **out, gxca_ctx *ctx, int applicant)
{
	gxca_application *app = gxca__calloc(1, sizeof *app);
	if (!app)
		return gxca__oom(ctx);
	app->ctx = ctx;
	app->applicant = applicant;
	app->state = GXCA_APP_DRAFT;
	int rc = make_id(ctx, app->id);
	if (!rc && ctx->policy->platform_code[0] &&
	    !(app->field[GXCA_APP_PLATFORM] = gxca__strdup(ctx->policy->platform_code)))
		rc = gxca__oom(ctx);
	if (rc) {
		gxca_application_free(app);
		return rc;
	}
	*out = app;
	return GXCA_OK;
}

int gxca_application_new(gxca_application **out, gxca_ctx *ctx, int applicant)
{
	if (out)
		*out = NULL;
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out)
		return gxca__fail(ctx, GXCA_EINVAL, "out", "输出参数为空", "out is NULL");
	if (!gxca__applicant_ok(applicant))
		return gxca__failf(ctx, GXCA_EINVAL, "applicant", "未知申请人类型 %d",
				   "unknown applicant kind %d", applicant);
	return alloc_app(out, ctx, applicant);
}

static void free_history(struct entry *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		gxca__free(h[i].actor);
		gxca__free(h[i].note);
	}
	gxca__free(h);
}

void gxca_application_free(gxca_application *app)
{
	if (!app)
		return;
	for (int f = 1; f <= N_FIELD; f++)
		gxca__free(app->field[f]);
	free_history(app->hist, app->n_hist);
	gxca_report_free(app->last_report);
	gxca__free(app);
}

int gxca_application_applicant(const gxca_application *app) { return app ? app->applicant : 0; }
const char *gxca_application_id(const gxca_application *app) { return app ? app->id : ""; }

/* ---- fields ---- */

static bool on_form(const gxca_application *app, int field)
{
	return field_ok(field) && (fields[field].kinds & KIND(app->applicant));
}

static const char *value_of(const gxca_application *app, int field)
{
	return on_form(app, field) && app->field[field] ? app->field[field] : "";
}

/*
 * gxca__failf() and gxca__report_addf() give both formats the same
 * arguments; a message whose arguments differ by language (a Chinese state
 * name here, an English one there) is composed into these buffers first.
 */
struct msg2 {
	char zh[512], en[512];
};

static int editable(const gxca_application *app)
{
	if (app->state == GXCA_APP_DRAFT || app->state == GXCA_APP_REJECTED)
		return GXCA_OK;
	struct msg2 m;
	snprintf(m.zh, sizeof m.zh, "申请处于“%s”状态，不能修改", state_zh[app->state]);
	snprintf(m.en, sizeof m.en, "the application is %s and can no longer be changed",
		 state_names[app->state]);
	return gxca__fail(app->ctx, GXCA_ESTATE, "state", m.zh, m.en);
}

static int not_on_form(const gxca_application *app, const char *name)
{
	struct msg2 m;
	snprintf(m.zh, sizeof m.zh, "%s 不在%s申请表上", name,
		 app->applicant == GXCA_APPLICANT_ORG ? "单位" : "个人");
	snprintf(m.en, sizeof m.en, "%s is not on the %s form", name,
		 gxca_applicant_name(app->applicant));
	return gxca__fail(app->ctx, GXCA_EAPP_FIELD, name, m.zh, m.en);
}

/* Store a value (already known to be on the form); "" clears. */
static int store(gxca_application *app, int field, const char *value)
{
	int rc = gxca__check_str(app->ctx, fields[field].name, value, MAX_VALUE);
	if (rc)
		return rc;
	if (field == GXCA_APP_ID_TYPE && value[0] &&
	    !index_of(id_type_names, GXCA_ARRAY_LEN(id_type_names), value))
		return gxca__fail(app->ctx, GXCA_EINVAL, "id_type",
				  "证件类型应为 RESIDENT_ID 或 OTHER",
				  "id_type must be RESIDENT_ID or OTHER");
	char *copy = NULL;
	if (value[0]) {
		if (field == GXCA_APP_ID_TYPE) /* canonical upper case */
			value = id_type_names[index_of(id_type_names, GXCA_ARRAY_LEN(id_type_names), value)];
		if (!(copy = gxca__strdup(value)))
			return gxca__oom(app->ctx);
	}
	gxca__free(app->field[field]);
	app->field[field] = copy;
	return GXCA_OK;
}

/* Common entry of the setters: clear the error, check field and state. */
static int setter_enter(gxca_application *app, int field)
{
	gxca__clear(app->ctx);
	if (!field_ok(field))
		return gxca__failf(app->ctx, GXCA_EINVAL, "field", "未知字段 %d", "unknown field %d",
				   field);
	if (!on_form(app, field))
		return not_on_form(app, fields[field].name);
	return editable(app);
}

int gxca_application_set(gxca_application *app, int field, const char *value)
{
	if (!app)
		return GXCA_EINVAL;
	int rc = setter_enter(app, field);
	if (rc)
		return rc;
	return store(app, field, value);
}

const char *gxca_application_get(const gxca_application *app, int field)
{
	return app ? value_of(app, field) : "";
}

int gxca_application_set_id_type(gxca_application *app, int id_type)
{
	if (!app)
		return GXCA_EINVAL;
	int rc = setter_enter(app, GXCA_APP_ID_TYPE);
	if (rc)
		return rc;
	if (id_type != 0 && !NAME_OF(id_type_names, id_type))
		return gxca__failf(app->ctx, GXCA_EINVAL, "id_type", "未知证件类型 %d",
				   "unknown id type %d", id_type);
	return store(app, GXCA_APP_ID_TYPE, id_type ? id_type_names[id_type] : "");
}

int gxca_application_id_type(const gxca_application *app)
{
	if (!app)
		return 0;
	return index_of(id_type_names, GXCA_ARRAY_LEN(id_type_names),
			value_of(app, GXCA_APP_ID_TYPE));
}

int gxca_application_set_collected(gxca_application *app, int what, int value)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (what < 1 || what > N_COLLECT)
		return gxca__failf(app->ctx, GXCA_EINVAL, "what", "未知采集项 %d",
				   "unknown collection item %d", what);
	const struct collect_info *c = &collects[what];
	if (!(c->kind & KIND(app->applicant)))
		return not_on_form(app, c->name);
	int rc = editable(app);
	if (rc)
		return rc;
	if (value < 0 || value > c->max)
		return gxca__failf(app->ctx, GXCA_ERANGE, c->name, "%s 应在 0 到 %d 之间",
				   "%s must be 0 to %d", c->name, c->max);
	app->collect[what] = value;
	return GXCA_OK;
}

int gxca_application_collected(const gxca_application *app, int what)
{
	if (!app || what < 1 || what > N_COLLECT || !(collects[what].kind & KIND(app->applicant)))
		return 0;
	return app->collect[what];
}

int gxca_application_set_by_proxy(gxca_application *app, int by_proxy)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (app->applicant != GXCA_APPLICANT_PERSON)
		return not_on_form(app, "by_proxy");
	int rc = editable(app);
	if (!rc)
		app->by_proxy = by_proxy != 0;
	return rc;
}

int gxca_application_by_proxy(const gxca_application *app) { return app ? app->by_proxy : 0; }

int gxca_application_set_consent(gxca_application *app, int consent)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = editable(app);
	if (!rc)
		app->consent = consent != 0;
	return rc;
}

int gxca_application_consent(const gxca_application *app) { return app ? app->consent : 0; }

/* ---- lines ---- */

/* The structural checks shared by add_line and JSON loading. */
static int line_check(gxca_ctx *ctx, size_t n_line, int business, unsigned count, int years,
		      uint32_t changes)
{
	if (!gxca__business_ok(business))
		return gxca__failf(ctx, GXCA_EINVAL, "business", "未知业务类型 %d",
				   "unknown business %d", business);
	if (changes & ~(uint32_t)ALL_CHANGES)
		return gxca__failf(ctx, GXCA_EINVAL, "change_flags", "未知变更类型 0x%x",
				   "unknown change kinds 0x%x", (unsigned)changes);
	if (count > MAX_COUNT)
		return gxca__failf(ctx, GXCA_ERANGE, "count", "数量应在 0 到 %u 之间",
				   "count must be 0 to %u", MAX_COUNT);
	if (years < 0 || years > MAX_YEARS)
		return gxca__failf(ctx, GXCA_ERANGE, "years", "年限应在 0 到 %d 之间",
				   "years must be 0 to %d", MAX_YEARS);
	if (n_line >= GXCA_APP_MAX_LINES)
		return gxca__failf(ctx, GXCA_ERANGE, "lines", "业务行最多 %d 行",
				   "at most %d business lines", GXCA_APP_MAX_LINES);
	return GXCA_OK;
}

int gxca_application_add_line(gxca_application *app, int business, unsigned count, int years,
			      uint32_t change_flags)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = editable(app);
	if (!rc)
		rc = line_check(app->ctx, app->n_line, business, count, years, change_flags);
	if (!rc)
		app->line[app->n_line++] = (struct line){business, count, years, change_flags};
	return rc;
}

size_t gxca_application_line_count(const gxca_application *app) { return app ? app->n_line : 0; }

int gxca_application_line_get(const gxca_application *app, size_t i, int *business,
			      unsigned *count, int *years, uint32_t *change_flags)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (i >= app->n_line)
		return gxca__failf(app->ctx, GXCA_EINVAL, "i", "没有第 %zu 行", "no line %zu", i);
	const struct line *l = &app->line[i];
	if (business)
		*business = l->business;
	if (count)
		*count = l->count;
	if (years)
		*years = l->years;
	if (change_flags)
		*change_flags = l->changes;
	return GXCA_OK;
}

int gxca_application_clear_lines(gxca_application *app)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = editable(app);
	if (!rc)
		app->n_line = 0;
	return rc;
}

/* ==== validation ========================================================= */

struct vstate {
	const gxca_application *app;
	gxca_report *r;
	int rc; /* GXCA_ENOMEM once an append failed; later appends are skipped */
};

static void vadd(struct vstate *v, int sev, int code, const char *id, const char *field,
		 const char *label_zh, const char *label_en, const char *zh, const char *en)
{
	if (v->rc)
		return;
	struct msg2 m;
	snprintf(m.zh, sizeof m.zh, "%s：%s", label_zh, zh);
	snprintf(m.en, sizeof m.en, "%s: %s", label_en, en);
	v->rc = gxca__report_add(v->r, sev, code, id, field, m.zh, m.en);
}

/* A problem about a form field. */
static void fproblem(struct vstate *v, int sev, int code, const char *id, int field,
		     const char *zh, const char *en)
{
	vadd(v, sev, code, id, fields[field].name, fields[field].zh, fields[field].en, zh, en);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Count leading digits. */
static size_t digits(const char *s)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Mainland mobile: 11 digits, 1[3-9]xxxxxxxxx. */
static bool mobile_ok(const char *s)
{
	return strlen(s) == 11 && all_digits(s, 11) && s[0] == '1' && s[1] >= '3';
}

/* Landline 0AA(A)-NNNNNNN(N)[-EXT], the dash optional; 400/800 numbers; or a mobile. */
static bool phone_ok(const char *s)
{
	if (mobile_ok(s))
		return true;
	size_t n = digits(s);
	if ((s[0] == '4' || s[0] == '8') && s[1] == '0' && s[2] == '0') {
		/* 400dddDDDD or 400-ddd-dddd (also 800) */
		size_t len = strlen(s);
		if (len == 10)
			return n == 10;
		return len == 12 && s[3] == '-' && s[7] == '-' && all_digits(s + 4, 3) &&
		       all_digits(s + 8, 4);
	}
	if (s[0] != '0')
		return false;
	const char *p;
	if (s[n] == '-') {
		if (n < 3 || n > 4)
			return false;
		p = s + n + 1;
		n = digits(p);
		if (n < 7 || n > 8)
			return false;
	} else {
		if (n < 10 || n > 12)
			return false;
		p = s;
	}
	p += n;
	if (*p == '-') {
		n = digits(p + 1);
		return n >= 1 && n <= 6 && p[1 + n] == '\0';
	}
	return *p == '\0';
}

static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* Dot-atom local part @ a DNS host name with at least two labels and an
 * alphabetic top-level label: the subset of RFC 5322 mail providers accept. */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || strchr(at + 1, '@') || strlen(s) > 254)
		return false;
	size_t local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++)
		if (!(atext((unsigned char)s[i]) || (s[i] == '.' && s[i + 1] != '.')))
			return false;
	const char *d = at + 1;
	int labels = 0;
	bool alpha_tld = false;
	while (*d) {
		size_t n = 0;
		alpha_tld = true;
		while ((d[n] >= 'a' && d[n] <= 'z') || (d[n] >= 'A' && d[n] <= 'Z') ||
		       (d[n] >= '0' && d[n] <= '9') || d[n] == '-') {
			if (!((d[n] | 0x20) >= 'a' && (d[n] | 0x20) <= 'z'))
				alpha_tld = false;
			n++;
		}
		if (n == 0 || n > 63 || d[0] == '-' || d[n - 1] == '-')
			return false;
		labels++;
		d += n;
		if (*d == '.' && d[1])
			d++;
		else if (*d)
			return false;
		if (*d == '\0' && labels >= 2)
			return alpha_tld && n >= 2;
	}
	return false;
}

/* A document number of another type (passport, permits): 5..32 of A-Z a-z
 * 0-9 and "-()" (Hong Kong cards print the check digit in brackets). */
static bool other_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 5 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '(' || c == ')'))
			return false;
	}
	return true;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void check_id_number(struct vstate *v, int field, const char *value)
{
	if (v->rc)
		return;
	v->rc = gxca__idnum_check(v->r, fields[field].name, value, (int64_t)time(NULL));
}

/* Identity numbers (lib/identity.c) and the document type. */
static void check_identity(struct vstate *v, int f, const char *s)
{
	int id_type = gxca_application_id_type(v->app);
	if (f == GXCA_APP_USCC && !v->rc)
		v->rc = gxca__uscc_check(v->r, fields[f].name, s);
	else if (f == GXCA_APP_AGENT_ID_NUMBER || (f == GXCA_APP_ID_NUMBER && id_type == GXCA_ID_RESIDENT))
		check_id_number(v, f, s);
	else if (f == GXCA_APP_ID_NUMBER && id_type == GXCA_ID_OTHER && !other_id_ok(s))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "id_number.format", f,
			 "应为 5 到 32 位字母、数字、“-”或括号",
			 "must be 5 to 32 letters, digits, '-' or brackets");
	else if (f == GXCA_APP_ID_TYPE_OTHER && id_type != GXCA_ID_OTHER)
		fproblem(v, GXCA_SEVERITY_WARNING, GXCA_EINVALID, "id_type_other.ignored", f,
			 "证件类型不是“其他”，此项不用填写", "ignored: the document type is not OTHER");
}

/* Platform, phone numbers, e-mail, date. */
static void check_format(struct vstate *v, int f, const char *s)
{
	int y, m, d;
	if (f == GXCA_APP_PLATFORM && strcmp(s, v->app->ctx->policy->platform_code) != 0)
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "platform.unknown", f,
			 "不是本平台的编号", "is not the code of this platform");
	else if ((f == GXCA_APP_PERSON_PHONE || f == GXCA_APP_AGENT_MOBILE) && !mobile_ok(s))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "mobile.format", f,
			 "应为 11 位大陆手机号码（1[3-9] 开头）",
			 "must be an 11-digit mainland mobile number starting 1[3-9]");
	else if (f == GXCA_APP_ORG_PHONE && !phone_ok(s))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "phone.format", f,
			 "应为固定电话（如 0513-81553618）或手机号码",
			 "must be a landline such as 0513-81553618 or a mobile number");
	else if (f == GXCA_APP_INVOICE_EMAIL && !email_ok(s))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "email.format", f,
			 "不是有效的电子邮箱地址", "is not a valid e-mail address");
	else if (f == GXCA_APP_FORM_DATE && !gxca__date_parse(s, &y, &m, &d))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "date.format", f,
			 "应为有效日期 YYYY-MM-DD", "must be a real date YYYY-MM-DD");
}

/* One field: required, then its content. */
static void check_field(struct vstate *v, int f)
{
	const gxca_application *app = v->app;
	const char *s = value_of(app, f);
	if (!s[0]) {
		bool req = fields[f].required & KIND(app->applicant);
		if (f == GXCA_APP_ID_TYPE_OTHER)
			req = gxca_application_id_type(app) == GXCA_ID_OTHER;
		if (req)
			fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "required", f, "必填",
				 "is required");
		return;
	}
	if (has_control(s))
		fproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "text.control", f,
			 "含有控制字符", "contains control characters");
	check_identity(v, f, s);
	check_format(v, f, s);
}

static void lproblem(struct vstate *v, int sev, int code, const char *id, size_t i,
		     const char *zh, const char *en)
{
	char field[32], lzh[64], len[64];
	snprintf(field, sizeof field, "lines[%zu]", i);
	snprintf(lzh, sizeof lzh, "第 %zu 行业务（%s）", i + 1,
		 gxca_business_name(v->app->line[i].business));
	snprintf(len, sizeof len, "business line %zu (%s)", i + 1,
		 gxca_business_name(v->app->line[i].business));
	vadd(v, sev, code, id, field, lzh, len, zh, en);
}

static bool offered(const struct gxca_policy *p, int a, int b, int item)
{
	return p->tariff.cell[a - 1][b - 1][item - 1].kind != GXCA__PRICE_NOT_OFFERED;
}

static void check_line_kinds(struct vstate *v, size_t i)
{
	const struct line *l = &v->app->line[i];
	const struct gxca_policy *p = v->app->ctx->policy;
	int a = v->app->applicant;
	if (l->business != GXCA_BIZ_CHANGE) {
		if (l->changes)
			lproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "line.changes_not_applicable", i,
				 "只有变更业务才有变更类型", "only a CHANGE line has change kinds");
		return;
	}
	if (a == GXCA_APPLICANT_ORG && !l->changes)
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "line.changes_missing", i,
			 "请选择变更类型（名称、法人、章模）",
			 "choose the change kinds (name, legal representative, seal template)");
	if (a == GXCA_APPLICANT_PERSON && (l->changes & ~(uint32_t)GXCA_CHANGE_SEAL_TEMPLATE))
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "line.change_kind", i,
			 "个人用户只能变更章模", "a person can only change the seal template");
	if (a == GXCA_APPLICANT_PERSON && !offered(p, a, GXCA_BIZ_CHANGE, GXCA_ITEM_CERT) &&
	    offered(p, a, GXCA_BIZ_CHANGE, GXCA_ITEM_SEAL))
		lproblem(v, GXCA_SEVERITY_WARNING, GXCA_ETARIFF_NOT_OFFERED, "line.seal_only", i,
			 "个人用户的变更只办理电子签章，不变更证书",
			 "for a person only the electronic seal is changed, not the certificate");
}

static void check_line(struct vstate *v, size_t i)
{
	const struct line *l = &v->app->line[i];
	const struct gxca_policy *p = v->app->ctx->policy;
	int a = v->app->applicant;
	for (size_t k = 0; k < i; k++)
		if (v->app->line[k].business == l->business)
			lproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "line.duplicate", i,
				 "同一业务只能填写一行", "the same business appears twice");
	if (!offered(p, a, l->business, GXCA_ITEM_CERT) && !offered(p, a, l->business, GXCA_ITEM_SEAL))
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_ETARIFF_NOT_OFFERED, "line.not_offered", i,
			 "不提供该项业务", "this business is not offered");
	if (l->count < 1)
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "line.count", i,
			 "数量至少为 1", "count must be at least 1");
	bool term = l->business == GXCA_BIZ_NEW || l->business == GXCA_BIZ_RENEW;
	if (term && (l->years < 1 || l->years > p->tariff.max_years)) {
		char zh[64], en[64];
		snprintf(zh, sizeof zh, "年限应在 1 到 %d 年之间", p->tariff.max_years);
		snprintf(en, sizeof en, "years must be 1 to %d", p->tariff.max_years);
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_ETARIFF_YEARS, "line.years", i, zh, en);
	} else if (!term && l->years != 0) {
		lproblem(v, GXCA_SEVERITY_ERROR, GXCA_ETARIFF_YEARS, "line.years_not_applicable", i,
			 "该业务不填年限", "this business has no term in years");
	}
	check_line_kinds(v, i);
}

static void collect_warn(struct vstate *v, const char *id, int what, const char *zh, const char *en)
{
	char field[48];
	snprintf(field, sizeof field, "collection.%s", collects[what].name);
	vadd(v, GXCA_SEVERITY_WARNING, GXCA_EINVALID, id, field, "签章采集", "seal collection", zh, en);
}

static void check_collection(struct vstate *v)
{
	const int *c = v->app->collect;
	if (v->app->applicant == GXCA_APPLICANT_ORG) {
		if (c[GXCA_COLLECT_OFFICIAL_SEAL] < 2)
			collect_warn(v, "collect.official_seal", GXCA_COLLECT_OFFICIAL_SEAL,
				     "单位公章应加盖两次", "the official seal should be stamped twice");
		if (!c[GXCA_COLLECT_LEGAL_REP_SEAL])
			collect_warn(v, "collect.legal_rep_seal", GXCA_COLLECT_LEGAL_REP_SEAL,
				     "缺少法人私章", "the legal representative's seal is missing");
		if (!c[GXCA_COLLECT_LEGAL_REP_SIGNATURE])
			collect_warn(v, "collect.legal_rep_signature", GXCA_COLLECT_LEGAL_REP_SIGNATURE,
				     "缺少法人签字", "the legal representative's signature is missing");
		return;
	}
	if (c[GXCA_COLLECT_SIGNATURES] < 3)
		collect_warn(v, "collect.signatures", GXCA_COLLECT_SIGNATURES,
			     "签名应采集三次", "the signature should be collected three times");
	if (!c[GXCA_COLLECT_BEST_SIGNATURE])
		collect_warn(v, "collect.best_signature", GXCA_COLLECT_BEST_SIGNATURE,
			     "请勾选最佳签名", "tick the best signature");
	else if (c[GXCA_COLLECT_BEST_SIGNATURE] > c[GXCA_COLLECT_SIGNATURES] && !v->rc)
		v->rc = gxca__report_add(v->r, GXCA_SEVERITY_ERROR, GXCA_EINVALID,
					 "collect.best_signature_range", "collection.best_signature",
					 "签章采集：勾选的最佳签名尚未采集",
					 "seal collection: the ticked best signature was not collected");
}

/* PERSON: the 经办人 is the person unless filed by proxy. */
static void check_agent(struct vstate *v)
{
	const gxca_application *app = v->app;
	if (app->applicant != GXCA_APPLICANT_PERSON ||
	    gxca_application_id_type(app) != GXCA_ID_RESIDENT)
		return;
	const char *id = value_of(app, GXCA_APP_ID_NUMBER), *agent = value_of(app, GXCA_APP_AGENT_ID_NUMBER);
	if (!id[0] || !agent[0])
		return;
	bool same = strcasecmp(id, agent) == 0;
	if (!app->by_proxy && !same)
		fproblem(v, GXCA_SEVERITY_WARNING, GXCA_EINVALID, "agent.not_applicant",
			 GXCA_APP_AGENT_ID_NUMBER, "未勾选代办，但经办人不是申请人本人",
			 "not filed by proxy, yet the agent is not the applicant");
	else if (app->by_proxy && same)
		fproblem(v, GXCA_SEVERITY_WARNING, GXCA_EINVALID, "agent.is_applicant",
			 GXCA_APP_AGENT_ID_NUMBER, "勾选了代办，但经办人就是申请人本人",
			 "filed by proxy, yet the agent is the applicant");
}

static void check_all(struct vstate *v)
{
	const int *order = v->app->applicant == GXCA_APPLICANT_ORG ? org_order : person_order;
	for (size_t i = 0; order[i]; i++)
		check_field(v, order[i]);
	check_agent(v);
	if (!v->app->n_line)
		vadd(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "lines.empty", "lines", "申请业务",
		     "business lines", "至少填写一项业务", "at least one business line is required");
	for (size_t i = 0; i < v->app->n_line; i++)
		check_line(v, i);
	check_collection(v);
	if (!v->app->consent)
		vadd(v, GXCA_SEVERITY_ERROR, GXCA_EINVALID, "consent.missing", "consent", "协议确认",
		     "consent", "须同意《国信CA数字证书服务协议》《国信CA电子认证业务规则》",
		     "the service agreement and certification practice statement must be accepted");
}

/* Validate into a new report; GXCA_OK, GXCA_EINVALID or GXCA_ENOMEM (ctx set). */
static int validate(const gxca_application *app, gxca_report **out)
{
	struct vstate v = {app, NULL, GXCA_OK};
	if (gxca__report_new(&v.r))
		return gxca__oom(app->ctx);
	check_all(&v);
	if (v.rc) {
		gxca_report_free(v.r);
		return gxca__oom(app->ctx);
	}
	*out = v.r;
	size_t errors = gxca_report_error_count(v.r);
	if (!errors)
		return GXCA_OK;
	size_t first = 0;
	while (gxca_report_severity(v.r, first) != GXCA_SEVERITY_ERROR)
		first++;
	struct msg2 m;
	snprintf(m.zh, sizeof m.zh, "申请表有 %zu 处错误，第一处：%s", errors,
		 gxca_report_message(v.r, first, GXCA_LANG_ZH));
	snprintf(m.en, sizeof m.en, "the form has %zu errors; first: %s", errors,
		 gxca_report_message(v.r, first, GXCA_LANG_EN));
	return gxca__fail(app->ctx, GXCA_EINVALID, gxca_report_field(v.r, first), m.zh, m.en);
}

int gxca_application_validate(const gxca_application *app, gxca_report **report)
{
	if (report)
		*report = NULL;
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (!report)
		return gxca__fail(app->ctx, GXCA_EINVAL, "report", "输出参数为空", "report is NULL");
	return validate(app, report);
}

/* ==== workflow =========================================================== */

static bool legal(int from, int to)
{
	return to > 0 && (size_t)to < GXCA_ARRAY_LEN(legal_from) && (legal_from[to] & BIT(from));
}

static int64_t last_time(const gxca_application *app)
{
	return app->n_hist ? app->hist[app->n_hist - 1].when : 0;
}

/* The checks every transition makes first, in this order. */
static int step_check(gxca_application *app, int to, const char *actor, int64_t when)
{
	gxca_ctx *ctx = app->ctx;
	int rc = gxca__check_str(ctx, "actor", actor, MAX_ACTOR);
	if (rc)
		return rc;
	if (!actor[0])
		return gxca__fail(ctx, GXCA_EINVAL, "actor", "操作人不能为空", "actor is empty");
	if (when < 1 || when > MAX_TIME)
		return gxca__fail(ctx, GXCA_EINVAL, "when", "时间超出范围", "time out of range");
	if (!legal(app->state, to)) {
		struct msg2 m;
		snprintf(m.zh, sizeof m.zh, "不能从“%s”（%s）变为“%s”（%s）", state_zh[app->state],
			 state_names[app->state], state_zh[to], state_names[to]);
		snprintf(m.en, sizeof m.en, "cannot go from %s to %s", state_names[app->state],
			 state_names[to]);
		return gxca__fail(ctx, GXCA_EAPP_TRANSITION, "state", m.zh, m.en);
	}
	if (when < last_time(app))
		return gxca__failf(ctx, GXCA_EAPP_TIME, "when",
				   "时间 %lld 早于上一步的 %lld", "time %lld is before the previous step at %lld",
				   (long long)when, (long long)last_time(app));
	return GXCA_OK;
}

/* Append a history entry and enter its state; nothing changes on failure. */
static int commit(gxca_application *app, int to, const char *actor, int64_t when,
		  const char *note, int channel)
{
	if (app->n_hist == app->cap_hist) {
		size_t cap = app->cap_hist ? app->cap_hist * 2 : 8;
		struct entry *h = gxca__realloc(app->hist, cap * sizeof *h);
		if (!h)
			return gxca__oom(app->ctx);
		app->hist = h;
		app->cap_hist = cap;
	}
	struct entry e = {to, when, gxca__strdup(actor), note ? gxca__strdup(note) : NULL, channel};
	if (!e.actor || (note && !e.note)) {
		gxca__free(e.actor);
		gxca__free(e.note);
		return gxca__oom(app->ctx);
	}
	app->hist[app->n_hist++] = e;
	app->state = to;
	return GXCA_OK;
}

/* commit() for the public transitions: they are logged, loading is not. */
static int commit_logged(gxca_application *app, int to, const char *actor, int64_t when,
			 const char *note, int channel)
{
	gxca__log(app->ctx, GXCA_LOG_INFO, "application %s: %s -> %s by %s", app->id,
		  state_names[app->state], state_names[to], actor);
	return commit(app, to, actor, when, note, channel);
}

/* A transition without its own arguments. */
static int simple_step(gxca_application *app, int to, const char *actor, int64_t when)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = step_check(app, to, actor, when);
	return rc ? rc : commit_logged(app, to, actor, when, NULL, 0);
}

/* Every line's business must be open on the channel. */
static int channel_check(gxca_application *app, int channel)
{
	unsigned mask = app->ctx->policy->channel_business_mask[channel - 1];
	for (size_t i = 0; i < app->n_line; i++) {
		int b = app->line[i].business;
		if (!(mask & (1u << (b - 1))))
			return gxca__failf(app->ctx, GXCA_EAPP_CHANNEL, "channel",
					   "%s业务不能通过 %s 办理", "%s cannot be applied for by %s",
					   gxca_business_name(b), channel_names[channel]);
	}
	return GXCA_OK;
}

int gxca_application_submit(gxca_application *app, int channel, const char *actor, int64_t when)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	gxca_report_free(app->last_report);
	app->last_report = NULL;
	if (!NAME_OF(channel_names, channel))
		return gxca__failf(app->ctx, GXCA_EINVAL, "channel", "未知申领方式 %d",
				   "unknown channel %d", channel);
	int rc = step_check(app, GXCA_APP_SUBMITTED, actor, when);
	if (!rc)
		rc = channel_check(app, channel);
	gxca_report *r = NULL;
	if (!rc && (rc = validate(app, &r)) == GXCA_EINVALID) {
		app->last_report = r;
		return rc;
	}
	gxca_report_free(r);
	return rc ? rc : commit_logged(app, GXCA_APP_SUBMITTED, actor, when, NULL, channel);
}

int gxca_application_approve(gxca_application *app, const char *actor, int64_t when)
{
	return simple_step(app, GXCA_APP_APPROVED, actor, when);
}

int gxca_application_reject(gxca_application *app, const char *actor, int64_t when,
			    const char *reason)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = gxca__check_str(app->ctx, "reason", reason, MAX_REASON);
	if (!rc && !reason[0])
		rc = gxca__fail(app->ctx, GXCA_EINVAL, "reason", "退回须说明原因",
				"a rejection needs a reason");
	if (!rc)
		rc = step_check(app, GXCA_APP_REJECTED, actor, when);
	return rc ? rc : commit_logged(app, GXCA_APP_REJECTED, actor, when, reason, 0);
}

int gxca_application_request_payment(gxca_application *app, const char *actor, int64_t when)
{
	return simple_step(app, GXCA_APP_PAYMENT_REQUESTED, actor, when);
}

int gxca_application_mark_paid(gxca_application *app, const char *actor, int64_t when)
{
	return simple_step(app, GXCA_APP_PAID, actor, when);
}

int gxca_application_mark_issued(gxca_application *app, const char *actor, int64_t when)
{
	return simple_step(app, GXCA_APP_ISSUED, actor, when);
}

static bool tracking_ok(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return n >= 1 && n <= MAX_TRACKING;
}

/* The latest entry that entered state, or NULL. */
static const struct entry *last_entry(const gxca_application *app, int state)
{
	for (size_t i = app->n_hist; i-- > 0;)
		if (app->hist[i].state == state)
			return &app->hist[i];
	return NULL;
}

int gxca_application_channel(const gxca_application *app)
{
	const struct entry *e = app ? last_entry(app, GXCA_APP_SUBMITTED) : NULL;
	return e ? e->channel : 0;
}

/* A tracking number goes with MAIL and only with MAIL. */
static int tracking_check(gxca_ctx *ctx, int channel, const char *tracking_no)
{
	if (channel == GXCA_CHANNEL_MAIL && (!tracking_no || !tracking_ok(tracking_no)))
		return gxca__fail(ctx, GXCA_EINVAL, "tracking_no",
				  "邮寄交付须填写快递单号（1 到 64 位字母、数字或“-”）",
				  "mail delivery needs a tracking number (1 to 64 letters, digits or '-')");
	if (channel != GXCA_CHANNEL_MAIL && tracking_no)
		return gxca__fail(ctx, GXCA_EINVAL, "tracking_no", "现场申领当场交付，没有快递单号",
				  "an on-site application is handed over: no tracking number");
	return GXCA_OK;
}

int gxca_application_deliver(gxca_application *app, const char *actor, int64_t when,
			     const char *tracking_no)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	int rc = step_check(app, GXCA_APP_DELIVERED, actor, when);
	if (!rc)
		rc = tracking_check(app->ctx, gxca_application_channel(app), tracking_no);
	return rc ? rc : commit_logged(app, GXCA_APP_DELIVERED, actor, when, tracking_no, 0);
}

const gxca_report *gxca_application_last_report(const gxca_application *app)
{
	return app ? app->last_report : NULL;
}

int gxca_application_state(const gxca_application *app) { return app ? app->state : 0; }
size_t gxca_application_history_count(const gxca_application *app) { return app ? app->n_hist : 0; }

int gxca_application_history_get(const gxca_application *app, size_t i, int *state,
				 int64_t *when, const char **actor, const char **note)
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (i >= app->n_hist)
		return gxca__failf(app->ctx, GXCA_EINVAL, "i", "没有第 %zu 条记录", "no history entry %zu",
				   i);
	const struct entry *e = &app->hist[i];
	if (state)
		*state = e->state;
	if (when)
		*when = e->when;
	if (actor)
		*actor = e->actor;
	if (note)
		*note = e->state == GXCA_APP_SUBMITTED ? channel_names[e->channel] : e->note ? e->note : "";
	return GXCA_OK;
}

int64_t gxca_application_paid_at(const gxca_application *app)
{
	const struct entry *e = app ? last_entry(app, GXCA_APP_PAID) : NULL;
	return e ? e->when : 0;
}

const char *gxca_application_tracking_no(const gxca_application *app)
{
	const struct entry *e = app ? last_entry(app, GXCA_APP_DELIVERED) : NULL;
	return e && e->note ? e->note : "";
}

/* n working days after the Asia/Shanghai date of t. */
static int due(const gxca_application *app, int64_t t, int n, char out[GXCA_DATE_SIZE])
{
	int64_t day = (t + GXCA_TZ_OFFSET_SECONDS) / 86400, res; /* t > 0 */
	int rc = gxca__calendar_add(app->ctx, day, n, &res);
	if (!rc && gxca_calendar_date_of(res * 86400, out))
		rc = gxca__fail(app->ctx, GXCA_ERANGE, "date", "日期超出范围", "date out of range");
	return rc;
}

int gxca_application_invoice_due(const gxca_application *app, char out[GXCA_DATE_SIZE])
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (!out)
		return gxca__fail(app->ctx, GXCA_EINVAL, "out", "输出参数为空", "out is NULL");
	const struct entry *e = last_entry(app, GXCA_APP_PAID);
	if (!e)
		return gxca__fail(app->ctx, GXCA_ESTATE, "state", "尚未付款", "not paid yet");
	return due(app, e->when, app->ctx->policy->invoice_working_days, out);
}

int gxca_application_mail_due(const gxca_application *app, char out[GXCA_DATE_SIZE])
{
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (!out)
		return gxca__fail(app->ctx, GXCA_EINVAL, "out", "输出参数为空", "out is NULL");
	const struct entry *e = last_entry(app, GXCA_APP_SUBMITTED);
	if (!e)
		return gxca__fail(app->ctx, GXCA_ESTATE, "state", "尚未提交", "not submitted yet");
	if (e->channel != GXCA_CHANNEL_MAIL)
		return gxca__fail(app->ctx, GXCA_ESTATE, "channel", "现场申领没有邮寄办理时限",
				  "an on-site application has no mail deadline");
	return due(app, e->when, app->ctx->policy->mail_working_days, out);
}

/* ==== JSON =============================================================== */

/* ---- building ---- */

/* Add v under key (o NULL or v NULL: an earlier allocation failed). 0 or -1. */
static int put(json_object *o, const char *key, json_object *v)
{
	if (o && v && json_object_object_add(o, key, v) == 0)
		return 0;
	json_object_put(v);
	return -1;
}

static int push(json_object *arr, json_object *v)
{
	if (arr && v && json_object_array_add(arr, v) == 0)
		return 0;
	json_object_put(v);
	return -1;
}

static json_object *line_json(const struct line *l)
{
	json_object *o = json_object_new_object();
	int bad = put(o, "business", json_object_new_string(gxca_business_name(l->business)));
	bad |= put(o, "count", json_object_new_int64(l->count));
	if (l->years)
		bad |= put(o, "years", json_object_new_int(l->years));
	if (l->changes) {
		json_object *c = json_object_new_array();
		for (size_t k = 0; k < GXCA_ARRAY_LEN(change_names); k++)
			if (l->changes & (1u << k))
				bad |= push(c, json_object_new_string(change_names[k]));
		bad |= put(o, "changes", c);
	}
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *entry_json(const struct entry *e)
{
	json_object *o = json_object_new_object();
	int bad = put(o, "state", json_object_new_string(state_names[e->state]));
	bad |= put(o, "time", json_object_new_int64(e->when));
	bad |= put(o, "actor", json_object_new_string(e->actor));
	if (e->state == GXCA_APP_SUBMITTED)
		bad |= put(o, "channel", json_object_new_string(channel_names[e->channel]));
	else if (e->note)
		bad |= put(o, e->state == GXCA_APP_REJECTED ? "reason" : "tracking_no",
			   json_object_new_string(e->note));
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *collection_json(const gxca_application *app)
{
	json_object *o = json_object_new_object();
	int bad = 0;
	for (int w = 1; w <= N_COLLECT; w++)
		if (collects[w].kind & KIND(app->applicant))
			bad |= put(o, collects[w].name, json_object_new_int(app->collect[w]));
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The whole document; NULL when json-c runs out of memory. */
static json_object *app_json(const gxca_application *app)
{
	json_object *o = json_object_new_object();
	int bad = put(o, "schema", json_object_new_string(SCHEMA));
	bad |= put(o, "id", json_object_new_string(app->id));
	bad |= put(o, "kind", json_object_new_string(gxca_applicant_name(app->applicant)));
	const int *order = app->applicant == GXCA_APPLICANT_ORG ? org_order : person_order;
	for (size_t i = 0; order[i]; i++)
		bad |= put(o, fields[order[i]].name, json_object_new_string(value_of(app, order[i])));
	if (app->applicant == GXCA_APPLICANT_PERSON)
		bad |= put(o, "by_proxy", json_object_new_boolean(app->by_proxy));
	bad |= put(o, "consent", json_object_new_boolean(app->consent));
	bad |= put(o, "collection", collection_json(app));
	json_object *lines = json_object_new_array();
	for (size_t i = 0; i < app->n_line; i++)
		bad |= push(lines, line_json(&app->line[i]));
	bad |= put(o, "lines", lines);
	bad |= put(o, "state", json_object_new_string(state_names[app->state]));
	json_object *hist = json_object_new_array();
	for (size_t i = 0; i < app->n_hist; i++)
		bad |= push(hist, entry_json(&app->hist[i]));
	bad |= put(o, "history", hist);
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int gxca_application_to_json(const gxca_application *app, char **out)
{
	if (out)
		*out = NULL;
	if (!app)
		return GXCA_EINVAL;
	gxca__clear(app->ctx);
	if (!out)
		return gxca__fail(app->ctx, GXCA_EINVAL, "out", "输出参数为空", "out is NULL");
	json_object *o = app_json(app);
	char *s = o ? gxca__json_dump(o, true) : NULL;
	json_object_put(o);
	if (!s)
		return gxca__oom(app->ctx);
	*out = s;
	return GXCA_OK;
}

/* ---- loading ---- */

/* Fail at the path of member key of the current object. */
static int fail_at(gxca__jr *j, const char *key, const char *zh, const char *en)
{
	size_t mark = gxca__jr_key(j, key);
	int rc = gxca__jr_fail(j, zh, en);
	gxca__jr_pop(j, mark);
	return rc;
}

/* Read the enum string member key (required) with from_name. */
static int read_enum(gxca__jr *j, json_object *o, const char *key, int (*from_name)(const char *),
		     int *out)
{
	json_object *v = NULL;
	int rc = gxca__jr_get(j, o, key, json_type_string, true, &v);
	if (rc)
		return rc;
	size_t mark = gxca__jr_key(j, key);
	rc = gxca__jr_enum(j, v, from_name, out);
	gxca__jr_pop(j, mark);
	return rc;
}

/* A text member: at most max bytes, valid UTF-8 (json-c lets lone
 * surrogates of \u escapes through), optionally non-empty. *out NULL when absent. */
static int read_text(gxca__jr *j, json_object *o, const char *key, bool required, size_t max,
		     char **out)
{
	int rc = gxca__jr_str(j, o, key, required, max, out);
	if (rc || !*out)
		return rc;
	if (!gxca__utf8_valid(*out, strlen(*out)))
		rc = fail_at(j, key, "不是有效的 UTF-8", "not valid UTF-8");
	else if (required && !(*out)[0])
		rc = fail_at(j, key, "不能为空", "must not be empty");
	if (rc) {
		gxca__free(*out);
		*out = NULL;
	}
	return rc;
}

static int from_change_name(const char *name)
{
	for (size_t k = 0; name && k < GXCA_ARRAY_LEN(change_names); k++)
		if (strcasecmp(change_names[k], name) == 0)
			return (int)(1u << k);
	return 0;
}

static bool valid_id(const char *s)
{
	if (strlen(s) != ID_LEN || s[0] != 'G' || s[1] != 'X')
		return false;
	for (size_t i = 2; i < ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* The members a document of this kind may have. */
static void allowed_keys(int kind, const char **keys, size_t cap)
{
	static const char *const common[] = {"schema", "id", "kind", "consent", "collection",
					     "lines", "state", "history"};
	size_t n = 0;
	for (size_t i = 0; i < GXCA_ARRAY_LEN(common); i++)
		keys[n++] = common[i];
	if (kind == GXCA_APPLICANT_PERSON)
		keys[n++] = "by_proxy";
	for (int f = 1; f <= N_FIELD && n + 1 < cap; f++)
		if (fields[f].kinds & KIND(kind))
			keys[n++] = fields[f].name;
	keys[n] = NULL;
}

static int load_fields(gxca__jr *j, json_object *root, gxca_application *app)
{
	int rc = GXCA_OK;
	for (int f = 1; !rc && f <= N_FIELD; f++) {
		if (!on_form(app, f))
			continue;
		char *s = NULL;
		rc = read_text(j, root, fields[f].name, false, MAX_VALUE, &s);
		if (!rc && s && f == GXCA_APP_ID_TYPE && s[0] &&
		    !index_of(id_type_names, GXCA_ARRAY_LEN(id_type_names), s))
			rc = fail_at(j, fields[f].name, "应为 RESIDENT_ID、OTHER 或空",
				     "expected RESIDENT_ID, OTHER or empty");
		if (!rc && s)
			rc = store(app, f, s);
		gxca__free(s);
	}
	return rc;
}

static int load_flags(gxca__jr *j, json_object *root, gxca_application *app)
{
	int rc = gxca__jr_bool(j, root, "consent", false, &app->consent);
	if (!rc && app->applicant == GXCA_APPLICANT_PERSON)
		rc = gxca__jr_bool(j, root, "by_proxy", false, &app->by_proxy);
	json_object *c = NULL;
	if (rc || (rc = gxca__jr_get(j, root, "collection", json_type_object, false, &c)) || !c)
		return rc;
	const char *keys[N_COLLECT + 1];
	size_t n = 0;
	for (int w = 1; w <= N_COLLECT; w++)
		if (collects[w].kind & KIND(app->applicant))
			keys[n++] = collects[w].name;
	keys[n] = NULL;
	size_t mark = gxca__jr_key(j, "collection");
	rc = gxca__jr_only(j, c, keys);
	for (int w = 1; !rc && w <= N_COLLECT; w++) {
		int64_t x = 0;
		if (collects[w].kind & KIND(app->applicant) &&
		    !(rc = gxca__jr_int(j, c, collects[w].name, false, 0, collects[w].max, &x)))
			app->collect[w] = (int)x;
	}
	if (!rc)
		gxca__jr_pop(j, mark);
	return rc;
}

static int load_changes(gxca__jr *j, json_object *o, uint32_t *out)
{
	json_object *arr = NULL;
	int rc = gxca__jr_get(j, o, "changes", json_type_array, false, &arr);
	if (rc || !arr)
		return rc;
	size_t mark = gxca__jr_key(j, "changes");
	for (size_t k = 0; !rc && k < json_object_array_length(arr); k++) {
		size_t m2 = gxca__jr_idx(j, k);
		int flag = 0;
		rc = gxca__jr_enum(j, json_object_array_get_idx(arr, k), from_change_name, &flag);
		if (!rc && (*out & (uint32_t)flag))
			rc = gxca__jr_fail(j, "变更类型重复", "duplicate change kind");
		*out |= (uint32_t)flag;
		if (!rc)
			gxca__jr_pop(j, m2);
	}
	if (!rc)
		gxca__jr_pop(j, mark);
	return rc;
}

static int load_line(gxca__jr *j, json_object *o, gxca_application *app)
{
	static const char *const keys[] = {"business", "count", "years", "changes", NULL};
	if (!json_object_is_type(o, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected an object");
	int business = 0;
	int64_t count = 0, years = 0;
	uint32_t changes = 0;
	int rc = gxca__jr_only(j, o, keys);
	if (!rc)
		rc = read_enum(j, o, "business", gxca_business_from_name, &business);
	if (!rc)
		rc = gxca__jr_int(j, o, "count", true, 0, MAX_COUNT, &count);
	if (!rc)
		rc = gxca__jr_int(j, o, "years", false, 0, MAX_YEARS, &years);
	if (!rc)
		rc = load_changes(j, o, &changes);
	if (!rc)
		app->line[app->n_line++] = (struct line){business, (unsigned)count, (int)years, changes};
	return rc;
}

static int load_lines(gxca__jr *j, json_object *root, gxca_application *app)
{
	json_object *arr = NULL;
	int rc = gxca__jr_get(j, root, "lines", json_type_array, false, &arr);
	if (rc || !arr)
		return rc;
	size_t n = json_object_array_length(arr);
	if (n > GXCA_APP_MAX_LINES)
		return fail_at(j, "lines", "业务行过多（最多 16 行）", "too many lines (at most 16)");
	size_t mark = gxca__jr_key(j, "lines");
	for (size_t i = 0; !rc && i < n; i++) {
		size_t m2 = gxca__jr_idx(j, i);
		rc = load_line(j, json_object_array_get_idx(arr, i), app);
		if (!rc)
			gxca__jr_pop(j, m2);
	}
	if (!rc)
		gxca__jr_pop(j, mark);
	return rc;
}

/* A member that only some entries have must be absent from the others. */
static int absent(gxca__jr *j, json_object *o, const char *key, bool allowed)
{
	json_object *v = NULL;
	if (allowed || !json_object_object_get_ex(o, key, &v))
		return GXCA_OK;
	return fail_at(j, key, "此类记录不应有该成员", "not allowed in an entry of this state");
}

/* The note of an entry: the reason of REJECTED, the tracking number of a
 * mailed DELIVERED, nothing for the others. */
static int load_note(gxca__jr *j, json_object *o, gxca_application *app, int to, char **note)
{
	bool mail = gxca_application_channel(app) == GXCA_CHANNEL_MAIL;
	bool deliver = to == GXCA_APP_DELIVERED;
	int rc = absent(j, o, "reason", to == GXCA_APP_REJECTED);
	if (!rc)
		rc = absent(j, o, "tracking_no", deliver && mail);
	if (!rc && to == GXCA_APP_REJECTED)
		rc = read_text(j, o, "reason", true, MAX_REASON, note);
	if (!rc && deliver && mail && !(rc = read_text(j, o, "tracking_no", true, MAX_TRACKING, note)) &&
	    !tracking_ok(*note))
		rc = fail_at(j, "tracking_no", "快递单号只能含字母、数字和“-”",
			     "a tracking number has only letters, digits and '-'");
	return rc;
}

static int load_entry(gxca__jr *j, json_object *o, gxca_application *app)
{
	static const char *const keys[] = {"state", "time", "actor", "channel", "reason",
					   "tracking_no", NULL};
	if (!json_object_is_type(o, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected an object");
	int to = 0, channel = 0;
	int64_t when = 0;
	char *actor = NULL, *note = NULL;
	int rc = gxca__jr_only(j, o, keys);
	if (!rc && !(rc = read_enum(j, o, "state", gxca_app_state_from_name, &to)) &&
	    !legal(app->state, to))
		rc = fail_at(j, "state", "不是上一状态允许的下一步", "not a legal step from the previous state");
	if (!rc && !(rc = gxca__jr_int(j, o, "time", true, 1, MAX_TIME, &when)) &&
	    when < last_time(app))
		rc = fail_at(j, "time", "早于上一条记录", "earlier than the previous entry");
	if (!rc)
		rc = read_text(j, o, "actor", true, MAX_ACTOR, &actor);
	if (!rc && !(rc = absent(j, o, "channel", to == GXCA_APP_SUBMITTED)) &&
	    to == GXCA_APP_SUBMITTED)
		rc = read_enum(j, o, "channel", gxca_channel_from_name, &channel);
	if (!rc)
		rc = load_note(j, o, app, to, &note);
	if (!rc)
		rc = commit(app, to, actor, when, note, channel);
	gxca__free(actor);
	gxca__free(note);
	return rc;
}

static int load_workflow(gxca__jr *j, json_object *root, gxca_application *app)
{
	json_object *arr = NULL;
	int state = 0;
	int rc = gxca__jr_get(j, root, "history", json_type_array, false, &arr);
	size_t n = arr ? json_object_array_length(arr) : 0;
	if (!rc && n) {
		size_t mark = gxca__jr_key(j, "history");
		for (size_t i = 0; !rc && i < n; i++) {
			size_t m2 = gxca__jr_idx(j, i);
			rc = load_entry(j, json_object_array_get_idx(arr, i), app);
			if (!rc)
				gxca__jr_pop(j, m2);
		}
		if (!rc)
			gxca__jr_pop(j, mark);
	}
	json_object *sv = NULL;
	if (!rc && !(rc = gxca__jr_get(j, root, "state", json_type_string, false, &sv)) && sv &&
	    !(rc = read_enum(j, root, "state", gxca_app_state_from_name, &state)) &&
	    state != app->state)
		rc = fail_at(j, "state", "与历史记录的最后状态不符",
			     "does not match the last state of the history");
	return rc;
}

static int load_head(gxca__jr *j, json_object *root, int *kind)
{
	if (!json_object_is_type(root, json_type_object))
		return gxca__jr_fail(j, "应为对象", "expected an object");
	char *schema = NULL;
	int rc = gxca__jr_str(j, root, "schema", true, 64, &schema);
	if (!rc && strcmp(schema, SCHEMA) != 0)
		rc = fail_at(j, "schema", "应为 \"" SCHEMA "\"", "expected \"" SCHEMA "\"");
	gxca__free(schema);
	if (!rc)
		rc = read_enum(j, root, "kind", gxca_applicant_from_name, kind);
	const char *keys[48];
	if (!rc) {
		allowed_keys(*kind, keys, GXCA_ARRAY_LEN(keys));
		rc = gxca__jr_only(j, root, keys);
	}
	return rc;
}

static int load_id(gxca__jr *j, json_object *root, gxca_application *app)
{
	char *id = NULL;
	int rc = gxca__jr_str(j, root, "id", false, 64, &id);
	if (!rc && id && !valid_id(id))
		rc = fail_at(j, "id", "应为 GX 加 16 位大写十六进制数字",
			     "expected GX and 16 upper-case hex digits");
	if (!rc && id)
		memcpy(app->id, id, ID_LEN + 1);
	gxca__free(id);
	return rc;
}

static int load(gxca__jr *j, json_object *root, gxca_application **out)
{
	int kind = 0;
	int rc = load_head(j, root, &kind);
	if (!rc)
		rc = alloc_app(out, j->ctx, kind);
	if (!rc)
		rc = load_id(j, root, *out);
	if (!rc)
		rc = load_fields(j, root, *out);
	if (!rc)
		rc = load_flags(j, root, *out);
	if (!rc)
		rc = load_lines(j, root, *out);
	if (!rc)
		rc = load_workflow(j, root, *out);
	return rc;
}

int gxca_application_from_json(gxca_application **out, gxca_ctx *ctx, const char *json,
			       size_t len)
{
	if (out)
		*out = NULL;
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out || !json)
		return gxca__fail(ctx, GXCA_EINVAL, out ? "json" : "out", "参数为空",
				  "argument is NULL");
	if (len > MAX_JSON)
		return gxca__fail(ctx, GXCA_ETOOBIG, "$", "申请 JSON 超过 1 MiB",
				  "application JSON larger than 1 MiB");
	gxca__jr j;
	gxca__jr_init(&j, ctx, GXCA_EJSON);
	json_object *root = NULL;
	int rc = gxca__jr_parse(&j, json, len, &root);
	gxca_application *app = NULL;
	if (!rc)
		rc = load(&j, root, &app);
	json_object_put(root);
	if (rc) {
		gxca_application_free(app);
		return rc;
	}
	*out = app;
	return GXCA_OK;
}
