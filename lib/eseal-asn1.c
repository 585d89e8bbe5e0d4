/*
 * lib/eseal-asn1.c — DER of GB/T 38540 / GM/T 0031 structures on OpenSSL's
 * ASN.1 machinery.
 *
 * Reading: signatures cover byte ranges exactly as received (ses.md §4: all
 * vendors write non-DER such as an explicit critical FALSE, so re-encoding
 * breaks them), and the layout decides the version (§5). So the reader walks
 * TLVs with ASN1_get_object(), keeping every range, and decodes the leaves
 * with the d2i of their types. Writing: ASN1_SEQUENCE templates; a signed
 * part is embedded verbatim as ASN1_ANY (V_ASN1_SEQUENCE keeps the bytes).
 */
#include "eseal-private.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>

/* ---- reading -------------------------------------------------------------- */

static int tlv_read(gxca__tlv *t, const uint8_t *p, size_t avail)
{
	if (avail < 2 || avail > LONG_MAX)
		return GXCA__TLV_BAD;
	const unsigned char *q = p;
	long clen = 0;
	int tag = 0, cls = 0;
	ERR_set_mark();
	int r = ASN1_get_object(&q, &clen, &tag, &cls, (long)avail);
	ERR_pop_to_mark();
	/* 0x80: bad header or contents longer than what is left; 0x01: indefinite */
	if ((r & 0x80) || (r & 0x01) || clen < 0)
		return GXCA__TLV_BAD;
	size_t hl = (size_t)(q - p);
	if (hl > avail || (size_t)clen > avail - hl)
		return GXCA__TLV_BAD;
	t->p = p;
	t->len = hl + (size_t)clen;
	t->c = q;
	t->clen = (size_t)clen;
	t->tag = tag;
	t->cls = cls;
	t->cons = (r & V_ASN1_CONSTRUCTED) != 0;
	return GXCA__TLV_OK;
}

int gxca__tlv_whole(gxca__tlv *t, const uint8_t *p, size_t len)
{
	int rc = tlv_read(t, p, len);
	if (rc == GXCA__TLV_OK && t->len != len)
		return GXCA__TLV_TRAILING;
	return rc;
}

int gxca__tlv_children(const gxca__tlv *t, gxca__tlv *kids, size_t max, size_t *n)
{
	*n = 0;
	if (!t->cons)
		return GXCA__TLV_BAD;
	const uint8_t *p = t->c, *end = t->c + t->clen;
	while (p < end) {
		if (*n == max)
			return GXCA__TLV_TOO_MANY;
		int rc = tlv_read(&kids[*n], p, (size_t)(end - p));
		if (rc)
			return rc;
		p += kids[*n].len;
		(*n)++;
	}
	return GXCA__TLV_OK;
}

bool gxca__tlv_is(const gxca__tlv *t, int cls, int tag, bool cons)
{
	return t->cls == cls && t->tag == tag && t->cons == cons;
}

static bool is_universal(const gxca__tlv *t, int tag)
{
	return gxca__tlv_is(t, V_ASN1_UNIVERSAL, tag, false);
}

int gxca__asn1_int64(const gxca__tlv *t, int64_t *v)
{
	if (!is_universal(t, V_ASN1_INTEGER))
		return GXCA_EESEAL_MALFORMED;
	const unsigned char *q = t->p;
	ERR_set_mark();
	ASN1_INTEGER *ai = d2i_ASN1_INTEGER(NULL, &q, (long)t->len);
	bool ok = ai && q == t->p + t->len && ASN1_INTEGER_get_int64(v, ai) == 1;
	ERR_pop_to_mark();
	ASN1_INTEGER_free(ai);
	return ok ? GXCA_OK : GXCA_EESEAL_MALFORMED;
}

