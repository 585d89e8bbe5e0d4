/*
 * tests/unit/test-ca.c — the CA: create/open, the profile, the businesses,
 * revocation deadlines, CRLs, bad input (nothing written), NULL arguments,
 * allocation failures.
 */
#include <stdarg.h>

#include "ca-util.h"

#include <sys/wait.h>
#include "token-helper.h"

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#define ORG_LINES_NEW "[{ \"business\": \"NEW\", \"count\": 2, \"years\": 4 }"
#define ORG_NAME "南通通达建设工程有限公司"

static gxca_ctx *ctx;
static gxca_ca *ca;
static gxca_application *org;

static void setup(void)
{
	ctx = test_ctx();
	ca = tu_ca(ctx, GXCA_KEY_SM2, NULL);
	org = tu_app(ctx, "app-org.json", NULL, NULL);
}

static void teardown(void)
{
	gxca_application_free(org);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
}

static X509 *x509_of(const gxca_cert *c)
{
	uint8_t *der = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_cert_to_der(c, &der, &n), GXCA_OK);
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)n);
	ck_assert_ptr_nonnull(x);
	gxca_free(der);
	return x;
}

static int entry_type(X509 *x, int nid)
{
	X509_NAME *n = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(n, nid, -1);
	return i < 0 ? -1 : ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
}

static int verify(const gxca_cert *c, const gxca_crl *crl, int64_t at, int *reason, int64_t *when)
{
	gxca_cert **chain = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_ca_chain(ca, &chain, &n), GXCA_OK);
	ck_assert_uint_eq(n, 2);
	int rc = gxca_cert_verify(c, (const gxca_cert *const *)chain, n, crl, at, reason, when);
	gxca_cert_chain_free(chain, n);
	return rc;
}

/* ---- profile ---------------------------------------------------------------- */

START_TEST(test_org_profile)
{
	gxca_cert *c = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_C), "CN");
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_ST), "江苏省");
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_L), "南通市");
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_O), ORG_NAME);
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_CN), ORG_NAME);
	ck_assert_ptr_null(gxca_cert_subject_field(c, GXCA_DN_OU));
	ck_assert_str_eq(gxca_cert_uscc(c), ORG_USCC);
	ck_assert_ptr_null(gxca_cert_id_number(c));
	ck_assert_int_eq(gxca_cert_usage(c), GXCA_CERT_SIGN);
	ck_assert_int_eq(gxca_cert_key_algorithm(c), GXCA_KEY_SM2);
	/* 128-bit positive serial: 16 octets, first nibble 4..7 */
	ck_assert_uint_eq(strlen(gxca_cert_serial(c)), 32);
	ck_assert(strchr("4567", gxca_cert_serial(c)[0]) != NULL);
	/* acceptance 2026-09-23 (Shanghai) 00:00 for 4 years */
	char d[GXCA_DATE_SIZE];
	ck_assert_int_eq(gxca_calendar_date_of(ORG_ACCEPTED, d), GXCA_OK);
	int64_t midnight = 0, end = 0;
	ck_assert_int_eq(gxca_calendar_time_of(ctx, d, &midnight), GXCA_OK);
	ck_assert_int_eq(gxca_cert_not_before(c), midnight);
	ck_assert_int_eq(gxca_calendar_time_of(ctx, "2030-09-23", &end), GXCA_OK);
	ck_assert_str_eq(d, "2026-09-23");
	ck_assert_int_eq(gxca_cert_not_after(c), end - 1);

	X509 *x = x509_of(c);
	ck_assert_int_eq(X509_get_version(x), X509_VERSION_3);
	ck_assert_int_eq(entry_type(x, NID_commonName), V_ASN1_UTF8STRING);
	ck_assert_int_eq(entry_type(x, NID_organizationName), V_ASN1_UTF8STRING);
	ck_assert_int_eq(entry_type(x, NID_countryName), V_ASN1_PRINTABLESTRING);
	ck_assert_int_eq(X509_get_signature_nid(x), NID_SM2_with_SM3);
	int crit = -1;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert_int_eq(bc->ca, 0);
	ck_assert_int_eq(crit, 1);
	BASIC_CONSTRAINTS_free(bc);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_SSL_CLIENT);
	ck_assert_ptr_nonnull(X509_get0_subject_key_id(x));
	ck_assert_ptr_nonnull(X509_get0_authority_key_id(x));
	ck_assert_int_ge(X509_get_ext_by_NID(x, NID_certificate_policies, -1), 0);
	ck_assert_int_ge(X509_get_ext_by_NID(x, NID_crl_distribution_points, -1), 0);
	ck_assert_int_ge(X509_get_ext_by_NID(x, NID_info_access, -1), 0);
	X509_free(x);

	ck_assert_int_eq(verify(c, NULL, 0, NULL, NULL), GXCA_OK);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(c), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_is_master(r), 1);
	ck_assert_int_eq(gxca_ca_record_status(r), GXCA_CERT_VALID);
	ck_assert_int_eq(gxca_ca_record_business(r), GXCA_BIZ_NEW);
	ck_assert_str_eq(gxca_ca_record_holder(r), ORG_USCC);
	ck_assert_str_eq(gxca_ca_record_application_id(r), gxca_application_id(org));
	gxca_cert *again = NULL;
	ck_assert_int_eq(gxca_ca_record_cert(r, &again), GXCA_OK);
	ck_assert_str_eq(gxca_cert_serial(again), gxca_cert_serial(c));
	gxca_cert_free(again);
	gxca_ca_record_free(r);
	gxca_cert_free(c);
}
END_TEST

START_TEST(test_person_profile)
{
	gxca_application *p = tu_app(ctx, "app-person.json", NULL, NULL);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca, p, &o, &c), GXCA_OK);
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_CN), "王芳");
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_O), ORG_NAME);
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_C), "CN");
	ck_assert_ptr_null(gxca_cert_subject_field(c, GXCA_DN_ST));
	ck_assert_str_eq(gxca_cert_id_number(c), PERSON_ID);
	ck_assert_ptr_null(gxca_cert_uscc(c));
	/* NEW count 1: a second signing certificate is refused, nothing written */
	gxca_cert *c2 = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca, p, &o, &c2), GXCA_ECA_BUSINESS);
	ck_assert_last_error(ctx, GXCA_ECA_BUSINESS);
	ck_assert_ptr_null(c2);
	ck_assert_uint_eq(tu_count(ca, NULL), 1);
	tu_opts_free(&o);
	gxca_cert_free(c);
	gxca_application_free(p);
}
END_TEST

