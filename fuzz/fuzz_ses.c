/*
 * fuzz/fuzz_ses.c — the GB/T 38540 / GM/T 0031 parsers (SESeal and
 * SES_Signature) on arbitrary bytes; what parses is read through every
 * getter and verified (signature quirks, certificates, dates).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned sink;

static void touch(const uint8_t *p, size_t n)
{
	if (p && n)
		sink += p[0] + p[n - 1];
}

static void read_seal(const gxca_eseal *s)
{
	size_t n = 0;
	sink += (unsigned)gxca_eseal_version(s) + (unsigned)gxca_eseal_header_version(s) +
		(unsigned)gxca_eseal_type(s) + (unsigned)gxca_eseal_cert_list_type(s) +
		(unsigned)gxca_eseal_time_encoding(s) + gxca_eseal_quirks(s) +
		(unsigned)(gxca_eseal_create_date(s) ^ gxca_eseal_valid_start(s) ^ gxca_eseal_valid_end(s)) +
		(unsigned)(gxca_eseal_picture_width(s) + gxca_eseal_picture_height(s));
	sink += (unsigned)(strlen(gxca_eseal_vid(s)) + strlen(gxca_eseal_id(s)) + strlen(gxca_eseal_name(s)) +
			   strlen(gxca_eseal_picture_type(s)) + strlen(gxca_eseal_sign_alg(s)));
	for (size_t i = 0; i < gxca_eseal_cert_count(s); i++) {
		const uint8_t *c = gxca_eseal_cert(s, i, &n);
		touch(c, n);
		sink += (unsigned)strlen(gxca_eseal_cert_digest_type(s, i));
	}
	for (size_t i = 0; i < gxca_eseal_ext_count(s); i++) {
		const uint8_t *v = gxca_eseal_ext_value(s, i, &n);
		touch(v, n);
		sink += (unsigned)strlen(gxca_eseal_ext_oid(s, i)) + (unsigned)gxca_eseal_ext_critical(s, i);
	}
	const uint8_t *p = gxca_eseal_picture(s, &n);
	touch(p, n);
	p = gxca_eseal_maker_cert(s, &n);
	touch(p, n);
	p = gxca_eseal_signature(s, &n);
	touch(p, n);
	p = gxca_eseal_timestamp(s, &n);
	touch(p, n);
}

static void read_sign(const gxca_esign *g)
{
	size_t n = 0;
	sink += (unsigned)gxca_esign_version(g) + (unsigned)gxca_esign_tbs_version(g) +
		(unsigned)gxca_esign_time(g) + (unsigned)gxca_esign_time_encoding(g) + gxca_esign_quirks(g);
	sink += (unsigned)(strlen(gxca_esign_time_text(g)) + strlen(gxca_esign_property_info(g)) +
			   strlen(gxca_esign_sign_alg(g)));
	const uint8_t *p = gxca_esign_data_hash(g, &n);
	touch(p, n);
	p = gxca_esign_signer_cert(g, &n);
	touch(p, n);
	p = gxca_esign_signature(g, &n);
	touch(p, n);
	p = gxca_esign_timestamp(g, &n);
	touch(p, n);
	for (size_t i = 0; i < gxca_esign_ext_count(g); i++) {
		p = gxca_esign_ext_value(g, i, &n);
		touch(p, n);
		sink += (unsigned)strlen(gxca_esign_ext_oid(g, i)) + (unsigned)gxca_esign_ext_critical(g, i);
	}
	read_seal(gxca_esign_seal(g));
}

static void read_result(const gxca_eseal_result *r)
{
	for (uint32_t c = 1; c <= GXCA_ESEAL_CHECK_MAKER_CHAIN; c <<= 1)
		sink += (unsigned)gxca_eseal_result_status(r, c) +
			(unsigned)strlen(gxca_eseal_result_message(r, c, GXCA_LANG_EN));
	sink += gxca_eseal_result_ran(r) + gxca_eseal_result_failed(r) + gxca_eseal_result_quirks(r, 0);
}

/* Verify again with the options set, so the chain and data-hash checks run:
 * the object's own certificate as the anchor (a chain of one), the time of
 * its validity, and for a signature its own dataHash as the digest. */
static void verify_with_options(const gxca_eseal *s, const gxca_esign *g)
{
	gxca_eseal_verify_options o;
	gxca_eseal_result *r = NULL;
	if (gxca_eseal_verify_options_init(&o, GXCA_ESEAL_VERIFY_OPTIONS_VERSION) != GXCA_OK)
		return;
	if (s) {
		o.anchors = gxca_eseal_maker_cert(s, &o.anchors_len);
		o.at = gxca_eseal_valid_start(s);
		if (gxca_eseal_verify(s, &o, &r) != GXCA_ENOMEM)
			read_result(r);
	} else {
		o.anchors = gxca_esign_signer_cert(g, &o.anchors_len);
		o.digest = gxca_esign_data_hash(g, &o.digest_len);
		if (gxca_esign_verify(g, &o, &r) != GXCA_ENOMEM)
			read_result(r);
	}
	gxca_eseal_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK)
		return 0;
	sink += (unsigned)gxca_eseal_kind(data, size);
	gxca_eseal *s = NULL;
	gxca_esign *g = NULL;
	gxca_eseal_result *r = NULL;
	if (gxca_eseal_parse(&s, ctx, data, size) == GXCA_OK) {
		read_seal(s);
		if (gxca_eseal_verify(s, NULL, &r) != GXCA_ENOMEM)
			read_result(r);
		gxca_eseal_result_free(r);
		r = NULL;
		verify_with_options(s, NULL);
	}
	if (gxca_esign_parse(&g, ctx, data, size) == GXCA_OK) {
		read_sign(g);
		if (gxca_esign_verify(g, NULL, &r) != GXCA_ENOMEM)
			read_result(r);
		gxca_eseal_result_free(r);
		verify_with_options(NULL, g);
	}
	gxca_esign_free(g);
	gxca_eseal_free(s);
	gxca_ctx_free(ctx);
	return 0;
}
