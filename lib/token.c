/*
 * lib/token.c — CA tokens through libp11 0.4.12 plus the raw layer
 * (p11-raw.c). The traps of libp11 0.4.12 (research/token-ca.md §1) and how
 * this file avoids them:
 *  - PKCS11_update_slots crashes: never called; slots are enumerated once
 *    per module (again only when no token is open), token lists and flags
 *    come from raw C_GetSlotList / C_GetTokenInfo (never stale).
 *  - R/O session fixed by the first session: PKCS11_open_session(slot, 1)
 *    right after opening, before any login (later it would log out).
 *  - PKCS11_login is a no-op when logged in: we log out first, so a PIN is
 *    always checked, and before switching user <-> SO.
 *  - C_OpenSession errors make libp11 wait forever: a raw C_OpenSession
 *    probe at open, a presence check before every call, and every libp11
 *    call in a worker thread with a time limit (gxca__watchdog_run).
 *  - Logout, PIN change and C_InitPIN invalidate libp11's key objects: they
 *    are refused while a gxca_key of the token is alive (GXCA_ETOKEN_BUSY).
 */
#include "key-private.h"
#include "p11-raw-private.h"
#include "policy-private.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libp11.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#define DEFAULT_MODULE "p11-kit-proxy.so"
#define DEFAULT_TIMEOUT_MS 15000
#define PIN_MAX 255
#define LABEL_MAX 64
#define ID_MAX 64
#define SEAL_MAX (4u << 20)
#define CERT_MAX (1u << 20)
#define DATA_SEAL "gxca.seal"
#define DATA_ROLE "gxca.role"

struct gxca_token_info {
	char label[33 * 3], serial[17], manufacturer[33 * 3], model[17 * 3];
	uint32_t flags;
	uint64_t slot_id;
};

struct gxca_token_module {
	gxca_ctx *ctx;
	int refs;       /* the caller + open tokens */
	bool wedged;    /* a call never came back: never unload */
	bool loaded;    /* libp11 loaded (and initialised) the module */
	int timeout_ms;
	char *path;
	PKCS11_CTX *p11;
	PKCS11_SLOT *slots;
	unsigned int n_slots;
	gxca__p11 raw;
	gxca_token_info *info;
	size_t n_info;
	struct gxca_token *open; /* list of open tokens */
	struct gxca_token_module *next_wedged;
};

/* Wedged modules are kept for the life of the process: a stuck worker may
 * still use their libp11 objects (and leak checkers see them reachable). */
static pthread_mutex_t wedged_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gxca_token_module *wedged_modules;

struct gxca_token {
	gxca_token_module *mod;
	gxca_ctx *ctx;
	struct gxca_token *next;
	int refs;        /* the caller + live keys */
	size_t live_keys;
	PKCS11_SLOT *slot;
	CK_SLOT_ID slot_id;
	CK_SESSION_HANDLE sess; /* our raw R/W session */
	bool logged_in, pin_initial;
	gxca_token_info info;
};

/* ---- libp11 calls in the watchdog ------------------------------------------- */

struct p11_err {
	int rc;              /* libp11's result (0 = OK) */
	unsigned long ckr;   /* the CK_RV libp11 reported, 0 when none */
	char detail[200];
};

/* In the worker: move the thread's OpenSSL error queue into e. */
static void err_collect(struct p11_err *e)
{
	unsigned long code;
	while ((code = ERR_get_error()) != 0) {
		if (ERR_GET_LIB(code) == ERR_get_CKR_code())
			e->ckr = ERR_GET_REASON(code);
		else if (!e->detail[0])
			ERR_error_string_n(code, e->detail, sizeof e->detail);
	}
}

enum slot_op { OP_LOGIN, OP_LOGOUT, OP_CHANGE_PIN, OP_INIT_PIN, OP_OPEN_RW };

struct slot_job {
	struct p11_err e;
	PKCS11_SLOT *slot;
	enum slot_op op;
	int so;
	char pin[PIN_MAX + 1], pin2[PIN_MAX + 1];
};

static void job_slot(void *arg)
{
	struct slot_job *j = arg;
	switch (j->op) {
	case OP_LOGIN: j->e.rc = PKCS11_login(j->slot, j->so, j->pin); break;
	case OP_LOGOUT: j->e.rc = PKCS11_logout(j->slot); break;
	case OP_CHANGE_PIN: j->e.rc = PKCS11_change_pin(j->slot, j->pin, j->pin2); break;
	case OP_INIT_PIN: j->e.rc = PKCS11_init_pin(j->slot->token, j->pin); break;
	case OP_OPEN_RW: j->e.rc = PKCS11_open_session(j->slot, 1); break;
	}
	err_collect(&j->e);
}

static int ckr_code(CK_RV rv)
{
	switch (rv) {
	case CKR_HOST_MEMORY: return GXCA_ENOMEM;
	case CKR_PIN_INCORRECT: return GXCA_ETOKEN_PIN_INCORRECT;
	case CKR_PIN_LOCKED: return GXCA_ETOKEN_PIN_LOCKED;
	case CKR_PIN_LEN_RANGE:
	case CKR_PIN_INVALID: return GXCA_ETOKEN_PIN_POLICY;
	case CKR_PIN_EXPIRED: return GXCA_ETOKEN_PIN_MUST_CHANGE;
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_CLOSED:
	case CKR_SESSION_HANDLE_INVALID: return GXCA_ETOKEN_REMOVED;
	case CKR_TOKEN_NOT_RECOGNIZED: return GXCA_ETOKEN_UNINITIALIZED;
	case CKR_USER_NOT_LOGGED_IN: return GXCA_ETOKEN_NOT_LOGGED_IN;
	case CKR_MECHANISM_INVALID:
	case CKR_FUNCTION_NOT_SUPPORTED: return GXCA_EUNSUPPORTED;
	default: return GXCA_ETOKEN_DEVICE;
	}
}

/* Record a PKCS#11 failure: code from rv unless given, CK_RV name in the detail. */
static int fail_ckr(gxca_ctx *ctx, int code, CK_RV rv, const char *field, const char *zh,
		    const char *en)
{
	char buf[32];
	gxca__fail(ctx, code ? code : ckr_code(rv), field, zh, en);
	gxca__set_ck_rv(ctx, rv);
	gxca__set_detail(ctx, gxca__ckr_name(rv, buf, sizeof buf));
	return ctx ? ctx->err.code : code;
}

static int fail_p11(gxca_ctx *ctx, const struct p11_err *e, const char *field, const char *zh,
		    const char *en)
{
	fail_ckr(ctx, e->ckr ? 0 : GXCA_ETOKEN_DEVICE, e->ckr, field, zh, en);
	if (!e->ckr)
		gxca__set_ck_rv(ctx, 0);
	gxca__set_detail(ctx, e->detail[0] ? e->detail : NULL);
	return ctx->err.code;
}

