/*
 * lib/eseal.c — GB/T 38540 / GM/T 0031 electronic seals (SESeal) and
 * signatures (SES_Signature): the objects, their setters, parsing, getters,
 * and signing. DER access is in eseal-asn1.c, verification in eseal-verify.c.
 *
 * Parsing follows research/ses.md §5: the number of fields decides the
 * layout (v1: SESeal has 2, v4: 4, v5: 5 or header version 5), never the
 * header number alone; every signed range is kept as received.
 */
#include "eseal-private.h"
#include "key-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#define MAX_NAME 256
#define MAX_PIC_TYPE 16
#define MAX_MM 1000
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* ---- errors --------------------------------------------------------------- */

int gxca__ses_fail_arg(gxca_ctx *ctx, const char *field)
{
	return gxca__fail(ctx, GXCA_EINVAL, field, "参数为空或无效", "NULL or invalid argument");
}

int gxca__ses_fail_state(gxca_ctx *ctx)
{
	return gxca__fail(ctx, GXCA_ESTATE, NULL, "已签名或解析得到的对象不能修改",
			  "a signed or parsed object cannot be changed");
}

/* A gxca__ses_leaf or structure failure at a field: rc is MALFORMED, TOOBIG or NOMEM. */
int gxca__ses_fail_field(gxca_ctx *ctx, int rc, const char *field, const char *zh, const char *en)
{
	if (rc == GXCA_ENOMEM)
		return gxca__oom(ctx);
	char zh_msg[512], en_msg[512];
	snprintf(zh_msg, sizeof zh_msg, "%s：%s", field, zh);
	snprintf(en_msg, sizeof en_msg, "%s: %s", field, en);
	return gxca__fail(ctx, rc, field, zh_msg, en_msg);
}

int gxca__ses_fail_tlv(gxca_ctx *ctx, int tlv_rc, const char *field)
{
	switch (tlv_rc) {
	case GXCA__TLV_TRAILING:
		return gxca__ses_fail_field(ctx, GXCA_EESEAL_MALFORMED, field, "结尾有多余数据",
					    "trailing bytes after the DER");
	case GXCA__TLV_TOO_MANY:
		return gxca__ses_fail_field(ctx, GXCA_EESEAL_MALFORMED, field, "元素过多",
					    "too many elements");
	default:
		return gxca__ses_fail_field(ctx, GXCA_EESEAL_MALFORMED, field, "DER 截断或长度错误",
					    "truncated DER or bad length");
	}
}

/* A gxca__ses_leaf decoder's status at a field. */
int gxca__ses_leaf(gxca_ctx *ctx, int rc, const char *field, const char *type)
{
	if (rc == GXCA_OK)
		return GXCA_OK;
	if (rc == GXCA_ENOMEM)
		return gxca__oom(ctx);
	return gxca__failf(ctx, GXCA_EESEAL_MALFORMED, field, "%s：应为有效的 %s", "%s: expected a valid %s",
			   field, type, field, type);
}

/* Children of a universal SEQUENCE, between min and max of them. */
int gxca__ses_seq_kids(gxca_ctx *ctx, const gxca__tlv *t, const char *field, gxca__tlv *kids, size_t min,
		       size_t max, size_t *n)
{
	if (!gxca__tlv_is(t, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true))
		return gxca__ses_fail_field(ctx, GXCA_EESEAL_MALFORMED, field, "应为 SEQUENCE",
					    "expected a SEQUENCE");
	int rc = gxca__tlv_children(t, kids, max, n);
	if (rc)
		return gxca__ses_fail_tlv(ctx, rc, field);
	if (*n < min)
		return gxca__failf(ctx, GXCA_EESEAL_MALFORMED, field, "%s：字段过少（%zu）",
				   "%s: too few fields (%zu)", field, *n, field, *n);
	return GXCA_OK;
}

/* ---- lifetime ------------------------------------------------------------- */

void gxca__ses_exts_free(gxca__ses_ext *exts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		gxca__free(exts[i].oid);
		gxca__free(exts[i].value.own);
	}
	gxca__free(exts);
}

/* Free what an object holds, keeping ctx. */
static void eseal_clear(gxca_eseal *s)
{
	gxca__free(s->der_own);
	gxca__free(s->vid);
	gxca__free(s->es_id);
	gxca__free(s->name);
	gxca__free(s->picture_type);
	gxca__free(s->picture.own);
	for (size_t i = 0; i < s->n_certs; i++) {
		gxca__free(s->certs[i].value.own);
		gxca__free(s->certs[i].digest_type);
	}
	gxca__free(s->certs);
	gxca__ses_exts_free(s->exts, s->n_exts);
	gxca__free(s->sign_alg);
	gxca_ctx *ctx = s->ctx;
	memset(s, 0, sizeof *s);
	s->ctx = ctx;
}

void gxca_eseal_free(gxca_eseal *seal)
{
	if (!seal)
		return;
	eseal_clear(seal);
	gxca__free(seal);
}

