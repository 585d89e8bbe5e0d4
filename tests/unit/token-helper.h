/*
 * tests/unit/token-helper.h — shared by test-token, test-envelope and
 * test-login: a private SoftHSM2 store (tests/softhsm/setup.sh), a small
 * test CA made with OpenSSL directly, and a token made ready for key use.
 */
#ifndef GXCA_TESTS_TOKEN_HELPER_H
#define GXCA_TESTS_TOKEN_HELPER_H

#include "common.h"

#include <stdbool.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define TH_SO_PIN "12345678"
#define TH_PIN "24681357"
#define TH_MOCK TEST_BUILDDIR "/tests/p11mock/.libs/p11mock.so"

static char th_module[512];

/*
 * Make a SoftHSM2 store with the given tokens (space-separated labels) in
 * a fresh temporary directory and point SOFTHSM2_CONF at it. False when
 * SoftHSM2 is not installed (setup.sh exits 77): the caller skips those tests.
 */
static char th_dir[] = "/tmp/gxca-hsm-XXXXXX";

/* Remove the SoftHSM2 store (end of main). */
static inline void th_cleanup(void)
{
	char cmd[300];
	if (strchr(th_dir, 'X'))
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", th_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", th_dir);
}

static inline bool th_softhsm(const char *labels)
{
	char *dir = th_dir;
	if (!mkdtemp(dir))
		return false;
	char cmd[1024], conf[300];
	snprintf(cmd, sizeof cmd, "sh '%s/tests/softhsm/setup.sh' '%s' %s", TEST_SRCDIR, dir, labels);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(th_module, sizeof th_module, p)) {
		if (p)
			pclose(p);
		return false;
	}
	th_module[strcspn(th_module, "\n")] = '\0';
	if (pclose(p) != 0)
		return false;
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
	setenv("SOFTHSM2_CONF", conf, 1);
	return true;
}

/* ---- test CA (EC P-256, OpenSSL directly) ---- */

static EVP_PKEY *th_ca_key;
static X509 *th_ca_cert;

static inline void th_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX c;
	X509V3_set_ctx(&c, issuer, x, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&c);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &c, nid, value);
	ck_assert_ptr_nonnull(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A certificate for pub, signed by the test CA (self-signed when no CA yet). */
static inline X509 *th_make_cert(EVP_PKEY *pub, const char *cn, long serial, const char *ext_oid, const uint8_t *ext_der,
			  size_t ext_len, int64_t not_after_days)
{
	X509 *x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, th_ca_cert ? X509_get_subject_name(th_ca_cert) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), (long)(not_after_days * 86400));
	X509_set_pubkey(x, pub);
	X509 *issuer = th_ca_cert ? th_ca_cert : x;
	th_ext(x, issuer, NID_basic_constraints, th_ca_cert ? "critical,CA:FALSE" : "critical,CA:TRUE");
	th_ext(x, issuer, NID_key_usage, th_ca_cert ? "critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement"
						   : "critical,keyCertSign,cRLSign");
	th_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (ext_oid) {
		ASN1_OBJECT *o = OBJ_txt2obj(ext_oid, 1);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(v, ext_der, (int)ext_len);
		X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, v);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(v);
		ASN1_OBJECT_free(o);
	}
	ck_assert_int_gt(X509_sign(x, th_ca_key ? th_ca_key : pub, EVP_sha256()), 0);
	return x;
}

static inline void th_ca_init(void)
{
	if (th_ca_cert)
		return;
	th_ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ck_assert_ptr_nonnull(th_ca_key);
	th_ca_cert = th_make_cert(th_ca_key, "gxca test CA", 1, NULL, NULL, 0, 3650);
}

static inline uint8_t *th_der(X509 *x, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return out;
}

/* Issue a certificate for a DER CSR: the holder's USCC (ORG) or ID number (PERSON). */
static inline uint8_t *th_issue(const uint8_t *csr, size_t csr_len, const char *cn, const char *uscc,
			 const char *id_number, long serial, size_t *out_len)
{
	th_ca_init();
	const unsigned char *p = csr;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)csr_len);
	ck_assert_ptr_nonnull(req);
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	ck_assert_int_eq(X509_REQ_verify(req, pub), 1);
	uint8_t ext[64];
	size_t n = 0;
	const char *value = uscc ? uscc : id_number;
	if (value) {
		ext[0] = uscc ? 0x13 : 0x80; /* PrintableString / [0] IMPLICIT PrintableString */
		ext[1] = (uint8_t)strlen(value);
		memcpy(ext + 2, value, strlen(value));
		n = 2 + strlen(value);
	}
	X509 *x = th_make_cert(pub, cn, serial, value ? (uscc ? "1.2.156.10260.4.1.4" : "1.2.156.10260.4.1.1") : NULL,
			       ext, n, 365);
	uint8_t *der = th_der(x, out_len);
	X509_free(x);
	X509_REQ_free(req);
	return der;
}

static inline uint8_t *th_ca_der(size_t *len)
{
	th_ca_init();
	return th_der(th_ca_cert, len);
}

/* A valid USCC / ID number made from 17 characters and the library's check character. */
static inline void th_uscc(char out[19])
{
	snprintf(out, 19, "%s%c", "91320600MA1N00001", gxca_identity_uscc_check_char("91320600MA1N00001"));
}

static inline void th_id_number(char out[19])
{
	snprintf(out, 19, "%s%c", "32060219900101001", gxca_identity_id_check_char("32060219900101001"));
}

/* Open a SoftHSM token by label, replace the initial PIN, log in with TH_PIN. */
static inline gxca_token *th_token_ready(gxca_token_module *m, const char *label)
{
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, label), GXCA_OK);
	if (gxca_token_login(t, TH_PIN) != GXCA_OK) {
		ck_assert_int_eq(gxca_token_change_pin(t, "123456", TH_PIN), GXCA_OK);
		ck_assert_int_eq(gxca_token_login(t, TH_PIN), GXCA_OK);
	}
	return t;
}

/* A key on the token plus its certificate (issued by the test CA and stored). */
static inline uint8_t *th_token_key_cert(gxca_token *t, int alg, const char *label, uint8_t id, const char *uscc,
				  const char *idnum, long serial, gxca_key **key, size_t *cert_len)
{
	ck_assert_int_eq(gxca_token_keygen(t, alg, label, &id, 1), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_key(key, t, NULL, &id, 1), GXCA_OK);
	uint8_t *csr = NULL;
	size_t csr_len = 0;
	ck_assert_int_eq(gxca_token_csr(*key, "/C=CN/CN=token holder", &csr, &csr_len), GXCA_OK);
	uint8_t *cert = th_issue(csr, csr_len, label, uscc, idnum, serial, cert_len);
	gxca_free(csr);
	ck_assert_int_eq(gxca_token_store_cert(t, cert, *cert_len, NULL), GXCA_OK);
	return cert;
}

#endif
