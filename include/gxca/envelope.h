/*
 * libgxca — bid-file envelopes (标书加密): CMS EnvelopedData (RFC 5652) or
 * AuthEnvelopedData (RFC 5083, AES-GCM) to one or more recipient
 * certificates, streamed in constant memory both ways.
 *
 * Encryption writes BER with indefinite lengths (what `openssl cms -encrypt
 * -stream -outform DER` writes). RSA recipients get the content key by
 * key transport (PKCS#1 v1.5), EC recipients by ECDH key agreement (the
 * OpenSSL defaults, which `openssl cms -decrypt` reads). SM2 recipients are
 * not supported (OpenSSL 3.0 has no GM/T 0010 envelope): GXCA_EENVELOPE_RECIPIENT.
 *
 * Decryption reads the file once, from the front, and never holds the
 * content: OpenSSL 3.0's own CMS reader (d2i_CMS_bio) loads everything in
 * memory, so the library reads the header itself, hands OpenSSL the
 * recipient information to recover the content key (with the token key when
 * the key is a token key) and streams the encrypted content through the
 * cipher. Both DER (definite lengths) and BER streaming files are read.
 *
 * Integrity: AES-GCM's tag and CBC's padding are checked at the END of the
 * file. The _file calls write to a temporary file and rename it only on
 * success; the _fd calls cannot take back what they wrote: on failure the
 * caller must discard the output.
 *
 * Threads: an envelope belongs to the thread of its context. When the input
 * is a regular file of 1 MB or more, encryption and decryption read it
 * ahead in a second thread of their own (joined before they return), so
 * that copying the file out of the page cache overlaps the cipher; the
 * input descriptor's offset then ends past what was used. Pipes and other
 * descriptors are read by the calling thread only.
 * @since 1.0
 */
#ifndef GXCA_ENVELOPE_H
#define GXCA_ENVELOPE_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/key.h>

GXCA_BEGIN_DECLS

/** Content ciphers. */
typedef enum {
	GXCA_ENVELOPE_AES256_GCM = 1, /**< AuthEnvelopedData, the default */
	GXCA_ENVELOPE_AES256_CBC = 2, /**< EnvelopedData */
	GXCA_ENVELOPE_SM4_CBC = 3     /**< EnvelopedData, SM4 content (国密) */
} gxca_envelope_cipher;

/** Encryption settings: recipients and cipher. */
typedef struct gxca_envelope gxca_envelope;

/** New settings (AES-256-GCM, no recipient). Caller frees with gxca_envelope_free(). */
GXCA_API int gxca_envelope_new(gxca_envelope **out, gxca_ctx *ctx) GXCA_WARN_UNUSED;
/** Free; NULL is a no-op. */
GXCA_API void gxca_envelope_free(gxca_envelope *env);
/** Choose the content cipher (gxca_envelope_cipher). */
GXCA_API int gxca_envelope_set_cipher(gxca_envelope *env, int cipher) GXCA_WARN_UNUSED;
/**
 * Add a recipient certificate (DER or PEM; RSA 2048/3072 or EC P-256 key).
 * The bytes are copied. Errors: GXCA_EINVAL, GXCA_ECERT_PARSE,
 * GXCA_EENVELOPE_RECIPIENT (another key type), GXCA_EEXISTS (added twice).
 */
GXCA_API int gxca_envelope_add_recipient(gxca_envelope *env, const uint8_t *cert,
					 size_t len) GXCA_WARN_UNUSED;
/** Number of recipients added. */
GXCA_API size_t gxca_envelope_recipient_count(const gxca_envelope *env);

/**
 * Encrypt everything read from in_fd (to its end) into out_fd. The
 * descriptors stay open. Errors: GXCA_ESTATE (no recipient), GXCA_EIO,
 * GXCA_ECRYPTO, GXCA_ENOMEM.
 */
GXCA_API int gxca_envelope_encrypt_fd(gxca_envelope *env, int in_fd, int out_fd) GXCA_WARN_UNUSED;
/** Encrypt a file; out_path is created (mode 0600), or replaced, only on success. */
GXCA_API int gxca_envelope_encrypt_file(gxca_envelope *env, const char *in_path,
					const char *out_path) GXCA_WARN_UNUSED;

/**
 * Decrypt with key (a software key or a token key, gxca_token_get_key())
 * and its certificate cert (DER or PEM), which picks the recipient entry.
 * Errors: GXCA_EENVELOPE_NOT_RECIPIENT (the file was not encrypted to this
 * certificate, e.g. a bid file of the master token given to a secondary
 * token), GXCA_EENVELOPE_FORMAT (not an envelope, or damaged structure),
 * GXCA_EENVELOPE_INTEGRITY (wrong key for the certificate, altered or
 * truncated content), GXCA_ECERT_PARSE, GXCA_EIO, GXCA_ENOMEM. The key's
 * context receives the detail.
 */
GXCA_API int gxca_envelope_decrypt_fd(const gxca_key *key, const uint8_t *cert, size_t cert_len,
				      int in_fd, int out_fd) GXCA_WARN_UNUSED;
/** Decrypt a file; out_path is created (mode 0600), or replaced, only on success. */
GXCA_API int gxca_envelope_decrypt_file(const gxca_key *key, const uint8_t *cert, size_t cert_len,
					const char *in_path, const char *out_path) GXCA_WARN_UNUSED;

/** Name of a cipher ("AES-256-GCM", "AES-256-CBC", "SM4-CBC"); NULL if unknown. */
GXCA_API const char *gxca_envelope_cipher_name(int cipher);
/** Parse such a name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_envelope_cipher_from_name(const char *name);

GXCA_END_DECLS

#endif /* GXCA_ENVELOPE_H */
