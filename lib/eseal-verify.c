/*
 * lib/eseal-verify.c — verification of electronic seals and signatures.
 *
 * Each check records its outcome in a gxca_eseal_result; the call returns
 * the code of the first failed check in GXCA_ESEAL_CHECK_* order. Signatures
 * are checked over the bytes as received; the signature value may be DER,
 * DER with padded INTEGERs, or raw r||s (research/ses.md §6): the latter two
 * are turned into strict DER for OpenSSL and reported as quirks.
 */
#include "eseal-private.h"
#include "key-private.h"

#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#define N_CHECKS 9
#define MAX_ANCHORS 64

typedef struct {
	int code;
	uint32_t quirks;
	char zh[512], en[512];
} check_out;

struct gxca_eseal_result {
	uint32_t ran, failed;
	int64_t at;
	check_out c[N_CHECKS];
};

/* One verification: what it needs and where it records. */
typedef struct {
	gxca_ctx *ctx;
	gxca_eseal_result *r;
	uint32_t flags;
	X509_STORE *store; /* NULL without anchors */
} vctx;

static const char *const check_names[N_CHECKS] = {"signature",       "seal-signature", "data",
						  "signer-in-seal",  "seal-validity",  "signer-cert-time",
						  "maker-cert-time", "signer-chain",   "maker-chain"};

static const char *const quirk_names[] = {"raw-rs",     "nonminimal-int", "explicit-default", "time-type",
					  "cert-entry", "octet-string",   "tagged-ext"};

static int check_index(uint32_t check)
{
	for (int i = 0; i < N_CHECKS; i++)
		if (check == (1u << i))
			return i;
	return -1;
}

const char *gxca_eseal_check_name(uint32_t check)
{
	int i = check_index(check);
	return i < 0 ? NULL : check_names[i];
}

const char *gxca_eseal_quirk_name(uint32_t quirk)
{
	for (size_t i = 0; i < GXCA_ARRAY_LEN(quirk_names); i++)
		if (quirk == (1u << i))
			return quirk_names[i];
	return NULL;
}

/* Record a check. rc is its status; on failure the ctx holds the reason. */
static void record(vctx *v, uint32_t check, int rc, uint32_t quirks)
{
	check_out *c = &v->r->c[check_index(check)];
	v->r->ran |= check;
	c->quirks = quirks;
	if (rc == GXCA_OK)
		return;
	v->r->failed |= check;
	c->code = rc;
	snprintf(c->zh, sizeof c->zh, "%s", v->ctx->err.zh);
	snprintf(c->en, sizeof c->en, "%s", v->ctx->err.en);
	gxca__clear(v->ctx);
}

/* ---- certificates ------------------------------------------------------------ */

/* SM2-signed certificates need the distinguishing ID to verify (ses.md §9). */
static bool set_distid(gxca_ctx *ctx, X509 *x)
{
	if (X509_get_signature_nid(x) != NID_SM2_with_SM3)
		return true;
	const char *id = gxca__sm2_id(ctx);
	ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
	if (!o || !ASN1_OCTET_STRING_set(o, (const unsigned char *)id, (int)strlen(id))) {
		ASN1_OCTET_STRING_free(o);
		return false;
	}
	X509_set0_distinguishing_id(x, o);
	return true;
}

/* A full X509 (chain checks only: d2i_X509 decodes the key through the
 * provider decoders, ~100 us, as much as an SM2 verification). */
static int load_x509(gxca_ctx *ctx, const gxca__bytes *der, const char *field, X509 **out)
{
	const unsigned char *q = der->p;
	*out = NULL;
	X509 *x = der->p && der->len <= GXCA__ESEAL_MAX_DER ? d2i_X509(NULL, &q, (long)der->len) : NULL;
	if (!x || q != der->p + der->len) {
		X509_free(x);
		return gxca__fail_ossl(ctx, GXCA_EESEAL_MALFORMED, field, "证书不是有效的 DER X.509 证书",
				       "the certificate is not a valid DER X.509 certificate");
	}
	if (!set_distid(ctx, x)) {
		X509_free(x);
		return gxca__oom(ctx);
	}
	*out = x;
	return GXCA_OK;
}

