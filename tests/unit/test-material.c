/*
 * tests/unit/test-material.c — checklists (domain.md §4), checks, the mail
 * package and the ZIP writer under it.
 *
 * The archives are read back three ways: by a small central-directory
 * walker here with zlib's inflate (every member must give back the bytes
 * given), by `unzip -t` and by Python's zipfile (UTF-8 names, CRCs).
 */
#include "common.h"
#include "zip-private.h"

#include <json-c/json.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ORG GXCA_APPLICANT_ORG
#define PERSON GXCA_APPLICANT_PERSON
#define M(x) GXCA_MAT_##x
#define T0 ((int64_t)1772418030) /* 2026-03-02 10:20:30 Asia/Shanghai */

/* ---- helpers --------------------------------------------------------------- */

static gxca_checklist *make_cl(gxca_ctx *ctx, int a, int b, uint32_t ch, int proxy)
{
	gxca_checklist *cl = NULL;
	int rc = gxca_checklist_new(&cl, ctx, a, b, ch, proxy);
	ck_assert_msg(rc == GXCA_OK, "checklist_new: %s", gxca_error_name_of(rc));
	ck_assert_ptr_nonnull(cl);
	return cl;
}

static void assert_list(const gxca_checklist *cl, const int *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	ck_assert_uint_eq(gxca_checklist_count(cl), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(gxca_checklist_material(cl, i) == want[i], "item %zu is %s, want %s",
			      i, gxca_material_name(gxca_checklist_material(cl, i)),
			      gxca_material_name(want[i]));
	ck_assert_int_eq(gxca_checklist_material(cl, n), 0);
}

struct zent {
	char name[512];
	uint16_t made_by, flags, method, dtime, ddate;
	uint32_t crc, csize, usize, ext_attr;
	const uint8_t *data;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }

/* Walk the central directory; check every local header agrees with it. */
static size_t zip_parse(const uint8_t *z, size_t len, struct zent *e, size_t max)
{
	ck_assert_uint_ge(len, 22);
	const uint8_t *end = z + len - 22;
	ck_assert_uint_eq(rd32(end), 0x06054b50u);
	size_t n = rd16(end + 10), cd_len = rd32(end + 12), off = rd32(end + 16);
	ck_assert_uint_eq(rd16(end + 8), n);
	ck_assert_uint_le(n, max);
	ck_assert_uint_eq(off + cd_len, len - 22);
	const uint8_t *c = z + off;
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(rd32(c), 0x02014b50u);
		struct zent *x = &e[i];
		x->made_by = rd16(c + 4);
		x->flags = rd16(c + 8);
		x->method = rd16(c + 10);
		x->dtime = rd16(c + 12);
		x->ddate = rd16(c + 14);
		x->crc = rd32(c + 16);
		x->csize = rd32(c + 20);
		x->usize = rd32(c + 24);
		size_t nl = rd16(c + 28), xl = rd16(c + 30), cl = rd16(c + 32);
		x->ext_attr = rd32(c + 38);
		ck_assert_uint_lt(nl, sizeof x->name);
		memcpy(x->name, c + 46, nl);
		x->name[nl] = '\0';
		const uint8_t *l = z + rd32(c + 42);
		ck_assert_uint_eq(rd32(l), 0x04034b50u);
		ck_assert_uint_eq(rd16(l + 6), x->flags);
		ck_assert_uint_eq(rd16(l + 8), x->method);
		ck_assert_uint_eq(rd32(l + 14), x->crc);
		ck_assert_uint_eq(rd32(l + 18), x->csize);
		ck_assert_uint_eq(rd32(l + 22), x->usize);
		ck_assert_uint_eq(rd16(l + 26), nl);
		ck_assert(memcmp(l + 30, x->name, nl) == 0);
		x->data = l + 30 + nl + rd16(l + 28);
		ck_assert(x->data + x->csize <= z + off);
		c += 46 + nl + xl + cl;
	}
	ck_assert(c == z + off + cd_len);
	return n;
}

/* The uncompressed bytes of a member (zlib inflate); caller frees. CRC checked. */
static uint8_t *zent_bytes(const struct zent *x)
{
	uint8_t *out = malloc(x->usize + 1);
	ck_assert_ptr_nonnull(out);
	if (x->method == 0) {
		ck_assert_uint_eq(x->csize, x->usize);
		memcpy(out, x->data, x->usize);
	} else {
		ck_assert_uint_eq(x->method, 8);
		z_stream s = {0};
		ck_assert_int_eq(inflateInit2(&s, -15), Z_OK);
		s.next_in = (Bytef *)(uintptr_t)x->data;
		s.avail_in = x->csize;
		s.next_out = out;
		s.avail_out = x->usize + 1;
		ck_assert_int_eq(inflate(&s, Z_FINISH), Z_STREAM_END);
		ck_assert_uint_eq(s.total_out, x->usize);
		ck_assert_uint_eq(s.total_in, x->csize);
		inflateEnd(&s);
	}
	ck_assert_uint_eq(crc32(0, out, x->usize), x->crc);
	out[x->usize] = '\0';
	return out;
}

static void zent_assert_bytes(const struct zent *x, const uint8_t *want, size_t len)
{
	ck_assert_uint_eq(x->usize, len);
	uint8_t *got = zent_bytes(x);
	ck_assert_msg(memcmp(got, want, len) == 0, "%s: bytes differ", x->name);
	free(got);
}

static const struct zent *zfind(const struct zent *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	ck_abort_msg("no member %s in the archive", name);
	return NULL;
}

/* Compressible text and incompressible noise (xorshift: reproducible). */
static uint8_t *text_bytes(size_t len)
{
	uint8_t *p = malloc(len);
	ck_assert_ptr_nonnull(p);
	static const char line[] = "南通市公共资源交易平台 营业执照副本复印件 scan line\n";
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)line[i % (sizeof line - 1)];
	return p;
}

