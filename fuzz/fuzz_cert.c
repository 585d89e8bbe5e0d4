/*
 * fuzz/fuzz_cert.c — certificate, CRL and certificate-request parsing on
 * arbitrary bytes: gxca_cert_from_der / from_pem, gxca_cert_chain_from_pem,
 * gxca_crl_from_der / from_pem and the CA's request import (CSR or
 * SubjectPublicKeyInfo, DER or PEM, CSR signature check). Every getter of a
 * parsed object is exercised too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ca-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_cert(const gxca_cert *c)
{
	size_t n = strlen(gxca_cert_subject(c)) + strlen(gxca_cert_issuer(c)) + strlen(gxca_cert_serial(c));
	for (int f = GXCA_DN_C; f <= GXCA_DN_CN; f++)
		n += gxca_cert_subject_field(c, f) ? 1 : 0;
	n += gxca_cert_uscc(c) ? strlen(gxca_cert_uscc(c)) : 0;
	n += gxca_cert_id_number(c) ? strlen(gxca_cert_id_number(c)) : 0;
	n += (size_t)(gxca_cert_key_algorithm(c) + gxca_cert_usage(c));
	uint8_t *der = NULL;
	size_t len = 0;
	if (gxca_cert_to_der(c, &der, &len) == GXCA_OK)
		gxca_free(der);
	if (gxca_cert_public_der(c, &der, &len) == GXCA_OK)
		gxca_free(der);
	const gxca_cert *self[1] = {c};
	int rc = gxca_cert_verify(c, self, 1, NULL, 1, NULL, NULL);
	(void)rc;
	(void)n;
}

static void touch_crl(const gxca_crl *crl)
{
	size_t n = strlen(gxca_crl_issuer(crl)) + (size_t)gxca_crl_number(crl);
	for (size_t i = 0; i < gxca_crl_count(crl) && i < 64; i++) {
		const char *serial = NULL;
		if (gxca_crl_entry(crl, i, &serial, NULL, NULL) == GXCA_OK && gxca_crl_find(crl, serial, NULL, NULL))
			n++;
	}
	uint8_t *der = NULL;
	size_t len = 0;
	if (gxca_crl_to_der(crl, &der, &len) == GXCA_OK)
		gxca_free(der);
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	if (size == 0 || gxca_ctx_new(&ctx) != GXCA_OK)
		return 0;
	gxca_cert *c = NULL;
	if (gxca_cert_from_der(&c, ctx, data, size) == GXCA_OK)
		touch_cert(c);
	gxca_cert_free(c);
	c = NULL;
	if (gxca_cert_from_pem(&c, ctx, (const char *)data, size) == GXCA_OK)
		touch_cert(c);
	gxca_cert_free(c);
	gxca_cert **chain = NULL;
	size_t n = 0;
	if (gxca_cert_chain_from_pem(&chain, &n, ctx, (const char *)data, size) == GXCA_OK)
		gxca_cert_chain_free(chain, n);
	gxca_crl *crl = NULL;
	if (gxca_crl_from_der(&crl, ctx, data, size) == GXCA_OK)
		touch_crl(crl);
	gxca_crl_free(crl);
	crl = NULL;
	if (gxca_crl_from_pem(&crl, ctx, (const char *)data, size) == GXCA_OK)
		touch_crl(crl);
	gxca_crl_free(crl);
	struct gxca__spki_decoder *dec = gxca__spki_decoder_new();
	struct gxca__request req;
	if (gxca__ca_request_parse(ctx, dec, data, size, &req) == GXCA_OK)
		gxca__request_clear(&req);
	gxca__spki_decoder_free(dec);
	gxca_ctx_free(ctx);
	return 0;
}
