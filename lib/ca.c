/*
 * lib/ca.c — CA objects (create a test root + issuing CA, open an existing
 * one) and the certificate profile of doc/cert-profile.md.
 *
 * The constant parts of the end-entity profile (basicConstraints, EKU, AKI,
 * certificatePolicies, CRL DP, AIA, the keyUsage variants) are built once
 * per CA and copied into each certificate, and the signing context is
 * prepared once and copied: issuance costs little beyond the signature.
 */
#include "ca-private.h"
#include "policy-private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define CA_DAYS_BACK 400 /* a test CA starts a year back: acceptance dates may be past */
#define ROOT_YEARS 20
#define ISSUING_YEARS 15
#define MAX_FILE (16u << 20)

static int null_arg(gxca_ctx *ctx)
{
	return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
}

/* ---- DER pieces -------------------------------------------------------------------
 * End-entity certificates are put together from DER that OpenSSL encodes
 * (i2d_*), with the TLV headers written by ASN1_put_object: building an
 * X509 through the API costs more than the ECDSA signature itself (every
 * name is copied through DER with its canonical form; parsing decodes the
 * key through the provider decoders, ~90 µs on 3.0). */

/* Append obj's DER (i2d an OpenSSL i2d function) to b. */
static bool put_i2d(gxca__buf *b, const void *obj, i2d_of_void *i2d)
{
	unsigned char *der = NULL;
	int n = obj ? i2d(obj, &der) : -1;
	if (n > 0)
		gxca__buf_append(b, der, (size_t)n);
	OPENSSL_free(der);
	return n > 0 && !b->failed;
}

/* Append a TLV header for a body of n bytes, then the body (if not NULL). */
static void put_tlv(gxca__buf *b, int constructed, int tag, int cls, const void *body, size_t n)
{
	unsigned char hdr[16], *p = hdr;
	if (n > INT_MAX) {
		b->failed = true;
		return;
	}
	ASN1_put_object(&p, constructed, (int)n, tag, cls);
	gxca__buf_append(b, hdr, (size_t)(p - hdr));
	if (body)
		gxca__buf_append(b, body, n);
}

/* ---- extensions ----------------------------------------------------------------- */

static X509_EXTENSION *conf_ext(int nid, const char *value)
{
	return X509V3_EXT_conf_nid(NULL, NULL, nid, value);
}

/* SHA-1 of the subject public key bits (RFC 5280 §4.2.1.2, method 1). */
static ASN1_OCTET_STRING *key_id(const X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
	if (!id || X509_pubkey_digest(x, EVP_sha1(), md, &n) != 1 || ASN1_OCTET_STRING_set(id, md, (int)n) != 1) {
		ASN1_OCTET_STRING_free(id);
		return NULL;
	}
	return id;
}

static bool add_ski(X509 *x)
{
	ASN1_OCTET_STRING *id = key_id(x);
	bool ok = id && X509_add1_ext_i2d(x, NID_subject_key_identifier, id, 0, X509V3_ADD_REPLACE) == 1;
	ASN1_OCTET_STRING_free(id);
	return ok;
}

/* authorityKeyIdentifier = the issuer's subjectKeyIdentifier (or its key hash). */
static X509_EXTENSION *akid_ext(X509 *issuer)
{
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	X509_EXTENSION *ext = NULL;
	if (akid && (akid->keyid = ski ? ASN1_OCTET_STRING_dup(ski) : key_id(issuer)))
		ext = X509V3_EXT_i2d(NID_authority_key_identifier, 0, akid);
	AUTHORITY_KEYID_free(akid);
	return ext;
}

static X509_EXTENSION *policies_ext(const char *oid)
{
	CERTIFICATEPOLICIES *cps = CERTIFICATEPOLICIES_new();
	POLICYINFO *pi = POLICYINFO_new();
	X509_EXTENSION *ext = NULL;
	if (cps && pi) {
		ASN1_OBJECT_free(pi->policyid);
		if ((pi->policyid = OBJ_txt2obj(oid, 1)) && sk_POLICYINFO_push(cps, pi) > 0) {
			pi = NULL;
			ext = X509V3_EXT_i2d(NID_certificate_policies, 0, cps);
		}
	}
	POLICYINFO_free(pi);
	CERTIFICATEPOLICIES_free(cps);
	return ext;
}

static bool push_ext(STACK_OF(X509_EXTENSION) *sk, X509_EXTENSION *ext)
{
	if (ext && sk_X509_EXTENSION_push(sk, ext) > 0)
		return true;
	X509_EXTENSION_free(ext);
	return false;
}

/* The policy URLs go through OpenSSL's value syntax, where ',' separates. */
static bool url_ok(const char *url)
{
	return url && *url && !strchr(url, ',') && strlen(url) < 1024;
}

static int build_url_exts(gxca_ca *ca, const struct gxca__ca_policy *p)
{
	char buf[2200];
	if ((p->crl_url && !url_ok(p->crl_url)) || (p->ocsp_url && !url_ok(p->ocsp_url)) ||
	    (p->ca_issuers_url && !url_ok(p->ca_issuers_url)))
		return gxca__fail(ca->ctx, GXCA_EPOLICY, "ca", "策略中的 URL 无效（不能含逗号）",
				  "a URL of the policy is invalid (no commas allowed)");
	if (p->crl_url) {
		snprintf(buf, sizeof buf, "URI:%s", p->crl_url);
		if (!push_ext(ca->leaf_ext, conf_ext(NID_crl_distribution_points, buf)))
			return gxca__fail_ossl(ca->ctx, GXCA_EPOLICY, "ca.crl_url", "CRL 地址无效", "invalid CRL URL");
	}
	if (p->ocsp_url || p->ca_issuers_url) {
		snprintf(buf, sizeof buf, "%s%s%s%s%s", p->ocsp_url ? "OCSP;URI:" : "",
			 p->ocsp_url ? p->ocsp_url : "", p->ocsp_url && p->ca_issuers_url ? "," : "",
			 p->ca_issuers_url ? "caIssuers;URI:" : "", p->ca_issuers_url ? p->ca_issuers_url : "");
		if (!push_ext(ca->leaf_ext, conf_ext(NID_info_access, buf)))
			return gxca__fail_ossl(ca->ctx, GXCA_EPOLICY, "ca.ocsp_url", "AIA 地址无效", "invalid AIA URL");
	}
	return GXCA_OK;
}

