/*
 * tests/p11mock/p11mock.c — a tiny PKCS#11 module for the tests: one slot,
 * one token, no keys. It simulates what SoftHSM2 cannot (research/
 * token-ca.md §2): a user PIN that locks after N wrong tries, a token pulled
 * in the middle of an operation, a token that refuses sessions and one that
 * hangs. Behaviour comes from environment variables read at each call:
 *
 *   P11MOCK_TRIES=N      wrong user PINs before the lock (default 3)
 *   P11MOCK_MODE=...     comma list of:
 *     refuse             C_OpenSession fails with CKR_TOKEN_NOT_RECOGNIZED
 *     hang               C_Login sleeps P11MOCK_HANG_MS (default 2000) first
 *     remove-on-keygen   C_GenerateKeyPair answers CKR_DEVICE_REMOVED and the
 *                        token is gone from then on
 *
 * User PIN "123456", SO PIN "12345678". State lives in process memory.
 */
#include <p11-kit/pkcs11.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOT_ID 7
#define MAX_SESSIONS 32

static struct {
	bool initialized, removed;
	int user_tries_left;
	CK_USER_TYPE logged; /* (CK_USER_TYPE)-1 = nobody */
	char user_pin[64], so_pin[64];
	bool open[MAX_SESSIONS + 1], rw[MAX_SESSIONS + 1];
} st;

static bool mode(const char *what)
{
	const char *m = getenv("P11MOCK_MODE");
	if (!m)
		return false;
	size_t n = strlen(what);
	for (const char *p = m; (p = strstr(p, what)) != NULL; p += n)
		if ((p == m || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

static int env_int(const char *name, int dflt)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : dflt;
}

static void pad(CK_UTF8CHAR *dst, size_t n, const char *src)
{
	memset(dst, ' ', n);
	memcpy(dst, src, strlen(src) < n ? strlen(src) : n);
}

static CK_RV gone(void) { return st.removed ? CKR_DEVICE_REMOVED : CKR_OK; }

static CK_RV session_ok(CK_SESSION_HANDLE h)
{
	if (!st.initialized)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (st.removed)
		return CKR_DEVICE_REMOVED;
	return h >= 1 && h <= MAX_SESSIONS && st.open[h] ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

static CK_RV m_Initialize(CK_VOID_PTR a)
{
	(void)a;
	if (st.initialized)
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	memset(&st, 0, sizeof st);
	st.initialized = true;
	st.user_tries_left = env_int("P11MOCK_TRIES", 3);
	st.logged = (CK_USER_TYPE)-1;
	strcpy(st.user_pin, "123456");
	strcpy(st.so_pin, "12345678");
	return CKR_OK;
}

static CK_RV m_Finalize(CK_VOID_PTR a)
{
	(void)a;
	st.initialized = false;
	return CKR_OK;
}

static CK_RV m_GetInfo(CK_INFO_PTR i)
{
	memset(i, 0, sizeof *i);
	i->cryptokiVersion.major = 2;
	i->cryptokiVersion.minor = 40;
	pad(i->manufacturerID, sizeof i->manufacturerID, "gxca tests");
	pad(i->libraryDescription, sizeof i->libraryDescription, "p11mock");
	return CKR_OK;
}

static CK_RV m_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR n)
{
	CK_ULONG count = present && st.removed ? 0 : 1;
	if (list && *n < count)
		return CKR_BUFFER_TOO_SMALL;
	if (list && count)
		list[0] = SLOT_ID;
	*n = count;
	return CKR_OK;
}

static CK_RV m_GetSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR i)
{
	if (id != SLOT_ID)
		return CKR_SLOT_ID_INVALID;
	memset(i, 0, sizeof *i);
	pad(i->slotDescription, sizeof i->slotDescription, "mock reader");
	pad(i->manufacturerID, sizeof i->manufacturerID, "gxca tests");
	i->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | (st.removed ? 0 : CKF_TOKEN_PRESENT);
	return CKR_OK;
}

static CK_RV m_GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR i)
{
	if (id != SLOT_ID)
		return CKR_SLOT_ID_INVALID;
	if (st.removed)
		return CKR_TOKEN_NOT_PRESENT;
	memset(i, 0, sizeof *i);
	pad(i->label, sizeof i->label, "mock");
	pad(i->manufacturerID, sizeof i->manufacturerID, "gxca tests");
	pad(i->model, sizeof i->model, "p11mock");
	pad(i->serialNumber, sizeof i->serialNumber, "MOCK0001");
	int max = env_int("P11MOCK_TRIES", 3);
	i->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_RNG;
	if (st.user_tries_left < max)
		i->flags |= CKF_USER_PIN_COUNT_LOW;
	if (st.user_tries_left == 1)
		i->flags |= CKF_USER_PIN_FINAL_TRY;
	if (st.user_tries_left <= 0)
		i->flags |= CKF_USER_PIN_LOCKED;
	i->ulMaxSessionCount = MAX_SESSIONS;
	i->ulMaxRwSessionCount = MAX_SESSIONS;
	i->ulMaxPinLen = 63;
	i->ulMinPinLen = 4;
	return CKR_OK;
}