/* Run a job under the watchdog; on timeout the module is wedged for good. */
static int run_job(gxca_token *t, void (*fn)(void *), void *arg, size_t size)
{
	int rc = gxca__watchdog_run(t->mod->timeout_ms, fn, arg, size);
	if (rc == GXCA_ETOKEN_TIMEOUT) {
		t->mod->wedged = true;
		gxca__failf(t->ctx, rc, "token", "CA 锁在 %d 毫秒内没有响应", "the token did not answer within %d ms",
			    t->mod->timeout_ms, t->mod->timeout_ms);
	} else if (rc) {
		gxca__fail(t->ctx, rc, "token", "无法启动 CA 锁调用线程", "cannot start the token worker thread");
	}
	return rc;
}

static int run_slot(gxca_token *t, struct slot_job *j)
{
	j->slot = t->slot;
	return run_job(t, job_slot, j, sizeof *j);
}

/* ---- token information --------------------------------------------------------- */

/* Copy a blank-padded PKCS#11 text field, trimmed, never invalid UTF-8. */
static void copy_field(char *dst, size_t cap, const CK_UTF8CHAR *src, size_t n)
{
	while (n && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	if (!gxca__utf8_valid(dst, n))
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)dst[i] >= 0x80 || dst[i] == '\0')
				dst[i] = '?';
}

static uint32_t map_flags(CK_FLAGS f)
{
	static const struct {
		CK_FLAGS ck;
		uint32_t gx;
	} m[] = {
		{CKF_TOKEN_INITIALIZED, GXCA_TOKEN_INITIALIZED},
		{CKF_LOGIN_REQUIRED, GXCA_TOKEN_LOGIN_REQUIRED},
		{CKF_USER_PIN_INITIALIZED, GXCA_TOKEN_USER_PIN_SET},
		{CKF_WRITE_PROTECTED, GXCA_TOKEN_READ_ONLY},
		{CKF_USER_PIN_COUNT_LOW, GXCA_TOKEN_PIN_COUNT_LOW},
		{CKF_USER_PIN_FINAL_TRY, GXCA_TOKEN_PIN_FINAL_TRY},
		{CKF_USER_PIN_LOCKED, GXCA_TOKEN_PIN_LOCKED},
		{CKF_USER_PIN_TO_BE_CHANGED, GXCA_TOKEN_PIN_MUST_CHANGE},
		{CKF_SO_PIN_LOCKED, GXCA_TOKEN_SO_PIN_LOCKED},
		{CKF_PROTECTED_AUTHENTICATION_PATH, GXCA_TOKEN_PROTECTED_PATH},
	};
	uint32_t out = 0;
	for (size_t i = 0; i < GXCA_ARRAY_LEN(m); i++)
		if (f & m[i].ck)
			out |= m[i].gx;
	return out;
}

static CK_RV read_info(gxca__p11 *raw, CK_SLOT_ID slot, gxca_token_info *i)
{
	CK_TOKEN_INFO ti;
	bool present, removable;
	CK_RV rv = gxca__p11_present(raw, slot, &present, &removable);
	if (rv == CKR_OK && !present)
		rv = CKR_TOKEN_NOT_PRESENT;
	if (rv == CKR_OK)
		rv = gxca__p11_token_info(raw, slot, &ti);
	if (rv != CKR_OK)
		return rv;
	memset(i, 0, sizeof *i);
	copy_field(i->label, sizeof i->label, ti.label, sizeof ti.label);
	copy_field(i->serial, sizeof i->serial, ti.serialNumber, sizeof ti.serialNumber);
	copy_field(i->manufacturer, sizeof i->manufacturer, ti.manufacturerID, sizeof ti.manufacturerID);
	copy_field(i->model, sizeof i->model, ti.model, sizeof ti.model);
	i->flags = map_flags(ti.flags) | (removable ? GXCA_TOKEN_REMOVABLE : 0);
	i->slot_id = slot;
	return CKR_OK;
}

const char *gxca_token_info_label(const gxca_token_info *i) { return i ? i->label : ""; }
const char *gxca_token_info_serial(const gxca_token_info *i) { return i ? i->serial : ""; }
const char *gxca_token_info_manufacturer(const gxca_token_info *i) { return i ? i->manufacturer : ""; }
const char *gxca_token_info_model(const gxca_token_info *i) { return i ? i->model : ""; }
uint32_t gxca_token_info_flags(const gxca_token_info *i) { return i ? i->flags : 0; }
uint64_t gxca_token_info_slot_id(const gxca_token_info *i) { return i ? i->slot_id : 0; }

/* ---- module ---------------------------------------------------------------------- */

struct load_job {
	struct p11_err e;
	PKCS11_CTX *p11;
	const char *path;   /* owned by the module, which is leaked on timeout */
	bool release_first; /* re-enumeration */
	bool loaded;        /* PKCS11_CTX_load succeeded */
	PKCS11_SLOT *slots;
	unsigned int n_slots;
};

static void job_load(void *arg)
{
	struct load_job *j = arg;
	if (j->path) {
		j->e.rc = PKCS11_CTX_load(j->p11, j->path);
		if (j->e.rc) {
			err_collect(&j->e);
			return;
		}
		j->loaded = true;
	}
	if (j->release_first && j->slots)
		PKCS11_release_all_slots(j->p11, j->slots, j->n_slots);
	j->slots = NULL;
	j->n_slots = 0;
	j->e.rc = PKCS11_enumerate_slots(j->p11, &j->slots, &j->n_slots);
	err_collect(&j->e);
}

/* Load or re-enumerate through libp11 under the watchdog. */
static int module_slots(gxca_token_module *m, bool load)
{
	struct load_job j = {.p11 = m->p11, .path = load ? m->path : NULL, .release_first = !load,
			     .slots = m->slots, .n_slots = m->n_slots};
	int rc = gxca__watchdog_run(m->timeout_ms, job_load, &j, sizeof j);
	if (rc == GXCA_ETOKEN_TIMEOUT) {
		m->wedged = true;
		return gxca__fail(m->ctx, rc, "module", "PKCS#11 模块没有响应", "the PKCS#11 module did not answer");
	}
	if (rc)
		return gxca__fail(m->ctx, rc, "module", "无法启动 CA 锁调用线程", "cannot start the token worker thread");
	m->loaded = m->loaded || j.loaded;
	m->slots = j.e.rc ? NULL : j.slots;
	m->n_slots = j.e.rc ? 0 : j.n_slots;
	if (j.e.rc && load) {
		gxca__failf(m->ctx, GXCA_ETOKEN_MODULE, "path", "无法加载 PKCS#11 模块 %s", "cannot load the PKCS#11 module %s",
			    m->path, m->path);
		gxca__set_detail(m->ctx, j.e.detail[0] ? j.e.detail : NULL);
		return GXCA_ETOKEN_MODULE;
	}
	if (j.e.rc)
		return fail_p11(m->ctx, &j.e, "module", "无法列出 CA 锁插槽", "cannot list the token slots");
	return GXCA_OK;
}

static void module_unref(gxca_token_module *m)
{
	if (--m->refs > 0)
		return;
	if (!m->wedged) {
		if (m->slots)
			PKCS11_release_all_slots(m->p11, m->slots, m->n_slots);
		if (m->p11 && m->loaded)
			PKCS11_CTX_unload(m->p11);
		if (m->p11)
			PKCS11_CTX_free(m->p11);
		gxca__p11_unload(&m->raw);
		gxca__free(m->path);
	}
	gxca__free(m->info);
	m->info = NULL;
	m->n_info = 0;
	if (!m->wedged) {
		gxca__free(m);
		return;
	}
	pthread_mutex_lock(&wedged_lock);
	m->next_wedged = wedged_modules;
	wedged_modules = m;
	pthread_mutex_unlock(&wedged_lock);
}

