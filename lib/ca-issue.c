/*
 * lib/ca-issue.c — the businesses: NEW, RENEW, REISSUE, CHANGE, UNLOCK.
 *
 * Each issuance is one registry transaction: read the old certificate and
 * the counts, build and sign the certificate, insert its row, revoke the
 * replaced one — all committed together or not at all. The certificate
 * object is made before the commit, so nothing after the commit can fail:
 * a caller never holds a certificate the registry does not have.
 */
#include "ca-private.h"
#include "policy-private.h"

#include <string.h>
#include <time.h>

#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#define MAX_REQUEST (1u << 20)

int gxca_issue_options_init(gxca_issue_options *opts, unsigned int version)
{
	if (!opts || version < 1 || version > GXCA_ISSUE_OPTIONS_VERSION)
		return GXCA_EINVAL;
	memset(opts, 0, sizeof *opts);
	opts->version = version;
	return GXCA_OK;
}

/* ---- requests ------------------------------------------------------------------- */

/* EC keys are checked on their curve without an EVP_PKEY: OpenSSL 3.0's
 * decoders cost 20-80 µs a key, more than the CA's ECDSA signature. Other
 * keys (RSA) go through one reusable decoder. */
struct gxca__spki_decoder {
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *out; /* where dctx puts each key */
	EC_GROUP *p256, *sm2;
	EC_POINT *p256_point, *sm2_point;
	BN_CTX *bn;
};

struct gxca__spki_decoder *gxca__spki_decoder_new(void)
{
	struct gxca__spki_decoder *d = gxca__calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->dctx = OSSL_DECODER_CTX_new_for_pkey(&d->out, "DER", "SubjectPublicKeyInfo", NULL,
						OSSL_KEYMGMT_SELECT_PUBLIC_KEY, NULL, NULL);
	d->p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	d->sm2 = EC_GROUP_new_by_curve_name(NID_sm2);
	d->p256_point = d->p256 ? EC_POINT_new(d->p256) : NULL;
	d->sm2_point = d->sm2 ? EC_POINT_new(d->sm2) : NULL;
	d->bn = BN_CTX_new();
	if (!d->dctx || !d->p256_point || !d->sm2_point || !d->bn) {
		gxca__spki_decoder_free(d);
		return NULL;
	}
	return d;
}

void gxca__spki_decoder_free(struct gxca__spki_decoder *d)
{
	if (!d)
		return;
	OSSL_DECODER_CTX_free(d->dctx);
	EVP_PKEY_free(d->out);
	EC_POINT_free(d->p256_point);
	EC_POINT_free(d->sm2_point);
	EC_GROUP_free(d->p256);
	EC_GROUP_free(d->sm2);
	BN_CTX_free(d->bn);
	gxca__free(d);
}

void gxca__request_clear(struct gxca__request *r)
{
	EVP_PKEY_free(r->pub);
	OPENSSL_free(r->spki);
	X509_ALGOR_free(r->alg);
	ASN1_BIT_STRING_free(r->bits);
	memset(r, 0, sizeof *r);
}

static int request_error(gxca_ctx *ctx)
{
	return gxca__fail_ossl(ctx, GXCA_ECA_REQUEST, "request", "无法解析证书请求或公钥（PKCS#10 或 SubjectPublicKeyInfo）",
			       "cannot parse the certificate request or public key (PKCS#10 or SubjectPublicKeyInfo)");
}

/* The two parts of a DER SubjectPublicKeyInfo, without decoding the key. */
static bool spki_parts(const unsigned char *der, long len, struct gxca__request *r)
{
	const unsigned char *p = der;
	long inner = 0;
	int tag, cls;
	int ret = ASN1_get_object(&p, &inner, &tag, &cls, len);
	if ((ret & 0x80) || !(ret & V_ASN1_CONSTRUCTED) || tag != V_ASN1_SEQUENCE || p + inner != der + len)
		return false;
	const unsigned char *end = p + inner;
	r->alg = d2i_X509_ALGOR(NULL, &p, end - p);
	r->bits = r->alg ? d2i_ASN1_BIT_STRING(NULL, &p, end - p) : NULL;
	return r->bits && p == end;
}

/* id-ecPublicKey on P-256 or the SM2 curve with a point on it: the
 * gxca_key_alg; 0 for a bad point; -1 for any other key (decode it). */
