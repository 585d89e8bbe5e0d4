/*
 * libgxca — key pairs (software keys, and token keys made by gxca_token_*).
 *
 * A gxca_key signs with the algorithm of its type: SM2 keys sign SM2 with SM3
 * and the distinguishing ID of the policy (GM/T 0009: "1234567812345678"),
 * EC P-256 keys ECDSA with SHA-256, RSA keys PKCS#1 v1.5 with SHA-256.
 * Signatures are DER (SM2/ECDSA: SEQUENCE { r, s }).
 *
 * Threads: a key belongs to the thread of its context.
 */
#ifndef GXCA_KEY_H
#define GXCA_KEY_H

#include <gxca/common.h>
#include <gxca/ctx.h>

GXCA_BEGIN_DECLS

typedef struct gxca_key gxca_key;

/** Generate a software key pair (gxca_key_alg). Caller frees with gxca_key_free(). */
GXCA_API int gxca_key_generate(gxca_key **out, gxca_ctx *ctx, int alg) GXCA_WARN_UNUSED;

/**
 * Load a private key from bytes: PEM (PKCS#8, encrypted PKCS#8, traditional),
 * DER PKCS#8, or PKCS#12 (the key of the bag). password may be NULL.
 * Errors: GXCA_EINVAL, GXCA_ECRYPTO (not a key, wrong password: the detail
 * holds OpenSSL's reason), GXCA_EUNSUPPORTED (an algorithm other than SM2,
 * P-256, RSA 2048/3072).
 */
GXCA_API int gxca_key_load(gxca_key **out, gxca_ctx *ctx, const uint8_t *data, size_t len,
			   const char *password) GXCA_WARN_UNUSED;
/** The same from a file. */
GXCA_API int gxca_key_load_file(gxca_key **out, gxca_ctx *ctx, const char *path,
				const char *password) GXCA_WARN_UNUSED;

/** Free a key (NULL is a no-op). Key material is cleansed by OpenSSL. */
GXCA_API void gxca_key_free(gxca_key *key);

/** The key's algorithm (gxca_key_alg), 0 for NULL. */
GXCA_API int gxca_key_algorithm(const gxca_key *key);

/**
 * Write the private key as PKCS#8 PEM to path, created with mode 0600
 * (refusing to follow a symlink or overwrite an existing file). With a
 * password the key is encrypted (AES-256-CBC, PBKDF2). Software keys only:
 * a token key cannot leave its token (GXCA_EPERM).
 */
GXCA_API int gxca_key_save_pem(const gxca_key *key, const char *path,
			       const char *password) GXCA_WARN_UNUSED;

/** The public key as DER SubjectPublicKeyInfo. Caller frees *out with gxca_free(). */
GXCA_API int gxca_key_public_der(const gxca_key *key, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

/** Sign data (hashing it). Caller frees *sig with gxca_free(). */
GXCA_API int gxca_key_sign(const gxca_key *key, const uint8_t *data, size_t len, uint8_t **sig,
			   size_t *sig_len) GXCA_WARN_UNUSED;

/**
 * Verify a signature made by gxca_key_sign() (or a compatible signer) with the
 * public half of key. Returns GXCA_OK or GXCA_EBADSIG.
 */
GXCA_API int gxca_key_verify(const gxca_key *key, const uint8_t *data, size_t len,
			     const uint8_t *sig, size_t sig_len) GXCA_WARN_UNUSED;

/** Name of a key algorithm ("SM2", "EC_P256", "RSA2048", "RSA3072"); NULL if unknown. */
GXCA_API const char *gxca_key_alg_name(int alg);
/** Parse such a name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_key_alg_from_name(const char *name);

GXCA_END_DECLS

#endif /* GXCA_KEY_H */
