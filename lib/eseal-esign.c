/*
 * lib/eseal-esign.c — electronic signatures (电子签章, SES_Signature):
 * parsing v1 and v4/v5, making v4 (TBS_Sign version 4, or 5 over a v5 seal).
 *
 * v4: SES_Signature ::= SEQ { toSign TBS_Sign, cert, signatureAlgID, signature, [0] timeStamp OPT }
 *     TBS_Sign ::= SEQ { version, eseal, timeInfo GeneralizedTime, dataHash BIT STRING,
 *                        propertyInfo IA5String, [0] extDatas OPT }
 * v1: SES_Signature ::= SEQ { toSign TBS_Sign, signature }
 *     TBS_Sign ::= SEQ { version, eseal, timeInfo BIT STRING (text), dataHash, propertyInfo,
 *                        cert, signatureAlgorithm }
 * The signer signs the TBS_Sign bytes as stored (research/ses.md §4).
 */
#include "eseal-private.h"
#include "key-private.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>

#define MAX_TIME_TEXT 64

static void esign_clear(gxca_esign *g)
{
	gxca__free(g->der);
	gxca_eseal_free(g->seal);
	gxca__free(g->time_text);
	gxca__free(g->property_info);
	gxca__free(g->sign_alg);
	gxca__ses_exts_free(g->exts, g->n_exts);
	gxca_ctx *ctx = g->ctx;
	memset(g, 0, sizeof *g);
	g->ctx = ctx;
}

void gxca_esign_free(gxca_esign *sig)
{
	if (!sig)
		return;
	esign_clear(sig);
	gxca__free(sig);
}

int gxca_esign_new(gxca_esign **out, gxca_ctx *ctx)
{
	if (!ctx || !out)
		return gxca__ses_fail_arg(ctx, "out");
	gxca__clear(ctx);
	*out = gxca__calloc(1, sizeof **out);
	if (!*out)
		return gxca__oom(ctx);
	(*out)->ctx = ctx;
	return GXCA_OK;
}

/* ---- parsing -------------------------------------------------------------- */

static bool civil_ok(int y, int mo, int d, int h, int mi, int s)
{
	int yy, mm, dd;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
		return false;
	gxca__civil_from_days(gxca__days_from_civil(y, mo, d), &yy, &mm, &dd);
	return yy == y && mm == mo && dd == d;
}

/*
 * v1 timeInfo is text (ses.md §3): ofdrw writes "yyyy-MM-dd HH:mm:ss" in
 * Beijing time (taken as UTC+8), dms360 "2020-01-25T07:31:56.377Z" (UTC);
 * "YYYYMMDDHHMMSSZ" is accepted too. False when none fits.
 */
static bool text_time(const char *s, int64_t *out)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, n = 0;
	int64_t offset = 0;
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 && s[n] == '\0') {
		offset = GXCA_TZ_OFFSET_SECONDS;
	} else if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) == 6) {
		const char *r = s + n;
		if (*r == '.')
			for (r++; *r >= '0' && *r <= '9'; r++)
				;
		if (strcmp(r, "Z") != 0)
			return false;
	} else if (sscanf(s, "%4d%2d%2d%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
		   strcmp(s + n, "Z") != 0) {
		return false;
	}
	if (!civil_ok(y, mo, d, h, mi, se))
		return false;
	*out = gxca__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	return true;
}