static int ec_spki_alg(struct gxca__spki_decoder *d, const struct gxca__request *r)
{
	const ASN1_OBJECT *obj = NULL;
	const void *pval = NULL;
	int ptype = V_ASN1_UNDEF;
	X509_ALGOR_get0(&obj, &ptype, &pval, r->alg);
	if (OBJ_obj2nid(obj) != NID_X9_62_id_ecPublicKey || ptype != V_ASN1_OBJECT)
		return -1;
	int curve = OBJ_obj2nid(pval);
	bool p256 = curve == NID_X9_62_prime256v1;
	if (!p256 && curve != NID_sm2)
		return -1;
	const unsigned char *pt = ASN1_STRING_get0_data(r->bits);
	int n = ASN1_STRING_length(r->bits);
	/* A whole number of octets; oct2point checks the point is on the curve
	 * (both curves have cofactor 1, so that is the whole check). */
	if (n < 1 || (r->bits->flags & 0x07) || pt[0] == 0 ||
	    EC_POINT_oct2point(p256 ? d->p256 : d->sm2, p256 ? d->p256_point : d->sm2_point, pt, (size_t)n, d->bn) != 1)
		return 0;
	return p256 ? GXCA_KEY_EC_P256 : GXCA_KEY_SM2;
}

static EVP_PKEY *decode_spki(struct gxca__spki_decoder *dec, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	if (!dec)
		return d2i_PUBKEY(NULL, &p, (long)len);
	size_t left = len;
	EVP_PKEY_free(dec->out);
	dec->out = NULL;
	EVP_PKEY *k = OSSL_DECODER_from_data(dec->dctx, &p, &left) == 1 && left == 0 ? dec->out : NULL;
	if (!k)
		EVP_PKEY_free(dec->out);
	dec->out = NULL;
	return k;
}

static int from_spki(gxca_ctx *ctx, struct gxca__spki_decoder *dec, const unsigned char *der, size_t len,
		     struct gxca__request *r)
{
	if (!spki_parts(der, (long)len, r))
		return request_error(ctx);
	if (!(r->spki = OPENSSL_memdup(der, len)))
		return gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	r->spki_len = len;
	int alg = dec ? ec_spki_alg(dec, r) : -1;
	if (alg > 0)
		r->key_alg = alg;
	else if (alg == 0 || !(r->pub = decode_spki(dec, der, len)))
		return request_error(ctx);
	return GXCA_OK;
}

/* A CSR whose self-signature verifies (SM2: with the standard ID). */
static int from_csr(gxca_ctx *ctx, X509_REQ *req, struct gxca__request *r)
{
	if (!(r->pub = X509_REQ_get_pubkey(req)))
		return request_error(ctx);
	if (gxca__pkey_alg(r->pub) == GXCA_KEY_SM2) {
		const char *id = gxca__sm2_id(ctx);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		if (!v || ASN1_OCTET_STRING_set(v, (const unsigned char *)id, (int)strlen(id)) != 1) {
			ASN1_OCTET_STRING_free(v);
			return gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
		}
		X509_REQ_set0_distinguishing_id(req, v);
	}
	if (X509_REQ_verify(req, r->pub) != 1)
		return gxca__fail_ossl(ctx, GXCA_ECA_REQUEST_SIGNATURE, "request", "证书请求的签名验证失败",
				       "the signature of the certificate request does not verify");
	int n = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(req), &r->spki);
	if (n <= 0)
		return gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	r->spki_len = (size_t)n;
	return spki_parts(r->spki, n, r) ? GXCA_OK : request_error(ctx);
}

static int from_pem(gxca_ctx *ctx, const uint8_t *data, size_t len, struct gxca__request *r)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	X509_REQ *req = bio ? PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL) : NULL;
	int rc;
	if (req) {
		rc = from_csr(ctx, req, r);
	} else {
		/* A PEM public key: back to DER for the exact bytes. */
		EVP_PKEY *k = bio && BIO_reset(bio) == 1 ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		unsigned char *der = NULL;
		int n = k ? i2d_PUBKEY(k, &der) : -1;
		rc = n > 0 ? from_spki(ctx, NULL, der, (size_t)n, r) : request_error(ctx);
		OPENSSL_free(der);
		EVP_PKEY_free(k);
	}
	X509_REQ_free(req);
	BIO_free(bio);
	return rc;
}

