#!/bin/sh
# check-man.sh SRCDIR — every name in lib/libgxca.map must appear in an .Nm
# line of a section-3 man page under doc/man/.
set -eu
srcdir=$1
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
sed -e 's|/\*.*\*/||g' "$srcdir/lib/libgxca.map" | tr -d ' \t' \
  | grep -E '^gxca_[a-z0-9_]+;$' | tr -d ';' | sort -u > "$t/map"
cat "$srcdir"/doc/man/*.3 2>/dev/null | sed -n 's/^\.Nm  *\([a-z0-9_]*\).*/\1/p' | sort -u > "$t/doc"
missing=$(comm -23 "$t/map" "$t/doc")
if [ -n "$missing" ]; then
  echo "check-man: exported but undocumented (no .Nm in doc/man/*.3):"; echo "$missing"; exit 1
fi
echo "check-man: all $(wc -l < "$t/map") exports documented"
