## bindings/lua/ — the Lua 5.4 C module "gxca" (gxca.so) and its tests.
## Linked to libgxca only, never to liblua (the interpreter provides it);
## installed into $(luacmoddir), ${libdir}/lua/5.4 unless configure is told
## otherwise (--with-lua-cmoddir), so that distcheck stays inside $(prefix).
LUA_TEST_FILES = \
	tests/lua/test-core.lua \
	tests/lua/test-demo.lua \
	tests/lua/test-key.lua \
	tests/lua/test-pki.lua \
	tests/lua/test-token.lua

if HAVE_LUA
luacmod_LTLIBRARIES = bindings/lua/gxca.la
bindings_lua_gxca_la_SOURCES = bindings/lua/gxca.c
bindings_lua_gxca_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_builddir)/include $(LUA_CFLAGS)
bindings_lua_gxca_la_LDFLAGS = -module -avoid-version -shared
bindings_lua_gxca_la_LIBADD = lib/libgxca.la
TESTS += tests/lua/run.sh
endif

AM_TESTS_ENVIRONMENT += GXCA_TEST_LUA='$(LUA_BIN)'; export GXCA_TEST_LUA;
EXTRA_DIST += tests/lua/run.sh tests/lua/testlib.lua $(LUA_TEST_FILES)
dist_man_MANS += doc/man/gxca-lua.3