void gxca_token_module_close(gxca_token_module *m)
{
	if (m)
		module_unref(m);
}

const char *gxca_token_module_path(const gxca_token_module *m) { return m && m->path ? m->path : ""; }

int gxca_token_module_set_timeout(gxca_token_module *m, int timeout_ms)
{
	if (!m)
		return GXCA_EINVAL;
	gxca__clear(m->ctx);
	if (timeout_ms < 100 || timeout_ms > 600000)
		return gxca__fail(m->ctx, GXCA_ERANGE, "timeout_ms", "时限应在 100 至 600000 毫秒之间",
				  "the time limit must be 100 .. 600000 ms");
	m->timeout_ms = timeout_ms;
	return GXCA_OK;
}

static int module_usable(gxca_token_module *m)
{
	if (m->wedged)
		return gxca__fail(m->ctx, GXCA_ETOKEN_TIMEOUT, "module", "模块曾无响应，请重新加载",
				  "the module stopped answering earlier; load it again");
	return GXCA_OK;
}

/* The tokens present now (fresh flags, raw calls). Caller frees *out. */
static int list_tokens(gxca_token_module *m, gxca_token_info **out, size_t *count)
{
	CK_SLOT_ID *ids = NULL;
	CK_ULONG n = 0;
	CK_RV rv = gxca__p11_slots(&m->raw, &ids, &n);
	if (rv != CKR_OK)
		return fail_ckr(m->ctx, 0, rv, "module", "无法列出 CA 锁", "cannot list the tokens");
	gxca_token_info *info = n ? gxca__calloc(n, sizeof *info) : NULL;
	if (n && !info) {
		gxca__free(ids);
		return gxca__oom(m->ctx);
	}
	size_t k = 0;
	for (CK_ULONG i = 0; i < n; i++)
		if (read_info(&m->raw, ids[i], &info[k]) == CKR_OK)
			k++; /* a token pulled meanwhile is simply not listed */
	gxca__free(ids);
	*out = info;
	*count = k;
	return GXCA_OK;
}

int gxca_token_module_refresh(gxca_token_module *m)
{
	if (!m)
		return GXCA_EINVAL;
	gxca__clear(m->ctx);
	gxca_token_info *info = NULL;
	size_t n = 0;
	int rc = module_usable(m);
	if (!rc)
		rc = list_tokens(m, &info, &n);
	if (rc)
		return rc;
	gxca__free(m->info);
	m->info = info;
	m->n_info = n;
	return GXCA_OK;
}

size_t gxca_token_module_count(const gxca_token_module *m) { return m ? m->n_info : 0; }

const gxca_token_info *gxca_token_module_info(const gxca_token_module *m, size_t i)
{
	return m && i < m->n_info ? &m->info[i] : NULL;
}

static const char *module_path_of(const char *path)
{
	if (path)
		return path;
	const char *env = getenv("GXCA_PKCS11_MODULE");
	return env && *env ? env : DEFAULT_MODULE;
}

int gxca_token_module_open(gxca_token_module **out, gxca_ctx *ctx, const char *path)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	const char *p = module_path_of(path);
	int rc = gxca__check_str(ctx, "path", p, 4096);
	if (rc)
		return rc;
	gxca_token_module *m = gxca__calloc(1, sizeof *m);
	if (!m || !(m->path = gxca__strdup(p))) {
		gxca__free(m);
		return gxca__oom(ctx);
	}
	m->ctx = ctx;
	m->refs = 1;
	m->timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!(m->p11 = PKCS11_CTX_new())) {
		module_unref(m);
		return gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	}
	if ((rc = module_slots(m, true))) {
		module_unref(m);
		return rc;
	}
	char why[256];
	if (gxca__p11_load(&m->raw, m->path, why, sizeof why)) {
		module_unref(m);
		gxca__fail(ctx, GXCA_ETOKEN_MODULE, "path", "无法加载 PKCS#11 模块", "cannot load the PKCS#11 module");
		gxca__set_detail(ctx, why);
		return GXCA_ETOKEN_MODULE;
	}
	if ((rc = gxca_token_module_refresh(m))) {
		module_unref(m);
		return rc;
	}
	*out = m;
	return GXCA_OK;
}

/* ---- token: open / close / guards --------------------------------------------- */

