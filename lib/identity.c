/*
 * lib/identity.c — unified social credit codes (GB 32100-2015, with the
 * GB 11714 organisation code inside) and resident identity card numbers
 * (GB 11643-1999).
 *
 * The checks are written against a "sink" that records the first error in
 * fixed buffers and appends every problem to a report only when there is
 * one: the public calls without a report, and any valid value, cost no
 * allocation and no formatting.
 */
#include "gxca-private.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define USCC_LEN 18
#define IDNUM_LEN 18
#define IDNUM_LEGACY_LEN 15

/* ---- problem sink ------------------------------------------------------ */

struct sink {
	gxca_report *r;    /* NULL: only the first error is kept */
	const char *field;
	int rc;            /* GXCA_OK, or GXCA_ENOMEM once the report failed */
	size_t errors;
	int first_code;
	char first_zh[512], first_en[512];
};

/* Both formats read the same arguments in the same order; "%.0s" skips a
 * string meant for the other language. */
static void sink_add(struct sink *k, int severity, int code, const char *id,
		     const char *zh_fmt, const char *en_fmt, ...) GXCA_PRINTF(5, 7);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void sink_add(struct sink *k, int severity, int code, const char *id,
		     const char *zh_fmt, const char *en_fmt, ...)
{
	char zh[512], en[512];
	va_list ap, ap2;
	va_start(ap, en_fmt);
	va_copy(ap2, ap);
	vsnprintf(zh, sizeof zh, zh_fmt, ap);
	vsnprintf(en, sizeof en, en_fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (severity == GXCA_SEVERITY_ERROR && k->errors++ == 0) {
		k->first_code = code;
		memcpy(k->first_zh, zh, sizeof zh);
		memcpy(k->first_en, en, sizeof en);
	}
	/* After a failed append the report is incomplete: add nothing more. */
	if (k->r && k->rc == GXCA_OK)
		k->rc = gxca__report_add(k->r, severity, code, id, k->field, zh, en);
}
#pragma GCC diagnostic pop

/* ---- the value as characters -------------------------------------------
 * Users paste anything: full-width digits, Hanzi, stray bytes. Lengths and
 * positions are counted in characters (UTF-8 code points; single bytes when
 * the text is not UTF-8), and messages quote the offending character.     */

#define TEXT_OFFSETS 20

struct text {
	const char *s;
	size_t bytes;            /* length in bytes */
	size_t n;                /* length in characters */
	bool utf8;
	size_t off[TEXT_OFFSETS]; /* byte offset of character i, i <= min(n, 19) */
};

static size_t char_len(const struct text *t, size_t at)
{
	unsigned char c = (unsigned char)t->s[at];
	if (!t->utf8 || c < 0x80)
		return 1;
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

static void text_scan(struct text *t, const char *s)
{
	t->s = s ? s : "";
	t->bytes = strlen(t->s);
	t->utf8 = gxca__utf8_valid(t->s, t->bytes);
	t->n = 0;
	for (size_t at = 0; at < t->bytes; at += char_len(t, at)) {
		if (t->n < TEXT_OFFSETS)
			t->off[t->n] = at;
		t->n++;
	}
	if (t->n < TEXT_OFFSETS)
		t->off[t->n] = t->bytes;
}

/* The ASCII character at position i (0-based), or 0 for a wider one. */
static char text_at(const struct text *t, size_t i)
{
	size_t at = t->off[i];
	return t->off[i + 1] - at == 1 ? t->s[at] : 0;
}

/* Printable copy of bytes [from, to): UTF-8 kept, control and stray bytes as \xNN. */
static void show(const struct text *t, size_t from, size_t to, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = from; i < to && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && !t->utf8))
			o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
		else
			out[o++] = (char)c, out[o] = '\0';
	}
}

/* Printable copy of characters [i, j) (positions below TEXT_OFFSETS). */
static void show_chars(const struct text *t, size_t i, size_t j, char *out, size_t cap)
{
	show(t, t->off[i], t->off[j], out, cap);
}

/* ---- shared tables --------------------------------------------------------
 * Province-level codes of GB/T 2260 (the first two digits of an address or
 * registration region code), plus Taiwan, Hong Kong and Macao.            */
static bool province_known(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
	       p == 71 || p == 81 || p == 82;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Two decimal digits at positions i, i+1, or -1. */
static int two_digits(const struct text *t, size_t i)
{
	char a = text_at(t, i), b = text_at(t, i + 1);
	return is_digit(a) && is_digit(b) ? (a - '0') * 10 + (b - '0') : -1;
}

/* ---- USCC (GB 32100-2015) ------------------------------------------------- */

/* Code characters in value order: 0-9 then A-Z without I O S V Z (31 values). */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(uscc_alphabet, c);
	return p ? (int)(p - uscc_alphabet) : -1;
}

