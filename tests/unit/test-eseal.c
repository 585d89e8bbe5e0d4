/*
 * tests/unit/test-eseal.c — GB/T 38540 / GM/T 0031 electronic seals and
 * signatures: the ofdrw interop fixtures against expected.json (json-c),
 * make -> parse -> verify round trips, tampering, validity dates, signature
 * quirks, bad input and allocation failures.
 *
 * Test PKI: tests/data/eseal/gen.sh. The ofdrw PKCS#12 keys use
 * pbeWithSHA1And40BitRC2: legacy() loads OpenSSL's "legacy" provider
 * (and "default" beside it) into the default library context of this test
 * process only.
 */
#define _GNU_SOURCE /* memmem */
#include "eseal-private.h"

#include "common.h"

#include <stdarg.h>

#include <json-c/json.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <unistd.h>

#define DATA TEST_SRCDIR "/tests/data/eseal/"
#define OFDRW DATA "ofdrw/"
#define T2020 INT64_C(1577836800) /* 2020-01-01T00:00:00Z */
#define T2021 INT64_C(1609459200)
#define T2024 INT64_C(1704067200)
#define T2025_06 INT64_C(1748736000) /* 2025-06-01 */
#define T2030 INT64_C(1893456000)
#define T2031 INT64_C(1924992000)

typedef struct {
	gxca_ctx *ctx;
	gxca_key *maker, *signer, *other, *expired, *p256;
	uint8_t *maker_der, *signer_der, *other_der, *expired_der, *p256_der, *root_der, *png;
	size_t maker_len, signer_len, other_len, expired_len, p256_len, root_len, png_len;
} pki;

static uint8_t *rd(const char *path, size_t *len)
{
	return (uint8_t *)test_read_file(path, len);
}

static gxca_key *key_of(gxca_ctx *ctx, const char *path, const char *pw)
{
	gxca_key *k = NULL;
	ck_assert_int_eq(gxca_key_load_file(&k, ctx, path, pw), GXCA_OK);
	return k;
}

static void pki_load(pki *p)
{
	memset(p, 0, sizeof *p);
	p->ctx = test_ctx();
	p->maker = key_of(p->ctx, DATA "maker.key", NULL);
	p->signer = key_of(p->ctx, DATA "signer.key", NULL);
	p->other = key_of(p->ctx, DATA "other.key", NULL);
	p->expired = key_of(p->ctx, DATA "expired.key", NULL);
	p->p256 = key_of(p->ctx, DATA "p256.key", NULL);
	p->maker_der = rd(DATA "maker.der", &p->maker_len);
	p->signer_der = rd(DATA "signer.der", &p->signer_len);
	p->other_der = rd(DATA "other.der", &p->other_len);
	p->expired_der = rd(DATA "expired.der", &p->expired_len);
	p->p256_der = rd(DATA "p256.der", &p->p256_len);
	p->root_der = rd(DATA "root.der", &p->root_len);
	p->png = rd(DATA "red.png", &p->png_len);
}

static void pki_free(pki *p)
{
	gxca_key_free(p->maker);
	gxca_key_free(p->signer);
	gxca_key_free(p->other);
	gxca_key_free(p->expired);
	gxca_key_free(p->p256);
	free(p->maker_der);
	free(p->signer_der);
	free(p->other_der);
	free(p->expired_der);
	free(p->p256_der);
	free(p->root_der);
	free(p->png);
	gxca_ctx_free(p->ctx);
}

/* A new v4 seal valid 2024..2030 holding the signer and expired certificates. */
static gxca_eseal *draft_seal(pki *p)
{
	gxca_eseal *s = NULL;
	ck_assert_int_eq(gxca_eseal_new(&s, p->ctx), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_vid(s, "GXCA"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_id(s, "32060000000001"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_type(s, 1), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_name(s, "南通测试有限公司合同专用章"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_cert(s, p->signer_der, p->signer_len), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_cert(s, p->expired_der, p->expired_len), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_validity(s, T2024, T2024, T2030), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_picture(s, NULL, p->png, p->png_len, 40, 40), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_ext(s, "1.2.156.112600.7.1", 0, (const uint8_t *)"USCC", 4), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_ext(s, "1.2.156.112600.7.2", 1, (const uint8_t *)"x", 1), GXCA_OK);
	return s;
}

static gxca_eseal *make_seal(pki *p)
{
	gxca_eseal *s = draft_seal(p);
	ck_assert_int_eq(gxca_eseal_sign(s, p->maker, p->maker_der, p->maker_len), GXCA_OK);
	return s;
}

/* A signature by signer over "hello" at 2025-06-01 (check=false skips the make-time refusals). */
static gxca_esign *make_sign(pki *p, const gxca_eseal *seal, gxca_key *key, const uint8_t *cert, size_t len,
			     int64_t when, bool check)
{
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, p->ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, seal), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_data(g, (const uint8_t *)"hello", 5), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_property_info(g, "/Doc_0/Signs/Sign_0/Signature.xml"), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(g, when), GXCA_OK);
	ck_assert_int_eq(gxca__esign_sign(g, key, cert, len, check), GXCA_OK);
	return g;
}

/* Loading any provider explicitly stops the implicit "default": load both,
 * and unload them when done (else LeakSanitizer reports the providers). */
static void legacy(OSSL_PROVIDER **prov, bool load)
{
	if (load) {
		ck_assert_ptr_nonnull(prov[0] = OSSL_PROVIDER_load(NULL, "legacy"));
		ck_assert_ptr_nonnull(prov[1] = OSSL_PROVIDER_load(NULL, "default"));
	} else {
		OSSL_PROVIDER_unload(prov[0]);
		OSSL_PROVIDER_unload(prov[1]);
	}
}

/* ---- hand-made DER (other vendors' layouts) ------------------------------------ */

typedef struct {
	uint8_t *p;
	size_t n;
} blob;

static blob wrap(int tag, int cls, bool cons, const void *c, size_t n)
{
	int total = ASN1_object_size(cons, (int)n, tag);
	blob b = {malloc((size_t)total), (size_t)total};
	unsigned char *q = b.p;
	ASN1_put_object(&q, cons, (int)n, tag, cls);
	memcpy(q, c, n);
	return b;
}

static blob prim(int tag, const void *c, size_t n) { return wrap(tag, V_ASN1_UNIVERSAL, false, c, n); }
static blob str(int tag, const char *c) { return prim(tag, c, strlen(c)); }

static blob bits(const void *c, size_t n)
{
	uint8_t *t = malloc(n + 1);
	t[0] = 0;
	memcpy(t + 1, c, n);
	blob b = prim(V_ASN1_BIT_STRING, t, n + 1);
	free(t);
	return b;
}

/* SEQUENCE (or [0] with tag0) of count blobs, which it frees. */
static blob seqv(bool tag0, int count, va_list ap)
{
	blob all = {NULL, 0};
	for (int i = 0; i < count; i++) {
		blob e = va_arg(ap, blob);
		all.p = realloc(all.p, all.n + e.n);
		memcpy(all.p + all.n, e.p, e.n);
		all.n += e.n;
		free(e.p);
	}
	blob b = tag0 ? wrap(0, V_ASN1_CONTEXT_SPECIFIC, true, all.p, all.n)
		      : wrap(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true, all.p, all.n);
	free(all.p);
	return b;
}

static blob seq(int count, ...)
{
	va_list ap;
	va_start(ap, count);
	blob b = seqv(false, count, ap);
	va_end(ap);
	return b;
}

static blob tag0(int count, ...)
{
	va_list ap;
	va_start(ap, count);
	blob b = seqv(true, count, ap);
	va_end(ap);
	return b;
}

static blob copy(const void *p, size_t n)
{
	blob b = {malloc(n), n};
	memcpy(b.p, p, n);
	return b;
}

/* ---- fixtures against expected.json ------------------------------------------ */

static json_object *expected(void)
{
	json_object *j = json_object_from_file(OFDRW "expected.json");
	ck_assert_ptr_nonnull(j);
	return j;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v = NULL;
	ck_assert_msg(json_object_object_get_ex(o, k, &v), "expected.json: no %s", k);
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v = NULL;
	ck_assert_msg(json_object_object_get_ex(o, k, &v), "expected.json: no %s", k);
	return json_object_get_int64(v);
}

static bool jbool(json_object *o, const char *k)
{
	json_object *v = NULL;
	ck_assert_msg(json_object_object_get_ex(o, k, &v), "expected.json: no %s", k);
	return json_object_get_boolean(v);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static uint32_t check_seal_fields(const gxca_eseal *s, json_object *e)
{
	ck_assert_int_eq(gxca_eseal_header_version(s), jint(e, "header_version"));
	ck_assert_str_eq(gxca_eseal_vid(s), jstr(e, "vid"));
	ck_assert_str_eq(gxca_eseal_id(s), jstr(e, "esID"));
	ck_assert_int_eq(gxca_eseal_type(s), jint(e, "seal_type"));
	ck_assert_str_eq(gxca_eseal_name(s), jstr(e, "name"));
	ck_assert_str_eq(gxca_eseal_picture_type(s), jstr(e, "picture_type"));
	ck_assert_int_eq(gxca_eseal_picture_width(s), jint(e, "width_mm"));
	ck_assert_int_eq(gxca_eseal_picture_height(s), jint(e, "height_mm"));
	size_t plen = 0;
	const uint8_t *pic = gxca_eseal_picture(s, &plen);
	ck_assert(plen > 8 && memcmp(pic, "\x89PNG", 4) == 0);
	const char *tt = jstr(e, "time_tag");
	ck_assert_int_eq(gxca_eseal_time_encoding(s),
			 strcmp(tt, "UTCTime") == 0 ? GXCA_ESEAL_TIME_UTC : GXCA_ESEAL_TIME_GENERALIZED);
	ck_assert_int_eq(gxca_eseal_ext_count(s) > 0, jbool(e, "has_extDatas"));
	int64_t top = jint(e, "top_level_fields");
	size_t tslen = 0;
	ck_assert_int_eq(gxca_eseal_timestamp(s, &tslen) != NULL, top == 5);
	int want = top == 2 ? GXCA_ESEAL_V1 : (top == 5 || jint(e, "header_version") == 5) ? GXCA_ESEAL_V5 : GXCA_ESEAL_V4;
	ck_assert_int_eq(gxca_eseal_version(s), want);
	json_object *clt = NULL;
	ck_assert(json_object_object_get_ex(e, "certListType", &clt));
	ck_assert_int_eq(gxca_eseal_cert_list_type(s), clt ? json_object_get_int(clt) : 0);
	ck_assert_uint_ge(gxca_eseal_cert_count(s), 1);
	ck_assert_str_eq(gxca_eseal_sign_alg(s), "1.2.156.10197.1.501");
	/* the seal's own signature, whatever the dates say */
	gxca_eseal_result *r = NULL;
	int rc = gxca_eseal_verify(s, NULL, &r);
	ck_assert_ptr_nonnull(r);
	ck_assert(gxca_eseal_result_ran(r) & GXCA_ESEAL_CHECK_SEAL_SIGNATURE);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE) == GXCA_OK,
			 jbool(e, "seal_sig_verifies"));
	if (strcmp(jstr(e, "seal_sig_encoding"), "der") == 0)
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE), 0);
	uint32_t failed = gxca_eseal_result_failed(r);
	ck_assert_int_eq(rc == GXCA_OK, failed == 0);
	gxca_eseal_result_free(r);
	return failed;
}

