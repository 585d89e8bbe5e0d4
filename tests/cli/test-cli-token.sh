#!/bin/sh
# The gxca command, token part: gxca token, envelope, login against SoftHSM2
# tokens in a temporary directory. Run by make check with GXCA set to the
# built tool and top_srcdir to the source tree. Exit 77 without SoftHSM2.
set -u
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
module=$(sh "$top_srcdir/tests/softhsm/setup.sh" "$t/hsm" master secondary) || exit 77
SOFTHSM2_CONF=$t/hsm/softhsm2.conf; export SOFTHSM2_CONF
GXCA_PKCS11_MODULE=$module; export GXCA_PKCS11_MODULE
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
# expect CODE DESCRIPTION -- command...   (stdout to $t/out, stderr to $t/err)
expect() {
  want=$1; desc=$2; shift 3
  "$@" >"$t/out" 2>"$t/err" </dev/null; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else bad "$desc (exit $got, want $want)"; cat "$t/err"; fi
}
has() { if grep -q -- "$2" "$t/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; cat "$t/$1"; fi; }
hasnt() { if grep -q -- "$2" "$t/$1"; then bad "$3: '$2' in $1"; else ok "$3"; fi; }

printf '123456\n' > "$t/initial.pin"
printf '24681357\n' > "$t/user.pin"
printf '99999999\n' > "$t/wrong.pin"
printf '12345678\n' > "$t/so.pin"

# list, info
expect 0 "token list" -- "$GXCA" --json token list
has out '"label":"master"' "master token listed"
hasnt out 'pin-must-change' "flag only known after a login"
expect 0 "token info with the initial PIN" -- "$GXCA" --json token info --token master --pin-file "$t/initial.pin"
has out 'pin-must-change' "initial PIN reported as must-change"
expect 0 "token list with --module" -- "$GXCA" --lang en token list --module "$module"
has out 'secondary' "secondary token listed"
expect 1 "two tokens: --token needed" -- "$GXCA" token info
has err 'GXCA_ETOKEN_NOT_FOUND' "which token is ambiguous"
expect 1 "unknown token" -- "$GXCA" token info --token nosuch
expect 0 "token info" -- "$GXCA" --json token info --token master
has out '"serial":' "info has the serial"
expect 1 "module that cannot load" -- "$GXCA" token list --module /nonexistent.so

# PIN handling
expect 2 "PIN on the command line refused" -- "$GXCA" token change-pin --token master --pin 123456 --new-pin-file "$t/user.pin"
expect 2 "change-pin without new PIN" -- "$GXCA" token change-pin --token master --pin-file "$t/initial.pin"
expect 2 "missing PIN file" -- "$GXCA" token change-pin --token master --pin-file "$t/none" --new-pin-file "$t/user.pin"
expect 1 "new PIN = initial PIN refused" -- "$GXCA" token change-pin --token master --pin-file "$t/initial.pin" --new-pin-file "$t/initial.pin"
has err 'GXCA_ETOKEN_PIN_POLICY' "policy error code"
expect 1 "wrong old PIN" -- "$GXCA" token change-pin --token master --pin-file "$t/wrong.pin" --new-pin-file "$t/user.pin"
hasnt err '99999999' "wrong PIN not echoed"
expect 0 "change PIN" -- "$GXCA" token change-pin --token master --pin-file "$t/initial.pin" --new-pin-file "$t/user.pin"
hasnt out '24681357' "new PIN not printed"
expect 0 "change PIN of secondary (env)" -- env PIN1=123456 PIN2=24681357 "$GXCA" token change-pin --token secondary --pin-env PIN1 --new-pin-env PIN2
expect 2 "unset PIN variable" -- "$GXCA" token keygen --token master --pin-env NO_SUCH_VAR_X --id 01 --label k
expect 1 "wrong PIN on keygen" -- "$GXCA" token keygen --token master --pin-file "$t/wrong.pin" --id 01 --label k
has err 'GXCA_ETOKEN_PIN' "wrong PIN code"
expect 0 "unlock with SO PIN" -- "$GXCA" token unlock --token master --so-pin-file "$t/so.pin" --new-pin-file "$t/user.pin"
expect 1 "unlock with wrong SO PIN" -- "$GXCA" token unlock --token master --so-pin-file "$t/wrong.pin" --new-pin-file "$t/user.pin"

# keys
expect 2 "keygen bad alg" -- "$GXCA" token keygen --token master --pin-file "$t/user.pin" --alg dsa --id 01 --label k
expect 2 "keygen bad id" -- "$GXCA" token keygen --token master --pin-file "$t/user.pin" --id zz --label k
expect 2 "keygen without id" -- "$GXCA" token keygen --token master --pin-file "$t/user.pin" --label k
expect 0 "keygen EC P-256" -- "$GXCA" token keygen --token master --pin-file "$t/user.pin" --alg ec-p256 --id 01 --label sign
expect 1 "keygen same id again" -- "$GXCA" token keygen --token master --pin-file "$t/user.pin" --id 01 --label sign
has err 'GXCA_EEXISTS' "existing id reported"
expect 0 "keygen RSA-2048 (PIN on stdin)" -- sh -c '"$0" token keygen --token master --pin-stdin --alg rsa2048 --id 02 --label enc < "$1"' "$GXCA" "$t/user.pin"
expect 0 "csr" -- "$GXCA" token csr --token master --pin-file "$t/user.pin" --id 01 --subject "/C=CN/O=南通某某建设有限公司/CN=张三" --out "$t/req.pem"
if openssl req -in "$t/req.pem" -verify -noout >/dev/null 2>&1; then ok "openssl verifies the CSR"; else bad "openssl verifies the CSR"; fi
expect 0 "csr RSA key, DER" -- "$GXCA" token csr --token master --pin-file "$t/user.pin" --label enc --subject "/C=CN/CN=enc" --der --out "$t/req2.der"
expect 2 "csr without subject" -- "$GXCA" token csr --token master --pin-file "$t/user.pin" --id 01
expect 1 "csr for a missing key" -- "$GXCA" token csr --token master --pin-file "$t/user.pin" --id 09 --subject /CN=x

# certificate from a small openssl CA, stored on the token
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" -out "$t/ca.pem" \
  -subj "/C=CN/CN=gxca test CA" -days 30 >/dev/null 2>&1
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation,keyEncipherment,keyAgreement\n' > "$t/ext.cnf"
openssl x509 -req -in "$t/req.pem" -CA "$t/ca.pem" -CAkey "$t/ca.key" -set_serial 0x1001 -days 10 -extfile "$t/ext.cnf" -out "$t/tok.pem" >/dev/null 2>&1
openssl x509 -req -inform DER -in "$t/req2.der" -CA "$t/ca.pem" -CAkey "$t/ca.key" -set_serial 0x1002 -days 10 -extfile "$t/ext.cnf" -out "$t/tok2.pem" >/dev/null 2>&1
expect 0 "import-cert" -- "$GXCA" token import-cert --token master --pin-file "$t/user.pin" --in "$t/tok.pem"
expect 0 "import-cert RSA" -- "$GXCA" token import-cert --token master --pin-file "$t/user.pin" --in "$t/tok2.pem"
expect 1 "import-cert without matching key" -- "$GXCA" token import-cert --token secondary --pin-file "$t/user.pin" --in "$t/tok.pem"
expect 2 "import-cert missing file" -- "$GXCA" token import-cert --token master --pin-file "$t/user.pin" --in "$t/none.pem"

# sign
printf 'bid file body\n' > "$t/data.txt"
expect 0 "sign" -- "$GXCA" token sign --token master --pin-file "$t/user.pin" --id 01 --in "$t/data.txt" --out "$t/data.sig"
openssl x509 -in "$t/tok.pem" -pubkey -noout > "$t/tok.pub"
if openssl dgst -sha256 -verify "$t/tok.pub" -signature "$t/data.sig" "$t/data.txt" >/dev/null 2>&1; then
  ok "openssl verifies the token signature"; else bad "openssl verifies the token signature"; fi
expect 0 "sign --json" -- "$GXCA" --json token sign --token master --pin-file "$t/user.pin" --id 01 --in "$t/data.txt"
has out '"signature":"' "base64 signature in JSON"
expect 1 "sign with wrong PIN" -- "$GXCA" token sign --token master --pin-file "$t/wrong.pin" --id 01 --in "$t/data.txt"
expect 2 "sign without --in" -- "$GXCA" token sign --token master --pin-file "$t/user.pin" --id 01
expect 2 "unknown verb" -- "$GXCA" token frob
expect 2 "stray argument" -- "$GXCA" token list extra

# envelope to a software certificate (openssl) and to the token certificate
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/soft.key" -out "$t/soft.pem" -subj "/C=CN/CN=soft" -days 10 >/dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/softec.key" -out "$t/softec.pem" -subj "/C=CN/CN=softec" -days 10 >/dev/null 2>&1
head -c 300000 /dev/urandom > "$t/bid.bin"
for cipher in aes-256-gcm aes-256-cbc sm4-cbc; do
  expect 0 "encrypt $cipher to 2 software + 1 token cert" -- "$GXCA" envelope encrypt --cipher $cipher --to "$t/soft.pem" --to "$t/softec.pem" --to "$t/tok.pem" "$t/bid.bin" "$t/bid.$cipher"
  expect 0 "decrypt $cipher with RSA software key" -- "$GXCA" envelope decrypt --key "$t/soft.key" --cert "$t/soft.pem" "$t/bid.$cipher" "$t/out.$cipher"
  if cmp -s "$t/bid.bin" "$t/out.$cipher"; then ok "$cipher round trip"; else bad "$cipher round trip"; fi
done
expect 0 "decrypt with EC software key" -- "$GXCA" envelope decrypt --key "$t/softec.key" --cert "$t/softec.pem" "$t/bid.aes-256-gcm" "$t/out.ec"
if cmp -s "$t/bid.bin" "$t/out.ec"; then ok "EC round trip"; else bad "EC round trip"; fi
expect 0 "decrypt with the token key (certificate from the token)" -- "$GXCA" envelope decrypt --token master --pin-file "$t/user.pin" --id 01 "$t/bid.aes-256-cbc" "$t/out.tok"
if cmp -s "$t/bid.bin" "$t/out.tok"; then ok "token round trip"; else bad "token round trip"; fi
if openssl cms -decrypt -inform DER -in "$t/bid.aes-256-cbc" -recip "$t/soft.pem" -inkey "$t/soft.key" -out "$t/out.ossl" 2>/dev/null && cmp -s "$t/bid.bin" "$t/out.ossl"; then
  ok "openssl cms opens our envelope"; else bad "openssl cms opens our envelope"; fi
expect 0 "encrypt to RSA token cert only" -- "$GXCA" envelope encrypt --to "$t/tok2.pem" "$t/bid.bin" "$t/bid.tok2"
expect 1 "not a recipient" -- "$GXCA" envelope decrypt --key "$t/soft.key" --cert "$t/soft.pem" "$t/bid.tok2" "$t/out.x"
has err 'GXCA_EENVELOPE_NOT_RECIPIENT' "not-recipient code"
expect 0 "RSA token key decrypts" -- "$GXCA" envelope decrypt --token master --pin-file "$t/user.pin" --label enc "$t/bid.tok2" "$t/out.tok2"
expect 1 "decrypt with wrong PIN" -- "$GXCA" envelope decrypt --token master --pin-file "$t/wrong.pin" --id 01 "$t/bid.aes-256-cbc" "$t/out.y"
expect 1 "not an envelope" -- "$GXCA" envelope decrypt --key "$t/soft.key" --cert "$t/soft.pem" "$t/data.txt" "$t/out.z"
expect 2 "encrypt without --to" -- "$GXCA" envelope encrypt "$t/bid.bin" "$t/x"
expect 2 "encrypt bad cipher" -- "$GXCA" envelope encrypt --cipher des --to "$t/soft.pem" "$t/bid.bin" "$t/x"
expect 2 "encrypt missing OUT" -- "$GXCA" envelope encrypt --to "$t/soft.pem" "$t/bid.bin"
expect 2 "encrypt missing input" -- "$GXCA" envelope encrypt --to "$t/soft.pem" "$t/none" "$t/x"
expect 2 "decrypt --key without --cert" -- "$GXCA" envelope decrypt --key "$t/soft.key" "$t/bid.aes-256-gcm" "$t/x"
expect 2 "decrypt without key or PIN" -- "$GXCA" envelope decrypt "$t/bid.aes-256-gcm" "$t/x"
expect 2 "unknown envelope verb" -- "$GXCA" envelope open

# platform login
printf '0123456789abcdef0123456789abcdef' > "$t/secret"
expect 0 "challenge" -- "$GXCA" login challenge --secret "$t/secret" --out "$t/ch.json"
expect 0 "respond with the token key" -- "$GXCA" login respond --challenge "$t/ch.json" --token master --pin-file "$t/user.pin" --id 01 --out "$t/resp.json"
expect 0 "verify" -- "$GXCA" --json login verify --secret "$t/secret" --trust "$t/ca.pem" --response "$t/resp.json"
has out '"valid":true' "login accepted"
has out '"serial":"1001"' "certificate serial of the token"
expect 0 "challenge base64" -- "$GXCA" login challenge --secret "$t/secret" --base64 --out "$t/ch.b64"
expect 0 "respond base64" -- "$GXCA" login respond --challenge "$t/ch.b64" --token master --pin-file "$t/user.pin" --id 01 --base64 --out "$t/resp.b64"
expect 0 "verify base64" -- "$GXCA" login verify --secret "$t/secret" --trust "$t/ca.pem" --response "$t/resp.b64"
printf 'another-secret-0123456789abcdef' > "$t/secret2"
expect 1 "forged challenge (other secret)" -- "$GXCA" login verify --secret "$t/secret2" --trust "$t/ca.pem" --response "$t/resp.json"
has err 'GXCA_ELOGIN_FORGED' "forgery code"
expect 1 "untrusted certificate" -- "$GXCA" login verify --secret "$t/secret" --trust "$t/soft.pem" --response "$t/resp.json"
expect 1 "other platform refused by the client" -- "$GXCA" login respond --challenge "$t/ch.json" --token master --pin-file "$t/user.pin" --id 01 --platform 999
expect 1 "respond with wrong PIN" -- "$GXCA" login respond --challenge "$t/ch.json" --token master --pin-file "$t/wrong.pin" --id 01
expect 2 "verify without --trust" -- "$GXCA" login verify --secret "$t/secret" --response "$t/resp.json"
expect 2 "challenge without secret" -- "$GXCA" login challenge
printf 'garbage!!' > "$t/junk"
expect 2 "respond to garbage" -- "$GXCA" login respond --challenge "$t/junk" --key "$t/softec.key" --cert "$t/softec.pem"
expect 2 "unknown login verb" -- "$GXCA" login frob

echo "1..$n"
exit $fail