/* The constant parts of every end-entity certificate of this CA. */
static int build_profile(gxca_ca *ca)
{
	const struct gxca__ca_policy *p = &ca->ctx->policy->ca;
	if (!(ca->leaf_ext = sk_X509_EXTENSION_new_null()) ||
	    !push_ext(ca->leaf_ext, conf_ext(NID_basic_constraints, "critical,CA:FALSE")) ||
	    !push_ext(ca->leaf_ext, conf_ext(NID_ext_key_usage, "clientAuth")) ||
	    !push_ext(ca->leaf_ext, akid_ext(ca->cert)) ||
	    !(ca->ku_sign = conf_ext(NID_key_usage, "critical,digitalSignature,nonRepudiation")) ||
	    !(ca->ku_encipher = conf_ext(NID_key_usage, "critical,keyEncipherment")) ||
	    !(ca->ku_agree = conf_ext(NID_key_usage, "critical,keyAgreement")) ||
	    !(ca->oid_org_code = OBJ_txt2obj(GXCA__OID_GMT0015_ORG_CODE, 1)) ||
	    !(ca->oid_id_code = OBJ_txt2obj(GXCA__OID_GMT0015_ID_CODE, 1)))
		return gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "ca", "无法构造证书扩展", "cannot build the extensions");
	if (!(ca->issuer_text = gxca__name_text(X509_get_subject_name(ca->cert))))
		return gxca__oom(ca->ctx);
	if (p->policy_oid && !push_ext(ca->leaf_ext, policies_ext(p->policy_oid)))
		return gxca__fail_ossl(ca->ctx, GXCA_EPOLICY, "ca.certificate_policy_oid", "证书策略 OID 无效",
				       "invalid certificate policy OID");
	return build_url_exts(ca, p);
}

/* ---- subject names ---------------------------------------------------------- */

static int missing(gxca_ctx *ctx, const char *field)
{
	return gxca__failf(ctx, GXCA_ECA_SUBJECT, field, "申请缺少 %s，无法签发证书",
			   "the application has no %s for the certificate", field, field);
}

/* Upper bounds of X.520 (RFC 5280 Appendix A), in characters. */
static int check_value(gxca_ctx *ctx, const char *field, const char *v, size_t max)
{
	int rc = gxca__check_str(ctx, field, v, 4 * max);
	if (!rc && gxca__utf8_len(v) > max)
		rc = gxca__failf(ctx, GXCA_ECA_SUBJECT, field, "%s 超过 %zu 个字符", "%s is longer than %zu characters",
				 field, max);
	return rc;
}

/* Append a UTF8String attribute unless v is empty. */
static int add_attr(gxca_ctx *ctx, struct gxca__subject *s, int field, const char *name, const char *v, size_t max)
{
	if (!v || !*v)
		return GXCA_OK;
	int rc = check_value(ctx, name, v, max);
	if (!rc)
		s->attr[s->n++] = (struct gxca__attr){field, V_ASN1_UTF8STRING, v};
	return rc;
}

static const int attr_nids[GXCA__DN_FIELDS + 1] = {0, NID_countryName, NID_stateOrProvinceName, NID_localityName,
						  NID_organizationName, NID_organizationalUnitName, NID_commonName};

/* ORG: C=CN, ST, L, O, CN = the organisation; PERSON: C=CN, O = affiliation,
 * CN = name; in that order, each its own RDN. */
static int subject_of(gxca_ctx *ctx, const struct gxca__issue_subject *si, struct gxca__subject *s)
{
	bool org = si->applicant == GXCA_APPLICANT_ORG;
	const char *cn = org ? si->org_name : si->person_name;
	memset(s, 0, sizeof *s);
	if (!cn || !*cn)
		return missing(ctx, org ? "org_name" : "person_name");
	s->attr[s->n++] = (struct gxca__attr){GXCA_DN_C, V_ASN1_PRINTABLESTRING, "CN"};
	int rc = GXCA_OK;
	if (org && !(rc = add_attr(ctx, s, GXCA_DN_ST, "reg_province", si->province, 128)))
		rc = add_attr(ctx, s, GXCA_DN_L, "reg_city", si->city, 128);
	if (!rc)
		rc = add_attr(ctx, s, GXCA_DN_O, org ? "org_name" : "affiliation", org ? si->org_name : si->affiliation, 64);
	if (!rc)
		rc = add_attr(ctx, s, GXCA_DN_CN, org ? "org_name" : "person_name", cn, 64);
	return rc;
}

/* Name ::= SEQUENCE OF SET { SEQUENCE { type OID, value } }. */
static bool put_name(gxca__buf *b, const struct gxca__subject *s)
{
	gxca__buf rdns = {0};
	gxca__buf_reserve(&rdns, 512);
	bool ok = true;
	for (size_t i = 0; ok && i < s->n; i++) {
		const struct gxca__attr *a = &s->attr[i];
		unsigned char *oid = NULL;
		int oid_len = i2d_ASN1_OBJECT(OBJ_nid2obj(attr_nids[a->field]), &oid);
		size_t len = strlen(a->value);
		int atv = oid_len > 0 ? oid_len + ASN1_object_size(0, (int)len, a->type) : -1;
		if ((ok = atv > 0)) {
			put_tlv(&rdns, 1, V_ASN1_SET, V_ASN1_UNIVERSAL, NULL, (size_t)ASN1_object_size(1, atv, V_ASN1_SEQUENCE));
			put_tlv(&rdns, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, NULL, (size_t)atv);
			gxca__buf_append(&rdns, oid, (size_t)oid_len);
			put_tlv(&rdns, 0, a->type, V_ASN1_UNIVERSAL, a->value, len);
		}
		OPENSSL_free(oid);
	}
	if (ok)
		put_tlv(b, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, rdns.data, rdns.len);
	b->failed = b->failed || rdns.failed;
	gxca__buf_free(&rdns);
	return ok && !b->failed;
}

/* The text gxca__name_text() prints for s: RFC 2253, last attribute first,
 * ,+"\<>; and a leading '#' or space or a trailing space escaped with a
 * backslash (a value of one character is only trailing), UTF-8 kept. NULL for a value with a control character (which
 * OpenSSL escapes in hex): the caller prints the parsed name instead. */