START_TEST(test_fixture_seals)
{
	gxca_ctx *ctx = test_ctx();
	json_object *all = expected();
	int seen = 0;
	json_object_object_foreach(all, name, e)
	{
		if (strncmp(name, "seals/", 6) != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, OFDRW "%s", name);
		size_t len = 0;
		uint8_t *der = rd(path, &len);
		ck_assert_int_eq(gxca_eseal_kind(der, len), GXCA_ESEAL_KIND_SEAL);
		gxca_eseal *s = NULL;
		ck_assert_msg(gxca_eseal_parse(&s, ctx, der, len) == GXCA_OK, "%s: %s", name,
			      gxca_error_message(gxca_ctx_last_error(ctx)));
		check_seal_fields(s, e);
		uint8_t *back = NULL;
		size_t blen = 0;
		ck_assert_int_eq(gxca_eseal_to_der(s, &back, &blen), GXCA_OK);
		ck_assert(blen == len && memcmp(back, der, len) == 0);
		gxca_free(back);
		gxca_eseal_free(s);
		free(der);
		seen++;
	}
	ck_assert_int_eq(seen, 3);
	json_object_put(all);
	gxca_ctx_free(ctx);
}
END_TEST

/* The parts of a fixture signature's expected.json entry. */
static void check_sign_fields(const gxca_esign *g, json_object *e)
{
	ck_assert_int_eq(gxca_esign_version(g), GXCA_ESEAL_V4);
	ck_assert_int_eq(gxca_esign_tbs_version(g), jint(e, "tbs_version"));
	ck_assert_int_eq(gxca_esign_ext_count(g) > 0, jbool(e, "tbs_has_extDatas_[0]"));
	ck_assert_int_eq(gxca_esign_time_encoding(g), GXCA_ESEAL_TIME_GENERALIZED);
	ck_assert_str_eq(gxca_esign_property_info(g), jstr(e, "propertyInfo"));
	size_t n = 0;
	const uint8_t *h = gxca_esign_data_hash(g, &n);
	char hx[2 * 64 + 1];
	ck_assert_uint_eq(n, 32);
	hex(h, n, hx);
	ck_assert_str_eq(hx, jstr(e, "dataHash_hex"));
	ck_assert_str_eq(gxca_esign_sign_alg(g), "1.2.156.10197.1.501");
	json_object *se = NULL;
	ck_assert(json_object_object_get_ex(e, "seal", &se));
	check_seal_fields(gxca_esign_seal(g), se);
}

START_TEST(test_fixture_signatures)
{
	gxca_ctx *ctx = test_ctx();
	json_object *all = expected();
	int seen = 0;
	json_object_object_foreach(all, name, e)
	{
		if (strncmp(name, "signatures/", 11) != 0)
			continue;
		char path[512], xml[512], esl[512];
		snprintf(path, sizeof path, OFDRW "%s/SignedValue.dat", name);
		snprintf(xml, sizeof xml, OFDRW "%s/Signature.xml", name);
		snprintf(esl, sizeof esl, OFDRW "%s/Seal.esl", name);
		size_t len = 0, xlen = 0;
		uint8_t *der = rd(path, &len);
		ck_assert_int_eq(gxca_eseal_kind(der, len), GXCA_ESEAL_KIND_SIGNATURE);
		gxca_esign *g = NULL;
		ck_assert_msg(gxca_esign_parse(&g, ctx, der, len) == GXCA_OK, "%s: %s", name,
			      gxca_error_message(gxca_ctx_last_error(ctx)));
		check_sign_fields(g, e);
		gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
		uint8_t *x = access(xml, R_OK) == 0 ? rd(xml, &xlen) : NULL;
		o.data = x;
		o.data_len = xlen;
		gxca_eseal_result *r = NULL;
		int rc = gxca_esign_verify(g, &o, &r);
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SIGNATURE) == GXCA_OK,
				 jbool(e, "signature_over_DER(TBS_Sign)_verifies"));
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, 0), 0); /* "der" everywhere */
		ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SIGNER_IN_SEAL), GXCA_OK);
		if (x) {
			ck_assert(gxca_eseal_result_ran(r) & GXCA_ESEAL_CHECK_DATA);
			ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_DATA) == GXCA_OK,
					 jbool(e, "dataHash_equals_SM3(Signature.xml)"));
		}
		ck_assert_int_eq(rc, gxca_error_code(gxca_ctx_last_error(ctx)));
		if (access(esl, R_OK) == 0) {
			size_t elen = 0, slen = 0;
			uint8_t *sealb = rd(esl, &elen), *emb = NULL;
			ck_assert_int_eq(gxca_eseal_to_der(gxca_esign_seal(g), &emb, &slen), GXCA_OK);
			ck_assert_int_eq(slen == elen && memcmp(emb, sealb, elen) == 0, jbool(e, "Seal.esl_equals_embedded_seal"));
			gxca_free(emb);
			free(sealb);
		}
		gxca_eseal_result_free(r);
		free(x);
		gxca_esign_free(g);
		free(der);
		seen++;
	}
	ck_assert_int_eq(seen, 2);
	json_object_put(all);
	gxca_ctx_free(ctx);
}
END_TEST

