/*
 * tests/unit/test-cert.c — certificates and CRLs: parsing (good, garbage,
 * trailing bytes), getters, GM/T 0015 identity extension variants, and
 * gxca_cert_verify's distinct codes.
 */
#include "ca-util.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

static gxca_ctx *ctx;
static gxca_ca *ca;
static gxca_application *org;
static gxca_cert *leaf;
static gxca_cert **chain;
static size_t n_chain;

static void setup(void)
{
	ctx = test_ctx();
	ca = tu_ca(ctx, GXCA_KEY_SM2, NULL);
	org = tu_app(ctx, "app-org.json", NULL, NULL);
	leaf = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	ck_assert_int_eq(gxca_ca_chain(ca, &chain, &n_chain), GXCA_OK);
}

static void teardown(void)
{
	gxca_cert_chain_free(chain, n_chain);
	gxca_cert_free(leaf);
	gxca_application_free(org);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
}

#define CHAIN ((const gxca_cert *const *)chain)

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

START_TEST(test_roundtrip)
{
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_to_der(leaf, &der, &len), GXCA_OK);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, der, len), GXCA_OK);
	ck_assert_str_eq(gxca_cert_serial(c), gxca_cert_serial(leaf));
	ck_assert_str_eq(gxca_cert_subject(c), gxca_cert_subject(leaf));
	ck_assert_ptr_nonnull(strstr(gxca_cert_subject(c), "CN=南通通达建设工程有限公司"));
	ck_assert_str_eq(gxca_cert_issuer(c), gxca_cert_subject(chain[0]));
	ck_assert_int_eq(gxca_cert_not_after(c), gxca_cert_not_after(leaf));
	ck_assert_int_eq(gxca_cert_usage(chain[0]), GXCA_CERT_CA);
	gxca_cert_free(c);
	char dir[64], path[128];
	tu_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/leaf.der", dir);
	write_file(path, der, len);
	ck_assert_int_eq(gxca_cert_load_file(&c, ctx, path), GXCA_OK);
	ck_assert_str_eq(gxca_cert_serial(c), gxca_cert_serial(leaf));
	gxca_cert_free(c);
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	ck_assert_int_eq(gxca_cert_public_der(leaf, &spki, &spki_len), GXCA_OK);
	ck_assert_int_gt(spki_len, 60);
	gxca_free(spki);
	gxca_free(der);

	/* PEM: a chain file of leaf + CA + root */
	char *pem = NULL, *p1 = NULL, *p2 = NULL;
	size_t l0 = 0, l1 = 0, l2 = 0;
	ck_assert_int_eq(gxca_cert_to_pem(leaf, &pem, &l0), GXCA_OK);
	ck_assert_int_eq(gxca_cert_to_pem(chain[0], &p1, &l1), GXCA_OK);
	ck_assert_int_eq(gxca_cert_to_pem(chain[1], &p2, &l2), GXCA_OK);
	ck_assert_int_eq(gxca_cert_from_pem(&c, ctx, pem, l0), GXCA_OK);
	gxca_cert_free(c);
	char *all = malloc(l0 + l1 + l2 + 1);
	snprintf(all, l0 + l1 + l2 + 1, "%s%s%s", pem, p1, p2);
	snprintf(path, sizeof path, "%s/chain.pem", dir);
	write_file(path, all, strlen(all));
	gxca_cert **certs = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_cert_chain_load_file(&certs, &n, ctx, path), GXCA_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(gxca_cert_serial(certs[2]), gxca_cert_serial(chain[1]));
	gxca_cert_chain_free(certs, n);
	ck_assert_int_eq(gxca_cert_load_file(&c, ctx, path), GXCA_OK); /* the first one */
	ck_assert_str_eq(gxca_cert_serial(c), gxca_cert_serial(leaf));
	gxca_cert_free(c);
	free(all);
	gxca_free(pem);
	gxca_free(p1);
	gxca_free(p2);
	tu_rmdir(dir);
}
END_TEST