int gxca_eseal_new(gxca_eseal **out, gxca_ctx *ctx)
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

/* ---- parsing: seals ------------------------------------------------------- */

int gxca__ses_parse_exts(gxca_ctx *ctx, const gxca__tlv *t, const char *field, gxca__ses_ext **out,
			 size_t *n_out, uint32_t *quirks)
{
	gxca__tlv kids[GXCA__ESEAL_MAX_LIST], f[3];
	size_t n = 0, nf = 0;
	int rc = gxca__ses_seq_kids(ctx, t, field, kids, 0, GXCA__ESEAL_MAX_LIST, &n);
	if (rc)
		return rc;
	gxca__ses_ext *exts = gxca__calloc(n ? n : 1, sizeof *exts);
	if (!exts)
		return gxca__oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = gxca__ses_seq_kids(ctx, &kids[i], "extDatas.ExtData", f, 2, 3, &nf);
		if (!rc)
			rc = gxca__ses_leaf(ctx, gxca__asn1_oid(&f[0], &exts[i].oid), "ExtData.extnID",
					    "OBJECT IDENTIFIER");
		if (!rc && nf == 3) {
			rc = gxca__ses_leaf(ctx, gxca__asn1_bool(&f[1], &exts[i].critical),
					    "ExtData.critical", "BOOLEAN");
			if (!exts[i].critical)
				*quirks |= GXCA_ESEAL_QUIRK_EXPLICIT_DEFAULT;
		}
		if (!rc)
			rc = gxca__ses_leaf(ctx, gxca__asn1_octets(&f[nf - 1], &exts[i].value),
					    "ExtData.extnValue", "OCTET STRING");
	}
	if (rc) {
		gxca__ses_exts_free(exts, n);
		return rc;
	}
	*out = exts;
	*n_out = n;
	return GXCA_OK;
}

static int parse_header(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv k[3];
	size_t n = 0;
	char *id = NULL;
	int rc = gxca__ses_seq_kids(s->ctx, t, "header", k, 3, 3, &n);
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_string(&k[0], V_ASN1_IA5STRING, 8, &id), "header.ID",
				    "IA5String");
	if (!rc && strcmp(id, "ES") != 0)
		rc = gxca__ses_fail_field(s->ctx, GXCA_EESEAL_MALFORMED, "header.ID", "应为 \"ES\"",
					  "must be \"ES\"");
	gxca__free(id);
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_int64(&k[1], &s->header_version), "header.version",
				    "INTEGER");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx,
				    gxca__asn1_string(&k[2], V_ASN1_IA5STRING, GXCA__ESEAL_MAX_STR, &s->vid),
				    "header.Vid", "IA5String");
	return rc;
}

/* CertDigestObj ::= SEQUENCE { type PrintableString, value OCTET STRING } */
static int parse_cert_digest(gxca_eseal *s, const gxca__tlv *t, gxca__ses_cert *c)
{
	gxca__tlv f[2];
	size_t n = 0;
	int rc = gxca__ses_seq_kids(s->ctx, t, "certList.CertDigestObj", f, 2, 2, &n);
	if (rc)
		return rc;
	int type = f[0].tag == V_ASN1_IA5STRING ? V_ASN1_IA5STRING : V_ASN1_PRINTABLESTRING;
	rc = gxca__ses_leaf(s->ctx, gxca__asn1_string(&f[0], type, 64, &c->digest_type), "CertDigestObj.type",
			    "PrintableString");
	return rc ? rc
		  : gxca__ses_leaf(s->ctx, gxca__asn1_octets(&f[1], &c->value), "CertDigestObj.value",
				   "OCTET STRING");
}

/* certList: the branch comes from certListType, not from tags (ses.md §5.4). */
static int parse_cert_list(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv kids[GXCA__ESEAL_MAX_LIST];
	size_t n = 0;
	int rc = gxca__ses_seq_kids(s->ctx, t, "property.certList", kids, 0, GXCA__ESEAL_MAX_LIST, &n);
	if (rc)
		return rc;
	if (!(s->certs = gxca__calloc(n ? n : 1, sizeof *s->certs)))
		return gxca__oom(s->ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		gxca__ses_cert *c = &s->certs[s->n_certs];
		if (s->cert_list_type == GXCA_ESEAL_CERTLIST_DIGESTS) {
			rc = parse_cert_digest(s, &kids[i], c);
			s->n_certs++; /* counted even on failure: digest_type may need freeing */
		} else if (gxca__asn1_octets(&kids[i], &c->value) == GXCA_OK) {
			s->n_certs++;
		} else {
			s->quirks |= GXCA_ESEAL_QUIRK_CERT_ENTRY; /* e.g. dms360's IA5String "1" */
		}
	}
	return rc;
}

