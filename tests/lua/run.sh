#!/bin/sh
# Run the Lua tests of the gxca module with $(LUA_BIN) against the module and
# the library of the build tree. Each tests/lua/test-*.lua is one program.
set -u
: "${top_srcdir:?run me from make check}" "${top_builddir:?}"
lua=${GXCA_TEST_LUA:-lua5.4}
if [ "$lua" = ":" ] || ! command -v "$lua" >/dev/null 2>&1; then
  echo "run.sh: no Lua 5.4 interpreter" >&2
  exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
LUA_CPATH="$top_builddir/bindings/lua/.libs/?.so"
LUA_PATH="$top_srcdir/tests/lua/?.lua"
GXCA_TEST_DATA="$top_srcdir/tests/data"
GXCA_TEST_TMP=$tmp
export LUA_CPATH LUA_PATH GXCA_TEST_DATA GXCA_TEST_TMP
# Tokens: a private SoftHSM2 store for test-token.lua (skipped without SoftHSM2).
if GXCA_TEST_P11=$(sh "$top_srcdir/tests/softhsm/setup.sh" "$tmp/hsm" master secondary); then
  SOFTHSM2_CONF=$tmp/hsm/softhsm2.conf
  export GXCA_TEST_P11 SOFTHSM2_CONF
else
  GXCA_TEST_P11=
fi
# A sanitizer build: the interpreter is not instrumented, load the runtime first.
so="$top_builddir/lib/.libs/libgxca.so.1"
for rt in asan ubsan; do
  if ldd "$so" 2>/dev/null | grep -q "lib$rt"; then
    LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$(${CC:-cc} -print-file-name=lib$rt.so)"
    # Leaks of the interpreter itself are not ours: the C suites check leaks.
    export LD_PRELOAD ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  fi
done
rc=0 n=0
for t in "$top_srcdir"/tests/lua/test-*.lua; do
  n=$((n + 1))
  echo "# $(basename "$t")"   # which program, should one die before its first line
  "$lua" "$t" || { echo "# $(basename "$t"): exit status $?"; rc=1; }
done
[ "$n" -gt 0 ] || { echo "run.sh: no tests" >&2; exit 1; }
exit $rc
