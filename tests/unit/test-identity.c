/*
 * tests/unit/test-identity.c — unified social credit codes (GB 32100-2015)
 * and resident identity card numbers (GB 11643-1999).
 */
#include "common.h"

#include <stdbool.h>
#include <stdint.h>

/* Internals under test (lib/gxca-private.h is not included). */
int gxca__report_new(gxca_report **out);
int gxca__uscc_check(gxca_report *r, const char *field, const char *code);
int gxca__idnum_check(gxca_report *r, const char *field, const char *id, int64_t now);

#define GXCA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define USCC_ALPHABET "0123456789ABCDEFGHJKLMNPQRTUWXY"

/* 2024-06-01 12:00:00 +08:00, the "today" of the date tests. */
static const int64_t NOW = 1717214400;

/* Deterministic generator (xorshift64*): the same codes on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545F4914F6CDD1Du) >> 33) % n;
}

/* Problem ids of a report joined with commas, for exact assertions. */
static const char *ids(const gxca_report *r)
{
	static char buf[512];
	buf[0] = '\0';
	for (size_t i = 0; i < gxca_report_count(r); i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, gxca_report_id(r, i));
	}
	return buf;
}

static gxca_report *uscc_report(const char *code)
{
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca__report_new(&r), GXCA_OK);
	ck_assert_int_eq(gxca__uscc_check(r, "form.uscc", code), GXCA_OK);
	return r;
}

static gxca_report *id_report(const char *id, int64_t now)
{
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca__report_new(&r), GXCA_OK);
	ck_assert_int_eq(gxca__idnum_check(r, "form.agent_id", id, now), GXCA_OK);
	return r;
}

static void ck_uscc_ids(const char *code, const char *want)
{
	gxca_report *r = uscc_report(code);
	ck_assert_msg(strcmp(ids(r), want) == 0, "%s: got [%s], want [%s]", code, ids(r), want);
	gxca_report_free(r);
}

static void ck_id_ids(const char *id, int64_t now, const char *want)
{
	gxca_report *r = id_report(id, now);
	ck_assert_msg(strcmp(ids(r), want) == 0, "%s: got [%s], want [%s]", id, ids(r), want);
	gxca_report_free(r);
}

/* Text of the problem with the given id in a language ("" if absent). */
static const char *msg_of(const gxca_report *r, const char *id, int lang)
{
	for (size_t i = 0; i < gxca_report_count(r); i++)
		if (strcmp(gxca_report_id(r, i), id) == 0)
			return gxca_report_message(r, i, lang);
	return "";
}

/* A 17-character body that is valid in every respect, then its check char. */
static void make_uscc(char out[19])
{
	static const char *pairs[] = {"11", "12", "13", "19", "21", "31", "35", "51", "52", "53",
				      "71", "81", "91", "92", "93", "A1", "N1", "N2", "N3", "Y1"};
	static const char *provinces[] = {"11", "15", "21", "23", "31", "32", "37", "41", "46",
					  "50", "54", "61", "65", "71", "81", "82"};
	memcpy(out, pairs[rnd(GXCA_ARRAY_LEN(pairs))], 2);
	memcpy(out + 2, provinces[rnd(GXCA_ARRAY_LEN(provinces))], 2);
	for (int i = 4; i < 8; i++)
		out[i] = (char)('0' + rnd(10));
	for (int i = 8; i < 16; i++)
		out[i] = USCC_ALPHABET[rnd(31)];
	/* GB 11714 check of the organisation code, written independently here */
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = out[8 + i];
		sum += (c <= '9' ? c - '0' : c - 'A' + 10) * w[i];
	}
	int c = 11 - sum % 11;
	out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	out[17] = '\0';
	out[17] = gxca_identity_uscc_check_char(out);
	ck_assert_int_ne(out[17], 0);
	out[18] = '\0';
}

/* ---- USCC ---------------------------------------------------------------- */