static uint8_t *noise_bytes(size_t len, uint32_t seed)
{
	uint8_t *p = malloc(len);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		p[i] = (uint8_t)seed;
	}
	return p;
}

static bool have_tool(const char *name)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	if (system(cmd) == 0)
		return true;
	printf("# SKIP: %s not installed\n", name);
	return false;
}

/* ---- checklist table (domain.md §4) ---------------------------------------- */

static const struct cell {
	int a, b;
	uint32_t ch;
	int proxy;
	int want[7];
} cells[] = {
	{ORG, GXCA_BIZ_NEW, 0, 0, {M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_NEW, 0, 1, {M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_REISSUE, 0, 0,
	 {M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG), M(LOSS_STATEMENT)}},
	{ORG, GXCA_BIZ_RENEW, 0, 0, {M(TOKEN), M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_UNLOCK, 0, 0, {M(TOKEN), M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_NAME, 0,
	 {M(TOKEN), M(LICENSE_COPY), M(CHANGE_NOTICE), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_LEGAL_REP, 0,
	 {M(TOKEN), M(LICENSE_COPY), M(CHANGE_NOTICE), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_SEAL_TEMPLATE, 0,
	 {M(TOKEN), M(LICENSE_COPY), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_NAME | GXCA_CHANGE_SEAL_TEMPLATE, 0,
	 {M(TOKEN), M(LICENSE_COPY), M(CHANGE_NOTICE), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_LEGAL_REP | GXCA_CHANGE_SEAL_TEMPLATE, 1,
	 {M(TOKEN), M(LICENSE_COPY), M(CHANGE_NOTICE), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_NAME | GXCA_CHANGE_LEGAL_REP | GXCA_CHANGE_SEAL_TEMPLATE, 0,
	 {M(TOKEN), M(LICENSE_COPY), M(CHANGE_NOTICE), M(AGENT_ID_COPY), M(FORM_ORG)}},
	{PERSON, GXCA_BIZ_NEW, 0, 0, {M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_NEW, 0, 1, {M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_REISSUE, 0, 0, {M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_REISSUE, 0, 1, {M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_RENEW, 0, 0, {M(TOKEN), M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_RENEW, 0, 1,
	 {M(TOKEN), M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_CHANGE, 0, 0, {M(TOKEN), M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_CHANGE, 0, 1,
	 {M(TOKEN), M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_CHANGE, GXCA_CHANGE_SEAL_TEMPLATE, 0,
	 {M(TOKEN), M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_CHANGE, GXCA_CHANGE_NAME, 1,
	 {M(TOKEN), M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_UNLOCK, 0, 0, {M(TOKEN), M(APPLICANT_ID_COPY), M(FORM_PERSON)}},
	{PERSON, GXCA_BIZ_UNLOCK, 0, 1,
	 {M(TOKEN), M(APPLICANT_ID_COPY), M(PROXY_ID_COPY), M(FORM_PERSON)}},
};

START_TEST(test_table_cell)
{
	const struct cell *c = &cells[_i];
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, c->a, c->b, c->ch, c->proxy);
	ck_assert_last_error(ctx, GXCA_OK);
	assert_list(cl, c->want);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_labels_flags)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_CHANGE, GXCA_CHANGE_NAME, 0);
	static const uint32_t want_flags[] = {
		GXCA_MATFLAG_PHYSICAL, GXCA_MATFLAG_STAMPED,
		GXCA_MATFLAG_STAMPED | GXCA_MATFLAG_ORIGINAL, GXCA_MATFLAG_STAMPED,
		GXCA_MATFLAG_STAMPED};
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(gxca_checklist_flags(cl, i), want_flags[i]);
	ck_assert_str_eq(gxca_checklist_label(cl, 0, GXCA_LANG_ZH), "国信CA锁");
	ck_assert_str_eq(gxca_checklist_label(cl, 1, GXCA_LANG_ZH), "单位营业执照副本复印件");
	ck_assert_str_eq(gxca_checklist_label(cl, 1, GXCA_LANG_EN),
			 "copy of the business licence (duplicate original)");
	ck_assert_str_eq(gxca_checklist_label(cl, 2, GXCA_LANG_ZH), "工商变更通知书原件及复印件");
	gxca_checklist_free(cl);

	cl = make_cl(ctx, PERSON, GXCA_BIZ_NEW, 0, 1);
	ck_assert_uint_eq(gxca_checklist_flags(cl, 0), 0);
	ck_assert_uint_eq(gxca_checklist_flags(cl, 1), 0);
	ck_assert_uint_eq(gxca_checklist_flags(cl, 2), GXCA_MATFLAG_SIGNED);
	ck_assert_str_eq(gxca_checklist_label(cl, 1, GXCA_LANG_ZH), "代办人身份证复印件");
	ck_assert_str_eq(gxca_checklist_label(cl, 2, GXCA_LANG_EN), "Annex 2: personal application form");
	/* out of range and garbage language */
	ck_assert_ptr_null(gxca_checklist_label(cl, 3, GXCA_LANG_ZH));
	ck_assert_ptr_null(gxca_checklist_label(cl, 0, 2));
	ck_assert_ptr_null(gxca_checklist_label(cl, 0, -1));
	ck_assert_uint_eq(gxca_checklist_flags(cl, 3), 0);
	ck_assert_uint_eq(gxca_checklist_flags(cl, SIZE_MAX), 0);
	ck_assert_int_eq(gxca_checklist_material(cl, SIZE_MAX), 0);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_change_kinds)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = NULL;
	/* An ORG CHANGE must say what changes. */
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, ORG, GXCA_BIZ_CHANGE, 0, 0), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "change_flags");
	ck_assert_ptr_null(cl);
	/* Unknown bits, kinds outside CHANGE, a person's legal representative. */
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, ORG, GXCA_BIZ_CHANGE, 0x8, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, ORG, GXCA_BIZ_CHANGE, 0xffffffffu, 0),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, ORG, GXCA_BIZ_NEW, GXCA_CHANGE_NAME, 0),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, PERSON, GXCA_BIZ_RENEW, GXCA_CHANGE_NAME, 0),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, PERSON, GXCA_BIZ_CHANGE,
					    GXCA_CHANGE_LEGAL_REP, 0),
			 GXCA_EINVAL);
	ck_assert_ptr_null(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_new_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = (gxca_checklist *)0x1;
	ck_assert_int_eq(gxca_checklist_new(NULL, ctx, ORG, GXCA_BIZ_NEW, 0, 0), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, NULL, ORG, GXCA_BIZ_NEW, 0, 0), GXCA_EINVAL);
	static const int bad_app[] = {0, 3, -1, 1000};
	static const int bad_biz[] = {0, 6, -4, 1 << 20};
	for (size_t i = 0; i < 4; i++) {
		cl = (gxca_checklist *)0x1;
		ck_assert_int_eq(gxca_checklist_new(&cl, ctx, bad_app[i], GXCA_BIZ_NEW, 0, 0),
				 GXCA_EINVAL);
		ck_assert_ptr_null(cl);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "applicant");
		ck_assert_int_eq(gxca_checklist_new(&cl, ctx, ORG, bad_biz[i], 0, 0), GXCA_EINVAL);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "business");
	}
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, PERSON, GXCA_BIZ_NEW, 0, 2), GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_new(&cl, ctx, PERSON, GXCA_BIZ_NEW, 0, -1), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "by_proxy");
	/* NULL checklists read as empty. */
	ck_assert_uint_eq(gxca_checklist_count(NULL), 0);
	ck_assert_int_eq(gxca_checklist_material(NULL, 0), 0);
	ck_assert_ptr_null(gxca_checklist_label(NULL, 0, GXCA_LANG_ZH));
	ck_assert_uint_eq(gxca_checklist_flags(NULL, 0), 0);
	ck_assert_ptr_null(gxca_checklist_warning(NULL, GXCA_LANG_ZH));
	gxca_checklist_free(NULL);
	/* The error is cleared by the next successful call. */
	cl = make_cl(ctx, PERSON, GXCA_BIZ_NEW, 0, 0);
	ck_assert_last_error(ctx, GXCA_OK);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_warning)
{
	gxca_ctx *ctx = test_ctx();
	for (int a = ORG; a <= PERSON; a++) {
		for (int b = GXCA_BIZ_NEW; b <= GXCA_BIZ_UNLOCK; b++) {
			uint32_t ch = b == GXCA_BIZ_CHANGE && a == ORG ? GXCA_CHANGE_NAME : 0;
			gxca_checklist *cl = make_cl(ctx, a, b, ch, 0);
			const char *zh = gxca_checklist_warning(cl, GXCA_LANG_ZH);
			const char *en = gxca_checklist_warning(cl, GXCA_LANG_EN);
			if (b == GXCA_BIZ_RENEW || b == GXCA_BIZ_REISSUE || b == GXCA_BIZ_CHANGE) {
				ck_assert_ptr_nonnull(zh);
				ck_assert_ptr_nonnull(strstr(zh, "正在进行招投标的用户"));
				ck_assert_ptr_nonnull(strstr(zh, "重新制作并上传标书"));
				ck_assert_ptr_nonnull(en);
				ck_assert_ptr_nonnull(strstr(en, "re-upload"));
			} else {
				ck_assert_ptr_null(zh);
				ck_assert_ptr_null(en);
			}
			ck_assert_ptr_null(gxca_checklist_warning(cl, 7));
			gxca_checklist_free(cl);
		}
	}
	gxca_ctx_free(ctx);
}
END_TEST

/* A checklist keeps the policy it was made with; a new one sees the new policy. */
START_TEST(test_policy_reload)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *before = make_cl(ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	json_object *root = json_tokener_parse(gxca_policy_default_json());
	ck_assert_ptr_nonnull(root);
	json_object *mat, *items, *lic;
	ck_assert(json_object_object_get_ex(root, "materials", &mat));
	ck_assert(json_object_object_get_ex(mat, "items", &items));
	ck_assert(json_object_object_get_ex(items, "LICENSE_COPY", &lic));
	json_object_object_add(lic, "zh", json_object_new_string("营业执照（测试）"));
	const char *text = json_object_to_json_string(root);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, text, strlen(text)), GXCA_OK);
	json_object_put(root);
	gxca_checklist *after = make_cl(ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	ck_assert_str_eq(gxca_checklist_label(before, 0, GXCA_LANG_ZH), "单位营业执照副本复印件");
	ck_assert_str_eq(gxca_checklist_label(after, 0, GXCA_LANG_ZH), "营业执照（测试）");
	gxca_checklist_free(after);
	ck_assert_int_eq(gxca_ctx_reset_policy(ctx), GXCA_OK);
	ck_assert_str_eq(gxca_checklist_label(before, 0, GXCA_LANG_ZH), "单位营业执照副本复印件");
	gxca_checklist_free(before);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_alloc_checklist)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_checklist_new(&cl, ctx, ORG, GXCA_BIZ_CHANGE,
						  GXCA_CHANGE_SEAL_TEMPLATE, 0),
			       gxca_checklist_free(cl));
	gxca_report *r = NULL;
	cl = make_cl(ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	static const int sub[] = {M(LICENSE_COPY), 42, M(TOKEN), M(TOKEN)};
	FOR_EACH_ALLOC_FAILURE(gxca_checklist_check(cl, sub, 4, &r) == GXCA_EMATERIAL_MISSING
				       ? GXCA_OK
				       : gxca_ctx_last_error(ctx)->code,
			       gxca_report_free(r));
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- checks ------------------------------------------------------------------ */

static void assert_problem(const gxca_report *r, size_t i, int sev, int code, const char *id,
			   const char *field)
{
	ck_assert_uint_lt(i, gxca_report_count(r));
	ck_assert_int_eq(gxca_report_severity(r, i), sev);
	ck_assert_int_eq(gxca_report_code(r, i), code);
	ck_assert_str_eq(gxca_report_id(r, i), id);
	ck_assert_str_eq(gxca_report_field(r, i), field);
	ck_assert_str_ne(gxca_report_message(r, i, GXCA_LANG_ZH), "");
	ck_assert_str_ne(gxca_report_message(r, i, GXCA_LANG_EN), "");
}

START_TEST(test_check_complete)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	gxca_report *r = NULL;
	static const int all[] = {M(FORM_ORG), M(LICENSE_COPY), M(AGENT_ID_COPY)};
	ck_assert_int_eq(gxca_checklist_check(cl, all, 3, &r), GXCA_OK);
	ck_assert_last_error(ctx, GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 0);
	gxca_report_free(r);
	/* Extra and repeated materials are warnings only. */
	static const int extra[] = {M(FORM_ORG), M(TOKEN), M(LICENSE_COPY), M(AGENT_ID_COPY),
				    M(FORM_ORG)};
	ck_assert_int_eq(gxca_checklist_check(cl, extra, 5, &r), GXCA_OK);
	ck_assert_uint_eq(gxca_report_count(r), 2);
	ck_assert_uint_eq(gxca_report_error_count(r), 0);
	assert_problem(r, 0, GXCA_SEVERITY_WARNING, GXCA_OK, "material.not_needed", "TOKEN");
	assert_problem(r, 1, GXCA_SEVERITY_WARNING, GXCA_OK, "material.duplicate", "FORM_ORG");
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_ZH), "国信CA锁"));
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 0, GXCA_LANG_EN), "Guoxin CA token"));
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 1, GXCA_LANG_EN), "Annex 1"));
	ck_assert_ptr_null(strstr(gxca_report_message(r, 1, GXCA_LANG_EN), "附件"));
	gxca_report_free(r);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_check_missing)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_REISSUE, 0, 0);
	gxca_report *r = NULL;
	static const int sub[] = {M(LICENSE_COPY), 0, M(PROXY_ID_COPY), M(FORM_ORG), -7,
				  M(LICENSE_COPY)};
	ck_assert_int_eq(gxca_checklist_check(cl, sub, 6, &r), GXCA_EMATERIAL_MISSING);
	ck_assert_last_error(ctx, GXCA_EMATERIAL_MISSING);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "AGENT_ID_COPY,LOSS_STATEMENT");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(gxca_report_count(r), 6);
	ck_assert_uint_eq(gxca_report_error_count(r), 4);
	assert_problem(r, 0, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_UNKNOWN, "material.unknown",
		       "submitted[1]");
	assert_problem(r, 1, GXCA_SEVERITY_WARNING, GXCA_OK, "material.not_needed", "PROXY_ID_COPY");
	assert_problem(r, 2, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_UNKNOWN, "material.unknown",
		       "submitted[4]");
	assert_problem(r, 3, GXCA_SEVERITY_WARNING, GXCA_OK, "material.duplicate", "LICENSE_COPY");
	assert_problem(r, 4, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_MISSING, "material.missing",
		       "AGENT_ID_COPY");
	assert_problem(r, 5, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_MISSING, "material.missing",
		       "LOSS_STATEMENT");
	ck_assert_ptr_nonnull(strstr(gxca_report_message(r, 5, GXCA_LANG_ZH), "丢失说明"));
	gxca_report_free(r);

	/* Nothing submitted: every item missing. */
	ck_assert_int_eq(gxca_checklist_check(cl, NULL, 0, &r), GXCA_EMATERIAL_MISSING);
	ck_assert_uint_eq(gxca_report_error_count(r), 4);
	gxca_report_free(r);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_check_unknown)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, PERSON, GXCA_BIZ_NEW, 0, 0);
	gxca_report *r = NULL;
	static const int sub[] = {M(FORM_PERSON), 10, M(APPLICANT_ID_COPY)};
	ck_assert_int_eq(gxca_checklist_check(cl, sub, 3, &r), GXCA_EMATERIAL_UNKNOWN);
	ck_assert_last_error(ctx, GXCA_EMATERIAL_UNKNOWN);
	ck_assert_uint_eq(gxca_report_count(r), 1);
	assert_problem(r, 0, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_UNKNOWN, "material.unknown",
		       "submitted[1]");
	gxca_report_free(r);
	/* Garbage */
	r = (gxca_report *)0x1;
	ck_assert_int_eq(gxca_checklist_check(cl, NULL, 2, &r), GXCA_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_check(cl, sub, 3, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_checklist_check(NULL, sub, 3, &r), GXCA_EINVAL);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- mail package ------------------------------------------------------------ */

START_TEST(test_pkg_filename)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	static const struct {
		const char *in, *want;
	} names[] = {
		{"南通某某建设工程有限公司", "南通某某建设工程有限公司.zip"},
		{"A/B\\C:D*E?F\"G<H>I|J\x01K\x7fL", "A_B_C_D_E_F_G_H_I_J_K_L.zip"},
		{" ..张三. ", "张三.zip"},
		{"甲\xc2\x85乙", "甲_乙.zip"},       /* C1 control NEL */
		{"Acme (Nantong) Co., Ltd", "Acme (Nantong) Co., Ltd.zip"},
		{"../../etc/passwd", "_.._etc_passwd.zip"},
	};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(names); i++) {
		gxca_mail_package *pkg = NULL;
		ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, names[i].in), GXCA_OK);
		ck_assert_str_eq(gxca_mail_package_filename(pkg), names[i].want);
		gxca_mail_package_free(pkg);
	}
	gxca_mail_package *pkg = (gxca_mail_package *)0x1;
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, " . . "), GXCA_EINVAL);
	ck_assert_ptr_null(pkg);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "applicant_name");
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "\xff\xfe"), GXCA_EENCODING);
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "\xe5\x8d"), GXCA_EENCODING);
	char longname[202];
	memset(longname, 'x', 201);
	longname[201] = '\0';
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, longname), GXCA_ETOOBIG);
	longname[200] = '\0';
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, longname), GXCA_OK);
	gxca_mail_package_free(pkg);
	ck_assert_int_eq(gxca_mail_package_new(NULL, cl, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_new(&pkg, NULL, "x"), GXCA_EINVAL);
	ck_assert_ptr_null(gxca_mail_package_filename(NULL));
	gxca_mail_package_free(NULL);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_pkg_add_scan_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_RENEW, 0, 0);
	gxca_mail_package *pkg = NULL;
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "某公司"), GXCA_OK);
	gxca_checklist_free(cl); /* the package keeps its own copy */
	const uint8_t b[4] = "abc";
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(TOKEN), "token.jpg", b, 3),
			 GXCA_EMATERIAL_PHYSICAL);
	ck_assert_last_error(ctx, GXCA_EMATERIAL_PHYSICAL);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_ZH),
				     "国信CA锁"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN),
				     "Guoxin CA token"));
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(LOSS_STATEMENT), "x.pdf", b, 3),
			 GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "material");
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, 0, "x.pdf", b, 3), GXCA_EMATERIAL_UNKNOWN);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, 99, "x.pdf", b, 3), GXCA_EMATERIAL_UNKNOWN);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, -3, "x.pdf", b, 3), GXCA_EMATERIAL_UNKNOWN);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), NULL, b, 3), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "\xc0\xaf.pdf", b, 3),
			 GXCA_EENCODING);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "x.pdf", NULL, 3), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "x.pdf", b, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_add_scan(NULL, M(FORM_ORG), "x.pdf", b, 3), GXCA_EINVAL);
