/*
 * libgxca — CA tokens (CA锁, USB keys) through PKCS#11.
 *
 * A gxca_token_module is one loaded PKCS#11 module (libp11 underneath, plus
 * a thin raw PKCS#11 layer for what libp11 0.4.12 lacks). A gxca_token is one
 * token of that module, opened by serial number or label: login, PIN
 * management, keys generated on the token, certificates, the electronic seal
 * (a data object) and the master / secondary role.
 *
 * Time limit: every call that talks to a token for administration (module
 * load, login, logout, PIN change, unlock, key lookup) runs under a watchdog
 * (gxca_token_module_set_timeout(), default 15 s). A token that does not
 * answer gives GXCA_ETOKEN_TIMEOUT and is then unusable ("wedged"): close it
 * and re-open the module. Before each call the token's presence is checked,
 * so a pulled token gives GXCA_ETOKEN_REMOVED instead of a hang.
 *
 * PINs: read from the caller's buffers, copied only into buffers that are
 * wiped (OPENSSL_cleanse) after use, never logged nor put in messages.
 * libp11 itself keeps a copy of the last login PIN to log in again after
 * fork(); it wipes it when the module is closed. Exception: after a call
 * timed out, the stuck call may still read its memory, so neither the PIN
 * copy of that call nor libp11's is wiped until the call returns (libp11's:
 * never, the module is kept for the rest of the process).
 *
 * Keys: gxca_token_get_key() returns a gxca_key (see key.h) whose private
 * half stays on the token; gxca_key_sign() and every module taking a gxca_key
 * (CA, electronic seal, envelope, login) sign or decrypt on the token.
 * Because libp11 0.4.12 moves or frees its key objects on logout, PIN change,
 * unlock and re-enumeration, those calls fail with GXCA_ETOKEN_BUSY while a
 * gxca_key of the token is alive: free the keys first.
 *
 * Threads: a module and its tokens belong to one thread at a time.
 * @since 1.0
 */
#ifndef GXCA_TOKEN_H
#define GXCA_TOKEN_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/key.h>

GXCA_BEGIN_DECLS

typedef struct gxca_token_module gxca_token_module;
typedef struct gxca_token gxca_token;
typedef struct gxca_token_info gxca_token_info;

/** Token flags (gxca_token_info_flags()), OR-able. */
#define GXCA_TOKEN_INITIALIZED     0x0001u /**< the token has been initialised */
#define GXCA_TOKEN_LOGIN_REQUIRED  0x0002u /**< keys need a login */
#define GXCA_TOKEN_USER_PIN_SET    0x0004u /**< a user PIN exists */
#define GXCA_TOKEN_READ_ONLY       0x0008u /**< write-protected */
#define GXCA_TOKEN_PIN_COUNT_LOW   0x0010u /**< a wrong PIN was entered since the last good login */
#define GXCA_TOKEN_PIN_FINAL_TRY   0x0020u /**< one more wrong PIN locks the token */
#define GXCA_TOKEN_PIN_LOCKED      0x0040u /**< the user PIN is locked (needs UNLOCK) */
#define GXCA_TOKEN_PIN_MUST_CHANGE 0x0080u /**< the token asks for a PIN change, or it is still on the initial PIN */
#define GXCA_TOKEN_SO_PIN_LOCKED   0x0100u /**< the SO (administrator) PIN is locked */
#define GXCA_TOKEN_REMOVABLE       0x0200u /**< the slot is a removable device */
#define GXCA_TOKEN_PROTECTED_PATH  0x0400u /**< PIN entered on a PIN pad */
#define GXCA_TOKEN_LOGGED_IN       0x0800u /**< this library is logged in (gxca_token_get_info() only) */

/** Master / secondary role (domain.md §1), stored on the token. */
typedef enum {
	GXCA_TOKEN_ROLE_UNSET = 0,
	GXCA_TOKEN_ROLE_MASTER = 1,    /**< 主锁: the applicant's first token, holds the seal */
	GXCA_TOKEN_ROLE_SECONDARY = 2  /**< 副锁: no seal unless one was ordered for it */
} gxca_token_role;

/** Flag of gxca_token_store_seal(): the order bought a seal for this (secondary) token. */
#define GXCA_TOKEN_SEAL_ORDERED 0x1u

/* ---- module --------------------------------------------------------------- */

/**
 * Load a PKCS#11 module: path, else the GXCA_PKCS11_MODULE environment
 * variable, else p11-kit's proxy module (every module registered with
 * p11-kit). Lists its tokens (gxca_token_module_count()).
 * Errors: GXCA_EINVAL, GXCA_ETOKEN_MODULE (cannot load or initialise; the
 * detail names the dynamic loader's or the module's reason),
 * GXCA_ETOKEN_TIMEOUT, GXCA_ENOMEM. Caller frees with gxca_token_module_close().
 */