/* What the dates of the ofdrw files mean (their certificates ended in 2022). */
START_TEST(test_fixture_dates)
{
	gxca_ctx *ctx = test_ctx();
	size_t len = 0;
	uint8_t *der = rd(OFDRW "signatures/ofdrw_v4_SESV4SignDoc/SignedValue.dat", &len);
	gxca_esign *g = NULL;
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(gxca_esign_parse(&g, ctx, der, len), GXCA_OK);
	ck_assert_str_eq(gxca_esign_time_text(g), "20260804020809Z");
	ck_assert_int_eq(gxca_esign_time(g), INT64_C(1785809289));
	/* signed in 2026 with a seal valid 2020-04-22 .. 2022-04-22 */
	ck_assert_int_eq(gxca_esign_verify(g, NULL, &r), GXCA_EESEAL_SEAL_EXPIRED);
	ck_assert_last_error(ctx, GXCA_EESEAL_SEAL_EXPIRED);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SIGNER_CERT_TIME), GXCA_EESEAL_CERT_EXPIRED);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_MAKER_CERT_TIME), GXCA_OK);
	ck_assert_uint_eq(gxca_eseal_result_ran(r) & (GXCA_ESEAL_CHECK_SIGNER_CHAIN | GXCA_ESEAL_CHECK_MAKER_CHAIN), 0);
	ck_assert_int_eq(gxca_eseal_result_time(r), INT64_C(1785809289));
	ck_assert_str_ne(gxca_eseal_result_message(r, GXCA_ESEAL_CHECK_SEAL_VALIDITY, GXCA_LANG_EN), "");
	gxca_eseal_result_free(r);
	gxca_esign_free(g);
	free(der);
	/* the v5 seal was made in 2026 by a maker whose certificate ended in 2022 */
	der = rd(OFDRW "seals/ofdrw_v5_UserV5_ts.esl", &len);
	gxca_eseal *s = NULL;
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.at = INT64_C(1800000000); /* 2027 */
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_verify(s, &o, &r), GXCA_EESEAL_CERT_EXPIRED);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), GXCA_ESEAL_CHECK_MAKER_CERT_TIME);
	gxca_eseal_result_free(r);
	/* the ofdrw root is no CA certificate (no basicConstraints/keyUsage): chain fails */
	size_t rlen = 0;
	uint8_t *root = rd(OFDRW "ofdrw_root.der", &rlen);
	o.anchors = root;
	o.anchors_len = rlen;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, &r), GXCA_EESEAL_CERT_EXPIRED);
	ck_assert(gxca_eseal_result_ran(r) & GXCA_ESEAL_CHECK_MAKER_CHAIN);
	ck_assert(gxca_eseal_result_failed(r) & GXCA_ESEAL_CHECK_MAKER_CHAIN);
	gxca_eseal_result_free(r);
	free(root);
	gxca_eseal_free(s);
	free(der);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_fixture_malformed)
{
	gxca_ctx *ctx = test_ctx();
	size_t len = 0;
	uint8_t *der = rd(OFDRW "malformed/ofdrw_gomain_Seal_utf8-mangled.esl", &len);
	gxca_eseal *s = (gxca_eseal *)1;
	gxca_esign *g = (gxca_esign *)1;
	ck_assert_int_eq(gxca_eseal_kind(der, len), GXCA_ESEAL_KIND_UNKNOWN);
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, der, len), GXCA_EESEAL_MALFORMED);
	ck_assert_ptr_null(s);
	ck_assert_last_error(ctx, GXCA_EESEAL_MALFORMED);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "SESeal");
	ck_assert_int_eq(gxca_esign_parse(&g, ctx, der, len), GXCA_EESEAL_MALFORMED);
	ck_assert_ptr_null(g);
	free(der);
	/* a seal is not a signature and the other way round */
	der = rd(OFDRW "seals/ofdrw_v4_UserV4.esl", &len);
	ck_assert_int_eq(gxca_esign_parse(&g, ctx, der, len), GXCA_EESEAL_MALFORMED);
	free(der);
	der = rd(OFDRW "signatures/ofdrw_v5_SignedValueV5/SignedValue.dat", &len);
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, der, len), GXCA_EESEAL_MALFORMED);
	free(der);
	gxca_ctx_free(ctx);
}
END_TEST

/* Our signature over an ofdrw seal with the ofdrw USER key (PKCS#12, legacy PBE). */
START_TEST(test_fixture_interop_sign)
{
	OSSL_PROVIDER *prov[2];
	legacy(prov, true);
	gxca_ctx *ctx = test_ctx();
	gxca_key *user = key_of(ctx, OFDRW "keys/ofdrw_USER.p12", "777777");
	gxca_key *builder = key_of(ctx, OFDRW "keys/ofdrw_SealBuilder.p12", "777777");
	size_t len = 0, clen = 0, mlen = 0;
	uint8_t *der = rd(OFDRW "seals/ofdrw_v4_UserV4.esl", &len);
	gxca_eseal *seal = NULL;
	ck_assert_int_eq(gxca_eseal_parse(&seal, ctx, der, len), GXCA_OK);
	const uint8_t *holder = gxca_eseal_cert(seal, 0, &clen);
	const uint8_t *maker = gxca_eseal_maker_cert(seal, &mlen);
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, seal), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_data(g, (const uint8_t *)"x", 1), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, user, holder, clen), GXCA_EESEAL_SEAL_EXPIRED); /* now: 2022 is past */
	ck_assert_int_eq(gxca_esign_set_time(g, T2021), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, builder, holder, clen), GXCA_EESEAL_KEY_MISMATCH);
	ck_assert_int_eq(gxca_esign_sign(g, user, holder, clen), GXCA_OK);
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(gxca_esign_verify(g, NULL, &r), GXCA_OK);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), 0);
	ck_assert_uint_eq(gxca_eseal_result_ran(r), GXCA_ESEAL_CHECK_SIGNATURE | GXCA_ESEAL_CHECK_SEAL_SIGNATURE |
			  GXCA_ESEAL_CHECK_SIGNER_IN_SEAL | GXCA_ESEAL_CHECK_SEAL_VALIDITY |
			  GXCA_ESEAL_CHECK_SIGNER_CERT_TIME | GXCA_ESEAL_CHECK_MAKER_CERT_TIME);
	gxca_eseal_result_free(r);
	/* the embedded seal is the ofdrw one, byte for byte */
	uint8_t *emb = NULL;
	size_t elen = 0;
	ck_assert_int_eq(gxca_eseal_to_der(gxca_esign_seal(g), &emb, &elen), GXCA_OK);
	ck_assert(elen == len && memcmp(emb, der, len) == 0);
	gxca_free(emb);
	/* and a seal of ours made with the ofdrw seal builder's key */
	gxca_eseal *mine = NULL;
	ck_assert_int_eq(gxca_eseal_new(&mine, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_vid(mine, "GXCA"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_id(mine, "1"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_name(mine, "互通测试"), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_cert(mine, holder, clen), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_validity(mine, T2024, T2024, T2030), GXCA_OK);
	const uint8_t *pic = gxca_eseal_picture(seal, &elen);
	ck_assert_int_eq(gxca_eseal_set_picture(mine, "PNG", pic, elen, 40, 40), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_sign(mine, builder, maker, mlen), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_verify(mine, NULL, &r), GXCA_EESEAL_CERT_EXPIRED); /* made 2024, maker cert ended 2022 */
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE), GXCA_OK);
	gxca_eseal_result_free(r);
	gxca_eseal_free(mine);
	gxca_esign_free(g);
	gxca_eseal_free(seal);
	free(der);
	gxca_key_free(user);
	gxca_key_free(builder);
	gxca_ctx_free(ctx);
	legacy(prov, false);
}
END_TEST

/* ---- round trips ------------------------------------------------------------- */