START_TEST(test_uscc_known)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca_identity_uscc_check_char("91320600MA1MX2K79"), 'C');
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79C", &r), GXCA_OK);
	ck_assert_last_error(ctx, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);

	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79D", &r), GXCA_EUSCC);
	ck_assert_last_error(ctx, GXCA_EUSCC);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "uscc");
	ck_assert_str_eq(ids(r), "uscc.check_char");
	ck_assert_int_eq(gxca_report_severity(r, 0), GXCA_SEVERITY_ERROR);
	ck_assert_int_eq(gxca_report_code(r, 0), GXCA_EUSCC);
	ck_assert_str_eq(gxca_report_field(r, 0), "uscc");
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN),
			 "the check character (character 18) should be 'C', not 'D'");
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_ZH), "第18位校验码应为“C”，实际为“D”");
	/* the ctx error names the first error, in the ctx language */
	ck_assert_str_eq(gxca_error_message(gxca_ctx_last_error(ctx)), "第18位校验码应为“C”，实际为“D”");
	gxca_report_free(r);
	ck_assert_int_eq(gxca_ctx_set_lang(ctx, GXCA_LANG_EN), GXCA_OK);
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79D", NULL), GXCA_EUSCC);
	ck_assert_str_eq(gxca_error_message(gxca_ctx_last_error(ctx)),
			 "the check character (character 18) should be 'C', not 'D'");
	/* a later good call clears the error */
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79C", NULL), GXCA_OK);
	ck_assert_last_error(ctx, GXCA_OK);
	gxca_ctx_free(ctx);
}
END_TEST

/* Many generated codes are valid, and every single substitution of one of
 * their first 17 characters by another alphabet character is caught by the
 * check character (31 is prime and no weight is 0 mod 31). */
START_TEST(test_uscc_generated)
{
	gxca_ctx *ctx = test_ctx();
	for (int n = 0; n < 2000; n++) {
		char code[19];
		make_uscc(code);
		gxca_report *r = NULL;
		ck_assert_msg(gxca_identity_check_uscc(ctx, code, &r) == GXCA_OK, "%s: %s", code,
			      gxca_error_message(gxca_ctx_last_error(ctx)));
		ck_assert_msg(gxca_report_count(r) == 0, "%s: [%s]", code, ids(r));
		gxca_report_free(r);

		char bad[19];
		memcpy(bad, code, sizeof bad);
		unsigned pos = 8 + rnd(8); /* organisation code body: only the checks see it */
		do
			bad[pos] = USCC_ALPHABET[rnd(31)];
		while (bad[pos] == code[pos]);
		r = uscc_report(bad);
		ck_assert_msg(strstr(ids(r), "uscc.check_char") != NULL, "%s: [%s]", bad, ids(r));
		ck_assert_uint_eq(gxca_report_error_count(r), 1);
		gxca_report_free(r);

		memcpy(bad, code, sizeof bad);
		do
			bad[17] = USCC_ALPHABET[rnd(31)];
		while (bad[17] == code[17]);
		ck_uscc_ids(bad, "uscc.check_char");
	}
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_uscc_length)
{
	ck_uscc_ids("", "uscc.length");
	ck_uscc_ids("91320600MA1MX2K79", "uscc.length");
	ck_uscc_ids("91320600MA1MX2K79CC", "uscc.length");
	gxca_report *r = uscc_report("91320600MA1MX2K79");
	ck_assert_str_eq(msg_of(r, "uscc.length", GXCA_LANG_EN),
			 "a unified social credit code has 18 characters, not 17");
	ck_assert_str_eq(msg_of(r, "uscc.length", GXCA_LANG_ZH), "统一社会信用代码应为18位，实际为17位");
	gxca_report_free(r);
	/* characters, not bytes: 18 Hanzi are 18 characters (and all invalid) */
	r = uscc_report("一二三四五六七八九十一二三四五六七八");
	ck_assert_str_eq(ids(r), "uscc.alphabet,uscc.category,uscc.region");
	gxca_report_free(r);
	/* NULL inside the library: reported as empty, not a crash */
	ck_uscc_ids(NULL, "uscc.length");
}
END_TEST

