/*
 * libgxca — policy, working-day calendar and service sites.
 *
 * Everything the guide fixes (tariff, materials, sites and hours, channels,
 * platform, initial PIN, deadlines, holiday calendar, CA URLs) is policy data.
 * A context starts with the built-in policy (lib/policy-default.json);
 * gxca_ctx_load_policy() replaces it with a JSON file of the same schema
 * (doc/policy-json.md).
 */
#ifndef GXCA_POLICY_H
#define GXCA_POLICY_H

#include <gxca/common.h>
#include <gxca/ctx.h>

GXCA_BEGIN_DECLS

/** Size of a "YYYY-MM-DD" buffer including the NUL. */
#define GXCA_DATE_SIZE 11

/**
 * Load a policy from a JSON file and make it the context's policy. The file
 * is checked completely first: on any problem the call fails with
 * GXCA_EPOLICY (or GXCA_EJSON, GXCA_EENCODING, GXCA_EIO), the error's field is
 * the JSON path of the bad element (e.g. "$.tariff.max_years"), and the
 * context keeps its previous policy. Objects borrowed from the old policy
 * (sites) become invalid on success.
 */
GXCA_API int gxca_ctx_load_policy(gxca_ctx *ctx, const char *path) GXCA_WARN_UNUSED;
/** The same from JSON text in memory (len bytes). */
GXCA_API int gxca_ctx_load_policy_json(gxca_ctx *ctx, const char *json, size_t len) GXCA_WARN_UNUSED;
/** Restore the built-in policy. */
GXCA_API int gxca_ctx_reset_policy(gxca_ctx *ctx) GXCA_WARN_UNUSED;
/** The built-in policy as JSON text (static, never NULL): a template to edit. */
GXCA_API const char *gxca_policy_default_json(void);

/** Scalar policy values (borrowed strings, valid until the policy changes). */
GXCA_API const char *gxca_policy_platform_code(const gxca_ctx *ctx);
GXCA_API const char *gxca_policy_platform_name(const gxca_ctx *ctx);
GXCA_API const char *gxca_policy_hotline(const gxca_ctx *ctx);
GXCA_API const char *gxca_policy_mailbox(const gxca_ctx *ctx);
/** The PIN a new token carries (it must be changed before use). */
GXCA_API const char *gxca_policy_initial_pin(const gxca_ctx *ctx);

/* ---- calendar (Asia/Shanghai, UTC+8) ---- */

/** The Asia/Shanghai date of a Unix time, as "YYYY-MM-DD" into out. */
GXCA_API int gxca_calendar_date_of(int64_t unix_time, char out[GXCA_DATE_SIZE]);
/** Unix time of 00:00 Asia/Shanghai on date ("YYYY-MM-DD"). */
GXCA_API int gxca_calendar_time_of(gxca_ctx *ctx, const char *date, int64_t *out) GXCA_WARN_UNUSED;

/**
 * Is date a working day (weekday not a holiday, or a weekend day made a
 * working day)? *out is 1 or 0. GXCA_ECALENDAR_UNKNOWN when the policy has
 * no calendar for that year: nothing is guessed.
 */
GXCA_API int gxca_calendar_is_working_day(gxca_ctx *ctx, const char *date, int *out) GXCA_WARN_UNUSED;

/**
 * The n-th working day after date (date itself does not count; n >= 0; n = 0
 * gives date itself if it is a working day, else the next one). Fails with
 * GXCA_ECALENDAR_UNKNOWN when it would cross into a year without data.
 */
GXCA_API int gxca_calendar_add_working_days(gxca_ctx *ctx, const char *date, int n,
					    char out[GXCA_DATE_SIZE]) GXCA_WARN_UNUSED;

/* ---- service sites (现场申领地点) ---- */

typedef struct gxca_site gxca_site;

/** Number of sites of the policy; 0 for NULL. */
GXCA_API size_t gxca_site_count(const gxca_ctx *ctx);
/** Site i, borrowed from the ctx's policy (valid until the policy changes); NULL if out of range. */
GXCA_API const gxca_site *gxca_site_get(const gxca_ctx *ctx, size_t i);
/** Site by id ("haian"); NULL when unknown. */
GXCA_API const gxca_site *gxca_site_find(const gxca_ctx *ctx, const char *id);

GXCA_API const char *gxca_site_id(const gxca_site *site);
GXCA_API const char *gxca_site_region(const gxca_site *site, int lang);
GXCA_API const char *gxca_site_address(const gxca_site *site);
GXCA_API const char *gxca_site_phone(const gxca_site *site);
/**
 * Opening hours that apply in a month (1..12), as "08:30-12:00, 14:30-18:00".
 * Caller frees *out with gxca_free().
 */
GXCA_API int gxca_site_hours(gxca_ctx *ctx, const gxca_site *site, int month, char **out) GXCA_WARN_UNUSED;

/**
 * Is the site open at a Unix time? Working days only (the calendar decides),
 * within the hours of that month. *out is 1 or 0; GXCA_ECALENDAR_UNKNOWN when
 * the year has no calendar data.
 */
GXCA_API int gxca_site_is_open(gxca_ctx *ctx, const gxca_site *site, int64_t unix_time,
			       int *out) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_POLICY_H */