static int from_der(gxca_ctx *ctx, struct gxca__spki_decoder *dec, const uint8_t *data, size_t len,
		    struct gxca__request *r)
{
	/* A CSR starts SEQUENCE { SEQUENCE { INTEGER version ...; an SPKI SEQUENCE { SEQUENCE { OID */
	const unsigned char *p = data;
	X509_REQ *req = NULL;
	long inner;
	int tag, cls;
	if (!(ASN1_get_object(&p, &inner, &tag, &cls, (long)len) & 0x80) &&
	    !(ASN1_get_object(&p, &inner, &tag, &cls, (long)(data + len - p)) & 0x80) &&
	    !(ASN1_get_object(&p, &inner, &tag, &cls, (long)(data + len - p)) & 0x80) && tag == V_ASN1_INTEGER) {
		p = data;
		if ((req = d2i_X509_REQ(NULL, &p, (long)len)) && p != data + len) {
			X509_REQ_free(req);
			req = NULL;
		}
		int rc = req ? from_csr(ctx, req, r) : request_error(ctx);
		X509_REQ_free(req);
		return rc;
	}
	return from_spki(ctx, dec, data, len, r);
}

int gxca__ca_request_parse(gxca_ctx *ctx, struct gxca__spki_decoder *dec, const uint8_t *data, size_t len,
			   struct gxca__request *out)
{
	memset(out, 0, sizeof *out);
	if (!data || !len)
		return gxca__fail(ctx, GXCA_EINVAL, "request", "缺少证书请求", "the certificate request is missing");
	if (len > MAX_REQUEST)
		return gxca__fail(ctx, GXCA_ETOOBIG, "request", "证书请求过大", "the certificate request is too large");
	int rc = gxca__looks_pem(data, len) ? from_pem(ctx, data, len, out) : from_der(ctx, dec, data, len, out);
	if (rc) {
		gxca__request_clear(out);
		return rc;
	}
	ERR_clear_error(); /* the decoders tried leave noise */
	int alg = out->key_alg = out->key_alg ? out->key_alg : gxca__pkey_alg(out->pub);
	if (!alg || !(ctx->policy->ca.key_alg_mask & (1u << alg))) {
		gxca__request_clear(out);
		return gxca__failf(ctx, GXCA_ECA_KEY_ALG, "request", "策略不允许该密钥算法（%s）",
				   "the policy does not allow this key algorithm (%s)",
				   alg ? gxca_key_alg_name(alg) : "unsupported type or size");
	}
	return GXCA_OK;
}

/* ---- the transaction ------------------------------------------------------------ */

struct job {
	gxca_ca *ca;
	int business;
	const struct gxca__issue_subject *si;
	const char *old;  /* normalised serial of the replaced certificate, or NULL */
	char old_buf[GXCA__SERIAL_MAX];
	struct gxca__request req;
	int usage;        /* as requested; 0 = default */
	const char *token_serial;
	int64_t accepted, now;
	int change_reason;
	gxca_cert *cert;  /* out, made before the commit */
};

static int load_old(struct gxca__registry *reg, struct job *j, struct gxca__cert_row *old)
{
	gxca_ctx *ctx = j->ca->ctx;
	int rc = reg->ops->cert_get(reg, j->old, false, old);
	if (rc)
		return rc;
	if (strcmp(old->holder_id ? old->holder_id : "", gxca__ca_holder_of(j->si)) != 0)
		return gxca__failf(ctx, GXCA_ECA_HOLDER, "serial", "证书 %s 不属于该申请人",
				   "certificate %s does not belong to this applicant", j->old);
	if (old->status == GXCA__ST_REVOKED)
		return gxca__failf(ctx, GXCA_ECA_REVOKED, "serial", "证书 %s 已注销", "certificate %s is revoked", j->old);
	if (j->usage && j->usage != old->usage)
		return gxca__fail(ctx, GXCA_ECA_CERT_STATE, "usage", "新证书的用途必须与原证书相同",
				  "the new certificate must have the usage of the old one");
	if ((j->business == GXCA_BIZ_REISSUE || j->business == GXCA_BIZ_CHANGE) && old->not_after <= j->now)
		return gxca__failf(ctx, GXCA_ECA_CERT_STATE, "serial", "证书 %s 已过期，请新办",
				   "certificate %s has expired: apply for a NEW one", j->old);
	return GXCA_OK;
}