static int parse_dates(gxca_eseal *s, const gxca__tlv *k, int expected)
{
	static const char *const names[] = {"property.createDate", "property.validStart",
					    "property.validEnd"};
	int64_t *dst[] = {&s->create_date, &s->valid_start, &s->valid_end};
	for (size_t i = 0; i < 3; i++) {
		int enc = 0;
		int rc = gxca__ses_leaf(s->ctx, gxca__asn1_time(&k[i], dst[i], &enc), names[i],
					"UTCTime/GeneralizedTime");
		if (rc)
			return rc;
		if (enc != expected)
			s->quirks |= GXCA_ESEAL_QUIRK_TIME_TYPE;
		if (i == 0)
			s->time_enc = enc;
	}
	s->have_validity = true;
	return GXCA_OK;
}

/* v1: 6 fields (no certListType, UTCTime); v4: 7 fields (GeneralizedTime). */
static int parse_property(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv k[7];
	size_t n = 0;
	int64_t clt = 0;
	int rc = gxca__ses_seq_kids(s->ctx, t, "property", k, 6, 7, &n);
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_int64(&k[0], &s->type), "property.type", "INTEGER");
	if (!rc)
		rc = gxca__ses_leaf(
			s->ctx, gxca__asn1_string(&k[1], V_ASN1_UTF8STRING, GXCA__ESEAL_MAX_STR, &s->name),
			"property.name", "UTF8String");
	if (!rc && n == 7) {
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_int64(&k[2], &clt), "property.certListType",
				    "INTEGER");
		if (!rc && clt != GXCA_ESEAL_CERTLIST_CERTS && clt != GXCA_ESEAL_CERTLIST_DIGESTS)
			rc = gxca__ses_fail_field(s->ctx, GXCA_EESEAL_MALFORMED, "property.certListType",
						  "应为 1 或 2", "must be 1 or 2");
		s->cert_list_type = (int)clt;
	}
	size_t at = n == 7 ? 3 : 2;
	if (!rc)
		rc = parse_cert_list(s, &k[at]);
	if (!rc)
		rc = parse_dates(s, &k[at + 1], n == 7 ? GXCA_ESEAL_TIME_GENERALIZED : GXCA_ESEAL_TIME_UTC);
	return rc;
}

static int parse_picture(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv k[4];
	size_t n = 0;
	int rc = gxca__ses_seq_kids(s->ctx, t, "picture", k, 4, 4, &n);
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_string(&k[0], V_ASN1_IA5STRING, 64, &s->picture_type),
				    "picture.type", "IA5String");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_octets(&k[1], &s->picture), "picture.data",
				    "OCTET STRING");
	if (!rc && s->picture.len > GXCA__ESEAL_MAX_PICTURE)
		rc = gxca__ses_fail_field(s->ctx, GXCA_ETOOBIG, "picture.data", "图片超过 16 MiB",
					  "picture over 16 MiB");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_int64(&k[2], &s->width), "picture.width", "INTEGER");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_int64(&k[3], &s->height), "picture.height", "INTEGER");
	if (!rc && (s->width < 0 || s->height < 0 || s->width > INT32_MAX || s->height > INT32_MAX))
		rc = gxca__ses_fail_field(s->ctx, GXCA_EESEAL_MALFORMED, "picture.width", "尺寸超出范围",
					  "size out of range");
	return rc;
}

/* extDatas: untagged (all vendors), or [0] EXPLICIT (one v1 vendor guide). */
static int parse_seal_exts(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv inner;
	if (gxca__tlv_is(t, V_ASN1_CONTEXT_SPECIFIC, 0, true)) {
		int rc = gxca__tlv_whole(&inner, t->c, t->clen);
		if (rc)
			return gxca__ses_fail_tlv(s->ctx, rc, "extDatas");
		s->quirks |= GXCA_ESEAL_QUIRK_TAGGED_EXT;
		t = &inner;
	}
	return gxca__ses_parse_exts(s->ctx, t, "extDatas", &s->exts, &s->n_exts, &s->quirks);
}

static int parse_sealinfo(gxca_eseal *s, const gxca__tlv *t)
{
	gxca__tlv k[5];
	size_t n = 0;
	int rc = gxca__ses_seq_kids(s->ctx, t, "eSealInfo", k, 4, 5, &n);
	if (!rc)
		rc = parse_header(s, &k[0]);
	if (!rc)
		rc = gxca__ses_leaf(
			s->ctx, gxca__asn1_string(&k[1], V_ASN1_IA5STRING, GXCA__ESEAL_MAX_STR, &s->es_id),
			"esID", "IA5String");
	if (!rc)
		rc = parse_property(s, &k[2]);
	if (!rc)
		rc = parse_picture(s, &k[3]);
	if (!rc && n == 5)
		rc = parse_seal_exts(s, &k[4]);
	s->info = (gxca__bytes){t->p, t->len, NULL};
	return rc;
}