GXCA_API int gxca_token_module_open(gxca_token_module **out, gxca_ctx *ctx,
				    const char *path) GXCA_WARN_UNUSED;
/**
 * Close the module. Tokens still open keep it loaded until they and their
 * keys are freed. A module with a wedged token is never unloaded (its
 * memory is leaked on purpose: unloading could crash the stuck call). NULL is a no-op.
 */
GXCA_API void gxca_token_module_close(gxca_token_module *mod);
/** The module's file path or name. Borrowed; "" for NULL. */
GXCA_API const char *gxca_token_module_path(const gxca_token_module *mod);
/**
 * Time limit of token calls in milliseconds (100 .. 600000; default 15000).
 * After a call timed out, its worker is abandoned inside the module, and
 * the module and libgxca itself stay loaded for it (dlclose unloads neither).
 */
GXCA_API int gxca_token_module_set_timeout(gxca_token_module *mod, int timeout_ms) GXCA_WARN_UNUSED;
/** Read the token list again (tokens inserted or removed, fresh flags). */
GXCA_API int gxca_token_module_refresh(gxca_token_module *mod) GXCA_WARN_UNUSED;
/** Number of tokens present at the last refresh; 0 for NULL. */
GXCA_API size_t gxca_token_module_count(const gxca_token_module *mod);
/** Token i of the list, borrowed until the next refresh or close; NULL when out of range. */
GXCA_API const gxca_token_info *gxca_token_module_info(const gxca_token_module *mod, size_t i);

/* ---- token information (borrowed snapshots) -------------------------------- */

/** Label, serial number, manufacturer, model: UTF-8 without the padding blanks. "" for NULL. */
GXCA_API const char *gxca_token_info_label(const gxca_token_info *info);
GXCA_API const char *gxca_token_info_serial(const gxca_token_info *info);
GXCA_API const char *gxca_token_info_manufacturer(const gxca_token_info *info);
GXCA_API const char *gxca_token_info_model(const gxca_token_info *info);
/** GXCA_TOKEN_* flags; 0 for NULL. */
GXCA_API uint32_t gxca_token_info_flags(const gxca_token_info *info);
/** PKCS#11 slot id. */
GXCA_API uint64_t gxca_token_info_slot_id(const gxca_token_info *info);

/* ---- token ------------------------------------------------------------------ */

/**
 * Open the token whose serial number, else label, is which (NULL: the only
 * token present; GXCA_ETOKEN_NOT_FOUND when there are several). Fails with
 * GXCA_ETOKEN_NOT_FOUND, GXCA_ETOKEN_UNINITIALIZED, GXCA_ETOKEN_REMOVED,
 * GXCA_ETOKEN_SESSION (the token refuses sessions), GXCA_EEXISTS (already
 * open), GXCA_ETOKEN_TIMEOUT. Caller frees with gxca_token_close().
 */
GXCA_API int gxca_token_open(gxca_token **out, gxca_token_module *mod,
			     const char *which) GXCA_WARN_UNUSED;
/** Close (logging out when no key of it is alive). NULL is a no-op. */
GXCA_API void gxca_token_close(gxca_token *tok);
/**
 * Fresh information about the token (read from the token now, not a stale
 * snapshot). *out is borrowed from tok until the next call or close.
 */
GXCA_API int gxca_token_get_info(gxca_token *tok, const gxca_token_info **out) GXCA_WARN_UNUSED;

/**
 * Log in as the user: exactly one attempt per call. When already logged in
 * the token is logged out first so that the PIN is really checked.
 * Errors: GXCA_ETOKEN_PIN_INCORRECT, GXCA_ETOKEN_PIN_COUNT_LOW (wrong, and
 * the next wrong PIN locks), GXCA_ETOKEN_PIN_LOCKED (also returned without an
 * attempt when the token already reports the lock), GXCA_ETOKEN_REMOVED,
 * GXCA_ETOKEN_TIMEOUT, GXCA_ETOKEN_BUSY. Success with the initial PIN of the
 * policy (gxca_policy_initial_pin()) marks the token PIN_MUST_CHANGE: key
 * operations then fail with GXCA_ETOKEN_PIN_MUST_CHANGE until the PIN is changed.
 */
GXCA_API int gxca_token_login(gxca_token *tok, const char *pin) GXCA_WARN_UNUSED;
/** Log out (GXCA_OK when not logged in). */
GXCA_API int gxca_token_logout(gxca_token *tok) GXCA_WARN_UNUSED;
/**
 * Change the user PIN. The new PIN must differ from the initial PIN and be
 * within the policy lengths (GXCA_ETOKEN_PIN_POLICY, checked before the token
 * is touched). A wrong old PIN gives the login codes above. Leaves the token
 * logged in with the new PIN.
 */
