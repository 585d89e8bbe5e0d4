/*
 * lib/cert.c — X.509 certificates and v2 CRLs on OpenSSL 3: parse, getters,
 * chain + CRL verification.
 *
 * SM2 on OpenSSL 3.0 (research/ses.md §9): a certificate signed with SM2
 * verifies only when it carries the signer's distinguishing ID, so every
 * SM2-signed certificate gets the policy's ID when it is wrapped; CRLs have
 * no such setter in 3.0, so SM2 CRL signatures are checked by hand over the
 * TBS bytes.
 */
#include "cert-private.h"
#include "key-private.h"

#include <limits.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define MAX_CERT_BYTES (1u << 20)
#define MAX_CRL_BYTES (64u << 20)

/* ---- small helpers shared with ca.c ---------------------------------------- */

static const char *const reason_names[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
	"cessationOfOperation", "certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
	"aACompromise"};

const char *gxca_revocation_reason_name(int reason)
{
	if (reason < 0 || (size_t)reason >= GXCA_ARRAY_LEN(reason_names))
		return NULL;
	return reason_names[reason];
}

int gxca_revocation_reason_from_name(const char *name)
{
	for (size_t i = 0; name && i < GXCA_ARRAY_LEN(reason_names); i++)
		if (reason_names[i] && strcasecmp(reason_names[i], name) == 0)
			return (int)i;
	return -1;
}

bool gxca__asn1_time_get(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = gxca__days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return true;
}

bool gxca__asn1_time_set(ASN1_TIME *t, int64_t unix_time)
{
	/* ASN1_TIME_set picks UTCTime up to 2049 and GeneralizedTime after (RFC 5280). */
	return (time_t)unix_time == unix_time && ASN1_TIME_set(t, (time_t)unix_time) != NULL;
}

char *gxca__asn1_int_hex(const ASN1_INTEGER *ai)
{
	BIGNUM *bn = ai ? ASN1_INTEGER_to_BN(ai, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	char *out = hex ? gxca__strdup(hex) : NULL;
	OPENSSL_free(hex);
	BN_free(bn);
	return out;
}

char *gxca__name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *out = NULL;
	/* RFC 2253 order and escaping, but UTF-8 kept as is (no \XX for Hanzi). */
	if (bio && X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		char *data = NULL;
		long n = BIO_get_mem_data(bio, &data);
		out = n >= 0 ? gxca__strndup(data ? data : "", (size_t)n) : NULL;
	}
	BIO_free(bio);
	return out;
}

bool gxca__serial_normalise(const char *in, char *out, size_t cap)
{
	if (!in || cap < 3)
		return false;
	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		in += 2;
	while (*in == '0' && in[1])
		in++;
	size_t n = strlen(in);
	if (n == 0 || n + 2 > cap)
		return false;
	size_t o = 0;
	if (n % 2)
		out[o++] = '0';
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

int gxca__ossl_bytes_out(gxca_ctx *ctx, unsigned char *ossl, int n, uint8_t **out, size_t *out_len)
{
	if (n <= 0 || !ossl) {
		OPENSSL_free(ossl);
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "DER 编码失败", "DER encoding failed");
	}
	uint8_t *copy = gxca__malloc((size_t)n);
	if (copy)
		memcpy(copy, ossl, (size_t)n);
	OPENSSL_free(ossl);
	if (!copy)
		return gxca__oom(ctx);
	*out = copy;
	*out_len = (size_t)n;
	return GXCA_OK;
}

int gxca__bio_text_out(gxca_ctx *ctx, BIO *bio, char **out, size_t *out_len)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || !data)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "PEM 编码失败", "PEM encoding failed");
	char *copy = gxca__strndup(data, (size_t)n);
	if (!copy)
		return gxca__oom(ctx);
	*out = copy;
	*out_len = (size_t)n;
	return GXCA_OK;
}

static int null_arg(gxca_ctx *ctx)
{
	return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
}

/* ---- GM/T 0015 identity extensions ------------------------------------------ */

static const ASN1_OCTET_STRING *find_ext(const X509 *x, const char *oid)
{
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		char txt[64];
		if (OBJ_obj2txt(txt, sizeof txt, X509_EXTENSION_get_object(ext), 1) > 0 &&
		    strcmp(txt, oid) == 0)
			return X509_EXTENSION_get_data(ext);
	}
	return NULL;
}

/* A printable identity value: ASCII letters and digits only (USCC, ID
 * numbers). *out stays NULL for anything else; only OOM is an error. */
static int identity_text(gxca_ctx *ctx, const unsigned char *p, long len, char **out)
{
	if (len <= 0 || len > 64)
		return GXCA_OK;
	for (long i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= 'a' && p[i] <= 'z')))
			return GXCA_OK;
	*out = gxca__strndup((const char *)p, (size_t)len);
	return *out ? GXCA_OK : gxca__oom(ctx);
}

