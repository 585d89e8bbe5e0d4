/*
 * libgxca — X.509 certificates and CRLs: parse, inspect, verify.
 *
 * A gxca_cert is an immutable parsed certificate (DER or PEM). Getters return
 * strings BORROWED from the certificate, valid until gxca_cert_free(). SM2
 * certificates get the distinguishing ID of the policy (GM/T 0009:
 * "1234567812345678") when they are parsed, so that gxca_cert_verify()
 * checks them the way Chinese CAs sign them (OpenSSL 3.0 would use an empty
 * ID otherwise).
 *
 * A gxca_crl is a parsed X.509 v2 CRL; gxca_ca_crl() makes one.
 *
 * Threads: a certificate or CRL belongs to the thread of its context.
 * @since 1.0
 */
#ifndef GXCA_CERT_H
#define GXCA_CERT_H

#include <gxca/common.h>
#include <gxca/ctx.h>

GXCA_BEGIN_DECLS

typedef struct gxca_cert gxca_cert;
typedef struct gxca_crl gxca_crl;

/** Revocation reasons: the RFC 5280 CRLReason values. */
typedef enum {
	GXCA_REASON_UNSPECIFIED = 0,
	GXCA_REASON_KEY_COMPROMISE = 1,     /**< REISSUE after loss */
	GXCA_REASON_CA_COMPROMISE = 2,
	GXCA_REASON_AFFILIATION_CHANGED = 3, /**< CHANGE of the subject */
	GXCA_REASON_SUPERSEDED = 4,          /**< CHANGE keeping the subject */
	GXCA_REASON_CESSATION_OF_OPERATION = 5,
	GXCA_REASON_CERTIFICATE_HOLD = 6,
	GXCA_REASON_REMOVE_FROM_CRL = 8,
	GXCA_REASON_PRIVILEGE_WITHDRAWN = 9,
	GXCA_REASON_AA_COMPROMISE = 10
} gxca_revocation_reason;

/** Certificate usage (from keyUsage): gxca_cert_usage(), gxca_issue_options.usage. */
typedef enum {
	GXCA_CERT_SIGN = 1,    /**< digitalSignature + nonRepudiation */
	GXCA_CERT_ENCRYPT = 2, /**< keyEncipherment or keyAgreement */
	GXCA_CERT_CA = 3       /**< keyCertSign (a CA certificate) */
} gxca_usage;

/** Subject / issuer name attributes for gxca_cert_subject_field(). */
typedef enum {
	GXCA_DN_C = 1,  /**< countryName */
	GXCA_DN_ST = 2, /**< stateOrProvinceName */
	GXCA_DN_L = 3,  /**< localityName */
	GXCA_DN_O = 4,  /**< organizationName */
	GXCA_DN_OU = 5, /**< organizationalUnitName */
	GXCA_DN_CN = 6  /**< commonName */
} gxca_dn_field;

/** RFC 5280 name of a reason ("keyCompromise"); NULL if unknown. */
GXCA_API const char *gxca_revocation_reason_name(int reason);
/** Parse such a name (case-insensitive); -1 if unknown. */
GXCA_API int gxca_revocation_reason_from_name(const char *name);

/* ---- certificates --------------------------------------------------------- */

/**
 * Parse one DER certificate (the whole buffer, no trailing bytes).
 * Errors: GXCA_EINVAL (NULL), GXCA_ETOOBIG (over 1 MiB), GXCA_ECERT_PARSE.
 * Caller frees *out with gxca_cert_free().
 */
GXCA_API int gxca_cert_from_der(gxca_cert **out, gxca_ctx *ctx, const uint8_t *der,
				size_t len) GXCA_WARN_UNUSED;
/** Parse the first "CERTIFICATE" block of PEM text (len bytes, NUL not needed). */
GXCA_API int gxca_cert_from_pem(gxca_cert **out, gxca_ctx *ctx, const char *pem,
				size_t len) GXCA_WARN_UNUSED;