/* Check character over 17 values, or 0 if one is outside the alphabet. */
static char uscc_check_of(const char *s)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s[i]);
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	return uscc_alphabet[(31 - sum % 31) % 31];
}

/* GB 11714 check of an 8-character body (digits, A-Z valued 10-35), or 0. */
static char org_check_of(const char *body)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = body[i];
		int v = is_digit(c) ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	int c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/*
 * Registration authority (character 1) and the categories it may use
 * (character 2), GB 32100-2015 Table 1 as amended (A: CMC reform and
 * establishment office, N: agriculture — rural collective economic
 * organisations). A pair outside this table is only a warning.
 */
static const struct {
	char authority;
	const char *categories;
} uscc_categories[] = {
	{'1', "1239"},   /* 机构编制: 机关, 事业单位, 群众团体, 其他 */
	{'2', "19"},     /* 外交: 外国常驻新闻机构, 其他 */
	{'3', "123459"}, /* 司法行政: 律所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他 */
	{'4', "19"},     /* 文化: 外国在华文化中心, 其他 */
	{'5', "1239"},   /* 民政: 社会团体, 民办非企业单位, 基金会, 其他 */
	{'6', "129"},    /* 旅游: 外国/港澳台旅游部门常驻代表机构, 其他 */
	{'7', "129"},    /* 宗教: 宗教活动场所, 宗教院校, 其他 */
	{'8', "19"},     /* 工会: 基层工会, 其他 */
	{'9', "123"},    /* 工商: 企业, 个体工商户, 农民专业合作社 */
	{'A', "19"},     /* 中央军委改革和编制办公室: 军队事业单位, 其他 */
	{'N', "1239"},   /* 农业: 组级/村级/乡镇级集体经济组织, 其他 */
	{'Y', "1"},      /* 其他 */
};

static bool uscc_category_known(char authority, char category)
{
	for (size_t i = 0; i < GXCA_ARRAY_LEN(uscc_categories); i++)
		if (uscc_categories[i].authority == authority)
			return category != '\0' && strchr(uscc_categories[i].categories, category);
	return false;
}

/* Report the first character outside the alphabet and how many there are;
 * returns that count. Lower case gets a hint: it is the usual slip. */
static size_t uscc_alphabet_check(struct sink *k, const struct text *t)
{
	size_t bad = 0, pos = 0, at_bad = 0, i = 0;
	for (size_t at = 0; at < t->bytes; at += char_len(t, at), i++) {
		unsigned char c = (unsigned char)t->s[at];
		if (c < 0x80 && uscc_value((char)c) >= 0)
			continue;
		if (bad++ == 0)
			pos = i, at_bad = at;
	}
	if (!bad)
		return 0;
	char ch[32];
	show(t, at_bad, at_bad + char_len(t, at_bad), ch, sizeof ch);
	bool lower = ch[0] >= 'a' && ch[0] <= 'z' && ch[1] == '\0';
	sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.alphabet",
		 "第%zu位字符“%s”不允许使用（只能用数字0-9和除I、O、S、V、Z以外的大写字母）%s%.0s，"
		 "共%zu处无效字符",
		 "character %zu '%s' is not allowed (only digits 0-9 and upper-case letters other than "
		 "I, O, S, V, Z)%.0s%s; %zu invalid character(s) in all",
		 pos + 1, ch, lower ? "，字母须大写" : "", lower ? ", letters must be upper case" : "",
		 bad);
	return bad;
}

/* Characters 3-8: six digits of a known province-level region, or the
 * national level 100000 used by central bodies. Prefectures and counties
 * are not checked: GB/T 2260 changes every year and a registration keeps
 * the code it was given. */
static void uscc_region_check(struct sink *k, const struct text *t)
{
	char reg[64];
	bool digits = true;
	for (size_t i = 2; i < 8; i++)
		digits = digits && is_digit(text_at(t, i));
	show_chars(t, 2, 8, reg, sizeof reg);
	if (!digits) {
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.region",
			 "第3-8位登记管理机关行政区划码“%s”应为6位数字",
			 "the region code '%s' (characters 3-8) must be six digits", reg);
		return;
	}
	if (province_known(two_digits(t, 2)) || strcmp(reg, "100000") == 0)
		return;
	sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.region",
		 "第3-8位登记管理机关行政区划码“%s”不属于已知的省级行政区（GB/T 2260）",
		 "the region code '%s' (characters 3-8) is not in a known province-level region "
		 "(GB/T 2260)", reg);
}