/* Any DirectoryString-like string type (PrintableString, UTF8String, ...). */
static int string_value(gxca_ctx *ctx, const unsigned char *p, long len, char **out)
{
	const unsigned char *q = p;
	ASN1_STRING *s = d2i_ASN1_PRINTABLE(NULL, &q, len);
	int rc = s && q == p + len ? identity_text(ctx, ASN1_STRING_get0_data(s), ASN1_STRING_length(s), out)
				   : GXCA_OK;
	ASN1_STRING_free(s);
	return rc;
}

/* IdentifyCode ::= CHOICE { residenterCardNumber [0] PrintableString, ... }.
 * The standard does not say EXPLICIT or IMPLICIT; accept both, and a bare string. */
static int id_code_value(gxca_ctx *ctx, const ASN1_OCTET_STRING *ext, char **out)
{
	const unsigned char *p = ASN1_STRING_get0_data(ext), *q = p;
	long len = ASN1_STRING_length(ext), inner;
	int tag, cls;
	int r = ASN1_get_object(&q, &inner, &tag, &cls, len);
	if (r & 0x80)
		return GXCA_OK;
	if (cls != V_ASN1_CONTEXT_SPECIFIC)
		return string_value(ctx, p, len, out);
	if (tag != 0 || q + inner != p + len)
		return GXCA_OK; /* military / passport numbers are not resident IDs */
	return (r & V_ASN1_CONSTRUCTED) ? string_value(ctx, q, inner, out) : identity_text(ctx, q, inner, out);
}

/* ---- certificates -------------------------------------------------------- */

/* The distinguishing ID on an SM2-signed certificate; false only for
 * memory. Records nothing on ctx (gxca__cert_x509 runs on any thread). */
static bool set_sm2_id(const gxca_ctx *ctx, X509 *x)
{
	if (X509_get_signature_nid(x) != NID_SM2_with_SM3)
		return true;
	const char *id = gxca__sm2_id(ctx);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	if (!v || ASN1_OCTET_STRING_set(v, (const unsigned char *)id, (int)strlen(id)) != 1) {
		ASN1_OCTET_STRING_free(v);
		return false;
	}
	X509_set0_distinguishing_id(x, v);
	return true;
}

int gxca__x509_set_sm2_id(gxca_ctx *ctx, X509 *x)
{
	return set_sm2_id(ctx, x) ? GXCA_OK : gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
}

static const int dn_nids[GXCA__DN_FIELDS] = {NID_countryName, NID_stateOrProvinceName,
					     NID_localityName, NID_organizationName,
					     NID_organizationalUnitName, NID_commonName};

/* First value of nid in name as UTF-8; *out NULL when absent. */
static int name_field(gxca_ctx *ctx, const X509_NAME *name, int nid, char **out)
{
	*out = NULL;
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	if (i < 0)
		return GXCA_OK;
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0)
		return gxca__fail_ossl(ctx, GXCA_ECERT_PARSE, "subject", "证书主题含无效字符串",
				       "the subject holds an invalid string");
	*out = gxca__strndup((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return *out ? GXCA_OK : gxca__oom(ctx);
}

static int usage_of(X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);
	if (ku == UINT32_MAX)
		return 0; /* no keyUsage extension */
	if (ku & KU_KEY_CERT_SIGN)
		return GXCA_CERT_CA;
	if (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))
		return GXCA_CERT_SIGN;
	if (ku & (KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT | KU_DATA_ENCIPHERMENT))
		return GXCA_CERT_ENCRYPT;
	return 0;
}

void gxca_cert_free(gxca_cert *cert)
{
	if (!cert)
		return;
	X509_free(cert->x509);
	gxca__free(cert->der);
	gxca__free(cert->subject);
	gxca__free(cert->issuer);
	gxca__free(cert->serial);
	for (size_t i = 0; i < GXCA__DN_FIELDS; i++)
		gxca__free(cert->field[i]);
	gxca__free(cert->uscc);
	gxca__free(cert->id_number);
	gxca__free(cert);
}

static int fill_identity(gxca_cert *c, gxca_ctx *ctx, X509 *x)
{
	const ASN1_OCTET_STRING *e;
	int rc = GXCA_OK;
	if ((e = find_ext(x, GXCA__OID_GMT0015_ORG_CODE)) &&
	    (rc = string_value(ctx, ASN1_STRING_get0_data(e), ASN1_STRING_length(e), &c->uscc)))
		return rc;
	if ((e = find_ext(x, GXCA__OID_GMT0015_ID_CODE)))
		rc = id_code_value(ctx, e, &c->id_number);
	return rc;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? gxca__strdup(s) : NULL;
	if (s && !d)
		*oom = true;
	return d;
}

