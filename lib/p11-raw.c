/*
 * lib/p11-raw.c — raw PKCS#11 calls beside libp11, and the token watchdog.
 * See p11-raw-private.h for why this exists.
 */
#define _GNU_SOURCE /* dladdr, for pin_library */
#include "p11-raw-private.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#define DATA_APPLICATION "gxca"
#define FIND_CHUNK 64

int gxca__p11_load(gxca__p11 *p, const char *path, char *err, size_t cap)
{
	memset(p, 0, sizeof *p);
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *why = dlerror();
		snprintf(err, cap, "%s", why ? why : "dlopen failed");
		return -1;
	}
	CK_C_GetFunctionList get;
	*(void **)&get = dlsym(p->dl, "C_GetFunctionList");
	if (!get || get(&p->f) != CKR_OK || !p->f) {
		snprintf(err, cap, "%s: no usable C_GetFunctionList", path);
		dlclose(p->dl);
		memset(p, 0, sizeof *p);
		return -1;
	}
	return 0;
}

void gxca__p11_unload(gxca__p11 *p)
{
	if (p && p->dl)
		dlclose(p->dl);
	if (p)
		memset(p, 0, sizeof *p);
}

CK_RV gxca__p11_slots(gxca__p11 *p, CK_SLOT_ID **ids, CK_ULONG *n)
{
	*ids = NULL;
	*n = 0;
	CK_ULONG count = 0;
	CK_RV rv = p->f->C_GetSlotList(CK_TRUE, NULL, &count);
	if (rv != CKR_OK || count == 0)
		return rv;
	if (count > 4096)
		return CKR_GENERAL_ERROR;
	CK_SLOT_ID *list = gxca__calloc(count, sizeof *list);
	if (!list)
		return CKR_HOST_MEMORY;
	rv = p->f->C_GetSlotList(CK_TRUE, list, &count);
	if (rv != CKR_OK) {
		gxca__free(list);
		return rv;
	}
	*ids = list;
	*n = count;
	return CKR_OK;
}

CK_RV gxca__p11_present(gxca__p11 *p, CK_SLOT_ID slot, bool *present, bool *removable)
{
	CK_SLOT_INFO si;
	CK_RV rv = p->f->C_GetSlotInfo(slot, &si);
	*present = rv == CKR_OK && (si.flags & CKF_TOKEN_PRESENT);
	if (removable)
		*removable = rv == CKR_OK && (si.flags & CKF_REMOVABLE_DEVICE);
	return rv;
}

CK_RV gxca__p11_token_info(gxca__p11 *p, CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	memset(info, 0, sizeof *info);
	return p->f->C_GetTokenInfo(slot, info);
}

CK_RV gxca__p11_find(gxca__p11 *p, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG n,
		     CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *found)
{
	*found = 0;
	CK_RV rv = p->f->C_FindObjectsInit(s, tmpl, n);
	if (rv != CKR_OK)
		return rv;
	rv = p->f->C_FindObjects(s, out, max, found);
	CK_RV rv2 = p->f->C_FindObjectsFinal(s);
	return rv != CKR_OK ? rv : rv2;
}

CK_RV gxca__p11_attr(gxca__p11 *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		     uint8_t **val, size_t *len)
{
	*val = NULL;
	*len = 0;
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_RV rv = p->f->C_GetAttributeValue(s, o, &a, 1);
	if (rv != CKR_OK)
		return rv;
	if (a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen > (64u << 20))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	/* +1: never a zero-byte allocation, and text values get a NUL. */
	uint8_t *buf = gxca__calloc(1, a.ulValueLen + 1);
	if (!buf)
		return CKR_HOST_MEMORY;
	a.pValue = buf;
	rv = p->f->C_GetAttributeValue(s, o, &a, 1);
	if (rv != CKR_OK) {
		gxca__free(buf);
		return rv;
	}
	*val = buf;
	*len = a.ulValueLen;
	return CKR_OK;
}

CK_RV gxca__p11_destroy_all(gxca__p11 *p, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_OBJECT_HANDLE h[FIND_CHUNK];
	CK_ULONG found = 0;
	CK_RV rv = gxca__p11_find(p, s, tmpl, n, h, FIND_CHUNK, &found);
	for (CK_ULONG i = 0; rv == CKR_OK && i < found; i++)
		rv = p->f->C_DestroyObject(s, h[i]);
	return rv;
}

/* DER of the named-curve OID prime256v1 (1.2.840.10045.3.1.7). */
static const CK_BYTE p256_params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

