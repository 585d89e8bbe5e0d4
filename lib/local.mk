## lib/ — the library. Everything is built once into a convenience library
## (used by the unit tests, which may reach internal gxca__ calls) and then
## wrapped into libgxca.so with the version script (the public ABI).
noinst_LTLIBRARIES += lib/libgxca-core.la
lib_LTLIBRARIES += lib/libgxca.la

GXCA_PUBLIC_HDRS = \
	include/gxca/gxca.h \
	include/gxca/common.h \
	include/gxca/error.h \
	include/gxca/ctx.h \
	include/gxca/report.h \
	include/gxca/policy.h \
	include/gxca/identity.h \
	include/gxca/tariff.h \
	include/gxca/material.h \
	include/gxca/application.h \
	include/gxca/key.h \
	include/gxca/eseal.h \
	include/gxca/image.h \
	include/gxca/seal.h \
	include/gxca/token.h \
	include/gxca/envelope.h \
	include/gxca/login.h \
	include/gxca/cert.h \
	include/gxca/ca.h

gxcaincludedir = $(includedir)/gxca
gxcainclude_HEADERS = $(GXCA_PUBLIC_HDRS)
nodist_gxcainclude_HEADERS = include/gxca/version.h
EXTRA_DIST += include/gxca/version.h.in

lib_libgxca_core_la_SOURCES = \
	lib/gxca-private.h \
	lib/errors.def \
	lib/error.c \
	lib/ctx.c \
	lib/memory.c \
	lib/report.c \
	lib/json.c \
	lib/json-private.h \
	lib/policy.c \
	lib/policy-private.h \
	lib/calendar.c \
	lib/site.c \
	lib/identity.c \
	lib/tariff.c \
	lib/material.c \
	lib/zip.c \
	lib/zip-private.h \
	lib/application.c \
	lib/key.c \
	lib/key-private.h \
	lib/eseal.c \
	lib/eseal-esign.c \
	lib/eseal-asn1.c \
	lib/eseal-verify.c \
	lib/eseal-private.h \
	lib/image.c \
	lib/seal.c \
	lib/token.c \
	lib/envelope.c \
	lib/login.c \
	lib/p11-raw.c \
	lib/p11-raw-private.h \
	lib/cert.c \
	lib/cert-private.h \
	lib/registry.c \
	lib/registry-private.h \
	lib/ca.c \
	lib/ca-issue.c \
	lib/ca-revoke.c \
	lib/ca-pkcs11.c \
	lib/ca-private.h
nodist_lib_libgxca_core_la_SOURCES = lib/policy-default.c
lib_libgxca_core_la_CPPFLAGS = $(AM_CPPFLAGS) -DGXCA_BUILDING \
	$(OPENSSL_CFLAGS) $(JSONC_CFLAGS) $(ZLIB_CFLAGS) $(SQLITE_CFLAGS) \
	$(PNG_CFLAGS) $(FREETYPE_CFLAGS) $(FONTCONFIG_CFLAGS) $(LIBP11_CFLAGS) $(P11KIT_CFLAGS)
lib_libgxca_core_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) -fvisibility=hidden
lib_libgxca_core_la_LIBADD = $(OPENSSL_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS) $(SQLITE_LIBS) \
	$(PNG_LIBS) $(FREETYPE_LIBS) $(FONTCONFIG_LIBS) $(LIBP11_LIBS) $(PTHREAD_LIBS) -lm

lib/policy-default.c: $(top_srcdir)/lib/policy-default.json $(top_srcdir)/build-aux/bin2c.sh
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/build-aux/bin2c.sh gxca__policy_default_json \
	  $(top_srcdir)/lib/policy-default.json > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += lib/policy-default.c
CLEANFILES += lib/policy-default.c
EXTRA_DIST += lib/policy-default.json lib/libgxca.map

lib_libgxca_la_SOURCES =
lib_libgxca_la_LIBADD = lib/libgxca-core.la
lib_libgxca_la_LDFLAGS = -no-undefined \
	-version-info $(GXCA_LT_CURRENT):$(GXCA_LT_REVISION):$(GXCA_LT_AGE)
if HAVE_LD_VERSION_SCRIPT
lib_libgxca_la_LDFLAGS += -Wl,--version-script=$(srcdir)/lib/libgxca.map
else
lib_libgxca_la_LDFLAGS += -export-symbols-regex '^gxca_[a-z]'
endif
EXTRA_lib_libgxca_la_DEPENDENCIES = $(srcdir)/lib/libgxca.map
