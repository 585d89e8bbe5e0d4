/*
 * libgxca — platform login with a CA token (CA登录), for trading-platform
 * developers.
 *
 *   server: gxca_login_challenge()  -> challenge text (JSON: platform id,
 *           random nonce, issue and expiry time, the server's HMAC)
 *   client: gxca_login_respond()    -> response text (JSON: the challenge,
 *           the signature made with the token key, the certificate)
 *   server: gxca_login_verify()     -> who logged in
 *
 * The server checks its own HMAC (a challenge it did not issue is refused
 * without any state), the platform id, the expiry, the signature, the
 * certificate chain and validity, revocation (a CRL and/or a callback) and
 * replay (a nonce store: each challenge logs in once). The identity gives
 * the holder's name, USCC (organisation) or ID number (person) from the
 * GM/T 0015 extension or the subject, the certificate serial and the
 * master / secondary role (from a caller lookup: the CA registry knows it).
 *
 * Threads: a server, a store and an identity belong to the thread of their
 * context; share one store between threads only under the caller's lock.
 * @since 1.0
 */
#ifndef GXCA_LOGIN_H
#define GXCA_LOGIN_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/key.h>

GXCA_BEGIN_DECLS

typedef struct gxca_login_server gxca_login_server;
typedef struct gxca_login_nonce_store gxca_login_nonce_store;
typedef struct gxca_login_identity gxca_login_identity;

/**
 * Role lookup: set *role (gxca_token_role) for the certificate serial (upper-
 * case hex). Return GXCA_OK, or a negative code to refuse the login
 * (reported as GXCA_EUSER).
 */
typedef int (*gxca_login_role_fn)(const char *serial, int *role, void *payload);
/**
 * Revocation lookup (e.g. the CA registry): set *revoked to 1 when serial,
 * issued by issuer (RFC 2253 text), is revoked. Return GXCA_OK, or a negative
 * code when the answer is unknown (the login is refused: GXCA_EUSER).
 */
typedef int (*gxca_login_revoked_fn)(const char *issuer, const char *serial, int *revoked, void *payload);

/* ---- the seen-nonce store ---- */

/** An in-memory store of used challenges (kept until they expire). Free with gxca_login_nonce_store_free(). */
GXCA_API int gxca_login_nonce_store_new(gxca_login_nonce_store **out, gxca_ctx *ctx) GXCA_WARN_UNUSED;
GXCA_API void gxca_login_nonce_store_free(gxca_login_nonce_store *store);
/** Number of remembered nonces (expired ones are dropped on the next login). */
GXCA_API size_t gxca_login_nonce_store_count(const gxca_login_nonce_store *store);

/* ---- server ---- */

/**
 * A login server for platform_id (e.g. the policy's platform code "056").
 * secret keys the HMAC of the challenges (>= 16 bytes; NULL: 32 random
 * bytes, so challenges only verify on this server object). store is
 * borrowed and must outlive the server. Free with gxca_login_server_free().
 */
GXCA_API int gxca_login_server_new(gxca_login_server **out, gxca_ctx *ctx, const char *platform_id,
				   const uint8_t *secret, size_t secret_len,
				   gxca_login_nonce_store *store) GXCA_WARN_UNUSED;
GXCA_API void gxca_login_server_free(gxca_login_server *srv);
/** Challenge lifetime in seconds (10 .. 3600; default 120). */
GXCA_API int gxca_login_server_set_lifetime(gxca_login_server *srv, int seconds) GXCA_WARN_UNUSED;
/** Add a trusted CA certificate (DER or PEM): root or issuing CA. */
GXCA_API int gxca_login_server_add_trust(gxca_login_server *srv, const uint8_t *cert,
					 size_t len) GXCA_WARN_UNUSED;
/** Use this CRL (DER or PEM) of the issuing CA; replaces an earlier one. */
GXCA_API int gxca_login_server_set_crl(gxca_login_server *srv, const uint8_t *crl, size_t len) GXCA_WARN_UNUSED;
/** Revocation and role callbacks (fn NULL removes). */
GXCA_API int gxca_login_server_set_revocation_cb(gxca_login_server *srv, gxca_login_revoked_fn fn,
						 void *payload) GXCA_WARN_UNUSED;
GXCA_API int gxca_login_server_set_role_cb(gxca_login_server *srv, gxca_login_role_fn fn,
					   void *payload) GXCA_WARN_UNUSED;

/** A new challenge at time now (Unix seconds; 0 = now). Caller frees *out (NUL-terminated) with gxca_free(). */
GXCA_API int gxca_login_challenge(gxca_login_server *srv, int64_t now, char **out,
				  size_t *out_len) GXCA_WARN_UNUSED;

/**
 * Client side: sign the challenge with key (a token key) and attach its
 * certificate (DER or PEM). expected_platform (may be NULL) refuses a
 * challenge of another platform (GXCA_ELOGIN_PLATFORM): a platform must not
 * relay another one's challenge. Caller frees *out with gxca_free().
 */
GXCA_API int gxca_login_respond(const gxca_key *key, const uint8_t *cert, size_t cert_len,
				const char *challenge, size_t challenge_len, const char *expected_platform,
				char **out, size_t *out_len) GXCA_WARN_UNUSED;

/**
 * Server side: check a response at time now (0 = now). On success the
 * challenge is remembered (a second use is GXCA_ELOGIN_REPLAY) and *out
 * tells who logged in (free with gxca_login_identity_free()).
 * Errors: GXCA_ELOGIN_FORMAT, GXCA_ELOGIN_FORGED, GXCA_ELOGIN_PLATFORM,
 * GXCA_ELOGIN_EXPIRED, GXCA_ELOGIN_REPLAY, GXCA_EBADSIG, GXCA_ELOGIN_CERT
 * (untrusted, expired or not yet valid certificate; the detail says which),
 * GXCA_ELOGIN_REVOKED, GXCA_EUSER (a callback failed), GXCA_ENOMEM.
 */
GXCA_API int gxca_login_verify(gxca_login_server *srv, const char *response, size_t len, int64_t now,
			       gxca_login_identity **out) GXCA_WARN_UNUSED;

/* ---- identity (strings borrowed from it) ---- */

GXCA_API void gxca_login_identity_free(gxca_login_identity *id);
/** Holder name (the certificate's CN). "" for NULL. */
GXCA_API const char *gxca_login_identity_name(const gxca_login_identity *id);
/** USCC (ORG) or resident ID number (PERSON); "" when the certificate has neither. */
GXCA_API const char *gxca_login_identity_number(const gxca_login_identity *id);
/** GXCA_APPLICANT_ORG, GXCA_APPLICANT_PERSON, or 0 when unknown. */
GXCA_API int gxca_login_identity_kind(const gxca_login_identity *id);
/** Certificate serial, upper-case hex. */
GXCA_API const char *gxca_login_identity_serial(const gxca_login_identity *id);
/** Subject, RFC 2253 UTF-8. */
GXCA_API const char *gxca_login_identity_subject(const gxca_login_identity *id);
/** gxca_token_role from the role callback (GXCA_TOKEN_ROLE_UNSET without one). */
GXCA_API int gxca_login_identity_role(const gxca_login_identity *id);

GXCA_END_DECLS

#endif /* GXCA_LOGIN_H */
