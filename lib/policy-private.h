/*
 * lib/policy-private.h — the policy in force, as parsed from JSON
 * (lib/policy-default.json built in, or gxca_ctx_load_policy()).
 * A policy is immutable once built and shared by refcount between contexts.
 * Schema: doc/policy-json.md.
 */
#ifndef GXCA_POLICY_PRIVATE_H
#define GXCA_POLICY_PRIVATE_H

#include "gxca-private.h"

#define GXCA__N_APPLICANT 2 /* index = gxca_applicant - 1 */
#define GXCA__N_BUSINESS  5 /* index = gxca_business - 1 */
#define GXCA__N_ITEM      2 /* index = gxca_item - 1 */
#define GXCA__N_MATERIAL  9 /* index = gxca_material - 1 */

typedef enum {
	GXCA__PRICE_NOT_OFFERED = 0,
	GXCA__PRICE_FLAT = 1, /* one price whatever the term (REISSUE, CHANGE, UNLOCK) */
	GXCA__PRICE_TERM = 2  /* priced by the year (NEW, RENEW) */
} gxca__price_kind;

struct gxca__price_cell {
	gxca__price_kind kind;
	int64_t flat_fen;       /* FLAT */
	int64_t first_year_fen; /* TERM, NEW: year 1 (later years at RENEW per_year); else -1 */
	int64_t per_year_fen;   /* TERM, RENEW: each year; else -1 */
	int package_years;      /* 0 = no package */
	int64_t package_fen;
};

struct gxca__tariff_policy {
	int max_years;
	int seals_per_master;
	int seals_per_secondary;
	struct gxca__price_cell cell[GXCA__N_APPLICANT][GXCA__N_BUSINESS][GXCA__N_ITEM];
};

/* Material flags */
#define GXCA__MAT_STAMPED  0x1u
#define GXCA__MAT_SIGNED   0x2u
#define GXCA__MAT_ORIGINAL 0x4u
#define GXCA__MAT_PHYSICAL 0x8u

struct gxca__material_item {
	char *zh, *en;
	unsigned flags;
};

struct gxca__material_rule {
	int applicant;           /* gxca_applicant */
	unsigned business_mask;  /* bit (business - 1) */
	int material;            /* gxca_material */
	bool when_proxy;         /* only when applied for by a proxy */
	unsigned unless_only_changes; /* skipped when the change flags are a non-empty subset */
};

struct gxca__materials_policy {
	struct gxca__material_item item[GXCA__N_MATERIAL];
	struct gxca__material_rule *rule;
	size_t n_rule;
	unsigned rebid_business_mask;
	char *rebid_zh, *rebid_en;
};

struct gxca__hours_span {
	int from_min, to_min;  /* minutes after midnight, [from, to) */
	unsigned month_mask;   /* bit m (1..12) set = applies in month m */
};

struct gxca__site {
	char *id, *region, *region_en, *address, *phone;
	struct gxca__hours_span *span;
	size_t n_span;
};

struct gxca__calendar_year {
	int year;
	int64_t *holiday; size_t n_holiday; /* sorted day numbers (days since epoch) */
	int64_t *workday; size_t n_workday; /* 调休 weekend days worked, sorted */
};

struct gxca__ca_policy {
	unsigned key_alg_mask; /* bit gxca_key_alg */
	int default_key_alg;
	char *sm2_id, *policy_oid, *crl_url, *ocsp_url, *ca_issuers_url;
	int crl_next_update_hours;
};

struct gxca_policy {
	int refs; /* atomic */
	char *name;
	char *platform_code, *platform_name;
	char *ca_name, *ca_short_name, *hotline, *mailbox;
	char *initial_pin;
	int pin_min_len, pin_max_len;
	int invoice_working_days, mail_working_days;
	int revocation_request_hours, revocation_hours;
	unsigned channel_business_mask[2]; /* [0] MAIL, [1] ONSITE */
	struct gxca__tariff_policy tariff;
	struct gxca__materials_policy materials;
	struct gxca__site *site; size_t n_site;
	struct gxca__calendar_year *year; size_t n_year; /* sorted by year */
	struct gxca__ca_policy ca;
};

/* Parse a policy from JSON text; on failure ctx names the JSON path. */
int gxca__policy_parse(gxca_ctx *ctx, const char *text, size_t len, struct gxca_policy **out);
/* The built-in policy (parsed once, shared); takes a reference. */
int gxca__policy_default(gxca_ctx *ctx, struct gxca_policy **out);
void gxca__policy_ref(struct gxca_policy *p);
void gxca__policy_unref(struct gxca_policy *p);

/* Day kind from the calendar: 1 working, 0 rest, GXCA_ECALENDAR_UNKNOWN. */
int gxca__calendar_is_working_day(const struct gxca_policy *p, int64_t day);
/* The n-th working day after day (day numbers since 1970-01-01), see
 * gxca_calendar_add_working_days(); fails with GXCA_ECALENDAR_UNKNOWN. */
int gxca__calendar_add(gxca_ctx *ctx, int64_t day, int n, int64_t *out);

#endif /* GXCA_POLICY_PRIVATE_H */
