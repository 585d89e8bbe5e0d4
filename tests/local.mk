## tests/ — Check unit tests (TAP), command-line tests, data.
## Unit tests link the convenience library so they can reach gxca__ internals
## (allocation-failure injection); tests/public/ programs use libgxca.so only.
UNIT_TESTS = \
	tests/unit/test-threads \
	tests/unit/test-core \
	tests/unit/test-image \
	tests/unit/test-seal \
	tests/unit/test-policy \
	tests/unit/test-identity \
	tests/unit/test-tariff \
	tests/unit/test-material \
	tests/unit/test-application \
	tests/unit/test-token \
	tests/unit/test-unload \
	tests/unit/test-envelope \
	tests/unit/test-login \
	tests/unit/test-eseal \
	tests/unit/test-ca \
	tests/unit/test-cert \
	tests/unit/test-registry

if HAVE_CHECK
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif

UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -DGXCA_BUILDING \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"' -DTEST_BUILDDIR='"$(abs_top_builddir)"' \
	$(CHECK_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
UNIT_LDADD = lib/libgxca-core.la $(CHECK_LIBS)

tests_unit_test_threads_SOURCES = tests/unit/test-threads.c tests/common.h
tests_unit_test_threads_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_threads_LDADD = $(UNIT_LDADD) $(PTHREAD_LIBS)
tests_unit_test_core_SOURCES = tests/unit/test-core.c tests/common.h
tests_unit_test_core_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_core_LDADD = $(UNIT_LDADD)
tests_unit_test_policy_SOURCES = tests/unit/test-policy.c tests/common.h
tests_unit_test_policy_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_policy_LDADD = $(UNIT_LDADD)
tests_unit_test_identity_SOURCES = tests/unit/test-identity.c tests/common.h
tests_unit_test_identity_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_identity_LDADD = $(UNIT_LDADD)
tests_unit_test_tariff_SOURCES = tests/unit/test-tariff.c tests/common.h
tests_unit_test_tariff_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_tariff_LDADD = $(UNIT_LDADD)
tests_unit_test_material_SOURCES = tests/unit/test-material.c tests/common.h
tests_unit_test_material_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_material_LDADD = $(UNIT_LDADD)
tests_unit_test_application_SOURCES = tests/unit/test-application.c tests/common.h
tests_unit_test_application_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_application_LDADD = $(UNIT_LDADD)
tests_unit_test_ca_SOURCES = tests/unit/test-ca.c tests/unit/ca-util.h tests/unit/token-helper.h tests/common.h
tests_unit_test_ca_CPPFLAGS = $(UNIT_CPPFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_ca_LDADD = $(UNIT_LDADD) $(JSONC_LIBS) $(OPENSSL_LIBS)
tests_unit_test_cert_SOURCES = tests/unit/test-cert.c tests/unit/ca-util.h tests/common.h
tests_unit_test_cert_CPPFLAGS = $(UNIT_CPPFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_cert_LDADD = $(UNIT_LDADD) $(JSONC_LIBS) $(OPENSSL_LIBS)
tests_unit_test_registry_SOURCES = tests/unit/test-registry.c tests/unit/ca-util.h tests/common.h
tests_unit_test_registry_CPPFLAGS = $(UNIT_CPPFLAGS) $(SQLITE_CFLAGS) $(PTHREAD_CFLAGS)
tests_unit_test_registry_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_unit_test_registry_LDADD = $(UNIT_LDADD) $(JSONC_LIBS) $(OPENSSL_LIBS) $(SQLITE_LIBS) $(PTHREAD_LIBS)
tests_unit_test_image_SOURCES = tests/unit/test-image.c tests/common.h
tests_unit_test_image_CPPFLAGS = $(UNIT_CPPFLAGS) $(PNG_CFLAGS) $(ZLIB_CFLAGS)
tests_unit_test_image_LDADD = $(UNIT_LDADD) $(PNG_LIBS) $(ZLIB_LIBS) -lm
tests_unit_test_seal_SOURCES = tests/unit/test-seal.c tests/common.h
tests_unit_test_seal_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_seal_LDADD = $(UNIT_LDADD) -lm
tests_unit_test_eseal_SOURCES = tests/unit/test-eseal.c tests/common.h
tests_unit_test_eseal_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_eseal_LDADD = $(UNIT_LDADD) $(JSONC_LIBS) $(OPENSSL_LIBS)

# Token tests: SoftHSM2 stores made by tests/softhsm/setup.sh, and the mock
# PKCS#11 module (PIN lock, removal, refused sessions, hang).
check_LTLIBRARIES = tests/p11mock/p11mock.la
tests_p11mock_p11mock_la_SOURCES = tests/p11mock/p11mock.c
tests_p11mock_p11mock_la_CPPFLAGS = $(AM_CPPFLAGS) $(P11KIT_CFLAGS)
tests_p11mock_p11mock_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
TOKEN_TEST_SOURCES = tests/common.h tests/unit/token-helper.h
tests_unit_test_token_SOURCES = tests/unit/test-token.c $(TOKEN_TEST_SOURCES)
tests_unit_test_token_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_token_LDADD = $(UNIT_LDADD) $(OPENSSL_LIBS)
tests_unit_test_token_DEPENDENCIES = lib/libgxca-core.la tests/p11mock/p11mock.la
# Not linked with the library: it dlopen()s and dlclose()s it.
tests_unit_test_unload_SOURCES = tests/unit/test-unload.c
tests_unit_test_unload_SOURCES += tests/common.h
tests_unit_test_unload_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -DTEST_BUILDDIR='"$(abs_top_builddir)"' $(CHECK_CFLAGS)
tests_unit_test_unload_LDADD = $(CHECK_LIBS)
tests_unit_test_unload_DEPENDENCIES = lib/libgxca.la tests/p11mock/p11mock.la
tests_unit_test_envelope_SOURCES = tests/unit/test-envelope.c $(TOKEN_TEST_SOURCES)
tests_unit_test_envelope_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_envelope_LDADD = $(UNIT_LDADD) $(OPENSSL_LIBS)
tests_unit_test_login_SOURCES = tests/unit/test-login.c $(TOKEN_TEST_SOURCES)
tests_unit_test_login_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_login_LDADD = $(UNIT_LDADD) $(OPENSSL_LIBS)
EXTRA_DIST += tests/softhsm/setup.sh

# tests/ca: certificates made by the library, checked with the openssl command.
check_PROGRAMS += tests/ca/ca-fixture
tests_ca_ca_fixture_SOURCES = tests/ca/ca-fixture.c
tests_ca_ca_fixture_CPPFLAGS = $(AM_CPPFLAGS) -DGXCA_BUILDING $(OPENSSL_CFLAGS)
tests_ca_ca_fixture_LDADD = lib/libgxca-core.la $(OPENSSL_LIBS)

# Shell tests (the gxca command, pkg-config, exports): plain exit status.
SHELL_TESTS = \
	tests/cli/test-cli-domain.sh \
	tests/cli/test-cli-token.sh \
	tests/cli/test-cli-seal.sh \
	tests/cli/test-demo.sh \
	tests/public/test-exports.sh \
	tests/public/test-headers.sh \
	tests/ca/test-openssl-interop.sh \
	tests/cli/test-cli-ca.sh
TESTS += $(SHELL_TESTS)
EXTRA_DIST += $(SHELL_TESTS) tests/data tests/public/test-pkgconfig.sh

TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(SHELL) $(top_srcdir)/build-aux/test-driver
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	export top_srcdir top_builddir; \
	GXCA='$(abs_top_builddir)/tools/gxca'; export GXCA; \
	CK_TAP_LOG_FILE_NAME=-; export CK_TAP_LOG_FILE_NAME; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/build-aux/lsan.supp:print_suppressions=0"; export LSAN_OPTIONS;