START_TEST(test_seal_round_trip)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	ck_assert_int_eq(gxca_eseal_version(s), GXCA_ESEAL_V4);
	uint8_t *der = NULL;
	size_t len = 0, n = 0;
	ck_assert_int_eq(gxca_eseal_to_der(s, &der, &len), GXCA_OK);
	gxca_eseal *q = NULL;
	ck_assert_int_eq(gxca_eseal_parse(&q, p.ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_version(q), GXCA_ESEAL_V4);
	ck_assert_int_eq(gxca_eseal_header_version(q), 4);
	ck_assert_str_eq(gxca_eseal_vid(q), "GXCA");
	ck_assert_str_eq(gxca_eseal_id(q), "32060000000001");
	ck_assert_int_eq(gxca_eseal_type(q), 1);
	ck_assert_str_eq(gxca_eseal_name(q), "南通测试有限公司合同专用章");
	ck_assert_int_eq(gxca_eseal_cert_list_type(q), GXCA_ESEAL_CERTLIST_CERTS);
	ck_assert_uint_eq(gxca_eseal_cert_count(q), 2);
	const uint8_t *c = gxca_eseal_cert(q, 0, &n);
	ck_assert(n == p.signer_len && memcmp(c, p.signer_der, n) == 0);
	ck_assert_ptr_null(gxca_eseal_cert(q, 2, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(gxca_eseal_cert_digest_type(q, 0), "");
	ck_assert_int_eq(gxca_eseal_create_date(q), T2024);
	ck_assert_int_eq(gxca_eseal_valid_start(q), T2024);
	ck_assert_int_eq(gxca_eseal_valid_end(q), T2030);
	ck_assert_int_eq(gxca_eseal_time_encoding(q), GXCA_ESEAL_TIME_GENERALIZED);
	ck_assert_str_eq(gxca_eseal_picture_type(q), "png");
	c = gxca_eseal_picture(q, &n);
	ck_assert(n == p.png_len && memcmp(c, p.png, n) == 0);
	ck_assert_int_eq(gxca_eseal_picture_width(q), 40);
	ck_assert_int_eq(gxca_eseal_picture_height(q), 40);
	ck_assert_uint_eq(gxca_eseal_ext_count(q), 2);
	ck_assert_str_eq(gxca_eseal_ext_oid(q, 0), "1.2.156.112600.7.1");
	ck_assert_int_eq(gxca_eseal_ext_critical(q, 0), 0);
	ck_assert_int_eq(gxca_eseal_ext_critical(q, 1), 1);
	c = gxca_eseal_ext_value(q, 0, &n);
	ck_assert(n == 4 && memcmp(c, "USCC", 4) == 0);
	ck_assert_uint_eq(gxca_eseal_quirks(q), 0); /* critical FALSE is left out, as DER wants */
	c = gxca_eseal_maker_cert(q, &n);
	ck_assert(n == p.maker_len && memcmp(c, p.maker_der, n) == 0);
	ck_assert_str_eq(gxca_eseal_sign_alg(q), "1.2.156.10197.1.501");
	ck_assert_ptr_nonnull(gxca_eseal_signature(q, &n));
	ck_assert_uint_ge(n, 68);
	ck_assert_ptr_null(gxca_eseal_timestamp(q, &n));
	/* verified with the anchors: every seal check runs and passes */
	gxca_eseal_verify_options o;
	ck_assert_int_eq(gxca_eseal_verify_options_init(&o, GXCA_ESEAL_VERIFY_OPTIONS_VERSION), GXCA_OK);
	o.at = T2025_06;
	o.anchors = p.root_der;
	o.anchors_len = p.root_len;
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(gxca_eseal_verify(q, &o, &r), GXCA_OK);
	ck_assert_uint_eq(gxca_eseal_result_ran(r), GXCA_ESEAL_CHECK_SEAL_SIGNATURE | GXCA_ESEAL_CHECK_SEAL_VALIDITY |
			  GXCA_ESEAL_CHECK_MAKER_CERT_TIME | GXCA_ESEAL_CHECK_MAKER_CHAIN);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), 0);
	gxca_eseal_result_free(r);
	/* a picture written out */
	char path[] = "/tmp/test-eseal-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(gxca_eseal_write_picture(q, path), GXCA_EEXISTS);
	unlink(path);
	ck_assert_int_eq(gxca_eseal_write_picture(q, path), GXCA_OK);
	size_t wlen = 0;
	uint8_t *w = rd(path, &wlen);
	ck_assert(wlen == p.png_len && memcmp(w, p.png, wlen) == 0);
	free(w);
	unlink(path);
	gxca_free(der);
	gxca_eseal_free(q);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

START_TEST(test_sign_round_trip)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, p.signer, p.signer_der, p.signer_len), GXCA_ESTATE);
	ck_assert_int_eq(gxca_esign_set_seal(g, s), GXCA_OK);
	uint8_t dg[32];
	unsigned int dn = 0;
	ck_assert_int_eq(EVP_Digest("hello", 5, dg, &dn, EVP_sm3(), NULL), 1);
	ck_assert_int_eq(gxca_esign_set_digest(g, dg, 32), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(g, T2025_06), GXCA_OK);
	ck_assert_int_eq(gxca_esign_add_ext(g, "1.2.3.4", 1, (const uint8_t *)"v", 1), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, p.signer, p.signer_der, p.signer_len), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(g, T2025_06), GXCA_ESTATE);
	uint8_t *der = NULL;
	size_t len = 0, n = 0;
	ck_assert_int_eq(gxca_esign_to_der(g, &der, &len), GXCA_OK);
	gxca_esign *q = NULL;
	ck_assert_int_eq(gxca_esign_parse(&q, p.ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_esign_version(q), GXCA_ESEAL_V4);
	ck_assert_int_eq(gxca_esign_tbs_version(q), 4);
	ck_assert_int_eq(gxca_esign_time(q), T2025_06);
	ck_assert_str_eq(gxca_esign_time_text(q), "20250601000000Z");
	const uint8_t *h = gxca_esign_data_hash(q, &n);
	ck_assert(n == 32 && memcmp(h, dg, 32) == 0);
	ck_assert_str_eq(gxca_esign_property_info(q), "");
	h = gxca_esign_signer_cert(q, &n);
	ck_assert(n == p.signer_len && memcmp(h, p.signer_der, n) == 0);
	ck_assert_ptr_nonnull(gxca_esign_signature(q, &n));
	ck_assert_ptr_null(gxca_esign_timestamp(q, &n));
	ck_assert_uint_eq(gxca_esign_ext_count(q), 1);
	ck_assert_str_eq(gxca_esign_ext_oid(q, 0), "1.2.3.4");
	ck_assert_int_eq(gxca_esign_ext_critical(q, 0), 1);
	ck_assert_ptr_nonnull(gxca_esign_ext_value(q, 0, &n));
	ck_assert_uint_eq(gxca_esign_quirks(q), 0);
	ck_assert_str_eq(gxca_eseal_name(gxca_esign_seal(q)), "南通测试有限公司合同专用章");
	/* everything checked, with the data and the anchors */
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.data = (const uint8_t *)"hello";
	o.data_len = 5;
	o.anchors = p.root_der;
	o.anchors_len = p.root_len;
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(gxca_esign_verify(q, &o, &r), GXCA_OK);
	ck_assert_uint_eq(gxca_eseal_result_ran(r), 0x1ff);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), 0);
	gxca_eseal_result_free(r);
	o.data = (const uint8_t *)"hellO";
	ck_assert_int_eq(gxca_esign_verify(q, &o, NULL), GXCA_EESEAL_DATA_MISMATCH);
	ck_assert_last_error(p.ctx, GXCA_EESEAL_DATA_MISMATCH);
	o.data = NULL;
	o.data_len = 0;
	o.digest = dg;
	o.digest_len = 32;
	ck_assert_int_eq(gxca_esign_verify(q, &o, NULL), GXCA_OK);
	o.digest_len = 31;
	ck_assert_int_eq(gxca_esign_verify(q, &o, NULL), GXCA_EINVAL);
	gxca_free(der);
	gxca_esign_free(q);
	gxca_esign_free(g);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

/* ---- tampering, wrong signer, dates ---------------------------------------- */

/* Flip one byte at off of a copy of der and verify it as a signature. */
static int verify_flipped(gxca_ctx *ctx, const uint8_t *der, size_t len, size_t off, gxca_eseal_result **r)
{
	uint8_t *t = malloc(len);
	memcpy(t, der, len);
	t[off] ^= 0x01;
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_parse(&g, ctx, t, len), GXCA_OK);
	int rc = gxca_esign_verify(g, NULL, r);
	gxca_esign_free(g);
	free(t);
	return rc;
}

START_TEST(test_tamper)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	gxca_esign *g = make_sign(&p, s, p.signer, p.signer_der, p.signer_len, T2025_06, true);
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_esign_to_der(g, &der, &len), GXCA_OK);
	/* a byte of propertyInfo (inside TBS_Sign, outside the seal) */
	const uint8_t *pi = memmem(der, len, "Signature.xml", 13);
	ck_assert_ptr_nonnull(pi);
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(verify_flipped(p.ctx, der, len, (size_t)(pi - der), &r), GXCA_EBADSIG);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), GXCA_ESEAL_CHECK_SIGNATURE);
	gxca_eseal_result_free(r);
	/* a byte of the picture: both the seal's and the signature's signatures break */
	const uint8_t *pic = memmem(der, len, p.png, p.png_len);
	ck_assert_ptr_nonnull(pic);
	ck_assert_int_eq(verify_flipped(p.ctx, der, len, (size_t)(pic - der) + 20, &r), GXCA_EBADSIG);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), GXCA_ESEAL_CHECK_SIGNATURE | GXCA_ESEAL_CHECK_SEAL_SIGNATURE);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE), GXCA_EBADSIG);
	gxca_eseal_result_free(r);
	/* the last byte of the signature value */
	ck_assert_int_eq(verify_flipped(p.ctx, der, len, len - 1, &r), GXCA_EBADSIG);
	gxca_eseal_result_free(r);
	gxca_free(der);
	gxca_esign_free(g);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