/* The SM2 public key of an SPKI: id-ecPublicKey with the SM2 curve (or the
 * SM2 OID itself, as some issuers write), point in the BIT STRING. */
static int spki_point(const gxca__tlv *spki, gxca__bytes *point)
{
	gxca__tlv k[2], alg[2];
	size_t n = 0, na = 0;
	char *a0 = NULL, *a1 = NULL;
	if (gxca__tlv_children(spki, k, 2, &n) || n != 2 || gxca__tlv_children(&k[0], alg, 2, &na) ||
	    na < 1 || gxca__asn1_bits(&k[1], point))
		return GXCA_EESEAL_MALFORMED;
	int rc = gxca__asn1_oid(&alg[0], &a0);
	if (!rc && na == 2 && gxca__tlv_is(&alg[1], V_ASN1_UNIVERSAL, V_ASN1_OBJECT, false))
		rc = gxca__asn1_oid(&alg[1], &a1);
	bool sm2 = !rc &&
		   (strcmp(a0, "1.2.156.10197.1.301") == 0 ||
		    (strcmp(a0, "1.2.840.10045.2.1") == 0 && a1 && strcmp(a1, "1.2.156.10197.1.301") == 0));
	gxca__free(a0);
	gxca__free(a1);
	return rc ? rc : sm2 ? GXCA_OK : GXCA_EESEAL_UNSUPPORTED;
}

/* An SM2 public key from its point; EVP_PKEY_fromdata checks it is on the curve. */
static int point_key(const gxca__bytes *point, EVP_PKEY **pub)
{
	OSSL_PARAM ps[] = {OSSL_PARAM_construct_utf8_string("group", (char *)"SM2", 0),
			   OSSL_PARAM_construct_octet_string("pub", (void *)point->p, point->len),
			   OSSL_PARAM_END};
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	int rc = GXCA_OK;
	*pub = NULL;
	if (!pc || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, pub, EVP_PKEY_PUBLIC_KEY, ps) != 1)
		rc = GXCA_EESEAL_MALFORMED;
	EVP_PKEY_CTX_free(pc);
	return rc;
}

/*
 * What verification needs of a certificate (its validity and SM2 key), read
 * with the TLV walker: Certificate ::= SEQ { tbs SEQ { [0] version OPT,
 * serial, signature, issuer, validity SEQ { notBefore, notAfter }, subject,
 * spki, ... }, signatureAlgorithm, signature }.
 */
int gxca__ses_cert_read(gxca_ctx *ctx, const uint8_t *der, size_t len, const char *field, int mode,
			gxca__ses_cert_view *out)
{
	gxca__tlv top, k[3], t[10], v[2];
	size_t n = 0, nt = 0, nv = 0;
	int enc, rc = GXCA_EESEAL_MALFORMED;
	memset(out, 0, sizeof *out);
	if (der && !gxca__tlv_whole(&top, der, len) &&
	    gxca__tlv_is(&top, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true) &&
	    !gxca__tlv_children(&top, k, 3, &n) && n == 3 && !gxca__tlv_children(&k[0], t, 10, &nt)) {
		size_t i = nt && gxca__ses_is_ctx0(&t[0]) ? 1 : 0;
		if (nt >= i + 6 && !gxca__tlv_children(&t[i + 3], v, 2, &nv) && nv == 2 &&
		    !gxca__asn1_time(&v[0], &out->not_before, &enc) &&
		    !gxca__asn1_time(&v[1], &out->not_after, &enc))
			rc = mode >= GXCA__CERT_SM2_POINT ? spki_point(&t[i + 5], &out->point) : GXCA_OK;
	}
	if (!rc && mode == GXCA__CERT_SM2_KEY)
		rc = point_key(&out->point, &out->pub);
	ERR_clear_error();
	if (rc == GXCA_ENOMEM)
		return gxca__oom(ctx);
	if (rc == GXCA_EESEAL_UNSUPPORTED)
		return gxca__fail(ctx, rc, field, "证书公钥不是 SM2", "the certificate key is not SM2");
	if (rc)
		return gxca__fail(ctx, rc, field, "证书不是有效的 DER X.509 证书",
				  "the certificate is not a valid DER X.509 certificate");
	return GXCA_OK;
}