static char *subject_text(const struct gxca__subject *s)
{
	gxca__buf t = {0};
	for (size_t k = s->n; k-- > 0;) {
		const struct gxca__attr *a = &s->attr[k];
		gxca__buf_printf(&t, "%s%s=", k + 1 == s->n ? "" : ",", OBJ_nid2sn(attr_nids[a->field]));
		size_t len = strlen(a->value);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)a->value[i];
			if (c < 0x20 || c == 0x7f) {
				gxca__buf_free(&t);
				return NULL;
			}
			bool first = i == 0 && i + 1 < len, last = i + 1 == len; /* as OpenSSL: one char is last */
			if (strchr(",+\"\\<>;", c) || (first && (c == '#' || c == ' ')) || (last && c == ' '))
				gxca__buf_append(&t, "\\", 1);
			gxca__buf_append(&t, &c, 1);
		}
	}
	return gxca__buf_steal(&t);
}

const char *gxca__ca_holder_of(const struct gxca__issue_subject *si)
{
	return si->applicant == GXCA_APPLICANT_ORG ? si->uscc : si->id_number;
}

/* A USCC / ID number: 1..32 ASCII letters and digits. */
static bool identity_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

/* GM/T 0015: OrganizationCode (4.1.4) = PrintableString USCC; IdentifyCode
 * (4.1.1) = [0] EXPLICIT PrintableString resident ID (as XiPKI writes it).
 * The Extension's DER is appended to out (nothing for "other document"). */
static int identity_ext(gxca_ca *ca, const struct gxca__issue_subject *si, gxca__buf *out)
{
	bool org = si->applicant == GXCA_APPLICANT_ORG;
	const char *v = gxca__ca_holder_of(si);
	if (!identity_ok(v))
		return org ? missing(ca->ctx, "uscc") : missing(ca->ctx, "id_number");
	if (!org && !si->resident_id)
		return GXCA_OK; /* IdentifyCode has no choice for "other document" */
	const gxca__buf *oid = org ? &ca->tmpl.org_code : &ca->tmpl.id_code;
	size_t len = strlen(v); /* at most 32 */
	int ps = ASN1_object_size(0, (int)len, V_ASN1_PRINTABLESTRING);
	int value = org ? ps : ASN1_object_size(1, ps, 0);
	put_tlv(out, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, NULL,
		oid->len + (size_t)ASN1_object_size(0, value, V_ASN1_OCTET_STRING));
	gxca__buf_append(out, oid->data, oid->len);
	put_tlv(out, 0, V_ASN1_OCTET_STRING, V_ASN1_UNIVERSAL, NULL, (size_t)value); /* extnValue */
	if (!org)
		put_tlv(out, 1, 0, V_ASN1_CONTEXT_SPECIFIC, NULL, (size_t)ps);
	put_tlv(out, 0, V_ASN1_PRINTABLESTRING, V_ASN1_UNIVERSAL, v, len);
	return out->failed ? gxca__oom(ca->ctx) : GXCA_OK;
}

/* ---- serials and signing ------------------------------------------------------- */

/* 16 random octets for a serial: from the test hook, or from a pool filled
 * by RAND_bytes a few hundred octets at a time (one call per serial costs
 * as much as a tenth of an ECDSA signature); a forked child never uses
 * its parent's pool. */
static int serial_octets(gxca_ca *ca, uint8_t b[GXCA__SERIAL_BYTES])
{
	if (ca->serial_fn)
		return ca->serial_fn(b, ca->serial_arg);
	pid_t pid = getpid();
	if (ca->pool_left < GXCA__SERIAL_BYTES || ca->pool_pid != pid) {
		if (RAND_bytes(ca->pool, sizeof ca->pool) != 1)
			return -1;
		ca->pool_left = sizeof ca->pool;
		ca->pool_pid = pid;
	}
	uint8_t *p = ca->pool + sizeof ca->pool - ca->pool_left;
	memcpy(b, p, GXCA__SERIAL_BYTES);
	OPENSSL_cleanse(p, GXCA__SERIAL_BYTES);
	ca->pool_left -= GXCA__SERIAL_BYTES;
	return 0;
}

/* A positive INTEGER of 16 octets (0x40 set, 0x80 clear: always 16, with
 * no padding octet), appended to out; hex receives it in capitals. */
static int new_serial(gxca_ca *ca, gxca__buf *out, char hex[GXCA__SERIAL_MAX])
{
	uint8_t b[GXCA__SERIAL_BYTES];
	if (serial_octets(ca, b))
		return gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "serial", "随机数生成失败", "the RNG failed");
	b[0] = (uint8_t)((b[0] & 0x7f) | 0x40);
	put_tlv(out, 0, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, b, sizeof b);
	if (out->failed)
		return gxca__oom(ca->ctx);
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < sizeof b; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * sizeof b] = '\0';
	return GXCA_OK;
}

void gxca__ca_set_serial_source(gxca_ca *ca, int (*fn)(uint8_t out[GXCA__SERIAL_BYTES], void *arg), void *arg)
{
	ca->serial_fn = fn;
	ca->serial_arg = arg;
}

int gxca__ca_serial_arg(gxca_ctx *ctx, const char *serial, char norm[GXCA__SERIAL_MAX])
{
	if (!serial)
		return gxca__fail(ctx, GXCA_EINVAL, "serial", "序列号为空", "the serial is NULL");
	if (strnlen(serial, GXCA__SERIAL_MAX) >= GXCA__SERIAL_MAX - 2 ||
	    !gxca__serial_normalise(serial, norm, GXCA__SERIAL_MAX))
		return gxca__fail(ctx, GXCA_EINVAL, "serial", "序列号不是十六进制数",
				  "the serial is not a hexadecimal number");
	return GXCA_OK;
}

/* A fresh copy of the prepared signing context (made on first use). */
static EVP_MD_CTX *sign_ctx(gxca_ca *ca)
{
	if (!ca->sign_tmpl && !(ca->sign_tmpl = gxca__pkey_md_ctx(ca->ctx, ca->key->pkey, true)))
		return NULL;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (m && EVP_MD_CTX_copy_ex(m, ca->sign_tmpl) != 1) {
		EVP_MD_CTX_free(m);
		return NULL;
	}
	return m;
}