START_TEST(test_garbage)
{
	gxca_cert *c = NULL;
	static const uint8_t junk[] = {0x30, 0x82, 0x01, 0x00, 0x01};
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, junk, sizeof junk), GXCA_ECERT_PARSE);
	ck_assert_last_error(ctx, GXCA_ECERT_PARSE);
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, junk, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, junk, (size_t)64 << 20), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_cert_from_pem(&c, ctx, "hello", 5), GXCA_ECERT_PARSE);
	gxca_cert **certs = NULL;
	size_t n = 7;
	ck_assert_int_eq(gxca_cert_chain_from_pem(&certs, &n, ctx, "no certs", 8), GXCA_ECERT_PARSE);
	ck_assert_ptr_null(certs);
	ck_assert_uint_eq(n, 0);
	/* trailing bytes after a good certificate */
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_to_der(leaf, &der, &len), GXCA_OK);
	uint8_t *more = malloc(len + 1);
	memcpy(more, der, len);
	more[len] = 0;
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, more, len + 1), GXCA_ECERT_PARSE);
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, more, len - 1), GXCA_ECERT_PARSE);
	free(more);
	gxca_free(der);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(gxca_cert_load_file(&c, ctx, "/nonexistent"), GXCA_EIO);
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_crl_from_der(&crl, ctx, junk, sizeof junk), GXCA_ECRL_PARSE);
	ck_assert_int_eq(gxca_crl_from_pem(&crl, ctx, "x", 1), GXCA_ECRL_PARSE);
	ck_assert_int_eq(gxca_crl_load_file(&crl, ctx, "/nonexistent"), GXCA_EIO);
}
END_TEST