/* Same public key? The encoded points first (cheap), then EVP_PKEY_eq, which
 * also settles other encodings of the same point and token keys. */
static bool same_key(EVP_PKEY *pkey, const gxca__bytes *point)
{
	unsigned char enc[160];
	size_t n = 0;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, enc, sizeof enc, &n) == 1 &&
	    n == point->len && memcmp(enc, point->p, n) == 0)
		return true;
	EVP_PKEY *pub = NULL;
	bool eq = point_key(point, &pub) == GXCA_OK && EVP_PKEY_eq(pub, pkey) == 1;
	EVP_PKEY_free(pub);
	return eq;
}

int gxca__ses_key_matches(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *der, size_t len)
{
	gxca__ses_cert_view cv;
	int rc = gxca__ses_cert_read(ctx, der, len, "cert", GXCA__CERT_SM2_POINT, &cv);
	if (rc)
		return rc == GXCA_EESEAL_MALFORMED
			       ? gxca__fail(ctx, GXCA_EINVAL, "cert", "证书无效", "invalid certificate")
			       : rc;
	if (!same_key(pkey, &cv.point))
		rc = gxca__fail(ctx, GXCA_EESEAL_KEY_MISMATCH, "cert", "私钥与证书不匹配",
				"the key does not match the certificate");
	ERR_clear_error();
	return rc;
}

static void fmt_time(int64_t t, char *buf, size_t n)
{
	int y, m, d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, s = t - days * 86400;
	gxca__civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
		 (int)(s % 60));
}

/* A certificate's validity window at t. */
static int cert_time(gxca_ctx *ctx, const gxca__ses_cert_view *cv, int64_t t, const char *field)
{
	char ts[32], bound[32];
	if (t >= cv->not_before && t <= cv->not_after)
		return GXCA_OK;
	fmt_time(t, ts, sizeof ts);
	if (t < cv->not_before) {
		fmt_time(cv->not_before, bound, sizeof bound);
		return gxca__failf(ctx, GXCA_EESEAL_CERT_NOT_YET_VALID, field,
				   "%s：证书在 %s 尚未生效（生效于 %s）",
				   "%s: the certificate was not yet valid at %s (valid from %s)", field, ts,
				   bound, field, ts, bound);
	}
	fmt_time(cv->not_after, bound, sizeof bound);
	return gxca__failf(ctx, GXCA_EESEAL_CERT_EXPIRED, field, "%s：证书在 %s 已过期（%s 到期）",
			   "%s: the certificate had expired at %s (expired %s)", field, ts, bound, field, ts,
			   bound);
}

int gxca__eseal_check_window(gxca_ctx *ctx, const gxca_eseal *s, int64_t t)
{
	char ts[32], a[32], b[32];
	if (t >= s->valid_start && t <= s->valid_end)
		return GXCA_OK;
	fmt_time(t, ts, sizeof ts);
	fmt_time(s->valid_start, a, sizeof a);
	fmt_time(s->valid_end, b, sizeof b);
	if (t < s->valid_start)
		return gxca__failf(ctx, GXCA_EESEAL_SEAL_NOT_YET_VALID, "validStart",
				   "印章在 %s 尚未生效（有效期 %s 至 %s）",
				   "the seal was not yet valid at %s (valid %s to %s)", ts, a, b, ts, a, b);
	return gxca__failf(ctx, GXCA_EESEAL_SEAL_EXPIRED, "validEnd", "印章在 %s 已过期（有效期 %s 至 %s）",
			   "the seal had expired at %s (valid %s to %s)", ts, a, b, ts, a, b);
}