/* The subject's text and fields. */
static int fill_subject(gxca_cert *c, gxca_ctx *ctx, const X509_NAME *subject)
{
	if (!(c->subject = gxca__name_text(subject)))
		return gxca__oom(ctx);
	int rc = GXCA_OK;
	for (size_t i = 0; !rc && i < GXCA__DN_FIELDS; i++)
		rc = name_field(ctx, subject, dn_nids[i], &c->field[i]);
	return rc;
}

/* The getter values of a parsed certificate. */
static int fill_cert(gxca_cert *c, gxca_ctx *ctx, X509 *x)
{
	int rc = fill_subject(c, ctx, X509_get_subject_name(x));
	if (rc)
		return rc;
	if (!(c->issuer = gxca__name_text(X509_get_issuer_name(x))) ||
	    !(c->serial = gxca__asn1_int_hex(X509_get0_serialNumber(x))))
		return gxca__oom(ctx);
	if (!gxca__asn1_time_get(X509_get0_notBefore(x), &c->not_before) ||
	    !gxca__asn1_time_get(X509_get0_notAfter(x), &c->not_after))
		return gxca__fail(ctx, GXCA_ECERT_PARSE, "validity", "证书有效期格式错误",
				  "malformed certificate validity");
	if (c->serial[0] == '-')
		return gxca__fail(ctx, GXCA_ECERT_PARSE, "serial", "证书序列号为负数",
				  "negative certificate serial number");
	if ((rc = fill_identity(c, ctx, x)))
		return rc;
	c->key_alg = gxca__pkey_alg(X509_get0_pubkey(x));
	c->usage = usage_of(x);
	ERR_clear_error(); /* lookups of absent extensions leave noise */
	return gxca__x509_set_sm2_id(ctx, x);
}

int gxca__cert_wrap(gxca_cert **out, gxca_ctx *ctx, X509 *x)
{
	gxca_cert *c = gxca__calloc(1, sizeof *c);
	if (!c)
		return gxca__oom(ctx);
	c->ctx = ctx;
	int rc = fill_cert(c, ctx, x);
	if (rc) {
		gxca_cert_free(c); /* x stays the caller's */
		return rc;
	}
	c->x509 = x;
	*out = c;
	return GXCA_OK;
}

int gxca__cert_from_issued(gxca_cert **out, gxca_ctx *ctx, uint8_t *der, size_t der_len,
			   const struct gxca__cert_facts *f)
{
	gxca_cert *c = gxca__calloc(1, sizeof *c);
	if (!c)
		return gxca__oom(ctx);
	c->ctx = ctx;
	bool oom = false;
	c->subject = dup_or_null(f->subject, &oom);
	for (size_t i = 0; i < GXCA__DN_FIELDS; i++)
		c->field[i] = dup_or_null(f->field[i], &oom);
	c->issuer = dup_or_null(f->issuer, &oom);
	c->serial = dup_or_null(f->serial, &oom);
	c->uscc = dup_or_null(f->uscc, &oom);
	c->id_number = dup_or_null(f->id_number, &oom);
	if (oom) {
		gxca_cert_free(c);
		return gxca__oom(ctx);
	}
	c->not_before = f->not_before;
	c->not_after = f->not_after;
	c->key_alg = f->key_alg;
	c->usage = f->usage;
	c->der = der;
	c->der_len = der_len;
	*out = c;
	return GXCA_OK;
}

X509 *gxca__cert_x509(const gxca_cert *c)
{
	X509 *x = __atomic_load_n(&c->x509, __ATOMIC_ACQUIRE);
	if (x || !c->der)
		return x;
	const unsigned char *p = c->der;
	X509 *fresh = d2i_X509(NULL, &p, (long)c->der_len);
	if (fresh && !set_sm2_id(c->ctx, fresh)) {
		X509_free(fresh);
		fresh = NULL;
	}
	if (!fresh) {
		ERR_clear_error();
		return NULL;
	}
	X509 *none = NULL;
	if (__atomic_compare_exchange_n(&((gxca_cert *)c)->x509, &none, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return fresh;
	X509_free(fresh); /* another thread was first */
	return none;
}

EVP_PKEY *gxca__cert_pubkey(const gxca_cert *c)
{
	X509 *x = gxca__cert_x509(c);
	return x ? X509_get0_pubkey(x) : NULL;
}

static int start(gxca_ctx *ctx, void *out, const void *data, size_t len, size_t max)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out || !data)
		return null_arg(ctx);
	if (len == 0)
		return gxca__fail(ctx, GXCA_EINVAL, "data", "数据为空", "empty input");
	if (len > max || len > INT_MAX)
		return gxca__fail(ctx, GXCA_ETOOBIG, "data", "输入过大", "input too large");
	return GXCA_OK;
}

static int cert_from_x509(gxca_cert **out, gxca_ctx *ctx, X509 *x)
{
	if (!x)
		return gxca__fail_ossl(ctx, GXCA_ECERT_PARSE, "data", "无法解析证书", "cannot parse the certificate");
	int rc = gxca__cert_wrap(out, ctx, x);
	if (rc)
		X509_free(x);
	return rc;
}