static int check_count(struct gxca__registry *reg, struct job *j, int usage)
{
	if (!j->si->count)
		return GXCA_OK;
	int64_t n = 0;
	int rc = reg->ops->cert_count(reg, j->si->application_id, j->business, usage, &n);
	if (!rc && n >= (int64_t)j->si->count)
		rc = gxca__failf(j->ca->ctx, GXCA_ECA_BUSINESS, "count", "该申请的 %s 业务已签发 %lld 张证书（申请 %u 张）",
				 "%s: %lld certificates already issued for this application (%u applied for)",
				 gxca_business_name(j->business), (long long)n, j->si->count);
	return rc;
}

/* 00:00 Asia/Shanghai of the day of t. */
static int64_t day_start(int64_t t)
{
	int64_t s = t + GXCA_TZ_OFFSET_SECONDS;
	int64_t day = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	return day * 86400 - GXCA_TZ_OFFSET_SECONDS;
}

/* The same Shanghai date `years` later (29 February becomes 1 March). */
static int64_t add_years(int64_t midnight, int years)
{
	int64_t day = (midnight + GXCA_TZ_OFFSET_SECONDS) / 86400;
	int y, m, d;
	gxca__civil_from_days(day, &y, &m, &d);
	return gxca__days_from_civil(y + years, m, d) * 86400 - GXCA_TZ_OFFSET_SECONDS;
}

static int validity(struct job *j, const struct gxca__cert_row *old, int64_t *nb, int64_t *na)
{
	gxca_ctx *ctx = j->ca->ctx;
	*nb = day_start(j->accepted);
	if (*nb < j->ca->not_before)
		*nb = j->ca->not_before; /* never valid before its issuer */
	if (j->business == GXCA_BIZ_REISSUE || j->business == GXCA_BIZ_CHANGE) {
		*na = old->not_after; /* the replacement keeps the term paid for */
	} else {
		if (j->si->years < 1 || j->si->years > 100)
			return gxca__fail(ctx, GXCA_ECA_BUSINESS, "years", "申请没有有效的年限", "the application has no valid term");
		/* RENEW before expiry continues the old term; otherwise it starts on acceptance. */
		int64_t from = j->business == GXCA_BIZ_RENEW && j->accepted < old->not_after ? old->not_after + 1 : *nb;
		*na = add_years(day_start(from), j->si->years) - 1;
	}
	if (*na <= *nb)
		return gxca__fail(ctx, GXCA_ECA_CERT_STATE, "validity", "证书有效期为空", "the certificate validity would be empty");
	if (*na > j->ca->not_after)
		return gxca__fail(ctx, GXCA_ERANGE, "years", "证书有效期不能超过签发 CA 的有效期",
				  "the certificate would outlive the issuing CA");
	return GXCA_OK;
}

static int revoke_old(struct gxca__registry *reg, struct job *j, struct gxca__cert_row *old)
{
	int reason = GXCA_REASON_KEY_COMPROMISE;
	if (j->business == GXCA_BIZ_CHANGE && !(reason = j->change_reason))
		reason = strcmp(j->cert->subject, old->subject ? old->subject : "") != 0 ? GXCA_REASON_AFFILIATION_CHANGED
											: GXCA_REASON_SUPERSEDED;
	const struct gxca_policy *p = j->ca->ctx->policy;
	old->status = GXCA__ST_REVOKED;
	old->reason = reason;
	/* The application is the holder's request; an earlier report keeps its times. */
	if (!old->requested_at)
		old->requested_at = j->accepted;
	if (!old->approved_at) {
		old->approved_at = j->now;
		old->revoke_deadline = j->now + (int64_t)p->revocation_hours * 3600;
	}
	old->revoked_at = j->now;
	return reg->ops->revocation_put(reg, old);
}

/* The row of the certificate just made (j->cert). */
static int insert(struct gxca__registry *reg, struct job *j, int usage, bool master)
{
	const gxca_cert *c = j->cert;
	struct gxca__cert_row row = {.business = j->business, .usage = usage, .master = master,
				     .status = GXCA__ST_VALID, .issued_at = j->now, .reason = -1,
				     .not_before = c->not_before, .not_after = c->not_after,
				     .subject = c->subject, .key_alg = j->req.key_alg,
				     .holder_id = (char *)gxca__ca_holder_of(j->si),
				     .application_id = (char *)j->si->application_id,
				     .token_serial = (char *)j->token_serial, .replaces = (char *)j->old,
				     .der = c->der, .der_len = c->der_len};
	snprintf(row.serial, sizeof row.serial, "%s", c->serial);
	return reg->ops->cert_insert(reg, &row);
}