static int chain_error(gxca_ctx *ctx, int err, const char *field)
{
	const char *why = X509_verify_cert_error_string(err);
	int code = err == X509_V_ERR_CERT_HAS_EXPIRED     ? GXCA_EESEAL_CERT_EXPIRED
		   : err == X509_V_ERR_CERT_NOT_YET_VALID ? GXCA_EESEAL_CERT_NOT_YET_VALID
							  : GXCA_EESEAL_CHAIN;
	return gxca__failf(ctx, code, field, "%s：证书链验证失败：%s", "%s: chain verification failed: %s",
			   field, why, field, why);
}

/* Does the certificate chain to the anchors, with every time checked at t? */
static int chain_check(vctx *v, const gxca__bytes *der, int64_t t, const char *field)
{
	X509 *x = NULL;
	int rc = load_x509(v->ctx, der, field, &x);
	X509_STORE_CTX *sc = rc ? NULL : X509_STORE_CTX_new();
	if (!rc && (!sc || X509_STORE_CTX_init(sc, v->store, x, NULL) != 1))
		rc = gxca__fail_ossl(v->ctx, GXCA_ENOMEM, field, NULL, NULL);
	if (!rc) {
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(sc), (time_t)t);
		if (X509_verify_cert(sc) != 1)
			rc = chain_error(v->ctx, X509_STORE_CTX_get_error(sc), field);
	}
	X509_STORE_CTX_free(sc);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

/* Add the certificates of a PEM bundle or of concatenated DER to the store. */
static int add_anchors(gxca_ctx *ctx, X509_STORE *st, const uint8_t *p, size_t len)
{
	size_t count = 0;
	BIO *bio = p[0] == 0x30 ? NULL : BIO_new_mem_buf(p, (int)len);
	const unsigned char *q = p, *end = p + len;
	for (;;) {
		X509 *x = bio       ? PEM_read_bio_X509(bio, NULL, NULL, NULL)
			  : q < end ? d2i_X509(NULL, &q, (long)(end - q))
				    : NULL;
		if (!x)
			break;
		bool ok = count < MAX_ANCHORS && set_distid(ctx, x) && X509_STORE_add_cert(st, x) == 1;
		X509_free(x);
		if (!ok)
			break;
		count++;
	}
	bool whole = bio ? count > 0 : q == end;
	BIO_free(bio);
	ERR_clear_error();
	if (!count || !whole || count > MAX_ANCHORS)
		return gxca__fail(ctx, GXCA_EINVAL, "anchors", "信任锚须为 PEM 或 DER 证书（至多 64 张）",
				  "trust anchors must be PEM or DER certificates (64 at most)");
	return GXCA_OK;
}

static int load_anchors(gxca_ctx *ctx, const gxca_eseal_verify_options *o, X509_STORE **out)
{
	*out = NULL;
	if (!o->anchors)
		return GXCA_OK;
	if (!o->anchors_len || o->anchors_len > GXCA__ESEAL_MAX_DER)
		return gxca__ses_fail_arg(ctx, "anchors");
	X509_STORE *st = X509_STORE_new();
	if (!st)
		return gxca__oom(ctx);
	int rc = add_anchors(ctx, st, o->anchors, o->anchors_len);
	if (rc) {
		X509_STORE_free(st);
		return rc;
	}
	*out = st;
	return GXCA_OK;
}

/* ---- signature values ------------------------------------------------------ */