static bool chars_ok(const unsigned char *s, size_t n, int type)
{
	if (memchr(s, 0, n))
		return false;
	if (type == V_ASN1_UTF8STRING)
		return gxca__utf8_valid((const char *)s, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return false;
	return true;
}

int gxca__asn1_string(const gxca__tlv *t, int type, size_t max, char **out)
{
	*out = NULL;
	if (!is_universal(t, type) || t->clen > max)
		return GXCA_EESEAL_MALFORMED;
	const unsigned char *q = t->p;
	ASN1_STRING *s = NULL;
	ERR_set_mark();
	switch (type) {
	case V_ASN1_IA5STRING: s = d2i_ASN1_IA5STRING(NULL, &q, (long)t->len); break;
	case V_ASN1_UTF8STRING: s = d2i_ASN1_UTF8STRING(NULL, &q, (long)t->len); break;
	case V_ASN1_PRINTABLESTRING: s = d2i_ASN1_PRINTABLESTRING(NULL, &q, (long)t->len); break;
	default: break;
	}
	ERR_pop_to_mark();
	int rc = GXCA_EESEAL_MALFORMED;
	if (s && q == t->p + t->len) {
		const unsigned char *d = ASN1_STRING_get0_data(s);
		size_t n = (size_t)ASN1_STRING_length(s);
		if (chars_ok(d, n, type))
			rc = (*out = gxca__strndup((const char *)d, n)) ? GXCA_OK : GXCA_ENOMEM;
	}
	ASN1_STRING_free(s);
	return rc;
}

int gxca__asn1_oid(const gxca__tlv *t, char **out)
{
	*out = NULL;
	if (!is_universal(t, V_ASN1_OBJECT))
		return GXCA_EESEAL_MALFORMED;
	const unsigned char *q = t->p;
	ERR_set_mark();
	ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &q, (long)t->len);
	char buf[128];
	int n = o && q == t->p + t->len ? OBJ_obj2txt(buf, sizeof buf, o, 1) : -1;
	ERR_pop_to_mark();
	ASN1_OBJECT_free(o);
	if (n <= 0 || (size_t)n >= sizeof buf)
		return GXCA_EESEAL_MALFORMED;
	return (*out = gxca__strdup(buf)) ? GXCA_OK : GXCA_ENOMEM;
}

static int64_t tm_to_unix(const struct tm *tm)
{
	int64_t days = gxca__days_from_civil(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday);
	return days * 86400 + tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
}

bool gxca__asn1_time_unix(const void *asn1_time, int64_t *when)
{
	struct tm tm;
	if (!asn1_time || ASN1_TIME_to_tm(asn1_time, &tm) != 1)
		return false;
	*when = tm_to_unix(&tm);
	return true;
}

int gxca__asn1_time(const gxca__tlv *t, int64_t *when, int *enc)
{
	if (!is_universal(t, V_ASN1_UTCTIME) && !is_universal(t, V_ASN1_GENERALIZEDTIME))
		return GXCA_EESEAL_MALFORMED;
	const unsigned char *q = t->p;
	ERR_set_mark();
	ASN1_TIME *at = d2i_ASN1_TIME(NULL, &q, (long)t->len);
	bool ok = at && q == t->p + t->len && ASN1_TIME_check(at) == 1 && gxca__asn1_time_unix(at, when);
	ERR_pop_to_mark();
	ASN1_TIME_free(at);
	*enc = t->tag == V_ASN1_UTCTIME ? GXCA_ESEAL_TIME_UTC : GXCA_ESEAL_TIME_GENERALIZED;
	return ok ? GXCA_OK : GXCA_EESEAL_MALFORMED;
}

int gxca__asn1_bool(const gxca__tlv *t, bool *v)
{
	if (!is_universal(t, V_ASN1_BOOLEAN))
		return GXCA_EESEAL_MALFORMED;
	const unsigned char *q = t->p;
	ERR_set_mark();
	ASN1_TYPE *at = d2i_ASN1_TYPE(NULL, &q, (long)t->len);
	bool ok = at && q == t->p + t->len && ASN1_TYPE_get(at) == V_ASN1_BOOLEAN;
	if (ok)
		*v = at->value.boolean != 0;
	ERR_pop_to_mark();
	ASN1_TYPE_free(at);
	return ok ? GXCA_OK : GXCA_EESEAL_MALFORMED;
}