/* Make the certificate and wrap it as j->cert. */
static int make_cert(struct job *j, int usage, int64_t nb, int64_t na)
{
	struct gxca__leaf leaf;
	int rc = gxca__ca_make_leaf(j->ca, j->si, &j->req, usage, nb, na, &leaf);
	if (rc)
		return rc;
	bool org = j->si->applicant == GXCA_APPLICANT_ORG;
	struct gxca__cert_facts f = {.key_alg = j->req.key_alg, .usage = usage, .issuer = j->ca->issuer_text,
				     .uscc = org ? j->si->uscc : NULL,
				     .id_number = !org && j->si->resident_id ? j->si->id_number : NULL,
				     .subject = leaf.subject_text, .serial = leaf.serial, .not_before = nb, .not_after = na};
	for (size_t i = 0; i < leaf.subject.n; i++)
		f.field[leaf.subject.attr[i].field - 1] = leaf.subject.attr[i].value;
	rc = gxca__cert_from_issued(&j->cert, j->ca->ctx, leaf.der, leaf.der_len, &f);
	if (!rc)
		leaf.der = NULL; /* j->cert has it */
	gxca__leaf_clear(&leaf);
	return rc;
}

/* NEW takes nothing from the registry to be made (its validity starts on
 * acceptance; the master flag and the count belong to the row), so it is
 * made and signed before the transaction: the write lock is then held for
 * the rows only, not for the signatures. */
static int make_new(struct job *j)
{
	struct gxca__cert_row none = {.reason = -1};
	int64_t nb = 0, na = 0;
	int rc = validity(j, &none, &nb, &na);
	return rc ? rc : make_cert(j, j->usage ? j->usage : GXCA_CERT_SIGN, nb, na);
}

static int issue_one(struct gxca__registry *reg, struct job *j)
{
	bool made = j->business == GXCA_BIZ_NEW; /* by make_new(), kept across retries */
	if (!made) {
		gxca_cert_free(j->cert); /* a retried attempt starts afresh */
		j->cert = NULL;
	}
	struct gxca__cert_row old;
	memset(&old, 0, sizeof old);
	old.reason = -1;
	int rc = j->old ? load_old(reg, j, &old) : GXCA_OK;
	int usage = j->old ? old.usage : j->usage ? j->usage : GXCA_CERT_SIGN;
	bool master = old.master;
	if (!rc)
		rc = check_count(reg, j, usage);
	if (!rc && j->business == GXCA_BIZ_NEW && !(rc = reg->ops->holder_has_master(reg, gxca__ca_holder_of(j->si),
										    usage, j->now, &master)))
		master = !master; /* the holder's first valid certificate of a usage is the master */
	int64_t nb = 0, na = 0;
	if (!rc && !made)
		rc = validity(j, &old, &nb, &na);
	if (!rc && !made)
		rc = make_cert(j, usage, nb, na);
	if (!rc)
		rc = insert(reg, j, usage, master);
	if (!rc && (j->business == GXCA_BIZ_REISSUE || j->business == GXCA_BIZ_CHANGE))
		rc = revoke_old(reg, j, &old);
	gxca__cert_row_clear(&old);
	return rc;
}

/* ---- entry points ------------------------------------------------------------------- */

static int check_opts(gxca_ctx *ctx, const gxca_issue_options *o)
{
	if (o->version < 1 || o->version > GXCA_ISSUE_OPTIONS_VERSION)
		return gxca__failf(ctx, GXCA_EINVAL, "opts.version", "未知的选项版本 %u", "unknown options version %u",
				   o->version);
	if (o->usage && o->usage != GXCA_CERT_SIGN && o->usage != GXCA_CERT_ENCRYPT)
		return gxca__failf(ctx, GXCA_EINVAL, "opts.usage", "未知的证书用途 %d", "unknown certificate usage %d", o->usage);
	if (o->change_reason && o->change_reason != GXCA_REASON_AFFILIATION_CHANGED &&
	    o->change_reason != GXCA_REASON_SUPERSEDED)
		return gxca__fail(ctx, GXCA_EINVAL, "opts.change_reason", "变更的注销原因只能是 affiliationChanged 或 superseded",
				  "a CHANGE revokes for affiliationChanged or superseded only");
	if (o->accepted_at < 0 || o->now < 0)
		return gxca__fail(ctx, GXCA_ERANGE, "opts", "时间无效", "invalid time");
	return o->token_serial ? gxca__check_str(ctx, "opts.token_serial", o->token_serial, 64) : GXCA_OK;
}