START_TEST(test_master_secondary_and_usage)
{
	gxca_cert *a = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	gxca_cert *b = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	gxca_ca_record *ra = NULL, *rb = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(a), &ra), GXCA_OK);
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(b), &rb), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_is_master(ra), 1);
	ck_assert_int_eq(gxca_ca_record_is_master(rb), 0);
	/* count 2 used up for signing ... */
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_EC_P256);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_BUSINESS);
	/* ... but not for encryption: P-256 gets keyAgreement */
	o.usage = GXCA_CERT_ENCRYPT;
	o.token_serial = "TK-0001";
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_OK);
	ck_assert_int_eq(gxca_cert_usage(c), GXCA_CERT_ENCRYPT);
	X509 *x = x509_of(c);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_KEY_AGREEMENT);
	X509_free(x);
	gxca_ca_record *rc = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(c), &rc), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_is_master(rc), 1);
	ck_assert_str_eq(gxca_ca_record_token_serial(rc), "TK-0001");
	ck_assert_int_eq(gxca_ca_record_usage(rc), GXCA_CERT_ENCRYPT);
	ck_assert_int_eq(gxca_ca_record_key_algorithm(rc), GXCA_KEY_EC_P256);
	ck_assert_uint_eq(tu_count(ca, gxca_application_id(org)), 3);
	ck_assert_uint_eq(tu_count(ca, "GXNOSUCH"), 0);
	tu_opts_free(&o);
	gxca_ca_record_free(ra);
	gxca_ca_record_free(rb);
	gxca_ca_record_free(rc);
	gxca_cert_free(a);
	gxca_cert_free(b);
	gxca_cert_free(c);
}
END_TEST

/* ---- bad input: a clear error and nothing written ------------------------------ */

START_TEST(test_wrong_state)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/app-person.json", TEST_SRCDIR);
	char *json = test_read_file(path, NULL);
	gxca_application *draft = NULL;
	ck_assert_int_eq(gxca_application_from_json(&draft, ctx, json, strlen(json)), GXCA_OK);
	free(json);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca, draft, &o, &c), GXCA_ECA_APP_STATE);
	ck_assert_last_error(ctx, GXCA_ECA_APP_STATE);
	ck_assert_ptr_nonnull(strstr(gxca_error_message(gxca_ctx_last_error(ctx)), "DRAFT"));
	ck_assert_uint_eq(tu_count(ca, NULL), 0);
	/* an ORG application without a RENEW line */
	ck_assert_int_eq(gxca_ca_renew(ca, org, "4000", &o, &c), GXCA_ECA_BUSINESS);
	tu_opts_free(&o);
	gxca_application_free(draft);
}
END_TEST

START_TEST(test_bad_requests)
{
	gxca_issue_options o;
	ck_assert_int_eq(gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION), GXCA_OK);
	gxca_cert *c = NULL;
	static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x05};
	o.request = junk;
	o.request_len = sizeof junk;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_REQUEST);
	o.request = (const uint8_t *)"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
	o.request_len = strlen((const char *)o.request);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_REQUEST);
	o.request_len = 0;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_EINVAL);

	/* a CSR whose signature was tampered with */
	EVP_PKEY *k = tu_keygen(GXCA_KEY_SM2);
	size_t n = 0;
	uint8_t *csr = tu_csr(ctx, k, &n);
	o.request = csr;
	o.request_len = n;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_OK); /* the good one first */
	gxca_cert_free(c);
	c = NULL;
	csr[n - 5] ^= 0x5a;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_REQUEST_SIGNATURE);
	ck_assert_last_error(ctx, GXCA_ECA_REQUEST_SIGNATURE);
	free(csr);
	EVP_PKEY_free(k);

	/* RSA-1024: no policy allows it; P-256 under a policy that only allows SM2 */
	tu_opts(&o, 0);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_KEY_ALG);
	tu_opts_free(&o);
	ck_assert_uint_eq(tu_count(ca, NULL), 1);
	ck_assert_ptr_null(c);
}
END_TEST

/* Bare EC keys are checked on their curve without being decoded: a point
 * off the curve is refused, compressed points are accepted. */
START_TEST(test_ec_points)
{
	gxca_issue_options o;
	gxca_cert *c = NULL;
	static const int algs[] = {GXCA_KEY_SM2, GXCA_KEY_EC_P256};
	for (size_t a = 0; a < 2; a++) {
		int alg = algs[a];
		tu_opts(&o, alg);
		uint8_t *spki = (uint8_t *)o.request;
		spki[o.request_len - 1] ^= 0x01; /* y + 1: not on the curve */
		ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_REQUEST);
		ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "request");
		spki[o.request_len - 1] ^= 0x01;
		spki[o.request_len - 65] = 0x05; /* not a point encoding */
		ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_ECA_REQUEST);
		tu_opts_free(&o);
	}
	ck_assert_ptr_null(c);
	/* compressed */
	EVP_PKEY *k = tu_keygen(GXCA_KEY_EC_P256);
	ck_assert_int_eq(EVP_PKEY_set_utf8_string_param(k, "point-format", "compressed"), 1);
	ck_assert_int_eq(gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION), GXCA_OK);
	o.request = tu_spki(k, &o.request_len);
	ck_assert_uint_eq(o.request_len, 59);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &c), GXCA_OK);
	ck_assert_int_eq(gxca_cert_key_algorithm(c), GXCA_KEY_EC_P256);
	uint8_t *pub = NULL;
	size_t pub_len = 0;
	ck_assert_int_eq(gxca_cert_public_der(c, &pub, &pub_len), GXCA_OK);
	ck_assert_mem_eq(pub, o.request, o.request_len); /* copied as is */
	gxca_free(pub);
	gxca_cert_free(c);
	tu_opts_free(&o);
	EVP_PKEY_free(k);
	ck_assert_uint_eq(tu_count(ca, NULL), 1);
}
END_TEST

/* The subject is encoded and printed by the library itself (not through an
 * X509_NAME): the text and fields of an issued certificate must be what
 * OpenSSL gives for the same certificate parsed, for every character that
 * RFC 2253 escapes, control characters, Hanzi. */
START_TEST(test_subject_text)
{
	static const char *const names[] = {
		"南通通达建设工程有限公司", "A,B+C\"D\\E<F>G;H", " leading space", "#hash first", "trailing space ",
		"mid#dle = equals / slash", "tab\there", "del\x7f" "char", "  two ", "#", "x,", "混合 Mixed；，+",
		" ", "\\", "a  b", ";", "😀 emoji", "#a", "é"};
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_EC_P256);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct gxca__issue_subject si = {.applicant = GXCA_APPLICANT_ORG, .org_name = names[i],
						 .uscc = "91320600MA1MX2K79C", .province = i % 2 ? "江苏省" : "A+B",
						 .city = i % 3 ? "南通市" : " c ", .years = 1};
		gxca_cert *c = NULL, *p = NULL;
		ck_assert_int_eq(gxca__ca_issue_subject(ca, GXCA_BIZ_NEW, &si, NULL, &o, &c), GXCA_OK);
		uint8_t *der = NULL;
		size_t n = 0;
		ck_assert_int_eq(gxca_cert_to_der(c, &der, &n), GXCA_OK);
		ck_assert_int_eq(gxca_cert_from_der(&p, ctx, der, n), GXCA_OK);
		ck_assert_str_eq(gxca_cert_subject(c), gxca_cert_subject(p));
		for (int f = GXCA_DN_C; f <= GXCA_DN_CN; f++) {
			const char *a = gxca_cert_subject_field(c, f), *b = gxca_cert_subject_field(p, f);
			ck_assert_msg((!a && !b) || (a && b && strcmp(a, b) == 0), "%s: field %d: %s / %s", names[i], f,
				      a ? a : "(null)", b ? b : "(null)");
		}
		ck_assert_str_eq(gxca_cert_issuer(c), gxca_cert_issuer(p));
		ck_assert_str_eq(gxca_cert_serial(c), gxca_cert_serial(p));
		ck_assert_int_eq(gxca_cert_not_before(c), gxca_cert_not_before(p));
		ck_assert_int_eq(gxca_cert_not_after(c), gxca_cert_not_after(p));
		ck_assert_int_eq(gxca_cert_usage(c), gxca_cert_usage(p));
		ck_assert_int_eq(gxca_cert_key_algorithm(c), gxca_cert_key_algorithm(p));
		ck_assert_str_eq(gxca_cert_uscc(c), gxca_cert_uscc(p));
		gxca_free(der);
		gxca_cert_free(c);
		gxca_cert_free(p);
	}
	tu_opts_free(&o);
}
END_TEST