static CK_RV m_OpenSession(CK_SLOT_ID id, CK_FLAGS f, CK_VOID_PTR app, CK_NOTIFY n, CK_SESSION_HANDLE_PTR h)
{
	(void)app;
	(void)n;
	if (id != SLOT_ID)
		return CKR_SLOT_ID_INVALID;
	if (st.removed)
		return CKR_TOKEN_NOT_PRESENT;
	if (mode("refuse"))
		return CKR_TOKEN_NOT_RECOGNIZED;
	for (CK_SESSION_HANDLE i = 1; i <= MAX_SESSIONS; i++)
		if (!st.open[i]) {
			st.open[i] = true;
			st.rw[i] = (f & CKF_RW_SESSION) != 0;
			*h = i;
			return CKR_OK;
		}
	return CKR_SESSION_COUNT;
}

static bool any_open(void)
{
	for (int i = 1; i <= MAX_SESSIONS; i++)
		if (st.open[i])
			return true;
	return false;
}

static CK_RV m_CloseSession(CK_SESSION_HANDLE h)
{
	CK_RV rv = session_ok(h);
	if (rv == CKR_DEVICE_REMOVED && h >= 1 && h <= MAX_SESSIONS)
		rv = CKR_OK; /* closing what is left of a pulled token is fine */
	if (rv != CKR_OK)
		return rv;
	st.open[h] = false;
	if (!any_open())
		st.logged = (CK_USER_TYPE)-1; /* the last session ends the login */
	return CKR_OK;
}

static CK_RV m_CloseAllSessions(CK_SLOT_ID id)
{
	if (id != SLOT_ID)
		return CKR_SLOT_ID_INVALID;
	memset(st.open, 0, sizeof st.open);
	st.logged = (CK_USER_TYPE)-1;
	return CKR_OK;
}

static CK_RV m_GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR i)
{
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	memset(i, 0, sizeof *i);
	i->slotID = SLOT_ID;
	i->flags = CKF_SERIAL_SESSION | (st.rw[h] ? CKF_RW_SESSION : 0);
	i->state = st.logged == CKU_USER ? (st.rw[h] ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS)
		   : st.logged == CKU_SO ? CKS_RW_SO_FUNCTIONS
					 : (st.rw[h] ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION);
	return CKR_OK;
}

static bool pin_eq(const char *want, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	return pin && strlen(want) == len && memcmp(want, pin, len) == 0;
}

/* Check the user PIN, counting wrong tries. */
static CK_RV check_user(CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (st.user_tries_left <= 0)
		return CKR_PIN_LOCKED;
	if (!pin_eq(st.user_pin, pin, len)) {
		st.user_tries_left--;
		return CKR_PIN_INCORRECT;
	}
	st.user_tries_left = env_int("P11MOCK_TRIES", 3);
	return CKR_OK;
}

static CK_RV m_Login(CK_SESSION_HANDLE h, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (mode("hang")) {
		int ms = env_int("P11MOCK_HANG_MS", 2000);
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	if (st.logged == who)
		return CKR_USER_ALREADY_LOGGED_IN;
	if (st.logged != (CK_USER_TYPE)-1)
		return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	if (who == CKU_SO) {
		if (!pin_eq(st.so_pin, pin, len))
			return CKR_PIN_INCORRECT;
	} else if (who == CKU_USER) {
		if ((rv = check_user(pin, len)) != CKR_OK)
			return rv;
	} else {
		return CKR_USER_TYPE_INVALID;
	}
	st.logged = who;
	return CKR_OK;
}

static CK_RV m_Logout(CK_SESSION_HANDLE h)
{
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	if (st.logged == (CK_USER_TYPE)-1)
		return CKR_USER_NOT_LOGGED_IN;
	st.logged = (CK_USER_TYPE)-1;
	return CKR_OK;
}

static CK_RV set_user_pin(CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (len < 4 || len >= sizeof st.user_pin)
		return CKR_PIN_LEN_RANGE;
	memcpy(st.user_pin, pin, len);
	st.user_pin[len] = '\0';
	st.user_tries_left = env_int("P11MOCK_TRIES", 3);
	return CKR_OK;
}

static CK_RV m_InitPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	if (st.logged != CKU_SO)
		return CKR_USER_NOT_LOGGED_IN;
	return set_user_pin(pin, len);
}