#if SIZE_MAX > 0xFFFFFFFFu
	/* Refused before a byte is read: no ZIP64. */
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "x.pdf", b,
						    (size_t)0xFFFFFFFFu + 1),
			 GXCA_ETOOBIG);
#endif
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "x.pdf", b, 3), GXCA_OK);
	ck_assert_last_error(ctx, GXCA_OK);
	uint8_t *zip = (uint8_t *)0x1;
	size_t len = 7;
	ck_assert_int_eq(gxca_mail_package_build(NULL, T0, &zip, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, NULL, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, &zip, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_write(NULL, T0, "/tmp", NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_write(pkg, T0, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_mail_package_write(pkg, T0, "", NULL), GXCA_EINVAL);
	gxca_mail_package_free(pkg);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_pkg_refused_missing)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, ORG, GXCA_BIZ_RENEW, 0, 0);
	gxca_mail_package *pkg = NULL;
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "某公司"), GXCA_OK);
	const uint8_t b[] = "scan";
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(LICENSE_COPY), "l.pdf", b, 4), GXCA_OK);
	uint8_t *zip = (uint8_t *)0x1;
	size_t len = 7;
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, &zip, &len), GXCA_EMATERIAL_MISSING);
	ck_assert_ptr_null(zip);
	ck_assert_uint_eq(len, 0);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	/* Every missing scan is named; the token is not one of them. */
	ck_assert_str_eq(gxca_error_field(e), "AGENT_ID_COPY,FORM_ORG");
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), "授权申领人身份证复印件"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), "附件1"));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "Annex 1"));
	char *path = (char *)0x1;
	ck_assert_int_eq(gxca_mail_package_write(pkg, T0, "/tmp", &path), GXCA_EMATERIAL_MISSING);
	ck_assert_ptr_null(path);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(AGENT_ID_COPY), "a.png", b, 4), GXCA_OK);
	ck_assert_int_eq(gxca_mail_package_add_scan(pkg, M(FORM_ORG), "f.pdf", b, 4), GXCA_OK);
	/* Times a DOS date cannot carry. */
	ck_assert_int_eq(gxca_mail_package_build(pkg, 0, &zip, &len), GXCA_ERANGE);
	ck_assert_int_eq(gxca_mail_package_build(pkg, INT64_MIN, &zip, &len), GXCA_ERANGE);
	ck_assert_int_eq(gxca_mail_package_build(pkg, INT64_MAX, &zip, &len), GXCA_ERANGE);
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, &zip, &len), GXCA_OK);
	ck_assert_ptr_nonnull(zip);
	gxca_free(zip);
	gxca_mail_package_free(pkg);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

