/*
 * lib/key-private.h — keys inside the library: an EVP_PKEY plus who owns it.
 * Token keys (lib/token.c) wrap the EVP_PKEY libp11 gives and keep their
 * token alive through 'owner' (released by 'release').
 */
#ifndef GXCA_KEY_PRIVATE_H
#define GXCA_KEY_PRIVATE_H

#include "gxca-private.h"

#include <openssl/evp.h>

struct gxca_key {
	gxca_ctx *ctx;
	EVP_PKEY *pkey;  /* owned */
	int alg;         /* gxca_key_alg */
	bool on_token;   /* never exported */
	void *owner;     /* e.g. the token session keeping the key usable */
	void (*release)(void *owner);
};

/* Wrap pkey (taking ownership on success). */
int gxca__key_wrap(gxca_key **out, gxca_ctx *ctx, EVP_PKEY *pkey, bool on_token, void *owner,
		   void (*release)(void *owner));
/* The key type of an EVP_PKEY (0 when unsupported: not SM2, P-256, RSA 2048/3072). */
int gxca__pkey_alg(const EVP_PKEY *pkey);

/*
 * Sign / verify with the right digest for the key and, for SM2, the
 * distinguishing ID (sm2_id; NULL = the policy's, GM/T 0009 "1234567812345678").
 * The signature is DER. Errors recorded on ctx (GXCA_ECRYPTO, GXCA_EBADSIG).
 */
int gxca__pkey_sign(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *data, size_t len,
		    uint8_t **sig, size_t *sig_len);
int gxca__pkey_verify(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *data, size_t len,
		      const uint8_t *sig, size_t sig_len);
/* An EVP_MD_CTX ready to sign (X509_sign_ctx & co) or verify with pkey:
 * SM3 + distinguishing ID for SM2, SHA-256 otherwise. Caller frees. */
EVP_MD_CTX *gxca__pkey_md_ctx(gxca_ctx *ctx, EVP_PKEY *pkey, bool for_sign);
/* The distinguishing ID in force (policy, else "1234567812345678"). */
const char *gxca__sm2_id(const gxca_ctx *ctx);

#endif