static void token_unref(gxca_token *t)
{
	if (--t->refs > 0)
		return;
	gxca_token_module *m = t->mod;
	if (!m->wedged) {
		if (t->logged_in) {
			struct slot_job j = {.op = OP_LOGOUT};
			if (run_slot(t, &j) == GXCA_OK)
				t->logged_in = false;
		}
		if (!m->wedged)
			m->raw.f->C_CloseSession(t->sess);
	}
	for (gxca_token **pp = &m->open; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	gxca__free(t);
	module_unref(m);
}

void gxca_token_close(gxca_token *t)
{
	if (t)
		token_unref(t);
}

/* Refuse a wedged module, a token that is gone; optionally require a usable user login. */
static int tok_ready(gxca_token *t, bool need_user)
{
	if (t->mod->wedged)
		return gxca__fail(t->ctx, GXCA_ETOKEN_TIMEOUT, "token", "CA 锁曾无响应，请关闭后重新打开模块",
				  "the token stopped answering earlier; close it and open the module again");
	bool present = false;
	CK_RV rv = gxca__p11_present(&t->mod->raw, t->slot_id, &present, NULL);
	if (rv != CKR_OK || !present)
		return fail_ckr(t->ctx, GXCA_ETOKEN_REMOVED, rv ? rv : CKR_TOKEN_NOT_PRESENT, "token",
				"CA 锁已拔出", "the token was removed");
	if (need_user && !t->logged_in)
		return gxca__fail(t->ctx, GXCA_ETOKEN_NOT_LOGGED_IN, "token", "请先登录 CA 锁",
				  "log in to the token first");
	if (need_user && t->pin_initial)
		return gxca__fail(t->ctx, GXCA_ETOKEN_PIN_MUST_CHANGE, "pin", "CA 锁仍使用初始 PIN 码，请先修改",
				  "the token still has the initial PIN; change it first");
	return GXCA_OK;
}

static int tok_idle(gxca_token *t)
{
	if (t->live_keys)
		return gxca__failf(t->ctx, GXCA_ETOKEN_BUSY, "token", "请先释放此 CA 锁的 %zu 个密钥对象",
				   "free the %zu key object(s) of this token first", t->live_keys, t->live_keys);
	return GXCA_OK;
}

/* Which slot: serial first, then label; NULL = the only token. */
static int find_slot(gxca_token_module *m, const gxca_token_info *info, size_t n, const char *which,
		     CK_SLOT_ID *out)
{
	const gxca_token_info *hit = NULL;
	size_t hits = 0;
	for (int pass = 0; pass < 2 && !hits; pass++)
		for (size_t i = 0; i < n; i++) {
			const char *v = pass ? info[i].label : info[i].serial;
			if (!which || strcmp(v, which) == 0) {
				hit = &info[i];
				hits++;
			}
		}
	if (hits == 1) {
		if (!(hit->flags & GXCA_TOKEN_INITIALIZED))
			return gxca__fail(m->ctx, GXCA_ETOKEN_UNINITIALIZED, "which", "CA 锁未初始化",
					  "the token is not initialised");
		*out = (CK_SLOT_ID)hit->slot_id;
		return GXCA_OK;
	}
	if (hits > 1)
		return gxca__fail(m->ctx, GXCA_ETOKEN_NOT_FOUND, "which", "有多个 CA 锁，请指明序列号",
				  "several tokens match; name one by serial number");
	return gxca__fail(m->ctx, GXCA_ETOKEN_NOT_FOUND, "which", "未找到指定的 CA 锁", "no such token");
}

/* libp11's slot for a slot id; re-enumerates only when no token is open (trap 1). */
static int p11_slot(gxca_token_module *m, CK_SLOT_ID id, PKCS11_SLOT **out)
{
	for (int again = 0; again < 2; again++) {
		for (unsigned int i = 0; i < m->n_slots; i++)
			if (PKCS11_get_slotid_from_slot(&m->slots[i]) == id && m->slots[i].token) {
				*out = &m->slots[i];
				return GXCA_OK;
			}
		if (again || m->open)
			break;
		int rc = module_slots(m, false);
		if (rc)
			return rc;
	}
	return gxca__fail(m->ctx, GXCA_ETOKEN_NOT_FOUND, "which",
			  "该 CA 锁是模块加载后插入的，请关闭其他 CA 锁后重试",
			  "the token appeared after the module was loaded; close the other tokens and retry");
}

/* A raw R/W session: the probe that libp11 0.4.12 lacks (it would hang). */
static int open_raw(gxca_token *t)
{
	CK_RV rv = t->mod->raw.f->C_OpenSession(t->slot_id, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
					       NULL, &t->sess);
	if (rv == CKR_OK)
		return GXCA_OK;
	int code = ckr_code(rv);
	return fail_ckr(t->ctx, code == GXCA_ENOMEM || code == GXCA_ETOKEN_REMOVED ? code : GXCA_ETOKEN_SESSION, rv,
			"token", "CA 锁拒绝建立会话", "the token refused a session");
}

static int token_attach(gxca_token *t)
{
	int rc = open_raw(t);
	if (rc)
		return rc;
	/* R/W mode before any login: libp11 closes every session of the slot
	 * here (our probe too), so the kept raw session is opened after. */
	struct slot_job j = {.op = OP_OPEN_RW};
	if ((rc = run_slot(t, &j)))
		return rc;
	if (j.e.rc)
		return fail_p11(t->ctx, &j.e, "token", "无法打开读写会话", "cannot open a read-write session");
	return open_raw(t);
}

int gxca_token_open(gxca_token **out, gxca_token_module *m, const char *which)
{
	if (!m || !out)
		return m ? gxca__fail(m->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument") : GXCA_EINVAL;
	*out = NULL;
	gxca__clear(m->ctx);
	gxca_token_info *info = NULL; /* a fresh list; the caller's stays valid */
	size_t n = 0;
	CK_SLOT_ID id = 0;
	int rc = module_usable(m);
	if (!rc && which)
		rc = gxca__check_str(m->ctx, "which", which, 64);
	if (!rc)
		rc = list_tokens(m, &info, &n);
	if (!rc)
		rc = find_slot(m, info, n, which, &id);
	gxca__free(info);
	for (gxca_token *o = m->open; !rc && o; o = o->next)
		if (o->slot_id == id)
			rc = gxca__fail(m->ctx, GXCA_EEXISTS, "which", "该 CA 锁已打开", "the token is already open");
	PKCS11_SLOT *slot = NULL;
	if (!rc)
		rc = p11_slot(m, id, &slot);
	gxca_token *t = rc ? NULL : gxca__calloc(1, sizeof *t);
	if (!rc && !t)
		rc = gxca__oom(m->ctx);
	if (rc)
		return rc;
	*t = (gxca_token){.mod = m, .ctx = m->ctx, .refs = 1, .slot = slot, .slot_id = id,
			  .sess = CK_INVALID_HANDLE};
	m->refs++;
	t->next = m->open;
	m->open = t;
	if ((rc = token_attach(t))) {
		token_unref(t);
		return rc;
	}
	*out = t;
	return GXCA_OK;
}

int gxca_token_get_info(gxca_token *t, const gxca_token_info **out)
{
	if (!t || !out)
		return t ? gxca__fail(t->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument") : GXCA_EINVAL;
	*out = NULL;
	gxca__clear(t->ctx);
	int rc = tok_ready(t, false);
	if (rc)
		return rc;
	CK_RV rv = read_info(&t->mod->raw, t->slot_id, &t->info);
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "token", "无法读取 CA 锁信息", "cannot read the token information");
	if (t->pin_initial)
		t->info.flags |= GXCA_TOKEN_PIN_MUST_CHANGE;
	if (t->logged_in)
		t->info.flags |= GXCA_TOKEN_LOGGED_IN;
	*out = &t->info;
	return GXCA_OK;
}

/* ---- PINs ------------------------------------------------------------------------- */

static int check_pin(gxca_ctx *ctx, const char *field, const char *pin)
{
	if (!pin)
		return gxca__fail(ctx, GXCA_EINVAL, field, "PIN 码为空", "the PIN is NULL");
	size_t n = strnlen(pin, PIN_MAX + 1);
	if (n == 0 || n > PIN_MAX)
		return gxca__fail(ctx, GXCA_ETOKEN_PIN_POLICY, field, "PIN 码长度无效", "invalid PIN length");
	return GXCA_OK;
}

static bool is_initial_pin(const gxca_ctx *ctx, const char *pin)
{
	const char *init = ctx->policy->initial_pin;
	size_t n = strlen(pin);
	return init && strlen(init) == n && CRYPTO_memcmp(init, pin, n) == 0;
}

/* A new PIN: printable ASCII, policy lengths, not the initial PIN. */
static int check_new_pin(gxca_ctx *ctx, const char *pin)
{
	int rc = check_pin(ctx, "new_pin", pin);
	if (rc)
		return rc;
	size_t n = strlen(pin);
	const struct gxca_policy *p = ctx->policy;
	if ((int)n < p->pin_min_len || (int)n > p->pin_max_len)
		return gxca__failf(ctx, GXCA_ETOKEN_PIN_POLICY, "new_pin", "新 PIN 码长度应为 %d 至 %d 位",
				   "the new PIN must have %d to %d characters", p->pin_min_len, p->pin_max_len,
				   p->pin_min_len, p->pin_max_len);
	for (size_t i = 0; i < n; i++)
		if (pin[i] < 0x21 || pin[i] > 0x7e)
			return gxca__fail(ctx, GXCA_ETOKEN_PIN_POLICY, "new_pin", "新 PIN 码只能包含可见 ASCII 字符",
					  "the new PIN may only contain printable ASCII characters");
	if (is_initial_pin(ctx, pin))
		return gxca__fail(ctx, GXCA_ETOKEN_PIN_POLICY, "new_pin", "新 PIN 码不能是初始 PIN 码",
				  "the new PIN must not be the initial PIN");
	return GXCA_OK;
}

/* A failed login: wrong / count low (final try) / locked, from fresh flags. */
static int fail_login(gxca_token *t, const struct p11_err *e, bool so, const char *field)
{
	CK_TOKEN_INFO ti;
	CK_FLAGS locked = so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
	CK_FLAGS final = so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	int code = e->ckr ? ckr_code(e->ckr) : GXCA_ETOKEN_DEVICE;
	if ((code == GXCA_ETOKEN_PIN_INCORRECT || code == GXCA_ETOKEN_PIN_LOCKED) &&
	    gxca__p11_token_info(&t->mod->raw, t->slot_id, &ti) == CKR_OK) {
		if (ti.flags & locked)
			code = GXCA_ETOKEN_PIN_LOCKED;
		else if (ti.flags & final)
			code = GXCA_ETOKEN_PIN_COUNT_LOW;
	}
	switch (code) {
	case GXCA_ETOKEN_PIN_INCORRECT:
		return fail_ckr(t->ctx, code, e->ckr, field, "PIN 码错误", "wrong PIN");
	case GXCA_ETOKEN_PIN_COUNT_LOW:
		return fail_ckr(t->ctx, code, e->ckr, field, "PIN 码错误，再错一次将锁死", "wrong PIN; the next wrong PIN locks the token");
	case GXCA_ETOKEN_PIN_LOCKED:
		return fail_ckr(t->ctx, code, e->ckr, field, "PIN 码已锁死，请办理解锁", "the PIN is locked; apply for an UNLOCK");
	default:
		return fail_p11(t->ctx, e, field, "登录 CA 锁失败", "login to the token failed");
	}
}

static int do_logout(gxca_token *t)
{
	struct slot_job j = {.op = OP_LOGOUT};
	int rc = run_slot(t, &j);
	if (rc)
		return rc;
	t->logged_in = false; /* libp11 forgets the login even when C_Logout failed */
	t->pin_initial = false;
	if (j.e.rc && j.e.ckr != CKR_USER_NOT_LOGGED_IN)
		return fail_p11(t->ctx, &j.e, "token", "退出登录失败", "logout failed");
	return GXCA_OK;
}

/* One login attempt as user (so = 0) or SO; logs out first (trap 3). */
static int do_login(gxca_token *t, int so, const char *pin, const char *field)
{
	CK_TOKEN_INFO ti;
	if (gxca__p11_token_info(&t->mod->raw, t->slot_id, &ti) == CKR_OK &&
	    (ti.flags & (so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED)))
		return fail_ckr(t->ctx, GXCA_ETOKEN_PIN_LOCKED, CKR_PIN_LOCKED, field,
				"PIN 码已锁死，请办理解锁", "the PIN is locked; apply for an UNLOCK");
	int rc = t->logged_in ? do_logout(t) : GXCA_OK;
	if (rc)
		return rc;
	struct slot_job j = {.op = OP_LOGIN, .so = so};
	memcpy(j.pin, pin, strlen(pin));
	rc = run_slot(t, &j);
	OPENSSL_cleanse(j.pin, sizeof j.pin);
	if (rc)
		return rc;
	if (j.e.rc)
		return fail_login(t, &j.e, so, field);
	t->logged_in = !so;
	t->pin_initial = !so && is_initial_pin(t->ctx, pin);
	if (!so && (ti.flags & CKF_USER_PIN_TO_BE_CHANGED))
		t->pin_initial = true;
	return GXCA_OK;
}

#define TOKEN_ENTRY(t)                                                                      \
	do {                                                                                \
		if (!(t))                                                                   \
			return GXCA_EINVAL;                                                 \
		gxca__clear((t)->ctx);                                                      \
	} while (0)

int gxca_token_login(gxca_token *t, const char *pin)
{
	TOKEN_ENTRY(t);
	int rc = check_pin(t->ctx, "pin", pin);
	if (!rc)
		rc = tok_ready(t, false);
	if (!rc && t->logged_in)
		rc = tok_idle(t);
	return rc ? rc : do_login(t, 0, pin, "pin");
}

int gxca_token_logout(gxca_token *t)
{
	TOKEN_ENTRY(t);
	int rc = tok_ready(t, false);
	if (!rc && t->logged_in && !(rc = tok_idle(t)))
		rc = do_logout(t);
	return rc;
}

int gxca_token_change_pin(gxca_token *t, const char *old_pin, const char *new_pin)
{
	TOKEN_ENTRY(t);
	int rc = check_pin(t->ctx, "old_pin", old_pin);
	if (!rc)
		rc = check_new_pin(t->ctx, new_pin);
	if (!rc)
		rc = tok_ready(t, false);
	if (!rc)
		rc = tok_idle(t);
	/* Log in with the old PIN first: one attempt, with the login codes. */
	if (!rc)
		rc = do_login(t, 0, old_pin, "old_pin");
	if (rc)
		return rc;
	struct slot_job j = {.op = OP_CHANGE_PIN};
	memcpy(j.pin, old_pin, strlen(old_pin));
	memcpy(j.pin2, new_pin, strlen(new_pin));
	rc = run_slot(t, &j);
	OPENSSL_cleanse(j.pin, sizeof j.pin);
	OPENSSL_cleanse(j.pin2, sizeof j.pin2);
	if (rc)
		return rc;
	if (j.e.rc)
		return fail_p11(t->ctx, &j.e, "new_pin", "修改 PIN 码失败", "changing the PIN failed");
	t->pin_initial = false;
	return GXCA_OK;
}

int gxca_token_unlock(gxca_token *t, const char *so_pin, const char *new_pin)
{
	TOKEN_ENTRY(t);
	const char *pin = new_pin ? new_pin : t->ctx->policy->initial_pin;
	int rc = check_pin(t->ctx, "so_pin", so_pin);
	if (!rc && new_pin)
		rc = check_new_pin(t->ctx, new_pin);
	if (!rc && !pin)
		rc = gxca__fail(t->ctx, GXCA_EPOLICY, "new_pin", "策略未设定初始 PIN 码", "the policy has no initial PIN");
	if (!rc)
		rc = tok_ready(t, false);
	if (!rc)
		rc = tok_idle(t);
	if (!rc)
		rc = do_login(t, 1, so_pin, "so_pin");
	if (rc)
		return rc;
	struct slot_job j = {.op = OP_INIT_PIN};
	memcpy(j.pin, pin, strlen(pin));
	rc = run_slot(t, &j);
	OPENSSL_cleanse(j.pin, sizeof j.pin);
	if (rc)
		return rc;
	int rc2 = j.e.rc ? fail_p11(t->ctx, &j.e, "new_pin", "重置用户 PIN 码失败", "resetting the user PIN failed") : GXCA_OK;
	struct slot_job lo = {.op = OP_LOGOUT};
	if (run_slot(t, &lo) == GXCA_OK && !rc2 && lo.e.rc)
		rc2 = fail_p11(t->ctx, &lo.e, "token", "退出管理员登录失败", "SO logout failed");
	t->logged_in = false;
	t->pin_initial = false;
	return rc2;
}

/* ---- keys ---------------------------------------------------------------------------- */

static int check_name(gxca_ctx *ctx, const char *label, const uint8_t *id, size_t id_len, bool need_label)
{
	if ((label || need_label) && gxca__check_str(ctx, "label", label, LABEL_MAX))
		return ctx->err.code;
	if (need_label && !*label)
		return gxca__fail(ctx, GXCA_EINVAL, "label", "标签为空", "empty label");
	if (id ? (id_len == 0 || id_len > ID_MAX) : id_len != 0)
		return gxca__fail(ctx, GXCA_EINVAL, "id", "标识应为 1 至 64 字节", "the id must have 1 to 64 bytes");
	return GXCA_OK;
}

int gxca_token_keygen(gxca_token *t, int alg, const char *label, const uint8_t *id, size_t id_len)
{
	TOKEN_ENTRY(t);
	int rc = check_name(t->ctx, label, id, id_len, true);
	if (!rc && !id)
		rc = gxca__fail(t->ctx, GXCA_EINVAL, "id", "标识为空", "NULL id");
	if (rc)
		return rc;
	if (alg == GXCA_KEY_SM2)
		return gxca__fail(t->ctx, GXCA_EUNSUPPORTED, "alg", "此 PKCS#11 模块不提供 SM2 密钥生成",
				  "this PKCS#11 module offers no SM2 key generation");
	if (alg != GXCA_KEY_EC_P256 && alg != GXCA_KEY_RSA2048 && alg != GXCA_KEY_RSA3072)
		return gxca__failf(t->ctx, GXCA_EINVAL, "alg", "未知密钥算法 %d", "unknown key algorithm %d", alg, alg);
	if ((rc = tok_ready(t, true)))
		return rc;
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, (void *)id, (CK_ULONG)id_len}};
	CK_OBJECT_HANDLE h;
	CK_ULONG found = 0;
	CK_RV rv = gxca__p11_find(&t->mod->raw, t->sess, tmpl, 2, &h, 1, &found);
	if (rv == CKR_OK && found)
		return gxca__fail(t->ctx, GXCA_EEXISTS, "id", "CA 锁中已有此标识的密钥", "a key with this id exists on the token");
	if (rv == CKR_OK)
		rv = gxca__p11_keygen(&t->mod->raw, t->sess, alg, label, id, id_len);
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "alg", "在 CA 锁中生成密钥失败", "key generation on the token failed");
	return GXCA_OK;
}

