#!/bin/sh
# Exports = map = headers, and every export documented (skipped for now in docs).
set -eu
exec "$top_srcdir/build-aux/check-exports.sh" "$top_srcdir" "$top_builddir/lib/.libs/libgxca.so.1"