START_TEST(test_uscc_alphabet)
{
	static const char *bad[] = {"I", "O", "S", "V", "Z", "a", "-", " ", "\t"};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(bad); i++) {
		char code[19] = "91320600MA1MX2K79C";
		code[12] = bad[i][0];
		ck_uscc_ids(code, "uscc.alphabet"); /* no check character computed */
	}
	gxca_report *r = uscc_report("91320600Ma1Mx2K79C");
	ck_assert_str_eq(msg_of(r, "uscc.alphabet", GXCA_LANG_EN),
			 "character 10 'a' is not allowed (only digits 0-9 and upper-case letters other "
			 "than I, O, S, V, Z), letters must be upper case; 2 invalid character(s) in all");
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.alphabet", GXCA_LANG_ZH), "第10位字符“a”"));
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.alphabet", GXCA_LANG_ZH), "字母须大写"));
	gxca_report_free(r);
	/* a full-width digit is quoted whole; a control byte is escaped */
	r = uscc_report("9132060０MA1MX2K79C");
	ck_assert_str_eq(ids(r), "uscc.alphabet,uscc.region");
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.alphabet", GXCA_LANG_EN), "character 8 '０'"));
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.region", GXCA_LANG_EN), "'32060０'"));
	gxca_report_free(r);
	r = uscc_report("91320600MA1MX2K79\x01");
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.alphabet", GXCA_LANG_EN), "'\\x01'"));
	gxca_report_free(r);
	/* bytes that are not UTF-8 (the internal call may see them) */
	r = uscc_report("91320600MA1MX2K79\xff");
	ck_assert_str_eq(ids(r), "uscc.alphabet");
	ck_assert_ptr_nonnull(strstr(msg_of(r, "uscc.alphabet", GXCA_LANG_EN), "'\\xFF'"));
	gxca_report_free(r);
}
END_TEST

START_TEST(test_uscc_region)
{
	char code[19];
	/* unknown province 99, and 2-digit codes just outside the published ranges */
	static const char *regions[] = {"990600", "010000", "160000", "240000", "380000",
					"470000", "550000", "660000", "720000", "830000"};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(regions); i++) {
		snprintf(code, sizeof code, "91%sMA1MX2K79", regions[i]);
		code[17] = gxca_identity_uscc_check_char(code);
		code[18] = '\0';
		ck_uscc_ids(code, "uscc.region");
	}
	gxca_report *r = uscc_report("91990600MA1MX2K79H");
	ck_assert_str_eq(msg_of(r, "uscc.region", GXCA_LANG_EN),
			 "the region code '990600' (characters 3-8) is not in a known province-level "
			 "region (GB/T 2260)");
	gxca_report_free(r);
	/* letters in the region code (in the alphabet, so the check char is computed) */
	snprintf(code, sizeof code, "9132A600MA1MX2K79");
	code[17] = gxca_identity_uscc_check_char(code);
	code[18] = '\0';
	ck_uscc_ids(code, "uscc.region");
	/* national level (central bodies): 100000 */
	snprintf(code, sizeof code, "11100000000013127");
	code[17] = gxca_identity_uscc_check_char(code);
	code[18] = '\0';
	ck_assert_str_eq(code, "11100000000013127D");
	ck_uscc_ids(code, "");
	snprintf(code, sizeof code, "11100100000013127");
	code[17] = gxca_identity_uscc_check_char(code);
	code[18] = '\0';
	ck_uscc_ids(code, "uscc.region");
}
END_TEST