/* Primitive OCTET / BIT STRING contents are the value itself: borrow them
 * (a picture can be 16 MiB) instead of copying through d2i. */
int gxca__asn1_octets(const gxca__tlv *t, gxca__bytes *out)
{
	if (!is_universal(t, V_ASN1_OCTET_STRING))
		return GXCA_EESEAL_MALFORMED;
	out->p = t->c;
	out->len = t->clen;
	out->own = NULL;
	return GXCA_OK;
}

int gxca__asn1_bits(const gxca__tlv *t, gxca__bytes *out)
{
	/* The leading octet counts unused bits: 0 in every real file (ses.md §6.3). */
	if (!is_universal(t, V_ASN1_BIT_STRING) || t->clen < 1 || t->c[0] != 0)
		return GXCA_EESEAL_MALFORMED;
	out->p = t->c + 1;
	out->len = t->clen - 1;
	out->own = NULL;
	return GXCA_OK;
}

/* ---- writing -------------------------------------------------------------- */

typedef struct {
	ASN1_OBJECT *id;
	ASN1_BOOLEAN critical;
	ASN1_OCTET_STRING *value;
} SES_EXTDATA;
DEFINE_STACK_OF(SES_EXTDATA)

ASN1_SEQUENCE(SES_EXTDATA) = {
	ASN1_SIMPLE(SES_EXTDATA, id, ASN1_OBJECT),
	ASN1_OPT(SES_EXTDATA, critical, ASN1_FBOOLEAN), /* DER: FALSE is left out */
	ASN1_SIMPLE(SES_EXTDATA, value, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(SES_EXTDATA)

typedef struct {
	ASN1_IA5STRING *id;
	ASN1_INTEGER *version;
	ASN1_IA5STRING *vid;
} SES_HEADER;

ASN1_SEQUENCE(SES_HEADER) = {
	ASN1_SIMPLE(SES_HEADER, id, ASN1_IA5STRING),
	ASN1_SIMPLE(SES_HEADER, version, ASN1_INTEGER),
	ASN1_SIMPLE(SES_HEADER, vid, ASN1_IA5STRING),
} static_ASN1_SEQUENCE_END(SES_HEADER)

typedef struct {
	ASN1_INTEGER *type;
	ASN1_UTF8STRING *name;
	ASN1_INTEGER *cert_list_type;
	STACK_OF(ASN1_TYPE) *certs; /* OCTET STRINGs */
	ASN1_GENERALIZEDTIME *create_date, *valid_start, *valid_end;
} SES_PROPERTY;

ASN1_SEQUENCE(SES_PROPERTY) = {
	ASN1_SIMPLE(SES_PROPERTY, type, ASN1_INTEGER),
	ASN1_SIMPLE(SES_PROPERTY, name, ASN1_UTF8STRING),
	ASN1_SIMPLE(SES_PROPERTY, cert_list_type, ASN1_INTEGER),
	ASN1_SEQUENCE_OF(SES_PROPERTY, certs, ASN1_ANY),
	ASN1_SIMPLE(SES_PROPERTY, create_date, ASN1_GENERALIZEDTIME),
	ASN1_SIMPLE(SES_PROPERTY, valid_start, ASN1_GENERALIZEDTIME),
	ASN1_SIMPLE(SES_PROPERTY, valid_end, ASN1_GENERALIZEDTIME),
} static_ASN1_SEQUENCE_END(SES_PROPERTY)

typedef struct {
	ASN1_IA5STRING *type;
	ASN1_OCTET_STRING *data;
	ASN1_INTEGER *width, *height;
} SES_PICTURE;

ASN1_SEQUENCE(SES_PICTURE) = {
	ASN1_SIMPLE(SES_PICTURE, type, ASN1_IA5STRING),
	ASN1_SIMPLE(SES_PICTURE, data, ASN1_OCTET_STRING),
	ASN1_SIMPLE(SES_PICTURE, width, ASN1_INTEGER),
	ASN1_SIMPLE(SES_PICTURE, height, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(SES_PICTURE)

typedef struct {
	SES_HEADER *header;
	ASN1_IA5STRING *es_id;
	SES_PROPERTY *property;
	SES_PICTURE *picture;
	STACK_OF(SES_EXTDATA) *exts;
} SES_SEALINFO;

/* extDatas untagged, as every vendor writes it (ses.md §2) */
ASN1_SEQUENCE(SES_SEALINFO) = {
	ASN1_SIMPLE(SES_SEALINFO, header, SES_HEADER),
	ASN1_SIMPLE(SES_SEALINFO, es_id, ASN1_IA5STRING),
	ASN1_SIMPLE(SES_SEALINFO, property, SES_PROPERTY),
	ASN1_SIMPLE(SES_SEALINFO, picture, SES_PICTURE),
	ASN1_SEQUENCE_OF_OPT(SES_SEALINFO, exts, SES_EXTDATA),
} static_ASN1_SEQUENCE_END(SES_SEALINFO)

typedef struct {
	ASN1_INTEGER *version;
	ASN1_TYPE *eseal; /* the seal, verbatim */
	ASN1_GENERALIZEDTIME *time;
	ASN1_BIT_STRING *data_hash;
	ASN1_IA5STRING *property_info;
	STACK_OF(SES_EXTDATA) *exts;
} SES_TBS_SIGN;

ASN1_SEQUENCE(SES_TBS_SIGN) = {
	ASN1_SIMPLE(SES_TBS_SIGN, version, ASN1_INTEGER),
	ASN1_SIMPLE(SES_TBS_SIGN, eseal, ASN1_ANY),
	ASN1_SIMPLE(SES_TBS_SIGN, time, ASN1_GENERALIZEDTIME),
	ASN1_SIMPLE(SES_TBS_SIGN, data_hash, ASN1_BIT_STRING),
	ASN1_SIMPLE(SES_TBS_SIGN, property_info, ASN1_IA5STRING),
	ASN1_EXP_SEQUENCE_OF_OPT(SES_TBS_SIGN, exts, SES_EXTDATA, 0),
} static_ASN1_SEQUENCE_END(SES_TBS_SIGN)

/* v4 SESeal and SES_Signature share a shape: { signed part, cert, alg, signature } */
typedef struct {
	ASN1_TYPE *tbs; /* SES_SealInfo or TBS_Sign, verbatim */
	ASN1_OCTET_STRING *cert;
	ASN1_OBJECT *alg;
	ASN1_BIT_STRING *sig;
} SES_SIGNED;

ASN1_SEQUENCE(SES_SIGNED) = {
	ASN1_SIMPLE(SES_SIGNED, tbs, ASN1_ANY),
	ASN1_SIMPLE(SES_SIGNED, cert, ASN1_OCTET_STRING),
	ASN1_SIMPLE(SES_SIGNED, alg, ASN1_OBJECT),
	ASN1_SIMPLE(SES_SIGNED, sig, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(SES_SIGNED)

/*
 * Builders: each sets *ok false on failure (OpenSSL out of memory: the
 * inputs were validated by the setters), so an encoder checks once.
 */
static ASN1_STRING *mk_str(int type, const void *p, size_t n, bool *ok)
{
	ASN1_STRING *s = ASN1_STRING_type_new(type);
	if (!s || n > INT_MAX || !ASN1_STRING_set(s, p ? p : "", (int)n)) {
		ASN1_STRING_free(s);
		*ok = false;
		return NULL;
	}
	return s;
}

static ASN1_STRING *mk_cstr(int type, const char *s, bool *ok)
{
	return mk_str(type, s, s ? strlen(s) : 0, ok);
}

/* A BIT STRING of whole bytes: without BITS_LEFT, i2d would drop trailing
 * zero bytes of a signature or digest. */
static ASN1_BIT_STRING *mk_bits(const uint8_t *p, size_t n, bool *ok)
{
	ASN1_BIT_STRING *b = mk_str(V_ASN1_BIT_STRING, p, n, ok);
	if (b) {
		b->flags &= ~0x07L;
		b->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	}
	return b;
}

static ASN1_INTEGER *mk_int(int64_t v, bool *ok)
{
	ASN1_INTEGER *i = ASN1_INTEGER_new();
	if (!i || !ASN1_INTEGER_set_int64(i, v)) {
		ASN1_INTEGER_free(i);
		*ok = false;
		return NULL;
	}
	return i;
}

static ASN1_GENERALIZEDTIME *mk_time(int64_t t, bool *ok)
{
	ASN1_GENERALIZEDTIME *g = ASN1_GENERALIZEDTIME_set(NULL, (time_t)t);
	if (!g)
		*ok = false;
	return g;
}

static ASN1_OBJECT *mk_oid(const char *txt, bool *ok)
{
	ASN1_OBJECT *o = OBJ_txt2obj(txt, 1);
	if (!o)
		*ok = false;
	return o;
}

/* ANY holding complete encodings (V_ASN1_SEQUENCE keeps tag and length). */
static ASN1_TYPE *mk_any(int type, const uint8_t *p, size_t n, bool *ok)
{
	ASN1_STRING *s = mk_str(type, p, n, ok);
	ASN1_TYPE *t = s ? ASN1_TYPE_new() : NULL;
	if (!t) {
		ASN1_STRING_free(s);
		*ok = false;
		return NULL;
	}
	ASN1_TYPE_set(t, type, s);
	return t;
}

static STACK_OF(SES_EXTDATA) *mk_exts(const gxca__ses_ext *exts, size_t n, bool *ok)
{
	if (!n)
		return NULL;
	STACK_OF(SES_EXTDATA) *sk = sk_SES_EXTDATA_new_null();
	for (size_t i = 0; sk && i < n; i++) {
		SES_EXTDATA *e = OPENSSL_zalloc(sizeof *e);
		if (!e || !sk_SES_EXTDATA_push(sk, e)) {
			OPENSSL_free(e);
			*ok = false;
			break;
		}
		e->id = mk_oid(exts[i].oid, ok);
		e->critical = exts[i].critical ? 0xFF : 0;
		e->value = mk_str(V_ASN1_OCTET_STRING, exts[i].value.p, exts[i].value.len, ok);
	}
	if (!sk)
		*ok = false;
	return sk;
}

/* i2d into a gxca__malloc'd buffer (callers free with gxca_free). */
static int encode(gxca_ctx *ctx, const void *val, const ASN1_ITEM *it, bool ok, uint8_t **out,
		  size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!ok)
		return gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	unsigned char *der = NULL;
	int n = ASN1_item_i2d((const ASN1_VALUE *)val, &der, it);
	if (n <= 0)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "DER 编码失败", "DER encoding failed");
	*out = gxca__malloc((size_t)n);
	if (*out) {
		memcpy(*out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return *out ? GXCA_OK : gxca__oom(ctx);
}

static SES_PROPERTY *mk_property(const gxca_eseal *s, bool *ok)
{
	SES_PROPERTY *pr = OPENSSL_zalloc(sizeof *pr);
	if (!pr) {
		*ok = false;
		return NULL;
	}
	pr->type = mk_int(s->type, ok);
	pr->name = mk_cstr(V_ASN1_UTF8STRING, s->name, ok);
	pr->cert_list_type = mk_int(GXCA_ESEAL_CERTLIST_CERTS, ok);
	pr->certs = sk_ASN1_TYPE_new_null();
	if (!pr->certs)
		*ok = false;
	for (size_t i = 0; pr->certs && i < s->n_certs; i++) {
		ASN1_TYPE *t = mk_any(V_ASN1_OCTET_STRING, s->certs[i].value.p, s->certs[i].value.len, ok);
		if (t && !sk_ASN1_TYPE_push(pr->certs, t)) {
			ASN1_TYPE_free(t);
			*ok = false;
		}
	}
	pr->create_date = mk_time(s->create_date, ok);
	pr->valid_start = mk_time(s->valid_start, ok);
	pr->valid_end = mk_time(s->valid_end, ok);
	return pr;
}

static SES_SEALINFO *mk_sealinfo(const gxca_eseal *s, bool *ok)
{
	SES_SEALINFO *si = OPENSSL_zalloc(sizeof *si);
	SES_HEADER *h = OPENSSL_zalloc(sizeof *h);
	SES_PICTURE *pic = OPENSSL_zalloc(sizeof *pic);
	if (!si || !h || !pic) {
		OPENSSL_free(si);
		OPENSSL_free(h);
		OPENSSL_free(pic);
		*ok = false;
		return NULL;
	}
	si->header = h;
	si->picture = pic;
	h->id = mk_cstr(V_ASN1_IA5STRING, "ES", ok);
	h->version = mk_int(GXCA_ESEAL_V4, ok);
	h->vid = mk_cstr(V_ASN1_IA5STRING, s->vid, ok);
	si->es_id = mk_cstr(V_ASN1_IA5STRING, s->es_id, ok);
	si->property = mk_property(s, ok);
	pic->type = mk_cstr(V_ASN1_IA5STRING, s->picture_type, ok);
	pic->data = mk_str(V_ASN1_OCTET_STRING, s->picture.p, s->picture.len, ok);
	pic->width = mk_int(s->width, ok);
	pic->height = mk_int(s->height, ok);
	si->exts = mk_exts(s->exts, s->n_exts, ok);
	return si;
}

int gxca__ses_encode_sealinfo(const gxca_eseal *s, uint8_t **out, size_t *len)
{
	bool ok = true;
	SES_SEALINFO *si = mk_sealinfo(s, &ok);
	int rc = encode(s->ctx, si, ASN1_ITEM_rptr(SES_SEALINFO), ok && si, out, len);
	ASN1_item_free((ASN1_VALUE *)si, ASN1_ITEM_rptr(SES_SEALINFO));
	return rc;
}

int gxca__ses_encode_tbs(const gxca_esign *g, uint8_t **out, size_t *len)
{
	bool ok = true;
	SES_TBS_SIGN *t = OPENSSL_zalloc(sizeof *t);
	if (!t)
		return encode(g->ctx, NULL, NULL, false, out, len);
	t->version = mk_int(g->tbs_version, &ok);
	t->eseal = mk_any(V_ASN1_SEQUENCE, g->seal->der, g->seal->der_len, &ok);
	t->time = mk_time(g->time, &ok);
	t->data_hash = mk_bits(g->digest, sizeof g->digest, &ok);
	t->property_info = mk_cstr(V_ASN1_IA5STRING, g->property_info, &ok);
	t->exts = mk_exts(g->exts, g->n_exts, &ok);
	int rc = encode(g->ctx, t, ASN1_ITEM_rptr(SES_TBS_SIGN), ok, out, len);
	ASN1_item_free((ASN1_VALUE *)t, ASN1_ITEM_rptr(SES_TBS_SIGN));
	return rc;
}

int gxca__ses_encode_signed(gxca_ctx *ctx, const uint8_t *tbs, size_t tbs_len, const uint8_t *cert,
			    size_t cert_len, const uint8_t *sig, size_t sig_len, uint8_t **out, size_t *len)
{
	bool ok = true;
	SES_SIGNED *s = OPENSSL_zalloc(sizeof *s);
	if (!s)
		return encode(ctx, NULL, NULL, false, out, len);
	s->tbs = mk_any(V_ASN1_SEQUENCE, tbs, tbs_len, &ok);
	s->cert = mk_str(V_ASN1_OCTET_STRING, cert, cert_len, &ok);
	s->alg = mk_oid(GXCA__OID_SM2_SM3, &ok);
	s->sig = mk_bits(sig, sig_len, &ok);
	int rc = encode(ctx, s, ASN1_ITEM_rptr(SES_SIGNED), ok, out, len);
	ASN1_item_free((ASN1_VALUE *)s, ASN1_ITEM_rptr(SES_SIGNED));
	return rc;
}