int gxca_cert_from_der(gxca_cert **out, gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	int rc = start(ctx, out, der, len, MAX_CERT_BYTES);
	if (rc)
		return rc;
	*out = NULL;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		return gxca__fail(ctx, GXCA_ECERT_PARSE, "data", "证书后有多余数据",
				  "trailing bytes after the certificate");
	}
	return cert_from_x509(out, ctx, x);
}

int gxca_cert_from_pem(gxca_cert **out, gxca_ctx *ctx, const char *pem, size_t len)
{
	int rc = start(ctx, out, pem, len, MAX_CERT_BYTES);
	if (rc)
		return rc;
	*out = NULL;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return cert_from_x509(out, ctx, x);
}

bool gxca__looks_pem(const void *p, size_t len)
{
	const char *data = p;
	static const char tag[] = "-----BEGIN";
	for (size_t i = 0; i + sizeof tag - 1 <= len && i < 4096; i++)
		if (memcmp(data + i, tag, sizeof tag - 1) == 0)
			return true;
	return false;
}

/* Read a file then parse it as PEM or DER with the given parsers. */
static int load_file(gxca_ctx *ctx, const char *path, size_t max, gxca__buf *b)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	int rc = gxca__check_str(ctx, "path", path, 4096);
	return rc ? rc : gxca__read_file(ctx, path, max, b);
}

int gxca_cert_load_file(gxca_cert **out, gxca_ctx *ctx, const char *path)
{
	if (!out)
		return ctx ? null_arg(ctx) : GXCA_EINVAL;
	*out = NULL;
	gxca__buf b = {0};
	int rc = load_file(ctx, path, MAX_CERT_BYTES, &b);
	if (!rc)
		rc = gxca__looks_pem(b.data, b.len) ? gxca_cert_from_pem(out, ctx, b.data, b.len)
					      : gxca_cert_from_der(out, ctx, (const uint8_t *)b.data, b.len);
	gxca__buf_free(&b);
	return rc;
}

void gxca_cert_chain_free(gxca_cert **certs, size_t n)
{
	if (!certs)
		return;
	for (size_t i = 0; i < n; i++)
		gxca_cert_free(certs[i]);
	gxca__free(certs);
}

static int chain_push(gxca_ctx *ctx, gxca_cert ***arr, size_t *n, X509 *x)
{
	gxca_cert **grown = gxca__realloc(*arr, (*n + 1) * sizeof **arr);
	if (!grown) {
		X509_free(x);
		return gxca__oom(ctx);
	}
	*arr = grown;
	int rc = cert_from_x509(&grown[*n], ctx, x);
	if (!rc)
		(*n)++;
	return rc;
}

