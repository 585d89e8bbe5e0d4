/*
 * libgxca — electronic seals (电子印章) and electronic signatures (电子签章)
 * of GB/T 38540-2020 (SES v4) and GM/T 0031-2014 (SES v1), see gxca_eseal(3).
 *
 * A gxca_eseal is an SESeal: made here (always v4) or parsed from DER (v1,
 * v4 or v5: the structure decides the version, not the header number).
 * A gxca_esign is an SES_Signature: made here (TBS_Sign v4 over a v4/v5
 * seal) or parsed (v1 or v4/v5).
 *
 * Making a seal: gxca_eseal_new(), the setters, gxca_eseal_sign() with the
 * seal maker's (制章者) key and certificate. Signing: gxca_esign_new(),
 * gxca_esign_set_seal(), gxca_esign_set_data() (or _set_digest()),
 * gxca_esign_sign() with the signer's (签章者) key and certificate. All
 * signatures are SM2 with SM3 (1.2.156.10197.1.501) with the distinguishing
 * ID of the policy (GM/T 0009: "1234567812345678"), DER-encoded.
 *
 * Verification always works over the bytes as received (never re-encoded)
 * and accepts the vendor quirks listed under GXCA_ESEAL_QUIRK_* (reported,
 * refused only with GXCA_ESEAL_VERIFY_STRICT). It returns a result object
 * that tells which checks ran, which failed and why.
 *
 * Certificates go in and out as DER bytes. Times are int64_t Unix seconds
 * (UTC). Borrowed pointers stay valid until the object is freed or changed.
 *
 * Threads: an object belongs to the thread of its context.
 */
#ifndef GXCA_ESEAL_H
#define GXCA_ESEAL_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/key.h>

GXCA_BEGIN_DECLS

typedef struct gxca_eseal gxca_eseal;
typedef struct gxca_esign gxca_esign;
typedef struct gxca_eseal_result gxca_eseal_result;

/** Layout versions (the structure, not the header number). */
typedef enum {
	GXCA_ESEAL_V1 = 1, /**< GM/T 0031-2014 */
	GXCA_ESEAL_V4 = 4, /**< GB/T 38540-2020 */
	GXCA_ESEAL_V5 = 5  /**< GM/T 0031-2025 as read by ofdrw: v4 plus an optional timeStamp */
} gxca_eseal_layout;

/** What a DER blob is (gxca_eseal_kind). */
typedef enum {
	GXCA_ESEAL_KIND_UNKNOWN = 0,
	GXCA_ESEAL_KIND_SEAL = 1,     /**< SESeal */
	GXCA_ESEAL_KIND_SIGNATURE = 2 /**< SES_Signature */
} gxca_eseal_kind_value;

/** How a time field was encoded. */
typedef enum {
	GXCA_ESEAL_TIME_NONE = 0,
	GXCA_ESEAL_TIME_UTC = 1,         /**< UTCTime (v1) */
	GXCA_ESEAL_TIME_GENERALIZED = 2, /**< GeneralizedTime (v4) */
	GXCA_ESEAL_TIME_TEXT = 3         /**< v1 TBS_Sign.timeInfo: text in a BIT STRING */
} gxca_eseal_time_format;

/** certListType of a v4 seal. */
#define GXCA_ESEAL_CERTLIST_CERTS 1   /**< the holder certificates */
#define GXCA_ESEAL_CERTLIST_DIGESTS 2 /**< digests of the holder certificates */

/*
 * Quirks: departures from the standard met in real files (research/ses.md
 * §5, §6). Parsing and verification accept them and report them; OR-able.
 */