START_TEST(test_null_args)
{
	gxca_cert *c = NULL;
	gxca_crl *crl = NULL;
	uint8_t *der = NULL;
	char *pem = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_from_der(NULL, ctx, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_from_der(&c, NULL, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_from_pem(&c, ctx, NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_load_file(&c, ctx, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_load_file(NULL, ctx, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_load_file(&c, NULL, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_chain_from_pem(NULL, &len, ctx, "x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_chain_load_file(NULL, NULL, ctx, "x"), GXCA_EINVAL);
	gxca_cert_chain_free(NULL, 3);
	gxca_cert_free(NULL);
	ck_assert_int_eq(gxca_cert_to_der(NULL, &der, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_to_der(leaf, NULL, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_to_pem(NULL, &pem, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_to_pem(leaf, &pem, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_public_der(NULL, &der, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_public_der(leaf, NULL, NULL), GXCA_EINVAL);
	ck_assert_str_eq(gxca_cert_subject(NULL), "");
	ck_assert_str_eq(gxca_cert_issuer(NULL), "");
	ck_assert_str_eq(gxca_cert_serial(NULL), "");
	ck_assert_ptr_null(gxca_cert_subject_field(NULL, GXCA_DN_CN));
	ck_assert_ptr_null(gxca_cert_subject_field(leaf, 0));
	ck_assert_ptr_null(gxca_cert_subject_field(leaf, 7));
	ck_assert_int_eq(gxca_cert_not_before(NULL), 0);
	ck_assert_int_eq(gxca_cert_not_after(NULL), 0);
	ck_assert_int_eq(gxca_cert_key_algorithm(NULL), 0);
	ck_assert_int_eq(gxca_cert_usage(NULL), 0);
	ck_assert_ptr_null(gxca_cert_uscc(NULL));
	ck_assert_ptr_null(gxca_cert_id_number(NULL));
	ck_assert_int_eq(gxca_cert_verify(NULL, CHAIN, n_chain, NULL, 0, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_verify(leaf, NULL, 2, NULL, 0, NULL, NULL), GXCA_EINVAL);
	const gxca_cert *holes[2] = {chain[0], NULL};
	ck_assert_int_eq(gxca_cert_verify(leaf, holes, 2, NULL, 0, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, NULL, -1, NULL, NULL), GXCA_ERANGE);
	ck_assert_int_eq(gxca_crl_from_der(NULL, ctx, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_from_pem(&crl, NULL, "x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_load_file(NULL, ctx, "x"), GXCA_EINVAL);
	gxca_crl_free(NULL);
	ck_assert_int_eq(gxca_crl_to_der(NULL, &der, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_to_pem(NULL, &pem, &len), GXCA_EINVAL);
	ck_assert_str_eq(gxca_crl_issuer(NULL), "");
	ck_assert_int_eq(gxca_crl_number(NULL), -1);
	ck_assert_int_eq(gxca_crl_this_update(NULL), 0);
	ck_assert_int_eq(gxca_crl_next_update(NULL), 0);
	ck_assert_uint_eq(gxca_crl_count(NULL), 0);
	ck_assert_int_eq(gxca_crl_entry(NULL, 0, NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_find(NULL, "01", NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_verify(NULL, leaf), GXCA_EINVAL);
	ck_assert_ptr_null(gxca_revocation_reason_name(-1));
	ck_assert_ptr_null(gxca_revocation_reason_name(7));
	ck_assert_ptr_null(gxca_revocation_reason_name(11));
	ck_assert_str_eq(gxca_revocation_reason_name(GXCA_REASON_KEY_COMPROMISE), "keyCompromise");
	ck_assert_int_eq(gxca_revocation_reason_from_name("SUPERSEDED"), GXCA_REASON_SUPERSEDED);
	ck_assert_int_eq(gxca_revocation_reason_from_name("nope"), -1);
	ck_assert_int_eq(gxca_revocation_reason_from_name(NULL), -1);
}
END_TEST

/* ---- verification codes --------------------------------------------------------- */

START_TEST(test_verify_times)
{
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, NULL, 0, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, NULL, gxca_cert_not_after(leaf) + 1, NULL, NULL),
			 GXCA_ECERT_EXPIRED);
	ck_assert_last_error(ctx, GXCA_ECERT_EXPIRED);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, NULL, gxca_cert_not_before(leaf) - 1, NULL, NULL),
			 GXCA_ECERT_NOT_YET_VALID);
	/* the issuing CA alone anchors the path; the root alone does not */
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, 1, NULL, 0, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN + 1, 1, NULL, 0, NULL, NULL), GXCA_ECERT_UNKNOWN_ISSUER);
	ck_assert_int_eq(gxca_cert_verify(leaf, NULL, 0, NULL, 0, NULL, NULL), GXCA_ECERT_UNKNOWN_ISSUER);
	ck_assert_last_error(ctx, GXCA_ECERT_UNKNOWN_ISSUER);
}
END_TEST

START_TEST(test_verify_signature_and_issuer)
{
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_to_der(leaf, &der, &len), GXCA_OK);
	der[len - 3] ^= 0x01; /* inside the signature value */
	gxca_cert *bad = NULL;
	ck_assert_int_eq(gxca_cert_from_der(&bad, ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(bad, CHAIN, n_chain, NULL, 0, NULL, NULL), GXCA_ECERT_BAD_SIGNATURE);
	ck_assert_last_error(ctx, GXCA_ECERT_BAD_SIGNATURE);
	gxca_cert_free(bad);
	/* OpenSSL 3.0 alone (empty SM2 ID) rejects this good certificate: the ID matters */
	der[len - 3] ^= 0x01;
	const unsigned char *p = der;
	X509 *raw = d2i_X509(NULL, &p, (long)len);
	ck_assert_int_ne(X509_verify(raw, X509_get0_pubkey(chain[0]->x509)), 1);
	X509_free(raw);
	gxca_free(der);
	/* another CA's chain */
	gxca_ca *other = tu_ca(ctx, GXCA_KEY_SM2, NULL);
	gxca_cert **oc = NULL;
	size_t on = 0;
	ck_assert_int_eq(gxca_ca_chain(other, &oc, &on), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, (const gxca_cert *const *)oc, on, NULL, 0, NULL, NULL),
			 GXCA_ECERT_UNKNOWN_ISSUER);
	gxca_cert_chain_free(oc, on);
	gxca_ca_free(other);
}
END_TEST

START_TEST(test_verify_crl)
{
	const int64_t t = gxca_cert_not_before(leaf) + 86400;
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_ca_crl(ca, t, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, crl, t + 10, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, crl, t + 25 * 3600, NULL, NULL), GXCA_ECRL_STALE);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, crl, t - 10, NULL, NULL), GXCA_ECRL_STALE);
	gxca_crl_free(crl);
	ck_assert_int_eq(gxca_ca_revoke(ca, gxca_cert_serial(leaf), GXCA_REASON_PRIVILEGE_WITHDRAWN, t + 100), GXCA_OK);
	ck_assert_int_eq(gxca_ca_crl(ca, t + 200, &crl), GXCA_OK);
	int reason = -1;
	int64_t when = 0;
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, crl, t + 300, &reason, &when), GXCA_ECERT_REVOKED);
	ck_assert_int_eq(reason, GXCA_REASON_PRIVILEGE_WITHDRAWN);
	ck_assert_int_eq(when, t + 100);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN), "privilegeWithdrawn"));
	/* a time before the CRL was made: stale */
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, crl, t + 250 - 200, NULL, NULL), GXCA_ECRL_STALE);
	const char *serial = NULL;
	ck_assert_int_eq(gxca_crl_entry(crl, 0, &serial, &reason, &when), GXCA_OK);
	ck_assert_str_eq(serial, gxca_cert_serial(leaf));
	ck_assert_int_eq(gxca_crl_entry(crl, 1, &serial, NULL, NULL), GXCA_ERANGE);
	ck_assert_int_eq(gxca_crl_find(crl, "zz", NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_crl_find(crl, "0x0042", NULL, NULL), GXCA_ENOTFOUND);
	char lower[64];
	snprintf(lower, sizeof lower, "0x%s", gxca_cert_serial(leaf));
	for (char *q = lower; *q; q++)
		*q = (char)(*q >= 'A' && *q <= 'F' ? *q + 32 : *q);
	ck_assert_int_eq(gxca_crl_find(crl, lower, NULL, NULL), GXCA_OK);
	/* tampered CRL */
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_crl_to_der(crl, &der, &len), GXCA_OK);
	der[len - 3] ^= 0x01;
	gxca_crl *bad = NULL;
	ck_assert_int_eq(gxca_crl_from_der(&bad, ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, bad, t + 300, NULL, NULL), GXCA_ECRL_BAD_SIGNATURE);
	ck_assert_int_eq(gxca_crl_verify(bad, chain[0]), GXCA_ECRL_BAD_SIGNATURE);
	gxca_crl_free(bad);
	gxca_free(der);
	/* another CA's CRL */
	gxca_ca *other = tu_ca(ctx, GXCA_KEY_SM2, NULL);
	gxca_crl *ocrl = NULL;
	ck_assert_int_eq(gxca_ca_crl(other, t + 200, &ocrl), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(leaf, CHAIN, n_chain, ocrl, t + 300, NULL, NULL), GXCA_ECRL_ISSUER);
	gxca_crl_free(ocrl);
	gxca_ca_free(other);
	gxca_crl_free(crl);
}
END_TEST

/* ---- GM/T 0015 encodings written by others ----------------------------------------- */

/* A self-signed P-256 certificate carrying ext_der under oid. */
static gxca_cert *cert_with_ext(const char *oid, const uint8_t *ext_der, int len)
{
	EVP_PKEY *k = tu_keygen(GXCA_KEY_EC_P256);
	X509 *x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)"x", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	ASN1_OCTET_STRING_set(os, ext_der, len);
	X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	X509_add_ext(x, ext, -1);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_cert_from_der(&c, ctx, der, (size_t)n), GXCA_OK);
	OPENSSL_free(der);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	X509_free(x);
	EVP_PKEY_free(k);
	return c;
}

