#!/bin/sh
# The gxca command, domain part: the answers issue 2 requires, exit codes,
# --json and --lang. Run by make check with GXCA set to the built tool.
set -u
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
# expect CODE DESCRIPTION -- command...   (stdout to $t/out, stderr to $t/err)
expect() {
  want=$1; desc=$2; shift 3
  "$@" >"$t/out" 2>"$t/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else bad "$desc (exit $got, want $want)"; cat "$t/err"; fi
}
has() { if grep -q -- "$2" "$t/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; cat "$t/$1"; fi; }

expect 0 "quote org new cert 4y --json" -- "$GXCA" quote --applicant org --business new --item cert --years 4 --json
has out '"total_fen": *35000' "4-year package is 350.00"
expect 0 "quote org new order 3 tokens" -- "$GXCA" quote --applicant org --business new --count 3 --json
has out '"total_fen": *55000' "3 certificates and 1 seal = 550.00"
expect 1 "person change cert not offered" -- "$GXCA" quote --applicant person --business change --item cert
has err 'GXCA_ETARIFF_NOT_OFFERED' "error names the code"
expect 1 "not offered, in English" -- "$GXCA" --lang en quote --applicant person --business change --item cert
has err 'not offered' "English message says not offered"
expect 2 "quote usage error" -- "$GXCA" quote --applicant alien --business new
expect 0 "valid USCC" -- "$GXCA" check uscc 91320600MA1MX2K79C
expect 1 "wrong USCC check character" -- "$GXCA" check uscc 91320600MA1MX2K79D
has err 'GXCA_EUSCC' "USCC error code printed"
expect 0 "valid ID number" -- "$GXCA" check id 320602198807150023
expect 1 "wrong ID number" -- "$GXCA" check id 320602198807150024
expect 1 "legacy 15-digit ID" -- "$GXCA" --json check id 320602880715002
has out 'GXCA_EIDNUM_LEGACY' "legacy number reported as such"
expect 2 "check usage" -- "$GXCA" check passport X
expect 0 "sites" -- "$GXCA" sites --month 7
has out '14:30-18:00' "Haian summer afternoon"
expect 0 "sites open at a time" -- "$GXCA" --json sites --open-at 2026-11-27T10:00
has out '"open": *true' "some site open on a Friday morning"
expect 1 "sites in a year without calendar" -- "$GXCA" sites --open-at 2027-03-01T10:00
has err 'GXCA_ECALENDAR_UNKNOWN' "calendar unknown, not a guess"
expect 0 "materials org change" -- "$GXCA" --json materials --applicant org --business change --change seal-template
if grep -q CHANGE_NOTICE "$t/out"; then bad "seal-template change needs no change notice"; else ok "no change notice for seal-template"; fi
expect 1 "materials check missing" -- "$GXCA" materials --applicant org --business new --have LICENSE_COPY
has out 'AGENT_ID_COPY' "missing material listed"
expect 0 "materials check complete" -- "$GXCA" materials --applicant org --business new --have LICENSE_COPY,AGENT_ID_COPY,FORM_ORG
expect 2 "unknown group" -- "$GXCA" frobnicate
expect 2 "bad --lang" -- "$GXCA" --lang fr sites
expect 2 "missing policy file" -- "$GXCA" --policy /nonexistent.json sites

# application workflow on a JSON file
cp "$top_srcdir/tests/data/app-org.json" "$t/app.json"
expect 0 "validate a good application" -- "$GXCA" validate "$t/app.json"
expect 0 "submit by mail" -- "$GXCA" app submit "$t/app.json" --channel mail --actor 张三 --at 2026-09-28T10:00
has out '2026-10-08' "mail due 3 working days later, after National Day"
expect 1 "pay before approval is illegal" -- "$GXCA" app pay "$t/app.json" --at 2026-09-29T10:00
has err 'GXCA_EAPP_TRANSITION' "illegal transition reported"
expect 0 "approve" -- "$GXCA" app approve "$t/app.json" --at 2026-09-29T10:00
expect 0 "request payment" -- "$GXCA" app request-payment "$t/app.json" --at 2026-09-29T11:00
expect 0 "pay" -- "$GXCA" app pay "$t/app.json" --at 2026-09-30T09:00
has out '2026-10-13' "invoice due 5 working days after payment"
expect 0 "issue" -- "$GXCA" app issue "$t/app.json" --at 2026-09-30T15:00
expect 1 "mail delivery needs a tracking number" -- "$GXCA" app deliver "$t/app.json" --at 2026-09-30T16:00
expect 0 "deliver" -- "$GXCA" app deliver "$t/app.json" --tracking SF1234567890 --at 2026-09-30T16:00
has out 'DELIVERED' "delivered"
printf '{"schema":"gxca-application/1","kind":"ORG","bogus":1}' > "$t/bad.json"
expect 1 "malformed application" -- "$GXCA" validate "$t/bad.json"
has err '\$.bogus' "JSON path of the bad member"
expect 2 "missing file" -- "$GXCA" validate "$t/none.json"

echo "1..$n"
exit $fail
