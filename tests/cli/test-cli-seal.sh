#!/bin/sh
# The gxca command, seal part (issue 4): seal render|extract, eseal make|show|verify,
# esign make|show|verify, exit codes and --json. Run by make check with GXCA set to the
# built tool and top_srcdir to the source tree; the interop fixtures are taken from
# $SES_FIXTURES (default ../shared/fixtures/ses beside the tree), skipped when absent.
set -u
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $*"; }
# expect CODE DESCRIPTION -- command...   (stdout to $t/out, stderr to $t/err)
expect() {
  want=$1; desc=$2; shift 3
  "$@" >"$t/out" 2>"$t/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else bad "$desc (exit $got, want $want)"; cat "$t/err"; fi
}
has() { if grep -q -- "$2" "$t/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; cat "$t/$1"; fi; }
hasnt() { if grep -q -- "$2" "$t/$1"; then bad "$3: '$2' in $1"; cat "$t/$1"; else ok "$3"; fi; }
ispng() { if [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok "$2"; else bad "$2: not a PNG"; fi; }
# flip the last byte of a file (inside the signature value of a DER SESeal / SES_Signature)
tamper() { python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-1]^=0x5a; open(sys.argv[2],"wb").write(b)' "$1" "$2"; }

D="$top_srcdir/tests/data/eseal"
F=${SES_FIXTURES:-"$top_srcdir/tests/data/eseal/ofdrw"}   # a copy of shared/fixtures/ses
G="$GXCA --lang en"

# ---- seal render -----------------------------------------------------------------
font_ok=1
$G seal render --preset ORG_ROUND_42 --text 南通测试有限公司 --code 3206000000001 --out "$t/seal.png" >"$t/out" 2>"$t/err"
rc=$?
if [ $rc -eq 1 ] && grep -q GXCA_ESEAL_FONT "$t/err"; then
  font_ok=0; skip "no CJK font: render"
elif [ $rc -eq 0 ]; then
  ok "render ORG_ROUND_42"
  ispng "$t/seal.png" "render writes a PNG"
  has out '496x496' "Ø42 mm at 300 dpi is 496 px"
  expect 0 "render special seal, 600 dpi, blue, --json" -- $G --json seal render --preset SPECIAL_ROUND_40 \
    --text 南通测试有限公司 --line 合同专用章 --dpi 600 --color 0000ff --out "$t/special.png"
  has out '"dpi":600' "dpi reported"
  expect 0 "render is deterministic" -- $G seal render --preset ORG_ROUND_42 --text 南通测试有限公司 \
    --code 3206000000001 --out "$t/seal2.png"
  if cmp -s "$t/seal.png" "$t/seal2.png"; then ok "same spec gives the same bytes"; else bad "render not deterministic"; fi
  expect 0 "render the invoice oval" -- $G seal render --preset INVOICE_OVAL_40X30 --text 南通测试有限公司 \
    --tax-id 91320600MA1MX2K79C --out "$t/inv.png"
  has out '472x354' "40x30 mm at 300 dpi"
  font=$(fc-match -f '%{file}' 'Noto Serif CJK SC:bold' 2>/dev/null)
  if [ -n "$font" ] && [ -f "$font" ]; then
    expect 0 "render a square seal with --font" -- $G seal render --preset PERSON_SQUARE_20 --text 张三 \
      --font "$font" --face "$(fc-match -f '%{index}' 'Noto Serif CJK SC:bold')" --out "$t/sq.png"
  else
    skip "fc-match: no font path"
  fi
  expect 1 "unreadable font" -- $G seal render --text 南通测试有限公司 --font "$t/none.ttf" --out "$t/x.png"
  has err 'GXCA_ESEAL_FONT' "font error reported"
  expect 1 "name too long for the seal" -- $G seal render --preset PERSON_SQUARE_20 \
    --text 这是一个放不进二十毫米方章的很长很长很长的名字 --out "$t/x.png"
else
  bad "render ORG_ROUND_42 (exit $rc)"; cat "$t/err"
fi
expect 2 "render without --out" -- $G seal render --preset ORG_ROUND_42 --text 甲
expect 2 "render without --text" -- $G seal render --preset ORG_ROUND_42 --out "$t/x.png"
expect 2 "render unknown preset" -- $G seal render --preset HEXAGON --text 甲 --out "$t/x.png"
expect 2 "render dpi out of range" -- $G seal render --text 甲 --dpi 50 --out "$t/x.png"
expect 2 "render bad colour" -- $G seal render --text 甲 --color red --out "$t/x.png"
expect 2 "seal without verb" -- $G seal
expect 2 "seal unknown verb" -- $G seal stamp

# ---- seal extract ----------------------------------------------------------------
# A synthetic scan: tinted noisy paper, a red ring, a dark stroke crossing to its right.
python3 - "$t/scan.png" <<'PY'
import random, struct, sys, zlib
random.seed(1)
W, H = 300, 200
rows = []
for y in range(H):
    r = bytearray(b'\x00')
    for x in range(W):
        px = (250, 248, 240)
        d = (x - 100) ** 2 + (y - 100) ** 2
        if 50 ** 2 < d < 60 ** 2:
            px = (220, 30, 30)
        if 160 < x < 290 and abs(y - (100 + (x - 180) // 3)) < 4:
            px = (10, 10, 60)
        r += bytes(max(0, min(255, v + random.randint(-4, 4))) for v in px)
    rows.append(bytes(r))
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0))
    + chunk(b'pHYs', struct.pack('>IIB', 11811, 11811, 1)) + chunk(b'IDAT', zlib.compress(b''.join(rows)))
    + chunk(b'IEND', b''))
PY
expect 0 "extract stamp" -- $G seal extract stamp "$t/scan.png" --out "$t/stamp.png"
ispng "$t/stamp.png" "stamp PNG written"
expect 0 "extract stamp in a region, --json" -- $G --json seal extract stamp "$t/scan.png" --region 0,0,200,200 --out "$t/stamp2.png"
has out '"x":3[0-9]' "stamp origin near the ring"
expect 0 "extract signature" -- $G seal extract signature "$t/scan.png" --region 150,0,150,200 --out "$t/sig.png"
ispng "$t/sig.png" "signature PNG written"
expect 1 "no red ink in a blank region" -- $G seal extract stamp "$t/scan.png" --region 250,0,50,40 --out "$t/x.png"
has err 'GXCA_ESEAL_NO_INK' "no ink reported"
expect 1 "region outside the image" -- $G seal extract stamp "$t/scan.png" --region 290,190,50,50 --out "$t/x.png"
printf 'not a png' > "$t/junk.png"
expect 1 "not a PNG" -- $G seal extract stamp "$t/junk.png" --out "$t/x.png"
has err 'GXCA_ESEAL_PNG' "PNG error reported"
expect 2 "extract missing input" -- $G seal extract stamp "$t/none.png" --out "$t/x.png"
expect 2 "extract bad kind" -- $G seal extract seal "$t/scan.png" --out "$t/x.png"
expect 2 "extract bad region" -- $G seal extract stamp "$t/scan.png" --region 1,2,3 --out "$t/x.png"

# ---- eseal make / show / verify on a seal made here ----------------------------------
pic="$t/seal.png"; [ $font_ok -eq 1 ] || pic="$D/red.png"
expect 0 "eseal make" -- $G eseal make --key "$D/maker.key" --cert "$D/maker.pem" --holder-cert "$D/signer.der" \
  --holder-cert "$D/expired.pem" --name 南通测试有限公司 --picture "$pic" --width-mm 42 --height-mm 42 \
  --from 2024-01-01 --to 2045-12-31 --id 32060000000001 --out "$t/my.esl"
expect 0 "eseal show" -- $G eseal show "$t/my.esl" --picture-out "$t/pic.png"
has out '32060000000001' "esID shown"
has out '南通测试有限公司' "name shown"
has out 'GXCA Test Signer A' "holder certificate shown"
has out 'GXCA Test Seal Maker' "maker certificate shown"
has out 'picture_width_mm *42' "picture size shown"
if cmp -s "$pic" "$t/pic.png"; then ok "picture written out unchanged"; else bad "picture differs"; fi
expect 0 "eseal verify" -- $G eseal verify "$t/my.esl"
has out 'seal-signature *ok' "seal signature checked"
has out 'maker-chain *not run' "no chain without --ca"
expect 0 "eseal verify --ca" -- $G eseal verify "$t/my.esl" --ca "$D/root.pem"
has out 'maker-chain *ok' "chain checked with --ca"
expect 1 "eseal verify --ca wrong anchor" -- $G eseal verify "$t/my.esl" --ca "$D/p256.der"
expect 1 "eseal verify before validStart" -- $G eseal verify "$t/my.esl" --at 2023-06-01
has err 'GXCA_EESEAL_SEAL_NOT_YET_VALID' "not yet valid, not a bad signature"
expect 0 "eseal --json verify" -- $G --json eseal verify "$t/my.esl"
has out '"valid":true' "JSON verdict"
tamper "$t/my.esl" "$t/bad.esl"
expect 1 "tampered seal" -- $G eseal verify "$t/bad.esl"
has out 'BAD SIGNATURE' "bad signature reported"
has err 'GXCA_EBADSIG' "bad signature code"
expect 1 "eseal make with a P-256 maker key" -- $G eseal make --key "$D/p256.key" --cert "$D/p256.der" \
  --holder-cert "$D/signer.der" --name X --picture "$D/red.png" --width-mm 40 --height-mm 40 \
  --from 2024-01-01 --to 2030-01-01 --out "$t/x.esl"
expect 2 "eseal make without holder" -- $G eseal make --key "$D/maker.key" --cert "$D/maker.pem" --name X \
  --picture "$D/red.png" --width-mm 40 --height-mm 40 --from 2024-01-01 --to 2030-01-01 --out "$t/x.esl"
expect 2 "eseal make bad date" -- $G eseal make --key "$D/maker.key" --cert "$D/maker.pem" --holder-cert "$D/signer.der" \
  --name X --picture "$D/red.png" --width-mm 40 --height-mm 40 --from 2024-13-01 --to 2030-01-01 --out "$t/x.esl"
expect 2 "eseal make missing key file" -- $G eseal make --key "$t/none.key" --cert "$D/maker.pem" --holder-cert "$D/signer.der" \
  --name X --picture "$D/red.png" --width-mm 40 --height-mm 40 --from 2024-01-01 --to 2030-01-01 --out "$t/x.esl"
expect 2 "eseal show missing file" -- $G eseal show "$t/none.esl"
expect 2 "eseal show without file" -- $G eseal show
expect 2 "eseal verify unknown option" -- $G eseal verify "$t/my.esl" --frob
expect 2 "eseal unknown verb" -- $G eseal sign

# ---- esign make / show / verify ------------------------------------------------------
printf 'hello' > "$t/data"
printf 'hellp' > "$t/data2"
expect 0 "esign make" -- $G esign make --key "$D/signer.key" --cert "$D/signer.pem" --seal "$t/my.esl" \
  --data "$t/data" --property-info /Doc_0/Signs/Sign_0/Signature.xml --out "$t/sig.dat"
expect 0 "esign show" -- $G esign show "$t/sig.dat"
# SM3("hello")
has out 'becbbfaae6548b8bf0cfcad5a27183cd1be6093b1cceccc303d9c61d0a645268' "dataHash = SM3(hello) shown"
has out 'Signature.xml' "propertyInfo shown"
has out 'GXCA Test Signer A' "signer shown"
expect 0 "esign verify with data and --ca" -- $G esign verify "$t/sig.dat" --data "$t/data" --ca "$D/root.pem"
has out 'signer-chain *ok' "signer chain checked"
has out 'data *ok' "data checked"
expect 0 "esign verify without data" -- $G esign verify "$t/sig.dat"
has out 'data *not run' "data check not run without --data"
expect 0 "esign verify --digest" -- $G esign verify "$t/sig.dat" --digest becbbfaae6548b8bf0cfcad5a27183cd1be6093b1cceccc303d9c61d0a645268
expect 0 "esign make --digest, --at" -- $G --json esign make --key "$D/signer.key" --cert "$D/signer.pem" --seal "$t/my.esl" \
  --digest becbbfaae6548b8bf0cfcad5a27183cd1be6093b1cceccc303d9c61d0a645268 --at 2025-06-01T10:00 --out "$t/sig3.dat"
has out '"time_info":"20250601020000Z"' "signing time from --at (Asia/Shanghai)"
expect 0 "signature over a digest verifies with the data" -- $G esign verify "$t/sig3.dat" --data "$t/data"
expect 1 "esign verify other data" -- $G esign verify "$t/sig.dat" --data "$t/data2"
has err 'GXCA_EESEAL_DATA_MISMATCH' "data mismatch reported"
tamper "$t/sig.dat" "$t/bad.dat"
expect 1 "tampered signature" -- $G esign verify "$t/bad.dat" --data "$t/data"
has out 'BAD SIGNATURE' "bad signature reported"
expect 0 "esign make with a holder certificate that has expired" -- $G esign make --key "$D/expired.key" \
  --cert "$D/expired.pem" --seal "$t/my.esl" --data "$t/data" --out "$t/sig4.dat"
expect 1 "expired signer certificate" -- $G esign verify "$t/sig4.dat" --data "$t/data"
has err 'GXCA_EESEAL_CERT_EXPIRED' "expired certificate reported as such"
has out 'result: expired (signatures good)' "expired, signatures good"
expect 1 "signer not in the seal" -- $G esign make --key "$D/other.key" --cert "$D/other.pem" --seal "$t/my.esl" \
  --data "$t/data" --out "$t/x.dat"
has err 'GXCA_EESEAL_SIGNER_NOT_IN_SEAL' "signer not in seal reported"
expect 1 "key does not match the certificate" -- $G esign make --key "$D/other.key" --cert "$D/signer.pem" \
  --seal "$t/my.esl" --data "$t/data" --out "$t/x.dat"
expect 1 "a seal is not a signature" -- $G esign show "$t/my.esl"
expect 2 "esign make needs --data or --digest" -- $G esign make --key "$D/signer.key" --cert "$D/signer.pem" \
  --seal "$t/my.esl" --out "$t/x.dat"
expect 2 "esign make bad digest" -- $G esign make --key "$D/signer.key" --cert "$D/signer.pem" \
  --seal "$t/my.esl" --digest 1234 --out "$t/x.dat"
expect 2 "esign verify missing data file" -- $G esign verify "$t/sig.dat" --data "$t/none"
expect 2 "esign without verb" -- $G esign

# ---- the interop fixtures (ofdrw) ----------------------------------------------------
if [ -d "$F/seals" ]; then
  for s in ofdrw_v1_UserV1 ofdrw_v4_UserV4 ofdrw_v5_UserV5_ts; do
    expect 0 "eseal show $s" -- $G eseal show "$F/seals/$s.esl" --picture-out "$t/$s.png"
    has out 'name' "$s fields printed"
    ispng "$t/$s.png" "$s picture written"
    # these seals ended in 2022: expired now, distinct from a bad signature
    expect 1 "eseal verify $s (now: expired)" -- $G eseal verify "$F/seals/$s.esl"
    has out 'seal-signature *ok' "$s maker signature good"
    hasnt out 'BAD SIGNATURE' "$s not reported as a bad signature"
    has err 'EXPIRED' "$s reported expired"
  done
  expect 0 "v4 seal valid in 2021" -- $G eseal verify "$F/seals/ofdrw_v4_UserV4.esl" --at 2021-01-01
  expect 0 "v1 seal show --json" -- $G --json eseal show "$F/seals/ofdrw_v1_UserV1.esl"
  has out '"esID":"40C8CDD24DEF43388B86E62CCE1D6832"' "v1 esID"
  has out '"time_encoding":"UTCTime"' "v1 UTCTime"
  s="$F/signatures/ofdrw_v4_SESV4SignDoc"
  expect 0 "esign show ofdrw v4" -- $G esign show "$s/SignedValue.dat"
  has out '50750042bf6a15552d5c0e44c4bd1dc9545b99d3cdd19bb20590143b17c1a2e8' "ofdrw dataHash"
  expect 1 "esign verify ofdrw v4 (seal expired at signing time)" -- $G esign verify "$s/SignedValue.dat" --data "$s/Signature.xml"
  has out 'signature *ok' "ofdrw signature good"
  has out 'data *ok' "ofdrw data good"
  has err 'GXCA_EESEAL_SEAL_EXPIRED' "ofdrw seal expired at signing time"
  expect 0 "esign show ofdrw v5" -- $G esign show "$F/signatures/ofdrw_v5_SignedValueV5/SignedValue.dat"
  has out 'tbs_version *5' "v5 TBS version"
  expect 1 "malformed seal rejected" -- $G eseal show "$F/malformed/ofdrw_gomain_Seal_utf8-mangled.esl"
  has err 'GXCA_EESEAL_MALFORMED' "malformed reported"
  expect 1 "malformed seal does not verify" -- $G eseal verify "$F/malformed/ofdrw_gomain_Seal_utf8-mangled.esl"
else
  skip "no interop fixtures in $F"
fi

echo "1..$n"
exit $fail