/* Serial octets come from a per-CA pool: a forked child must not reuse
 * what its parent drew next (both would issue the same serial). */
START_TEST(test_serial_pool_after_fork)
{
	gxca_cert *a = tu_issue(ca, ctx, org, GXCA_KEY_SM2); /* fills the pool */
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		gxca_issue_options o;
		tu_opts(&o, GXCA_KEY_SM2);
		gxca_cert *c = NULL;
		int rc = gxca_ca_issue(ca, org, &o, &c);
		const char *serial = rc == GXCA_OK ? gxca_cert_serial(c) : "failed";
		ssize_t w = write(p[1], serial, strlen(serial));
		_exit(w > 0 ? 0 : 1);
	}
	close(p[1]);
	char child[64] = "";
	ssize_t n = read(p[0], child, sizeof child - 1);
	close(p[0]);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_gt(n, 0);
	gxca_cert *b = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	ck_assert_str_ne(child, "failed");
	ck_assert_str_ne(child, gxca_cert_serial(b));
	ck_assert_str_ne(gxca_cert_serial(a), gxca_cert_serial(b));
	gxca_cert_free(a);
	gxca_cert_free(b);
}
END_TEST

/* gxca_ca_issue_batch: all or none, the master first, errors naming the request. */
START_TEST(test_batch)
{
	gxca_issue_options o[3];
	const gxca_issue_options *op[3] = {&o[0], &o[1], &o[2]};
	const gxca_application *apps[3] = {org, org, org};
	gxca_cert *out[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3; i++)
		tu_opts(&o[i], i == 1 ? GXCA_KEY_EC_P256 : GXCA_KEY_SM2);
	/* the NEW line is for 2 tokens: a third is refused, and nothing is written */
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 3, apps, op, out), GXCA_ECA_BUSINESS);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "requests[2].count");
	ck_assert_ptr_null(out[0]);
	ck_assert_uint_eq(tu_count(ca, NULL), 0);
	/* a bad request in the middle: the same */
	const uint8_t *keep = o[1].request;
	size_t keep_len = o[1].request_len;
	o[1].request = (const uint8_t *)"junk";
	o[1].request_len = 4;
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 2, apps, op, out), GXCA_ECA_REQUEST);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "requests[1].request");
	o[1].request = keep;
	o[1].request_len = keep_len;
	ck_assert_uint_eq(tu_count(ca, NULL), 0);
	/* bad arguments */
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 0, apps, op, out), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue_batch(ca, GXCA_CA_BATCH_MAX + 1, apps, op, out), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 2, NULL, op, out), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue_batch(NULL, 2, apps, op, out), GXCA_EINVAL);
	apps[1] = NULL;
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 2, apps, op, out), GXCA_EINVAL);
	apps[1] = org;
	/* two tokens at once: the first is the master */
	ck_assert_int_eq(gxca_ca_issue_batch(ca, 2, apps, op, out), GXCA_OK);
	gxca_cert **chain = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_ca_chain(ca, &chain, &n), GXCA_OK);
	for (int i = 0; i < 2; i++) {
		gxca_ca_record *r = NULL;
		ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(out[i]), &r), GXCA_OK);
		ck_assert_int_eq(gxca_ca_record_is_master(r), i == 0);
		gxca_ca_record_free(r);
		ck_assert_int_eq(gxca_cert_key_algorithm(out[i]), i == 0 ? GXCA_KEY_SM2 : GXCA_KEY_EC_P256);
		ck_assert_int_eq(gxca_cert_usage(out[i]), GXCA_CERT_SIGN);
		ck_assert_str_eq(gxca_cert_uscc(out[i]), ORG_USCC);
		ck_assert_str_eq(gxca_cert_issuer(out[i]), gxca_cert_subject(chain[0]));
		ck_assert_int_eq(gxca_cert_verify(out[i], (const gxca_cert *const *)chain, n, NULL, 0, NULL, NULL), GXCA_OK);
		gxca_cert_free(out[i]);
	}
	gxca_cert_chain_free(chain, n);
	ck_assert_uint_eq(tu_count(ca, NULL), 2);
	for (int i = 0; i < 3; i++)
		tu_opts_free(&o[i]);
}
END_TEST

/* Requests made by the openssl command line (fuzz seeds): SM2 with -sigopt distid, P-256 PEM. */
START_TEST(test_openssl_made_requests)
{
	const char *files[] = {"sm2-csr.der", "p256-csr.pem", "p256-csr.der", "sm2-spki.pem", "sm2-spki.der"};
	gxca_application *app = tu_app(ctx, "app-org.json", "[{ \"business\": \"NEW\", \"count\": 9, \"years\": 1 }]", NULL);
	for (size_t i = 0; i < GXCA_ARRAY_LEN(files); i++) {
		char path[4096];
		size_t len = 0;
		snprintf(path, sizeof path, "%s/fuzz/corpus/cert/%s", TEST_SRCDIR, files[i]);
		char *data = test_read_file(path, &len);
		gxca_issue_options o;
		ck_assert_int_eq(gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION), GXCA_OK);
		o.request = (const uint8_t *)data;
		o.request_len = len;
		gxca_cert *c = NULL;
		int rc = gxca_ca_issue(ca, app, &o, &c);
		ck_assert_msg(rc == GXCA_OK, "%s: %s", files[i], gxca_error_message(gxca_ctx_last_error(ctx)));
		ck_assert_int_eq(verify(c, NULL, 0, NULL, NULL), GXCA_OK);
		gxca_cert_free(c);
		free(data);
	}
	gxca_application_free(app);
}
END_TEST

START_TEST(test_policy_key_algorithms)
{
	json_object *root = json_tokener_parse(gxca_policy_default_json()), *cap = NULL;
	ck_assert(root && json_object_object_get_ex(root, "ca", &cap));
	tu_set_json(cap, "key_algorithms", "[\"SM2\"]");
	const char *json = json_object_to_json_string(root);
	gxca_ctx *c2 = test_ctx();
	ck_assert_int_eq(gxca_ctx_load_policy_json(c2, json, strlen(json)), GXCA_OK);
	json_object_put(root);
	gxca_ca *ca2 = tu_ca(c2, 0, NULL); /* default algorithm: SM2 */
	gxca_application *app = tu_app(c2, "app-org.json", NULL, NULL);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_EC_P256);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca2, app, &o, &c), GXCA_ECA_KEY_ALG);
	ck_assert_ptr_nonnull(strstr(gxca_error_message(gxca_ctx_last_error(c2)), "EC_P256"));
	tu_opts_free(&o);
	ck_assert_uint_eq(tu_count(ca2, NULL), 0);
	gxca_application_free(app);
	gxca_ca_free(ca2);
	gxca_ctx_free(c2);
}
END_TEST