START_TEST(test_wrong_signer)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, s), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_data(g, NULL, 0), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(g, T2025_06), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, p.other, p.other_der, p.other_len), GXCA_EESEAL_SIGNER_NOT_IN_SEAL);
	ck_assert_int_eq(gxca_esign_sign(g, p.signer, p.other_der, p.other_len), GXCA_EESEAL_KEY_MISMATCH);
	ck_assert_int_eq(gxca_esign_sign(g, p.p256, p.p256_der, p.p256_len), GXCA_EESEAL_UNSUPPORTED);
	gxca_esign_free(g);
	/* made anyway: the signature is good, the signer is not the seal's */
	g = make_sign(&p, s, p.other, p.other_der, p.other_len, T2025_06, false);
	gxca_eseal_result *r = NULL;
	ck_assert_int_eq(gxca_esign_verify(g, NULL, &r), GXCA_EESEAL_SIGNER_NOT_IN_SEAL);
	ck_assert_uint_eq(gxca_eseal_result_failed(r), GXCA_ESEAL_CHECK_SIGNER_IN_SEAL);
	ck_assert_int_eq(gxca_eseal_result_status(r, GXCA_ESEAL_CHECK_SIGNATURE), GXCA_OK);
	gxca_eseal_result_free(r);
	gxca_esign_free(g);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

static int verify_sign_at(pki *p, const gxca_eseal *s, gxca_key *k, const uint8_t *c, size_t cl, int64_t t,
			  uint32_t *failed)
{
	gxca_esign *g = make_sign(p, s, k, c, cl, t, false);
	gxca_eseal_result *r = NULL;
	int rc = gxca_esign_verify(g, NULL, &r);
	*failed = gxca_eseal_result_failed(r);
	gxca_eseal_result_free(r);
	gxca_esign_free(g);
	return rc;
}

START_TEST(test_validity)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	uint32_t failed = 0;
	ck_assert_int_eq(verify_sign_at(&p, s, p.signer, p.signer_der, p.signer_len, T2021, &failed),
			 GXCA_EESEAL_SEAL_NOT_YET_VALID);
	ck_assert_uint_eq(failed, GXCA_ESEAL_CHECK_SEAL_VALIDITY);
	ck_assert_int_eq(verify_sign_at(&p, s, p.signer, p.signer_der, p.signer_len, T2031, &failed),
			 GXCA_EESEAL_SEAL_EXPIRED);
	ck_assert_uint_eq(failed, GXCA_ESEAL_CHECK_SEAL_VALIDITY);
	/* the expired signer is in the list; its certificate ended in 2021 */
	ck_assert_int_eq(verify_sign_at(&p, s, p.expired, p.expired_der, p.expired_len, T2025_06, &failed),
			 GXCA_EESEAL_CERT_EXPIRED);
	ck_assert_uint_eq(failed, GXCA_ESEAL_CHECK_SIGNER_CERT_TIME);
	/* the checked maker refuses an out-of-date seal */
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, s), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_data(g, (const uint8_t *)"a", 1), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(g, T2031), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, p.signer, p.signer_der, p.signer_len), GXCA_EESEAL_SEAL_EXPIRED);
	ck_assert_int_eq(gxca_esign_set_time(g, T2021), GXCA_OK);
	ck_assert_int_eq(gxca_esign_sign(g, p.signer, p.signer_der, p.signer_len), GXCA_EESEAL_SEAL_NOT_YET_VALID);
	gxca_esign_free(g);
	/* a seal alone, at a given time */
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.at = T2021;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_EESEAL_SEAL_NOT_YET_VALID);
	o.at = T2031;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_EESEAL_SEAL_EXPIRED);
	o.at = T2030;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_OK);
	/* a trust anchor that is not the issuer */
	o.anchors = p.p256_der;
	o.anchors_len = p.p256_len;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_EESEAL_CHAIN);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

/* ---- quirks ------------------------------------------------------------------ */

/* A signature value in another encoding: raw r||s, or s padded with 00 00. */
static void reencode_sig(const uint8_t *der, size_t len, bool raw, uint8_t *out, size_t *out_len)
{
	const unsigned char *q = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)len);
	ck_assert_ptr_nonnull(es);
	const BIGNUM *r = ECDSA_SIG_get0_r(es), *s = ECDSA_SIG_get0_s(es);
	if (raw) {
		ck_assert_int_eq(BN_bn2binpad(r, out, 32), 32);
		ck_assert_int_eq(BN_bn2binpad(s, out + 32, 32), 32);
		*out_len = 64;
	} else {
		/* r gets one 00 more than DER allows; s stays minimal */
		uint8_t rb[36] = {0}, sb[36] = {0};
		size_t rn = (size_t)BN_bn2bin(r, rb + 2), sn = (size_t)BN_bn2bin(s, sb + 1);
		size_t rpad = (rb[2] & 0x80) ? 2 : 1, spad = (sb[1] & 0x80) ? 1 : 0;
		size_t rl = rn + rpad, sl = sn + spad, body = 2 + rl + 2 + sl;
		out[0] = 0x30;
		out[1] = (uint8_t)body;
		out[2] = 0x02;
		out[3] = (uint8_t)rl;
		memcpy(out + 4, rb + 2 - rpad, rl);
		out[4 + rl] = 0x02;
		out[5 + rl] = (uint8_t)sl;
		memcpy(out + 6 + rl, sb + 1 - spad, sl);
		*out_len = 2 + body;
	}
	ECDSA_SIG_free(es);
}

START_TEST(test_quirks)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = make_seal(&p);
	for (int raw = 0; raw < 2; raw++) {
		uint8_t sig[80];
		size_t sl = 0, n = 0;
		const uint8_t *orig = gxca_eseal_signature(s, &n);
		reencode_sig(orig, n, raw, sig, &sl);
		uint8_t *der = NULL;
		size_t len = 0;
		ck_assert_int_eq(gxca__ses_encode_signed(p.ctx, s->info.p, s->info.len, p.maker_der, p.maker_len, sig, sl,
							 &der, &len), GXCA_OK);
		gxca_eseal *q = NULL;
		ck_assert_int_eq(gxca_eseal_parse(&q, p.ctx, der, len), GXCA_OK);
		gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
		o.at = T2025_06;
		gxca_eseal_result *r = NULL;
		ck_assert_int_eq(gxca_eseal_verify(q, &o, &r), GXCA_OK);
		uint32_t want = raw ? GXCA_ESEAL_QUIRK_RAW_RS : GXCA_ESEAL_QUIRK_NONMINIMAL_INT;
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, GXCA_ESEAL_CHECK_SEAL_SIGNATURE), want);
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, 0), want);
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, GXCA_ESEAL_CHECK_SIGNATURE), 0);
		gxca_eseal_result_free(r);
		o.flags = GXCA_ESEAL_VERIFY_STRICT;
		ck_assert_int_eq(gxca_eseal_verify(q, &o, NULL), GXCA_EESEAL_QUIRK);
		/* the same quirk on a signature over this seal */
		gxca_esign *g = make_sign(&p, q, p.signer, p.signer_der, p.signer_len, T2025_06, true);
		const uint8_t *gs = gxca_esign_signature(g, &n);
		reencode_sig(gs, n, raw, sig, &sl);
		gxca_free(der);
		ck_assert_int_eq(gxca__ses_encode_signed(p.ctx, g->tbs.p, g->tbs.len, p.signer_der, p.signer_len, sig, sl,
							 &der, &len), GXCA_OK);
		gxca_esign *h = NULL;
		ck_assert_int_eq(gxca_esign_parse(&h, p.ctx, der, len), GXCA_OK);
		ck_assert_int_eq(gxca_esign_verify(h, NULL, &r), GXCA_OK);
		ck_assert_uint_eq(gxca_eseal_result_quirks(r, GXCA_ESEAL_CHECK_SIGNATURE), want);
		gxca_eseal_result_free(r);
		gxca_esign_free(h);
		gxca_esign_free(g);
		gxca_free(der);
		gxca_eseal_free(q);
	}
	ck_assert_str_eq(gxca_eseal_quirk_name(GXCA_ESEAL_QUIRK_RAW_RS), "raw-rs");
	ck_assert_str_eq(gxca_eseal_quirk_name(GXCA_ESEAL_QUIRK_TAGGED_EXT), "tagged-ext");
	ck_assert_ptr_null(gxca_eseal_quirk_name(3));
	ck_assert_str_eq(gxca_eseal_check_name(GXCA_ESEAL_CHECK_MAKER_CHAIN), "maker-chain");
	ck_assert_ptr_null(gxca_eseal_check_name(0));
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

/* ---- other layouts: v1 signatures, digest lists, vendor quirks ---------------- */