/* cert OCTET STRING, alg OID, signature BIT STRING (v1 SES_SignInfo or v4 SESeal fields). */
static int parse_sign_fields(gxca_eseal *s, const gxca__tlv *k)
{
	int rc = gxca__ses_leaf(s->ctx, gxca__asn1_octets(&k[0], &s->maker_cert), "cert", "OCTET STRING");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_oid(&k[1], &s->sign_alg), "signAlgID",
				    "OBJECT IDENTIFIER");
	if (!rc)
		rc = gxca__ses_leaf(s->ctx, gxca__asn1_bits(&k[2], &s->signature), "signedValue",
				    "BIT STRING");
	s->cert_tlv = (gxca__bytes){k[0].p, k[0].len, NULL};
	s->alg_tlv = (gxca__bytes){k[1].p, k[1].len, NULL};
	return rc;
}

/* [0] EXPLICIT BIT STRING (v5 seal, v4 signature timeStamp) */
int gxca__ses_parse_timestamp(gxca_ctx *ctx, const gxca__tlv *t, gxca__bytes *out)
{
	gxca__tlv inner;
	int rc = gxca__tlv_whole(&inner, t->c, t->clen);
	if (rc)
		return gxca__ses_fail_tlv(ctx, rc, "timeStamp");
	return gxca__ses_leaf(ctx, gxca__asn1_bits(&inner, out), "timeStamp", "BIT STRING");
}

bool gxca__ses_is_ctx0(const gxca__tlv *t) { return gxca__tlv_is(t, V_ASN1_CONTEXT_SPECIFIC, 0, true); }

static int parse_seal_top(gxca_eseal *s, const gxca__tlv *top)
{
	gxca__tlv k[5], sk[3];
	size_t n = 0, ns = 0;
	int rc = gxca__ses_seq_kids(s->ctx, top, "SESeal", k, 2, 5, &n);
	if (rc)
		return rc;
	if (n == 3 || (n == 5 && !gxca__ses_is_ctx0(&k[4])))
		return gxca__ses_fail_field(s->ctx, GXCA_EESEAL_MALFORMED, "SESeal", "字段数不符合 v1/v4/v5",
					    "field count matches no v1/v4/v5 layout");
	rc = parse_sealinfo(s, &k[0]);
	if (!rc && n == 2) {
		s->version = GXCA_ESEAL_V1;
		rc = gxca__ses_seq_kids(s->ctx, &k[1], "signInfo", sk, 3, 3, &ns);
		if (!rc)
			rc = parse_sign_fields(s, sk);
	} else if (!rc) {
		s->version = n == 5 || s->header_version == 5 ? GXCA_ESEAL_V5 : GXCA_ESEAL_V4;
		rc = parse_sign_fields(s, &k[1]);
		if (!rc && n == 5)
			rc = gxca__ses_parse_timestamp(s->ctx, &k[4], &s->timestamp);
	}
	return rc;
}

int gxca_eseal_kind(const uint8_t *der, size_t len)
{
	gxca__tlv top, k[5], kk[7];
	size_t n = 0;
	if (!der || len > GXCA__ESEAL_MAX_DER || gxca__tlv_whole(&top, der, len) ||
	    !gxca__tlv_is(&top, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true) ||
	    gxca__tlv_children(&top, k, 5, &n) || n < 2 ||
	    !gxca__tlv_is(&k[0], V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true) ||
	    gxca__tlv_children(&k[0], kk, 7, &n) || n < 1)
		return GXCA_ESEAL_KIND_UNKNOWN;
	if (gxca__tlv_is(&kk[0], V_ASN1_UNIVERSAL, V_ASN1_INTEGER, false))
		return GXCA_ESEAL_KIND_SIGNATURE;
	if (gxca__tlv_is(&kk[0], V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true))
		return GXCA_ESEAL_KIND_SEAL;
	return GXCA_ESEAL_KIND_UNKNOWN;
}

/* Parse der into s (s->der already set). */
static int eseal_parse_into(gxca_eseal *s)
{
	gxca__tlv top;
	if (s->der_len > GXCA__ESEAL_MAX_DER)
		return gxca__fail(s->ctx, GXCA_ETOOBIG, "der", "电子印章超过 32 MiB", "seal over 32 MiB");
	int rc = gxca__tlv_whole(&top, s->der, s->der_len);
	if (rc)
		return gxca__ses_fail_tlv(s->ctx, rc, "SESeal");
	if (gxca_eseal_kind(s->der, s->der_len) == GXCA_ESEAL_KIND_SIGNATURE)
		return gxca__ses_fail_field(s->ctx, GXCA_EESEAL_MALFORMED, "SESeal",
					    "这是电子签章（SES_Signature），不是电子印章",
					    "this is an electronic signature (SES_Signature), not a seal");
	rc = parse_seal_top(s, &top);
	s->sealed = true;
	return rc;
}