START_TEST(test_uscc_warnings)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = NULL;
	/* organisation code check wrong ('1' instead of '9'): a warning only */
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K71K", &r), GXCA_OK);
	ck_assert_str_eq(ids(r), "uscc.org_code_check");
	ck_assert_int_eq(gxca_report_severity(r, 0), GXCA_SEVERITY_WARNING);
	ck_assert_uint_eq(gxca_report_error_count(r), 0);
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN),
			 "the organisation code 'MA1MX2K71' (characters 9-17) should end in '9' "
			 "(GB 11714), not '1'; please verify");
	gxca_report_free(r);
	/* authority B does not exist, 94 is not a category of 9: warnings */
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "B1320600MA1MX2K79A", &r), GXCA_OK);
	ck_assert_str_eq(ids(r), "uscc.category");
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN), "'B1'"));
	gxca_report_free(r);
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "94320600MA1MX2K793", &r), GXCA_OK);
	ck_assert_str_eq(ids(r), "uscc.category");
	gxca_report_free(r);
	/* Y1 and the N (rural collective) categories are real: nothing to say */
	ck_uscc_ids("Y1320600MA1MX2K79N", "");
	ck_uscc_ids("N2320600MA1MX2K79U", "");
	/* edges of the authority/category table */
	static const struct {
		const char *pair;
		bool known;
	} pairs[] = {{"19", true}, {"10", false}, {"14", false}, {"29", true}, {"22", false},
		     {"35", true}, {"36", false}, {"39", true}, {"62", true}, {"63", false},
		     {"72", true}, {"89", true}, {"82", false}, {"94", false}, {"99", false},
		     {"A9", true}, {"A2", false}, {"N3", true}, {"N9", true}, {"N4", false},
		     {"Y1", true}, {"Y2", false}, {"Y9", false}, {"01", false}, {"C1", false}};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(pairs); i++) {
		char code[19];
		snprintf(code, sizeof code, "%s320600MA1MX2K79", pairs[i].pair);
		code[17] = gxca_identity_uscc_check_char(code);
		code[18] = '\0';
		ck_uscc_ids(code, pairs[i].known ? "" : "uscc.category");
	}
	/* both warnings and an error, all at once */
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "B1990600MA1MX2K710", &r), GXCA_EUSCC);
	ck_assert_str_eq(ids(r), "uscc.category,uscc.region,uscc.org_code_check,uscc.check_char");
	ck_assert_uint_eq(gxca_report_error_count(r), 2);
	ck_assert_uint_eq(gxca_report_warning_count(r), 2);
	/* the ctx error names the first error, not the first warning */
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN),
				     "region code"));
	gxca_report_free(r);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_uscc_check_char_fn)
{
	ck_assert_int_eq(gxca_identity_uscc_check_char(NULL), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char(""), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char("91320600MA1MX2K7"), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char("91320600MA1MX2KI9"), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char("91320600ma1mx2k79"), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char("9132060\xe4\xb8\x80MA1MX2K7"), 0);
	ck_assert_int_eq(gxca_identity_uscc_check_char("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6"
						       "\xf5\xf4\xf3\xf2\xf1\xf0\xef"), 0);
	/* only the first 17 count: a whole code gives its own check character */
	ck_assert_int_eq(gxca_identity_uscc_check_char("91320600MA1MX2K79D"), 'C');
	/* check value 0 maps to '0' (the 31 - 0 case) */
	char code[19] = "00000000000000000";
	ck_assert_int_eq(gxca_identity_uscc_check_char(code), '0');
}
END_TEST

/* ---- resident identity card numbers ---------------------------------------- */

static void make_id(char out[19])
{
	static const char *provinces[] = {"11", "13", "21", "23", "31", "32", "37", "41",
					  "46", "50", "54", "61", "65", "71", "81", "82"};
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 1900 + (int)rnd(124), m = 1 + (int)rnd(12), d = 1 + (int)rnd((unsigned)dim[m - 1]);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s%02u%02u%04d%02d%02d%03u",
		 provinces[rnd(GXCA_ARRAY_LEN(provinces))], rnd(100), rnd(100), y, m, d, rnd(1000));
	ck_assert_uint_eq(strlen(tmp), 17);
	memcpy(out, tmp, 18);
	out[17] = gxca_identity_id_check_char(out);
	ck_assert_int_ne(out[17], 0);
	out[18] = '\0';
}

