#!/bin/sh
# tests/ca/test-openssl-interop.sh — what the library issues, checked with the
# OpenSSL command line for SM2, EC P-256 and RSA-2048 CAs: `openssl x509 -text`,
# `openssl crl -text`, `openssl verify -crl_check` (good, revoked).
#
# SM2 on OpenSSL 3.0 (research/token-ca.md §3): `-vfyopt distid:` reaches only
# the certificate being verified (openssl#23471), so the root -> issuing CA ->
# leaf chain is verified one level at a time; and CRL signatures cannot carry
# the distinguishing ID at all, so `verify -crl_check` must fail with exactly
# "CRL signature failure" there — the CRL signature is then checked with
# `openssl dgst -sm3 -sigopt distid:` over the TBS bytes, and revocation with
# `openssl crl -text`. If a future OpenSSL verifies SM2 CRLs, the plain
# `verify -crl_check` path is required to pass instead.
set -eu

command -v openssl >/dev/null 2>&1 || { echo "openssl not found: skipped"; exit 77; }
: "${top_builddir:=.}"
FIXTURE="$top_builddir/tests/ca/ca-fixture"
DISTID=distid:1234567812345678
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL [$alg]: $*" >&2; exit 1; }

check_text() {
	out=$(openssl x509 -in "$1" -noout -text -nameopt utf8,sep_comma_plus_space)
	for want in "Version: 3" "CA:FALSE" "TLS Web Client Authentication" "Subject Key Identifier" \
	    "Authority Key Identifier" "Policy: 1.2.156." "URI:http://" "CA Issuers - URI:" "OCSP - URI:" \
	    "C=CN" "$2" "$3"; do
		case $out in *"$want"*) ;; *) fail "$1: 'openssl x509 -text' lacks '$want'" ;; esac
	done
}

check_crl_text() {
	out=$(openssl crl -in "$d/crl.pem" -noout -text) || fail "openssl crl cannot read the CRL"
	for want in "Version 2" "CRL Number" "Key Compromise" "Next Update" "Serial Number: $revoked"; do
		case $out in *"$want"*) ;; *) fail "'openssl crl -text' lacks '$want'" ;; esac
	done
	case $out in *"Serial Number: $good"*) fail "the good certificate is on the CRL" ;; esac
	openssl crl -in "$d/crl.der" -inform DER -noout || fail "openssl crl cannot read the DER CRL"
}

# The CRL's signature, checked by hand: TBS bytes, signature bit string, CA key.
check_sm2_crl_signature() {
	parse=$(openssl asn1parse -inform DER -in "$d/crl.der")
	tbs=$(echo "$parse" | sed -n '2p' | sed -E 's/^ *([0-9]+):d=1 +hl= *([0-9]+) +l= *([0-9]+).*/\1 \2 \3/')
	set -- $tbs
	dd if="$d/crl.der" of="$t/tbs.der" bs=1 skip="$1" count=$(($2 + $3)) 2>/dev/null
	sigoff=$(echo "$parse" | grep 'd=1.*BIT STRING' | tail -1 | sed -E 's/^ *([0-9]+):.*/\1/')
	openssl asn1parse -inform DER -in "$d/crl.der" -strparse "$sigoff" -noout -out "$t/sig.der" >/dev/null
	openssl x509 -in "$d/ca.pem" -noout -pubkey > "$t/capub.pem"
	openssl dgst -sm3 -verify "$t/capub.pem" -sigopt "$DISTID" -signature "$t/sig.der" "$t/tbs.der" \
		| grep -q "Verified OK" || fail "the SM2 CRL signature does not verify with openssl dgst"
	# and a tampered TBS must not
	printf '\001' | dd of="$t/tbs.der" bs=1 seek=20 conv=notrunc 2>/dev/null
	if openssl dgst -sm3 -verify "$t/capub.pem" -sigopt "$DISTID" -signature "$t/sig.der" "$t/tbs.der" >/dev/null 2>&1; then
		fail "a tampered SM2 CRL verifies"
	fi
}

verify_sm2() {
	v="-vfyopt $DISTID"
	openssl verify $v -CAfile "$d/root.pem" "$d/ca.pem" >/dev/null || fail "issuing CA vs root"
	for c in org person enc revoked; do
		openssl verify $v -partial_chain -CAfile "$d/ca.pem" "$d/$c.pem" >/dev/null || fail "$c.pem vs issuing CA"
	done
	# a certificate of another CA must not verify
	if openssl verify $v -CAfile "$d/root.pem" "$t/other/org.pem" >/dev/null 2>&1; then
		fail "a foreign certificate verifies"
	fi
	if out=$(openssl verify $v -partial_chain -crl_check -CAfile "$d/ca.pem" -CRLfile "$d/crl.pem" "$d/org.pem" 2>&1); then
		if openssl verify $v -partial_chain -crl_check -CAfile "$d/ca.pem" -CRLfile "$d/crl.pem" \
			"$d/revoked.pem" >/dev/null 2>&1; then
			fail "the revoked certificate verifies"
		fi
	else
		case $out in *"CRL signature failure"*) ;; *) fail "verify -crl_check: $out" ;; esac
		check_sm2_crl_signature
	fi
}

verify_std() {
	for c in org person enc; do
		openssl verify -crl_check -CAfile "$d/root.pem" -untrusted "$d/ca.pem" -CRLfile "$d/crl.pem" "$d/$c.pem" \
			>/dev/null || fail "verify -crl_check $c.pem"
	done
	if out=$(openssl verify -crl_check -CAfile "$d/root.pem" -untrusted "$d/ca.pem" -CRLfile "$d/crl.pem" \
		"$d/revoked.pem" 2>&1); then
		fail "the revoked certificate verifies"
	fi
	case $out in *"certificate revoked"*) ;; *) fail "revoked: $out" ;; esac
	openssl crl -in "$d/crl.pem" -CAfile "$d/ca.pem" -noout 2>&1 | grep -q "verify OK" || fail "openssl crl -CAfile"
	if openssl verify -CAfile "$d/root.pem" "$t/other/org.pem" >/dev/null 2>&1; then
		fail "a foreign certificate verifies"
	fi
}

for alg in SM2 EC_P256 RSA2048; do
	d="$t/$alg"
	mkdir -p "$d" "$t/other"
	rm -f "$t/other"/*
	"$FIXTURE" "$alg" "$d" || fail "ca-fixture"
	other_alg=EC_P256
	[ "$alg" = SM2 ] && other_alg=SM2
	"$FIXTURE" "$other_alg" "$t/other" || fail "ca-fixture (other CA)"
	revoked=$(sed -n 's/^revoked //p' "$d/serials.txt")
	good=$(sed -n 's/^good //p' "$d/serials.txt")
	check_text "$d/org.pem" "O=南通通达建设工程有限公司" "1.2.156.10260.4.1.4"
	check_text "$d/person.pem" "CN=王芳" "1.2.156.10260.4.1.1"
	openssl x509 -in "$d/org.pem" -noout -text | grep -q "Digital Signature, Non Repudiation" || fail "signing key usage"
	openssl x509 -in "$d/enc.pem" -noout -text | grep -Eq "Key Encipherment|Key Agreement" || fail "encryption key usage"
	check_crl_text
	if [ "$alg" = SM2 ]; then
		openssl x509 -in "$d/org.pem" -noout -text | grep -q "SM2-with-SM3" || fail "not SM2-with-SM3"
		verify_sm2
	else
		verify_std
	fi
	echo "ok - $alg"
done