static unsigned char *sig_der(BIGNUM *r, BIGNUM *s, size_t *len)
{
	ECDSA_SIG *es = r && s ? ECDSA_SIG_new() : NULL;
	unsigned char *der = NULL;
	if (es && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL;
		int n = i2d_ECDSA_SIG(es, &der);
		*len = n > 0 ? (size_t)n : 0;
		if (n <= 0)
			der = NULL;
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return der;
}

/* SEQUENCE { INTEGER, INTEGER } read as unsigned magnitudes, padding or not. */
static unsigned char *lenient_der(const gxca__bytes *sig, size_t *len)
{
	gxca__tlv top, k[2];
	size_t n = 0;
	if (gxca__tlv_whole(&top, sig->p, sig->len) ||
	    !gxca__tlv_is(&top, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true) ||
	    gxca__tlv_children(&top, k, 2, &n) || n != 2)
		return NULL;
	for (size_t i = 0; i < 2; i++)
		if (!gxca__tlv_is(&k[i], V_ASN1_UNIVERSAL, V_ASN1_INTEGER, false) || !k[i].clen ||
		    k[i].clen > 66)
			return NULL;
	return sig_der(BN_bin2bn(k[0].c, (int)k[0].clen, NULL), BN_bin2bn(k[1].c, (int)k[1].clen, NULL), len);
}

/* The signature as strict DER (caller OPENSSL_free()s), or NULL. */
static unsigned char *normalise_sig(const gxca__bytes *sig, size_t *len, uint32_t *quirk)
{
	const unsigned char *q = sig->p;
	unsigned char *der = NULL;
	ECDSA_SIG *es = sig->len <= 200 ? d2i_ECDSA_SIG(NULL, &q, (long)sig->len) : NULL;
	int n = es && q == sig->p + sig->len ? i2d_ECDSA_SIG(es, &der) : 0;
	ECDSA_SIG_free(es);
	if (n > 0 && (size_t)n == sig->len && memcmp(der, sig->p, sig->len) == 0) {
		*len = (size_t)n;
		return der;
	}
	OPENSSL_free(der);
	if ((der = lenient_der(sig, len))) {
		*quirk = GXCA_ESEAL_QUIRK_NONMINIMAL_INT;
		return der;
	}
	if (sig->len == 64) {
		*quirk = GXCA_ESEAL_QUIRK_RAW_RS;
		return sig_der(BN_bin2bn(sig->p, 32, NULL), BN_bin2bn(sig->p + 32, 32, NULL), len);
	}
	return NULL;
}

/* SM2-with-SM3 signature sig over msg by x's key. */
static int verify_sig(vctx *v, const char *alg, EVP_PKEY *pk, const uint8_t *msg, size_t msg_len,
		      const gxca__bytes *sig, uint32_t *quirk)
{
	*quirk = 0;
	if (!alg || strcmp(alg, GXCA__OID_SM2_SM3) != 0)
		return gxca__failf(
			v->ctx, GXCA_EESEAL_UNSUPPORTED, "signAlgID", "签名算法 %s 不是 SM2-with-SM3",
			"signature algorithm %s is not SM2 with SM3", alg ? alg : "?", alg ? alg : "?");
	size_t der_len = 0;
	unsigned char *der = normalise_sig(sig, &der_len, quirk);
	ERR_clear_error();
	if (!der)
		return gxca__fail(v->ctx, GXCA_EBADSIG, "signature", "签名值既不是 DER 也不是 64 字节 r||s",
				  "the signature value is neither DER nor 64-byte r||s");
	int rc = gxca__pkey_verify(v->ctx, pk, msg, msg_len, der, der_len);
	OPENSSL_free(der);
	if (!rc && *quirk && (v->flags & GXCA_ESEAL_VERIFY_STRICT))
		rc = gxca__failf(v->ctx, GXCA_EESEAL_QUIRK, "signature", "严格模式：签名编码不规范（%s）",
				 "strict mode: non-standard signature encoding (%s)",
				 gxca_eseal_quirk_name(*quirk), gxca_eseal_quirk_name(*quirk));
	return rc;
}

/* ---- seals ------------------------------------------------------------------- */

int gxca__eseal_signed_bytes(const gxca_eseal *s, const uint8_t **msg, size_t *len, uint8_t **buf)
{
	*buf = NULL;
	if (s->version != GXCA_ESEAL_V1) {
		*msg = s->info.p;
		*len = s->info.len;
		return GXCA_OK;
	}
	/* v1: a new SEQUENCE header around the stored sealInfo, cert and alg TLVs (ses.md §4) */
	size_t body = s->info.len + s->cert_tlv.len + s->alg_tlv.len;
	int hl = ASN1_object_size(1, (int)body, V_ASN1_SEQUENCE) - (int)body;
	if (hl <= 0 || !(*buf = gxca__malloc((size_t)hl + body)))
		return gxca__oom(s->ctx);
	unsigned char *p = *buf;
	ASN1_put_object(&p, 1, (int)body, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, s->info.p, s->info.len);
	memcpy(p + s->info.len, s->cert_tlv.p, s->cert_tlv.len);
	memcpy(p + s->info.len + s->cert_tlv.len, s->alg_tlv.p, s->alg_tlv.len);
	*msg = *buf;
	*len = (size_t)hl + body;
	return GXCA_OK;
}

static const EVP_MD *digest_by_label(const char *label, size_t len)
{
	const EVP_MD *md = label ? EVP_get_digestbyname(label) : NULL;
	return md ? md : len == GXCA__SM3_LEN ? EVP_sm3() : NULL;
}

int gxca__eseal_has_cert(const gxca_eseal *s, const uint8_t *der, size_t len, bool *found)
{
	*found = false;
	for (size_t i = 0; i < s->n_certs && !*found; i++) {
		const gxca__ses_cert *c = &s->certs[i];
		if (s->cert_list_type != GXCA_ESEAL_CERTLIST_DIGESTS) {
			*found = c->value.len == len && memcmp(c->value.p, der, len) == 0;
			continue;
		}
		const EVP_MD *md = digest_by_label(c->digest_type, c->value.len);
		unsigned char h[EVP_MAX_MD_SIZE];
		unsigned int hn = 0;
		if (md && EVP_Digest(der, len, h, &hn, md, NULL) == 1)
			*found = hn == c->value.len && memcmp(h, c->value.p, hn) == 0;
	}
	ERR_clear_error();
	return GXCA_OK;
}

/* A chain check; out of memory aborts the verification. */
static int record_chain(vctx *v, uint32_t check, const gxca__bytes *der, int64_t t)
{
	int rc = chain_check(v, der, t, "cert");
	if (rc == GXCA_ENOMEM)
		return rc;
	record(v, check, rc, 0);
	return GXCA_OK;
}

/* The seal's own checks: maker signature, window at t, maker cert, chain. */
static int seal_checks(vctx *v, const gxca_eseal *s, bool have_t, int64_t t)
{
	gxca__ses_cert_view maker;
	uint32_t quirk = 0;
	const uint8_t *msg = NULL;
	size_t msg_len = 0;
	uint8_t *buf = NULL;
	int rc = gxca__eseal_signed_bytes(s, &msg, &msg_len, &buf);
	if (rc)
		return rc;
	int st = gxca__ses_cert_read(v->ctx, s->maker_cert.p, s->maker_cert.len, "cert", GXCA__CERT_SM2_KEY, &maker);
	if (!st)
		st = verify_sig(v, s->sign_alg, maker.pub, msg, msg_len, &s->signature, &quirk);
	gxca__free(buf);
	if (st == GXCA_ENOMEM) {
		EVP_PKEY_free(maker.pub);
		return st;
	}
	record(v, GXCA_ESEAL_CHECK_SEAL_SIGNATURE, st, quirk);
	if (have_t)
		record(v, GXCA_ESEAL_CHECK_SEAL_VALIDITY, gxca__eseal_check_window(v->ctx, s, t), 0);
	if (maker.pub)
		record(v, GXCA_ESEAL_CHECK_MAKER_CERT_TIME, cert_time(v->ctx, &maker, s->create_date, "cert"),
		       0);
	if (maker.pub && v->store)
		rc = record_chain(v, GXCA_ESEAL_CHECK_MAKER_CHAIN, &s->maker_cert, s->create_date);
	EVP_PKEY_free(maker.pub);
	return rc;
}

/* ---- results ---------------------------------------------------------------- */

static int result_start(gxca_ctx *ctx, const gxca_eseal_verify_options *opts, gxca_eseal_result **result,
			vctx *v)
{
	if (result)
		*result = NULL;
	if (opts && opts->version != GXCA_ESEAL_VERIFY_OPTIONS_VERSION)
		return gxca__fail(ctx, GXCA_EINVAL, "opts.version", "选项版本未知",
				  "unknown options version");
	if (opts && opts->digest && !opts->data && opts->digest_len != GXCA__SM3_LEN)
		return gxca__fail(ctx, GXCA_EINVAL, "opts.digest", "SM3 摘要须为 32 字节",
				  "an SM3 digest is 32 bytes");
	if (opts && !opts->data && opts->data_len)
		return gxca__ses_fail_arg(ctx, "opts.data");
	*v = (vctx){ctx, gxca__calloc(1, sizeof(gxca_eseal_result)), opts ? opts->flags : 0, NULL};
	if (!v->r)
		return gxca__oom(ctx);
	int rc = opts ? load_anchors(ctx, opts, &v->store) : GXCA_OK;
	if (rc)
		gxca__free(v->r);
	return rc;
}

/* Hand the result over; the return code is the first failed check's. */
static int result_finish(vctx *v, int rc, gxca_eseal_result **result)
{
	X509_STORE_free(v->store);
	if (rc) {
		gxca__free(v->r);
		return rc;
	}
	for (int i = 0; i < N_CHECKS; i++)
		if (v->r->failed & (1u << i)) {
			rc = v->r->c[i].code;
			gxca__fail(v->ctx, rc, check_names[i], v->r->c[i].zh, v->r->c[i].en);
			break;
		}
	if (result)
		*result = v->r;
	else
		gxca__free(v->r);
	return rc;
}

int gxca_eseal_verify_options_init(gxca_eseal_verify_options *opts, unsigned int version)
{
	if (!opts || version != GXCA_ESEAL_VERIFY_OPTIONS_VERSION)
		return GXCA_EINVAL;
	*opts = (gxca_eseal_verify_options)GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	return GXCA_OK;
}

int gxca_eseal_verify(const gxca_eseal *seal, const gxca_eseal_verify_options *opts,
		      gxca_eseal_result **result)
{
	if (!seal)
		return GXCA_EINVAL;
	gxca__clear(seal->ctx);
	if (!seal->sealed)
		return gxca__fail(seal->ctx, GXCA_ESTATE, NULL, "印章尚未签名", "the seal is not signed yet");
	vctx v;
	int rc = result_start(seal->ctx, opts, result, &v);
	if (rc)
		return rc;
	v.r->at = opts && opts->at ? opts->at : (int64_t)time(NULL);
	rc = seal_checks(&v, seal, true, v.r->at);
	return result_finish(&v, rc, result);
}

/* ---- signatures ------------------------------------------------------------- */

static int data_check(vctx *v, const gxca_esign *g, const gxca_eseal_verify_options *o)
{
	unsigned char h[GXCA__SM3_LEN];
	unsigned int n = GXCA__SM3_LEN;
	if (o->data && EVP_Digest(o->data, o->data_len, h, &n, EVP_sm3(), NULL) != 1)
		return gxca__fail_ossl(v->ctx, GXCA_ECRYPTO, "data", "SM3 摘要计算失败", "SM3 digest failed");
	if (!o->data)
		memcpy(h, o->digest, sizeof h);
	if (g->data_hash.len != n || memcmp(g->data_hash.p, h, n) != 0)
		return gxca__fail(v->ctx, GXCA_EESEAL_DATA_MISMATCH, "dataHash",
				  "原文的 SM3 摘要与 dataHash 不符",
				  "the SM3 digest of the data does not match dataHash");
	return GXCA_OK;
}

static int signer_checks(vctx *v, const gxca_esign *g, const gxca__ses_cert_view *signer)
{
	bool found = false;
	int rc = gxca__eseal_has_cert(g->seal, g->signer_cert.p, g->signer_cert.len, &found);
	if (rc)
		return rc;
	record(v, GXCA_ESEAL_CHECK_SIGNER_IN_SEAL,
	       found ? GXCA_OK
		     : gxca__fail(v->ctx, GXCA_EESEAL_SIGNER_NOT_IN_SEAL, "cert",
				  "签章者证书不在印章的证书列表中",
				  "the signer certificate is not in the seal's certificate list"),
	       0);
	if (signer->pub && g->time_known)
		record(v, GXCA_ESEAL_CHECK_SIGNER_CERT_TIME, cert_time(v->ctx, signer, g->time, "cert"), 0);
	if (signer->pub && v->store)
		return record_chain(v, GXCA_ESEAL_CHECK_SIGNER_CHAIN, &g->signer_cert, v->r->at);
	return GXCA_OK;
}

static int esign_checks(vctx *v, const gxca_esign *g, const gxca_eseal_verify_options *o)
{
	gxca__ses_cert_view signer;
	uint32_t quirk = 0;
	int st = gxca__ses_cert_read(v->ctx, g->signer_cert.p, g->signer_cert.len, "cert", GXCA__CERT_SM2_KEY, &signer);
	if (!st)
		st = verify_sig(v, g->sign_alg, signer.pub, g->tbs.p, g->tbs.len, &g->signature, &quirk);
	if (st == GXCA_ENOMEM) {
		EVP_PKEY_free(signer.pub);
		return st;
	}
	record(v, GXCA_ESEAL_CHECK_SIGNATURE, st, quirk);
	int rc = seal_checks(v, g->seal, g->time_known, g->time);
	if (!rc && o && (o->data || o->digest))
		record(v, GXCA_ESEAL_CHECK_DATA, data_check(v, g, o), 0);
	if (!rc)
		rc = signer_checks(v, g, &signer);
	EVP_PKEY_free(signer.pub);
	return rc;
}

int gxca_esign_verify(const gxca_esign *sig, const gxca_eseal_verify_options *opts,
		      gxca_eseal_result **result)
{
	if (!sig)
		return GXCA_EINVAL;
	gxca__clear(sig->ctx);
	if (!sig->sealed)
		return gxca__fail(sig->ctx, GXCA_ESTATE, NULL, "电子签章尚未签名",
				  "the signature is not signed yet");
	vctx v;
	int rc = result_start(sig->ctx, opts, result, &v);
	if (rc)
		return rc;
	v.r->at = sig->time_known ? sig->time : (int64_t)time(NULL);
	rc = esign_checks(&v, sig, opts);
	return result_finish(&v, rc, result);
}

/* ---- result getters --------------------------------------------------------- */

void gxca_eseal_result_free(gxca_eseal_result *result) { gxca__free(result); }
uint32_t gxca_eseal_result_ran(const gxca_eseal_result *result) { return result ? result->ran : 0; }
uint32_t gxca_eseal_result_failed(const gxca_eseal_result *result) { return result ? result->failed : 0; }
int64_t gxca_eseal_result_time(const gxca_eseal_result *result) { return result ? result->at : 0; }

int gxca_eseal_result_status(const gxca_eseal_result *result, uint32_t check)
{
	int i = check_index(check);
	return result && i >= 0 ? result->c[i].code : GXCA_OK;
}

const char *gxca_eseal_result_message(const gxca_eseal_result *result, uint32_t check, int lang)
{
	int i = check_index(check);
	if (!result || i < 0)
		return "";
	return lang == GXCA_LANG_EN ? result->c[i].en : result->c[i].zh;
}

uint32_t gxca_eseal_result_quirks(const gxca_eseal_result *result, uint32_t check)
{
	uint32_t q = 0;
	for (int i = 0; result && i < N_CHECKS; i++)
		if (!check || check == (1u << i))
			q |= result->c[i].quirks;
	return q;
}