/* Everything about one request that needs no registry: the options, the
 * old serial and the parsed request (the slow part of a CSR). */
static int job_prepare(gxca_ca *ca, int business, const struct gxca__issue_subject *si, const char *old_serial,
		       const gxca_issue_options *opts, struct job *j)
{
	gxca_ctx *ctx = ca->ctx;
	*j = (struct job){.ca = ca, .business = business, .si = si, .usage = opts->usage,
			  .token_serial = opts->token_serial, .change_reason = opts->change_reason};
	int rc = check_opts(ctx, opts);
	if (!rc && business != GXCA_BIZ_NEW)
		rc = gxca__ca_serial_arg(ctx, old_serial, j->old_buf);
	if (rc)
		return rc;
	j->old = business != GXCA_BIZ_NEW ? j->old_buf : NULL;
	j->now = opts->now ? opts->now : (int64_t)time(NULL);
	j->accepted = opts->accepted_at ? opts->accepted_at : si->accepted_at ? si->accepted_at : j->now;
	return gxca__ca_request_parse(ctx, ca->spki_dec, opts->request, opts->request_len, &j->req);
}

struct batch {
	struct job *jobs;
	size_t n;
	size_t failed; /* index of the job that failed */
};

static int batch_txn(struct gxca__registry *reg, void *arg)
{
	struct batch *b = arg;
	for (size_t i = 0; i < b->n; i++) {
		int rc = issue_one(reg, &b->jobs[i]);
		if (rc) {
			b->failed = i;
			return rc;
		}
	}
	return GXCA_OK;
}

/* Run prepared jobs in one transaction; on failure free every certificate. */
static int batch_run(gxca_ca *ca, struct batch *b)
{
	int rc = GXCA_OK;
	for (size_t i = 0; !rc && i < b->n; i++)
		if (b->jobs[i].business == GXCA_BIZ_NEW && (rc = make_new(&b->jobs[i])))
			b->failed = i;
	if (!rc)
		rc = gxca__registry_txn(ca->reg, true, batch_txn, b);
	for (size_t i = 0; rc && i < b->n; i++) {
		gxca_cert_free(b->jobs[i].cert);
		b->jobs[i].cert = NULL;
	}
	return rc;
}

int gxca__ca_issue_subject(gxca_ca *ca, int business, const struct gxca__issue_subject *si, const char *old_serial,
			   const gxca_issue_options *opts, gxca_cert **out)
{
	struct job j;
	int rc = job_prepare(ca, business, si, old_serial, opts, &j);
	struct batch b = {.jobs = &j, .n = 1};
	if (!rc && !(rc = batch_run(ca, &b)))
		*out = j.cert;
	gxca__request_clear(&j.req);
	return rc;
}

/* The error of request i names it: "requests[i].field". */
static int batch_item_error(gxca_ctx *ctx, size_t i, int rc)
{
	char field[2 * sizeof ctx->err.field];
	if (strcmp(ctx->err.field, "registry") != 0) {
		snprintf(field, sizeof field, "requests[%zu]%s%s", i, ctx->err.field[0] ? "." : "", ctx->err.field);
		size_t len = strlen(field); /* a long field loses its end */
		if (len >= sizeof ctx->err.field)
			len = sizeof ctx->err.field - 1;
		memcpy(ctx->err.field, field, len);
		ctx->err.field[len] = '\0';
	}
	return rc;
}

int gxca__ca_issue_batch(gxca_ca *ca, size_t n, const struct gxca__issue_subject *const si[],
			 const gxca_issue_options *const opts[], gxca_cert *out[])
{
	struct batch b = {.jobs = gxca__calloc(n, sizeof *b.jobs), .n = 0};
	if (!b.jobs)
		return gxca__oom(ca->ctx);
	int rc = GXCA_OK;
	for (; !rc && b.n < n; b.n++)
		if ((rc = job_prepare(ca, GXCA_BIZ_NEW, si[b.n], NULL, opts[b.n], &b.jobs[b.n])))
			rc = batch_item_error(ca->ctx, b.n, rc);
	if (!rc && (rc = batch_run(ca, &b)))
		batch_item_error(ca->ctx, b.failed, rc);
	for (size_t i = 0; i < b.n; i++) {
		out[i] = rc ? NULL : b.jobs[i].cert;
		gxca__request_clear(&b.jobs[i].req);
	}
	gxca__free(b.jobs);
	return rc;
}

