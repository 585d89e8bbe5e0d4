/*
 * libgxca — the certification authority: issuance for every business, the
 * certificate registry, revocation and CRLs (doc/cert-profile.md).
 *
 * A gxca_ca is an issuing CA (certificate chain + private key, software or
 * on a PKCS#11 token) bound to a registry: an SQLite file (or ":memory:")
 * that records every certificate, revocation and CRL number. A certificate
 * is handed out only after its registry row has committed; a crash at any
 * moment leaves no certificate without its row.
 *
 * Time arguments are Unix seconds; 0 means "now". Serials are hexadecimal
 * strings (any case, an optional "0x"); the library writes upper case.
 *
 * Threads: a gxca_ca belongs to the thread of its context. Several threads
 * (each with its own context and gxca_ca) and several processes may use one
 * registry file at the same time: the library waits and retries while the
 * file is locked, it never reports "busy" for a lock held a short while.
 * A gxca_ca created before fork() may be used in the child: the child opens
 * its own registry connection on first use and leaves the parent's alone
 * (SQLite connections must not cross fork()); serials never repeat.
 * @since 1.0
 */
#ifndef GXCA_CA_H
#define GXCA_CA_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/cert.h>
#include <gxca/application.h>

GXCA_BEGIN_DECLS

typedef struct gxca_ca gxca_ca;
/** One certificate of the registry with its revocation data. */
typedef struct gxca_ca_record gxca_ca_record;
/** A list of registry records. */
typedef struct gxca_ca_records gxca_ca_records;

/** Status of a certificate in the registry (expiry is a matter of time, not a status). */
typedef enum {
	GXCA_CERT_VALID = 1,
	GXCA_CERT_REVOKED = 2
} gxca_cert_status;

/** Version of gxca_issue_options understood by this library. */
#define GXCA_ISSUE_OPTIONS_VERSION 1

/**
 * Options of an issuance. Initialise with gxca_issue_options_init(); fields
 * are only ever appended. Pointers are borrowed for the duration of the call.
 */
typedef struct gxca_issue_options {
	unsigned int version;    /**< GXCA_ISSUE_OPTIONS_VERSION */
	const uint8_t *request;  /**< PKCS#10 CSR or SubjectPublicKeyInfo, DER or PEM (required) */
	size_t request_len;
	int usage;               /**< GXCA_CERT_SIGN or GXCA_CERT_ENCRYPT; 0 = signing for NEW,
				  *   the old certificate's usage otherwise */
	const char *token_serial; /**< serial of the token that holds the key; NULL = none */
	int64_t accepted_at;     /**< acceptance (受理) time; 0 = the application's latest submission */
	int64_t now;             /**< time of issuance; 0 = now */
	int change_reason;       /**< CHANGE: GXCA_REASON_AFFILIATION_CHANGED or
				  *   GXCA_REASON_SUPERSEDED; 0 = affiliationChanged when the
				  *   subject changes, superseded otherwise */
} gxca_issue_options;

/** Zero opts and set its version. GXCA_EINVAL for NULL or an unknown version. */
GXCA_API int gxca_issue_options_init(gxca_issue_options *opts, unsigned int version) GXCA_WARN_UNUSED;

/* ---- life ---- */

/**
 * Make a new root CA and an issuing CA under it, with keys of key_alg
 * (gxca_key_alg; 0 = the policy's default, SM2), for tests and the demo.
 * When dir is not NULL it is created if missing (mode 0700) and receives
 * root.pem, root.key, ca.pem, ca.key (keys PKCS#8 PEM, mode 0600) and
 * chain.pem (issuing CA then root), refusing to overwrite (GXCA_EEXISTS).
 * registry: an SQLite file path, a "file:" URI or ":memory:".
 * Errors: GXCA_EINVAL, GXCA_EUNSUPPORTED, GXCA_ECRYPTO, GXCA_EIO, GXCA_EEXISTS,
 * GXCA_EREG_*, GXCA_ENOMEM. Caller frees *out with gxca_ca_free().
 */