#define GXCA_ESEAL_QUIRK_RAW_RS 0x01u           /**< signature is raw 64-byte r||s, not DER */
#define GXCA_ESEAL_QUIRK_NONMINIMAL_INT 0x02u   /**< DER signature with padded INTEGERs */
#define GXCA_ESEAL_QUIRK_EXPLICIT_DEFAULT 0x04u /**< ExtData.critical FALSE written out */
#define GXCA_ESEAL_QUIRK_TIME_TYPE 0x08u        /**< UTCTime in v4 or GeneralizedTime in v1 */
#define GXCA_ESEAL_QUIRK_CERT_ENTRY 0x10u       /**< a certList entry that is not an OCTET STRING (ignored) */
#define GXCA_ESEAL_QUIRK_OCTET_STRING 0x20u     /**< v1 timeInfo/dataHash as OCTET STRING */
#define GXCA_ESEAL_QUIRK_TAGGED_EXT 0x40u       /**< v1 extDatas wrapped in [0] EXPLICIT */

/*
 * Checks of a verification, in the order that decides the return code (the
 * lowest failed bit wins). OR-able.
 */
#define GXCA_ESEAL_CHECK_SIGNATURE 0x001u         /**< signer's signature over TBS_Sign */
#define GXCA_ESEAL_CHECK_SEAL_SIGNATURE 0x002u    /**< maker's signature over the seal */
#define GXCA_ESEAL_CHECK_DATA 0x004u              /**< dataHash = SM3(data) (data given) */
#define GXCA_ESEAL_CHECK_SIGNER_IN_SEAL 0x008u    /**< signer cert in the seal's cert list */
#define GXCA_ESEAL_CHECK_SEAL_VALIDITY 0x010u     /**< validStart <= time <= validEnd */
#define GXCA_ESEAL_CHECK_SIGNER_CERT_TIME 0x020u  /**< signer cert valid at signing time */
#define GXCA_ESEAL_CHECK_MAKER_CERT_TIME 0x040u   /**< maker cert valid at the seal's createDate */
#define GXCA_ESEAL_CHECK_SIGNER_CHAIN 0x080u      /**< signer cert chains to an anchor (anchors given) */
#define GXCA_ESEAL_CHECK_MAKER_CHAIN 0x100u       /**< maker cert chains to an anchor (anchors given) */

/** Verification flags. */
#define GXCA_ESEAL_VERIFY_STRICT 0x1u /**< a signature quirk fails its check (GXCA_EESEAL_QUIRK) */

/** Options of gxca_eseal_verify() / gxca_esign_verify(); fields are only appended. */
typedef struct {
	unsigned int version; /**< GXCA_ESEAL_VERIFY_OPTIONS_VERSION */
	/** Seals: time of the validity checks (0 = now). Signatures: ignored, timeInfo is used. */
	int64_t at;
	/** Trust anchors (and intermediates): PEM bundle or concatenated DER; NULL = no chain check. Borrowed. */
	const uint8_t *anchors;
	size_t anchors_len;
	/** Signatures: the original data, checked against dataHash (SM3); NULL = not checked. Borrowed. */
	const uint8_t *data;
	size_t data_len;
	/** Or its SM3 digest (32 bytes); used when data is NULL. Borrowed. */
	const uint8_t *digest;
	size_t digest_len;
	uint32_t flags; /**< GXCA_ESEAL_VERIFY_* */
} gxca_eseal_verify_options;

#define GXCA_ESEAL_VERIFY_OPTIONS_VERSION 1
#define GXCA_ESEAL_VERIFY_OPTIONS_INIT {GXCA_ESEAL_VERIFY_OPTIONS_VERSION, 0, NULL, 0, NULL, 0, NULL, 0, 0}

/** Initialise options to the defaults. GXCA_EINVAL for NULL or an unknown version. */
GXCA_API int gxca_eseal_verify_options_init(gxca_eseal_verify_options *opts,
					    unsigned int version) GXCA_WARN_UNUSED;

/** What DER bytes hold, by their structure alone (no full parse). */
GXCA_API int gxca_eseal_kind(const uint8_t *der, size_t len);

/* ---- seals ------------------------------------------------------------ */

/**
 * A new, empty v4 seal to fill with the setters and sign.
 * Caller frees with gxca_eseal_free(). Errors: GXCA_EINVAL, GXCA_ENOMEM.
 */
GXCA_API int gxca_eseal_new(gxca_eseal **out, gxca_ctx *ctx) GXCA_WARN_UNUSED;