/* cert = SEQUENCE { tbs, the CA's AlgorithmIdentifier, BIT STRING signature }. */
static int sign_tbs(gxca_ca *ca, const gxca__buf *tbs, gxca__buf *cert)
{
	int max = EVP_PKEY_get_size(ca->key->pkey);
	size_t n = max > 0 ? (size_t)max : 0;
	unsigned char *bits = max > 0 ? OPENSSL_malloc(n + 1) : NULL; /* unused-bits octet, signature */
	EVP_MD_CTX *m = bits ? sign_ctx(ca) : NULL;
	bool ok = m && EVP_DigestSign(m, bits + 1, &n, (const unsigned char *)tbs->data, tbs->len) == 1;
	EVP_MD_CTX_free(m);
	if (!ok) {
		OPENSSL_free(bits);
		return gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "ca", "CA 签名失败", "the CA signature failed");
	}
	bits[0] = 0;
	size_t body = tbs->len + ca->tmpl.sigalg.len + (size_t)ASN1_object_size(0, (int)n + 1, V_ASN1_BIT_STRING);
	gxca__buf_reserve(cert, (size_t)ASN1_object_size(1, (int)body, V_ASN1_SEQUENCE));
	put_tlv(cert, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, NULL, body);
	gxca__buf_append(cert, tbs->data, tbs->len);
	gxca__buf_append(cert, ca->tmpl.sigalg.data, ca->tmpl.sigalg.len);
	put_tlv(cert, 0, V_ASN1_BIT_STRING, V_ASN1_UNIVERSAL, bits, n + 1);
	OPENSSL_free(bits);
	return cert->failed ? gxca__oom(ca->ctx) : GXCA_OK;
}

int gxca__ca_sign_crl(gxca_ca *ca, X509_CRL *crl)
{
	EVP_MD_CTX *m = sign_ctx(ca);
	int ok = m && X509_CRL_sign_ctx(crl, m) > 0;
	EVP_MD_CTX_free(m);
	return ok ? GXCA_OK : gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "ca", "CRL 签名失败", "signing the CRL failed");
}

int gxca__ca_crl_add_akid(gxca_ca *ca, X509_CRL *crl)
{
	X509_EXTENSION *ext = akid_ext(ca->cert);
	bool ok = ext && X509_CRL_add_ext(crl, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok ? GXCA_OK : gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "crl", "无法构造 CRL 扩展", "cannot build the CRL extensions");
}

/* ---- the end-entity certificate ------------------------------------------------------- */

/* The AlgorithmIdentifier OpenSSL writes when signing with the CA key
 * (taken from a signed copy of the CA certificate, once). */
static bool put_sigalg(gxca_ca *ca, gxca__buf *out)
{
	X509 *probe = X509_dup(ca->cert);
	EVP_MD_CTX *m = probe ? sign_ctx(ca) : NULL;
	const X509_ALGOR *alg = NULL;
	bool ok = m && X509_sign_ctx(probe, m) > 0;
	if (ok) {
		X509_get0_signature(NULL, &alg, probe);
		ok = put_i2d(out, alg, CHECKED_I2D_OF(X509_ALGOR, i2d_X509_ALGOR));
	}
	EVP_MD_CTX_free(m);
	X509_free(probe);
	return ok;
}

static bool ski_template(gxca__buf *b);

/* The DER that every end-entity certificate of this CA shares. */
static int build_template(gxca_ca *ca)
{
	struct gxca__leaf_template *t = &ca->tmpl;
	ASN1_INTEGER *v = ASN1_INTEGER_new();
	gxca__buf ver = {0};
	bool ok = v && ASN1_INTEGER_set(v, X509_VERSION_3) == 1 &&
		  put_i2d(&ver, v, CHECKED_I2D_OF(ASN1_INTEGER, i2d_ASN1_INTEGER));
	if (ok)
		put_tlv(&t->version, 1, 0, V_ASN1_CONTEXT_SPECIFIC, ver.data, ver.len); /* [0] EXPLICIT */
	t->version.failed = t->version.failed || ver.failed;
	ASN1_INTEGER_free(v);
	gxca__buf_free(&ver);
	ok = ok && put_i2d(&t->issuer, X509_get_subject_name(ca->cert), CHECKED_I2D_OF(X509_NAME, i2d_X509_NAME));
	for (int i = 0; ok && i < sk_X509_EXTENSION_num(ca->leaf_ext); i++)
		ok = put_i2d(&t->exts, sk_X509_EXTENSION_value(ca->leaf_ext, i),
			     CHECKED_I2D_OF(X509_EXTENSION, i2d_X509_EXTENSION));
	const X509_EXTENSION *ku[3] = {ca->ku_sign, ca->ku_encipher, ca->ku_agree};
	for (int i = 0; ok && i < 3; i++)
		ok = put_i2d(&t->ku[i], ku[i], CHECKED_I2D_OF(X509_EXTENSION, i2d_X509_EXTENSION));
	ok = ok && ski_template(&t->ski) &&
	     put_i2d(&t->org_code, ca->oid_org_code, CHECKED_I2D_OF(ASN1_OBJECT, i2d_ASN1_OBJECT)) &&
	     put_i2d(&t->id_code, ca->oid_id_code, CHECKED_I2D_OF(ASN1_OBJECT, i2d_ASN1_OBJECT));
	ok = ok && put_sigalg(ca, &t->sigalg) && !t->version.failed;
	if (ok)
		return GXCA_OK;
	bool oom = t->version.failed || t->sigalg.failed || t->issuer.failed || t->exts.failed || t->ku[0].failed ||
		   t->ku[1].failed || t->ku[2].failed || t->ski.failed || t->org_code.failed || t->id_code.failed;
	return oom ? gxca__oom(ca->ctx)
		   : gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "ca", "无法使用 CA 私钥构造证书",
				     "cannot prepare certificates with the CA key");
}

static void free_template(struct gxca__leaf_template *t)
{
	gxca__buf_free(&t->version);
	gxca__buf_free(&t->sigalg);
	gxca__buf_free(&t->issuer);
	gxca__buf_free(&t->exts);
	for (int i = 0; i < 3; i++)
		gxca__buf_free(&t->ku[i]);
	gxca__buf_free(&t->ski);
	gxca__buf_free(&t->org_code);
	gxca__buf_free(&t->id_code);
}

