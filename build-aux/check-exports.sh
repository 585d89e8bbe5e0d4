#!/bin/sh
# check-exports.sh SRCDIR LIBRARY — the exported symbols of LIBRARY, the
# names in lib/libgxca.map and the GXCA_API declarations of include/gxca/
# must be the same three sets.
set -eu
srcdir=$1; lib=$2
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRB]$/ {print $3}' | sed 's/@.*//' \
  | grep -v '^GXCA_' | sort -u > "$t/exported"
sed -e 's|/\*.*\*/||g' "$srcdir/lib/libgxca.map" | tr -d ' \t' \
  | grep -E '^gxca_[a-z0-9_]+;$' | tr -d ';' | sort -u > "$t/map"
cat "$srcdir"/include/gxca/*.h | tr '\n' ' ' | grep -o 'GXCA_API[^(;]*(' \
  | sed -E 's/.*[ *]([a-z0-9_]+) *\($/\1/' | grep '^gxca_' | sort -u > "$t/declared"
rc=0
if ! diff -u "$t/map" "$t/exported" > "$t/d1"; then
  echo "check-exports: map file (-) and library exports (+) differ:"; cat "$t/d1"; rc=1
fi
if ! diff -u "$t/map" "$t/declared" > "$t/d2"; then
  echo "check-exports: map file (-) and GXCA_API declarations (+) differ:"; cat "$t/d2"; rc=1
fi
[ $rc -eq 0 ] && echo "check-exports: $(wc -l < "$t/map") symbols agree (map = exports = headers)"
exit $rc