/* ---- applications --------------------------------------------------------------------- */

/* Acceptance (受理): the latest submission of the application. */
static int64_t accepted_at(const gxca_application *app)
{
	int64_t t = 0;
	for (size_t i = gxca_application_history_count(app); i-- > 0;) {
		int state = 0;
		int64_t when = 0;
		if (gxca_application_history_get(app, i, &state, &when, NULL, NULL) == GXCA_OK &&
		    state == GXCA_APP_SUBMITTED)
			return when;
	}
	return t;
}

static int find_line(gxca_ctx *ctx, const gxca_application *app, int business, unsigned *count, int *years)
{
	for (size_t i = 0; i < gxca_application_line_count(app); i++) {
		int b = 0;
		if (gxca_application_line_get(app, i, &b, count, years, NULL) == GXCA_OK && b == business)
			return *count ? GXCA_OK : gxca__fail(ctx, GXCA_ECA_BUSINESS, "lines", "业务数量为 0", "the line has a count of 0");
	}
	return gxca__failf(ctx, GXCA_ECA_BUSINESS, "lines", "申请中没有 %s 业务", "the application has no %s line",
			   gxca_business_name(business));
}

static int subject_from_app(gxca_ctx *ctx, const gxca_application *app, int business, struct gxca__issue_subject *si)
{
	int state = gxca_application_state(app);
	if (state != GXCA_APP_PAID) {
		const char *name = gxca_app_state_name(state);
		return gxca__failf(ctx, GXCA_ECA_APP_STATE, "state", "申请状态为 %s，只有已审核并付款（PAID）的申请才能签发证书",
				   "the application is %s: certificates are issued only for approved and paid (PAID) applications",
				   name ? name : "?");
	}
	memset(si, 0, sizeof *si);
	si->applicant = gxca_application_applicant(app);
	si->application_id = gxca_application_id(app);
	si->accepted_at = accepted_at(app);
	if (si->applicant == GXCA_APPLICANT_ORG) {
		si->org_name = gxca_application_get(app, GXCA_APP_ORG_NAME);
		si->uscc = gxca_application_get(app, GXCA_APP_USCC);
		si->province = gxca_application_get(app, GXCA_APP_REG_PROVINCE);
		si->city = gxca_application_get(app, GXCA_APP_REG_CITY);
	} else {
		si->person_name = gxca_application_get(app, GXCA_APP_PERSON_NAME);
		si->id_number = gxca_application_get(app, GXCA_APP_ID_NUMBER);
		si->affiliation = gxca_application_get(app, GXCA_APP_AFFILIATION);
		si->resident_id = gxca_application_id_type(app) == GXCA_ID_RESIDENT;
	}
	return find_line(ctx, app, business, &si->count, &si->years);
}

static int business_entry(gxca_ca *ca, const gxca_application *app, int business, const char *old,
			  const gxca_issue_options *opts, gxca_cert **out)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out)
		return gxca__fail(ca->ctx, GXCA_EINVAL, "out", "参数为空", "NULL argument");
	*out = NULL;
	if (!app || !opts)
		return gxca__fail(ca->ctx, GXCA_EINVAL, app ? "opts" : "app", "参数为空", "NULL argument");
	struct gxca__issue_subject si;
	int rc = subject_from_app(ca->ctx, app, business, &si);
	return rc ? rc : gxca__ca_issue_subject(ca, business, &si, old, opts, out);
}

int gxca_ca_issue(gxca_ca *ca, const gxca_application *app, const gxca_issue_options *opts, gxca_cert **out)
{
	return business_entry(ca, app, GXCA_BIZ_NEW, NULL, opts, out);
}