static const gxca__buf *key_usage(const gxca_ca *ca, int usage, int key_alg)
{
	if (usage != GXCA_CERT_ENCRYPT)
		return &ca->tmpl.ku[0];
	/* Encryption: RSA and SM2 encrypt to the key; ECDH P-256 agrees on one. */
	return key_alg == GXCA_KEY_EC_P256 ? &ca->tmpl.ku[2] : &ca->tmpl.ku[1];
}

/* subjectKeyIdentifier: SHA-1 of the subject public key bits (RFC 5280 §4.2.1.2, method 1). */
static bool put_ski(const gxca_ca *ca, gxca__buf *b, const ASN1_BIT_STRING *bits)
{
	gxca__buf_append(b, ca->tmpl.ski.data, ca->tmpl.ski.len); /* ends with the 20-octet key id */
	return !b->failed && SHA1(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits),
				  (unsigned char *)b->data + b->len - SHA_DIGEST_LENGTH);
}

/* subjectKeyIdentifier with a key id of zeros: put_ski() writes the id. */
static bool ski_template(gxca__buf *b)
{
	static const unsigned char zeros[SHA_DIGEST_LENGTH];
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = id && ASN1_OCTET_STRING_set(id, zeros, sizeof zeros) == 1
				      ? X509V3_EXT_i2d(NID_subject_key_identifier, 0, id) : NULL;
	bool ok = put_i2d(b, ext, CHECKED_I2D_OF(X509_EXTENSION, i2d_X509_EXTENSION)) && b->len > sizeof zeros &&
		  memcmp(b->data + b->len - sizeof zeros, zeros, sizeof zeros) == 0;
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(id);
	return ok;
}

/* SEQUENCE { notBefore, notAfter } (UTCTime to 2049, GeneralizedTime after). */
static bool put_validity(gxca__buf *b, int64_t not_before, int64_t not_after)
{
	ASN1_TIME *t = ASN1_TIME_new();
	gxca__buf v = {0};
	bool ok = t && gxca__asn1_time_set(t, not_before) &&
		  put_i2d(&v, t, CHECKED_I2D_OF(ASN1_TIME, i2d_ASN1_TIME)) && gxca__asn1_time_set(t, not_after) &&
		  put_i2d(&v, t, CHECKED_I2D_OF(ASN1_TIME, i2d_ASN1_TIME));
	if (ok)
		put_tlv(b, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, v.data, v.len);
	b->failed = b->failed || v.failed; /* out of memory, not a bad time */
	ASN1_TIME_free(t);
	gxca__buf_free(&v);
	return ok && !b->failed;
}

/* extensions [3] EXPLICIT SEQUENCE { the constant ones, keyUsage, SKI, identity }. */
static int put_extensions(gxca_ca *ca, const struct gxca__issue_subject *si, const struct gxca__request *req,
			  int usage, gxca__buf *b)
{
	gxca__buf list = {0}, seq = {0};
	gxca__buf_reserve(&list, 512);
	const gxca__buf *ku = key_usage(ca, usage, req->key_alg);
	gxca__buf_append(&list, ca->tmpl.exts.data, ca->tmpl.exts.len);
	gxca__buf_append(&list, ku->data, ku->len);
	int rc = put_ski(ca, &list, req->bits) ? GXCA_OK : gxca__oom(ca->ctx);
	if (!rc)
		rc = identity_ext(ca, si, &list);
	if (!rc) {
		gxca__buf_reserve(&seq, list.len + 8);
		put_tlv(&seq, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, list.data, list.len);
		put_tlv(b, 1, 3, V_ASN1_CONTEXT_SPECIFIC, seq.data, seq.len);
		if (list.failed || seq.failed || b->failed)
			rc = gxca__oom(ca->ctx);
	}
	gxca__buf_free(&list);
	gxca__buf_free(&seq);
	return rc;
}

/* The subject's text; for a value with a control character, OpenSSL's
 * print of the encoded name (der). */
static char *leaf_subject_text(const struct gxca__subject *s, const char *der, size_t len)
{
	char *text = subject_text(s);
	if (text)
		return text;
	const unsigned char *p = (const unsigned char *)der;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)len);
	text = name ? gxca__name_text(name) : NULL;
	X509_NAME_free(name);
	return text;
}

void gxca__leaf_clear(struct gxca__leaf *l)
{
	gxca__free(l->subject_text);
	gxca__free(l->der);
	memset(l, 0, sizeof *l);
}

int gxca__ca_make_leaf(gxca_ca *ca, const struct gxca__issue_subject *si, const struct gxca__request *req, int usage,
		       int64_t not_before, int64_t not_after, struct gxca__leaf *out)
{
	memset(out, 0, sizeof *out);
	gxca__buf body = {0}, tbs = {0}, cert = {0};
	gxca__buf_reserve(&body, 1024); /* a certificate of this profile is under 1 KB */
	int rc = subject_of(ca->ctx, si, &out->subject);
	if (!rc) {
		gxca__buf_append(&body, ca->tmpl.version.data, ca->tmpl.version.len);
		rc = new_serial(ca, &body, out->serial);
	}
	if (!rc) {
		gxca__buf_append(&body, ca->tmpl.sigalg.data, ca->tmpl.sigalg.len);
		gxca__buf_append(&body, ca->tmpl.issuer.data, ca->tmpl.issuer.len);
		bool ok = put_validity(&body, not_before, not_after);
		size_t at = body.len;
		if (ok && (ok = put_name(&body, &out->subject)))
			out->subject_text = leaf_subject_text(&out->subject, body.data + at, body.len - at);
		if (!ok || !out->subject_text) /* the text fails only for memory: the name is ours */
			rc = body.failed || ok ? gxca__oom(ca->ctx)
					       : gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "certificate", "无法构造证书",
								 "cannot build the certificate");
	}
	if (!rc) {
		gxca__buf_append(&body, req->spki, req->spki_len); /* the request's, byte for byte */
		rc = put_extensions(ca, si, req, usage, &body);
	}
	if (!rc && !body.failed) {
		gxca__buf_reserve(&tbs, body.len + 8);
		put_tlv(&tbs, 1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, body.data, body.len);
	}
	if (!rc)
		rc = body.failed || tbs.failed ? gxca__oom(ca->ctx) : sign_tbs(ca, &tbs, &cert);
	gxca__buf_free(&body);
	gxca__buf_free(&tbs);
	if (rc) {
		gxca__buf_free(&cert);
		gxca__leaf_clear(out);
		return rc;
	}
	out->der_len = cert.len;
	out->der = (uint8_t *)cert.data; /* taken */
	return GXCA_OK;
}