/* An ORG CHANGE package: token, several scans of one material, odd extensions. */
struct fixture {
	gxca_ctx *ctx;
	gxca_mail_package *pkg;
	uint8_t *text, *noise;
	size_t text_len, noise_len;
};

static void fixture_make(struct fixture *f)
{
	f->ctx = test_ctx();
	gxca_checklist *cl = make_cl(f->ctx, ORG, GXCA_BIZ_CHANGE,
				     GXCA_CHANGE_NAME | GXCA_CHANGE_SEAL_TEMPLATE, 0);
	ck_assert_int_eq(gxca_mail_package_new(&f->pkg, cl, "南通某某建设工程有限公司"), GXCA_OK);
	gxca_checklist_free(cl);
	f->text_len = 200000;
	f->noise_len = 5000;
	f->text = text_bytes(f->text_len);
	f->noise = noise_bytes(f->noise_len, 2463534242u);
	gxca_mail_package *p = f->pkg;
	/* Added out of order: the archive follows the checklist. */
	ck_assert_int_eq(gxca_mail_package_add_scan(p, M(FORM_ORG), "C:\\扫描\\form", f->noise, 100), GXCA_OK);
	ck_assert_int_eq(gxca_mail_package_add_scan(p, M(CHANGE_NOTICE), "notice-original.jpg",
						    f->noise, f->noise_len), GXCA_OK);
	ck_assert_int_eq(gxca_mail_package_add_scan(p, M(LICENSE_COPY), "/home/u/licence.pdf",
						    f->text, f->text_len), GXCA_OK);
	ck_assert_int_eq(gxca_mail_package_add_scan(p, M(CHANGE_NOTICE), "notice-copy.JPEG",
						    f->text, 1000), GXCA_OK);
	ck_assert_int_eq(gxca_mail_package_add_scan(p, M(AGENT_ID_COPY), "身份证.p n g", f->text, 1),
			 GXCA_OK);
}