static int fixed_serial(uint8_t out[GXCA__SERIAL_BYTES], void *arg)
{
	(void)arg;
	memset(out, 0x42, GXCA__SERIAL_BYTES);
	return 0;
}

START_TEST(test_serial_collision)
{
	gxca__ca_set_serial_source(ca, fixed_serial, NULL);
	gxca_cert *a = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	ck_assert_str_eq(gxca_cert_serial(a), "42424242424242424242424242424242");
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *b = NULL;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &b), GXCA_ECA_SERIAL_COLLISION);
	ck_assert_last_error(ctx, GXCA_ECA_SERIAL_COLLISION);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(tu_count(ca, NULL), 1);
	gxca__ca_set_serial_source(ca, NULL, NULL);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &b), GXCA_OK);
	tu_opts_free(&o);
	gxca_cert_free(a);
	gxca_cert_free(b);
}
END_TEST

/* ---- businesses -------------------------------------------------------------- */

#define ORG_MORE_LINES                                                                            \
	"[{ \"business\": \"NEW\", \"count\": 3, \"years\": 1 }, { \"business\": \"RENEW\", \"count\": 3, " \
	"\"years\": 2 }, { \"business\": \"REISSUE\", \"count\": 1 }, { \"business\": \"UNLOCK\", \"count\": 1 }]"

START_TEST(test_renew)
{
	gxca_application *app = tu_app(ctx, "app-org.json", ORG_MORE_LINES, NULL);
	gxca_cert *old = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	/* accepted before the old expiry: the term continues from it */
	o.accepted_at = gxca_cert_not_after(old) - 30 * 86400;
	o.now = o.accepted_at + 3600;
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_renew(ca, app, gxca_cert_serial(old), &o, &c), GXCA_OK);
	ck_assert_str_eq(gxca_cert_subject(c), gxca_cert_subject(old));
	int64_t end = 0;
	ck_assert_int_eq(gxca_calendar_time_of(ctx, "2029-09-23", &end), GXCA_OK);
	ck_assert_int_eq(gxca_cert_not_after(c), end - 1);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(old), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_status(r), GXCA_CERT_VALID);
	gxca_ca_record_free(r);
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(c), &r), GXCA_OK);
	ck_assert_str_eq(gxca_ca_record_replaces(r), gxca_cert_serial(old));
	ck_assert_int_eq(gxca_ca_record_business(r), GXCA_BIZ_RENEW);
	gxca_ca_record_free(r);
	gxca_cert_free(c);
	/* accepted after the old expiry: from the acceptance date */
	o.accepted_at = gxca_cert_not_after(old) + 40 * 86400;
	o.now = o.accepted_at;
	ck_assert_int_eq(gxca_ca_renew(ca, app, gxca_cert_serial(old), &o, &c), GXCA_OK);
	char d[GXCA_DATE_SIZE];
	ck_assert_int_eq(gxca_calendar_date_of(gxca_cert_not_before(c), d), GXCA_OK);
	char want[GXCA_DATE_SIZE];
	ck_assert_int_eq(gxca_calendar_date_of(o.accepted_at, want), GXCA_OK);
	ck_assert_str_eq(d, want);
	ck_assert_int_eq(gxca_cert_not_after(c) - gxca_cert_not_before(c) + 1 >= 730 * 86400, 1);
	gxca_cert_free(c);
	/* another holder's certificate is refused */
	gxca_application *p = tu_app(ctx, "app-person.json", ORG_MORE_LINES, NULL);
	ck_assert_int_eq(gxca_ca_renew(ca, p, gxca_cert_serial(old), &o, &c), GXCA_ECA_HOLDER);
	ck_assert_int_eq(gxca_ca_renew(ca, app, "0x1234", &o, &c), GXCA_ENOTFOUND);
	ck_assert_int_eq(gxca_ca_renew(ca, app, "not hex", &o, &c), GXCA_EINVAL);
	tu_opts_free(&o);
	gxca_application_free(p);
	gxca_cert_free(old);
	gxca_application_free(app);
}
END_TEST

START_TEST(test_reissue)
{
	gxca_application *app = tu_app(ctx, "app-org.json", ORG_MORE_LINES, NULL);
	gxca_cert *old = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_reissue(ca, app, gxca_cert_serial(old), &o, &c), GXCA_OK);
	ck_assert_int_eq(gxca_cert_not_after(c), gxca_cert_not_after(old));
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(old), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_status(r), GXCA_CERT_REVOKED);
	int reason = -1;
	int64_t revoked = 0;
	ck_assert_int_eq(gxca_ca_record_revocation(r, &reason, NULL, NULL, NULL, &revoked), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_KEY_COMPROMISE);
	ck_assert_int_gt(revoked, 0);
	gxca_ca_record_free(r);
	/* the old one is on the CRL, the new one verifies */
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_ca_crl(ca, revoked + 1, &crl), GXCA_OK);
	int why = -1;
	int64_t when = 0;
	ck_assert_int_eq(verify(old, crl, revoked + 2, &why, &when), GXCA_ECERT_REVOKED);
	ck_assert_int_eq(why, GXCA_REASON_KEY_COMPROMISE);
	ck_assert_int_eq(when, revoked);
	ck_assert_int_eq(verify(c, crl, revoked + 2, NULL, NULL), GXCA_OK);
	/* a revoked certificate cannot be reissued again; the REISSUE count is used up anyway */
	gxca_cert *c2 = NULL;
	ck_assert_int_eq(gxca_ca_reissue(ca, app, gxca_cert_serial(old), &o, &c2), GXCA_ECA_REVOKED);
	ck_assert_int_eq(gxca_ca_reissue(ca, app, gxca_cert_serial(c), &o, &c2), GXCA_ECA_BUSINESS);
	tu_opts_free(&o);
	gxca_crl_free(crl);
	gxca_cert_free(c);
	gxca_cert_free(old);
	gxca_application_free(app);
}
END_TEST

START_TEST(test_change)
{
	gxca_application *app = tu_app(ctx, "app-org.json", NULL, NULL);
	gxca_cert *old = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	gxca_cert *old2 = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	/* the organisation renamed itself */
	gxca_application *renamed = tu_app(ctx, "app-org.json", NULL, "org_name", "南通通达建设集团有限公司", NULL);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(gxca_ca_change(ca, renamed, gxca_cert_serial(old), &o, &c), GXCA_OK);
	ck_assert_str_eq(gxca_cert_subject_field(c, GXCA_DN_CN), "南通通达建设集团有限公司");
	gxca_ca_record *r = NULL;
	int reason = -1;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(old), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_revocation(r, &reason, NULL, NULL, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_AFFILIATION_CHANGED);
	gxca_ca_record_free(r);
	gxca_cert_free(c);
	/* same subject (e.g. seal template change): superseded; the line had count 1 */
	ck_assert_int_eq(gxca_ca_change(ca, app, gxca_cert_serial(old2), &o, &c), GXCA_ECA_BUSINESS);
	gxca_application *app2 = tu_app(ctx, "app-org.json", ORG_LINES_NEW ", { \"business\": \"CHANGE\", "
					"\"count\": 2, \"changes\": [\"SEAL_TEMPLATE\"] }]", NULL);
	ck_assert_int_eq(gxca_ca_change(ca, app2, gxca_cert_serial(old2), &o, &c), GXCA_OK);
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(old2), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_revocation(r, &reason, NULL, NULL, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_SUPERSEDED);
	gxca_ca_record_free(r);
	gxca_cert_free(c);
	tu_opts_free(&o);
	gxca_application_free(app2);
	gxca_application_free(renamed);
	gxca_cert_free(old);
	gxca_cert_free(old2);
	gxca_application_free(app);
}
END_TEST

