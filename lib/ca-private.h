/*
 * lib/ca-private.h — the CA inside the library: ca.c (create, open, the
 * certificate profile), ca-issue.c (the businesses), ca-revoke.c
 * (revocation, CRLs, registry queries), ca-pkcs11.c (the HSM key hook).
 */
#ifndef GXCA_CA_PRIVATE_H
#define GXCA_CA_PRIVATE_H

#include "gxca-private.h"
#include "cert-private.h"
#include "key-private.h"
#include "registry-private.h"

#include <sys/types.h>

#include <openssl/x509v3.h>

#define GXCA__SERIAL_BYTES 16

/* The DER that every end-entity certificate of a CA shares. */
struct gxca__leaf_template {
	gxca__buf version, sigalg, issuer;
	gxca__buf exts;  /* basicConstraints, EKU, AKI, policies, CRL DP, AIA */
	gxca__buf ku[3]; /* keyUsage: signing, encipherment, key agreement */
	gxca__buf ski;   /* subjectKeyIdentifier, its last 20 octets to fill */
	gxca__buf org_code, id_code; /* the GM/T 0015 extension OIDs */
};

struct gxca_ca {
	gxca_ctx *ctx;
	X509 *cert;               /* the issuing CA (a reference of chain[0]) */
	STACK_OF(X509) *chain;    /* issuing CA first, then its issuers */
	gxca_key *key;            /* the issuing CA's key (software or token) */
	struct gxca__registry *reg;
	int64_t not_before, not_after; /* of the issuing CA: leaves stay inside */
	/* The profile's constant parts, built once (ca.c). */
	STACK_OF(X509_EXTENSION) *leaf_ext; /* basicConstraints, EKU, AKI, policies, CRL DP, AIA */
	X509_EXTENSION *ku_sign, *ku_encipher, *ku_agree;
	ASN1_OBJECT *oid_org_code, *oid_id_code;
	struct gxca__leaf_template tmpl; /* DER shared by its end-entity certificates (ca.c) */
	char *issuer_text;        /* the issuer name as gxca_cert_issuer() gives it */
	EVP_MD_CTX *sign_tmpl;    /* copied for every signature */
	struct gxca__spki_decoder *spki_dec;
	uint8_t pool[512];        /* random octets for serials (ca.c) */
	size_t pool_left;
	pid_t pool_pid;
	/* Test hook: where serials come from (NULL = the OpenSSL RNG). */
	int (*serial_fn)(uint8_t out[GXCA__SERIAL_BYTES], void *arg);
	void *serial_arg;
};

/* What the certificate says about its holder, from an application (or
 * filled directly by internal callers and tests). */
struct gxca__issue_subject {
	int applicant;              /* gxca_applicant */
	const char *application_id; /* may be NULL */
	const char *org_name, *uscc, *province, *city; /* ORG */
	const char *person_name, *id_number, *affiliation; /* PERSON */
	bool resident_id;           /* PERSON: id_number is a resident ID card number */
	int years;                  /* NEW / RENEW term */
	unsigned count;             /* certificates allowed per usage; 0 = no limit */
	int64_t accepted_at;        /* default acceptance time (0 = now) */
};

/* The business core used by the gxca_ca_* wrappers: issue (NEW, RENEW,
 * REISSUE, CHANGE) for a holder described by si. */
int gxca__ca_issue_subject(gxca_ca *ca, int business, const struct gxca__issue_subject *si,
			   const char *old_serial, const gxca_issue_options *opts, gxca_cert **out);

/* NEW for n holders in one transaction, all or none (gxca_ca_issue_batch). */
int gxca__ca_issue_batch(gxca_ca *ca, size_t n, const struct gxca__issue_subject *const si[],
			 const gxca_issue_options *const opts[], gxca_cert *out[]);

/* A parsed request: the key (decoded for the checks; NULL for a bare EC
 * SubjectPublicKeyInfo, whose point is checked on its curve instead) and
 * the exact SubjectPublicKeyInfo parts the certificate copies (re-encoding
 * a key through OpenSSL 3's encoders costs more than an ECDSA signature). */
struct gxca__request {
	EVP_PKEY *pub;
	unsigned char *spki; /* the SubjectPublicKeyInfo DER (OPENSSL_malloc) */
	size_t spki_len;
	X509_ALGOR *alg;     /* its two parts */
	ASN1_BIT_STRING *bits;
	int key_alg; /* gxca_key_alg */
};
void gxca__request_clear(struct gxca__request *r);

/* A reusable DER SubjectPublicKeyInfo decoder (building one per key costs
 * ten times the decoding). */
struct gxca__spki_decoder;
struct gxca__spki_decoder *gxca__spki_decoder_new(void);
void gxca__spki_decoder_free(struct gxca__spki_decoder *d);

/* Parse a CSR (signature checked) or SubjectPublicKeyInfo, DER or PEM, and
 * check the key algorithm against the policy. dec may be NULL. */
int gxca__ca_request_parse(gxca_ctx *ctx, struct gxca__spki_decoder *dec, const uint8_t *data, size_t len,
			   struct gxca__request *out);

/* A subject as the profile writes it: one attribute per RDN, in DER order. */
struct gxca__attr {
	int field; /* gxca_dn_field */
	int type;  /* V_ASN1_PRINTABLESTRING or V_ASN1_UTF8STRING */
	const char *value; /* borrowed from the issue subject */
};
struct gxca__subject {
	struct gxca__attr attr[GXCA__DN_FIELDS];
	size_t n;
};

/* An end-entity certificate made by the CA: its DER and what wrapping it needs. */
struct gxca__leaf {
	struct gxca__subject subject;
	char *subject_text; /* gxca__malloc'd */
	char serial[GXCA__SERIAL_MAX];
	uint8_t *der; /* gxca__malloc'd */
	size_t der_len;
};
void gxca__leaf_clear(struct gxca__leaf *l);

/* Profile (ca.c): the end-entity certificate for subject si, numbered and
 * signed, as DER. */
int gxca__ca_make_leaf(gxca_ca *ca, const struct gxca__issue_subject *si, const struct gxca__request *req, int usage,
		       int64_t not_before, int64_t not_after, struct gxca__leaf *out);
/* Sign a CRL with the CA key. */
int gxca__ca_sign_crl(gxca_ca *ca, X509_CRL *crl);
/* Add the CA's authorityKeyIdentifier to a CRL. */
int gxca__ca_crl_add_akid(gxca_ca *ca, X509_CRL *crl);
/* Check and normalise a caller's serial argument. */
int gxca__ca_serial_arg(gxca_ctx *ctx, const char *serial, char norm[GXCA__SERIAL_MAX]);
/* The holder id (USCC / ID number) of a subject. */
const char *gxca__ca_holder_of(const struct gxca__issue_subject *si);

/* The CA key behind a PKCS#11 URI (ca-pkcs11.c, through token.h), logged
 * in with pin (NULL: the URI's pin-value). */
int gxca__ca_pkcs11_key(gxca_ctx *ctx, const char *uri, const char *pin, gxca_key **out);

/* Test hook: take serials from fn (NULL restores the RNG). */
void gxca__ca_set_serial_source(gxca_ca *ca, int (*fn)(uint8_t out[GXCA__SERIAL_BYTES], void *arg),
				void *arg);

#endif