/* ---- CA certificates (gxca_ca_create) ---------------------------------------------- */

static bool set_validity(X509 *x, int64_t not_before, int64_t not_after)
{
	return gxca__asn1_time_set(X509_getm_notBefore(x), not_before) &&
	       gxca__asn1_time_set(X509_getm_notAfter(x), not_after);
}

static X509_NAME *ca_name(gxca_ctx *ctx, const char *suffix)
{
	const struct gxca_policy *p = ctx->policy;
	char cn[256];
	snprintf(cn, sizeof cn, "%s%s", p->ca_short_name ? p->ca_short_name : "GXCA", suffix);
	X509_NAME *n = X509_NAME_new();
	if (n && X509_NAME_add_entry_by_NID(n, NID_countryName, V_ASN1_PRINTABLESTRING, (const unsigned char *)"CN", 2, -1, 0) == 1 &&
	    X509_NAME_add_entry_by_NID(n, NID_organizationName, V_ASN1_UTF8STRING,
				       (const unsigned char *)(p->ca_name ? p->ca_name : "GXCA"), -1, -1, 0) == 1 &&
	    X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING, (const unsigned char *)cn, -1, -1, 0) == 1)
		return n;
	X509_NAME_free(n);
	return NULL;
}

static int64_t years_later(int64_t t, int years)
{
	int y, m, d;
	int64_t day = t / 86400;
	gxca__civil_from_days(day, &y, &m, &d);
	return gxca__days_from_civil(y + years, m, d) * 86400 + (t - day * 86400);
}

/* A CA certificate for key, signed by signer (issuer NULL: self-signed root). */
static int make_ca_cert(gxca_ctx *ctx, X509 *issuer, EVP_PKEY *key, EVP_PKEY *signer, const char *suffix,
			int years, X509 **out)
{
	int64_t now = (int64_t)time(NULL) - CA_DAYS_BACK * 86400;
	X509_NAME *name = ca_name(ctx, suffix);
	X509 *x = X509_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	BIGNUM *bn = BN_new();
	X509V3_CTX v3;
	bool ok = name && x && serial && bn && BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
		  BN_to_ASN1_INTEGER(bn, serial) && X509_set_version(x, X509_VERSION_3) == 1 &&
		  X509_set_serialNumber(x, serial) == 1 && X509_set_subject_name(x, name) == 1 &&
		  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1 &&
		  set_validity(x, now, years_later(now, years)) && X509_set_pubkey(x, key) == 1 && add_ski(x);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *bc = ok ? X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, issuer ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE") : NULL;
	X509_EXTENSION *ku = ok ? conf_ext(NID_key_usage, "critical,keyCertSign,cRLSign") : NULL;
	X509_EXTENSION *ak = ok && issuer ? akid_ext(issuer) : NULL;
	ok = ok && bc && ku && X509_add_ext(x, bc, -1) == 1 && X509_add_ext(x, ku, -1) == 1 &&
	     (!issuer || (ak && X509_add_ext(x, ak, -1) == 1));
	EVP_MD_CTX *m = ok ? gxca__pkey_md_ctx(ctx, signer, true) : NULL;
	ok = m && X509_sign_ctx(x, m) > 0;
	EVP_MD_CTX_free(m);
	X509_EXTENSION_free(bc);
	X509_EXTENSION_free(ku);
	X509_EXTENSION_free(ak);
	BN_free(bn);
	ASN1_INTEGER_free(serial);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, "ca", "无法生成 CA 证书", "cannot make the CA certificate");
	}
	*out = x;
	return GXCA_OK;
}

/* ---- files ----------------------------------------------------------------------- */

static int write_pem(gxca_ctx *ctx, const char *dir, const char *file, X509 *const *certs, size_t n)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return gxca__failf(ctx, errno == EEXIST ? GXCA_EEXISTS : GXCA_EIO, "dir", "无法创建 %s：%s",
				   "cannot create %s: %s", path, strerror(errno));
	FILE *f = fdopen(fd, "wb");
	bool ok = f != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = PEM_write_X509(f, certs[i]) == 1;
	ok = (f ? fclose(f) == 0 : (close(fd), false)) && ok;
	if (!ok) {
		unlink(path);
		return gxca__failf(ctx, GXCA_EIO, "dir", "写入 %s 失败", "writing %s failed", path);
	}
	return GXCA_OK;
}

static int save_key(const gxca_key *key, const char *dir, const char *file)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return gxca_key_save_pem(key, path, NULL);
}

static int write_ca_files(gxca_ctx *ctx, const char *dir, X509 *root, X509 *issuing, const gxca_key *root_key,
			  const gxca_key *key)
{
	X509 *chain[2] = {issuing, root};
	int rc = save_key(root_key, dir, "root.key");
	if (!rc)
		rc = save_key(key, dir, "ca.key");
	if (!rc)
		rc = write_pem(ctx, dir, "root.pem", &root, 1);
	if (!rc)
		rc = write_pem(ctx, dir, "ca.pem", &issuing, 1);
	if (!rc)
		rc = write_pem(ctx, dir, "chain.pem", chain, 2);
	return rc;
}