START_TEST(test_unlock)
{
	gxca_application *app = tu_app(ctx, "app-org.json", ORG_MORE_LINES, NULL);
	gxca_cert *c = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	ck_assert_int_eq(gxca_ca_unlock(ca, app, gxca_cert_serial(c), "TK-9", 0), GXCA_OK);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, gxca_cert_serial(c), &r), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_status(r), GXCA_CERT_VALID);
	gxca_ca_record_free(r);
	ck_assert_int_eq(gxca_ca_unlock(ca, org, gxca_cert_serial(c), NULL, 0), GXCA_ECA_BUSINESS);
	ck_assert_int_eq(gxca_ca_revoke(ca, gxca_cert_serial(c), GXCA_REASON_CESSATION_OF_OPERATION, 0), GXCA_OK);
	ck_assert_int_eq(gxca_ca_unlock(ca, app, gxca_cert_serial(c), NULL, 0), GXCA_ECA_REVOKED);
	gxca_cert_free(c);
	gxca_application_free(app);
}
END_TEST

/* ---- revocation and CRLs -------------------------------------------------------- */

START_TEST(test_revocation_deadlines)
{
	gxca_cert *c = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	const char *s = gxca_cert_serial(c);
	const int64_t t0 = 1800000000;
	ck_assert_int_eq(gxca_ca_revoke_approve(ca, s, t0), GXCA_ECA_CERT_STATE);
	ck_assert_int_eq(gxca_ca_revoke_request(ca, s, GXCA_REASON_KEY_COMPROMISE, t0, t0 + 3600), GXCA_OK);
	ck_assert_int_eq(gxca_ca_revoke_approve(ca, s, t0 + 7200), GXCA_OK);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, s, &r), GXCA_OK);
	int64_t req_dl = 0, rev_dl = 0, inc = 0, req = 0, appr = 0, rev = 0;
	int reason = -1;
	ck_assert_int_eq(gxca_ca_record_deadlines(r, &req_dl, &rev_dl), GXCA_OK);
	ck_assert_int_eq(req_dl, t0 + 8 * 3600);
	ck_assert_int_eq(rev_dl, t0 + 7200 + 24 * 3600);
	ck_assert_int_eq(gxca_ca_record_revocation(r, &reason, &inc, &req, &appr, &rev), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_KEY_COMPROMISE);
	ck_assert_int_eq(inc, t0);
	ck_assert_int_eq(req, t0 + 3600);
	ck_assert_int_eq(appr, t0 + 7200);
	ck_assert_int_eq(rev, 0);
	ck_assert_int_eq(gxca_ca_record_status(r), GXCA_CERT_VALID);
	gxca_ca_record_free(r);
	/* not overdue at 23 h, overdue at 25 h */
	gxca_ca_records *l = NULL;
	ck_assert_int_eq(gxca_ca_overdue(ca, t0 + 7200 + 23 * 3600, &l), GXCA_OK);
	ck_assert_uint_eq(gxca_ca_records_count(l), 0);
	gxca_ca_records_free(l);
	ck_assert_int_eq(gxca_ca_overdue(ca, t0 + 7200 + 25 * 3600, &l), GXCA_OK);
	ck_assert_uint_eq(gxca_ca_records_count(l), 1);
	ck_assert_str_eq(gxca_ca_record_serial(gxca_ca_records_get(l, 0)), s);
	ck_assert_ptr_null(gxca_ca_records_get(l, 1));
	gxca_ca_records_free(l);
	/* revoked (late): reason kept from the request; no longer overdue */
	ck_assert_int_eq(gxca_ca_revoke(ca, s, -1, t0 + 7200 + 26 * 3600), GXCA_OK);
	ck_assert_int_eq(gxca_ca_overdue(ca, t0 + 7200 + 27 * 3600, &l), GXCA_OK);
	ck_assert_uint_eq(gxca_ca_records_count(l), 0);
	gxca_ca_records_free(l);
	ck_assert_int_eq(gxca_ca_revoke(ca, s, 1, 0), GXCA_ECA_REVOKED);
	ck_assert_int_eq(gxca_ca_revoke_request(ca, s, 1, 0, 0), GXCA_ECA_REVOKED);
	ck_assert_int_eq(gxca_ca_revoke(ca, "ABCDEF", 1, 0), GXCA_ENOTFOUND);
	ck_assert_int_eq(gxca_ca_revoke(ca, s, 7, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke(ca, s, GXCA_REASON_REMOVE_FROM_CRL, 0), GXCA_EINVAL);
	gxca_cert_free(c);
}
END_TEST

START_TEST(test_crl)
{
	gxca_application *app = tu_app(ctx, "app-org.json", ORG_MORE_LINES, NULL);
	gxca_cert *a = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	gxca_cert *b = tu_issue(ca, ctx, app, GXCA_KEY_SM2);
	const int64_t now = 1800000000;
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_ca_crl(ca, now, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_crl_number(crl), 1);
	ck_assert_uint_eq(gxca_crl_count(crl), 0);
	gxca_crl_free(crl);
	ck_assert_int_eq(gxca_ca_revoke(ca, gxca_cert_serial(a), GXCA_REASON_AFFILIATION_CHANGED, now - 60), GXCA_OK);
	ck_assert_int_eq(gxca_ca_revoke(ca, gxca_cert_serial(b), GXCA_REASON_UNSPECIFIED, now - 30), GXCA_OK);
	ck_assert_int_eq(gxca_ca_crl(ca, now, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_crl_number(crl), 2);
	ck_assert_int_eq(gxca_crl_this_update(crl), now);
	ck_assert_int_eq(gxca_crl_next_update(crl), now + 24 * 3600);
	ck_assert_uint_eq(gxca_crl_count(crl), 2);
	int reason = -1;
	int64_t at = 0;
	ck_assert_int_eq(gxca_crl_find(crl, gxca_cert_serial(a), &reason, &at), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_AFFILIATION_CHANGED);
	ck_assert_int_eq(at, now - 60);
	ck_assert_int_eq(gxca_crl_find(crl, gxca_cert_serial(b), &reason, &at), GXCA_OK);
	ck_assert_int_eq(reason, GXCA_REASON_UNSPECIFIED);
	gxca_cert **chain = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_ca_chain(ca, &chain, &n), GXCA_OK);
	ck_assert_int_eq(gxca_crl_verify(crl, chain[0]), GXCA_OK);
	ck_assert_int_eq(gxca_crl_verify(crl, chain[1]), GXCA_ECRL_ISSUER);
	/* the SM2 CRL does NOT verify with OpenSSL 3.0's own X509_CRL_verify (empty ID) */
	uint8_t *der = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_crl_to_der(crl, &der, &len), GXCA_OK);
	const unsigned char *p = der;
	X509_CRL *x = d2i_X509_CRL(NULL, &p, (long)len);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_CRL_get_version(x), X509_CRL_VERSION_2);
	X509_CRL_free(x);
	gxca_crl *back = NULL;
	ck_assert_int_eq(gxca_crl_from_der(&back, ctx, der, len), GXCA_OK);
	ck_assert_int_eq(gxca_crl_number(back), 2);
	gxca_crl_free(back);
	char *pem = NULL;
	ck_assert_int_eq(gxca_crl_to_pem(crl, &pem, &len), GXCA_OK);
	ck_assert_ptr_nonnull(strstr(pem, "-----BEGIN X509 CRL-----"));
	ck_assert_int_eq(gxca_crl_from_pem(&back, ctx, pem, len), GXCA_OK);
	ck_assert_uint_eq(gxca_crl_count(back), 2);
	gxca_crl_free(back);
	gxca_free(pem);
	gxca_free(der);
	gxca_cert_chain_free(chain, n);
	gxca_crl_free(crl);
	gxca_cert_free(a);
	gxca_cert_free(b);
	gxca_application_free(app);
}
END_TEST