struct key_job {
	struct p11_err e;
	PKCS11_TOKEN *ptok;
	char label[LABEL_MAX + 1];
	uint8_t id[ID_MAX];
	size_t id_len;
	bool found;
	EVP_PKEY *pkey;
};

/* In the worker: enumerate (libp11 re-scans and keeps older EVP_PKEYs valid) and fetch. */
static void job_key(void *arg)
{
	struct key_job *j = arg;
	PKCS11_KEY *keys = NULL;
	unsigned int n = 0;
	if ((j->e.rc = PKCS11_enumerate_keys(j->ptok, &keys, &n))) {
		err_collect(&j->e);
		return;
	}
	for (unsigned int i = 0; i < n && !j->found; i++) {
		PKCS11_KEY *k = &keys[i];
		if (j->id_len ? (k->id_len == j->id_len && memcmp(k->id, j->id, j->id_len) == 0)
			      : (k->label && strcmp(k->label, j->label) == 0)) {
			j->found = true;
			if (!(j->pkey = PKCS11_get_private_key(k)))
				j->e.rc = -1;
		}
	}
	err_collect(&j->e);
}

static void key_release(void *owner)
{
	gxca_token *t = owner;
	t->live_keys--;
	token_unref(t);
}

int gxca_token_get_key(gxca_key **out, gxca_token *t, const char *label, const uint8_t *id, size_t id_len)
{
	if (!t || !out)
		return t ? gxca__fail(t->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument") : GXCA_EINVAL;
	*out = NULL;
	gxca__clear(t->ctx);
	int rc = check_name(t->ctx, label, id, id_len, !id);
	if (!rc)
		rc = tok_ready(t, true);
	if (rc)
		return rc;
	struct key_job j = {.ptok = t->slot->token, .id_len = id ? id_len : 0};
	if (id)
		memcpy(j.id, id, id_len);
	else
		snprintf(j.label, sizeof j.label, "%s", label);
	if ((rc = run_job(t, job_key, &j, sizeof j)))
		return rc;
	if (j.e.rc)
		return fail_p11(t->ctx, &j.e, "key", "读取 CA 锁中的密钥失败", "cannot read the key on the token");
	if (!j.found)
		return gxca__fail(t->ctx, GXCA_ETOKEN_NO_KEY, id ? "id" : "label", "CA 锁中没有此密钥",
				  "no such key on the token");
	if ((rc = gxca__key_wrap(out, t->ctx, j.pkey, true, t, key_release))) {
		EVP_PKEY_free(j.pkey);
		return rc;
	}
	t->refs++;
	t->live_keys++;
	return GXCA_OK;
}

int gxca_token_sign(gxca_token *t, const gxca_key *key, const uint8_t *data, size_t len, uint8_t **sig,
		    size_t *sig_len)
{
	TOKEN_ENTRY(t);
	if (!key || key->owner != t || key->release != key_release)
		return gxca__fail(t->ctx, GXCA_EINVAL, "key", "密钥不属于此 CA 锁", "the key is not a key of this token");
	int rc = tok_ready(t, true);
	return rc ? rc : gxca_key_sign(key, data, len, sig, sig_len);
}

/* ---- CSR ------------------------------------------------------------------------------ */

/* "/K=V/K=V" with "\/" for a slash inside a value. */
static int parse_subject(gxca_ctx *ctx, const char *subject, X509_NAME *name)
{
	size_t n = strlen(subject);
	char *buf = gxca__malloc(n + 1);
	if (!buf)
		return gxca__oom(ctx);
	int rc = subject[0] == '/' ? GXCA_OK : GXCA_EINVAL;
	const char *p = subject + 1;
	while (!rc && *p) {
		size_t k = 0;
		for (; *p && *p != '/'; p++)
			buf[k++] = (*p == '\\' && p[1] == '/') ? *++p : *p;
		buf[k] = '\0';
		if (*p)
			p++;
		char *eq = strchr(buf, '=');
		if (!eq || eq == buf || !eq[1])
			rc = GXCA_EINVAL;
		else {
			*eq = '\0';
			if (!X509_NAME_add_entry_by_txt(name, buf, MBSTRING_UTF8, (unsigned char *)eq + 1, -1, -1, 0))
				rc = GXCA_EINVAL;
		}
	}
	gxca__free(buf);
	ERR_clear_error();
	if (!rc && X509_NAME_entry_count(name) == 0)
		rc = GXCA_EINVAL;
	if (rc)
		return gxca__fail(ctx, rc, "subject", "主题格式应为 /C=CN/O=…/CN=…",
				  "the subject must look like /C=CN/O=.../CN=...");
	return GXCA_OK;
}

int gxca_token_csr(const gxca_key *key, const char *subject, uint8_t **out, size_t *out_len)
{
	if (!key)
		return GXCA_EINVAL;
	gxca_ctx *ctx = key->ctx;
	gxca__clear(ctx);
	if (!out || !out_len)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	*out_len = 0;
	int rc = gxca__check_str(ctx, "subject", subject, 4096);
	if (rc)
		return rc;
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	EVP_MD_CTX *mctx = NULL;
	if (!req || !name)
		rc = gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	if (!rc)
		rc = parse_subject(ctx, subject, name);
	if (!rc && (!X509_REQ_set_version(req, 0) || !X509_REQ_set_subject_name(req, name) ||
		    !X509_REQ_set_pubkey(req, key->pkey)))
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "无法构造证书请求", "cannot build the request");
	if (!rc && (!(mctx = gxca__pkey_md_ctx(ctx, key->pkey, true)) || X509_REQ_sign_ctx(req, mctx) <= 0))
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "证书请求签名失败", "signing the request failed");
	unsigned char *der = NULL;
	int n = rc ? 0 : i2d_X509_REQ(req, &der);
	if (!rc && n <= 0)
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "证书请求编码失败", "cannot encode the request");
	if (!rc && !(*out = gxca__malloc((size_t)n)))
		rc = gxca__oom(ctx);
	if (!rc) {
		memcpy(*out, der, (size_t)n);
		*out_len = (size_t)n;
	}
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	X509_NAME_free(name);
	X509_REQ_free(req);
	return rc;
}