static int eseal_parse(gxca_eseal **out, gxca_ctx *ctx, const uint8_t *der, size_t len, uint8_t *own)
{
	gxca_eseal *s = NULL;
	int rc = gxca_eseal_new(&s, ctx);
	if (rc) {
		gxca__free(own);
		return rc;
	}
	s->der = der;
	s->der_len = len;
	s->der_own = own;
	rc = eseal_parse_into(s);
	if (rc) {
		gxca_eseal_free(s);
		return rc;
	}
	*out = s;
	return GXCA_OK;
}

int gxca__eseal_parse_borrowed(gxca_eseal **out, gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	return eseal_parse(out, ctx, der, len, NULL);
}

/* Check the arguments of a parse call and copy the input. */
int gxca__ses_parse_args(gxca_ctx *ctx, const void *out, const uint8_t *der, size_t len, uint8_t **copy)
{
	if (!ctx || !out)
		return gxca__ses_fail_arg(ctx, "out");
	gxca__clear(ctx);
	if (!der || !len)
		return gxca__ses_fail_arg(ctx, "der");
	if (len > GXCA__ESEAL_MAX_DER)
		return gxca__fail(ctx, GXCA_ETOOBIG, "der", "输入超过 32 MiB", "input over 32 MiB");
	if (!(*copy = gxca__malloc(len)))
		return gxca__oom(ctx);
	memcpy(*copy, der, len);
	return GXCA_OK;
}

int gxca_eseal_parse(gxca_eseal **out, gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	uint8_t *copy = NULL;
	if (out)
		*out = NULL;
	int rc = gxca__ses_parse_args(ctx, out, der, len, &copy);
	return rc ? rc : eseal_parse(out, ctx, copy, len, copy);
}

/* ---- setters (new seals) -------------------------------------------------- */

static bool printable_ascii(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* Common entry of a setter: object usable and still new. */
static int setter_entry(gxca_eseal *s)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	return s->sealed ? gxca__ses_fail_state(s->ctx) : GXCA_OK;
}

static int set_ascii(gxca_eseal *s, char **dst, const char *v, size_t max, const char *field)
{
	int rc = setter_entry(s);
	if (rc)
		return rc;
	if (!v || !printable_ascii(v, max))
		return gxca__failf(s->ctx, GXCA_EINVAL, field, "%s 须为 1 至 %zu 个可打印 ASCII 字符",
				   "%s must be 1 to %zu printable ASCII characters", field, max, field, max);
	char *c = gxca__strdup(v);
	if (!c)
		return gxca__oom(s->ctx);
	gxca__free(*dst);
	*dst = c;
	return GXCA_OK;
}

int gxca_eseal_set_vid(gxca_eseal *seal, const char *vid)
{
	return set_ascii(seal, seal ? &seal->vid : NULL, vid, GXCA__ESEAL_MAX_STR, "vid");
}

int gxca_eseal_set_id(gxca_eseal *seal, const char *es_id)
{
	return set_ascii(seal, seal ? &seal->es_id : NULL, es_id, GXCA__ESEAL_MAX_STR, "es_id");
}

int gxca_eseal_set_type(gxca_eseal *seal, int64_t type)
{
	int rc = setter_entry(seal);
	if (rc)
		return rc;
	if (type < 0 || type > INT32_MAX)
		return gxca__fail(seal->ctx, GXCA_ERANGE, "type", "印章类型超出范围",
				  "seal type out of range");
	seal->type = type;
	return GXCA_OK;
}

int gxca_eseal_set_name(gxca_eseal *seal, const char *name)
{
	int rc = setter_entry(seal);
	if (!rc)
		rc = gxca__check_str(seal->ctx, "name", name, MAX_NAME);
	if (!rc && !*name)
		rc = gxca__fail(seal->ctx, GXCA_EINVAL, "name", "印章名称为空", "empty seal name");
	char *c = rc ? NULL : gxca__strdup(name);
	if (!rc && !c)
		rc = gxca__oom(seal->ctx);
	if (!rc) {
		gxca__free(seal->name);
		seal->name = c;
	}
	return rc;
}

/* Copy caller bytes into an owned gxca__bytes. */
int gxca__ses_bytes_copy(gxca_ctx *ctx, gxca__bytes *b, const uint8_t *p, size_t len)
{
	uint8_t *c = gxca__malloc(len);
	if (!c)
		return gxca__oom(ctx);
	if (len)
		memcpy(c, p, len);
	*b = (gxca__bytes){c, len, c};
	return GXCA_OK;
}

static bool is_cert(gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	gxca__ses_cert_view cv;
	return len <= GXCA__ESEAL_MAX_DER &&
	       gxca__ses_cert_read(ctx, der, len, "cert", GXCA__CERT_STRUCTURE, &cv) == GXCA_OK;
}

