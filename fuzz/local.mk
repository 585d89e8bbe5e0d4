## fuzz/ — fuzz targets. `make check` replays each corpus (fuzz/replay.c, TAP);
## coverage-guided fuzzing: sh build-aux/fuzz.sh TARGET SECONDS (doc/fuzzing.md).
FUZZ_TARGETS = fuzz/fuzz_policy fuzz/fuzz_identity fuzz/fuzz_application
FUZZ_TARGETS += fuzz/fuzz_cert
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += $(FUZZ_TARGETS)
EXTRA_DIST += fuzz/corpus

fuzz_fuzz_policy_SOURCES = fuzz/fuzz_policy.c fuzz/replay.c
fuzz_fuzz_policy_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/policy"'
fuzz_fuzz_policy_LDADD = lib/libgxca-core.la

fuzz_fuzz_identity_SOURCES = fuzz/fuzz_identity.c fuzz/replay.c
fuzz_fuzz_identity_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/identity"'
fuzz_fuzz_identity_LDADD = lib/libgxca-core.la

fuzz_fuzz_cert_SOURCES = fuzz/fuzz_cert.c fuzz/replay.c
fuzz_fuzz_cert_CPPFLAGS = $(AM_CPPFLAGS) -DGXCA_BUILDING $(OPENSSL_CFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/cert"'
fuzz_fuzz_cert_LDADD = lib/libgxca-core.la $(OPENSSL_LIBS)

fuzz_fuzz_application_SOURCES = fuzz/fuzz_application.c fuzz/replay.c
fuzz_fuzz_application_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/application"'
fuzz_fuzz_application_LDADD = lib/libgxca-core.la

FUZZ_TARGETS += fuzz/fuzz_png fuzz/fuzz_ses
fuzz_fuzz_png_SOURCES = fuzz/fuzz_png.c fuzz/replay.c
fuzz_fuzz_png_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/png"'
fuzz_fuzz_png_LDADD = lib/libgxca-core.la
fuzz_fuzz_ses_SOURCES = fuzz/fuzz_ses.c fuzz/replay.c
fuzz_fuzz_ses_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/ses"'
fuzz_fuzz_ses_LDADD = lib/libgxca-core.la