/* ---- other algorithms, files, PKCS#12 --------------------------------------------- */

/* A CA of alg issuing for a leaf key of leaf_alg (RSA key generation is slow
 * under valgrind: one RSA CA is enough). */
static void issue_and_verify(int alg, int leaf_alg)
{
	gxca_ctx *c2 = test_ctx();
	gxca_ca *ca2 = tu_ca(c2, alg, NULL);
	gxca_application *app = tu_app(c2, "app-org.json", NULL, NULL);
	gxca_cert *c = tu_issue(ca2, c2, app, leaf_alg);
	ck_assert_int_eq(gxca_cert_key_algorithm(c), leaf_alg);
	gxca_cert **chain = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_ca_chain(ca2, &chain, &n), GXCA_OK);
	ck_assert_int_eq(gxca_cert_key_algorithm(chain[0]), alg);
	ck_assert_int_eq(gxca_ca_revoke(ca2, gxca_cert_serial(c), GXCA_REASON_KEY_COMPROMISE, 0), GXCA_OK);
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_ca_crl(ca2, 0, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_crl_verify(crl, chain[0]), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(c, (const gxca_cert *const *)chain, n, NULL, 0, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(c, (const gxca_cert *const *)chain, n, crl, 0, NULL, NULL),
			 GXCA_ECERT_REVOKED);
	gxca_crl_free(crl);
	gxca_cert_chain_free(chain, n);
	gxca_cert_free(c);
	gxca_application_free(app);
	gxca_ca_free(ca2);
	gxca_ctx_free(c2);
}

START_TEST(test_p256_ca) { issue_and_verify(GXCA_KEY_EC_P256, GXCA_KEY_EC_P256); }
END_TEST

START_TEST(test_rsa_ca) { issue_and_verify(GXCA_KEY_RSA2048, GXCA_KEY_SM2); }
END_TEST

START_TEST(test_create_files_and_open)
{
	char dir[64], path[256], reg[256], chain[256], key[256];
	tu_tmpdir(dir, sizeof dir);
	snprintf(reg, sizeof reg, "%s/registry.db", dir);
	gxca_ca *ca2 = NULL;
	ck_assert_int_eq(gxca_ca_create(&ca2, ctx, dir, GXCA_KEY_EC_P256, reg), GXCA_OK);
	const char *files[] = {"root.pem", "root.key", "ca.pem", "ca.key", "chain.pem"};
	for (size_t i = 0; i < 5; i++) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		ck_assert_int_eq(stat(path, &st), 0);
		if (strstr(files[i], ".key"))
			ck_assert_int_eq(st.st_mode & 0777, 0600);
	}
	gxca_cert *c = tu_issue(ca2, ctx, org, GXCA_KEY_SM2);
	gxca_ca_free(ca2);
	/* again into the same directory: refused */
	ck_assert_int_eq(gxca_ca_create(&ca2, ctx, dir, GXCA_KEY_EC_P256, ":memory:"), GXCA_EEXISTS);
	ck_assert_ptr_null(ca2);
	snprintf(chain, sizeof chain, "%s/chain.pem", dir);
	snprintf(key, sizeof key, "%s/ca.key", dir);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, chain, key, NULL, reg), GXCA_OK);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca2, gxca_cert_serial(c), &r), GXCA_OK);
	gxca_ca_record_free(r);
	gxca_ca_free(ca2);
	/* wrong key for the chain; the root as issuing CA without its key */
	snprintf(key, sizeof key, "%s/root.key", dir);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, chain, key, NULL, reg), GXCA_ECA_KEY_MISMATCH);
	/* another CA on this registry */
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, chain, key, NULL, ":memory:"), GXCA_ECA_KEY_MISMATCH);
	gxca_ca *other = tu_ca(ctx, GXCA_KEY_SM2, NULL);
	gxca_ca_free(other);
	ck_assert_int_eq(gxca_ca_create(&other, ctx, NULL, GXCA_KEY_SM2, reg), GXCA_EREG_OTHER_CA);
	ck_assert_ptr_null(other);
	/* a leaf is no CA */
	char leaf[256];
	snprintf(leaf, sizeof leaf, "%s/leaf.pem", dir);
	char *pem = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_cert_to_pem(c, &pem, &len), GXCA_OK);
	FILE *f = fopen(leaf, "w");
	fwrite(pem, 1, len, f);
	fclose(f);
	gxca_free(pem);
	snprintf(key, sizeof key, "%s/ca.key", dir);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, leaf, key, NULL, ":memory:"), GXCA_ECA_NOT_CA);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, "/nonexistent/chain.pem", key, NULL, ":memory:"), GXCA_EIO);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, chain, "/nonexistent/key", NULL, ":memory:"), GXCA_EIO);
	gxca_cert_free(c);
	tu_rmdir(dir);
}
END_TEST