static int make_dir(gxca_ctx *ctx, const char *dir)
{
	int rc = gxca__check_str(ctx, "dir", dir, 4000);
	if (rc)
		return rc;
	struct stat st;
	if (mkdir(dir, 0700) != 0 && !(errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return gxca__failf(ctx, GXCA_EIO, "dir", "无法创建目录 %s：%s", "cannot create directory %s: %s", dir,
				   strerror(errno));
	return GXCA_OK;
}

/* ---- assembling a CA -------------------------------------------------------------- */

void gxca_ca_free(gxca_ca *ca)
{
	if (!ca)
		return;
	gxca__registry_close(ca->reg);
	X509_free(ca->cert);
	sk_X509_pop_free(ca->chain, X509_free);
	sk_X509_EXTENSION_pop_free(ca->leaf_ext, X509_EXTENSION_free);
	X509_EXTENSION_free(ca->ku_sign);
	X509_EXTENSION_free(ca->ku_encipher);
	X509_EXTENSION_free(ca->ku_agree);
	ASN1_OBJECT_free(ca->oid_org_code);
	ASN1_OBJECT_free(ca->oid_id_code);
	gxca__free(ca->issuer_text);
	free_template(&ca->tmpl);
	OPENSSL_cleanse(ca->pool, sizeof ca->pool);
	EVP_MD_CTX_free(ca->sign_tmpl); /* holds the key: before a token key releases its token */
	gxca__spki_decoder_free(ca->spki_dec);
	gxca_key_free(ca->key);
	gxca__free(ca);
}

static int check_ca_cert(gxca_ctx *ctx, X509 *x, const gxca_key *key)
{
	uint32_t ku = X509_get_key_usage(x);
	if (X509_check_ca(x) < 1 || !(ku & KU_KEY_CERT_SIGN))
		return gxca__fail(ctx, GXCA_ECA_NOT_CA, "chain", "第一张证书不是可签发证书的 CA 证书",
				  "the first certificate is not a CA certificate allowed to sign certificates");
	int eq = EVP_PKEY_eq(X509_get0_pubkey(x), key->pkey);
	if (eq == 1)
		return GXCA_OK;
	if (eq == 0)
		return gxca__fail(ctx, GXCA_ECA_KEY_MISMATCH, "key", "CA 私钥与 CA 证书的公钥不匹配",
				  "the CA key does not match the CA certificate");
	/* A token key may not compare: prove possession with a signature instead. */
	uint8_t *sig = NULL;
	size_t n = 0;
	static const uint8_t probe[] = "gxca key check";
	int rc = gxca__pkey_sign(ctx, key->pkey, probe, sizeof probe, &sig, &n);
	if (!rc && gxca__pkey_verify(ctx, X509_get0_pubkey(x), probe, sizeof probe, sig, n) != GXCA_OK)
		rc = gxca__fail(ctx, GXCA_ECA_KEY_MISMATCH, "key", "CA 私钥与 CA 证书的公钥不匹配",
				"the CA key does not match the CA certificate");
	gxca__free(sig);
	ERR_clear_error();
	return rc;
}

/* The registry remembers the CA (subject key identifier) it belongs to. */
static int bind_registry(struct gxca__registry *reg, void *arg)
{
	gxca_ca *ca = arg;
	ASN1_OCTET_STRING *id = key_id(ca->cert);
	char *hex = id ? OPENSSL_buf2hexstr(ASN1_STRING_get0_data(id), ASN1_STRING_length(id)) : NULL;
	ASN1_OCTET_STRING_free(id);
	if (!hex)
		return gxca__fail_ossl(ca->ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	char *have = NULL;
	int rc = reg->ops->meta_get(reg, "ca_key_id", &have);
	if (rc == GXCA_ENOTFOUND)
		rc = reg->ops->meta_set(reg, "ca_key_id", hex);
	else if (!rc && strcmp(have, hex) != 0)
		rc = gxca__fail(ca->ctx, GXCA_EREG_OTHER_CA, "registry", "该登记库属于另一个 CA",
				"the registry belongs to another CA");
	gxca__free(have);
	OPENSSL_free(hex);
	return rc;
}

/* Takes chain (issuing CA first) and key; frees them on failure too. */
static int assemble(gxca_ca **out, gxca_ctx *ctx, STACK_OF(X509) *chain, gxca_key *key, const char *registry)
{
	gxca_ca *ca = gxca__calloc(1, sizeof *ca);
	if (!ca) {
		sk_X509_pop_free(chain, X509_free);
		gxca_key_free(key);
		return gxca__oom(ctx);
	}
	ca->ctx = ctx;
	ca->chain = chain;
	ca->key = key;
	ca->cert = sk_X509_value(chain, 0);
	X509_up_ref(ca->cert);
	int rc = check_ca_cert(ctx, ca->cert, key);
	for (int i = 0; !rc && i < sk_X509_num(chain); i++)
		rc = gxca__x509_set_sm2_id(ctx, sk_X509_value(chain, i));
	if (!rc && (!gxca__asn1_time_get(X509_get0_notBefore(ca->cert), &ca->not_before) ||
		    !gxca__asn1_time_get(X509_get0_notAfter(ca->cert), &ca->not_after)))
		rc = gxca__fail(ctx, GXCA_ECERT_PARSE, "chain", "CA 证书有效期格式错误", "malformed CA certificate validity");
	if (!rc)
		rc = build_profile(ca);
	if (!rc && !(ca->sign_tmpl = gxca__pkey_md_ctx(ctx, key->pkey, true)))
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "无法使用 CA 私钥签名", "cannot sign with the CA key");
	if (!rc)
		rc = build_template(ca);
	if (!rc && !(ca->spki_dec = gxca__spki_decoder_new()))
		rc = gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	if (!rc)
		rc = gxca__registry_open(ctx, registry, &ca->reg);
	if (!rc)
		rc = gxca__registry_txn(ca->reg, true, bind_registry, ca);
	if (rc) {
		gxca_ca_free(ca);
		return rc;
	}
	*out = ca;
	return GXCA_OK;
}

static int check_registry_arg(gxca_ctx *ctx, const char *registry)
{
	return gxca__check_str(ctx, "registry", registry, 4096);
}

static int create_chain(gxca_ctx *ctx, int alg, const char *dir, STACK_OF(X509) **chain_out, gxca_key **key_out)
{
	gxca_key *root_key = NULL, *key = NULL;
	X509 *root = NULL, *issuing = NULL;
	int rc = gxca_key_generate(&root_key, ctx, alg);
	if (!rc)
		rc = gxca_key_generate(&key, ctx, alg);
	if (!rc)
		rc = make_ca_cert(ctx, NULL, root_key->pkey, root_key->pkey, "测试根CA", ROOT_YEARS, &root);
	if (!rc)
		rc = make_ca_cert(ctx, root, key->pkey, root_key->pkey, "测试CA", ISSUING_YEARS, &issuing);
	if (!rc && dir)
		rc = write_ca_files(ctx, dir, root, issuing, root_key, key);
	STACK_OF(X509) *chain = rc ? NULL : sk_X509_new_null();
	if (!rc && (!chain || sk_X509_push(chain, issuing) <= 0 || (issuing = NULL, sk_X509_push(chain, root) <= 0)))
		rc = gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	else if (!rc)
		root = NULL;
	X509_free(root);
	X509_free(issuing);
	gxca_key_free(root_key);
	if (rc) {
		sk_X509_pop_free(chain, X509_free);
		gxca_key_free(key);
		return rc;
	}
	*chain_out = chain;
	*key_out = key;
	return GXCA_OK;
}

int gxca_ca_create(gxca_ca **out, gxca_ctx *ctx, const char *dir, int key_alg, const char *registry)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out)
		return null_arg(ctx);
	*out = NULL;
	int alg = key_alg ? key_alg : ctx->policy->ca.default_key_alg;
	if (!gxca_key_alg_name(alg))
		return gxca__failf(ctx, GXCA_EINVAL, "key_alg", "未知密钥算法 %d", "unknown key algorithm %d", key_alg);
	int rc = check_registry_arg(ctx, registry);
	if (!rc && dir)
		rc = make_dir(ctx, dir);
	STACK_OF(X509) *chain = NULL;
	gxca_key *key = NULL;
	if (!rc)
		rc = create_chain(ctx, alg, dir, &chain, &key);
	return rc ? rc : assemble(out, ctx, chain, key, registry);
}

