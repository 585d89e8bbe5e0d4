/*
 * lib/ctx.c — the context, enumeration names, UTF-8 and date helpers.
 */
#include "gxca-private.h"
#include "policy-private.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *gxca_version(void) { return GXCA_VERSION_STRING; }

int gxca_ctx_new(gxca_ctx **out)
{
	if (!out)
		return GXCA_EINVAL;
	*out = NULL;
	gxca_ctx *ctx = gxca__calloc(1, sizeof *ctx);
	if (!ctx)
		return GXCA_ENOMEM;
	ctx->lang = GXCA_LANG_ZH;
	int rc = gxca__policy_default(ctx, &ctx->policy);
	if (rc) {
		gxca__free(ctx);
		return rc;
	}
	*out = ctx;
	return GXCA_OK;
}

void gxca_ctx_free(gxca_ctx *ctx)
{
	if (!ctx)
		return;
	gxca__policy_unref(ctx->policy);
	gxca__free(ctx);
}

int gxca_ctx_set_lang(gxca_ctx *ctx, int lang)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (lang != GXCA_LANG_ZH && lang != GXCA_LANG_EN)
		return gxca__failf(ctx, GXCA_EINVAL, "lang", "未知语言 %d", "unknown language %d", lang);
	ctx->lang = lang;
	return GXCA_OK;
}

int gxca_ctx_lang(const gxca_ctx *ctx) { return ctx ? ctx->lang : GXCA_LANG_ZH; }

int gxca_ctx_set_log(gxca_ctx *ctx, gxca_log_fn fn, int max_level, void *payload)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	ctx->log_fn = fn;
	ctx->log_level = max_level;
	ctx->log_payload = payload;
	return GXCA_OK;
}

/* ---- enumeration names ---- */

static const char *const applicant_names[] = {NULL, "ORG", "PERSON"};
static const char *const business_names[] = {NULL, "NEW", "REISSUE", "RENEW", "CHANGE", "UNLOCK"};
static const char *const item_names[] = {NULL, "CERT", "SEAL"};

#define NAME_OF(tab, v) ((v) > 0 && (size_t)(v) < GXCA_ARRAY_LEN(tab) ? (tab)[v] : NULL)

const char *gxca_applicant_name(int a) { return NAME_OF(applicant_names, a); }
const char *gxca_business_name(int b) { return NAME_OF(business_names, b); }
const char *gxca_item_name(int i) { return NAME_OF(item_names, i); }

static int from_name(const char *const *tab, size_t n, const char *name)
{
	for (size_t i = 1; name && i < n; i++)
		if (strcasecmp(tab[i], name) == 0)
			return (int)i;
	return 0;
}

int gxca_applicant_from_name(const char *n) { return from_name(applicant_names, GXCA_ARRAY_LEN(applicant_names), n); }
int gxca_business_from_name(const char *n) { return from_name(business_names, GXCA_ARRAY_LEN(business_names), n); }
int gxca_item_from_name(const char *n) { return from_name(item_names, GXCA_ARRAY_LEN(item_names), n); }

/* ---- UTF-8 ---- */

bool gxca__utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

size_t gxca__utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int gxca__check_str(gxca_ctx *ctx, const char *field, const char *s, size_t max)
{
	if (!s)
		return gxca__failf(ctx, GXCA_EINVAL, field, "%s 不能为空指针", "%s must not be NULL",
				   field ? field : "argument", field ? field : "argument");
	size_t len = strnlen(s, max + 1);
	if (len > max)
		return gxca__failf(ctx, GXCA_ETOOBIG, field, "%s 超过 %zu 字节", "%s exceeds %zu bytes",
				   field ? field : "argument", max, field ? field : "argument", max);
	if (!gxca__utf8_valid(s, len))
		return gxca__failf(ctx, GXCA_EENCODING, field, "%s 不是有效的 UTF-8 文本",
				   "%s is not valid UTF-8", field ? field : "argument",
				   field ? field : "argument");
	return GXCA_OK;
}

/* ---- dates (Howard Hinnant's civil calendar algorithms) ---- */

int64_t gxca__days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void gxca__civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

bool gxca__date_parse(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}