static void uscc_category_check(struct sink *k, const struct text *t)
{
	if (uscc_category_known(text_at(t, 0), text_at(t, 1)))
		return;
	char pair[64];
	show_chars(t, 0, 2, pair, sizeof pair);
	sink_add(k, GXCA_SEVERITY_WARNING, GXCA_EUSCC, "uscc.category",
		 "第1-2位登记管理部门和机构类别代码“%s”不在GB 32100公布的代码表中，请核对",
		 "the registration authority and category '%s' (characters 1-2) are not in the "
		 "published GB 32100 lists; please verify", pair);
}

/* Check characters; the caller made sure all 18 are in the alphabet. */
static void uscc_check_chars(struct sink *k, const char *s)
{
	char org = org_check_of(s + 8);
	if (org != s[16])
		sink_add(k, GXCA_SEVERITY_WARNING, GXCA_EUSCC, "uscc.org_code_check",
			 "第9-17位组织机构代码“%.9s”的校验码应为“%c”（GB 11714），实际为“%c”，请核对",
			 "the organisation code '%.9s' (characters 9-17) should end in '%c' (GB 11714), "
			 "not '%c'; please verify", s + 8, org, s[16]);
	char want = uscc_check_of(s);
	if (want != s[17])
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.check_char",
			 "第18位校验码应为“%c”，实际为“%c”",
			 "the check character (character 18) should be '%c', not '%c'", want, s[17]);
}

static void uscc_run(struct sink *k, const char *code)
{
	struct text t;
	text_scan(&t, code);
	if (t.n != USCC_LEN)
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EUSCC, "uscc.length",
			 "统一社会信用代码应为18位，实际为%zu位",
			 "a unified social credit code has 18 characters, not %zu", t.n);
	size_t bad = uscc_alphabet_check(k, &t);
	if (t.n != USCC_LEN) /* positions mean nothing in a value of the wrong length */
		return;
	uscc_category_check(k, &t);
	uscc_region_check(k, &t);
	if (bad == 0)
		uscc_check_chars(k, t.s);
}

int gxca__uscc_check(gxca_report *r, const char *field, const char *code)
{
	struct sink k = {.r = r, .field = field};
	uscc_run(&k, code);
	return k.rc;
}

char gxca_identity_uscc_check_char(const char *first17)
{
	if (!first17 || strnlen(first17, 17) != 17)
		return 0;
	return uscc_check_of(first17);
}

/* ---- resident identity card numbers (GB 11643-1999) ----------------------- */

/* ISO 7064 MOD 11-2 over 17 digits, or 0 if one is not a digit. */
static char idnum_check_of(const char *s)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(s[i]))
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	return "10X98765432"[sum % 11];
}

/* Report the first character that is neither a digit nor a final X/x;
 * returns how many there are. */
static size_t idnum_digits_check(struct sink *k, const struct text *t)
{
	size_t bad = 0, pos = 0, at_bad = 0, i = 0;
	for (size_t at = 0; at < t->bytes; at += char_len(t, at), i++) {
		char c = t->s[at];
		bool last = i + 1 == t->n;
		if (is_digit(c) || (last && (c == 'X' || c == 'x')))
			continue;
		if (bad++ == 0)
			pos = i, at_bad = at;
	}
	if (!bad)
		return 0;
	char ch[32];
	show(t, at_bad, at_bad + char_len(t, at_bad), ch, sizeof ch);
	sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.digits",
		 "第%zu位字符“%s”无效（前17位须为数字，第18位为数字或X），共%zu处无效字符",
		 "character %zu '%s' is not allowed (the first 17 must be digits, the 18th a digit "
		 "or X); %zu invalid character(s) in all", pos + 1, ch, bad);
	return bad;
}

/* Characters 7-14, YYYYMMDD: a real date, from 1900 on, not after today in
 * Asia/Shanghai. */
static void idnum_birth_check(struct sink *k, const struct text *t, int64_t now)
{
	char iso[11];
	const char *b = t->s + 6; /* ASCII digits up to here: checked by the caller */
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", b, b + 4, b + 6);
	int y, m, d;
	if (!gxca__date_parse(iso, &y, &m, &d)) {
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.birth_date",
			 "第7-14位出生日期“%.8s”不是有效日期", "the birth date '%.8s' (characters 7-14) "
			 "is not a real date", b);
		return;
	}
	if (y < 1900) {
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.birth_date",
			 "出生日期%s早于1900年", "the birth date %s is before 1900", iso);
		return;
	}
	int64_t local = now + GXCA_TZ_OFFSET_SECONDS;
	int64_t today = local / 86400 - (local % 86400 < 0);
	if (gxca__days_from_civil(y, m, d) <= today)
		return;
	int ty, tm, td;
	gxca__civil_from_days(today, &ty, &tm, &td);
	sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.future",
		 "出生日期%s晚于今天（%04d-%02d-%02d）", "the birth date %s is after today (%04d-%02d-%02d)",
		 iso, ty, tm, td);
}

