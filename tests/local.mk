## tests/ — Check unit tests (TAP), command-line tests, data.
## Unit tests link the convenience library so they can reach gxca__ internals
## (allocation-failure injection); tests/public/ programs use libgxca.so only.
UNIT_TESTS = \
	tests/unit/test-core \
	tests/unit/test-policy \
	tests/unit/test-identity \
	tests/unit/test-tariff \
	tests/unit/test-material \
	tests/unit/test-application

if HAVE_CHECK
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif

UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -DGXCA_BUILDING \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"' -DTEST_BUILDDIR='"$(abs_top_builddir)"' \
	$(CHECK_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
UNIT_LDADD = lib/libgxca-core.la $(CHECK_LIBS)

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

# Shell tests (the gxca command, pkg-config, exports): plain exit status.
SHELL_TESTS = \
	tests/cli/test-cli-domain.sh \
	tests/public/test-exports.sh \
	tests/public/test-headers.sh
TESTS += $(SHELL_TESTS)
EXTRA_DIST += $(SHELL_TESTS) tests/data tests/public/test-pkgconfig.sh

TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(SHELL) $(top_srcdir)/build-aux/test-driver
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	export top_srcdir top_builddir; \
	GXCA='$(abs_top_builddir)/tools/gxca'; export GXCA; \
	CK_TAP_LOG_FILE_NAME=-; export CK_TAP_LOG_FILE_NAME;