/**
 * Parse a DER SESeal (v1, v4 or v5). The bytes are copied. Caller frees with
 * gxca_eseal_free(). Errors: GXCA_EINVAL, GXCA_ENOMEM, GXCA_ETOOBIG (input
 * over 32 MiB, picture over 16 MiB), GXCA_EESEAL_MALFORMED (the field is named
 * in the error; truncated, trailing bytes, wrong tags, absurd lengths, an
 * SES_Signature given instead of a seal).
 */
GXCA_API int gxca_eseal_parse(gxca_eseal **out, gxca_ctx *ctx, const uint8_t *der,
			      size_t len) GXCA_WARN_UNUSED;

/** Free a seal; NULL is a no-op. */
GXCA_API void gxca_eseal_free(gxca_eseal *seal);

/*
 * Setters of a new seal. Strings are copied; vid, id and picture type must be
 * printable ASCII (IA5String), name UTF-8 (1..256 bytes). GXCA_ESTATE once
 * the seal is signed or when it was parsed.
 */
GXCA_API int gxca_eseal_set_vid(gxca_eseal *seal, const char *vid) GXCA_WARN_UNUSED;
GXCA_API int gxca_eseal_set_id(gxca_eseal *seal, const char *es_id) GXCA_WARN_UNUSED;
/** Seal type: an application-defined integer (observed 1, 3, 4, 6, 15), 0..2^31-1. */
GXCA_API int gxca_eseal_set_type(gxca_eseal *seal, int64_t type) GXCA_WARN_UNUSED;
GXCA_API int gxca_eseal_set_name(gxca_eseal *seal, const char *name) GXCA_WARN_UNUSED;
/** Add a holder (签章者) certificate, DER X.509 (checked, copied); at most 64. */
GXCA_API int gxca_eseal_add_cert(gxca_eseal *seal, const uint8_t *der, size_t len) GXCA_WARN_UNUSED;
/** createDate, validStart, validEnd; validStart < validEnd; years 1970..9999. */
GXCA_API int gxca_eseal_set_validity(gxca_eseal *seal, int64_t create_date, int64_t valid_start,
				     int64_t valid_end) GXCA_WARN_UNUSED;
/**
 * The picture: type (NULL = "png"; the standard leaves it open: png, gif,
 * ofd...), bytes (copied, at most 16 MiB), display size in millimetres (1..1000).
 * A "png" picture must start with the PNG signature.
 */
GXCA_API int gxca_eseal_set_picture(gxca_eseal *seal, const char *type, const uint8_t *data,
				    size_t len, uint32_t width_mm, uint32_t height_mm) GXCA_WARN_UNUSED;
/** Append an ExtData (oid in dotted form, value copied); at most 64. */
GXCA_API int gxca_eseal_add_ext(gxca_eseal *seal, const char *oid, int critical,
				const uint8_t *value, size_t len) GXCA_WARN_UNUSED;

/**
 * Sign a new seal (v4, header "ES"/4/vid) with the maker's SM2 key over the
 * DER SES_SealInfo, embedding the maker's certificate (DER, must hold the
 * key's public half). Afterwards the seal reads like a parsed one.
 * Errors: GXCA_EINVAL, GXCA_ESTATE (already signed/parsed, or a required field
 * missing: vid, id, name, validity, picture, at least one cert),
 * GXCA_EESEAL_UNSUPPORTED (not an SM2 key), GXCA_EESEAL_KEY_MISMATCH,
 * GXCA_ECRYPTO, GXCA_ENOMEM.
 */
GXCA_API int gxca_eseal_sign(gxca_eseal *seal, const gxca_key *maker_key, const uint8_t *maker_cert,
			     size_t cert_len) GXCA_WARN_UNUSED;

