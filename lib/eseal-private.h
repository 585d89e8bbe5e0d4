/*
 * lib/eseal-private.h — electronic seals and signatures inside the library.
 *
 *   eseal.c        the gxca_eseal / gxca_esign objects: setters, parsing, getters, signing
 *   eseal-asn1.c   DER access: a TLV walker on ASN1_get_object() + d2i of the leaf types
 *                  (reading keeps every signed byte range as received), and the
 *                  ASN1_SEQUENCE templates that encode what we make
 *   eseal-verify.c verification and its result object
 *
 * Byte ranges (gxca__bytes) of a parsed object point into its DER copy; the
 * ones set on a new object point into 'own' copies.
 */
#ifndef GXCA_ESEAL_PRIVATE_H
#define GXCA_ESEAL_PRIVATE_H

#include "gxca-private.h"

#include <openssl/evp.h>

#define GXCA__ESEAL_MAX_DER (32u << 20)     /* whole seal or signature */
#define GXCA__ESEAL_MAX_PICTURE (16u << 20) /* picture data */
#define GXCA__ESEAL_MAX_LIST 64             /* certs, exts */
#define GXCA__ESEAL_MAX_STR 1024            /* vid, esID, name, propertyInfo, labels */
#define GXCA__OID_SM2_SM3 "1.2.156.10197.1.501"
#define GXCA__SM3_LEN 32

typedef struct {
	const uint8_t *p;
	size_t len;
	uint8_t *own; /* non-NULL when p is an owned copy */
} gxca__bytes;

typedef struct {
	char *oid;
	bool critical;
	gxca__bytes value;
} gxca__ses_ext;

typedef struct {
	gxca__bytes value; /* certificate DER, or a digest (certListType 2) */
	char *digest_type; /* certListType 2 only */
} gxca__ses_cert;

struct gxca_eseal {
	gxca_ctx *ctx;
	bool sealed;            /* parsed or signed: read-only */
	const uint8_t *der;     /* the whole SESeal */
	size_t der_len;
	uint8_t *der_own;       /* NULL when der is borrowed from an enclosing signature */
	int version;            /* gxca_eseal_version */
	int64_t header_version;
	char *vid, *es_id, *name, *picture_type;
	int64_t type;
	int cert_list_type;     /* 0 for v1 */
	gxca__ses_cert *certs;
	size_t n_certs;
	bool have_validity;
	int64_t create_date, valid_start, valid_end;
	int time_enc;           /* gxca_eseal_time_encoding */
	gxca__bytes picture;
	int64_t width, height;
	gxca__ses_ext *exts;
	size_t n_exts;
	gxca__bytes info;       /* SES_SealInfo TLV: what a v4 maker signs */
	gxca__bytes cert_tlv;   /* maker cert OCTET STRING TLV (v1 signs it too) */
	gxca__bytes alg_tlv;    /* algorithm OID TLV (v1 signs it too) */
	gxca__bytes maker_cert; /* contents of cert_tlv */
	char *sign_alg;
	gxca__bytes signature;
	gxca__bytes timestamp;
	uint32_t quirks;
};

struct gxca_esign {
	gxca_ctx *ctx;
	bool sealed;
	uint8_t *der;
	size_t der_len;
	int version;            /* layout: 1 or 4 */
	int64_t tbs_version;
	gxca_eseal *seal;       /* owned */
	bool time_known;
	int64_t time;
	int time_enc;
	char *time_text;
	gxca__bytes data_hash;
	char *property_info;
	gxca__bytes tbs;        /* TBS_Sign TLV: what the signer signs */
	gxca__bytes signer_cert;
	char *sign_alg;
	gxca__bytes signature;
	gxca__bytes timestamp;
	gxca__ses_ext *exts;
	size_t n_exts;
	uint32_t quirks;
	/* while new */
	uint8_t digest[GXCA__SM3_LEN];
	bool have_digest, have_time;
};