START_TEST(test_open_pkcs12)
{
	char dir[64], p12path[256], keypath[256], chainpath[256];
	tu_tmpdir(dir, sizeof dir);
	gxca_ca *ca2 = NULL;
	ck_assert_int_eq(gxca_ca_create(&ca2, ctx, dir, GXCA_KEY_SM2, ":memory:"), GXCA_OK);
	gxca_ca_free(ca2);
	snprintf(keypath, sizeof keypath, "%s/ca.key", dir);
	snprintf(chainpath, sizeof chainpath, "%s/chain.pem", dir);
	FILE *f = fopen(keypath, "r");
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(chainpath, "r");
	X509 *issuing = PEM_read_X509(f, NULL, NULL, NULL);
	X509 *root = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert(k && issuing && root);
	STACK_OF(X509) *cas = sk_X509_new_null();
	sk_X509_push(cas, root);
	PKCS12 *p12 = PKCS12_create("secret", "ca", k, issuing, cas, 0, 0, 0, 0, 0);
	ck_assert_ptr_nonnull(p12);
	snprintf(p12path, sizeof p12path, "%s/ca.p12", dir);
	f = fopen(p12path, "wb");
	i2d_PKCS12_fp(f, p12);
	fclose(f);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, NULL, p12path, "secret", ":memory:"), GXCA_OK);
	gxca_cert **chain = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_ca_chain(ca2, &chain, &n), GXCA_OK);
	ck_assert_uint_eq(n, 2);
	gxca_cert *c = tu_issue(ca2, ctx, org, GXCA_KEY_SM2);
	ck_assert_int_eq(gxca_cert_verify(c, (const gxca_cert *const *)chain, n, NULL, 0, NULL, NULL), GXCA_OK);
	gxca_cert_free(c);
	gxca_cert_chain_free(chain, n);
	gxca_ca_free(ca2);
	ck_assert_int_eq(gxca_ca_open(&ca2, ctx, NULL, p12path, "wrong", ":memory:"), GXCA_ECRYPTO);
	PKCS12_free(p12);
	sk_X509_pop_free(cas, X509_free);
	X509_free(issuing);
	EVP_PKEY_free(k);
	tu_rmdir(dir);
}
END_TEST

/* ---- a CA key in an HSM (SoftHSM2), through a PKCS#11 URI ---------------------------- */

static bool have_softhsm;

/* An issuing CA certificate for pub, signed by a software root; chain file in dir. */
static void hsm_chain(EVP_PKEY *pub, const char *path)
{
	EVP_PKEY *root = tu_keygen(GXCA_KEY_EC_P256);
	X509 *r = X509_new(), *x = X509_new();
	X509 *certs[2] = {x, r};
	EVP_PKEY *keys[2] = {pub, root};
	const char *cns[2] = {"HSM issuing CA", "HSM root CA"};
	for (int i = 1; i >= 0; i--) {
		X509 *c = certs[i];
		X509_set_version(c, X509_VERSION_3);
		ASN1_INTEGER_set(X509_get_serialNumber(c), 100 + i);
		X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_UTF8, (const unsigned char *)cns[i], -1, -1, 0);
		X509_set_issuer_name(c, X509_get_subject_name(r));
		X509_time_adj_ex(X509_getm_notBefore(c), -800, 0, NULL);
		X509_time_adj_ex(X509_getm_notAfter(c), 365 * 20, 0, NULL);
		X509_set_pubkey(c, keys[i]);
		X509V3_CTX v3;
		X509V3_set_ctx(&v3, r, c, NULL, NULL, 0);
		const char *ext[][2] = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,keyCertSign,cRLSign"},
					{"subjectKeyIdentifier", "hash"}};
		for (size_t e = 0; e < 3; e++) {
			X509_EXTENSION *xe = X509V3_EXT_conf(NULL, &v3, ext[e][0], ext[e][1]);
			X509_add_ext(c, xe, -1);
			X509_EXTENSION_free(xe);
		}
		ck_assert_int_gt(X509_sign(c, root, EVP_sha256()), 0);
	}
	FILE *f = fopen(path, "w");
	PEM_write_X509(f, x);
	PEM_write_X509(f, r);
	fclose(f);
	X509_free(x);
	X509_free(r);
	EVP_PKEY_free(root);
}