GXCA_API int gxca_token_change_pin(gxca_token *tok, const char *old_pin,
				   const char *new_pin) GXCA_WARN_UNUSED;
/**
 * UNLOCK (解锁): log in as the security officer with so_pin and set the user
 * PIN to new_pin (NULL: the policy's initial PIN, which then must be
 * changed), clearing the lock. Ends logged out. A wrong SO PIN gives the
 * login codes above with field "so_pin".
 */
GXCA_API int gxca_token_unlock(gxca_token *tok, const char *so_pin,
			       const char *new_pin) GXCA_WARN_UNUSED;

/**
 * Generate a key pair on the token (gxca_key_alg: GXCA_KEY_EC_P256,
 * GXCA_KEY_RSA2048, GXCA_KEY_RSA3072; GXCA_KEY_SM2 only where the module
 * offers a real SM2 mechanism, else GXCA_EUNSUPPORTED). The private key is
 * sensitive and never extractable. label (UTF-8, <= 64 bytes) and id (1..64
 * bytes) name the pair; an existing key with that id gives GXCA_EEXISTS.
 * Needs a user login whose PIN is not the initial one.
 */
GXCA_API int gxca_token_keygen(gxca_token *tok, int alg, const char *label, const uint8_t *id,
			       size_t id_len) GXCA_WARN_UNUSED;
/**
 * The private key whose id (when id is not NULL) or else label matches, as a
 * gxca_key that signs (and decrypts) on the token. The key keeps the token
 * open until gxca_key_free(). Errors: GXCA_ETOKEN_NO_KEY,
 * GXCA_ETOKEN_NOT_LOGGED_IN, GXCA_ETOKEN_PIN_MUST_CHANGE, GXCA_ETOKEN_BUSY.
 */
GXCA_API int gxca_token_get_key(gxca_key **out, gxca_token *tok, const char *label,
				const uint8_t *id, size_t id_len) GXCA_WARN_UNUSED;
/**
 * Sign data with a key of this token after checking that the token is still
 * present (GXCA_ETOKEN_REMOVED) — gxca_key_sign() with that check. The
 * signature is DER as in key.h. Caller frees *sig with gxca_free().
 */
GXCA_API int gxca_token_sign(gxca_token *tok, const gxca_key *key, const uint8_t *data, size_t len,
			     uint8_t **sig, size_t *sig_len) GXCA_WARN_UNUSED;
/**
 * A PKCS#10 request (DER) for key, signed by key (on the token for a token
 * key; any gxca_key works). subject is "/C=CN/O=…/CN=…" (UTF-8 values; a "/"
 * inside a value is written "\/"). Caller frees *out with gxca_free().
 */
GXCA_API int gxca_token_csr(const gxca_key *key, const char *subject, uint8_t **out,
			    size_t *out_len) GXCA_WARN_UNUSED;
/**
 * Store a DER certificate on the token under the id of the private key whose
 * public key it certifies (GXCA_ETOKEN_NO_KEY when none does) and the given
 * label (NULL: the key's label). Needs a user login.
 */
GXCA_API int gxca_token_store_cert(gxca_token *tok, const uint8_t *der, size_t len,
				   const char *label) GXCA_WARN_UNUSED;
/**
 * Read a certificate by id (when not NULL) or label (NULL and NULL: the
 * first certificate). Caller frees *out with gxca_free(). GXCA_ENOTFOUND when absent.
 */
GXCA_API int gxca_token_find_cert(gxca_token *tok, const char *label, const uint8_t *id,
				  size_t id_len, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

/**
 * Record the token's role (a private data object on the token; needs a user
 * login). The role can be changed from SECONDARY to MASTER (the master was
 * lost) but a token holding a seal cannot become SECONDARY.
 */
GXCA_API int gxca_token_set_role(gxca_token *tok, int role) GXCA_WARN_UNUSED;
/** The recorded role (GXCA_TOKEN_ROLE_UNSET when none). Needs a user login. */
GXCA_API int gxca_token_get_role(gxca_token *tok, int *role) GXCA_WARN_UNUSED;
/**
 * Store the electronic seal (its DER bytes, e.g. from the eseal module) as a
 * private data object, replacing an older one. Allowed on the master token;
 * on a secondary token only with GXCA_TOKEN_SEAL_ORDERED in flags, else
 * GXCA_ETOKEN_SEAL_SECONDARY; GXCA_ETOKEN_ROLE when the role is unset.
 */
GXCA_API int gxca_token_store_seal(gxca_token *tok, const uint8_t *seal, size_t len,
				   uint32_t flags) GXCA_WARN_UNUSED;
/** Read the seal back. Caller frees *out with gxca_free(); GXCA_ENOTFOUND when none. */
GXCA_API int gxca_token_read_seal(gxca_token *tok, uint8_t **out, size_t *out_len) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_TOKEN_H */