/* A v1 SES_Signature by the ofdrw USER key over the ofdrw v1 seal; timeInfo is text. */
static blob v1_signature(gxca_key *key, const uint8_t *seal, size_t seal_len, const uint8_t *cert, size_t cert_len,
			 const char *when, bool octets)
{
	static const uint8_t hash[32] = {1, 2, 3};
	static const uint8_t sm2sm3[] = {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75};
	blob tbs = seq(7, prim(V_ASN1_INTEGER, "\x01", 1), copy(seal, seal_len),
		       octets ? str(V_ASN1_OCTET_STRING, when) : bits(when, strlen(when)),
		       octets ? prim(V_ASN1_OCTET_STRING, hash, 32) : bits(hash, 32), str(V_ASN1_IA5STRING, "doc.xml"),
		       prim(V_ASN1_OCTET_STRING, cert, cert_len), prim(V_ASN1_OBJECT, sm2sm3, sizeof sm2sm3));
	uint8_t *sig = NULL;
	size_t sl = 0;
	ck_assert_int_eq(gxca_key_sign(key, tbs.p, tbs.n, &sig, &sl), GXCA_OK);
	blob b = seq(2, tbs, bits(sig, sl));
	gxca_free(sig);
	return b;
}

START_TEST(test_v1_signature)
{
	OSSL_PROVIDER *prov[2];
	legacy(prov, true);
	gxca_ctx *ctx = test_ctx();
	gxca_key *user = key_of(ctx, OFDRW "keys/ofdrw_USER.p12", "777777");
	size_t len = 0, clen = 0;
	uint8_t *der = rd(OFDRW "seals/ofdrw_v1_UserV1.esl", &len);
	gxca_eseal *seal = NULL;
	ck_assert_int_eq(gxca_eseal_parse(&seal, ctx, der, len), GXCA_OK);
	const uint8_t *holder = gxca_eseal_cert(seal, 0, &clen);
	static const struct {
		const char *text;
		int64_t t; /* 0: not understood */
	} times[] = {{"2021-01-01 08:00:00", T2021}, {"2021-01-01T00:00:00.377Z", T2021},
		     {"20210101000000Z", T2021}, {"next tuesday", 0}, {"2021-02-30 00:00:00", 0}};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(times); i++) {
		blob b = v1_signature(user, der, len, holder, clen, times[i].text, i == 1);
		gxca_esign *g = NULL;
		ck_assert_int_eq(gxca_esign_parse(&g, ctx, b.p, b.n), GXCA_OK);
		ck_assert_int_eq(gxca_esign_version(g), GXCA_ESEAL_V1);
		ck_assert_int_eq(gxca_esign_time_encoding(g), GXCA_ESEAL_TIME_TEXT);
		ck_assert_str_eq(gxca_esign_time_text(g), times[i].text);
		ck_assert_int_eq(gxca_esign_time(g), times[i].t);
		ck_assert_str_eq(gxca_esign_property_info(g), "doc.xml");
		ck_assert_int_eq(gxca_eseal_version(gxca_esign_seal(g)), GXCA_ESEAL_V1);
		ck_assert_uint_eq(gxca_esign_quirks(g), i == 1 ? GXCA_ESEAL_QUIRK_OCTET_STRING : 0);
		gxca_eseal_result *r = NULL;
		int rc = gxca_esign_verify(g, NULL, &r);
		ck_assert_msg(rc == GXCA_OK, "%s: %s", times[i].text, gxca_error_message(gxca_ctx_last_error(ctx)));
		uint32_t timed = GXCA_ESEAL_CHECK_SEAL_VALIDITY | GXCA_ESEAL_CHECK_SIGNER_CERT_TIME;
		ck_assert_uint_eq(gxca_eseal_result_ran(r) & timed, times[i].t ? timed : 0);
		ck_assert(gxca_eseal_result_ran(r) & GXCA_ESEAL_CHECK_SIGNER_IN_SEAL);
		gxca_eseal_result_free(r);
		gxca_esign_free(g);
		free(b.p);
	}
	gxca_eseal_free(seal);
	free(der);
	gxca_key_free(user);
	gxca_ctx_free(ctx);
	legacy(prov, false);
}
END_TEST

/* A v4 SES_SealInfo as some vendors write it: UTCTime dates, explicit
 * critical FALSE; certList by digest (type 2) or with a stray IA5String. */
static blob vendor_info(pki *p, int list_type, bool tagged_ext)
{
	uint8_t h[32];
	unsigned int hn = 0;
	ck_assert_int_eq(EVP_Digest(p->signer_der, p->signer_len, h, &hn, EVP_sm3(), NULL), 1);
	blob list = list_type == 2 ? seq(1, seq(2, str(V_ASN1_PRINTABLESTRING, "sm3"), prim(V_ASN1_OCTET_STRING, h, 32)))
				   : seq(2, str(V_ASN1_IA5STRING, "1"), prim(V_ASN1_OCTET_STRING, p->signer_der, p->signer_len));
	static const uint8_t oid[] = {0x2a, 0x81, 0x1c, 0x86, 0xb7, 0x58, 0x07, 0x01}; /* 1.2.156.112600.7.1 */
	blob ext = seq(1, seq(3, prim(V_ASN1_OBJECT, oid, sizeof oid), prim(V_ASN1_BOOLEAN, "\x00", 1),
			      str(V_ASN1_OCTET_STRING, "v")));
	if (tagged_ext)
		ext = tag0(1, ext);
	return seq(5, seq(3, str(V_ASN1_IA5STRING, "ES"), prim(V_ASN1_INTEGER, "\x04", 1), str(V_ASN1_IA5STRING, "V")),
		   str(V_ASN1_IA5STRING, "370300000001"),
		   seq(7, prim(V_ASN1_INTEGER, "\x06", 1), str(V_ASN1_UTF8STRING, "某单位公章"),
		       prim(V_ASN1_INTEGER, list_type == 2 ? "\x02" : "\x01", 1), list,
		       str(V_ASN1_UTCTIME, "240101000000Z"), str(V_ASN1_UTCTIME, "240101000000Z"),
		       str(V_ASN1_UTCTIME, "300101000000Z")),
		   seq(4, str(V_ASN1_IA5STRING, "PNG"), prim(V_ASN1_OCTET_STRING, p->png, p->png_len),
		       prim(V_ASN1_INTEGER, "\x28", 1), prim(V_ASN1_INTEGER, "\x28", 1)),
		   ext);
}

START_TEST(test_vendor_layouts)
{
	pki p;
	pki_load(&p);
	for (int list_type = 1; list_type <= 2; list_type++) {
		blob info = vendor_info(&p, list_type, list_type == 1);
		uint8_t *sig = NULL, *der = NULL;
		size_t sl = 0, len = 0;
		ck_assert_int_eq(gxca_key_sign(p.maker, info.p, info.n, &sig, &sl), GXCA_OK);
		ck_assert_int_eq(gxca__ses_encode_signed(p.ctx, info.p, info.n, p.maker_der, p.maker_len, sig, sl, &der,
							 &len), GXCA_OK);
		gxca_eseal *s = NULL;
		ck_assert_int_eq(gxca_eseal_parse(&s, p.ctx, der, len), GXCA_OK);
		uint32_t want = GXCA_ESEAL_QUIRK_TIME_TYPE | GXCA_ESEAL_QUIRK_EXPLICIT_DEFAULT |
				(list_type == 1 ? GXCA_ESEAL_QUIRK_CERT_ENTRY | GXCA_ESEAL_QUIRK_TAGGED_EXT : 0);
		ck_assert_uint_eq(gxca_eseal_quirks(s), want);
		ck_assert_int_eq(gxca_eseal_time_encoding(s), GXCA_ESEAL_TIME_UTC);
		ck_assert_int_eq(gxca_eseal_valid_end(s), T2030);
		ck_assert_int_eq(gxca_eseal_cert_list_type(s), list_type);
		ck_assert_uint_eq(gxca_eseal_cert_count(s), 1); /* the IA5String "1" is skipped */
		ck_assert_str_eq(gxca_eseal_cert_digest_type(s, 0), list_type == 2 ? "sm3" : "");
		ck_assert_uint_eq(gxca_eseal_ext_count(s), 1);
		ck_assert_int_eq(gxca_eseal_ext_critical(s, 0), 0);
		/* verification over the bytes as stored (re-encoding would drop the FALSE) */
		gxca_esign *g = make_sign(&p, s, p.signer, p.signer_der, p.signer_len, T2025_06, true);
		gxca_eseal_result *r = NULL;
		ck_assert_int_eq(gxca_esign_verify(g, NULL, &r), GXCA_OK);
		ck_assert_uint_eq(gxca_eseal_result_failed(r), 0);
		gxca_eseal_result_free(r);
		gxca_esign_free(g);
		g = make_sign(&p, s, p.other, p.other_der, p.other_len, T2025_06, false);
		ck_assert_int_eq(gxca_esign_verify(g, NULL, NULL), GXCA_EESEAL_SIGNER_NOT_IN_SEAL);
		gxca_esign_free(g);
		gxca_eseal_free(s);
		gxca_free(der);
		gxca_free(sig);
		free(info.p);
	}
	pki_free(&p);
}
END_TEST