int gxca_ca_issue_batch(gxca_ca *ca, size_t n, const gxca_application *const apps[],
			const gxca_issue_options *const opts[], gxca_cert *out[])
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out || !apps || !opts)
		return gxca__fail(ca->ctx, GXCA_EINVAL, !out ? "out" : !apps ? "apps" : "opts", "参数为空", "NULL argument");
	if (n == 0 || n > GXCA_CA_BATCH_MAX)
		return gxca__failf(ca->ctx, n ? GXCA_ETOOBIG : GXCA_EINVAL, "n", "一批须有 1 至 %d 个请求",
				   "a batch holds 1 to %d requests", GXCA_CA_BATCH_MAX);
	memset(out, 0, n * sizeof *out);
	struct gxca__issue_subject *si = gxca__calloc(n, sizeof *si);
	const struct gxca__issue_subject **sp = gxca__calloc(n, sizeof *sp);
	int rc = si && sp ? GXCA_OK : gxca__oom(ca->ctx);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!apps[i] || !opts[i])
			rc = gxca__failf(ca->ctx, GXCA_EINVAL, "requests", "请求 %zu 的参数为空", "request %zu has a NULL argument", i);
		else if ((rc = subject_from_app(ca->ctx, apps[i], GXCA_BIZ_NEW, &si[i])))
			rc = batch_item_error(ca->ctx, i, rc);
		sp[i] = &si[i];
	}
	if (!rc)
		rc = gxca__ca_issue_batch(ca, n, sp, opts, out);
	gxca__free(sp);
	gxca__free(si);
	return rc;
}

int gxca_ca_renew(gxca_ca *ca, const gxca_application *app, const char *old_serial, const gxca_issue_options *opts,
		  gxca_cert **out)
{
	return business_entry(ca, app, GXCA_BIZ_RENEW, old_serial, opts, out);
}

int gxca_ca_reissue(gxca_ca *ca, const gxca_application *app, const char *old_serial, const gxca_issue_options *opts,
		    gxca_cert **out)
{
	return business_entry(ca, app, GXCA_BIZ_REISSUE, old_serial, opts, out);
}

int gxca_ca_change(gxca_ca *ca, const gxca_application *app, const char *old_serial, const gxca_issue_options *opts,
		   gxca_cert **out)
{
	return business_entry(ca, app, GXCA_BIZ_CHANGE, old_serial, opts, out);
}

/* ---- UNLOCK ------------------------------------------------------------------------ */

struct unlock_job {
	gxca_ca *ca;
	const struct gxca__issue_subject *si;
	const char *serial, *token_serial;
	int64_t at;
};

static int unlock_txn(struct gxca__registry *reg, void *arg)
{
	struct unlock_job *u = arg;
	struct gxca__cert_row row;
	int rc = reg->ops->cert_get(reg, u->serial, false, &row);
	if (rc)
		return rc;
	if (strcmp(row.holder_id ? row.holder_id : "", gxca__ca_holder_of(u->si)) != 0)
		rc = gxca__failf(u->ca->ctx, GXCA_ECA_HOLDER, "serial", "证书 %s 不属于该申请人",
				 "certificate %s does not belong to this applicant", u->serial);
	else if (row.status == GXCA__ST_REVOKED)
		rc = gxca__failf(u->ca->ctx, GXCA_ECA_REVOKED, "serial", "证书 %s 已注销", "certificate %s is revoked", u->serial);
	gxca__cert_row_clear(&row);
	struct gxca__event ev = {.at = u->at, .serial = u->serial, .application_id = u->si->application_id,
				 .token_serial = u->token_serial, .business = GXCA_BIZ_UNLOCK, .note = "PIN reset"};
	return rc ? rc : reg->ops->event_add(reg, &ev);
}

int gxca_ca_unlock(gxca_ca *ca, const gxca_application *app, const char *serial, const char *token_serial, int64_t at)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!app)
		return gxca__fail(ca->ctx, GXCA_EINVAL, "app", "参数为空", "NULL argument");
	char norm[GXCA__SERIAL_MAX];
	struct gxca__issue_subject si;
	int rc = gxca__ca_serial_arg(ca->ctx, serial, norm);
	if (!rc && token_serial)
		rc = gxca__check_str(ca->ctx, "token_serial", token_serial, 64);
	if (!rc && at < 0)
		rc = gxca__fail(ca->ctx, GXCA_ERANGE, "at", "时间无效", "invalid time");
	if (!rc)
		rc = subject_from_app(ca->ctx, app, GXCA_BIZ_UNLOCK, &si);
	if (rc)
		return rc;
	struct unlock_job u = {.ca = ca, .si = &si, .serial = norm, .token_serial = token_serial,
			       .at = at ? at : (int64_t)time(NULL)};
	return gxca__registry_txn(ca->reg, true, unlock_txn, &u);
}