START_TEST(test_id_known)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca_identity_id_check_char("32060219880715002"), '3');
	ck_assert_int_eq(gxca_identity_check_id_number(ctx, "320602198807150023", &r), GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	ck_assert_int_eq(gxca_identity_check_id_number(ctx, "320602198807150024", &r), GXCA_EIDNUM);
	ck_assert_last_error(ctx, GXCA_EIDNUM);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "id_number");
	ck_assert_str_eq(ids(r), "id.check_char");
	ck_assert_str_eq(gxca_report_field(r, 0), "id_number");
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN),
			 "the check character (character 18) should be '3', not '4'");
	gxca_report_free(r);
	/* X, upper or lower case */
	ck_assert_int_eq(gxca_identity_id_check_char("11010120000229123"), 'X');
	ck_id_ids("11010120000229123X", NOW, "");
	ck_id_ids("11010120000229123x", NOW, "");
	ck_id_ids("110101200002291230", NOW, "id.check_char");
	gxca_ctx_free(ctx);
}
END_TEST

/* Generated numbers are valid; any single-digit substitution is caught by
 * MOD 11-2 (11 is prime, no weight is 0 mod 11), whatever else it breaks. */
START_TEST(test_id_generated)
{
	for (int n = 0; n < 2000; n++) {
		char id[19];
		make_id(id);
		ck_id_ids(id, NOW + 86400LL * 365 * 20, "");
		char bad[19];
		memcpy(bad, id, sizeof bad);
		unsigned pos = rnd(17);
		do
			bad[pos] = (char)('0' + rnd(10));
		while (bad[pos] == id[pos]);
		gxca_report *r = id_report(bad, NOW + 86400LL * 365 * 20);
		ck_assert_msg(strstr(ids(r), "id.check_char") != NULL, "%s: [%s]", bad, ids(r));
		gxca_report_free(r);
	}
}
END_TEST

START_TEST(test_id_shape)
{
	ck_id_ids("", NOW, "id.length");
	ck_id_ids(NULL, NOW, "id.length");
	ck_id_ids("32060219880715002", NOW, "id.length");
	ck_id_ids("3206021988071500233", NOW, "id.length");
	ck_id_ids("32060219880715002A", NOW, "id.digits");
	ck_id_ids("3206021988O7150023", NOW, "id.digits");
	ck_id_ids("32060219880715X023", NOW, "id.digits"); /* X only at the end */
	ck_id_ids("32060219880715002", NOW, "id.length");
	ck_id_ids("3206021988071500a", NOW, "id.length,id.digits");
	gxca_report *r = id_report("32060２19880715002３", NOW);
	ck_assert_str_eq(ids(r), "id.digits");
	ck_assert_str_eq(msg_of(r, "id.digits", GXCA_LANG_EN),
			 "character 6 '２' is not allowed (the first 17 must be digits, the 18th a "
			 "digit or X); 2 invalid character(s) in all");
	gxca_report_free(r);
	/* 15-digit legacy numbers: their own code, nothing else said */
	r = id_report("320602880715002", NOW);
	ck_assert_str_eq(ids(r), "id.legacy");
	ck_assert_int_eq(gxca_report_code(r, 0), GXCA_EIDNUM_LEGACY);
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN), "18-digit"));
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_ZH), "18位"));
	gxca_report_free(r);
	ck_id_ids("32060288071500X", NOW, "id.length"); /* not all digits: not legacy */
	ck_id_ids("32060288071500２", NOW, "id.length,id.digits");
}
END_TEST

