#!/bin/sh
# `gxca demo` end to end in a fresh directory (its own SoftHSM2 tokens), then
# its outputs checked with the openssl command line and unzip.
set -u
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
out=$t/demo
n=0; fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
if env -u SOFTHSM2_CONF "$GXCA" --lang en demo --out "$out" >"$t/log" 2>&1; then ok "gxca demo"; else bad "gxca demo"; cat "$t/log"; fi
grep -q 'demo complete' "$t/log" && ok "demo complete" || bad "no 'demo complete'"
for f in "$out"/master-enc.pem "$out"/secondary-enc.pem "$out"/master-sign.pem; do
  if openssl x509 -in "$f" -noout -subject >/dev/null 2>&1; then ok "openssl reads $(basename "$f")"; else bad "openssl x509 $f"; fi
done
old=$(sed -n 's/.*reissued: \([0-9A-F]*\) -> .*/\1/p' "$t/log")
if [ -n "$old" ] && openssl crl -in "$out/ca/crl.pem" -noout -text 2>/dev/null | tr -d ' :' | grep -qi "$old"; then
  ok "CRL lists the reissued certificate $old"; else bad "CRL does not list '$old'"; fi
for z in "$out"/*.zip; do
  if unzip -tqq "$z" >/dev/null 2>&1; then ok "unzip -t $(basename "$z")"; else bad "unzip -t $z"; fi
done
for who in master secondary; do
  if cmp -s "$out/bid-file.pdf" "$out/bid-file.$who.pdf"; then ok "bid file opened by the $who token"; else bad "bid file $who"; fi
done
[ "$(stat -c %a "$out/master-sign.key")" = 600 ] && ok "key file 0600" || bad "key file mode"
if "$GXCA" validate "$out/app-person.json" >/dev/null 2>&1; then ok "saved application reloads"; else bad "reload app-person.json"; fi
echo "1..$n"
exit $fail