/* Positional checks of an 18-character number whose first 17 are digits. */
static void idnum_fields_check(struct sink *k, const struct text *t, int64_t now)
{
	int p = two_digits(t, 0);
	/* 83: residence permits of Taiwan residents share the GB 11643 format. */
	if (!province_known(p) && p != 83)
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.region",
			 "前2位省级行政区划代码“%02d”无效（GB/T 2260）",
			 "the province code '%02d' (first two digits) is not a known province-level "
			 "region (GB/T 2260)", p);
	idnum_birth_check(k, t, now);
	char want = idnum_check_of(t->s), got = t->s[17];
	if (got == 'x')
		got = 'X';
	if (want != got)
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.check_char",
			 "第18位校验码应为“%c”，实际为“%c”",
			 "the check character (character 18) should be '%c', not '%c'", want,
			 t->s[17]);
}

static void idnum_run(struct sink *k, const char *id, int64_t now)
{
	struct text t;
	text_scan(&t, id);
	if (t.n == IDNUM_LEGACY_LEN && t.bytes == IDNUM_LEGACY_LEN &&
	    strspn(t.s, "0123456789") == IDNUM_LEGACY_LEN) {
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM_LEGACY, "id.legacy",
			 "这是15位旧版身份证号码，已不再使用：请填写18位号码（第二代居民身份证上的号码）",
			 "this is a 15-digit legacy identity card number, no longer in use: give the "
			 "18-digit number (the one on the second-generation card)");
		return;
	}
	if (t.n != IDNUM_LEN)
		sink_add(k, GXCA_SEVERITY_ERROR, GXCA_EIDNUM, "id.length",
			 "身份证号码应为18位，实际为%zu位",
			 "a resident identity card number has 18 characters, not %zu", t.n);
	size_t bad = idnum_digits_check(k, &t);
	if (t.n == IDNUM_LEN && bad == 0)
		idnum_fields_check(k, &t, now);
}

int gxca__idnum_check(gxca_report *r, const char *field, const char *id, int64_t now)
{
	struct sink k = {.r = r, .field = field};
	idnum_run(&k, id, now);
	return k.rc;
}

char gxca_identity_id_check_char(const char *first17)
{
	if (!first17 || strnlen(first17, 17) != 17)
		return 0;
	return idnum_check_of(first17);
}

/* ---- public wrappers ------------------------------------------------------ */

/* No practical size limit: an over-long value is a wrong length in the report. */
#define VALUE_MAX_BYTES (SIZE_MAX / 2)

typedef void (*run_fn)(struct sink *k, const char *value, int64_t now);

static void uscc_run_now(struct sink *k, const char *value, int64_t now)
{
	(void)now;
	uscc_run(k, value);
}

static int check_public(gxca_ctx *ctx, const char *field, const char *value,
			gxca_report **report, run_fn run)
{
	if (report)
		*report = NULL;
	gxca__clear(ctx);
	if (!ctx)
		return GXCA_EINVAL;
	int rc = gxca__check_str(ctx, field, value, VALUE_MAX_BYTES);
	if (rc != GXCA_OK)
		return rc;
	struct sink k = {.field = field};
	if (report && gxca__report_new(&k.r) != GXCA_OK)
		return gxca__fail(ctx, GXCA_ENOMEM, field, NULL, NULL);
	run(&k, value, (int64_t)time(NULL));
	if (k.rc != GXCA_OK) {
		gxca_report_free(k.r);
		return gxca__fail(ctx, GXCA_ENOMEM, field, NULL, NULL);
	}
	if (report)
		*report = k.r;
	if (k.errors == 0)
		return GXCA_OK;
	return gxca__fail(ctx, k.first_code, field, k.first_zh, k.first_en);
}

int gxca_identity_check_uscc(gxca_ctx *ctx, const char *code, gxca_report **report)
{
	return check_public(ctx, "uscc", code, report, uscc_run_now);
}

int gxca_identity_check_id_number(gxca_ctx *ctx, const char *id, gxca_report **report)
{
	return check_public(ctx, "id_number", id, report, idnum_run);
}