/* ---- bad input -------------------------------------------------------------- */

static void expect_reject(gxca_ctx *ctx, const uint8_t *d, size_t n)
{
	gxca_eseal *s = NULL;
	gxca_esign *g = NULL;
	int rc = gxca_eseal_parse(&s, ctx, d, n);
	ck_assert_msg(rc == GXCA_EESEAL_MALFORMED || rc == GXCA_ETOOBIG || rc == GXCA_EINVAL, "rc %d", rc);
	ck_assert_ptr_null(s);
	ck_assert_str_ne(gxca_error_message(gxca_ctx_last_error(ctx)), "");
	rc = gxca_esign_parse(&g, ctx, d, n);
	ck_assert_msg(rc == GXCA_EESEAL_MALFORMED || rc == GXCA_ETOOBIG || rc == GXCA_EINVAL, "rc %d", rc);
	ck_assert_ptr_null(g);
}

START_TEST(test_bad_input)
{
	gxca_ctx *ctx = test_ctx();
	size_t len = 0;
	uint8_t *der = rd(OFDRW "signatures/ofdrw_v4_SESV4SignDoc/SignedValue.dat", &len);
	for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 97)
		expect_reject(ctx, der, cut);
	uint8_t *more = malloc(len + 1);
	memcpy(more, der, len);
	more[len] = 0;
	expect_reject(ctx, more, len + 1); /* trailing byte */
	ck_assert_last_error(ctx, GXCA_EESEAL_MALFORMED);
	more[0] = 0x31; /* SET instead of SEQUENCE */
	expect_reject(ctx, more, len);
	free(more);
	static const uint8_t absurd[] = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00};
	expect_reject(ctx, absurd, sizeof absurd);
	static const uint8_t indefinite[] = {0x30, 0x80, 0x30, 0x00, 0x00, 0x00};
	expect_reject(ctx, indefinite, sizeof indefinite);
	static const uint8_t empty_seq[] = {0x30, 0x00};
	expect_reject(ctx, empty_seq, sizeof empty_seq);
	uint32_t x = 12345;
	uint8_t junk[512];
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
		junk[0] = 0x30;
		junk[1] = 0x82;
		junk[2] = 0x01;
		junk[3] = 0xfc;
		expect_reject(ctx, junk, sizeof junk);
	}
	ck_assert_int_eq(gxca_eseal_kind(junk, sizeof junk), GXCA_ESEAL_KIND_UNKNOWN);
	free(der);
	gxca_ctx_free(ctx);
}
END_TEST

/* A picture over 16 MiB in a structurally valid seal. */
START_TEST(test_huge_picture)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = draft_seal(&p);
	size_t big = (16u << 20) + 1;
	uint8_t *pic = calloc(1, big);
	memcpy(pic, p.png, 8);
	ck_assert_int_eq(gxca_eseal_set_picture(s, NULL, pic, big, 40, 40), GXCA_ETOOBIG);
	gxca_free(s->picture.own);
	s->picture = (gxca__bytes){pic, big, NULL}; /* past the setter, to encode it */
	uint8_t *info = NULL, *der = NULL;
	size_t ilen = 0, len = 0;
	ck_assert_int_eq(gxca__ses_encode_sealinfo(s, &info, &ilen), GXCA_OK);
	s->picture.p = NULL;
	static const uint8_t fake_sig[64] = {1};
	ck_assert_int_eq(gxca__ses_encode_signed(p.ctx, info, ilen, p.maker_der, p.maker_len, fake_sig, 64, &der,
						 &len), GXCA_OK);
	gxca_eseal *q = NULL;
	ck_assert_int_eq(gxca_eseal_parse(&q, p.ctx, der, len), GXCA_ETOOBIG);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(p.ctx)), "picture.data");
	gxca_free(info);
	gxca_free(der);
	free(pic);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

/* ---- argument checks -------------------------------------------------------- */