static void fixture_free(struct fixture *f)
{
	gxca_mail_package_free(f->pkg);
	gxca_ctx_free(f->ctx);
	free(f->text);
	free(f->noise);
}

static const char *const want_names[] = {
	"清单.txt",
	"02-单位营业执照副本复印件.pdf",
	"03-工商变更通知书原件及复印件.jpg",
	"03-工商变更通知书原件及复印件-2.JPEG",
	"04-授权申领人身份证复印件",
	"05-附件1：《国信CA数字证书及电子签章申请表》",
};

START_TEST(test_pkg_zip_contents)
{
	struct fixture f;
	fixture_make(&f);
	ck_assert_str_eq(gxca_mail_package_filename(f.pkg), "南通某某建设工程有限公司.zip");
	uint8_t *zip = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_mail_package_build(f.pkg, T0, &zip, &len), GXCA_OK);
	ck_assert_last_error(f.ctx, GXCA_OK);
	/* Deflate is real: the 200 kB licence scan shrinks the archive. */
	ck_assert_uint_lt(len, f.text_len / 4);
	struct zent e[16];
	size_t n = zip_parse(zip, len, e, 16);
	ck_assert_uint_eq(n, GXCA_ARRAY_LEN(want_names));
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(e[i].name, want_names[i]);
		ck_assert_uint_eq(e[i].flags, 0x0800); /* UTF-8 names, nothing else */
		ck_assert_uint_eq(e[i].ddate, ((2026 - 1980) << 9) | (3 << 5) | 2);
		ck_assert_uint_eq(e[i].dtime, (10 << 11) | (20 << 5) | 15);
		ck_assert_uint_eq(e[i].made_by >> 8, 3);          /* Unix */
		ck_assert_uint_eq(e[i].ext_attr >> 16, 0100644); /* rw-r--r-- */
	}
	const struct zent *lic = zfind(e, n, want_names[1]);
	ck_assert_uint_eq(lic->method, 8);
	ck_assert_uint_lt(lic->csize, lic->usize / 20);
	zent_assert_bytes(lic, f.text, f.text_len);
	/* Noise does not compress: stored. */
	const struct zent *noise = zfind(e, n, want_names[2]);
	ck_assert_uint_eq(noise->method, 0);
	zent_assert_bytes(noise, f.noise, f.noise_len);
	zent_assert_bytes(zfind(e, n, want_names[3]), f.text, 1000);
	zent_assert_bytes(zfind(e, n, want_names[4]), f.text, 1);
	zent_assert_bytes(zfind(e, n, want_names[5]), f.noise, 100);
	gxca_free(zip);
	fixture_free(&f);
}
END_TEST