int gxca_cert_chain_from_pem(gxca_cert ***out, size_t *n, gxca_ctx *ctx, const char *pem, size_t len)
{
	int rc = start(ctx, out, pem, len, MAX_CERT_BYTES * 16);
	if (rc || !n)
		return rc ? rc : null_arg(ctx);
	*out = NULL;
	*n = 0;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	gxca_cert **arr = NULL;
	size_t count = 0;
	X509 *x;
	while (!rc && bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		rc = chain_push(ctx, &arr, &count, x);
	BIO_free(bio);
	ERR_clear_error(); /* the end of the input reads as "no start line" */
	if (!rc && count == 0)
		rc = gxca__fail(ctx, GXCA_ECERT_PARSE, "data", "没有找到证书", "no certificate found");
	if (rc) {
		gxca_cert_chain_free(arr, count);
		return rc;
	}
	*out = arr;
	*n = count;
	return GXCA_OK;
}

int gxca_cert_chain_load_file(gxca_cert ***out, size_t *n, gxca_ctx *ctx, const char *path)
{
	if (!out || !n)
		return ctx ? null_arg(ctx) : GXCA_EINVAL;
	*out = NULL;
	*n = 0;
	gxca__buf b = {0};
	int rc = load_file(ctx, path, MAX_CERT_BYTES * 16, &b);
	if (!rc)
		rc = gxca_cert_chain_from_pem(out, n, ctx, b.data, b.len);
	gxca__buf_free(&b);
	return rc;
}

int gxca_cert_to_der(const gxca_cert *cert, uint8_t **out, size_t *out_len)
{
	if (!cert)
		return GXCA_EINVAL;
	gxca__clear(cert->ctx);
	if (!out || !out_len)
		return null_arg(cert->ctx);
	*out = NULL;
	*out_len = 0;
	if (cert->der) {
		if (!(*out = gxca__malloc(cert->der_len)))
			return gxca__oom(cert->ctx);
		memcpy(*out, cert->der, cert->der_len);
		*out_len = cert->der_len;
		return GXCA_OK;
	}
	unsigned char *der = NULL;
	int n = i2d_X509(cert->x509, &der);
	return gxca__ossl_bytes_out(cert->ctx, der, n, out, out_len);
}

int gxca_cert_to_pem(const gxca_cert *cert, char **out, size_t *out_len)
{
	if (!cert)
		return GXCA_EINVAL;
	gxca__clear(cert->ctx);
	if (!out || !out_len)
		return null_arg(cert->ctx);
	*out = NULL;
	*out_len = 0;
	BIO *bio = BIO_new(BIO_s_mem());
	bool ok = bio && (cert->der ? PEM_write_bio(bio, PEM_STRING_X509, "", cert->der, (long)cert->der_len) > 0
				    : PEM_write_bio_X509(bio, cert->x509) == 1);
	int rc = ok
			 ? gxca__bio_text_out(cert->ctx, bio, out, out_len)
			 : gxca__fail_ossl(cert->ctx, GXCA_ECRYPTO, NULL, "PEM 编码失败", "PEM encoding failed");
	BIO_free(bio);
	return rc;
}

int gxca_cert_public_der(const gxca_cert *cert, uint8_t **out, size_t *out_len)
{
	if (!cert)
		return GXCA_EINVAL;
	gxca__clear(cert->ctx);
	if (!out || !out_len)
		return null_arg(cert->ctx);
	*out = NULL;
	*out_len = 0;
	X509 *x = gxca__cert_x509(cert);
	if (!x)
		return gxca__fail(cert->ctx, GXCA_ECERT_PARSE, "cert", "无法解析证书", "cannot parse the certificate");
	unsigned char *der = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	return gxca__ossl_bytes_out(cert->ctx, der, n, out, out_len);
}

const char *gxca_cert_subject(const gxca_cert *cert) { return cert ? cert->subject : ""; }
const char *gxca_cert_issuer(const gxca_cert *cert) { return cert ? cert->issuer : ""; }
const char *gxca_cert_serial(const gxca_cert *cert) { return cert ? cert->serial : ""; }
int64_t gxca_cert_not_before(const gxca_cert *cert) { return cert ? cert->not_before : 0; }
int64_t gxca_cert_not_after(const gxca_cert *cert) { return cert ? cert->not_after : 0; }
int gxca_cert_key_algorithm(const gxca_cert *cert) { return cert ? cert->key_alg : 0; }
int gxca_cert_usage(const gxca_cert *cert) { return cert ? cert->usage : 0; }
const char *gxca_cert_uscc(const gxca_cert *cert) { return cert ? cert->uscc : NULL; }
const char *gxca_cert_id_number(const gxca_cert *cert) { return cert ? cert->id_number : NULL; }

const char *gxca_cert_subject_field(const gxca_cert *cert, int field)
{
	if (!cert || field < GXCA_DN_C || field > GXCA_DN_CN)
		return NULL;
	return cert->field[field - 1];
}

/* ---- CRLs ------------------------------------------------------------------ */

void gxca_crl_free(gxca_crl *crl)
{
	if (!crl)
		return;
	X509_CRL_free(crl->crl);
	gxca__free(crl->issuer);
	for (size_t i = 0; i < crl->n_entry; i++)
		gxca__free(crl->entry[i].serial);
	gxca__free(crl->entry);
	gxca__free(crl);
}

static int64_t crl_number(X509_CRL *crl)
{
	int crit = 0;
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	int64_t v = -1;
	if (!num || ASN1_INTEGER_get_int64(&v, num) != 1 || v < 0)
		v = -1;
	ASN1_INTEGER_free(num);
	return v;
}

static int fill_entry(gxca_ctx *ctx, struct gxca__crl_entry *e, X509_REVOKED *r)
{
	if (!(e->serial = gxca__asn1_int_hex(X509_REVOKED_get0_serialNumber(r))))
		return gxca__oom(ctx);
	if (!gxca__asn1_time_get(X509_REVOKED_get0_revocationDate(r), &e->revoked_at))
		return gxca__fail(ctx, GXCA_ECRL_PARSE, "revocationDate", "注销日期格式错误",
				  "malformed revocation date");
	int crit = 0;
	ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, NULL);
	long v = reason ? ASN1_ENUMERATED_get(reason) : GXCA_REASON_UNSPECIFIED;
	ASN1_ENUMERATED_free(reason);
	e->reason = gxca_revocation_reason_name((int)v) && v <= INT_MAX ? (int)v : GXCA_REASON_UNSPECIFIED;
	return GXCA_OK;
}