START_TEST(test_id_region)
{
	static const char *bad[] = {"00", "10", "16", "20", "24", "30", "38", "40", "47",
				    "55", "60", "66", "70", "72", "80", "84", "90", "99"};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(bad); i++) {
		char id[19];
		snprintf(id, sizeof id, "%s0602198807150023", bad[i]);
		id[17] = gxca_identity_id_check_char(id);
		ck_id_ids(id, NOW, "id.region");
	}
	gxca_report *r = id_report("990602198807150023", NOW);
	ck_assert_str_eq(msg_of(r, "id.region", GXCA_LANG_EN),
			 "the province code '99' (first two digits) is not a known province-level "
			 "region (GB/T 2260)");
	gxca_report_free(r);
	/* Hong Kong, Macao, Taiwan residence permits share the format */
	static const char *ok[] = {"81", "82", "83"};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(ok); i++) {
		char id[19];
		snprintf(id, sizeof id, "%s0000198807150023", ok[i]);
		id[17] = gxca_identity_id_check_char(id);
		ck_id_ids(id, NOW, "");
	}
}
END_TEST

/* A number with birth date ymd (8 digits) and the right check character. */
static void id_with_date(char out[19], const char *ymd)
{
	snprintf(out, 19, "110101%.8s123", ymd);
	out[17] = gxca_identity_id_check_char(out);
	out[18] = '\0';
}

START_TEST(test_id_dates)
{
	static const struct {
		const char *ymd, *want;
	} cases[] = {
		{"20000229", ""},              /* divisible by 400: leap */
		{"20040229", ""},
		{"19990229", "id.birth_date"},
		{"19000229", "id.birth_date"}, /* divisible by 100 only: not leap */
		{"21000229", "id.birth_date"},
		{"19880230", "id.birth_date"},
		{"19880431", "id.birth_date"},
		{"19881301", "id.birth_date"},
		{"19880001", "id.birth_date"},
		{"19880100", "id.birth_date"},
		{"19000101", ""},
		{"18991231", "id.birth_date"}, /* before 1900 */
		{"00000000", "id.birth_date"},
		{"20240601", ""},              /* today (NOW) */
		{"20240602", "id.future"},
		{"20991231", "id.future"},
	};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(cases); i++) {
		char id[19];
		id_with_date(id, cases[i].ymd);
		ck_id_ids(id, NOW, cases[i].want);
	}
	char id[19];
	id_with_date(id, "19990229");
	gxca_report *r = id_report(id, NOW);
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN),
			 "the birth date '19990229' (characters 7-14) is not a real date");
	gxca_report_free(r);
	id_with_date(id, "18991231");
	r = id_report(id, NOW);
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN), "the birth date 1899-12-31 is before 1900");
	gxca_report_free(r);
	id_with_date(id, "20240602");
	r = id_report(id, NOW);
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_EN),
			 "the birth date 2024-06-02 is after today (2024-06-01)");
	ck_assert_str_eq(gxca_report_message(r, 0, GXCA_LANG_ZH), "出生日期2024-06-02晚于今天（2024-06-01）");
	gxca_report_free(r);
	/* "today" is the Asia/Shanghai date: 2024-06-01T16:00Z is June 2 there */
	const int64_t june2_cst = 1717257600; /* 2024-06-02 00:00:00 +08:00 */
	ck_id_ids(id, june2_cst, "");
	ck_id_ids(id, june2_cst - 1, "id.future");
	/* times before 1970 do not confuse the day computation */
	id_with_date(id, "19500101");
	ck_id_ids(id, -315619200 /* 1960-01-01 00:00:00 UTC */, "");
	ck_id_ids(id, -631152000 /* 1950-01-01 00:00:00 UTC, 08:00 local */, "");
	ck_id_ids(id, -631152000 - 8 * 3600, ""); /* local midnight */
	ck_id_ids(id, -631152000 - 8 * 3600 - 1, "id.future");
}
END_TEST

START_TEST(test_id_all_at_once)
{
	char id[19] = "9901011999022912";
	strcat(id, "30"); /* bad region, bad date, wrong check character */
	ck_id_ids(id, NOW, "id.region,id.birth_date,id.check_char");
}
END_TEST