/** Read a certificate file, DER or PEM (detected). Errors as above plus GXCA_EIO. */
GXCA_API int gxca_cert_load_file(gxca_cert **out, gxca_ctx *ctx, const char *path) GXCA_WARN_UNUSED;

/**
 * Parse every certificate of PEM text (a chain file) into a new array of
 * *n certificates, in file order. Caller frees with gxca_cert_chain_free().
 * An input without any certificate is GXCA_ECERT_PARSE.
 */
GXCA_API int gxca_cert_chain_from_pem(gxca_cert ***out, size_t *n, gxca_ctx *ctx, const char *pem,
				      size_t len) GXCA_WARN_UNUSED;
/** The same from a file. */
GXCA_API int gxca_cert_chain_load_file(gxca_cert ***out, size_t *n, gxca_ctx *ctx,
				       const char *path) GXCA_WARN_UNUSED;
/** Free an array made by gxca_cert_chain_*() or gxca_ca_chain() and its certificates. */
GXCA_API void gxca_cert_chain_free(gxca_cert **certs, size_t n);

/** Free a certificate; NULL is a no-op. */
GXCA_API void gxca_cert_free(gxca_cert *cert);

/** DER encoding. Caller frees *out with gxca_free(). */
GXCA_API int gxca_cert_to_der(const gxca_cert *cert, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;
/** PEM text, NUL-terminated (*out_len excludes the NUL). Caller frees with gxca_free(). */
GXCA_API int gxca_cert_to_pem(const gxca_cert *cert, char **out, size_t *out_len) GXCA_WARN_UNUSED;
/** The subject public key as DER SubjectPublicKeyInfo. Caller frees with gxca_free(). */
GXCA_API int gxca_cert_public_der(const gxca_cert *cert, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

/** Subject / issuer as one RFC 2253 line in UTF-8 ("CN=…,O=…,C=CN"). Borrowed; "" for NULL. */
GXCA_API const char *gxca_cert_subject(const gxca_cert *cert);
GXCA_API const char *gxca_cert_issuer(const gxca_cert *cert);
/** First value of one subject attribute (gxca_dn_field), UTF-8. Borrowed; NULL when absent. */
GXCA_API const char *gxca_cert_subject_field(const gxca_cert *cert, int field);
/** Serial number, upper-case hex without leading zero octets. Borrowed; "" for NULL. */
GXCA_API const char *gxca_cert_serial(const gxca_cert *cert);
/** Validity bounds as Unix seconds; 0 for NULL. */
GXCA_API int64_t gxca_cert_not_before(const gxca_cert *cert);
GXCA_API int64_t gxca_cert_not_after(const gxca_cert *cert);
/** Key algorithm of the subject key (gxca_key_alg); 0 when another algorithm or NULL. */
GXCA_API int gxca_cert_key_algorithm(const gxca_cert *cert);
/** gxca_usage from keyUsage; 0 when neither (or NULL). */
GXCA_API int gxca_cert_usage(const gxca_cert *cert);
/**
 * The unified social credit code of an ORG certificate (GM/T 0015 extension
 * 1.2.156.10260.4.1.4), or the resident ID number of a PERSON certificate
 * (1.2.156.10260.4.1.1). Borrowed; NULL when absent.
 */
GXCA_API const char *gxca_cert_uscc(const gxca_cert *cert);
GXCA_API const char *gxca_cert_id_number(const gxca_cert *cert);

/**
 * Verify cert at time at (Unix seconds; 0 = now) against trusted CA
 * certificates (any order; a root or an issuing CA may be the trust anchor)
 * and, when crl is not NULL, the CRL of cert's issuer.
 * Returns GXCA_OK or exactly one of:
 *   GXCA_ECERT_EXPIRED, GXCA_ECERT_NOT_YET_VALID (cert or a CA of the chain),
 *   GXCA_ECERT_BAD_SIGNATURE, GXCA_ECERT_UNKNOWN_ISSUER, GXCA_ECERT_CHAIN (any
 *   other path failure), GXCA_ECRL_BAD_SIGNATURE, GXCA_ECRL_ISSUER (the CRL is
 *   not from cert's issuer), GXCA_ECRL_STALE (at is outside the CRL's
 *   thisUpdate..nextUpdate), GXCA_ECERT_REVOKED (then *revoked_reason and
 *   *revoked_at, when not NULL, receive the reason and the revocation date).
 * The ctx of cert gets the detail.
 */
GXCA_API int gxca_cert_verify(const gxca_cert *cert, const gxca_cert *const *chain, size_t chain_len,
			      const gxca_crl *crl, int64_t at, int *revoked_reason,
			      int64_t *revoked_at) GXCA_WARN_UNUSED;

/* ---- CRLs ------------------------------------------------------------------- */

/** Parse a DER CRL / the first PEM CRL block / a CRL file (DER or PEM). */
GXCA_API int gxca_crl_from_der(gxca_crl **out, gxca_ctx *ctx, const uint8_t *der, size_t len) GXCA_WARN_UNUSED;
GXCA_API int gxca_crl_from_pem(gxca_crl **out, gxca_ctx *ctx, const char *pem, size_t len) GXCA_WARN_UNUSED;
GXCA_API int gxca_crl_load_file(gxca_crl **out, gxca_ctx *ctx, const char *path) GXCA_WARN_UNUSED;
/** Free a CRL; NULL is a no-op. */
GXCA_API void gxca_crl_free(gxca_crl *crl);
/** Encodings. Caller frees with gxca_free(); the PEM is NUL-terminated. */
GXCA_API int gxca_crl_to_der(const gxca_crl *crl, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;
GXCA_API int gxca_crl_to_pem(const gxca_crl *crl, char **out, size_t *out_len) GXCA_WARN_UNUSED;
/** Issuer name (RFC 2253, UTF-8). Borrowed; "" for NULL. */
GXCA_API const char *gxca_crl_issuer(const gxca_crl *crl);
/** The cRLNumber extension; -1 when absent or above INT64_MAX. */
GXCA_API int64_t gxca_crl_number(const gxca_crl *crl);
/** thisUpdate / nextUpdate as Unix seconds (nextUpdate 0 when absent). */
GXCA_API int64_t gxca_crl_this_update(const gxca_crl *crl);
GXCA_API int64_t gxca_crl_next_update(const gxca_crl *crl);
/** Number of revoked entries. */
GXCA_API size_t gxca_crl_count(const gxca_crl *crl);
/**
 * Entry i: serial (upper-case hex, borrowed), reason (GXCA_REASON_*; unspecified
 * when the entry has no reason code) and revocation date. Any out may be NULL.
 * Errors: GXCA_EINVAL, GXCA_ERANGE (i out of range).
 */
GXCA_API int gxca_crl_entry(const gxca_crl *crl, size_t i, const char **serial, int *reason,
			    int64_t *revoked_at) GXCA_WARN_UNUSED;
/** Look a serial (hex, any case) up: GXCA_OK when listed, GXCA_ENOTFOUND otherwise. */
GXCA_API int gxca_crl_find(const gxca_crl *crl, const char *serial, int *reason,
			   int64_t *revoked_at) GXCA_WARN_UNUSED;
/**
 * Check the CRL's signature with the public key of issuer (SM2: with the
 * distinguishing ID, which OpenSSL 3.0's X509_CRL_verify cannot do).
 * Returns GXCA_OK, GXCA_ECRL_ISSUER (names differ) or GXCA_ECRL_BAD_SIGNATURE.
 */
GXCA_API int gxca_crl_verify(const gxca_crl *crl, const gxca_cert *issuer) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_CERT_H */