CK_RV gxca__p11_keygen(gxca__p11 *p, CK_SESSION_HANDLE s, int alg, const char *label,
		       const uint8_t *id, size_t id_len)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG bits = alg == GXCA_KEY_RSA3072 ? 3072 : 2048;
	CK_BYTE e[] = {0x01, 0x00, 0x01};
	bool ec = alg == GXCA_KEY_EC_P256;
	CK_MECHANISM mech = {ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	CK_ULONG llen = (CK_ULONG)strlen(label);
	CK_ATTRIBUTE pub[] = {
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &no, sizeof no},
		{CKA_VERIFY, &yes, sizeof yes},
		{CKA_LABEL, (void *)label, llen},
		{CKA_ID, (void *)id, (CK_ULONG)id_len},
		/* RSA: may encrypt / wrap (bid-file envelopes); EC: parameters. */
		{ec ? CKA_EC_PARAMS : CKA_MODULUS_BITS, ec ? (void *)p256_params : (void *)&bits,
		 ec ? (CK_ULONG)sizeof p256_params : (CK_ULONG)sizeof bits},
		{CKA_PUBLIC_EXPONENT, e, sizeof e},
		{CKA_ENCRYPT, &yes, sizeof yes},
		{CKA_WRAP, &yes, sizeof yes},
	};
	CK_ATTRIBUTE priv[] = {
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes},
		{CKA_SENSITIVE, &yes, sizeof yes},
		{CKA_EXTRACTABLE, &no, sizeof no},
		{CKA_SIGN, &yes, sizeof yes},
		{CKA_LABEL, (void *)label, llen},
		{CKA_ID, (void *)id, (CK_ULONG)id_len},
		/* Decrypting envelopes: RSA unwraps the content key, EC derives it. */
		{ec ? CKA_DERIVE : CKA_DECRYPT, &yes, sizeof yes},
		{CKA_UNWRAP, &yes, sizeof yes},
	};
	CK_OBJECT_HANDLE hpub, hpriv;
	CK_ULONG npub = ec ? 6 : GXCA_ARRAY_LEN(pub), npriv = ec ? 8 : GXCA_ARRAY_LEN(priv);
	return p->f->C_GenerateKeyPair(s, &mech, pub, npub, priv, npriv, &hpub, &hpriv);
}

static void data_template(CK_ATTRIBUTE *t, CK_OBJECT_CLASS *cls, const char *label)
{
	*cls = CKO_DATA;
	t[0] = (CK_ATTRIBUTE){CKA_CLASS, cls, sizeof *cls};
	t[1] = (CK_ATTRIBUTE){CKA_APPLICATION, (void *)DATA_APPLICATION, sizeof DATA_APPLICATION - 1};
	t[2] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
}

CK_RV gxca__p11_data_put(gxca__p11 *p, CK_SESSION_HANDLE s, const char *label,
			 const uint8_t *val, size_t len)
{
	CK_OBJECT_CLASS cls;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[6];
	data_template(t, &cls, label);
	/* Create the new object first: a failure leaves the old one in place. */
	CK_OBJECT_HANDLE old[FIND_CHUNK], obj;
	CK_ULONG n_old = 0;
	CK_RV rv = gxca__p11_find(p, s, t, 3, old, FIND_CHUNK, &n_old);
	if (rv != CKR_OK)
		return rv;
	t[3] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof yes};
	t[4] = (CK_ATTRIBUTE){CKA_PRIVATE, &yes, sizeof yes};
	t[5] = (CK_ATTRIBUTE){CKA_VALUE, (void *)val, (CK_ULONG)len};
	rv = p->f->C_CreateObject(s, t, 6, &obj);
	for (CK_ULONG i = 0; rv == CKR_OK && i < n_old; i++)
		rv = p->f->C_DestroyObject(s, old[i]);
	return rv;
}

CK_RV gxca__p11_data_get(gxca__p11 *p, CK_SESSION_HANDLE s, const char *label, uint8_t **val,
			 size_t *len)
{
	CK_OBJECT_CLASS cls;
	CK_ATTRIBUTE t[3];
	data_template(t, &cls, label);
	CK_OBJECT_HANDLE h;
	CK_ULONG found = 0;
	*val = NULL;
	*len = 0;
	CK_RV rv = gxca__p11_find(p, s, t, 3, &h, 1, &found);
	if (rv != CKR_OK)
		return rv;
	return found ? gxca__p11_attr(p, s, h, CKA_VALUE, val, len) : CKR_OBJECT_HANDLE_INVALID;
}