/* Bytes as printable text ('?' for anything else), at most MAX_TIME_TEXT. */
static char *printable_copy(const uint8_t *p, size_t n)
{
	n = n > MAX_TIME_TEXT ? MAX_TIME_TEXT : n;
	char *s = gxca__malloc(n + 1);
	for (size_t i = 0; s && i < n; i++)
		s[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	if (s)
		s[n] = '\0';
	return s;
}

/* v1 timeInfo / dataHash: BIT STRING, or OCTET STRING (ofdrw converts them, ses.md §5.5). */
static int bits_or_octets(gxca_esign *g, const gxca__tlv *t, gxca__bytes *out, const char *field)
{
	if (gxca__asn1_bits(t, out) == GXCA_OK)
		return GXCA_OK;
	g->quirks |= GXCA_ESEAL_QUIRK_OCTET_STRING;
	return gxca__ses_leaf(g->ctx, gxca__asn1_octets(t, out), field, "BIT STRING");
}

static int parse_time_v1(gxca_esign *g, const gxca__tlv *t)
{
	gxca__bytes b;
	int rc = bits_or_octets(g, t, &b, "toSign.timeInfo");
	if (rc)
		return rc;
	g->time_enc = GXCA_ESEAL_TIME_TEXT;
	if (!(g->time_text = printable_copy(b.p, b.len)))
		return gxca__oom(g->ctx);
	g->time_known = b.len <= MAX_TIME_TEXT && text_time(g->time_text, &g->time);
	return GXCA_OK;
}

static int parse_time_v4(gxca_esign *g, const gxca__tlv *t)
{
	int rc = gxca__ses_leaf(g->ctx, gxca__asn1_time(t, &g->time, &g->time_enc), "toSign.timeInfo",
				"GeneralizedTime");
	if (rc)
		return rc;
	if (g->time_enc != GXCA_ESEAL_TIME_GENERALIZED)
		g->quirks |= GXCA_ESEAL_QUIRK_TIME_TYPE;
	g->time_known = true;
	return (g->time_text = printable_copy(t->c, t->clen)) ? GXCA_OK : gxca__oom(g->ctx);
}

/* The embedded seal; its errors are named under toSign.eseal. */
static int parse_embedded_seal(gxca_esign *g, const gxca__tlv *t)
{
	int rc = gxca__eseal_parse_borrowed(&g->seal, g->ctx, t->p, t->len);
	if (rc && rc != GXCA_ENOMEM && g->ctx) {
		char inner[sizeof g->ctx->err.field];
		memcpy(inner, g->ctx->err.field, sizeof inner);
		snprintf(g->ctx->err.field, sizeof g->ctx->err.field, "toSign.eseal.%.100s", inner);
	}
	return rc;
}

/* The fields common to both TBS layouts: version, eseal, ..., propertyInfo. */
static int parse_tbs_common(gxca_esign *g, const gxca__tlv *k)
{
	int rc =
		gxca__ses_leaf(g->ctx, gxca__asn1_int64(&k[0], &g->tbs_version), "toSign.version", "INTEGER");
	if (!rc)
		rc = parse_embedded_seal(g, &k[1]);
	if (!rc)
		rc = g->version == GXCA_ESEAL_V1 ? parse_time_v1(g, &k[2]) : parse_time_v4(g, &k[2]);
	if (!rc)
		rc = g->version == GXCA_ESEAL_V1
			     ? bits_or_octets(g, &k[3], &g->data_hash, "toSign.dataHash")
			     : gxca__ses_leaf(g->ctx, gxca__asn1_bits(&k[3], &g->data_hash),
					      "toSign.dataHash", "BIT STRING");
	if (!rc)
		rc = gxca__ses_leaf(
			g->ctx,
			gxca__asn1_string(&k[4], V_ASN1_IA5STRING, GXCA__ESEAL_MAX_STR, &g->property_info),
			"toSign.propertyInfo", "IA5String");
	return rc;
}

static int parse_tbs(gxca_esign *g, const gxca__tlv *t)
{
	gxca__tlv k[7], inner;
	size_t n = 0;
	bool v1 = g->version == GXCA_ESEAL_V1;
	int rc = gxca__ses_seq_kids(g->ctx, t, "toSign", k, v1 ? 7 : 5, v1 ? 7 : 6, &n);
	if (!rc)
		rc = parse_tbs_common(g, k);
	if (!rc && v1) {
		rc = gxca__ses_leaf(g->ctx, gxca__asn1_octets(&k[5], &g->signer_cert), "toSign.cert",
				    "OCTET STRING");
		if (!rc)
			rc = gxca__ses_leaf(g->ctx, gxca__asn1_oid(&k[6], &g->sign_alg),
					    "toSign.signatureAlgorithm", "OBJECT IDENTIFIER");
	} else if (!rc && n == 6) {
		if (!gxca__ses_is_ctx0(&k[5]))
			return gxca__ses_fail_field(g->ctx, GXCA_EESEAL_MALFORMED, "toSign.extDatas",
						    "应为 [0]", "expected [0]");
		rc = gxca__tlv_whole(&inner, k[5].c, k[5].clen);
		rc = rc ? gxca__ses_fail_tlv(g->ctx, rc, "toSign.extDatas")
			: gxca__ses_parse_exts(g->ctx, &inner, "toSign.extDatas", &g->exts, &g->n_exts,
					       &g->quirks);
	}
	g->tbs = (gxca__bytes){t->p, t->len, NULL};
	return rc;
}

static int parse_esign_top(gxca_esign *g, const gxca__tlv *top)
{
	gxca__tlv k[5];
	size_t n = 0;
	int rc = gxca__ses_seq_kids(g->ctx, top, "SES_Signature", k, 2, 5, &n);
	if (rc)
		return rc;
	if (n == 3 || (n == 5 && !gxca__ses_is_ctx0(&k[4])))
		return gxca__ses_fail_field(g->ctx, GXCA_EESEAL_MALFORMED, "SES_Signature",
					    "字段数不符合 v1/v4", "field count matches no v1/v4 layout");
	g->version = n == 2 ? GXCA_ESEAL_V1 : GXCA_ESEAL_V4;
	rc = parse_tbs(g, &k[0]);
	if (!rc && n == 2)
		return gxca__ses_leaf(g->ctx, gxca__asn1_bits(&k[1], &g->signature), "signature",
				      "BIT STRING");
	if (!rc)
		rc = gxca__ses_leaf(g->ctx, gxca__asn1_octets(&k[1], &g->signer_cert), "cert",
				    "OCTET STRING");
	if (!rc)
		rc = gxca__ses_leaf(g->ctx, gxca__asn1_oid(&k[2], &g->sign_alg), "signatureAlgID",
				    "OBJECT IDENTIFIER");
	if (!rc)
		rc = gxca__ses_leaf(g->ctx, gxca__asn1_bits(&k[3], &g->signature), "signature", "BIT STRING");
	if (!rc && n == 5)
		rc = gxca__ses_parse_timestamp(g->ctx, &k[4], &g->timestamp);
	return rc;
}

/* Parse der (taken over, freed on failure) into a new object. */
static int esign_parse(gxca_esign **out, gxca_ctx *ctx, uint8_t *der, size_t len)
{
	gxca_esign *g = NULL;
	int rc = gxca_esign_new(&g, ctx);
	if (rc) {
		gxca__free(der);
		return rc;
	}
	g->der = der;
	g->der_len = len;
	g->sealed = true;
	gxca__tlv top;
	rc = gxca__tlv_whole(&top, der, len);
	if (rc)
		rc = gxca__ses_fail_tlv(ctx, rc, "SES_Signature");
	else if (gxca_eseal_kind(der, len) == GXCA_ESEAL_KIND_SEAL)
		rc = gxca__ses_fail_field(ctx, GXCA_EESEAL_MALFORMED, "SES_Signature",
					  "这是电子印章（SESeal），不是电子签章",
					  "this is an electronic seal (SESeal), not a signature");
	else
		rc = parse_esign_top(g, &top);
	if (rc) {
		gxca_esign_free(g);
		return rc;
	}
	*out = g;
	return GXCA_OK;
}

int gxca_esign_parse(gxca_esign **out, gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	uint8_t *copy = NULL;
	if (out)
		*out = NULL;
	int rc = gxca__ses_parse_args(ctx, out, der, len, &copy);
	return rc ? rc : esign_parse(out, ctx, copy, len);
}

/* ---- setters -------------------------------------------------------------- */

static int setter_entry(gxca_esign *g)
{
	if (!g)
		return GXCA_EINVAL;
	gxca__clear(g->ctx);
	return g->sealed ? gxca__ses_fail_state(g->ctx) : GXCA_OK;
}

int gxca_esign_set_seal(gxca_esign *sig, const gxca_eseal *seal)
{
	int rc = setter_entry(sig);
	if (rc)
		return rc;
	if (!seal || !seal->sealed)
		return gxca__fail(sig->ctx, GXCA_EINVAL, "seal", "须为已签名或已解析的电子印章",
				  "the seal must be signed or parsed");
	if (seal->version == GXCA_ESEAL_V1)
		return gxca__fail(sig->ctx, GXCA_EESEAL_UNSUPPORTED, "seal", "不支持用 v1 印章制作电子签章",
				  "making signatures with v1 seals is not supported");
	gxca_eseal *copy = NULL;
	rc = gxca_eseal_parse(&copy, sig->ctx, seal->der, seal->der_len);
	if (rc)
		return rc;
	gxca_eseal_free(sig->seal);
	sig->seal = copy;
	return GXCA_OK;
}

int gxca_esign_set_data(gxca_esign *sig, const uint8_t *data, size_t len)
{
	int rc = setter_entry(sig);
	if (rc)
		return rc;
	if (!data && len)
		return gxca__ses_fail_arg(sig->ctx, "data");
	unsigned int n = 0;
	if (EVP_Digest(data ? data : (const uint8_t *)"", len, sig->digest, &n, EVP_sm3(), NULL) != 1 ||
	    n != GXCA__SM3_LEN)
		return gxca__fail_ossl(sig->ctx, GXCA_ECRYPTO, "data", "SM3 摘要计算失败",
				       "SM3 digest failed");
	sig->have_digest = true;
	return GXCA_OK;
}

int gxca_esign_set_digest(gxca_esign *sig, const uint8_t *digest, size_t len)
{
	int rc = setter_entry(sig);
	if (rc)
		return rc;
	if (!digest || len != GXCA__SM3_LEN)
		return gxca__fail(sig->ctx, GXCA_EINVAL, "digest", "SM3 摘要须为 32 字节",
				  "an SM3 digest is 32 bytes");
	memcpy(sig->digest, digest, len);
	sig->have_digest = true;
	return GXCA_OK;
}

int gxca_esign_set_property_info(gxca_esign *sig, const char *info)
{
	int rc = setter_entry(sig);
	if (rc)
		return rc;
	size_t n = info ? strnlen(info, GXCA__ESEAL_MAX_STR + 1) : 0;
	for (size_t i = 0; info && i < n && !rc; i++)
		rc = (info[i] < 0x20 || info[i] > 0x7e) ? GXCA_EINVAL : GXCA_OK;
	if (!info || n > GXCA__ESEAL_MAX_STR || rc)
		return gxca__fail(sig->ctx, GXCA_EINVAL, "info",
				  "propertyInfo 须为至多 1024 个可打印 ASCII 字符",
				  "propertyInfo must be at most 1024 printable ASCII characters");
	char *c = gxca__strdup(info);
	if (!c)
		return gxca__oom(sig->ctx);
	gxca__free(sig->property_info);
	sig->property_info = c;
	return GXCA_OK;
}

int gxca_esign_set_time(gxca_esign *sig, int64_t when)
{
	int rc = setter_entry(sig);
	if (rc)
		return rc;
	if (when < 0 || when > INT64_C(253402300799))
		return gxca__fail(sig->ctx, GXCA_ERANGE, "when", "时间须在 1970 至 9999 年之间",
				  "the time must lie in the years 1970 to 9999");
	sig->time = when;
	sig->have_time = true;
	return GXCA_OK;
}

int gxca_esign_add_ext(gxca_esign *sig, const char *oid, int critical, const uint8_t *value, size_t len)
{
	int rc = setter_entry(sig);
	return rc ? rc : gxca__ses_ext_add(sig->ctx, &sig->exts, &sig->n_exts, oid, critical, value, len);
}

/* ---- signing -------------------------------------------------------------- */

/* Refuse what verification would reject: signer not in the list, seal out of date. */
static int sign_checks(gxca_esign *g, const uint8_t *cert, size_t cert_len)
{
	bool found = false;
	int rc = gxca__eseal_has_cert(g->seal, cert, cert_len, &found);
	if (!rc && !found)
		rc = gxca__fail(g->ctx, GXCA_EESEAL_SIGNER_NOT_IN_SEAL, "cert",
				"签章者证书不在印章的证书列表中",
				"the signer certificate is not in the seal's certificate list");
	return rc ? rc : gxca__eseal_check_window(g->ctx, g->seal, g->time);
}

int gxca__esign_sign(gxca_esign *g, const gxca_key *key, const uint8_t *cert, size_t cert_len, bool check)
{
	int rc = setter_entry(g);
	if (rc)
		return rc;
	if (!g->seal || !g->have_digest)
		return gxca__fail(g->ctx, GXCA_ESTATE, g->seal ? "data" : "seal",
				  "须先设置印章和原文（或摘要）",
				  "set the seal and the data (or digest) first");
	if ((rc = gxca__ses_check_signer(g->ctx, key, cert, cert_len)))
		return rc;
	if (!g->have_time)
		g->time = (int64_t)time(NULL);
	if (check && (rc = sign_checks(g, cert, cert_len)))
		return rc;
	g->tbs_version = g->seal->version == GXCA_ESEAL_V5 ? 5 : 4;
	uint8_t *tbs = NULL, *sig = NULL, *der = NULL;
	size_t tbs_len = 0, sig_len = 0, der_len = 0;
	gxca_esign *done = NULL;
	rc = gxca__ses_encode_tbs(g, &tbs, &tbs_len);
	if (!rc)
		rc = gxca__pkey_sign(g->ctx, key->pkey, tbs, tbs_len, &sig, &sig_len);
	if (!rc)
		rc = gxca__ses_encode_signed(g->ctx, tbs, tbs_len, cert, cert_len, sig, sig_len, &der,
					     &der_len);
	gxca__free(tbs);
	gxca__free(sig);
	if (!rc)
		rc = esign_parse(&done, g->ctx, der, der_len); /* takes der */
	if (rc)
		return rc;
	esign_clear(g);
	*g = *done; /* now reads like a parsed signature */
	gxca__free(done);
	return GXCA_OK;
}

int gxca_esign_sign(gxca_esign *sig, const gxca_key *key, const uint8_t *signer_cert, size_t cert_len)
{
	return gxca__esign_sign(sig, key, signer_cert, cert_len, true);
}

int gxca_esign_to_der(const gxca_esign *sig, uint8_t **out, size_t *out_len)
{
	if (!sig)
		return GXCA_EINVAL;
	gxca__clear(sig->ctx);
	if (!out || !out_len)
		return gxca__ses_fail_arg(sig->ctx, "out");
	*out = NULL;
	*out_len = 0;
	if (!sig->sealed)
		return gxca__fail(sig->ctx, GXCA_ESTATE, NULL, "电子签章尚未签名",
				  "the signature is not signed yet");
	gxca__bytes b = {0};
	int rc = gxca__ses_bytes_copy(sig->ctx, &b, sig->der, sig->der_len);
	if (!rc) {
		*out = b.own;
		*out_len = b.len;
	}
	return rc;
}

/* ---- getters -------------------------------------------------------------- */

int gxca_esign_version(const gxca_esign *sig) { return sig ? sig->version : 0; }
int64_t gxca_esign_tbs_version(const gxca_esign *sig) { return sig ? sig->tbs_version : 0; }
const gxca_eseal *gxca_esign_seal(const gxca_esign *sig) { return sig ? sig->seal : NULL; }
int64_t gxca_esign_time(const gxca_esign *sig) { return sig && sig->time_known ? sig->time : 0; }
int gxca_esign_time_encoding(const gxca_esign *sig) { return sig ? sig->time_enc : 0; }

const char *gxca_esign_time_text(const gxca_esign *sig)
{
	return gxca__ses_str_or_empty(sig ? sig->time_text : NULL);
}

const uint8_t *gxca_esign_data_hash(const gxca_esign *sig, size_t *len)
{
	return gxca__ses_bytes_out(sig ? &sig->data_hash : NULL, len);
}

const char *gxca_esign_property_info(const gxca_esign *sig)
{
	return gxca__ses_str_or_empty(sig ? sig->property_info : NULL);
}

const uint8_t *gxca_esign_signer_cert(const gxca_esign *sig, size_t *len)
{
	return gxca__ses_bytes_out(sig ? &sig->signer_cert : NULL, len);
}

const char *gxca_esign_sign_alg(const gxca_esign *sig)
{
	return gxca__ses_str_or_empty(sig ? sig->sign_alg : NULL);
}

const uint8_t *gxca_esign_signature(const gxca_esign *sig, size_t *len)
{
	return gxca__ses_bytes_out(sig ? &sig->signature : NULL, len);
}

const uint8_t *gxca_esign_timestamp(const gxca_esign *sig, size_t *len)
{
	return gxca__ses_bytes_out(sig ? &sig->timestamp : NULL, len);
}

size_t gxca_esign_ext_count(const gxca_esign *sig) { return sig ? sig->n_exts : 0; }

const char *gxca_esign_ext_oid(const gxca_esign *sig, size_t i)
{
	return gxca__ses_str_or_empty(sig && i < sig->n_exts ? sig->exts[i].oid : NULL);
}

int gxca_esign_ext_critical(const gxca_esign *sig, size_t i)
{
	return sig && i < sig->n_exts ? sig->exts[i].critical : 0;
}

const uint8_t *gxca_esign_ext_value(const gxca_esign *sig, size_t i, size_t *len)
{
	return gxca__ses_bytes_out(sig && i < sig->n_exts ? &sig->exts[i].value : NULL, len);
}

uint32_t gxca_esign_quirks(const gxca_esign *sig)
{
	return sig ? sig->quirks | (sig->seal ? sig->seal->quirks : 0) : 0;
}