START_TEST(test_hsm_key)
{
	if (!have_softhsm)
		return; /* SoftHSM2 not installed */
	gxca_token_module *m = NULL;
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, th_module), GXCA_OK);
	gxca_token *t = th_token_ready(m, "cakey");
	uint8_t id = 7;
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "ca-key", &id, 1), GXCA_OK);
	gxca_key *k = NULL;
	ck_assert_int_eq(gxca_token_get_key(&k, t, NULL, &id, 1), GXCA_OK);
	uint8_t *spki = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_key_public_der(k, &spki, &n), GXCA_OK);
	const unsigned char *p = spki;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)n);
	char dir[64], chain[128], uri[1024];
	tu_tmpdir(dir, sizeof dir);
	snprintf(chain, sizeof chain, "%s/chain.pem", dir);
	hsm_chain(pub, chain);
	EVP_PKEY_free(pub);
	gxca_free(spki);
	gxca_key_free(k);
	gxca_token_close(t);
	gxca_token_module_close(m);

	snprintf(uri, sizeof uri, "pkcs11:token=cakey;object=ca-key;type=private?module-path=%s", th_module);
	gxca_ca *hsm = NULL;
	int rc = gxca_ca_open(&hsm, ctx, chain, uri, TH_PIN, ":memory:");
	ck_assert_msg(rc == GXCA_OK, "open: %s %s", gxca_error_message(gxca_ctx_last_error(ctx)),
		      gxca_error_detail(gxca_ctx_last_error(ctx)));
	gxca_cert *c = tu_issue(hsm, ctx, org, GXCA_KEY_SM2);
	gxca_cert **ch = NULL;
	size_t nc = 0;
	ck_assert_int_eq(gxca_ca_chain(hsm, &ch, &nc), GXCA_OK);
	ck_assert_int_eq(gxca_cert_verify(c, (const gxca_cert *const *)ch, nc, NULL, 0, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_ca_revoke(hsm, gxca_cert_serial(c), GXCA_REASON_KEY_COMPROMISE, 0), GXCA_OK);
	gxca_crl *crl = NULL;
	ck_assert_int_eq(gxca_ca_crl(hsm, 0, &crl), GXCA_OK);
	ck_assert_int_eq(gxca_crl_verify(crl, ch[0]), GXCA_OK);
	gxca_crl_free(crl);
	gxca_cert_chain_free(ch, nc);
	gxca_cert_free(c);
	gxca_ca_free(hsm);
	/* by id, the PIN in the URI */
	snprintf(uri, sizeof uri, "pkcs11:serial=;token=cakey;id=%%07?module-path=%s&pin-value=%s", th_module, TH_PIN);
	ck_assert_int_eq(gxca_ca_open(&hsm, ctx, chain, uri, NULL, ":memory:"), GXCA_OK);
	gxca_ca_free(hsm);
	ck_assert_int_eq(gxca_ca_open(&hsm, ctx, chain, uri, "00000000", ":memory:"), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_ptr_null(hsm);
	/* bad URIs */
	ck_assert_int_eq(gxca_ca_open(&hsm, ctx, chain, "pkcs11:token=cakey;id=%zz", TH_PIN, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_open(&hsm, ctx, chain, "pkcs11:token=cakey", TH_PIN, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_open(&hsm, ctx, NULL, uri, NULL, ":memory:"), GXCA_EINVAL);
	tu_rmdir(dir);
}
END_TEST

/* ---- NULL and garbage, allocation failures ------------------------------------------- */

START_TEST(test_null_args)
{
	gxca_ca *c = NULL;
	gxca_cert *cert = NULL;
	gxca_issue_options o;
	ck_assert_int_eq(gxca_issue_options_init(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_issue_options_init(&o, 99), GXCA_EINVAL);
	ck_assert_int_eq(gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION), GXCA_OK);
	ck_assert_int_eq(gxca_ca_create(NULL, ctx, NULL, 0, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_create(&c, NULL, NULL, 0, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_create(&c, ctx, NULL, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_create(&c, ctx, NULL, 77, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_create(&c, ctx, NULL, 0, "postgresql://db/gxca"), GXCA_EUNSUPPORTED);
	ck_assert_int_eq(gxca_ca_create(&c, ctx, NULL, 0, "\xff\xfe"), GXCA_EENCODING);
	ck_assert_int_eq(gxca_ca_open(&c, ctx, NULL, NULL, NULL, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_open(NULL, ctx, "a", "b", NULL, ":memory:"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_open(&c, NULL, "a", "b", NULL, ":memory:"), GXCA_EINVAL);
	ck_assert_ptr_null(c);
	gxca_ca_free(NULL);
	ck_assert_int_eq(gxca_ca_chain(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_chain(ca, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue(NULL, org, &o, &cert), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue(ca, NULL, &o, &cert), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue(ca, org, NULL, &cert), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &cert), GXCA_EINVAL); /* no request */
	o.version = 0;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &cert), GXCA_EINVAL);
	o.version = GXCA_ISSUE_OPTIONS_VERSION;
	o.usage = 9;
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &cert), GXCA_EINVAL);
	o.usage = 0;
	o.change_reason = GXCA_REASON_KEY_COMPROMISE;
	ck_assert_int_eq(gxca_ca_change(ca, org, "40", &o, &cert), GXCA_EINVAL);
	o.change_reason = 0;
	o.token_serial = "\xc0\x80";
	ck_assert_int_eq(gxca_ca_issue(ca, org, &o, &cert), GXCA_EENCODING);
	o.token_serial = NULL;
	ck_assert_int_eq(gxca_ca_renew(ca, org, NULL, &o, &cert), GXCA_ECA_BUSINESS);
	ck_assert_int_eq(gxca_ca_reissue(NULL, org, "40", &o, &cert), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_unlock(NULL, org, "40", NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_unlock(ca, NULL, "40", NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_unlock(ca, org, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke_request(NULL, "40", 1, 0, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke_request(ca, NULL, 1, 0, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke_request(ca, "40", -1, 0, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke_request(ca, "40", 1, -5, 0), GXCA_ERANGE);
	ck_assert_int_eq(gxca_ca_revoke_approve(ca, "", 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke(ca, "0x", 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_revoke(ca, "1234567890123456789012345678901234567890123456789012345678901234567890", 1, 0),
			 GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_overdue(NULL, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_overdue(ca, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_list(ca, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_crl(NULL, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_crl(ca, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_status(ca, "40", NULL), GXCA_EINVAL);
	gxca_ca_record *r = NULL;
	ck_assert_int_eq(gxca_ca_status(ca, "zz", &r), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_status(ca, "40", &r), GXCA_ENOTFOUND);
	ck_assert_ptr_null(r);
	gxca_ca_records_free(NULL);
	gxca_ca_record_free(NULL);
	ck_assert_uint_eq(gxca_ca_records_count(NULL), 0);
	ck_assert_ptr_null(gxca_ca_records_get(NULL, 0));
	ck_assert_str_eq(gxca_ca_record_serial(NULL), "");
	ck_assert_str_eq(gxca_ca_record_subject(NULL), "");
	ck_assert_str_eq(gxca_ca_record_holder(NULL), "");
	ck_assert_str_eq(gxca_ca_record_application_id(NULL), "");
	ck_assert_str_eq(gxca_ca_record_token_serial(NULL), "");
	ck_assert_str_eq(gxca_ca_record_replaces(NULL), "");
	ck_assert_int_eq(gxca_ca_record_business(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_usage(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_key_algorithm(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_is_master(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_status(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_not_before(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_not_after(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_issued_at(NULL), 0);
	ck_assert_int_eq(gxca_ca_record_revocation(NULL, NULL, NULL, NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_record_deadlines(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_ca_record_cert(NULL, &cert), GXCA_EINVAL);
	/* list records carry no certificate */
	gxca_cert *c1 = tu_issue(ca, ctx, org, GXCA_KEY_SM2);
	gxca_ca_records *l = NULL;
	ck_assert_int_eq(gxca_ca_list(ca, NULL, &l), GXCA_OK);
	ck_assert_int_eq(gxca_ca_record_cert(gxca_ca_records_get(l, 0), &cert), GXCA_ENOTFOUND);
	ck_assert_int_eq(gxca_ca_record_cert(gxca_ca_records_get(l, 0), NULL), GXCA_EINVAL);
	gxca_ca_records_free(l);
	gxca_cert_free(c1);
}
END_TEST

START_TEST(test_alloc_failures)
{
	gxca_application *app = tu_app(ctx, "app-org.json", "[{ \"business\": \"NEW\", \"count\": 1000, \"years\": 1 }]", NULL);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_ca_issue(ca, app, &o, &c), gxca_cert_free(c));
	/* every failed attempt wrote nothing */
	ck_assert_uint_eq(tu_count(ca, NULL), 1);
	gxca_crl *crl = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_ca_crl(ca, 0, &crl), gxca_crl_free(crl));
	gxca_ca_records *l = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_ca_list(ca, NULL, &l), gxca_ca_records_free(l));
	/* opening a CA (its profile, registry and schema) rather than creating one:
	 * key generation on every attempt is too slow under valgrind */
	char dir[64], chain[128], key[128];
	tu_tmpdir(dir, sizeof dir);
	gxca_ca *c2 = NULL;
	ck_assert_int_eq(gxca_ca_create(&c2, ctx, dir, GXCA_KEY_EC_P256, ":memory:"), GXCA_OK);
	gxca_ca_free(c2);
	snprintf(chain, sizeof chain, "%s/chain.pem", dir);
	snprintf(key, sizeof key, "%s/ca.key", dir);
	FOR_EACH_ALLOC_FAILURE(gxca_ca_open(&c2, ctx, chain, key, NULL, ":memory:"), gxca_ca_free(c2));
	tu_rmdir(dir);
	tu_opts_free(&o);
	gxca_application_free(app);
}
END_TEST

static Suite *ca_suite(void)
{
	Suite *s = suite_create("ca");
	TCase *tc = tcase_create("profile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_org_profile);
	tcase_add_test(tc, test_person_profile);
	tcase_add_test(tc, test_master_secondary_and_usage);
	tcase_add_test(tc, test_wrong_state);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_ec_points);
	tcase_add_test(tc, test_batch);
	tcase_add_test(tc, test_subject_text);
	tcase_add_test(tc, test_serial_pool_after_fork);
	tcase_add_test(tc, test_openssl_made_requests);
	tcase_add_test(tc, test_policy_key_algorithms);
	tcase_add_test(tc, test_serial_collision);
	tcase_add_test(tc, test_renew);
	tcase_add_test(tc, test_reissue);
	tcase_add_test(tc, test_change);
	tcase_add_test(tc, test_unlock);
	tcase_add_test(tc, test_revocation_deadlines);
	tcase_add_test(tc, test_crl);
	tcase_add_test(tc, test_p256_ca);
	tcase_add_test(tc, test_rsa_ca);
	tcase_add_test(tc, test_create_files_and_open);
	tcase_add_test(tc, test_open_pkcs12);
	tcase_add_test(tc, test_hsm_key);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	have_softhsm = th_softhsm("cakey");
	SRunner *sr = srunner_create(ca_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	th_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
