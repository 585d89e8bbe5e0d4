/*
 * tests/unit/test-token.c — tokens on SoftHSM2 (the whole life-cycle) and on
 * the mock module tests/p11mock (PIN lock, removal, refused sessions, hang).
 */
#include "token-helper.h"

static bool have_softhsm;

static gxca_token_module *open_module(gxca_ctx *ctx, const char *path)
{
	gxca_token_module *m = NULL;
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, path), GXCA_OK);
	ck_assert_ptr_nonnull(m);
	return m;
}

static void mock_env(const char *mode, const char *tries)
{
	setenv("P11MOCK_MODE", mode, 1);
	setenv("P11MOCK_TRIES", tries, 1);
}

START_TEST(test_null_and_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_token_module *m = NULL;
	gxca_token *t = NULL;
	gxca_key *k = NULL;
	uint8_t *b = NULL;
	size_t n = 0;
	int role = 0;
	const gxca_token_info *ti = NULL;
	ck_assert_int_eq(gxca_token_module_open(NULL, ctx, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_module_open(&m, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, "/nonexistent/module.so"), GXCA_ETOKEN_MODULE);
	ck_assert_last_error(ctx, GXCA_ETOKEN_MODULE);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, "/etc/passwd"), GXCA_ETOKEN_MODULE);
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, "\xff\xfe"), GXCA_EENCODING);
	gxca_token_module_close(NULL);
	gxca_token_close(NULL);
	ck_assert_str_eq(gxca_token_module_path(NULL), "");
	ck_assert_int_eq(gxca_token_module_set_timeout(NULL, 1000), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_module_refresh(NULL), GXCA_EINVAL);
	ck_assert_uint_eq(gxca_token_module_count(NULL), 0);
	ck_assert_ptr_null(gxca_token_module_info(NULL, 0));
	ck_assert_str_eq(gxca_token_info_label(NULL), "");
	ck_assert_str_eq(gxca_token_info_serial(NULL), "");
	ck_assert_str_eq(gxca_token_info_manufacturer(NULL), "");
	ck_assert_str_eq(gxca_token_info_model(NULL), "");
	ck_assert_uint_eq(gxca_token_info_flags(NULL), 0);
	ck_assert_uint_eq(gxca_token_info_slot_id(NULL), 0);
	ck_assert_int_eq(gxca_token_open(&t, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_info(NULL, &ti), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_login(NULL, "1"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_logout(NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_change_pin(NULL, "1", "2"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_unlock(NULL, "1", NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_keygen(NULL, GXCA_KEY_EC_P256, "x", (const uint8_t *)"1", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_key(&k, NULL, "x", NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_sign(NULL, NULL, NULL, 0, &b, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_csr(NULL, "/CN=x", &b, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_store_cert(NULL, (const uint8_t *)"x", 1, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_find_cert(NULL, NULL, NULL, 0, &b, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_set_role(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_role(NULL, &role), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_store_seal(NULL, (const uint8_t *)"x", 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_read_seal(NULL, &b, &n), GXCA_EINVAL);

	/* Garbage on a real (mock) token: every argument checked before any I/O. */
	mock_env("", "3");
	m = open_module(ctx, TH_MOCK);
	ck_assert_int_eq(gxca_token_module_set_timeout(m, 5), GXCA_ERANGE);
	ck_assert_int_eq(gxca_token_open(&t, m, "no such token"), GXCA_ETOKEN_NOT_FOUND);
	ck_assert_int_eq(gxca_token_open(&t, m, NULL), GXCA_OK);
	gxca_token *t2 = NULL;
	ck_assert_int_eq(gxca_token_open(&t2, m, "MOCK0001"), GXCA_EEXISTS);
	ck_assert_int_eq(gxca_token_login(t, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_login(t, ""), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "k", (const uint8_t *)"1", 1), GXCA_ETOKEN_NOT_LOGGED_IN);
	ck_assert_int_eq(gxca_token_keygen(t, 99, "k", (const uint8_t *)"1", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_SM2, "k", (const uint8_t *)"1", 1), GXCA_EUNSUPPORTED);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "", (const uint8_t *)"1", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "k", NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_key(NULL, t, "k", NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_key(&k, t, NULL, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_store_cert(t, NULL, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_find_cert(t, NULL, NULL, 0, NULL, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_find_cert(t, NULL, (const uint8_t *)"1", 0, &b, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_set_role(t, 7), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_get_role(t, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_store_seal(t, NULL, 5, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_store_seal(t, (const uint8_t *)"x", 1, 0x80), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_read_seal(t, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", "123456"), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", "12"), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", "12345678901234567890"), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", "1234 5678"), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_unlock(t, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_token_unlock(t, "12345678", "123456"), GXCA_ETOKEN_PIN_POLICY);
	gxca_token_close(t);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

/* A PIN that locks after 3 wrong tries; then UNLOCK with the SO PIN. */
START_TEST(test_mock_pin_lock)
{
	gxca_ctx *ctx = test_ctx();
	mock_env("", "3");
	gxca_token_module *m = open_module(ctx, TH_MOCK);
	ck_assert_uint_eq(gxca_token_module_count(m), 1);
	const gxca_token_info *i = gxca_token_module_info(m, 0);
	ck_assert_str_eq(gxca_token_info_label(i), "mock");
	ck_assert_str_eq(gxca_token_info_serial(i), "MOCK0001");
	ck_assert_str_eq(gxca_token_info_model(i), "p11mock");
	ck_assert_uint_eq(gxca_token_info_slot_id(i), 7);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_REMOVABLE);
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, "mock"), GXCA_OK);
	ck_assert_int_eq(gxca_token_login(t, "000000"), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "pin");
	ck_assert_ptr_null(strstr(gxca_error_message(gxca_ctx_last_error(ctx)), "000000"));
	ck_assert_ptr_null(strstr(gxca_error_detail(gxca_ctx_last_error(ctx)), "000000"));
	ck_assert_uint_eq(gxca_error_ck_rv(gxca_ctx_last_error(ctx)), 0xA0);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_COUNT_LOW);
	ck_assert_int_eq(gxca_token_login(t, "000001"), GXCA_ETOKEN_PIN_COUNT_LOW);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_FINAL_TRY);
	ck_assert_int_eq(gxca_token_login(t, "000002"), GXCA_ETOKEN_PIN_LOCKED);
	/* Locked: the right PIN is not even tried. */
	ck_assert_int_eq(gxca_token_login(t, "123456"), GXCA_ETOKEN_PIN_LOCKED);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_LOCKED);
	ck_assert_int_eq(gxca_token_unlock(t, "87654321", NULL), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "so_pin");
	ck_assert_int_eq(gxca_token_unlock(t, "12345678", NULL), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(!(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_LOCKED));
	/* Reset to the initial PIN: usable only to change it. */
	ck_assert_int_eq(gxca_token_login(t, "123456"), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_MUST_CHANGE);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_LOGGED_IN);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "k", (const uint8_t *)"1", 1), GXCA_ETOKEN_PIN_MUST_CHANGE);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", TH_PIN), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(!(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_MUST_CHANGE));
	ck_assert_int_eq(gxca_token_logout(t), GXCA_OK);
	ck_assert_int_eq(gxca_token_logout(t), GXCA_OK);
	ck_assert_int_eq(gxca_token_login(t, TH_PIN), GXCA_OK);
	gxca_token_module_close(m); /* the open token keeps it loaded */
	gxca_token_close(t);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_mock_refuses_sessions)
{
	gxca_ctx *ctx = test_ctx();
	mock_env("refuse", "3");
	gxca_token_module *m = open_module(ctx, TH_MOCK);
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, "mock"), GXCA_ETOKEN_SESSION);
	ck_assert_uint_eq(gxca_error_ck_rv(gxca_ctx_last_error(ctx)), 0xE1); /* CKR_TOKEN_NOT_RECOGNIZED */
	ck_assert_ptr_null(t);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

/* The token is pulled while a key is being generated. */
START_TEST(test_mock_removed)
{
	gxca_ctx *ctx = test_ctx();
	mock_env("remove-on-keygen", "3");
	gxca_token_module *m = open_module(ctx, TH_MOCK);
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, "mock"), GXCA_OK);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", TH_PIN), GXCA_OK);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "k", (const uint8_t *)"1", 1), GXCA_ETOKEN_REMOVED);
	const gxca_token_info *i = NULL;
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_ETOKEN_REMOVED);
	ck_assert_int_eq(gxca_token_logout(t), GXCA_ETOKEN_REMOVED);
	ck_assert_int_eq(gxca_token_login(t, TH_PIN), GXCA_ETOKEN_REMOVED);
	ck_assert_int_eq(gxca_token_module_refresh(m), GXCA_OK);
	ck_assert_uint_eq(gxca_token_module_count(m), 0);
	gxca_token_close(t);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

/* A token that does not answer: an error within the time limit, never a hang. */
START_TEST(test_mock_hang)
{
	gxca_ctx *ctx = test_ctx();
	mock_env("hang", "3");
	setenv("P11MOCK_HANG_MS", "1500", 1);
	gxca_token_module *m = open_module(ctx, TH_MOCK);
	ck_assert_int_eq(gxca_token_module_set_timeout(m, 200), GXCA_OK);
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, "mock"), GXCA_OK);
	ck_assert_int_eq(gxca_token_login(t, "123456"), GXCA_ETOKEN_TIMEOUT);
	ck_assert_int_eq(gxca_token_logout(t), GXCA_ETOKEN_TIMEOUT); /* wedged from now on */
	ck_assert_int_eq(gxca_token_module_refresh(m), GXCA_ETOKEN_TIMEOUT);
	gxca_token_close(t);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_alloc_failure)
{
	gxca_ctx *ctx = test_ctx();
	mock_env("", "3");
	gxca_token_module *m = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_token_module_open(&m, ctx, TH_MOCK), gxca_token_module_close(m));
	m = open_module(ctx, TH_MOCK);
	gxca_token *t = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_token_open(&t, m, "mock"), gxca_token_close(t));
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- SoftHSM2 life-cycle ---- */

static const gxca_token_info *find_info(gxca_token_module *m, const char *label)
{
	for (size_t i = 0; i < gxca_token_module_count(m); i++)
		if (strcmp(gxca_token_info_label(gxca_token_module_info(m, i)), label) == 0)
			return gxca_token_module_info(m, i);
	return NULL;
}

static void pin_steps(gxca_ctx *ctx, gxca_token *t)
{
	const gxca_token_info *i = NULL;
	/* The initial PIN is detected at login and must be changed. */
	ck_assert_int_eq(gxca_token_login(t, "123456"), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_MUST_CHANGE);
	ck_assert_int_eq(gxca_token_keygen(t, GXCA_KEY_EC_P256, "k", (const uint8_t *)"\1", 1), GXCA_ETOKEN_PIN_MUST_CHANGE);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", "123456"), GXCA_ETOKEN_PIN_POLICY);
	ck_assert_int_eq(gxca_token_change_pin(t, "654321", TH_PIN), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "old_pin");
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", TH_PIN), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(!(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_MUST_CHANGE));
	/* Logged in, a second login with a wrong PIN really fails (libp11 would say OK). */
	ck_assert_int_eq(gxca_token_login(t, "99999999"), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_int_eq(gxca_token_get_info(t, &i), GXCA_OK);
	ck_assert(gxca_token_info_flags(i) & GXCA_TOKEN_PIN_COUNT_LOW); /* fresh flags, not libp11's */
	ck_assert(!(gxca_token_info_flags(i) & GXCA_TOKEN_LOGGED_IN));
	/* UNLOCK with the SO PIN back to the initial PIN, then change again. */
	ck_assert_int_eq(gxca_token_unlock(t, "00000000", NULL), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_int_eq(gxca_token_unlock(t, TH_SO_PIN, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_token_login(t, TH_PIN), GXCA_ETOKEN_PIN_INCORRECT);
	ck_assert_int_eq(gxca_token_change_pin(t, "123456", TH_PIN), GXCA_OK);
	ck_assert_int_eq(gxca_token_logout(t), GXCA_OK);
	ck_assert_int_eq(gxca_token_login(t, TH_PIN), GXCA_OK);
}

static void key_steps(gxca_ctx *ctx, gxca_token *t, int alg, uint8_t id, long serial)
{
	gxca_key *k = NULL;
	size_t cert_len = 0;
	char uscc[19];
	th_uscc(uscc);
	uint8_t *cert = th_token_key_cert(t, alg, alg == GXCA_KEY_EC_P256 ? "sign-ec" : "sign-rsa", id, uscc, NULL, serial,
					  &k, &cert_len);
	ck_assert_int_eq(gxca_key_algorithm(k), alg);
	ck_assert_int_eq(gxca_token_keygen(t, alg, "again", &id, 1), GXCA_EEXISTS);
	ck_assert_int_eq(gxca_key_save_pem(k, "/tmp/never-written.pem", NULL), GXCA_EPERM);
	/* Sign on the token; verify with the key and with the certificate's key. */
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	ck_assert_int_eq(gxca_token_sign(t, k, (const uint8_t *)"bid", 3, &sig, &sig_len), GXCA_OK);
	ck_assert_int_eq(gxca_key_verify(k, (const uint8_t *)"bid", 3, sig, sig_len), GXCA_OK);
	ck_assert_int_eq(gxca_key_verify(k, (const uint8_t *)"bad", 3, sig, sig_len), GXCA_EBADSIG);
	gxca_free(sig);
	/* The stored certificate, found by id and by label. */
	uint8_t *got = NULL;
	size_t got_len = 0;
	ck_assert_int_eq(gxca_token_find_cert(t, NULL, &id, 1, &got, &got_len), GXCA_OK);
	ck_assert_uint_eq(got_len, cert_len);
	ck_assert_mem_eq(got, cert, cert_len);
	gxca_free(got);
	const char *label = alg == GXCA_KEY_EC_P256 ? "sign-ec" : "sign-rsa";
	ck_assert_int_eq(gxca_token_find_cert(t, label, NULL, 0, &got, &got_len), GXCA_OK);
	gxca_free(got);
	ck_assert_int_eq(gxca_token_find_cert(t, "nothing", NULL, 0, &got, &got_len), GXCA_ENOTFOUND);
	/* A key object alive: calls that would invalidate it are refused. */
	ck_assert_int_eq(gxca_token_logout(t), GXCA_ETOKEN_BUSY);
	ck_assert_int_eq(gxca_token_change_pin(t, TH_PIN, "13572468"), GXCA_ETOKEN_BUSY);
	gxca_key *by_label = NULL, *none = NULL;
	ck_assert_int_eq(gxca_token_get_key(&by_label, t, label, NULL, 0), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_key(&none, t, "no key", NULL, 0), GXCA_ETOKEN_NO_KEY);
	ck_assert_ptr_null(none);
	gxca_key_free(by_label);
	gxca_key_free(k);
	free(cert);
	(void)ctx;
}

static void seal_steps(gxca_token_module *m)
{
	gxca_token *master = th_token_ready(m, "master"), *second = th_token_ready(m, "secondary");
	const uint8_t seal[] = {0x30, 0x03, 0x02, 0x01, 0x05};
	int role = -1;
	uint8_t *got = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_token_get_role(second, &role), GXCA_OK);
	ck_assert_int_eq(role, GXCA_TOKEN_ROLE_UNSET);
	ck_assert_int_eq(gxca_token_store_seal(second, seal, sizeof seal, 0), GXCA_ETOKEN_ROLE);
	ck_assert_int_eq(gxca_token_set_role(master, GXCA_TOKEN_ROLE_MASTER), GXCA_OK);
	ck_assert_int_eq(gxca_token_set_role(second, GXCA_TOKEN_ROLE_SECONDARY), GXCA_OK);
	ck_assert_int_eq(gxca_token_get_role(master, &role), GXCA_OK);
	ck_assert_int_eq(role, GXCA_TOKEN_ROLE_MASTER);
	ck_assert_int_eq(gxca_token_read_seal(master, &got, &n), GXCA_ENOTFOUND);
	ck_assert_int_eq(gxca_token_store_seal(master, seal, sizeof seal, 0), GXCA_OK);
	ck_assert_int_eq(gxca_token_store_seal(master, seal, 4, 0), GXCA_OK); /* replaced */
	ck_assert_int_eq(gxca_token_read_seal(master, &got, &n), GXCA_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(got, seal, 4);
	gxca_free(got);
	ck_assert_int_eq(gxca_token_set_role(master, GXCA_TOKEN_ROLE_SECONDARY), GXCA_ESTATE);
	ck_assert_int_eq(gxca_token_store_seal(second, seal, sizeof seal, 0), GXCA_ETOKEN_SEAL_SECONDARY);
	ck_assert_int_eq(gxca_token_read_seal(second, &got, &n), GXCA_ENOTFOUND);
	ck_assert_int_eq(gxca_token_store_seal(second, seal, sizeof seal, GXCA_TOKEN_SEAL_ORDERED), GXCA_OK);
	gxca_token_close(master);
	gxca_token_close(second);
}

START_TEST(test_softhsm_lifecycle)
{
	gxca_ctx *ctx = test_ctx();
	gxca_token_module *m = open_module(ctx, th_module);
	ck_assert_str_eq(gxca_token_module_path(m), th_module);
	const gxca_token_info *mi = find_info(m, "master"), *si = find_info(m, "secondary");
	ck_assert_ptr_nonnull(mi);
	ck_assert_ptr_nonnull(si);
	ck_assert(gxca_token_info_flags(mi) & GXCA_TOKEN_INITIALIZED);
	ck_assert(gxca_token_info_flags(mi) & GXCA_TOKEN_USER_PIN_SET);
	ck_assert_str_ne(gxca_token_info_serial(mi), gxca_token_info_serial(si));
	ck_assert_str_eq(gxca_token_info_manufacturer(mi), "SoftHSM project");
	gxca_token *t = NULL;
	ck_assert_int_eq(gxca_token_open(&t, m, NULL), GXCA_ETOKEN_NOT_FOUND); /* two tokens */
	char serial[32];
	snprintf(serial, sizeof serial, "%s", gxca_token_info_serial(mi));
	ck_assert_int_eq(gxca_token_open(&t, m, serial), GXCA_OK); /* by serial */
	pin_steps(ctx, t);
	key_steps(ctx, t, GXCA_KEY_EC_P256, 1, 101);
	gxca_token_close(t);
	t = th_token_ready(m, "secondary");
	key_steps(ctx, t, GXCA_KEY_RSA2048, 2, 102);
	gxca_token_close(t);
	seal_steps(m);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

/* The environment variable names the module when no path is given. */
START_TEST(test_module_from_env)
{
	gxca_ctx *ctx = test_ctx();
	setenv("GXCA_PKCS11_MODULE", TH_MOCK, 1);
	mock_env("", "3");
	gxca_token_module *m = open_module(ctx, NULL);
	ck_assert_str_eq(gxca_token_module_path(m), TH_MOCK);
	gxca_token_module_close(m);
	unsetenv("GXCA_PKCS11_MODULE");
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("mock");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_null_and_garbage);
	tcase_add_test(tc, test_mock_pin_lock);
	tcase_add_test(tc, test_mock_refuses_sessions);
	tcase_add_test(tc, test_mock_removed);
	tcase_add_test(tc, test_module_from_env);
	tcase_add_test(tc, test_alloc_failure);
	tcase_add_test(tc, test_mock_hang); /* last: leaves the mock wedged in this process */
	suite_add_tcase(s, tc);
	if (have_softhsm) {
		tc = tcase_create("softhsm");
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, test_softhsm_lifecycle);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	have_softhsm = th_softhsm("master secondary");
	SRunner *sr = srunner_create(token_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	th_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