GXCA_API int gxca_ca_create(gxca_ca **out, gxca_ctx *ctx, const char *dir, int key_alg,
			    const char *registry) GXCA_WARN_UNUSED;

/**
 * Use an existing issuing CA.
 * chain: PEM file, the issuing CA certificate first, then its issuers
 *   (NULL: take the certificates from key, a PKCS#12 file).
 * key: a private key file (PEM, DER PKCS#8 or PKCS#12) or a PKCS#11 URI
 *   (RFC 7512: "pkcs11:token=<label>;object=<key label>?module-path=<module>",
 *   also serial=, id=, pin-value=) for a key held in an HSM, which never
 *   leaves it (token.h; chain is then required). password: of the key file,
 *   or the token's PIN (wins over pin-value); may be NULL.
 * registry: as for gxca_ca_create(). A registry remembers its CA: opening it
 * with another CA fails (GXCA_EREG_OTHER_CA).
 * Errors: GXCA_EINVAL (also a malformed PKCS#11 URI), GXCA_EIO, GXCA_ECERT_PARSE,
 * GXCA_ECRYPTO (key unreadable, wrong password), GXCA_ECA_NOT_CA,
 * GXCA_ECA_KEY_MISMATCH, GXCA_ETOKEN_* (HSM: module, token, PIN, key not
 * found), GXCA_EREG_*, GXCA_ENOMEM.
 */
GXCA_API int gxca_ca_open(gxca_ca **out, gxca_ctx *ctx, const char *chain, const char *key,
			  const char *password, const char *registry) GXCA_WARN_UNUSED;

/** Free a CA (closes its registry); NULL is a no-op. */
GXCA_API void gxca_ca_free(gxca_ca *ca);

/** The CA chain (issuing CA first). Caller frees with gxca_cert_chain_free(). */
GXCA_API int gxca_ca_chain(const gxca_ca *ca, gxca_cert ***out, size_t *n) GXCA_WARN_UNUSED;

/* ---- businesses ---- */

/*
 * Issuance. app must be approved and paid (GXCA_APP_PAID) and carry a line
 * of the business: otherwise GXCA_ECA_APP_STATE (the message names the
 * state) or GXCA_ECA_BUSINESS (no such line, or all `count` certificates of
 * the line already issued for that usage). The subject, the identity
 * extension and the holder come from the application; the request's own
 * subject is ignored. Every failure writes nothing. Common errors:
 *   GXCA_ECA_REQUEST, GXCA_ECA_REQUEST_SIGNATURE, GXCA_ECA_KEY_ALG,
 *   GXCA_ECA_SUBJECT, GXCA_ECA_SERIAL_COLLISION, GXCA_ERANGE (the certificate
 *   would outlive the issuing CA), GXCA_EREG_*, GXCA_ECRYPTO, GXCA_ENOMEM.
 * Old certificates (RENEW, REISSUE, CHANGE, UNLOCK) must belong to the same
 * holder (USCC / ID number: GXCA_ECA_HOLDER), exist (GXCA_ENOTFOUND) and not
 * be revoked (GXCA_ECA_REVOKED). The caller frees *out with gxca_cert_free().
 */

/**
 * NEW: one certificate per token, valid from the acceptance date (00:00
 * Asia/Shanghai) for the years of the NEW line. The holder's first valid
 * certificate of a usage is the master (主锁), later ones secondary.
 */
GXCA_API int gxca_ca_issue(gxca_ca *ca, const gxca_application *app,
			   const gxca_issue_options *opts, gxca_cert **out) GXCA_WARN_UNUSED;
/** The most requests one gxca_ca_issue_batch() takes. */
#define GXCA_CA_BATCH_MAX 1024