START_TEST(test_pkg_manifest)
{
	struct fixture f;
	fixture_make(&f);
	uint8_t *zip = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_mail_package_build(f.pkg, T0, &zip, &len), GXCA_OK);
	struct zent e[16];
	size_t n = zip_parse(zip, len, e, 16);
	char *m = (char *)zent_bytes(zfind(e, n, "清单.txt"));
	static const char *const want[] = {
		"\xef\xbb\xbf", /* BOM first */
		"申请人 / Applicant: 南通某某建设工程有限公司（单位用户 / organisation）\r\n",
		"业务 / Business: 变更 / CHANGE\r\n",
		"变更事项 / Changes: 单位名称变更、章模变更 / NAME, SEAL_TEMPLATE\r\n",
		"1. 国信CA锁 / the applicant's Guoxin CA token\r\n   随件寄送 / to be sent with the package\r\n",
		"2. 单位营业执照副本复印件 / copy of the business licence (duplicate original)（加盖公章 / stamped）\r\n"
		"   文件 / file: 02-单位营业执照副本复印件.pdf\r\n",
		"（加盖公章、原件及复印件 / stamped, original and copy）\r\n"
		"   文件 / file: 03-工商变更通知书原件及复印件.jpg\r\n"
		"   文件 / file: 03-工商变更通知书原件及复印件-2.JPEG\r\n",
		"   文件 / file: 04-授权申领人身份证复印件\r\n",
		"   文件 / file: 05-附件1：《国信CA数字证书及电子签章申请表》\r\n",
		"正在进行招投标的用户",
		"251162432@qq.com",
		"0513-81553618",
		"3 个工作日", "3 working days",
		"生成时间 / Generated: 2026-03-02 10:20（北京时间 / UTC+8）",
	};
	ck_assert(memcmp(m, want[0], 3) == 0);
	for (size_t i = 0; i < GXCA_ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(m, want[i]) != NULL, "manifest lacks \"%s\":\n%s", want[i], m);
	ck_assert_ptr_null(strstr(m, "代办")); /* an ORG has no proxy line */
	free(m);
	gxca_free(zip);
	fixture_free(&f);
}
END_TEST