/* ---- certificates ----------------------------------------------------------------------- */

/* Does a token public-key object hold the key of pk? RSA: modulus; EC: point. */
static bool pub_matches(gxca__p11 *raw, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, EVP_PKEY *pk, bool rsa)
{
	uint8_t *v = NULL, want[1024];
	size_t vlen = 0, wlen = 0;
	bool ok = false;
	if (rsa) {
		BIGNUM *n = NULL;
		if (EVP_PKEY_get_bn_param(pk, "n", &n) && BN_num_bytes(n) <= (int)sizeof want)
			wlen = (size_t)BN_bn2bin(n, want);
		BN_free(n);
	} else if (!EVP_PKEY_get_octet_string_param(pk, "encoded-pub-key", want, sizeof want, &wlen)) {
		wlen = 0;
	}
	if (!wlen || gxca__p11_attr(raw, s, h, rsa ? CKA_MODULUS : CKA_EC_POINT, &v, &vlen) != CKR_OK)
		return false;
	const uint8_t *cmp = v;
	size_t clen = vlen;
	while (rsa && clen > 1 && *cmp == 0)
		cmp++, clen--;
	ok = clen == wlen && memcmp(cmp, want, wlen) == 0;
	if (!ok && !rsa) { /* CKA_EC_POINT is normally a DER OCTET STRING around the point */
		const unsigned char *p = v;
		ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)vlen);
		ok = os && (size_t)os->length == wlen && memcmp(os->data, want, wlen) == 0;
		ASN1_OCTET_STRING_free(os);
	}
	gxca__free(v);
	ERR_clear_error();
	return ok;
}