/* ---- DER walking (eseal-asn1.c) ------------------------------------------ */
typedef struct {
	const uint8_t *p; /* the whole TLV */
	size_t len;
	const uint8_t *c; /* its contents */
	size_t clen;
	int tag, cls;
	bool cons;
} gxca__tlv;

enum { GXCA__TLV_OK = 0, GXCA__TLV_BAD, GXCA__TLV_TRAILING, GXCA__TLV_TOO_MANY };

/* The one TLV that spans exactly [p, p+len) (definite lengths only). */
int gxca__tlv_whole(gxca__tlv *t, const uint8_t *p, size_t len);
/* The children of a constructed TLV, at most max. */
int gxca__tlv_children(const gxca__tlv *t, gxca__tlv *kids, size_t max, size_t *n);
bool gxca__tlv_is(const gxca__tlv *t, int cls, int tag, bool cons);

/* Leaves: GXCA_OK, GXCA_EESEAL_MALFORMED (not of that type, or invalid) or
 * GXCA_ENOMEM. They do not touch a ctx: callers name the field. */
int gxca__asn1_int64(const gxca__tlv *t, int64_t *v);
/* type: V_ASN1_IA5STRING (ASCII), V_ASN1_UTF8STRING (UTF-8), V_ASN1_PRINTABLESTRING;
 * no NUL inside; *out is a NUL-terminated gxca__malloc'd copy. */
int gxca__asn1_string(const gxca__tlv *t, int type, size_t max, char **out);
int gxca__asn1_oid(const gxca__tlv *t, char **out);
/* UTCTime or GeneralizedTime; *enc = GXCA_ESEAL_TIME_UTC / _GENERALIZED. */
int gxca__asn1_time(const gxca__tlv *t, int64_t *when, int *enc);
int gxca__asn1_bool(const gxca__tlv *t, bool *v);
/* Contents of a primitive OCTET STRING, borrowed. */
int gxca__asn1_octets(const gxca__tlv *t, gxca__bytes *out);
/* BIT STRING with 0 unused bits: the bytes after the unused-bits octet, borrowed. */
int gxca__asn1_bits(const gxca__tlv *t, gxca__bytes *out);
/* An ASN1_TIME (certificate notBefore/notAfter) as Unix seconds. */
bool gxca__asn1_time_unix(const void *asn1_time, int64_t *when);

/* ---- encoding (eseal-asn1.c), results in gxca__malloc'd buffers --------- */
int gxca__ses_encode_sealinfo(const gxca_eseal *s, uint8_t **out, size_t *len);
int gxca__ses_encode_tbs(const gxca_esign *g, uint8_t **out, size_t *len);
/* v4 SESeal and SES_Signature: SEQ { tbs (verbatim), cert, SM2-with-SM3 OID, sig } */
int gxca__ses_encode_signed(gxca_ctx *ctx, const uint8_t *tbs, size_t tbs_len, const uint8_t *cert,
			    size_t cert_len, const uint8_t *sig, size_t sig_len, uint8_t **out, size_t *len);

/* ---- shared by the seal and signature code (eseal.c) ---------------------- */
int gxca__ses_fail_arg(gxca_ctx *ctx, const char *field);
int gxca__ses_fail_state(gxca_ctx *ctx);
/* GXCA_EESEAL_MALFORMED (or rc: GXCA_ETOOBIG, GXCA_ENOMEM) "field: why". */
int gxca__ses_fail_field(gxca_ctx *ctx, int rc, const char *field, const char *zh, const char *en);
int gxca__ses_fail_tlv(gxca_ctx *ctx, int tlv_rc, const char *field);
/* Record a leaf decoder's failure (rc) at field, expecting an ASN.1 type. */
int gxca__ses_leaf(gxca_ctx *ctx, int rc, const char *field, const char *type);
/* Children of a universal SEQUENCE, between min and max of them. */
int gxca__ses_seq_kids(gxca_ctx *ctx, const gxca__tlv *t, const char *field, gxca__tlv *kids, size_t min,
		       size_t max, size_t *n);