static int fill_crl(gxca_crl *c, gxca_ctx *ctx, X509_CRL *crl)
{
	if (!(c->issuer = gxca__name_text(X509_CRL_get_issuer(crl))))
		return gxca__oom(ctx);
	if (!gxca__asn1_time_get(X509_CRL_get0_lastUpdate(crl), &c->this_update) ||
	    (X509_CRL_get0_nextUpdate(crl) &&
	     !gxca__asn1_time_get(X509_CRL_get0_nextUpdate(crl), &c->next_update)))
		return gxca__fail(ctx, GXCA_ECRL_PARSE, "thisUpdate", "CRL 时间格式错误", "malformed CRL time");
	c->number = crl_number(crl);
	STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
	int n = revs ? sk_X509_REVOKED_num(revs) : 0;
	if (n > 0 && !(c->entry = gxca__calloc((size_t)n, sizeof *c->entry)))
		return gxca__oom(ctx);
	for (int i = 0; i < n; i++, c->n_entry++) {
		int rc = fill_entry(ctx, &c->entry[i], sk_X509_REVOKED_value(revs, i));
		if (rc) {
			c->n_entry++; /* free the partial entry too */
			return rc;
		}
	}
	ERR_clear_error();
	return GXCA_OK;
}

int gxca__crl_wrap(gxca_crl **out, gxca_ctx *ctx, X509_CRL *crl)
{
	gxca_crl *c = gxca__calloc(1, sizeof *c);
	if (!c)
		return gxca__oom(ctx);
	c->ctx = ctx;
	int rc = fill_crl(c, ctx, crl);
	if (rc) {
		gxca_crl_free(c);
		return rc;
	}
	c->crl = crl;
	*out = c;
	return GXCA_OK;
}

static int crl_from_x509(gxca_crl **out, gxca_ctx *ctx, X509_CRL *crl)
{
	if (!crl)
		return gxca__fail_ossl(ctx, GXCA_ECRL_PARSE, "data", "无法解析证书注销列表", "cannot parse the CRL");
	int rc = gxca__crl_wrap(out, ctx, crl);
	if (rc)
		X509_CRL_free(crl);
	return rc;
}

int gxca_crl_from_der(gxca_crl **out, gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	int rc = start(ctx, out, der, len, MAX_CRL_BYTES);
	if (rc)
		return rc;
	*out = NULL;
	const unsigned char *p = der;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (crl && p != der + len) {
		X509_CRL_free(crl);
		return gxca__fail(ctx, GXCA_ECRL_PARSE, "data", "CRL 后有多余数据", "trailing bytes after the CRL");
	}
	return crl_from_x509(out, ctx, crl);
}

int gxca_crl_from_pem(gxca_crl **out, gxca_ctx *ctx, const char *pem, size_t len)
{
	int rc = start(ctx, out, pem, len, MAX_CRL_BYTES);
	if (rc)
		return rc;
	*out = NULL;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509_CRL *crl = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return crl_from_x509(out, ctx, crl);
}

int gxca_crl_load_file(gxca_crl **out, gxca_ctx *ctx, const char *path)
{
	if (!out)
		return ctx ? null_arg(ctx) : GXCA_EINVAL;
	*out = NULL;
	gxca__buf b = {0};
	int rc = load_file(ctx, path, MAX_CRL_BYTES, &b);
	if (!rc)
		rc = gxca__looks_pem(b.data, b.len) ? gxca_crl_from_pem(out, ctx, b.data, b.len)
					      : gxca_crl_from_der(out, ctx, (const uint8_t *)b.data, b.len);
	gxca__buf_free(&b);
	return rc;
}

int gxca_crl_to_der(const gxca_crl *crl, uint8_t **out, size_t *out_len)
{
	if (!crl)
		return GXCA_EINVAL;
	gxca__clear(crl->ctx);
	if (!out || !out_len)
		return null_arg(crl->ctx);
	*out = NULL;
	*out_len = 0;
	unsigned char *der = NULL;
	int n = i2d_X509_CRL(crl->crl, &der);
	return gxca__ossl_bytes_out(crl->ctx, der, n, out, out_len);
}

int gxca_crl_to_pem(const gxca_crl *crl, char **out, size_t *out_len)
{
	if (!crl)
		return GXCA_EINVAL;
	gxca__clear(crl->ctx);
	if (!out || !out_len)
		return null_arg(crl->ctx);
	*out = NULL;
	*out_len = 0;
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = bio && PEM_write_bio_X509_CRL(bio, crl->crl) == 1
			 ? gxca__bio_text_out(crl->ctx, bio, out, out_len)
			 : gxca__fail_ossl(crl->ctx, GXCA_ECRYPTO, NULL, "PEM 编码失败", "PEM encoding failed");
	BIO_free(bio);
	return rc;
}

const char *gxca_crl_issuer(const gxca_crl *crl) { return crl ? crl->issuer : ""; }
int64_t gxca_crl_number(const gxca_crl *crl) { return crl ? crl->number : -1; }
int64_t gxca_crl_this_update(const gxca_crl *crl) { return crl ? crl->this_update : 0; }
int64_t gxca_crl_next_update(const gxca_crl *crl) { return crl ? crl->next_update : 0; }
size_t gxca_crl_count(const gxca_crl *crl) { return crl ? crl->n_entry : 0; }

