/*
 * lib/cert-private.h — certificates and CRLs inside the library (cert.c),
 * shared with the CA (ca.c) and the token / e-seal modules.
 */
#ifndef GXCA_CERT_PRIVATE_H
#define GXCA_CERT_PRIVATE_H

#include "gxca-private.h"

#include <openssl/x509.h>

/* GM/T 0015-2012 identity extensions (research/ses.md §8). */
#define GXCA__OID_GMT0015_ID_CODE "1.2.156.10260.4.1.1"   /* IdentifyCode: [0] resident ID */
#define GXCA__OID_GMT0015_ORG_CODE "1.2.156.10260.4.1.4"  /* OrganizationCode: here the USCC */

#define GXCA__DN_FIELDS 6

struct gxca_cert {
	gxca_ctx *ctx;
	/* Owned; SM2 certificates carry the distinguishing ID. A certificate
	 * fresh from issuance has only its DER until something needs the
	 * X509 (parsing one costs ~90 µs on OpenSSL 3.0, more than issuing it):
	 * read it with gxca__cert_x509(), never directly. */
	X509 *x509;
	uint8_t *der; /* the DER when the certificate was made from it, else NULL */
	size_t der_len;
	char *subject, *issuer, *serial;
	char *field[GXCA__DN_FIELDS]; /* index gxca_dn_field - 1 */
	char *uscc, *id_number;
	int64_t not_before, not_after;
	int key_alg, usage;
};

struct gxca__crl_entry {
	char *serial;
	int reason;
	int64_t revoked_at;
};

struct gxca_crl {
	gxca_ctx *ctx;
	X509_CRL *crl; /* owned */
	char *issuer;
	int64_t number, this_update, next_update;
	struct gxca__crl_entry *entry;
	size_t n_entry;
};

/* Wrap x (taking ownership on success, also of nothing on failure: the
 * caller still frees x then). Computes every getter value. */
int gxca__cert_wrap(gxca_cert **out, gxca_ctx *ctx, X509 *x);
/* What the CA knows of a certificate it has just made: the getter values
 * without parsing it. */
struct gxca__cert_facts {
	const char *subject;           /* gxca_cert_subject() text */
	const char *field[GXCA__DN_FIELDS]; /* gxca_cert_subject_field() values (index field - 1), or NULL */
	const char *serial;            /* hex, as gxca_cert_serial() gives it */
	const char *issuer;            /* gxca_cert_issuer() text */
	int64_t not_before, not_after;
	int key_alg;                   /* gxca_key_alg */
	int usage;                     /* gxca_cert_usage */
	const char *uscc, *id_number;  /* what the GM/T 0015 extension says, or NULL */
};
/* Wrap the DER of a certificate just made (der is taken on success). */
int gxca__cert_from_issued(gxca_cert **out, gxca_ctx *ctx, uint8_t *der, size_t der_len,
			   const struct gxca__cert_facts *f);
/* The certificate's X509 (borrowed), parsed from its DER on first use
 * (safe from several threads); NULL when that fails. */
X509 *gxca__cert_x509(const gxca_cert *c);
/* The subject public key (borrowed), NULL if it cannot be decoded. */
EVP_PKEY *gxca__cert_pubkey(const gxca_cert *c);
int gxca__crl_wrap(gxca_crl **out, gxca_ctx *ctx, X509_CRL *crl);
/* Give an SM2-signed certificate the policy's distinguishing ID. */
int gxca__x509_set_sm2_id(gxca_ctx *ctx, X509 *x);

/* ASN1_TIME <-> Unix seconds. */
bool gxca__asn1_time_get(const ASN1_TIME *t, int64_t *out);
bool gxca__asn1_time_set(ASN1_TIME *t, int64_t unix_time);
/* Upper-case hex of a positive ASN1_INTEGER (caller frees), NULL on failure. */
char *gxca__asn1_int_hex(const ASN1_INTEGER *ai);
/* One-line RFC 2253 UTF-8 form of a name (caller frees), NULL on failure. */
char *gxca__name_text(const X509_NAME *name);
/* Normalise a caller's hex serial to the registry form (upper case, no
 * leading zero octets, no "0x"): false when it is not hex. out >= 2*20+1. */
bool gxca__serial_normalise(const char *in, char *out, size_t cap);

/* Whether data holds a PEM "-----BEGIN" line in its first 4 KiB. */
bool gxca__looks_pem(const void *data, size_t len);
/* Hand bytes OpenSSL allocated (i2d output, n from the i2d call; freed
 * here) to the caller in gxca__malloc memory. n <= 0 is an encoding error. */
int gxca__ossl_bytes_out(gxca_ctx *ctx, unsigned char *ossl, int n, uint8_t **out, size_t *out_len);
/* The contents of a memory BIO as a NUL-terminated string (caller frees). */
int gxca__bio_text_out(gxca_ctx *ctx, BIO *bio, char **out, size_t *out_len);

#endif
