/*
 * lib/calendar.c — the working-day calendar (Asia/Shanghai).
 * Holidays and make-up working days (调休) are policy data per year; a year
 * without data is GXCA_ECALENDAR_UNKNOWN, never a guess.
 */
#include "policy-private.h"

#include <stdio.h>

static bool contains(const int64_t *days, size_t n, int64_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] == day)
			return true;
		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const struct gxca__calendar_year *find_year(const struct gxca_policy *p, int year)
{
	for (size_t i = 0; i < p->n_year; i++)
		if (p->year[i].year == year)
			return &p->year[i];
	return NULL;
}

int gxca__calendar_is_working_day(const struct gxca_policy *p, int64_t day)
{
	int y, m, d;
	gxca__civil_from_days(day, &y, &m, &d);
	const struct gxca__calendar_year *cy = find_year(p, y);
	if (!cy)
		return GXCA_ECALENDAR_UNKNOWN;
	if (contains(cy->workday, cy->n_workday, day))
		return 1;
	if (contains(cy->holiday, cy->n_holiday, day))
		return 0;
	int64_t wd = (day + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
	if (wd < 0)
		wd += 7;
	return wd != 0 && wd != 6;
}

static int unknown_year(gxca_ctx *ctx, int64_t day)
{
	int y, m, d;
	gxca__civil_from_days(day, &y, &m, &d);
	return gxca__failf(ctx, GXCA_ECALENDAR_UNKNOWN, "date", "策略中没有 %d 年的节假日安排",
			   "the policy has no holiday calendar for %d", y, y);
}

static int parse_date(gxca_ctx *ctx, const char *date, int64_t *day)
{
	int y, m, d;
	if (!date || !gxca__date_parse(date, &y, &m, &d))
		return gxca__fail(ctx, GXCA_EINVAL, "date", "日期应为有效的 YYYY-MM-DD",
				  "date must be a valid YYYY-MM-DD");
	*day = gxca__days_from_civil(y, m, d);
	return GXCA_OK;
}

static void format_day(int64_t day, char out[GXCA_DATE_SIZE])
{
	int y, m, d;
	gxca__civil_from_days(day, &y, &m, &d);
	snprintf(out, GXCA_DATE_SIZE, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

int gxca_calendar_date_of(int64_t t, char out[GXCA_DATE_SIZE])
{
	if (!out)
		return GXCA_EINVAL;
	if (t < INT64_C(-62135596800) || t > INT64_C(253402300799) - GXCA_TZ_OFFSET_SECONDS)
		return GXCA_ERANGE; /* outside years 1..9999 */
	int64_t s = t + GXCA_TZ_OFFSET_SECONDS;
	int64_t day = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	format_day(day, out);
	return GXCA_OK;
}

int gxca_calendar_time_of(gxca_ctx *ctx, const char *date, int64_t *out)
{
	if (!ctx || !out)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	int64_t day;
	int rc = parse_date(ctx, date, &day);
	if (!rc)
		*out = day * 86400 - GXCA_TZ_OFFSET_SECONDS;
	return rc;
}

int gxca_calendar_is_working_day(gxca_ctx *ctx, const char *date, int *out)
{
	if (!ctx || !out)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	int64_t day;
	int rc = parse_date(ctx, date, &day);
	if (rc)
		return rc;
	rc = gxca__calendar_is_working_day(ctx->policy, day);
	if (rc < 0)
		return unknown_year(ctx, day);
	*out = rc;
	return GXCA_OK;
}

int gxca__calendar_add(gxca_ctx *ctx, int64_t day, int n, int64_t *out)
{
	if (n < 0 || n > 3660)
		return gxca__fail(ctx, GXCA_ERANGE, "n", "工作日数应在 0 到 3660 之间",
				  "working days must be 0 to 3660");
	int left = n;
	int64_t cur = day;
	if (n > 0)
		cur++;
	for (;;) {
		int w = gxca__calendar_is_working_day(ctx->policy, cur);
		if (w < 0)
			return unknown_year(ctx, cur);
		if (w && (n == 0 || --left == 0))
			break;
		cur++;
	}
	*out = cur;
	return GXCA_OK;
}

int gxca_calendar_add_working_days(gxca_ctx *ctx, const char *date, int n, char out[GXCA_DATE_SIZE])
{
	if (!ctx || !out)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	int64_t day, res;
	int rc = parse_date(ctx, date, &day);
	if (!rc && !(rc = gxca__calendar_add(ctx, day, n, &res)))
		format_day(res, out);
	return rc;
}