/* The id (and label) of the token key pair certified by x. */
static int key_id_for(gxca_token *t, X509 *x, uint8_t **id, size_t *id_len, uint8_t **label, size_t *label_len)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	bool rsa = pk && EVP_PKEY_is_a(pk, "RSA");
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = rsa ? CKK_RSA : CKK_EC;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0;
	CK_RV rv = pk ? gxca__p11_find(&t->mod->raw, t->sess, tmpl, 2, h, 64, &n) : CKR_OK;
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "cert", "无法查找 CA 锁中的公钥", "cannot search the token's public keys");
	for (CK_ULONG i = 0; i < n; i++) {
		if (!pub_matches(&t->mod->raw, t->sess, h[i], pk, rsa))
			continue;
		rv = gxca__p11_attr(&t->mod->raw, t->sess, h[i], CKA_ID, id, id_len);
		if (rv == CKR_OK)
			rv = gxca__p11_attr(&t->mod->raw, t->sess, h[i], CKA_LABEL, label, label_len);
		if (rv != CKR_OK) {
			gxca__free(*id);
			*id = NULL;
			return fail_ckr(t->ctx, 0, rv, "cert", "无法读取密钥标识", "cannot read the key id");
		}
		return GXCA_OK;
	}
	return gxca__fail(t->ctx, GXCA_ETOKEN_NO_KEY, "cert", "证书的公钥与 CA 锁中的密钥都不匹配",
			  "the certificate's public key matches no key on the token");
}

/* DER of a name / integer for the certificate object's attributes (OpenSSL memory). */
struct cert_attrs {
	unsigned char *subject, *issuer, *serial;
	int subject_len, issuer_len, serial_len;
};

static void cert_attrs_free(struct cert_attrs *a)
{
	OPENSSL_free(a->subject);
	OPENSSL_free(a->issuer);
	OPENSSL_free(a->serial);
}

static int write_cert(gxca_token *t, X509 *x, const uint8_t *der, size_t len, const char *label,
		      const uint8_t *id, size_t id_len)
{
	struct cert_attrs a = {0};
	a.subject_len = i2d_X509_NAME(X509_get_subject_name(x), &a.subject);
	a.issuer_len = i2d_X509_NAME(X509_get_issuer_name(x), &a.issuer);
	a.serial_len = i2d_ASN1_INTEGER(X509_get_serialNumber(x), &a.serial);
	if (a.subject_len <= 0 || a.issuer_len <= 0 || a.serial_len <= 0) {
		cert_attrs_free(&a);
		return gxca__fail_ossl(t->ctx, GXCA_ECRYPTO, "cert", "证书编码失败", "cannot encode the certificate");
	}
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, (void *)id, (CK_ULONG)id_len},
		{CKA_CERTIFICATE_TYPE, &ct, sizeof ct}, {CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &no, sizeof no}, {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
		{CKA_SUBJECT, a.subject, (CK_ULONG)a.subject_len}, {CKA_ISSUER, a.issuer, (CK_ULONG)a.issuer_len},
		{CKA_SERIAL_NUMBER, a.serial, (CK_ULONG)a.serial_len}, {CKA_VALUE, (void *)der, (CK_ULONG)len},
	};
	/* The new certificate replaces older ones of the same key (renewal). */
	CK_OBJECT_HANDLE old[16], obj;
	CK_ULONG n_old = 0;
	CK_RV rv = gxca__p11_find(&t->mod->raw, t->sess, tmpl, 2, old, 16, &n_old);
	if (rv == CKR_OK)
		rv = t->mod->raw.f->C_CreateObject(t->sess, tmpl, GXCA_ARRAY_LEN(tmpl), &obj);
	for (CK_ULONG i = 0; rv == CKR_OK && i < n_old; i++)
		rv = t->mod->raw.f->C_DestroyObject(t->sess, old[i]);
	cert_attrs_free(&a);
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "cert", "写入证书失败", "storing the certificate failed");
	return GXCA_OK;
}