int gxca_eseal_add_cert(gxca_eseal *seal, const uint8_t *der, size_t len)
{
	int rc = setter_entry(seal);
	if (rc)
		return rc;
	if (!is_cert(seal->ctx, der, len))
		return gxca__fail(seal->ctx, GXCA_EINVAL, "cert", "不是 DER 编码的 X.509 证书",
				  "not a DER X.509 certificate");
	if (seal->n_certs == GXCA__ESEAL_MAX_LIST)
		return gxca__fail(seal->ctx, GXCA_ETOOBIG, "cert", "证书过多（最多 64 张）",
				  "too many certificates (64 at most)");
	gxca__ses_cert *c = gxca__realloc(seal->certs, (seal->n_certs + 1) * sizeof *c);
	if (!c)
		return gxca__oom(seal->ctx);
	seal->certs = c;
	c = &seal->certs[seal->n_certs];
	memset(c, 0, sizeof *c);
	rc = gxca__ses_bytes_copy(seal->ctx, &c->value, der, len);
	if (!rc)
		seal->n_certs++;
	return rc;
}

int gxca_eseal_set_validity(gxca_eseal *seal, int64_t create_date, int64_t valid_start, int64_t valid_end)
{
	int rc = setter_entry(seal);
	if (rc)
		return rc;
	if (create_date < 0 || valid_start < 0 || valid_end > MAX_TIME || create_date > MAX_TIME)
		return gxca__fail(seal->ctx, GXCA_ERANGE, "validity", "日期须在 1970 至 9999 年之间",
				  "dates must lie in the years 1970 to 9999");
	if (valid_start >= valid_end)
		return gxca__fail(seal->ctx, GXCA_EINVAL, "valid_end", "有效期结束须晚于开始",
				  "the validity must end after it starts");
	seal->create_date = create_date;
	seal->valid_start = valid_start;
	seal->valid_end = valid_end;
	seal->have_validity = true;
	seal->time_enc = GXCA_ESEAL_TIME_GENERALIZED;
	return GXCA_OK;
}

static int check_picture(gxca_ctx *ctx, const char *type, const uint8_t *data, size_t len, uint32_t w,
			 uint32_t h)
{
	static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (!printable_ascii(type, MAX_PIC_TYPE))
		return gxca__fail(ctx, GXCA_EINVAL, "type", "图片类型须为可打印 ASCII",
				  "picture type must be printable ASCII");
	if (!data || !len)
		return gxca__ses_fail_arg(ctx, "data");
	if (len > GXCA__ESEAL_MAX_PICTURE)
		return gxca__fail(ctx, GXCA_ETOOBIG, "data", "图片超过 16 MiB", "picture over 16 MiB");
	if (strcasecmp(type, "png") == 0 && (len < 8 || memcmp(data, png_sig, 8) != 0))
		return gxca__fail(ctx, GXCA_EINVAL, "data", "图片不是 PNG", "picture is not a PNG");
	if (w < 1 || h < 1 || w > MAX_MM || h > MAX_MM)
		return gxca__fail(ctx, GXCA_ERANGE, "width_mm", "图片尺寸须为 1 至 1000 毫米",
				  "picture size must be 1 to 1000 mm");
	return GXCA_OK;
}

int gxca_eseal_set_picture(gxca_eseal *seal, const char *type, const uint8_t *data, size_t len,
			   uint32_t width_mm, uint32_t height_mm)
{
	int rc = setter_entry(seal);
	if (rc)
		return rc;
	type = type ? type : "png";
	rc = check_picture(seal->ctx, type, data, len, width_mm, height_mm);
	char *t = rc ? NULL : gxca__strdup(type);
	if (!rc && !t)
		rc = gxca__oom(seal->ctx);
	gxca__bytes pic = {0};
	if (!rc)
		rc = gxca__ses_bytes_copy(seal->ctx, &pic, data, len);
	if (rc) {
		gxca__free(t);
		return rc;
	}
	gxca__free(seal->picture_type);
	gxca__free(seal->picture.own);
	seal->picture_type = t;
	seal->picture = pic;
	seal->width = width_mm;
	seal->height = height_mm;
	return GXCA_OK;
}

static bool oid_valid(const char *oid)
{
	if (!oid || !printable_ascii(oid, 127))
		return false;
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	ASN1_OBJECT_free(o);
	ERR_clear_error();
	return o != NULL;
}

/* Append an ExtData to a list (seal or signature). */
int gxca__ses_ext_add(gxca_ctx *ctx, gxca__ses_ext **exts, size_t *n, const char *oid, int critical,
		      const uint8_t *value, size_t len)
{
	if (!oid_valid(oid))
		return gxca__fail(ctx, GXCA_EINVAL, "oid", "OID 无效", "invalid OID");
	if ((!value && len) || len > (1u << 20))
		return gxca__fail(ctx, GXCA_EINVAL, "value", "扩展值为空或超过 1 MiB",
				  "extension value NULL or over 1 MiB");
	if (*n == GXCA__ESEAL_MAX_LIST)
		return gxca__fail(ctx, GXCA_ETOOBIG, "oid", "扩展过多（最多 64 个）",
				  "too many extensions (64 at most)");
	gxca__ses_ext *e = gxca__realloc(*exts, (*n + 1) * sizeof *e);
	if (!e)
		return gxca__oom(ctx);
	*exts = e;
	e = &e[*n];
	memset(e, 0, sizeof *e);
	e->critical = critical != 0;
	if (!(e->oid = gxca__strdup(oid)))
		return gxca__oom(ctx);
	int rc = gxca__ses_bytes_copy(ctx, &e->value, value, len);
	if (rc) {
		gxca__free(e->oid);
		return rc;
	}
	(*n)++;
	return GXCA_OK;
}

