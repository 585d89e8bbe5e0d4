/*
 * lib/site.c — service sites (现场申领地点) and their opening hours.
 */
#include "policy-private.h"

#include <string.h>

/* The public handle is the policy's site record itself. */
struct gxca_site {
	struct gxca__site s;
};

size_t gxca_site_count(const gxca_ctx *ctx) { return ctx && ctx->policy ? ctx->policy->n_site : 0; }

const gxca_site *gxca_site_get(const gxca_ctx *ctx, size_t i)
{
	if (i >= gxca_site_count(ctx))
		return NULL;
	return (const gxca_site *)&ctx->policy->site[i];
}

const gxca_site *gxca_site_find(const gxca_ctx *ctx, const char *id)
{
	for (size_t i = 0; id && i < gxca_site_count(ctx); i++)
		if (strcmp(ctx->policy->site[i].id, id) == 0)
			return (const gxca_site *)&ctx->policy->site[i];
	return NULL;
}

const char *gxca_site_id(const gxca_site *site) { return site ? site->s.id : ""; }
const char *gxca_site_address(const gxca_site *site) { return site ? site->s.address : ""; }
const char *gxca_site_phone(const gxca_site *site) { return site ? site->s.phone : ""; }

const char *gxca_site_region(const gxca_site *site, int lang)
{
	if (!site)
		return "";
	return lang == GXCA_LANG_EN ? site->s.region_en : site->s.region;
}

int gxca_site_hours(gxca_ctx *ctx, const gxca_site *site, int month, char **out)
{
	if (!ctx || !out)
		return GXCA_EINVAL;
	*out = NULL;
	gxca__clear(ctx);
	if (!site)
		return gxca__fail(ctx, GXCA_EINVAL, "site", "地点为空", "site is NULL");
	if (month < 1 || month > 12)
		return gxca__fail(ctx, GXCA_ERANGE, "month", "月份应为 1 到 12", "month must be 1 to 12");
	gxca__buf b = {0};
	for (size_t i = 0; i < site->s.n_span; i++) {
		const struct gxca__hours_span *sp = &site->s.span[i];
		if (!(sp->month_mask & (1u << month)))
			continue;
		gxca__buf_printf(&b, "%s%02d:%02d-%02d:%02d", b.len ? ", " : "", sp->from_min / 60,
				 sp->from_min % 60, sp->to_min / 60, sp->to_min % 60);
	}
	if (!b.len)
		gxca__buf_puts(&b, "");
	*out = gxca__buf_steal(&b);
	return *out ? GXCA_OK : gxca__oom(ctx);
}

int gxca_site_is_open(gxca_ctx *ctx, const gxca_site *site, int64_t t, int *out)
{
	if (!ctx || !out)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!site)
		return gxca__fail(ctx, GXCA_EINVAL, "site", "地点为空", "site is NULL");
	if (t < 0 || t > INT64_C(253402300799) - GXCA_TZ_OFFSET_SECONDS)
		return gxca__fail(ctx, GXCA_ERANGE, "time", "时间超出范围", "time out of range");
	int64_t local = t + GXCA_TZ_OFFSET_SECONDS, day = local / 86400;
	int minute = (int)(local % 86400 / 60), y, m, d;
	gxca__civil_from_days(day, &y, &m, &d);
	int w = gxca__calendar_is_working_day(ctx->policy, day);
	if (w < 0)
		return gxca__failf(ctx, GXCA_ECALENDAR_UNKNOWN, "time", "策略中没有 %d 年的节假日安排",
				   "the policy has no holiday calendar for %d", y, y);
	*out = 0;
	for (size_t i = 0; w && i < site->s.n_span; i++) {
		const struct gxca__hours_span *sp = &site->s.span[i];
		if ((sp->month_mask & (1u << m)) && minute >= sp->from_min && minute < sp->to_min)
			*out = 1;
	}
	return GXCA_OK;
}