/* A PERSON NEW package by proxy: no token, no warning, the proxy line. */
START_TEST(test_pkg_person)
{
	gxca_ctx *ctx = test_ctx();
	gxca_checklist *cl = make_cl(ctx, PERSON, GXCA_BIZ_NEW, 0, 1);
	gxca_mail_package *pkg = NULL;
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "张三"), GXCA_OK);
	ck_assert_str_eq(gxca_mail_package_filename(pkg), "张三.zip");
	const uint8_t b[] = "id";
	for (size_t i = 0; i < gxca_checklist_count(cl); i++)
		ck_assert_int_eq(gxca_mail_package_add_scan(pkg, gxca_checklist_material(cl, i),
							    "scan.jpg", b, 2),
				 GXCA_OK);
	uint8_t *zip = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, &zip, &len), GXCA_OK);
	struct zent e[8];
	size_t n = zip_parse(zip, len, e, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(e[1].name, "01-申请人身份证复印件.jpg");
	ck_assert_str_eq(e[2].name, "02-代办人身份证复印件.jpg");
	ck_assert_str_eq(e[3].name, "03-附件2：《国信CA数字证书及电子签章申请表》.jpg");
	char *m = (char *)zent_bytes(&e[0]);
	ck_assert_ptr_nonnull(strstr(m, "张三（个人用户 / person）"));
	ck_assert_ptr_nonnull(strstr(m, "代办 / By proxy: 是 / yes"));
	ck_assert_ptr_nonnull(strstr(m, "（本人签字 / signed by the applicant）"));
	ck_assert_ptr_null(strstr(m, "随件寄送"));
	ck_assert_ptr_null(strstr(m, "招投标"));
	free(m);
	gxca_free(zip);
	gxca_mail_package_free(pkg);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

/* A policy that takes no UNLOCK by mail: no package for it. */
START_TEST(test_pkg_not_by_mail)
{
	gxca_ctx *ctx = test_ctx();
	json_object *root = json_tokener_parse(gxca_policy_default_json()), *ch, *mail, *biz;
	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "channels", &ch));
	ck_assert(json_object_object_get_ex(ch, "MAIL", &mail));
	biz = json_object_new_array();
	json_object_array_add(biz, json_object_new_string("NEW"));
	json_object_object_add(mail, "businesses", biz);
	const char *text = json_object_to_json_string(root);
	ck_assert_int_eq(gxca_ctx_load_policy_json(ctx, text, strlen(text)), GXCA_OK);
	json_object_put(root);
	gxca_checklist *cl = make_cl(ctx, PERSON, GXCA_BIZ_UNLOCK, 0, 0);
	gxca_mail_package *pkg = (gxca_mail_package *)0x1;
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "张三"), GXCA_EUNSUPPORTED);
	ck_assert_ptr_null(pkg);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "business");
	gxca_checklist_free(cl);
	cl = make_cl(ctx, PERSON, GXCA_BIZ_NEW, 0, 0);
	ck_assert_int_eq(gxca_mail_package_new(&pkg, cl, "张三"), GXCA_OK);
	gxca_mail_package_free(pkg);
	gxca_checklist_free(cl);
	gxca_ctx_free(ctx);
}
END_TEST

/* Write to a file, then let unzip and Python's zipfile judge it. */
START_TEST(test_pkg_write_tools)
{
	struct fixture f;
	fixture_make(&f);
	char dir[] = "/tmp/gxca-material-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = NULL;
	ck_assert_int_eq(gxca_mail_package_write(f.pkg, T0, dir, &path), GXCA_OK);
	char want_path[256];
	snprintf(want_path, sizeof want_path, "%s/南通某某建设工程有限公司.zip", dir);
	ck_assert_str_eq(path, want_path);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	/* Written again over the first: replaced, and no temporary file left. */
	gxca_free(path);
	char slash[300];
	snprintf(slash, sizeof slash, "%s/", dir);
	ck_assert_int_eq(gxca_mail_package_write(f.pkg, T0 + 60, slash, &path), GXCA_OK);
	ck_assert_str_eq(path, want_path);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(cmd), 0);
	if (have_tool("unzip")) {
		snprintf(cmd, sizeof cmd, "unzip -tqq '%s' >&2", path);
		ck_assert_msg(system(cmd) == 0, "unzip -t rejects %s", path);
	}
	if (have_tool("python3")) {
		snprintf(cmd, sizeof cmd,
			 "PYTHONIOENCODING=utf-8 python3 -c 'import sys, zipfile\n"
			 "z = zipfile.ZipFile(sys.argv[1])\n"
			 "assert z.testzip() is None\n"
			 "for i in z.infolist():\n"
			 "    assert i.flag_bits & 0x800, i.filename\n"
			 "    assert i.date_time == (2026, 3, 2, 10, 21, 30), i.date_time\n"
			 "    print(i.filename)\n"
			 "' '%s' > '%s/names.txt'",
			 path, dir);
		ck_assert_msg(system(cmd) == 0, "python zipfile rejects %s", path);
		snprintf(cmd, sizeof cmd, "%s/names.txt", dir);
		size_t nl = 0;
		char *names = test_read_file(cmd, &nl), *p = names;
		for (size_t i = 0; i < GXCA_ARRAY_LEN(want_names); i++) {
			char *eol = strchr(p, '\n');
			ck_assert_ptr_nonnull(eol);
			*eol = '\0';
			ck_assert_str_eq(p, want_names[i]);
			p = eol + 1;
		}
		ck_assert_str_eq(p, "");
		free(names);
	}
	/* A directory that does not exist: EIO naming it. */
	char *p2 = (char *)0x1;
	snprintf(cmd, sizeof cmd, "%s/no/such/dir", dir);
	ck_assert_int_eq(gxca_mail_package_write(f.pkg, T0, cmd, &p2), GXCA_EIO);
	ck_assert_ptr_null(p2);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(f.ctx), GXCA_LANG_EN),
				     "no/such/dir"));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	gxca_free(path);
	fixture_free(&f);
}
END_TEST