int gxca_eseal_add_ext(gxca_eseal *seal, const char *oid, int critical, const uint8_t *value, size_t len)
{
	int rc = setter_entry(seal);
	return rc ? rc : gxca__ses_ext_add(seal->ctx, &seal->exts, &seal->n_exts, oid, critical, value, len);
}

/* ---- signing a seal ---------------------------------------------------------- */

/* The SM2 key and its certificate, before any signing. */
int gxca__ses_check_signer(gxca_ctx *ctx, const gxca_key *key, const uint8_t *cert, size_t cert_len)
{
	if (!key || !key->pkey)
		return gxca__ses_fail_arg(ctx, "key");
	if (gxca__pkey_alg(key->pkey) != GXCA_KEY_SM2)
		return gxca__fail(ctx, GXCA_EESEAL_UNSUPPORTED, "key", "电子印章须用 SM2 密钥签名",
				  "electronic seals are signed with SM2 keys");
	return gxca__ses_key_matches(ctx, key->pkey, cert, cert_len);
}

static int seal_ready(const gxca_eseal *s)
{
	const char *missing = !s->vid             ? "vid"
			      : !s->es_id         ? "es_id"
			      : !s->name          ? "name"
			      : !s->have_validity ? "validity"
			      : !s->picture.p     ? "picture"
			      : !s->n_certs       ? "cert"
						  : NULL;
	if (missing)
		return gxca__failf(s->ctx, GXCA_ESTATE, missing, "缺少 %s", "%s is missing", missing,
				   missing);
	return GXCA_OK;
}

int gxca_eseal_sign(gxca_eseal *seal, const gxca_key *maker_key, const uint8_t *maker_cert, size_t cert_len)
{
	int rc = setter_entry(seal);
	if (!rc)
		rc = seal_ready(seal);
	if (!rc)
		rc = gxca__ses_check_signer(seal->ctx, maker_key, maker_cert, cert_len);
	if (rc)
		return rc;
	uint8_t *info = NULL, *sig = NULL, *der = NULL;
	size_t info_len = 0, sig_len = 0, der_len = 0;
	gxca_eseal *done = NULL;
	rc = gxca__ses_encode_sealinfo(seal, &info, &info_len);
	if (!rc)
		rc = gxca__pkey_sign(seal->ctx, maker_key->pkey, info, info_len, &sig, &sig_len);
	if (!rc)
		rc = gxca__ses_encode_signed(seal->ctx, info, info_len, maker_cert, cert_len, sig, sig_len,
					     &der, &der_len);
	gxca__free(info);
	gxca__free(sig);
	if (!rc)
		rc = eseal_parse(&done, seal->ctx, der, der_len, der); /* takes der */
	if (rc)
		return rc;
	eseal_clear(seal);
	*seal = *done; /* the object now reads like a parsed seal */
	gxca__free(done);
	return GXCA_OK;
}

int gxca_eseal_to_der(const gxca_eseal *seal, uint8_t **out, size_t *out_len)
{
	if (!seal)
		return GXCA_EINVAL;
	gxca__clear(seal->ctx);
	if (!out || !out_len)
		return gxca__ses_fail_arg(seal->ctx, "out");
	*out = NULL;
	*out_len = 0;
	if (!seal->sealed)
		return gxca__fail(seal->ctx, GXCA_ESTATE, NULL, "印章尚未签名", "the seal is not signed yet");
	gxca__bytes b = {0};
	int rc = gxca__ses_bytes_copy(seal->ctx, &b, seal->der, seal->der_len);
	if (!rc) {
		*out = b.own;
		*out_len = b.len;
	}
	return rc;
}

int gxca_eseal_write_picture(const gxca_eseal *seal, const char *path)
{
	if (!seal)
		return GXCA_EINVAL;
	gxca__clear(seal->ctx);
	int rc = gxca__check_str(seal->ctx, "path", path, 4096);
	if (rc)
		return rc;
	if (!seal->picture.p)
		return gxca__fail(seal->ctx, GXCA_ESTATE, "picture", "没有图片", "no picture");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return gxca__failf(seal->ctx, errno == EEXIST ? GXCA_EEXISTS : GXCA_EIO, "path",
				   "无法创建 %s：%s", "cannot create %s: %s", path, strerror(errno), path,
				   strerror(errno));
	size_t done = 0;
	while (done < seal->picture.len) {
		ssize_t w = write(fd, seal->picture.p + done, seal->picture.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) != 0 || done != seal->picture.len) {
		unlink(path);
		return gxca__failf(seal->ctx, GXCA_EIO, "path", "写入 %s 失败", "writing %s failed", path,
				   path);
	}
	return GXCA_OK;
}