int gxca_token_store_cert(gxca_token *t, const uint8_t *der, size_t len, const char *label)
{
	TOKEN_ENTRY(t);
	if (!der || !len || len > CERT_MAX)
		return gxca__fail(t->ctx, GXCA_EINVAL, "cert", "证书为空或过大", "certificate empty or too large");
	int rc = label ? check_name(t->ctx, label, NULL, 0, true) : GXCA_OK;
	if (!rc)
		rc = tok_ready(t, true);
	if (rc)
		return rc;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		return gxca__fail_ossl(t->ctx, GXCA_EINVAL, "cert", "不是 DER 格式的证书", "not a DER certificate");
	}
	uint8_t *id = NULL, *klabel = NULL;
	size_t id_len = 0, klabel_len = 0;
	rc = key_id_for(t, x, &id, &id_len, &klabel, &klabel_len);
	if (!rc)
		rc = write_cert(t, x, der, len, label ? label : (const char *)klabel, id, id_len);
	gxca__free(id);
	gxca__free(klabel);
	X509_free(x);
	return rc;
}

int gxca_token_find_cert(gxca_token *t, const char *label, const uint8_t *id, size_t id_len, uint8_t **out,
			 size_t *out_len)
{
	TOKEN_ENTRY(t);
	if (!out || !out_len)
		return gxca__fail(t->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	*out_len = 0;
	int rc = check_name(t->ctx, label, id, id_len, false);
	if (!rc)
		rc = tok_ready(t, false);
	if (rc)
		return rc;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl[2] = {{CKA_CLASS, &cls, sizeof cls}};
	CK_ULONG nt = 1;
	if (id)
		tmpl[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, (CK_ULONG)id_len};
	else if (label)
		tmpl[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
	CK_OBJECT_HANDLE h;
	CK_ULONG found = 0;
	CK_RV rv = gxca__p11_find(&t->mod->raw, t->sess, tmpl, nt, &h, 1, &found);
	if (rv == CKR_OK && !found)
		return gxca__fail(t->ctx, GXCA_ENOTFOUND, id ? "id" : "label", "CA 锁中没有此证书",
				  "no such certificate on the token");
	if (rv == CKR_OK)
		rv = gxca__p11_attr(&t->mod->raw, t->sess, h, CKA_VALUE, out, out_len);
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "cert", "读取证书失败", "cannot read the certificate");
	return GXCA_OK;
}

/* ---- role and seal (data objects) ---------------------------------------------------------- */

static const char *const role_names[] = {"", "MASTER", "SECONDARY"};

static int read_role(gxca_token *t, int *role)
{
	uint8_t *v = NULL;
	size_t n = 0;
	*role = GXCA_TOKEN_ROLE_UNSET;
	CK_RV rv = gxca__p11_data_get(&t->mod->raw, t->sess, DATA_ROLE, &v, &n);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return GXCA_OK;
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "role", "读取主副锁标记失败", "cannot read the token role");
	for (int r = GXCA_TOKEN_ROLE_MASTER; r <= GXCA_TOKEN_ROLE_SECONDARY; r++)
		if (n == strlen(role_names[r]) && memcmp(v, role_names[r], n) == 0)
			*role = r;
	gxca__free(v);
	return GXCA_OK;
}

static int has_seal(gxca_token *t, bool *yes)
{
	uint8_t *v = NULL;
	size_t n = 0;
	CK_RV rv = gxca__p11_data_get(&t->mod->raw, t->sess, DATA_SEAL, &v, &n);
	gxca__free(v);
	*yes = rv == CKR_OK;
	if (rv != CKR_OK && rv != CKR_OBJECT_HANDLE_INVALID)
		return fail_ckr(t->ctx, 0, rv, "seal", "读取电子签章失败", "cannot read the seal");
	return GXCA_OK;
}

int gxca_token_get_role(gxca_token *t, int *role)
{
	TOKEN_ENTRY(t);
	if (!role)
		return gxca__fail(t->ctx, GXCA_EINVAL, "role", "参数为空", "NULL argument");
	*role = GXCA_TOKEN_ROLE_UNSET;
	int rc = tok_ready(t, true);
	return rc ? rc : read_role(t, role);
}

int gxca_token_set_role(gxca_token *t, int role)
{
	TOKEN_ENTRY(t);
	if (role != GXCA_TOKEN_ROLE_MASTER && role != GXCA_TOKEN_ROLE_SECONDARY)
		return gxca__failf(t->ctx, GXCA_EINVAL, "role", "无效的主副锁角色 %d", "invalid token role %d", role, role);
	int old = 0, rc = tok_ready(t, true);
	bool seal = false;
	if (!rc)
		rc = read_role(t, &old);
	if (!rc && old == GXCA_TOKEN_ROLE_MASTER && role == GXCA_TOKEN_ROLE_SECONDARY && !(rc = has_seal(t, &seal)) && seal)
		rc = gxca__fail(t->ctx, GXCA_ESTATE, "role", "持有电子签章的主锁不能改为副锁",
				"a master token holding the seal cannot become secondary");
	if (rc || old == role)
		return rc;
	const char *v = role_names[role];
	CK_RV rv = gxca__p11_data_put(&t->mod->raw, t->sess, DATA_ROLE, (const uint8_t *)v, strlen(v));
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "role", "写入主副锁标记失败", "cannot store the token role");
	return GXCA_OK;
}

int gxca_token_store_seal(gxca_token *t, const uint8_t *seal, size_t len, uint32_t flags)
{
	TOKEN_ENTRY(t);
	if (!seal || !len || len > SEAL_MAX)
		return gxca__fail(t->ctx, GXCA_EINVAL, "seal", "电子签章数据为空或过大", "seal data empty or too large");
	if (flags & ~GXCA_TOKEN_SEAL_ORDERED)
		return gxca__fail(t->ctx, GXCA_EINVAL, "flags", "未知标志", "unknown flags");
	int role = 0, rc = tok_ready(t, true);
	if (!rc)
		rc = read_role(t, &role);
	if (rc)
		return rc;
	if (role == GXCA_TOKEN_ROLE_UNSET)
		return gxca__fail(t->ctx, GXCA_ETOKEN_ROLE, "role", "请先设定主锁或副锁", "set the token role (master or secondary) first");
	if (role == GXCA_TOKEN_ROLE_SECONDARY && !(flags & GXCA_TOKEN_SEAL_ORDERED))
		return gxca__fail(t->ctx, GXCA_ETOKEN_SEAL_SECONDARY, "seal", "副锁未订购电子签章，电子签章只写入主锁",
				  "the seal goes on the master token; this secondary token has no seal ordered");
	CK_RV rv = gxca__p11_data_put(&t->mod->raw, t->sess, DATA_SEAL, seal, len);
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "seal", "写入电子签章失败", "storing the seal failed");
	return GXCA_OK;
}

int gxca_token_read_seal(gxca_token *t, uint8_t **out, size_t *out_len)
{
	TOKEN_ENTRY(t);
	if (!out || !out_len)
		return gxca__fail(t->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	*out_len = 0;
	int rc = tok_ready(t, true);
	if (rc)
		return rc;
	CK_RV rv = gxca__p11_data_get(&t->mod->raw, t->sess, DATA_SEAL, out, out_len);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return gxca__fail(t->ctx, GXCA_ENOTFOUND, "seal", "CA 锁中没有电子签章", "no seal on the token");
	if (rv != CKR_OK)
		return fail_ckr(t->ctx, 0, rv, "seal", "读取电子签章失败", "cannot read the seal");
	return GXCA_OK;
}