/** The whole seal as DER, byte-identical to what was parsed. Caller frees *out with gxca_free(). */
GXCA_API int gxca_eseal_to_der(const gxca_eseal *seal, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

/*
 * Getters (parsed or signed seals). Strings are borrowed, "" when absent or
 * for NULL; integers 0 for NULL; byte getters return a borrowed pointer and
 * set *len (NULL and 0 when absent).
 */
GXCA_API int gxca_eseal_version(const gxca_eseal *seal);         /**< gxca_eseal_layout, 0 unsigned */
GXCA_API int64_t gxca_eseal_header_version(const gxca_eseal *seal);
GXCA_API const char *gxca_eseal_vid(const gxca_eseal *seal);
GXCA_API const char *gxca_eseal_id(const gxca_eseal *seal);
GXCA_API int64_t gxca_eseal_type(const gxca_eseal *seal);
GXCA_API const char *gxca_eseal_name(const gxca_eseal *seal);
/** GXCA_ESEAL_CERTLIST_*; 0 for v1 (no certListType). */
GXCA_API int gxca_eseal_cert_list_type(const gxca_eseal *seal);
GXCA_API size_t gxca_eseal_cert_count(const gxca_eseal *seal);
/** Entry i: a DER certificate, or with CERTLIST_DIGESTS the digest value. */
GXCA_API const uint8_t *gxca_eseal_cert(const gxca_eseal *seal, size_t i, size_t *len);
/** CERTLIST_DIGESTS: the digest label of entry i (e.g. "sm3"); "" otherwise. */
GXCA_API const char *gxca_eseal_cert_digest_type(const gxca_eseal *seal, size_t i);
GXCA_API int64_t gxca_eseal_create_date(const gxca_eseal *seal);
GXCA_API int64_t gxca_eseal_valid_start(const gxca_eseal *seal);
GXCA_API int64_t gxca_eseal_valid_end(const gxca_eseal *seal);
/** gxca_eseal_time_format of the three dates. */
GXCA_API int gxca_eseal_time_encoding(const gxca_eseal *seal);
GXCA_API const char *gxca_eseal_picture_type(const gxca_eseal *seal);
GXCA_API const uint8_t *gxca_eseal_picture(const gxca_eseal *seal, size_t *len);
GXCA_API int64_t gxca_eseal_picture_width(const gxca_eseal *seal);  /**< mm */
GXCA_API int64_t gxca_eseal_picture_height(const gxca_eseal *seal); /**< mm */
/** Write the picture bytes to a new file (mode 0644, never overwrites: GXCA_EEXISTS). */
GXCA_API int gxca_eseal_write_picture(const gxca_eseal *seal, const char *path) GXCA_WARN_UNUSED;
GXCA_API size_t gxca_eseal_ext_count(const gxca_eseal *seal);
GXCA_API const char *gxca_eseal_ext_oid(const gxca_eseal *seal, size_t i);
GXCA_API int gxca_eseal_ext_critical(const gxca_eseal *seal, size_t i);
GXCA_API const uint8_t *gxca_eseal_ext_value(const gxca_eseal *seal, size_t i, size_t *len);
/** The maker's certificate (DER). */
GXCA_API const uint8_t *gxca_eseal_maker_cert(const gxca_eseal *seal, size_t *len);
/** Signature algorithm OID, dotted ("1.2.156.10197.1.501"). */
GXCA_API const char *gxca_eseal_sign_alg(const gxca_eseal *seal);
/** The maker's signature value (BIT STRING contents, as stored). */
GXCA_API const uint8_t *gxca_eseal_signature(const gxca_eseal *seal, size_t *len);
/** v5 timeStamp (BIT STRING contents); NULL when absent. Not verified. */
GXCA_API const uint8_t *gxca_eseal_timestamp(const gxca_eseal *seal, size_t *len);
/** Parse quirks met (GXCA_ESEAL_QUIRK_*). */
GXCA_API uint32_t gxca_eseal_quirks(const gxca_eseal *seal);

/**
 * Verify a seal: the maker's signature, the seal's validity at opts->at
 * (default now), the maker certificate's validity at createDate, and with
 * anchors its chain. opts NULL = defaults. *result (may be NULL) receives the
 * per-check detail even when a check fails; caller frees it.
 * Returns GXCA_OK or the code of the first failed check: GXCA_EBADSIG,
 * GXCA_EESEAL_UNSUPPORTED, GXCA_EESEAL_MALFORMED (maker cert), GXCA_EESEAL_QUIRK,
 * GXCA_EESEAL_SEAL_EXPIRED / _NOT_YET_VALID, GXCA_EESEAL_CERT_EXPIRED /
 * _NOT_YET_VALID, GXCA_EESEAL_CHAIN; or GXCA_EINVAL / GXCA_ENOMEM (no result).
 */
GXCA_API int gxca_eseal_verify(const gxca_eseal *seal, const gxca_eseal_verify_options *opts,
			       gxca_eseal_result **result) GXCA_WARN_UNUSED;

/* ---- signatures ---------------------------------------------------------- */

/** A new signature to fill and sign. Caller frees with gxca_esign_free(). */
GXCA_API int gxca_esign_new(gxca_esign **out, gxca_ctx *ctx) GXCA_WARN_UNUSED;
/**
 * Parse a DER SES_Signature (v1, v4, v5). Copied. Errors as gxca_eseal_parse();
 * the embedded seal is parsed too (gxca_esign_seal()).
 */
GXCA_API int gxca_esign_parse(gxca_esign **out, gxca_ctx *ctx, const uint8_t *der,
			      size_t len) GXCA_WARN_UNUSED;
GXCA_API void gxca_esign_free(gxca_esign *sig);

/** The seal to sign with: a signed or parsed v4/v5 seal (its DER is copied, verbatim). */
GXCA_API int gxca_esign_set_seal(gxca_esign *sig, const gxca_eseal *seal) GXCA_WARN_UNUSED;
/** The data signed: its SM3 digest becomes dataHash. */
GXCA_API int gxca_esign_set_data(gxca_esign *sig, const uint8_t *data, size_t len) GXCA_WARN_UNUSED;
/** Or a precomputed SM3 digest (32 bytes). */
GXCA_API int gxca_esign_set_digest(gxca_esign *sig, const uint8_t *digest, size_t len) GXCA_WARN_UNUSED;
/** propertyInfo (IA5String, e.g. the OFD path of Signature.xml); default "". */
GXCA_API int gxca_esign_set_property_info(gxca_esign *sig, const char *info) GXCA_WARN_UNUSED;
/** Signing time (timeInfo); default: the time of gxca_esign_sign(). */
GXCA_API int gxca_esign_set_time(gxca_esign *sig, int64_t when) GXCA_WARN_UNUSED;
/** Append an ExtData to TBS_Sign ([0] extDatas). */
GXCA_API int gxca_esign_add_ext(gxca_esign *sig, const char *oid, int critical, const uint8_t *value,
				size_t len) GXCA_WARN_UNUSED;
/**
 * Sign (TBS_Sign version = the seal's: 4, or 5 for a v5 seal) with the
 * signer's SM2 key and certificate. The certificate must be in the seal's
 * list and the seal valid at the signing time. Errors: GXCA_EINVAL,
 * GXCA_ESTATE (no seal or digest; already signed), GXCA_EESEAL_UNSUPPORTED,
 * GXCA_EESEAL_KEY_MISMATCH, GXCA_EESEAL_SIGNER_NOT_IN_SEAL,
 * GXCA_EESEAL_SEAL_EXPIRED / _NOT_YET_VALID, GXCA_ECRYPTO, GXCA_ENOMEM.
 */
GXCA_API int gxca_esign_sign(gxca_esign *sig, const gxca_key *key, const uint8_t *signer_cert,
			     size_t cert_len) GXCA_WARN_UNUSED;
/** The signature as DER, byte-identical to what was parsed. Caller frees with gxca_free(). */
GXCA_API int gxca_esign_to_der(const gxca_esign *sig, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

/* Getters, same conventions as the seal's. */
GXCA_API int gxca_esign_version(const gxca_esign *sig);      /**< layout: 1 or 4 (also v5 files) */
GXCA_API int64_t gxca_esign_tbs_version(const gxca_esign *sig);
/** The embedded seal, borrowed from sig. */
GXCA_API const gxca_eseal *gxca_esign_seal(const gxca_esign *sig);
/** Signing time; 0 when it could not be read (v1 text in an unknown format). */
GXCA_API int64_t gxca_esign_time(const gxca_esign *sig);
GXCA_API int gxca_esign_time_encoding(const gxca_esign *sig);
/** timeInfo as text: the GeneralizedTime string, or the v1 text (non-printable bytes as '?'). */
GXCA_API const char *gxca_esign_time_text(const gxca_esign *sig);
GXCA_API const uint8_t *gxca_esign_data_hash(const gxca_esign *sig, size_t *len);
GXCA_API const char *gxca_esign_property_info(const gxca_esign *sig);
GXCA_API const uint8_t *gxca_esign_signer_cert(const gxca_esign *sig, size_t *len);
GXCA_API const char *gxca_esign_sign_alg(const gxca_esign *sig);
GXCA_API const uint8_t *gxca_esign_signature(const gxca_esign *sig, size_t *len);
GXCA_API const uint8_t *gxca_esign_timestamp(const gxca_esign *sig, size_t *len);
GXCA_API size_t gxca_esign_ext_count(const gxca_esign *sig);
GXCA_API const char *gxca_esign_ext_oid(const gxca_esign *sig, size_t i);
GXCA_API int gxca_esign_ext_critical(const gxca_esign *sig, size_t i);
GXCA_API const uint8_t *gxca_esign_ext_value(const gxca_esign *sig, size_t i, size_t *len);
/** Parse quirks of the signature and of its seal (GXCA_ESEAL_QUIRK_*). */
GXCA_API uint32_t gxca_esign_quirks(const gxca_esign *sig);

/**
 * Verify a signature: its signature over TBS_Sign, the embedded seal (its
 * signature, its validity at the signing time, the maker cert at createDate),
 * the signer certificate in the seal's list and valid at the signing time,
 * dataHash when data or digest is given, chains when anchors are given.
 * Result and return code as gxca_eseal_verify(), plus
 * GXCA_EESEAL_SIGNER_NOT_IN_SEAL and GXCA_EESEAL_DATA_MISMATCH.
 * The timeStamp, if any, is not verified.
 */
GXCA_API int gxca_esign_verify(const gxca_esign *sig, const gxca_eseal_verify_options *opts,
			       gxca_eseal_result **result) GXCA_WARN_UNUSED;

/* ---- verification results ---------------------------------------------- */

GXCA_API void gxca_eseal_result_free(gxca_eseal_result *result);
/** Checks that ran / that failed (GXCA_ESEAL_CHECK_*). */
GXCA_API uint32_t gxca_eseal_result_ran(const gxca_eseal_result *result);
GXCA_API uint32_t gxca_eseal_result_failed(const gxca_eseal_result *result);
/** Status of one check: GXCA_OK (passed or did not run) or its failure code. */
GXCA_API int gxca_eseal_result_status(const gxca_eseal_result *result, uint32_t check);
/** Why one check failed, in a language; "" when it did not fail. Borrowed. */
GXCA_API const char *gxca_eseal_result_message(const gxca_eseal_result *result, uint32_t check,
					       int lang);
/** Quirks met by one check (its signature encoding); check 0 = all of them. */
GXCA_API uint32_t gxca_eseal_result_quirks(const gxca_eseal_result *result, uint32_t check);
/** The time the validity checks used (signing time, or opts->at / now). */
GXCA_API int64_t gxca_eseal_result_time(const gxca_eseal_result *result);
/** Stable name of a check bit ("signature", "seal-signature", ...); NULL if unknown. */
GXCA_API const char *gxca_eseal_check_name(uint32_t check);
/** Stable name of a quirk bit ("raw-rs", "nonminimal-int", ...); NULL if unknown. */
GXCA_API const char *gxca_eseal_quirk_name(uint32_t quirk);

GXCA_END_DECLS

#endif /* GXCA_ESEAL_H */
