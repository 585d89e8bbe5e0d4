#!/bin/sh
# Every public header compiles on its own, as C (c99, c11) and as C++, with
# warnings as errors, and names no OpenSSL/json-c/SQLite/libp11/libpng type.
set -u
CC=${CC:-cc}
CXX=${CXX:-c++}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
inc="-I$top_srcdir/include -I$top_builddir/include"
fail=0; n=0
for h in "$top_srcdir"/include/gxca/*.h; do
  name=gxca/$(basename "$h")
  [ "$name" = gxca/openssl.h ] && continue   # the weaker-promise interop header
  printf '#include <%s>\n#include <%s>\nint main(void) { return 0; }\n' "$name" "$name" > "$t/a.c"
  for std in c99 c11; do
    n=$((n + 1))
    if $CC -std=$std -Wall -Wextra -Werror -pedantic $inc -c "$t/a.c" -o "$t/a.o" 2>"$t/err"; then
      echo "ok $n - $name ($std)"; else echo "not ok $n - $name ($std)"; cat "$t/err"; fail=1; fi
  done
  cp "$t/a.c" "$t/a.cc"; n=$((n + 1))
  if command -v "$CXX" >/dev/null 2>&1; then
    if $CXX -Wall -Wextra -Werror $inc -c "$t/a.cc" -o "$t/a.o" 2>"$t/err"; then
      echo "ok $n - $name (c++)"; else echo "not ok $n - $name (c++)"; cat "$t/err"; fail=1; fi
  else echo "ok $n - $name (c++) # SKIP no C++ compiler"; fi
  n=$((n + 1))
  if grep -En '\b(EVP_|X509|BIO\b|json_object|sqlite3|PKCS11_|png_struct|FT_)' "$h" | grep -v '^\s*[0-9]*:\s*\*' >"$t/leak"; then
    echo "not ok $n - $name names a dependency type"; cat "$t/leak"; fail=1
  else echo "ok $n - $name keeps dependency types out"; fi
done
echo "1..$n"
exit $fail
