/*
 * lib/p11-raw-private.h — a thin raw PKCS#11 layer on the module libp11
 * loaded, for what libp11 0.4.12 lacks (research/token-ca.md §1): fresh
 * token flags and presence, EC key generation, data objects, certificate
 * objects. It dlopen()s the same module (same function table, already
 * initialised by libp11) and NEVER calls C_Initialize or C_Finalize.
 *
 * Also the watchdog that runs a token call in a worker thread with a time
 * limit (libp11 0.4.12 can wait forever when a token refuses a session).
 */
#ifndef GXCA_P11_RAW_PRIVATE_H
#define GXCA_P11_RAW_PRIVATE_H

#include "gxca-private.h"

#include <p11-kit/pkcs11.h>

typedef struct {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
} gxca__p11;

/* dlopen path and fetch its function list; on failure err gets the reason. */
int gxca__p11_load(gxca__p11 *p, const char *path, char *err, size_t cap);
void gxca__p11_unload(gxca__p11 *p);

/* Slots with a token present (caller frees *ids with gxca__free). */
CK_RV gxca__p11_slots(gxca__p11 *p, CK_SLOT_ID **ids, CK_ULONG *n);
/* CKR_OK and *present. */
CK_RV gxca__p11_present(gxca__p11 *p, CK_SLOT_ID slot, bool *present, bool *removable);
CK_RV gxca__p11_token_info(gxca__p11 *p, CK_SLOT_ID slot, CK_TOKEN_INFO *info);

/* Find up to max objects matching tmpl. */
CK_RV gxca__p11_find(gxca__p11 *p, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG n,
		     CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *found);
/* One attribute's value into gxca__malloc memory (caller frees). */
CK_RV gxca__p11_attr(gxca__p11 *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		     uint8_t **val, size_t *len);

/* Key pair on the token: alg is a gxca_key_alg (EC P-256, RSA 2048/3072). */
CK_RV gxca__p11_keygen(gxca__p11 *p, CK_SESSION_HANDLE s, int alg, const char *label,
		       const uint8_t *id, size_t id_len);

/* Private data object (application "gxca") named label: replace / read. */
CK_RV gxca__p11_data_put(gxca__p11 *p, CK_SESSION_HANDLE s, const char *label,
			 const uint8_t *val, size_t len);
CK_RV gxca__p11_data_get(gxca__p11 *p, CK_SESSION_HANDLE s, const char *label, uint8_t **val,
			 size_t *len);

/* Destroy every object matching tmpl. */
CK_RV gxca__p11_destroy_all(gxca__p11 *p, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG n);

/* Name of a CK_RV ("CKR_PIN_INCORRECT"); "CKR_0x..." for others into buf. */
const char *gxca__ckr_name(CK_RV rv, char *buf, size_t cap);

/*
 * Run fn(arg) in a worker thread; wait at most timeout_ms. arg (size bytes)
 * is copied into the job and copied back when fn finished in time; the
 * job's copy is wiped (it may hold a PIN). Returns GXCA_OK when fn ran to
 * the end (its own result is in the copied-back arg; the worker has been
 * joined), GXCA_ETOKEN_TIMEOUT (the worker is abandoned, frees the job if
 * it ever ends, and the library is pinned in memory for it), GXCA_ENOMEM
 * or GXCA_EGENERIC (no thread).
 */
int gxca__watchdog_run(int timeout_ms, void (*fn)(void *arg), void *arg, size_t size);

#endif