START_TEST(test_setters)
{
	pki p;
	pki_load(&p);
	gxca_eseal *s = NULL;
	ck_assert_int_eq(gxca_eseal_new(&s, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_sign(s, p.maker, p.maker_der, p.maker_len), GXCA_ESTATE);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(p.ctx)), "vid");
	ck_assert_int_eq(gxca_eseal_set_vid(s, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_vid(s, "中文"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_id(s, "a\nb"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_type(s, -1), GXCA_ERANGE);
	ck_assert_int_eq(gxca_eseal_set_name(s, "\xff\xfe"), GXCA_EENCODING);
	ck_assert_int_eq(gxca_eseal_set_name(s, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_cert(s, (const uint8_t *)"xx", 2), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_validity(s, T2024, T2030, T2024), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_validity(s, -1, T2024, T2030), GXCA_ERANGE);
	ck_assert_int_eq(gxca_eseal_set_picture(s, "png", (const uint8_t *)"GIF89a..", 8, 40, 40), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_picture(s, "png", p.png, p.png_len, 0, 40), GXCA_ERANGE);
	ck_assert_int_eq(gxca_eseal_set_picture(s, "gif", (const uint8_t *)"GIF89a..", 8, 40, 40), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_add_ext(s, "not.an.oid", 0, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_ext(s, "1.2.3", 0, NULL, 1), GXCA_EINVAL);
	gxca_eseal_free(s);
	s = draft_seal(&p);
	ck_assert_int_eq(gxca_eseal_sign(s, p.p256, p.p256_der, p.p256_len), GXCA_EESEAL_UNSUPPORTED);
	ck_assert_int_eq(gxca_eseal_sign(s, p.maker, p.signer_der, p.signer_len), GXCA_EESEAL_KEY_MISMATCH);
	ck_assert_int_eq(gxca_eseal_sign(s, p.maker, (const uint8_t *)"x", 1), GXCA_EINVAL);
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_eseal_to_der(s, &der, &len), GXCA_ESTATE);
	ck_assert_int_eq(gxca_eseal_verify(s, NULL, NULL), GXCA_ESTATE);
	ck_assert_int_eq(gxca_eseal_sign(s, p.maker, p.maker_der, p.maker_len), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_vid(s, "X"), GXCA_ESTATE);
	ck_assert_int_eq(gxca_eseal_sign(s, p.maker, p.maker_der, p.maker_len), GXCA_ESTATE);
	gxca_esign *g = NULL;
	ck_assert_int_eq(gxca_esign_new(&g, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_digest(g, (const uint8_t *)"short", 5), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_property_info(g, "é"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_time(g, -5), GXCA_ERANGE);
	ck_assert_int_eq(gxca_esign_add_ext(g, "x", 0, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_data(g, NULL, 3), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_to_der(g, &der, &len), GXCA_ESTATE);
	ck_assert_int_eq(gxca_esign_verify(g, NULL, NULL), GXCA_ESTATE);
	gxca_eseal *draft = draft_seal(&p);
	ck_assert_int_eq(gxca_esign_set_seal(g, draft), GXCA_EINVAL);
	size_t v1len = 0;
	uint8_t *v1 = rd(OFDRW "seals/ofdrw_v1_UserV1.esl", &v1len);
	gxca_eseal *v1s = NULL;
	ck_assert_int_eq(gxca_eseal_parse(&v1s, p.ctx, v1, v1len), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, v1s), GXCA_EESEAL_UNSUPPORTED);
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.version = 99;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_verify_options_init(&o, 2), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_verify_options_init(NULL, 1), GXCA_EINVAL);
	o = (gxca_eseal_verify_options)GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.anchors = (const uint8_t *)"garbage";
	o.anchors_len = 7;
	ck_assert_int_eq(gxca_eseal_verify(s, &o, NULL), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(p.ctx)), "anchors");
	gxca_eseal_free(v1s);
	free(v1);
	gxca_eseal_free(draft);
	gxca_esign_free(g);
	gxca_eseal_free(s);
	pki_free(&p);
}
END_TEST

START_TEST(test_null_args)
{
	gxca_ctx *ctx = test_ctx();
	gxca_eseal *s = NULL;
	gxca_esign *g = NULL;
	uint8_t *out = NULL;
	size_t n = 7;
	ck_assert_int_eq(gxca_eseal_new(NULL, ctx), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_new(&s, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_parse(NULL, ctx, (const uint8_t *)"0", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_parse(&s, NULL, (const uint8_t *)"0", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, (const uint8_t *)"0", 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, (const uint8_t *)"0", (size_t)64 << 20), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_esign_new(NULL, ctx), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_parse(&g, ctx, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_parse(&g, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_vid(NULL, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_id(NULL, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_type(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_name(NULL, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_cert(NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_validity(NULL, 0, 0, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_picture(NULL, NULL, NULL, 0, 1, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_ext(NULL, "1.2", 0, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_sign(NULL, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_to_der(NULL, &out, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_write_picture(NULL, "/tmp/x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_verify(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_seal(NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_data(NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_digest(NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_property_info(NULL, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_time(NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_add_ext(NULL, "1.2", 0, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_sign(NULL, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_to_der(NULL, &out, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_verify(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_kind(NULL, 5), GXCA_ESEAL_KIND_UNKNOWN);
	/* getters on NULL */
	ck_assert_int_eq(gxca_eseal_version(NULL), 0);
	ck_assert_int_eq(gxca_eseal_header_version(NULL), 0);
	ck_assert_str_eq(gxca_eseal_vid(NULL), "");
	ck_assert_str_eq(gxca_eseal_id(NULL), "");
	ck_assert_int_eq(gxca_eseal_type(NULL), 0);
	ck_assert_str_eq(gxca_eseal_name(NULL), "");
	ck_assert_int_eq(gxca_eseal_cert_list_type(NULL), 0);
	ck_assert_uint_eq(gxca_eseal_cert_count(NULL), 0);
	ck_assert_ptr_null(gxca_eseal_cert(NULL, 0, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(gxca_eseal_cert_digest_type(NULL, 0), "");
	ck_assert_int_eq(gxca_eseal_create_date(NULL) + gxca_eseal_valid_start(NULL) + gxca_eseal_valid_end(NULL), 0);
	ck_assert_int_eq(gxca_eseal_time_encoding(NULL), 0);
	ck_assert_str_eq(gxca_eseal_picture_type(NULL), "");
	ck_assert_ptr_null(gxca_eseal_picture(NULL, NULL));
	ck_assert_int_eq(gxca_eseal_picture_width(NULL) + gxca_eseal_picture_height(NULL), 0);
	ck_assert_uint_eq(gxca_eseal_ext_count(NULL), 0);
	ck_assert_str_eq(gxca_eseal_ext_oid(NULL, 0), "");
	ck_assert_int_eq(gxca_eseal_ext_critical(NULL, 0), 0);
	ck_assert_ptr_null(gxca_eseal_ext_value(NULL, 0, &n));
	ck_assert_ptr_null(gxca_eseal_maker_cert(NULL, &n));
	ck_assert_str_eq(gxca_eseal_sign_alg(NULL), "");
	ck_assert_ptr_null(gxca_eseal_signature(NULL, &n));
	ck_assert_ptr_null(gxca_eseal_timestamp(NULL, &n));
	ck_assert_uint_eq(gxca_eseal_quirks(NULL), 0);
	ck_assert_int_eq(gxca_esign_version(NULL), 0);
	ck_assert_int_eq(gxca_esign_tbs_version(NULL), 0);
	ck_assert_ptr_null(gxca_esign_seal(NULL));
	ck_assert_int_eq(gxca_esign_time(NULL), 0);
	ck_assert_int_eq(gxca_esign_time_encoding(NULL), 0);
	ck_assert_str_eq(gxca_esign_time_text(NULL), "");
	ck_assert_ptr_null(gxca_esign_data_hash(NULL, &n));
	ck_assert_str_eq(gxca_esign_property_info(NULL), "");
	ck_assert_ptr_null(gxca_esign_signer_cert(NULL, &n));
	ck_assert_str_eq(gxca_esign_sign_alg(NULL), "");
	ck_assert_ptr_null(gxca_esign_signature(NULL, &n));
	ck_assert_ptr_null(gxca_esign_timestamp(NULL, &n));
	ck_assert_uint_eq(gxca_esign_ext_count(NULL), 0);
	ck_assert_str_eq(gxca_esign_ext_oid(NULL, 0), "");
	ck_assert_int_eq(gxca_esign_ext_critical(NULL, 0), 0);
	ck_assert_ptr_null(gxca_esign_ext_value(NULL, 0, &n));
	ck_assert_uint_eq(gxca_esign_quirks(NULL), 0);
	ck_assert_uint_eq(gxca_eseal_result_ran(NULL) + gxca_eseal_result_failed(NULL), 0);
	ck_assert_int_eq(gxca_eseal_result_status(NULL, 1), GXCA_OK);
	ck_assert_str_eq(gxca_eseal_result_message(NULL, 1, GXCA_LANG_ZH), "");
	ck_assert_uint_eq(gxca_eseal_result_quirks(NULL, 0), 0);
	ck_assert_int_eq(gxca_eseal_result_time(NULL), 0);
	gxca_eseal_result_free(NULL);
	gxca_eseal_free(NULL);
	gxca_esign_free(NULL);
	/* NULL out-pointers on live objects */
	ck_assert_int_eq(gxca_eseal_new(&s, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_eseal_set_vid(s, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_name(s, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_cert(s, NULL, 10), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_set_picture(s, NULL, NULL, 0, 1, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_add_ext(s, NULL, 0, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_sign(s, NULL, NULL, 0), GXCA_ESTATE);
	ck_assert_int_eq(gxca_eseal_to_der(s, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_write_picture(s, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_eseal_write_picture(s, "/tmp/never-written"), GXCA_ESTATE);
	gxca_eseal_free(s);
	ck_assert_int_eq(gxca_esign_new(&g, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(g, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_digest(g, NULL, 32), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_set_property_info(g, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_esign_sign(g, NULL, NULL, 0), GXCA_ESTATE);
	ck_assert_int_eq(gxca_esign_to_der(g, NULL, NULL), GXCA_EINVAL);
	gxca_esign_free(g);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- allocation failures ---------------------------------------------------- */

START_TEST(test_alloc_failures)
{
	gxca_ctx *ctx = test_ctx();
	size_t len = 0, slen = 0;
	uint8_t *der = rd(OFDRW "signatures/ofdrw_v4_SESV4SignDoc/SignedValue.dat", &len);
	uint8_t *seal = rd(OFDRW "seals/ofdrw_v1_UserV1.esl", &slen);
	gxca_esign *g = NULL;
	gxca_eseal *s = NULL;
	gxca_eseal_result *r = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_esign_parse(&g, ctx, der, len), gxca_esign_free(g));
	FOR_EACH_ALLOC_FAILURE(gxca_eseal_parse(&s, ctx, seal, slen), gxca_eseal_free(s));
	ck_assert_int_eq(gxca_eseal_parse(&s, ctx, seal, slen), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_eseal_verify(s, NULL, &r) == GXCA_ENOMEM ? GXCA_ENOMEM : GXCA_OK,
			       gxca_eseal_result_free(r));
	gxca_eseal_free(s);
	free(seal);
	free(der);
	pki p;
	pki_load(&p);
	gxca_eseal *d = draft_seal(&p); /* a failed sign leaves the draft as it was */
	FOR_EACH_ALLOC_FAILURE(gxca_eseal_sign(d, p.maker, p.maker_der, p.maker_len), (void)0);
	ck_assert_int_eq(gxca_eseal_version(d), GXCA_ESEAL_V4);
	gxca_esign *e = NULL;
	ck_assert_int_eq(gxca_esign_new(&e, p.ctx), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_seal(e, d), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_data(e, (const uint8_t *)"a", 1), GXCA_OK);
	ck_assert_int_eq(gxca_esign_set_time(e, T2025_06), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_esign_sign(e, p.signer, p.signer_der, p.signer_len), (void)0);
	FOR_EACH_ALLOC_FAILURE(gxca_esign_verify(e, NULL, &r), gxca_eseal_result_free(r));
	gxca_esign_free(e);
	gxca_eseal_free(d);
	pki_free(&p);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *eseal_suite(void)
{
	Suite *s = suite_create("eseal");
	TCase *tc = tcase_create("fixtures");
	tcase_add_test(tc, test_fixture_seals);
	tcase_add_test(tc, test_fixture_signatures);
	tcase_add_test(tc, test_fixture_dates);
	tcase_add_test(tc, test_fixture_malformed);
	tcase_add_test(tc, test_fixture_interop_sign);
	suite_add_tcase(s, tc);
	tc = tcase_create("make");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_seal_round_trip);
	tcase_add_test(tc, test_sign_round_trip);
	tcase_add_test(tc, test_tamper);
	tcase_add_test(tc, test_wrong_signer);
	tcase_add_test(tc, test_validity);
	tcase_add_test(tc, test_quirks);
	tcase_add_test(tc, test_v1_signature);
	tcase_add_test(tc, test_vendor_layouts);
	suite_add_tcase(s, tc);
	tc = tcase_create("input");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_huge_picture);
	tcase_add_test(tc, test_setters);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(eseal_suite)