/* ---- gxca_ca_open ------------------------------------------------------------------ */

static int read_chain_pem(gxca_ctx *ctx, const char *path, STACK_OF(X509) **out)
{
	gxca__buf b = {0};
	int rc = gxca__check_str(ctx, "chain", path, 4096);
	if (!rc)
		rc = gxca__read_file(ctx, path, MAX_FILE, &b);
	BIO *bio = rc ? NULL : BIO_new_mem_buf(b.data, (int)b.len);
	STACK_OF(X509) *sk = rc ? NULL : sk_X509_new_null();
	X509 *x;
	while (bio && sk && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		if (sk_X509_push(sk, x) <= 0) {
			X509_free(x);
			break;
		}
	ERR_clear_error();
	BIO_free(bio);
	gxca__buf_free(&b);
	if (!rc && sk_X509_num(sk) <= 0)
		rc = gxca__failf(ctx, GXCA_ECERT_PARSE, "chain", "%s 中没有证书", "no certificate in %s", path);
	if (rc) {
		sk_X509_pop_free(sk, X509_free);
		return rc;
	}
	*out = sk;
	return GXCA_OK;
}

/* The certificates of a PKCS#12 file: the key's certificate first. */
static int read_chain_p12(gxca_ctx *ctx, const char *path, const char *password, STACK_OF(X509) **out)
{
	gxca__buf b = {0};
	int rc = gxca__read_file(ctx, path, MAX_FILE, &b);
	const unsigned char *p = (const unsigned char *)b.data;
	PKCS12 *p12 = rc ? NULL : d2i_PKCS12(NULL, &p, (long)b.len);
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *cas = NULL;
	if (!rc && (!p12 || PKCS12_parse(p12, password ? password : "", &pkey, &cert, &cas) != 1 || !cert))
		rc = gxca__fail_ossl(ctx, GXCA_ECERT_PARSE, "key", "无法从 PKCS#12 文件读取 CA 证书",
				     "cannot read the CA certificate from the PKCS#12 file");
	if (!rc && !cas && !(cas = sk_X509_new_null()))
		rc = gxca__oom(ctx);
	if (!rc && sk_X509_insert(cas, cert, 0) <= 0)
		rc = gxca__oom(ctx);
	else if (!rc)
		cert = NULL;
	EVP_PKEY_free(pkey);
	X509_free(cert);
	PKCS12_free(p12);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	gxca__buf_free(&b);
	if (rc) {
		sk_X509_pop_free(cas, X509_free);
		return rc;
	}
	*out = cas;
	return GXCA_OK;
}

static int load_ca_key(gxca_ctx *ctx, const char *key, const char *password, gxca_key **out)
{
	int rc = gxca__check_str(ctx, "key", key, 4096);
	if (rc)
		return rc;
	if (strncmp(key, "pkcs11:", 7) == 0)
		return gxca__ca_pkcs11_key(ctx, key, password, out);
	return gxca_key_load_file(out, ctx, key, password);
}

int gxca_ca_open(gxca_ca **out, gxca_ctx *ctx, const char *chain, const char *key, const char *password,
		 const char *registry)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out)
		return null_arg(ctx);
	*out = NULL;
	gxca_key *k = NULL;
	STACK_OF(X509) *sk = NULL;
	int rc = check_registry_arg(ctx, registry);
	if (!rc)
		rc = load_ca_key(ctx, key, password, &k);
	if (!rc && !chain && strncmp(key, "pkcs11:", 7) == 0)
		rc = gxca__fail(ctx, GXCA_EINVAL, "chain", "HSM 中的私钥需要给出 CA 证书链文件",
				"a key in an HSM needs the CA chain file");
	if (!rc)
		rc = chain ? read_chain_pem(ctx, chain, &sk) : read_chain_p12(ctx, key, password, &sk);
	if (rc) {
		gxca_key_free(k);
		return rc;
	}
	return assemble(out, ctx, sk, k, registry);
}

int gxca_ca_chain(const gxca_ca *ca, gxca_cert ***out, size_t *n)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out || !n)
		return null_arg(ca->ctx);
	*out = NULL;
	*n = 0;
	int count = sk_X509_num(ca->chain);
	gxca_cert **arr = gxca__calloc((size_t)count, sizeof *arr);
	if (!arr)
		return gxca__oom(ca->ctx);
	int rc = GXCA_OK;
	for (int i = 0; !rc && i < count; i++) {
		X509 *x = sk_X509_value(ca->chain, i);
		X509_up_ref(x);
		rc = gxca__cert_wrap(&arr[i], ca->ctx, x);
		if (rc)
			X509_free(x);
	}
	if (rc) {
		gxca_cert_chain_free(arr, (size_t)count);
		return rc;
	}
	*out = arr;
	*n = (size_t)count;
	return GXCA_OK;
}
