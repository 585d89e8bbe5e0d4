#!/bin/sh
# tests/softhsm/setup.sh DIR [LABEL...] — make a private SoftHSM2 store in DIR
# with one token per LABEL (default: master secondary), user PIN 123456 (the
# initial PIN of the policy) and SO PIN 12345678. Prints the module path.
# Exit 77 (skip) only when SoftHSM2 is not installed.
set -eu
dir=$1; shift
[ $# -gt 0 ] || set -- master secondary
command -v softhsm2-util >/dev/null 2>&1 || { echo "softhsm2-util not found" >&2; exit 77; }
module=
for m in ${SOFTHSM2_MODULE:-} /usr/lib/softhsm/libsofthsm2.so \
         /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/softhsm/libsofthsm2.so \
         /usr/local/lib/softhsm/libsofthsm2.so; do
  [ -n "$m" ] && [ -f "$m" ] && { module=$m; break; }
done
[ -n "$module" ] || { echo "libsofthsm2.so not found" >&2; exit 77; }
mkdir -p "$dir/tokens"
cat > "$dir/softhsm2.conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = true
CONF
SOFTHSM2_CONF=$dir/softhsm2.conf; export SOFTHSM2_CONF
for label in "$@"; do
  softhsm2-util --init-token --free --label "$label" --so-pin 12345678 --pin 123456 >/dev/null
done
echo "$module"