START_TEST(test_identity_variants)
{
	/* IMPLICIT [0] */
	uint8_t implicit[20] = {0x80, 18};
	memcpy(implicit + 2, PERSON_ID, 18);
	gxca_cert *c = cert_with_ext(GXCA__OID_GMT0015_ID_CODE, implicit, sizeof implicit);
	ck_assert_str_eq(gxca_cert_id_number(c), PERSON_ID);
	gxca_cert_free(c);
	/* a bare PrintableString */
	uint8_t bare[20] = {0x13, 18};
	memcpy(bare + 2, PERSON_ID, 18);
	c = cert_with_ext(GXCA__OID_GMT0015_ID_CODE, bare, sizeof bare);
	ck_assert_str_eq(gxca_cert_id_number(c), PERSON_ID);
	gxca_cert_free(c);
	/* a passport number ([2]) is not a resident ID */
	uint8_t passport[12] = {0xa2, 10, 0x13, 8, 'E', '1', '2', '3', '4', '5', '6', '7'};
	c = cert_with_ext(GXCA__OID_GMT0015_ID_CODE, passport, sizeof passport);
	ck_assert_ptr_null(gxca_cert_id_number(c));
	gxca_cert_free(c);
	/* USCC as UTF8String (seen in the field) */
	uint8_t utf8[20] = {0x0c, 18};
	memcpy(utf8 + 2, ORG_USCC, 18);
	c = cert_with_ext(GXCA__OID_GMT0015_ORG_CODE, utf8, sizeof utf8);
	ck_assert_str_eq(gxca_cert_uscc(c), ORG_USCC);
	ck_assert_int_eq(gxca_cert_key_algorithm(c), GXCA_KEY_EC_P256);
	ck_assert_int_eq(gxca_cert_usage(c), 0);
	gxca_cert_free(c);
	/* garbage content: parsed, value absent */
	static const uint8_t junk[] = {0x04, 0x05, 0xff};
	c = cert_with_ext(GXCA__OID_GMT0015_ORG_CODE, junk, sizeof junk);
	ck_assert_ptr_null(gxca_cert_uscc(c));
	gxca_cert_free(c);
	uint8_t hanzi[8] = {0x0c, 6, 0xe5, 0x9b, 0xbd, 0xe4, 0xbf, 0xa1};
	c = cert_with_ext(GXCA__OID_GMT0015_ORG_CODE, hanzi, sizeof hanzi);
	ck_assert_ptr_null(gxca_cert_uscc(c));
	gxca_cert_free(c);
}
END_TEST