/**
 * NEW for n requests in one registry transaction: all are issued or none.
 * apps[i] and opts[i] are as for gxca_ca_issue(); one application may come
 * several times (its tokens; the holder's first becomes the master, as in
 * n calls). out[i] receives certificate i; all are NULL on failure. One
 * commit for the batch is what makes it faster than n calls, and the
 * certificates reach the caller only after it: a crash leaves all or none
 * in the registry. The certificates are signed before the registry is
 * locked for writing, which then lasts for their rows only. The error
 * field names the request ("requests[i].<field>").
 * Errors: those of gxca_ca_issue(); GXCA_ETOOBIG for n > GXCA_CA_BATCH_MAX.
 * Since 1.1.
 */
GXCA_API int gxca_ca_issue_batch(gxca_ca *ca, size_t n, const gxca_application *const apps[],
				 const gxca_issue_options *const opts[], gxca_cert *out[]) GXCA_WARN_UNUSED;
/**
 * RENEW old_serial: a new certificate with the same subject for the years of
 * the RENEW line, valid from the acceptance date; when accepted before the
 * old one expires, the new term continues from the old expiry. The old
 * certificate stays valid until it expires.
 */
GXCA_API int gxca_ca_renew(gxca_ca *ca, const gxca_application *app, const char *old_serial,
			   const gxca_issue_options *opts, gxca_cert **out) GXCA_WARN_UNUSED;
/**
 * REISSUE after loss: revokes old_serial (keyCompromise) and issues a new
 * certificate valid from the acceptance date until the old one's expiry
 * (GXCA_ECA_CERT_STATE when it has expired). Atomic: both or neither.
 */
GXCA_API int gxca_ca_reissue(gxca_ca *ca, const gxca_application *app, const char *old_serial,
			     const gxca_issue_options *opts, gxca_cert **out) GXCA_WARN_UNUSED;
/**
 * CHANGE: revokes old_serial (affiliationChanged or superseded, see
 * gxca_issue_options.change_reason) and issues a certificate with the
 * subject of the application, until the old one's expiry. Atomic.
 */
GXCA_API int gxca_ca_change(gxca_ca *ca, const gxca_application *app, const char *old_serial,
			    const gxca_issue_options *opts, gxca_cert **out) GXCA_WARN_UNUSED;
/**
 * UNLOCK (PIN reset of the token holding serial): recorded in the registry
 * at time at; the certificate is unchanged. token_serial may be NULL.
 */
GXCA_API int gxca_ca_unlock(gxca_ca *ca, const gxca_application *app, const char *serial,
			    const char *token_serial, int64_t at) GXCA_WARN_UNUSED;

/* ---- revocation (service agreement: ask within 8 h, revoke within 24 h) ---- */

/**
 * Record the holder's request to revoke serial for reason (gxca_revocation_reason),
 * made at requested_at about an incident at incident_at (key loss, ...; 0 =
 * unknown). The request deadline is incident_at + the policy's
 * revocation_request_hours (8). Errors: GXCA_EINVAL, GXCA_ENOTFOUND,
 * GXCA_ECA_REVOKED, GXCA_EREG_*.
 */
GXCA_API int gxca_ca_revoke_request(gxca_ca *ca, const char *serial, int reason, int64_t incident_at,
				    int64_t requested_at) GXCA_WARN_UNUSED;
/**
 * Approve a recorded request at approved_at: the CA must revoke by
 * approved_at + revocation_hours (24). GXCA_ECA_CERT_STATE when no request.
 */
GXCA_API int gxca_ca_revoke_approve(gxca_ca *ca, const char *serial, int64_t approved_at) GXCA_WARN_UNUSED;
/**
 * Revoke serial at revoked_at for reason; reason -1 keeps the reason of the
 * request. Without a request this is a revocation on the CA's own
 * initiative. Errors: GXCA_EINVAL, GXCA_ENOTFOUND, GXCA_ECA_REVOKED, GXCA_EREG_*.
 */
GXCA_API int gxca_ca_revoke(gxca_ca *ca, const char *serial, int reason, int64_t revoked_at) GXCA_WARN_UNUSED;
/** Approved requests not revoked by their 24-hour deadline as of now. Caller frees the list. */
GXCA_API int gxca_ca_overdue(gxca_ca *ca, int64_t now, gxca_ca_records **out) GXCA_WARN_UNUSED;