static void entry_out(const struct gxca__crl_entry *e, const char **serial, int *reason, int64_t *at)
{
	if (serial)
		*serial = e->serial;
	if (reason)
		*reason = e->reason;
	if (at)
		*at = e->revoked_at;
}

int gxca_crl_entry(const gxca_crl *crl, size_t i, const char **serial, int *reason, int64_t *revoked_at)
{
	if (!crl)
		return GXCA_EINVAL;
	gxca__clear(crl->ctx);
	if (i >= crl->n_entry)
		return gxca__failf(crl->ctx, GXCA_ERANGE, "index", "序号 %zu 超出范围（共 %zu 项）",
				   "index %zu out of range (%zu entries)", i, crl->n_entry);
	entry_out(&crl->entry[i], serial, reason, revoked_at);
	return GXCA_OK;
}

int gxca_crl_find(const gxca_crl *crl, const char *serial, int *reason, int64_t *revoked_at)
{
	if (!crl)
		return GXCA_EINVAL;
	gxca__clear(crl->ctx);
	char norm[128];
	if (!serial || !gxca__serial_normalise(serial, norm, sizeof norm))
		return gxca__fail(crl->ctx, GXCA_EINVAL, "serial", "序列号不是十六进制数",
				  "the serial is not a hexadecimal number");
	for (size_t i = 0; i < crl->n_entry; i++)
		if (strcmp(crl->entry[i].serial, norm) == 0) {
			entry_out(&crl->entry[i], NULL, reason, revoked_at);
			return GXCA_OK;
		}
	return gxca__failf(crl->ctx, GXCA_ENOTFOUND, "serial", "序列号 %s 不在注销列表中",
			   "serial %s is not on the CRL", norm);
}

/* The CRL's signature: the standard path, except SM2 (distinguishing ID). */
static int crl_signature_ok(gxca_ctx *ctx, X509_CRL *crl, EVP_PKEY *pkey)
{
	if (gxca__pkey_alg(pkey) != GXCA_KEY_SM2)
		return X509_CRL_verify(crl, pkey) == 1;
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;
	X509_CRL_get0_signature(crl, &sig, &alg);
	if (!sig || !alg || OBJ_obj2nid(alg->algorithm) != NID_SM2_with_SM3)
		return 0;
	unsigned char *tbs = NULL;
	int n = i2d_re_X509_CRL_tbs(crl, &tbs);
	EVP_MD_CTX *mctx = n > 0 ? gxca__pkey_md_ctx(ctx, pkey, false) : NULL;
	int ok = mctx && EVP_DigestVerify(mctx, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig),
					  tbs, (size_t)n) == 1;
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(tbs);
	return ok;
}

/* Same name, and the same key when the CRL says which (authorityKeyIdentifier). */
static bool crl_from(X509_CRL *crl, X509 *issuer)
{
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0)
		return false;
	AUTHORITY_KEYID *akid = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	bool same = !akid || !akid->keyid || !ski || ASN1_OCTET_STRING_cmp(akid->keyid, ski) == 0;
	AUTHORITY_KEYID_free(akid);
	return same;
}

int gxca_crl_verify(const gxca_crl *crl, const gxca_cert *issuer)
{
	if (!crl)
		return GXCA_EINVAL;
	gxca__clear(crl->ctx);
	if (!issuer)
		return null_arg(crl->ctx);
	X509 *ix = gxca__cert_x509(issuer);
	if (!ix || !crl_from(crl->crl, ix))
		return gxca__failf(crl->ctx, GXCA_ECRL_ISSUER, "issuer", "CRL 颁发者为 %s，不是 %s",
				   "the CRL issuer is %s, not %s", crl->issuer, issuer->subject);
	if (!crl_signature_ok(crl->ctx, crl->crl, gxca__cert_pubkey(issuer))) {
		ERR_clear_error();
		return gxca__fail(crl->ctx, GXCA_ECRL_BAD_SIGNATURE, "signature", "CRL 签名验证失败",
				  "the CRL signature does not verify");
	}
	return GXCA_OK;
}

/* ---- chain verification --------------------------------------------------- */

static int map_verify_error(gxca_ctx *ctx, int err, int depth)
{
	int code;
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED: code = GXCA_ECERT_EXPIRED; break;
	case X509_V_ERR_CERT_NOT_YET_VALID: code = GXCA_ECERT_NOT_YET_VALID; break;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: code = GXCA_ECERT_BAD_SIGNATURE; break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: code = GXCA_ECERT_UNKNOWN_ISSUER; break;
	default: code = GXCA_ECERT_CHAIN; break;
	}
	const char *what = X509_verify_cert_error_string(err);
	gxca__failf(ctx, code, "chain", "证书链验证失败（第 %d 层）：%s", "chain verification failed at depth %d: %s",
		    depth, what);
	gxca__set_detail(ctx, what);
	return code;
}

/* leaf comes from gxca__cert_x509(), parsed from DER: its key is decoded
 * unless OpenSSL cannot decode it at all. */