START_TEST(test_alloc_failures)
{
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_to_der(leaf, &der, &len), GXCA_OK);
	gxca_cert *c = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_cert_from_der(&c, ctx, der, len), gxca_cert_free(c));
	gxca_free(der);
	char *pem = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_cert_to_pem(leaf, &pem, &len), gxca_free(pem));
	gxca_cert **certs = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_cert_to_pem(leaf, &pem, &len), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_cert_chain_from_pem(&certs, &n, ctx, pem, len), gxca_cert_chain_free(certs, n));
	gxca_free(pem);
	ck_assert_int_eq(gxca_ca_revoke(ca, gxca_cert_serial(leaf), 1, 0), GXCA_OK);
	gxca_crl *crl = NULL, *back = NULL;
	ck_assert_int_eq(gxca_ca_crl(ca, 0, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_crl_to_der(crl, &der, &len), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_crl_from_der(&back, ctx, der, len), gxca_crl_free(back));
	gxca_free(der);
	gxca_crl_free(crl);
	FOR_EACH_ALLOC_FAILURE(gxca_ca_chain(ca, &certs, &n), gxca_cert_chain_free(certs, n));
}
END_TEST

static Suite *cert_suite(void)
{
	Suite *s = suite_create("cert");
	TCase *tc = tcase_create("cert");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_verify_times);
	tcase_add_test(tc, test_verify_signature_and_issuer);
	tcase_add_test(tc, test_verify_crl);
	tcase_add_test(tc, test_identity_variants);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(cert_suite)