int gxca__ses_parse_exts(gxca_ctx *ctx, const gxca__tlv *t, const char *field, gxca__ses_ext **out,
			 size_t *n_out, uint32_t *quirks);
/* [0] EXPLICIT BIT STRING */
int gxca__ses_parse_timestamp(gxca_ctx *ctx, const gxca__tlv *t, gxca__bytes *out);
bool gxca__ses_is_ctx0(const gxca__tlv *t);
/* Entry checks of a parse call; *copy is a gxca__malloc'd copy of der. */
int gxca__ses_parse_args(gxca_ctx *ctx, const void *out, const uint8_t *der, size_t len, uint8_t **copy);
int gxca__ses_bytes_copy(gxca_ctx *ctx, gxca__bytes *b, const uint8_t *p, size_t len);
int gxca__ses_ext_add(gxca_ctx *ctx, gxca__ses_ext **exts, size_t *n, const char *oid, int critical,
		      const uint8_t *value, size_t len);
void gxca__ses_exts_free(gxca__ses_ext *exts, size_t n);
/* An SM2 key and a DER certificate holding its public half. */
int gxca__ses_check_signer(gxca_ctx *ctx, const gxca_key *key, const uint8_t *cert, size_t cert_len);
const char *gxca__ses_str_or_empty(const char *s);
const uint8_t *gxca__ses_bytes_out(const gxca__bytes *b, size_t *len);

/* Parse a seal whose DER stays owned by the caller (an enclosing signature). */
int gxca__eseal_parse_borrowed(gxca_eseal **out, gxca_ctx *ctx, const uint8_t *der, size_t len);
/* Sign a new signature; check=false skips the signer-in-seal and seal-validity
 * refusals (tests use it to make signatures that verification must reject). */
int gxca__esign_sign(gxca_esign *g, const gxca_key *key, const uint8_t *cert, size_t cert_len,
		     bool check);

/* ---- verification helpers (eseal-verify.c) -------------------------------- */
/* The message a seal's maker signed (v1 builds SEQ{info, cert, alg}). Caller frees *buf if set. */
int gxca__eseal_signed_bytes(const gxca_eseal *s, const uint8_t **msg, size_t *len, uint8_t **buf);
/* Is the certificate (DER) in the seal's list? */
int gxca__eseal_has_cert(const gxca_eseal *s, const uint8_t *der, size_t len, bool *found);
/* Seal validity window check at t: GXCA_OK or _SEAL_EXPIRED / _NOT_YET_VALID (recorded on ctx). */
int gxca__eseal_check_window(gxca_ctx *ctx, const gxca_eseal *s, int64_t t);
/* What verification reads of a certificate (without d2i_X509, whose eager
 * key decoding costs as much as an SM2 verification). */
typedef struct {
	int64_t not_before, not_after;
	gxca__bytes point; /* SM2 public point (GXCA__CERT_SM2_POINT and up), borrowed from der */
	EVP_PKEY *pub;     /* GXCA__CERT_SM2_KEY: the key, caller frees */
} gxca__ses_cert_view;
enum { GXCA__CERT_STRUCTURE = 0, GXCA__CERT_SM2_POINT = 1, GXCA__CERT_SM2_KEY = 2 };
/* GXCA_OK, GXCA_EESEAL_MALFORMED, GXCA_EESEAL_UNSUPPORTED (key not SM2), GXCA_ENOMEM;
 * recorded on ctx at field. */
int gxca__ses_cert_read(gxca_ctx *ctx, const uint8_t *der, size_t len, const char *field, int mode,
			gxca__ses_cert_view *out);
/* Does the key hold the public half of the DER certificate? */
int gxca__ses_key_matches(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *der, size_t len);

#endif