START_TEST(test_id_check_char_fn)
{
	ck_assert_int_eq(gxca_identity_id_check_char(NULL), 0);
	ck_assert_int_eq(gxca_identity_id_check_char(""), 0);
	ck_assert_int_eq(gxca_identity_id_check_char("3206021988071500"), 0);
	ck_assert_int_eq(gxca_identity_id_check_char("3206021988071500X"), 0);
	ck_assert_int_eq(gxca_identity_id_check_char("32060219880715\xff\xfe\xfd"), 0);
	ck_assert_int_eq(gxca_identity_id_check_char("320602198807150023"), '3');
}
END_TEST

/* ---- the public calls: arguments, errors, memory ----------------------------- */

typedef int (*check_fn)(gxca_ctx *, const char *, gxca_report **);

static void ck_bad_arguments(check_fn check, const char *field, const char *good)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = (gxca_report *)&r; /* garbage: must be reset */
	ck_assert_int_eq(check(NULL, good, &r), GXCA_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(check(NULL, NULL, NULL), GXCA_EINVAL);
	r = (gxca_report *)&r;
	ck_assert_int_eq(check(ctx, NULL, &r), GXCA_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), field);
	ck_assert_int_eq(check(ctx, "9132\xc0\xaf", &r), GXCA_EENCODING); /* overlong '/' */
	ck_assert_ptr_null(r);
	ck_assert_last_error(ctx, GXCA_EENCODING);
	ck_assert_int_eq(check(ctx, "\xed\xa0\x80", NULL), GXCA_EENCODING); /* surrogate */
	/* long input: a wrong length, counted, never a crash or a huge message */
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, '9', n);
	big[n] = '\0';
	ck_assert_int_lt(check(ctx, big, &r), 0);
	ck_assert_str_eq(gxca_report_id(r, 0), strcmp(field, "uscc") == 0 ? "uscc.length" : "id.length");
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN), "not 1048576"));
	gxca_report_free(r);
	memset(big, '\xff', n);
	ck_assert_int_eq(check(ctx, big, NULL), GXCA_EENCODING);
	free(big);
	/* garbage of every byte value */
	char junk[256];
	for (int i = 0; i < 255; i++)
		junk[i] = (char)(255 - i);
	junk[255] = '\0';
	ck_assert_int_eq(check(ctx, junk, &r), GXCA_EENCODING);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(check(ctx, junk + 128, &r), check == gxca_identity_check_uscc ? GXCA_EUSCC
										: GXCA_EIDNUM);
	gxca_report_free(r);
	gxca_ctx_free(ctx);
}

START_TEST(test_bad_arguments)
{
	ck_bad_arguments(gxca_identity_check_uscc, "uscc", "91320600MA1MX2K79C");
	ck_bad_arguments(gxca_identity_check_id_number, "id_number", "320602198807150023");
}
END_TEST

START_TEST(test_legacy_public)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca_identity_check_id_number(ctx, "320602880715002", &r), GXCA_EIDNUM_LEGACY);
	ck_assert_last_error(ctx, GXCA_EIDNUM_LEGACY);
	ck_assert_ptr_nonnull(strstr(gxca_error_message(gxca_ctx_last_error(ctx)), "15位"));
	ck_assert_str_eq(ids(r), "id.legacy");
	gxca_report_free(r);
	gxca_ctx_free(ctx);
}
END_TEST

/* Validation is cheap: without a report, no allocation at all, valid or not;
 * with one, only the report. */