const char *gxca__ckr_name(CK_RV rv, char *buf, size_t cap)
{
	static const struct {
		CK_RV rv;
		const char *name;
	} names[] = {
#define N(x) {x, #x}
		N(CKR_OK), N(CKR_HOST_MEMORY), N(CKR_SLOT_ID_INVALID), N(CKR_GENERAL_ERROR),
		N(CKR_FUNCTION_FAILED), N(CKR_ARGUMENTS_BAD), N(CKR_ATTRIBUTE_TYPE_INVALID),
		N(CKR_ATTRIBUTE_VALUE_INVALID), N(CKR_DEVICE_ERROR), N(CKR_DEVICE_MEMORY),
		N(CKR_DEVICE_REMOVED), N(CKR_FUNCTION_NOT_SUPPORTED), N(CKR_KEY_HANDLE_INVALID),
		N(CKR_MECHANISM_INVALID), N(CKR_MECHANISM_PARAM_INVALID), N(CKR_OBJECT_HANDLE_INVALID),
		N(CKR_OPERATION_ACTIVE), N(CKR_PIN_INCORRECT), N(CKR_PIN_INVALID), N(CKR_PIN_LEN_RANGE),
		N(CKR_PIN_EXPIRED), N(CKR_PIN_LOCKED), N(CKR_SESSION_CLOSED), N(CKR_SESSION_COUNT),
		N(CKR_SESSION_HANDLE_INVALID), N(CKR_SESSION_READ_ONLY), N(CKR_TEMPLATE_INCOMPLETE),
		N(CKR_TEMPLATE_INCONSISTENT), N(CKR_TOKEN_NOT_PRESENT), N(CKR_TOKEN_NOT_RECOGNIZED),
		N(CKR_TOKEN_WRITE_PROTECTED), N(CKR_USER_ALREADY_LOGGED_IN), N(CKR_USER_NOT_LOGGED_IN),
		N(CKR_USER_PIN_NOT_INITIALIZED), N(CKR_USER_TYPE_INVALID),
		N(CKR_USER_ANOTHER_ALREADY_LOGGED_IN), N(CKR_CRYPTOKI_NOT_INITIALIZED),
		N(CKR_CRYPTOKI_ALREADY_INITIALIZED),
#undef N
	};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(names); i++)
		if (names[i].rv == rv)
			return names[i].name;
	snprintf(buf, cap, "CKR_0x%lX", (unsigned long)rv);
	return buf;
}

/* ---- watchdog -------------------------------------------------------------- */

struct job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	bool done;
	void (*fn)(void *arg);
	size_t size;
	unsigned char arg[];
};

static void job_unref(struct job *j)
{
	pthread_mutex_lock(&j->mu);
	int left = --j->refs;
	pthread_mutex_unlock(&j->mu);
	if (left)
		return;
	OPENSSL_cleanse(j->arg, j->size);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	gxca__free(j);
}

static void *job_main(void *p)
{
	struct job *j = p;
	j->fn(j->arg);
	/* Free this thread's OpenSSL state (error queue) now: the caller may
	 * end the process before the thread's exit handlers run. */
	OPENSSL_thread_stop();
	pthread_mutex_lock(&j->mu);
	j->done = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	job_unref(j);
	return NULL;
}

static struct job *job_new(void (*fn)(void *), const void *arg, size_t size)
{
	struct job *j = gxca__calloc(1, sizeof *j + size);
	if (!j)
		return NULL;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&j->mu, NULL);
	j->refs = 2; /* the caller and the worker */
	j->fn = fn;
	j->size = size;
	memcpy(j->arg, arg, size);
	return j;
}

/* An abandoned worker may come back from the module at any later time and
 * then runs this library's code: from then on the library must never be
 * unloaded (a Lua or Python interpreter dlcloses its modules at exit).
 * RTLD_NOLOAD finds the copy already loaded; RTLD_NODELETE pins it. */
static void pin_library(void)
{
	Dl_info info;
	if (dladdr((void *)(uintptr_t)pin_library, &info) && info.dli_fname)
		(void)dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
}

static struct timespec deadline_after(int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

int gxca__watchdog_run(int timeout_ms, void (*fn)(void *arg), void *arg, size_t size)
{
	struct job *j = job_new(fn, arg, size);
	if (!j)
		return GXCA_ENOMEM;
	pthread_t th;
	if (pthread_create(&th, NULL, job_main, j)) {
		j->refs = 1;
		job_unref(j);
		return GXCA_EGENERIC;
	}
	struct timespec until = deadline_after(timeout_ms);
	pthread_mutex_lock(&j->mu);
	int rc = 0;
	while (!j->done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&j->cv, &j->mu, &until);
	bool done = j->done;
	if (done)
		memcpy(arg, j->arg, size);
	pthread_mutex_unlock(&j->mu);
	if (done) {
		/* The worker still has to leave job_main: no thread may be left
		 * running this library's code once the call has returned. */
		pthread_join(th, NULL);
	} else {
		pin_library();
		pthread_detach(th);
	}
	job_unref(j);
	return done ? GXCA_OK : GXCA_ETOKEN_TIMEOUT;
}
