#!/bin/sh
# After `make install` (staged with DESTDIR), a program built with
#   cc app.c $(pkg-config --cflags --libs gxca)
# runs. Usage: test-pkgconfig.sh BUILDDIR
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$build/_stage
rm -rf "$stage"
make -C "$build" install DESTDIR="$stage" >/dev/null
prefix=$(sed -n 's/^prefix=//p' "$build/pkgconfig/gxca.pc")
libdir=$(sed -n 's/^libdir=//p' "$build/pkgconfig/gxca.pc" | sed "s|\${exec_prefix}|$prefix|")
export PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_PATH="$stage$libdir/pkgconfig"
sed -n '/^```c$/,/^```$/p' "$top/README.md" | sed '1d;$d' > "$stage/app.c"
# shellcheck disable=SC2046
cc "$stage/app.c" $(pkg-config --cflags --libs gxca) -o "$stage/app"
out=$(LD_LIBRARY_PATH="$stage$libdir" "$stage/app")
[ "$out" = "350.00 CNY" ] || { echo "pkg-config test: got '$out'"; exit 1; }
echo "pkg-config test: README example built with pkg-config printed '$out'"
rm -rf "$stage"