START_TEST(test_no_allocation)
{
	gxca_ctx *ctx = test_ctx();
	static const char *usccs[] = {"91320600MA1MX2K79C", "91320600MA1MX2K79D", "B1990600MA1MX2K710",
				      "x", "一二三"};
	static const char *idnums[] = {"320602198807150023", "320602198807150024", "320602880715002",
				       "99010119990229123X", ""};
	gxca__alloc_fail_after(-1);
	for (size_t i = 0; i < GXCA_ARRAY_LEN(usccs); i++) {
		ck_assert_int_ne(gxca_identity_check_uscc(ctx, usccs[i], NULL), GXCA_ENOMEM);
		ck_assert_int_ne(gxca_identity_check_id_number(ctx, idnums[i], NULL), GXCA_ENOMEM);
	}
	ck_assert_int_eq(gxca__alloc_fail_after(-1), 0);
	gxca_report *r = NULL;
	ck_assert_int_eq(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79C", &r), GXCA_OK);
	ck_assert_int_eq(gxca__alloc_fail_after(-1), 1); /* the empty report itself */
	gxca_report_free(r);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_alloc_failure)
{
	gxca_ctx *ctx = test_ctx();
	gxca_report *r = NULL;
	/* three warnings... and then a report with errors: both paths */
	FOR_EACH_ALLOC_FAILURE(gxca_identity_check_uscc(ctx, "B1320600MA1MX2K71H", &r),
			       gxca_report_free(r));
	FOR_EACH_ALLOC_FAILURE(gxca_identity_check_uscc(ctx, "91320600MA1MX2K79C", &r),
			       gxca_report_free(r));
	for (long n = 0;; n++) {
		gxca__alloc_fail_after(n);
		int rc = gxca_identity_check_id_number(ctx, "99010119990229123X", &r);
		gxca__alloc_fail_after(-1);
		if (rc == GXCA_ENOMEM) {
			ck_assert_ptr_null(r);
			ck_assert_last_error(ctx, GXCA_ENOMEM);
			continue;
		}
		ck_assert_int_eq(rc, GXCA_EIDNUM);
		ck_assert_str_eq(ids(r), "id.region,id.birth_date,id.check_char");
		gxca_report_free(r);
		break;
	}
	/* the internal call leaves the caller's report to the caller */
	ck_assert_int_eq(gxca__report_new(&r), GXCA_OK);
	gxca__alloc_fail_after(0);
	ck_assert_int_eq(gxca__uscc_check(r, "f", "91320600MA1MX2K79D"), GXCA_ENOMEM);
	ck_assert_int_eq(gxca__idnum_check(r, "f", "1", NOW), GXCA_ENOMEM);
	gxca__alloc_fail_after(-1);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	ck_assert_int_eq(gxca__uscc_check(r, "f", "91320600MA1MX2K79D"), GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 1);
	gxca_report_free(r);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_internal_field)
{
	gxca_report *r = uscc_report("91320600MA1MX2K79D");
	ck_assert_str_eq(gxca_report_field(r, 0), "form.uscc");
	/* the same report collects several values */
	ck_assert_int_eq(gxca__idnum_check(r, "form.agent_id", "320602198807150024", NOW), GXCA_OK);
	ck_assert_str_eq(ids(r), "uscc.check_char,id.check_char");
	ck_assert_str_eq(gxca_report_field(r, 1), "form.agent_id");
	gxca_report_free(r);
}
END_TEST

static Suite *identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("uscc");
	tcase_add_test(tc, test_uscc_known);
	tcase_add_test(tc, test_uscc_generated);
	tcase_add_test(tc, test_uscc_length);
	tcase_add_test(tc, test_uscc_alphabet);
	tcase_add_test(tc, test_uscc_region);
	tcase_add_test(tc, test_uscc_warnings);
	tcase_add_test(tc, test_uscc_check_char_fn);
	suite_add_tcase(s, tc);
	tc = tcase_create("id_number");
	tcase_add_test(tc, test_id_known);
	tcase_add_test(tc, test_id_generated);
	tcase_add_test(tc, test_id_shape);
	tcase_add_test(tc, test_id_region);
	tcase_add_test(tc, test_id_dates);
	tcase_add_test(tc, test_id_all_at_once);
	tcase_add_test(tc, test_id_check_char_fn);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_legacy_public);
	tcase_add_test(tc, test_no_allocation);
	tcase_add_test(tc, test_alloc_failure);
	tcase_add_test(tc, test_internal_field);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(identity_suite)