static int verify_chain(gxca_ctx *ctx, X509 *leaf, const gxca_cert *const *chain, size_t n, int64_t at)
{
	if (!X509_get0_pubkey(leaf))
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, "cert", "无法读取证书公钥", "cannot read the certificate key");
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	int rc = store && sctx ? GXCA_OK : gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	for (size_t i = 0; !rc && i < n; i++)
		if (!chain[i] || X509_STORE_add_cert(store, gxca__cert_x509(chain[i])) != 1)
			rc = chain[i] ? gxca__fail_ossl(ctx, GXCA_ECRYPTO, "chain", "无法加入信任证书",
							"cannot add a trusted certificate")
				      : gxca__failf(ctx, GXCA_EINVAL, "chain", "信任证书 %zu 为空",
						    "trusted certificate %zu is NULL", i);
	if (!rc && X509_STORE_CTX_init(sctx, store, leaf, NULL) != 1)
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "chain", "验证初始化失败", "cannot set up verification");
	if (!rc) {
		/* Any trusted certificate may anchor the path (an issuing CA alone is enough). */
		X509_STORE_CTX_set_flags(sctx, X509_V_FLAG_PARTIAL_CHAIN);
		X509_STORE_CTX_set_time(sctx, 0, (time_t)at);
		if (X509_verify_cert(sctx) != 1)
			rc = map_verify_error(ctx, X509_STORE_CTX_get_error(sctx),
					      X509_STORE_CTX_get_error_depth(sctx));
		ERR_clear_error();
	}
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	return rc;
}

static const gxca_cert *find_issuer(const gxca_cert *cert, const gxca_cert *const *chain, size_t n)
{
	X509 *x = gxca__cert_x509(cert), *ix;
	for (size_t i = 0; x && i < n; i++)
		if (chain[i] && (ix = gxca__cert_x509(chain[i])) && X509_check_issued(ix, x) == X509_V_OK)
			return chain[i];
	return NULL;
}

static int check_crl(const gxca_cert *cert, const gxca_cert *const *chain, size_t n, const gxca_crl *crl,
		     int64_t at, int *reason, int64_t *revoked_at)
{
	gxca_ctx *ctx = cert->ctx;
	const gxca_cert *issuer = find_issuer(cert, chain, n);
	if (!issuer || X509_NAME_cmp(X509_CRL_get_issuer(crl->crl), X509_get_issuer_name(gxca__cert_x509(cert))) != 0)
		return gxca__failf(ctx, GXCA_ECRL_ISSUER, "crl", "CRL 颁发者 %s 不是证书颁发者 %s",
				   "the CRL issuer %s is not the certificate issuer %s", crl->issuer, cert->issuer);
	int rc = gxca_crl_verify(crl, issuer);
	if (rc)
		return rc;
	if (at < crl->this_update || (crl->next_update && at > crl->next_update))
		return gxca__fail(ctx, GXCA_ECRL_STALE, "crl", "CRL 在所查时间不在有效期内",
				  "the CRL is not current at the time checked");
	for (size_t i = 0; i < crl->n_entry; i++) {
		const struct gxca__crl_entry *e = &crl->entry[i];
		if (strcmp(e->serial, cert->serial) != 0 || e->revoked_at > at)
			continue;
		entry_out(e, NULL, reason, revoked_at);
		char date[GXCA_DATE_SIZE] = "?";
		(void)gxca_calendar_date_of(e->revoked_at, date);
		return gxca__failf(ctx, GXCA_ECERT_REVOKED, "crl", "证书已于 %s 注销，原因 %s",
				   "certificate revoked on %s, reason %s", date,
				   gxca_revocation_reason_name(e->reason));
	}
	return GXCA_OK;
}

int gxca_cert_verify(const gxca_cert *cert, const gxca_cert *const *chain, size_t chain_len,
		     const gxca_crl *crl, int64_t at, int *revoked_reason, int64_t *revoked_at)
{
	if (!cert)
		return GXCA_EINVAL;
	gxca_ctx *ctx = cert->ctx;
	gxca__clear(ctx);
	if (!chain && chain_len)
		return null_arg(ctx);
	if (chain_len > 64)
		return gxca__fail(ctx, GXCA_ETOOBIG, "chain", "信任证书过多", "too many trusted certificates");
	if (at == 0)
		at = (int64_t)time(NULL);
	if (at < 0)
		return gxca__fail(ctx, GXCA_ERANGE, "at", "时间无效", "invalid time");
	X509 *x = gxca__cert_x509(cert);
	if (!x)
		return gxca__fail(ctx, GXCA_ECERT_PARSE, "cert", "无法解析证书", "cannot parse the certificate");
	int rc = verify_chain(ctx, x, chain, chain_len, at);
	if (!rc && crl)
		rc = check_crl(cert, chain, chain_len, crl, at, revoked_reason, revoked_at);
	return rc;
}