START_TEST(test_alloc_package)
{
	struct fixture f;
	fixture_make(&f);
	uint8_t *zip = NULL;
	size_t len = 0;
	FOR_EACH_ALLOC_FAILURE(gxca_mail_package_build(f.pkg, T0, &zip, &len), gxca_free(zip));
	/* The package is unharmed by the failed runs. */
	ck_assert_int_eq(gxca_mail_package_build(f.pkg, T0, &zip, &len), GXCA_OK);
	gxca_free(zip);
	gxca_checklist *cl = make_cl(f.ctx, ORG, GXCA_BIZ_NEW, 0, 0);
	gxca_mail_package *pkg = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_mail_package_new(&pkg, cl, "某公司"), (void)0);
	for (int i = 0; i < 3; i++)
		FOR_EACH_ALLOC_FAILURE(gxca_mail_package_add_scan(pkg, gxca_checklist_material(cl, i),
								  "s.pdf", f.text, 5000),
				       (void)0);
	ck_assert_int_eq(gxca_mail_package_build(pkg, T0, &zip, &len), GXCA_OK);
	struct zent e[8];
	ck_assert_uint_eq(zip_parse(zip, len, e, 8), 4);
	gxca_free(zip);
	gxca_mail_package_free(pkg);
	gxca_checklist_free(cl);
	fixture_free(&f);
}
END_TEST

/* ---- the ZIP writer itself ---------------------------------------------------- */

START_TEST(test_zip_names_and_limits)
{
	gxca_ctx *ctx = test_ctx();
	struct gxca__zip_entry e = {0};
	static const char *const bad[] = {"", "/etc/x", "a\\b", "../x", "a/../b", "a/..",
					  "a\nb", "a\x7f", ".."};
	const uint8_t b[] = "x";
	for (size_t i = 0; i < GXCA_ARRAY_LEN(bad); i++) {
		ck_assert_msg(gxca__zip_entry_init(ctx, &e, bad[i], b, 1) == GXCA_EINVAL, "%s", bad[i]);
		ck_assert_ptr_null(e.name);
	}
	ck_assert_int_eq(gxca__zip_entry_init(ctx, &e, "a\xff", b, 1), GXCA_EENCODING);
	ck_assert_int_eq(gxca__zip_entry_init(ctx, &e, NULL, b, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca__zip_entry_init(ctx, &e, "x", NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca__zip_entry_init(ctx, &e, "x", b, (size_t)0xFFFFFFFFu), GXCA_ETOOBIG);
	/* "a..b" and "..." are ordinary names; an empty member is fine. */
	ck_assert_int_eq(gxca__zip_entry_init(ctx, &e, "d/a..b/...", NULL, 0), GXCA_OK);
	ck_assert_uint_eq(e.method, 0);
	ck_assert_uint_eq(e.crc, 0);
	const struct gxca__zip_entry *list[] = {&e};
	uint8_t *zip = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca__zip_write(ctx, list, 1, T0, &zip, &len), GXCA_OK);
	struct zent z[1];
	ck_assert_uint_eq(zip_parse(zip, len, z, 1), 1);
	ck_assert_str_eq(z[0].name, "d/a..b/...");
	gxca_free(zip);
	/* Too many members for a ZIP without ZIP64 (checked before anything is read). */
	ck_assert_int_eq(gxca__zip_write(ctx, list, 0x10000, T0, &zip, &len), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca__zip_write(ctx, NULL, 1, T0, &zip, &len), GXCA_EINVAL);
	gxca__zip_entry_clear(&e);
	gxca__zip_entry_clear(NULL);
	/* An archive with no member is the end record alone. */
	ck_assert_int_eq(gxca__zip_write(ctx, NULL, 0, T0, &zip, &len), GXCA_OK);
	ck_assert_uint_eq(len, 22);
	gxca_free(zip);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_zip_dos_time)
{
	uint16_t d, t;
	ck_assert_int_eq(gxca__zip_dos_time(315504000, &d, &t), GXCA_OK); /* 1980-01-01 00:00 +08 */
	ck_assert_uint_eq(d, (0 << 9) | (1 << 5) | 1);
	ck_assert_uint_eq(t, 0);
	ck_assert_int_eq(gxca__zip_dos_time(315504000 - 1, &d, &t), GXCA_ERANGE);
	ck_assert_int_eq(gxca__zip_dos_time(4354790399, &d, &t), GXCA_OK); /* 2107-12-31 23:59:59 */
	ck_assert_uint_eq(d, (127 << 9) | (12 << 5) | 31);
	ck_assert_uint_eq(t, (23 << 11) | (59 << 5) | 29);
	ck_assert_int_eq(gxca__zip_dos_time(4354790399 + 1, &d, &t), GXCA_ERANGE);
	ck_assert_int_eq(gxca__zip_dos_time(T0, &d, &t), GXCA_OK);
	ck_assert_uint_eq(d, 23650);
	ck_assert_uint_eq(t, 21135);
}
END_TEST

static Suite *material_suite(void)
{
	Suite *s = suite_create("material");
	TCase *tc = tcase_create("checklist");
	tcase_add_loop_test(tc, test_table_cell, 0, (int)GXCA_ARRAY_LEN(cells));
	tcase_add_test(tc, test_labels_flags);
	tcase_add_test(tc, test_change_kinds);
	tcase_add_test(tc, test_new_garbage);
	tcase_add_test(tc, test_warning);
	tcase_add_test(tc, test_policy_reload);
	tcase_add_test(tc, test_alloc_checklist);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, test_check_complete);
	tcase_add_test(tc, test_check_missing);
	tcase_add_test(tc, test_check_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("mail_package");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pkg_filename);
	tcase_add_test(tc, test_pkg_add_scan_garbage);
	tcase_add_test(tc, test_pkg_refused_missing);
	tcase_add_test(tc, test_pkg_zip_contents);
	tcase_add_test(tc, test_pkg_manifest);
	tcase_add_test(tc, test_pkg_person);
	tcase_add_test(tc, test_pkg_not_by_mail);
	tcase_add_test(tc, test_pkg_write_tools);
	tcase_add_test(tc, test_alloc_package);
	suite_add_tcase(s, tc);
	tc = tcase_create("zip");
	tcase_add_test(tc, test_zip_names_and_limits);
	tcase_add_test(tc, test_zip_dos_time);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(material_suite)