/* ---- getters -------------------------------------------------------------- */

const char *gxca__ses_str_or_empty(const char *s) { return s ? s : ""; }

const uint8_t *gxca__ses_bytes_out(const gxca__bytes *b, size_t *len)
{
	if (len)
		*len = b && b->p ? b->len : 0;
	return b && b->p ? b->p : NULL;
}

int gxca_eseal_version(const gxca_eseal *seal) { return seal ? seal->version : 0; }
int64_t gxca_eseal_header_version(const gxca_eseal *seal) { return seal ? seal->header_version : 0; }
const char *gxca_eseal_vid(const gxca_eseal *seal) { return gxca__ses_str_or_empty(seal ? seal->vid : NULL); }
const char *gxca_eseal_id(const gxca_eseal *seal)
{
	return gxca__ses_str_or_empty(seal ? seal->es_id : NULL);
}

int64_t gxca_eseal_type(const gxca_eseal *seal) { return seal ? seal->type : 0; }
const char *gxca_eseal_name(const gxca_eseal *seal)
{
	return gxca__ses_str_or_empty(seal ? seal->name : NULL);
}

int gxca_eseal_cert_list_type(const gxca_eseal *seal) { return seal ? seal->cert_list_type : 0; }
size_t gxca_eseal_cert_count(const gxca_eseal *seal) { return seal ? seal->n_certs : 0; }

const uint8_t *gxca_eseal_cert(const gxca_eseal *seal, size_t i, size_t *len)
{
	return gxca__ses_bytes_out(seal && i < seal->n_certs ? &seal->certs[i].value : NULL, len);
}

const char *gxca_eseal_cert_digest_type(const gxca_eseal *seal, size_t i)
{
	return gxca__ses_str_or_empty(seal && i < seal->n_certs ? seal->certs[i].digest_type : NULL);
}

int64_t gxca_eseal_create_date(const gxca_eseal *seal) { return seal ? seal->create_date : 0; }
int64_t gxca_eseal_valid_start(const gxca_eseal *seal) { return seal ? seal->valid_start : 0; }
int64_t gxca_eseal_valid_end(const gxca_eseal *seal) { return seal ? seal->valid_end : 0; }
int gxca_eseal_time_encoding(const gxca_eseal *seal) { return seal ? seal->time_enc : 0; }
const char *gxca_eseal_picture_type(const gxca_eseal *seal)
{
	return gxca__ses_str_or_empty(seal ? seal->picture_type : NULL);
}

const uint8_t *gxca_eseal_picture(const gxca_eseal *seal, size_t *len)
{
	return gxca__ses_bytes_out(seal ? &seal->picture : NULL, len);
}

int64_t gxca_eseal_picture_width(const gxca_eseal *seal) { return seal ? seal->width : 0; }
int64_t gxca_eseal_picture_height(const gxca_eseal *seal) { return seal ? seal->height : 0; }
size_t gxca_eseal_ext_count(const gxca_eseal *seal) { return seal ? seal->n_exts : 0; }

const char *gxca_eseal_ext_oid(const gxca_eseal *seal, size_t i)
{
	return gxca__ses_str_or_empty(seal && i < seal->n_exts ? seal->exts[i].oid : NULL);
}

int gxca_eseal_ext_critical(const gxca_eseal *seal, size_t i)
{
	return seal && i < seal->n_exts ? seal->exts[i].critical : 0;
}

const uint8_t *gxca_eseal_ext_value(const gxca_eseal *seal, size_t i, size_t *len)
{
	return gxca__ses_bytes_out(seal && i < seal->n_exts ? &seal->exts[i].value : NULL, len);
}

const uint8_t *gxca_eseal_maker_cert(const gxca_eseal *seal, size_t *len)
{
	return gxca__ses_bytes_out(seal ? &seal->maker_cert : NULL, len);
}

const char *gxca_eseal_sign_alg(const gxca_eseal *seal)
{
	return gxca__ses_str_or_empty(seal ? seal->sign_alg : NULL);
}

const uint8_t *gxca_eseal_signature(const gxca_eseal *seal, size_t *len)
{
	return gxca__ses_bytes_out(seal ? &seal->signature : NULL, len);
}

const uint8_t *gxca_eseal_timestamp(const gxca_eseal *seal, size_t *len)
{
	return gxca__ses_bytes_out(seal ? &seal->timestamp : NULL, len);
}

uint32_t gxca_eseal_quirks(const gxca_eseal *seal) { return seal ? seal->quirks : 0; }
