/*
 * tests/common.h — shared helpers of the Check unit tests.
 */
#ifndef GXCA_TESTS_COMMON_H
#define GXCA_TESTS_COMMON_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

/* Internal hook (lib/memory.c), reachable because tests link the core library. */
long gxca__alloc_fail_after(long n);

/* Suites write TAP (CK_TAP_LOG_FILE_NAME=- in AM_TESTS_ENVIRONMENT). */
#define MAIN(suite_fn)                                                   \
	int main(void)                                                   \
	{                                                                \
		SRunner *sr = srunner_create(suite_fn());                \
		srunner_run_all(sr, CK_ENV);                             \
		int failed = srunner_ntests_failed(sr);                  \
		srunner_free(sr);                                        \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;        \
	}

static inline gxca_ctx *test_ctx(void)
{
	gxca_ctx *ctx = NULL;
	ck_assert_int_eq(gxca_ctx_new(&ctx), GXCA_OK);
	ck_assert_ptr_nonnull(ctx);
	return ctx;
}

/* Last error code and name of ctx, for assertions. */
#define ck_assert_last_error(ctx, code_)                                                   \
	do {                                                                               \
		const gxca_error *e_ = gxca_ctx_last_error(ctx);                           \
		ck_assert_msg(gxca_error_code(e_) == (code_), "last error %s (%s), want %s", \
			      gxca_error_name(e_), gxca_error_message(e_),                 \
			      gxca_error_name_of(code_));                                  \
	} while (0)

/*
 * Allocation-failure injection: run `call` (an expression using ctx and
 * returning int) failing the 0th, 1st, ... allocation until it succeeds.
 * Each failing run must return GXCA_ENOMEM; cleanup releases what a
 * successful run made. Leaks show under ASan/valgrind.
 */
#define FOR_EACH_ALLOC_FAILURE(call, cleanup)                                          \
	do {                                                                           \
		for (long n_ = 0; n_ < 100000; n_++) {                                 \
			gxca__alloc_fail_after(n_);                                    \
			int rc_ = (call);                                              \
			gxca__alloc_fail_after(-1);                                    \
			if (rc_ == GXCA_OK) {                                          \
				cleanup;                                               \
				break;                                                 \
			}                                                              \
			ck_assert_msg(rc_ == GXCA_ENOMEM,                              \
				      "allocation %ld failed: got %s, want GXCA_ENOMEM", n_, \
				      gxca_error_name_of(rc_));                        \
		}                                                                      \
	} while (0)

/* Read a whole file (test data); caller frees. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

#endif
