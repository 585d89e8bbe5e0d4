#!/bin/sh
# tests/data/eseal/gen.sh — regenerate the SM2 test PKI of test-eseal (OpenSSL 3 CLI).
# Run in this directory. Keys are unencrypted test keys: never use them elsewhere.
#   root.pem/.der       self-signed SM2 root, 2020-01-01 .. 2049-12-31
#   maker.*             seal maker (制章者), issued by root, 2020-01-01 .. 2045-12-31
#   signer.*            seal holder / signer A, 2020-01-01 .. 2045-12-31
#   other.*             signer B (in no seal list), 2020-01-01 .. 2045-12-31
#   expired.*           signer valid only 2020-01-01 .. 2021-01-01
#   p256.*              an EC P-256 key and self-signed cert (not SM2: unsupported for seals)
# Every SM2 signature uses the distinguishing ID 1234567812345678 (GM/T 0009).
set -eu
ID=distid:1234567812345678
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $tmp/index
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sm3
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
countryName = optional
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
: > "$tmp/index"; echo 1000 > "$tmp/serial"
openssl genpkey -algorithm SM2 -out root.key
openssl req -new -key root.key -sm3 -sigopt $ID -subj "/C=CN/O=GXCA Test/CN=GXCA Test SM2 Root" -out "$tmp/root.csr"
cat >> "$tmp/ca.cnf" <<CNF
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
CNF
openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile root.key -in "$tmp/root.csr" -extensions root \
  -startdate 20200101000000Z -enddate 20491231235959Z -sigopt $ID -vfyopt $ID -notext -out root.pem
openssl x509 -in root.pem -outform DER -out root.der
leaf() { # name CN start end [alg]
  alg=${5:-SM2}
  openssl genpkey -algorithm "$alg" -out "$1.key"
  openssl req -new -key "$1.key" -subj "/C=CN/O=GXCA Test/CN=$2" -sm3 -sigopt $ID -out "$tmp/$1.csr"
  openssl ca -batch -config "$tmp/ca.cnf" -cert root.pem -keyfile root.key -in "$tmp/$1.csr" -extensions leaf \
    -startdate "$3" -enddate "$4" -sigopt $ID -vfyopt $ID -notext -out "$1.pem"
  openssl x509 -in "$1.pem" -outform DER -out "$1.der"
}
leaf maker "GXCA Test Seal Maker" 20200101000000Z 20451231235959Z
leaf signer "GXCA Test Signer A" 20200101000000Z 20451231235959Z
leaf other "GXCA Test Signer B" 20200101000000Z 20451231235959Z
leaf expired "GXCA Test Signer Expired" 20200101000000Z 20210101000000Z
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key
openssl req -x509 -new -key p256.key -sha256 -days 3650 -subj "/CN=GXCA Test P-256" -outform DER -out p256.der
# a small PNG picture (1x1, red) for seals
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\002\000\000\000\220wS\336\000\000\000\014IDATx\234c\370\317\300\000\000\003\001\001\000\311\376\222\357\000\000\000\000IEND\256B`\202' > red.png
openssl verify -vfyopt $ID -CAfile root.pem maker.pem signer.pem other.pem