/**
 * A CRL (v2, signed now by the issuing CA) listing every revoked
 * certificate, with reason codes, the next CRL number of the registry,
 * thisUpdate = now and nextUpdate = now + the policy's crl_next_update_hours.
 * Caller frees *out with gxca_crl_free().
 */
GXCA_API int gxca_ca_crl(gxca_ca *ca, int64_t now, gxca_crl **out) GXCA_WARN_UNUSED;

/* ---- registry queries ---- */

/** The record of serial (with its certificate). GXCA_ENOTFOUND. Caller frees with gxca_ca_record_free(). */
GXCA_API int gxca_ca_status(gxca_ca *ca, const char *serial, gxca_ca_record **out) GXCA_WARN_UNUSED;
/** Every certificate, or those of one application id (NULL = all), in serial order. */
GXCA_API int gxca_ca_list(gxca_ca *ca, const char *application_id, gxca_ca_records **out) GXCA_WARN_UNUSED;

GXCA_API void gxca_ca_records_free(gxca_ca_records *list);
GXCA_API size_t gxca_ca_records_count(const gxca_ca_records *list);
/** Record i, borrowed from the list; NULL when out of range. */
GXCA_API const gxca_ca_record *gxca_ca_records_get(const gxca_ca_records *list, size_t i);

GXCA_API void gxca_ca_record_free(gxca_ca_record *rec);
/** Getters; strings borrowed from the record ("" when unset, NULL rec gives ""/0). */
GXCA_API const char *gxca_ca_record_serial(const gxca_ca_record *rec);
GXCA_API const char *gxca_ca_record_subject(const gxca_ca_record *rec);
/** USCC (ORG) or ID number (PERSON) of the holder. */
GXCA_API const char *gxca_ca_record_holder(const gxca_ca_record *rec);
GXCA_API const char *gxca_ca_record_application_id(const gxca_ca_record *rec);
GXCA_API const char *gxca_ca_record_token_serial(const gxca_ca_record *rec);
/** Serial of the certificate this one replaced (RENEW, REISSUE, CHANGE); "" when none. */
GXCA_API const char *gxca_ca_record_replaces(const gxca_ca_record *rec);
/** gxca_business that issued it. */
GXCA_API int gxca_ca_record_business(const gxca_ca_record *rec);
GXCA_API int gxca_ca_record_usage(const gxca_ca_record *rec);
GXCA_API int gxca_ca_record_key_algorithm(const gxca_ca_record *rec);
/** 1 for a master token's certificate (主锁), 0 for a secondary one. */
GXCA_API int gxca_ca_record_is_master(const gxca_ca_record *rec);
/** gxca_cert_status. */
GXCA_API int gxca_ca_record_status(const gxca_ca_record *rec);
GXCA_API int64_t gxca_ca_record_not_before(const gxca_ca_record *rec);
GXCA_API int64_t gxca_ca_record_not_after(const gxca_ca_record *rec);
GXCA_API int64_t gxca_ca_record_issued_at(const gxca_ca_record *rec);
/**
 * Revocation data; any out may be NULL. Times 0 when not (yet) set; reason
 * -1 when neither requested nor revoked. Returns GXCA_OK or GXCA_EINVAL.
 */
GXCA_API int gxca_ca_record_revocation(const gxca_ca_record *rec, int *reason, int64_t *incident_at,
				       int64_t *requested_at, int64_t *approved_at,
				       int64_t *revoked_at) GXCA_WARN_UNUSED;
/** The 8-hour request deadline and the 24-hour revocation deadline (0 when unknown). */
GXCA_API int gxca_ca_record_deadlines(const gxca_ca_record *rec, int64_t *request_deadline,
				      int64_t *revoke_deadline) GXCA_WARN_UNUSED;
/**
 * The certificate of a record from gxca_ca_status() (list records carry
 * none: GXCA_ENOTFOUND). Caller frees *out with gxca_cert_free().
 */
GXCA_API int gxca_ca_record_cert(const gxca_ca_record *rec, gxca_cert **out) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_CA_H */
