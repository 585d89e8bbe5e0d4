/*
 * tests/unit/test-unload.c — the library loaded with dlopen() and unloaded
 * with dlclose(), as Lua and Python load it through their modules and drop
 * it when the interpreter closes. No thread may run the library's code once
 * a call has returned, or after it is unloaded: the token watchdog's worker
 * is joined when the call finished in time; when it did not, the library is
 * pinned in memory for the abandoned worker.
 *
 * This program is not linked with the library (that would keep it loaded).
 */
#include "common.h" /* its inline helpers call the library only if used */

#include <dirent.h>
#include <dlfcn.h>
#include <unistd.h>

/* Under AddressSanitizer: no leak check here. Unloading the library unloads
 * libp11 too, whose process-lifetime globals (its key methods) become
 * unreachable and would be reported, with unsymbolisable stacks. The other
 * C suites check the library's own leaks. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

#define LIB TEST_BUILDDIR "/lib/.libs/libgxca.so.1"
#define MOCK TEST_BUILDDIR "/tests/p11mock/.libs/p11mock.so"

static struct api {
	void *dl;
	int (*ctx_new)(gxca_ctx **);
	void (*ctx_free)(gxca_ctx *);
	int (*module_open)(gxca_token_module **, gxca_ctx *, const char *);
	int (*set_timeout)(gxca_token_module *, int);
	void (*module_close)(gxca_token_module *);
	int (*token_open)(gxca_token **, gxca_token_module *, const char *);
	int (*login)(gxca_token *, const char *);
	void (*token_close)(gxca_token *);
} api;

#define SYM(field, name) (*(void **)&api.field = dlsym(api.dl, name))

static void load(void)
{
	api.dl = dlopen(LIB, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(api.dl != NULL, "%s", dlerror());
	ck_assert(SYM(ctx_new, "gxca_ctx_new") && SYM(ctx_free, "gxca_ctx_free") &&
		  SYM(module_open, "gxca_token_module_open") && SYM(set_timeout, "gxca_token_module_set_timeout") &&
		  SYM(module_close, "gxca_token_module_close") && SYM(token_open, "gxca_token_open") &&
		  SYM(login, "gxca_token_login") && SYM(token_close, "gxca_token_close"));
}

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Open the mock token and log in; returns the login's status. */
static int mock_login(const char *mode, int timeout_ms)
{
	setenv("P11MOCK_MODE", mode, 1);
	setenv("P11MOCK_TRIES", "3", 1);
	setenv("P11MOCK_HANG_MS", "1000", 1);
	gxca_ctx *ctx = NULL;
	gxca_token_module *m = NULL;
	gxca_token *t = NULL;
	ck_assert_int_eq(api.ctx_new(&ctx), GXCA_OK);
	ck_assert_int_eq(api.module_open(&m, ctx, MOCK), GXCA_OK);
	ck_assert_int_eq(api.set_timeout(m, timeout_ms), GXCA_OK);
	ck_assert_int_eq(api.token_open(&t, m, "mock"), GXCA_OK);
	int rc = api.login(t, "000000");
	api.token_close(t);
	api.module_close(m);
	api.ctx_free(ctx);
	return rc;
}

START_TEST(test_calls_leave_no_thread)
{
	int before = threads();
	load();
	ck_assert_int_eq(mock_login("", 5000), GXCA_ETOKEN_PIN_INCORRECT);
	/* every token call ran in a worker; each was joined before returning */
	ck_assert_int_eq(threads(), before);
	ck_assert_int_eq(dlclose(api.dl), 0);
	ck_assert_ptr_null(dlopen(LIB, RTLD_LAZY | RTLD_NOLOAD)); /* really unloaded */
}
END_TEST

START_TEST(test_abandoned_worker_pins_the_library)
{
	load();
	ck_assert_int_eq(mock_login("hang", 200), GXCA_ETOKEN_TIMEOUT);
	ck_assert_int_eq(dlclose(api.dl), 0);
	void *still = dlopen(LIB, RTLD_LAZY | RTLD_NOLOAD);
	ck_assert_ptr_nonnull(still); /* pinned */
	dlclose(still);
	usleep(1500 * 1000); /* the worker comes back from the module into the library */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unload");
	TCase *tc = tcase_create("dlclose");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_calls_leave_no_thread);
	tcase_add_test(tc, test_abandoned_worker_pins_the_library);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(suite)