static CK_RV m_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old, CK_ULONG olen, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	if (!st.rw[h])
		return CKR_SESSION_READ_ONLY;
	if ((rv = check_user(old, olen)) != CKR_OK)
		return rv;
	return set_user_pin(pin, len);
}

static CK_RV m_FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	(void)t;
	(void)n;
	return session_ok(h);
}

static CK_RV m_FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR o, CK_ULONG max, CK_ULONG_PTR n)
{
	(void)o;
	(void)max;
	*n = 0;
	return session_ok(h);
}

static CK_RV m_FindObjectsFinal(CK_SESSION_HANDLE h) { return session_ok(h); }

static CK_RV m_GenerateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pub, CK_ULONG npub,
			       CK_ATTRIBUTE_PTR priv, CK_ULONG npriv, CK_OBJECT_HANDLE_PTR hpub,
			       CK_OBJECT_HANDLE_PTR hpriv)
{
	(void)m, (void)pub, (void)npub, (void)priv, (void)npriv, (void)hpub, (void)hpriv;
	CK_RV rv = session_ok(h);
	if (rv != CKR_OK)
		return rv;
	if (mode("remove-on-keygen")) {
		st.removed = true; /* pulled while the key was being made */
		return CKR_DEVICE_REMOVED;
	}
	return st.logged == CKU_USER ? CKR_FUNCTION_NOT_SUPPORTED : CKR_USER_NOT_LOGGED_IN;
}

static CK_RV m_GenerateRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG n)
{
	CK_RV rv = session_ok(h);
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++)
		out[i] = (CK_BYTE)rand();
	return rv;
}

/* Every other entry: "not supported" (generic signature through a cast). */
static CK_RV m_unsupported(void) { return gone() != CKR_OK ? gone() : CKR_FUNCTION_NOT_SUPPORTED; }

static CK_FUNCTION_LIST functions;

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out);
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
	if (!out)
		return CKR_ARGUMENTS_BAD;
	/* Fill the table at run time: every entry first gets "not supported".
	 * The struct is packed (pkcs11.h): copy the pointers byte-wise. */
	void (*fn)(void) = (void (*)(void))m_unsupported;
	unsigned char *entry = (unsigned char *)&functions + sizeof functions.version;
	size_t n = (sizeof functions - sizeof functions.version) / sizeof fn;
	for (size_t i = 0; i < n; i++)
		memcpy(entry + i * sizeof fn, &fn, sizeof fn);
	functions.version.major = 2;
	functions.version.minor = 40;
	functions.C_Initialize = m_Initialize;
	functions.C_Finalize = m_Finalize;
	functions.C_GetInfo = m_GetInfo;
	functions.C_GetFunctionList = C_GetFunctionList;
	functions.C_GetSlotList = m_GetSlotList;
	functions.C_GetSlotInfo = m_GetSlotInfo;
	functions.C_GetTokenInfo = m_GetTokenInfo;
	functions.C_OpenSession = m_OpenSession;
	functions.C_CloseSession = m_CloseSession;
	functions.C_CloseAllSessions = m_CloseAllSessions;
	functions.C_GetSessionInfo = m_GetSessionInfo;
	functions.C_Login = m_Login;
	functions.C_Logout = m_Logout;
	functions.C_InitPIN = m_InitPIN;
	functions.C_SetPIN = m_SetPIN;
	functions.C_FindObjectsInit = m_FindObjectsInit;
	functions.C_FindObjects = m_FindObjects;
	functions.C_FindObjectsFinal = m_FindObjectsFinal;
	functions.C_GenerateKeyPair = m_GenerateKeyPair;
	functions.C_GenerateRandom = m_GenerateRandom;
	*out = &functions;
	return CKR_OK;
}
