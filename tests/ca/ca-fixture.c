/*
 * tests/ca/ca-fixture.c — make a CA and certificates for the interop tests
 * with the OpenSSL command line (tests/ca/test-openssl-interop.sh):
 *
 *   ca-fixture ALG DIR     ALG: SM2, EC_P256 or RSA2048
 *
 * DIR receives root.pem, ca.pem, chain.pem (+ keys) from gxca_ca_create, and
 * org.pem (valid ORG signing certificate), person.pem (PERSON), enc.pem (ORG
 * encryption certificate), revoked.pem (revoked, keyCompromise), crl.pem and
 * crl.der, and serials.txt ("revoked <hex>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca-private.h"

static int die(gxca_ctx *ctx, const char *what)
{
	const gxca_error *e = gxca_ctx_last_error(ctx);
	fprintf(stderr, "ca-fixture: %s: %s %s [%s]\n", what, gxca_error_name(e), gxca_error_message_lang(e, GXCA_LANG_EN),
		gxca_error_detail(e));
	exit(1);
}

static void write_text(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "ca-fixture: cannot write %s\n", path);
		exit(1);
	}
}

static gxca_cert *issue(gxca_ca *ca, gxca_ctx *ctx, const struct gxca__issue_subject *si, int alg, int usage)
{
	gxca_key *k = NULL;
	gxca_issue_options o;
	if (gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION) || gxca_key_generate(&k, ctx, alg))
		die(ctx, "key");
	uint8_t *spki = NULL;
	size_t n = 0;
	if (gxca_key_public_der(k, &spki, &n))
		die(ctx, "public key");
	o.request = spki;
	o.request_len = n;
	o.usage = usage;
	gxca_cert *c = NULL;
	if (gxca__ca_issue_subject(ca, GXCA_BIZ_NEW, si, NULL, &o, &c))
		die(ctx, "issue");
	gxca_free(spki);
	gxca_key_free(k);
	return c;
}

static void save_cert(const char *dir, const char *name, const gxca_cert *c, gxca_ctx *ctx)
{
	char *pem = NULL;
	size_t n = 0;
	if (gxca_cert_to_pem(c, &pem, &n))
		die(ctx, "pem");
	write_text(dir, name, pem, n);
	gxca_free(pem);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ca-fixture SM2|EC_P256|RSA2048 DIR\n");
		return 2;
	}
	int alg = gxca_key_alg_from_name(argv[1]);
	const char *dir = argv[2];
	gxca_ctx *ctx = NULL;
	gxca_ca *ca = NULL;
	char reg[4096];
	snprintf(reg, sizeof reg, "%s/registry.db", dir);
	if (!alg || gxca_ctx_new(&ctx) || gxca_ca_create(&ca, ctx, dir, alg, reg))
		die(ctx, "create");
	const struct gxca__issue_subject org = {
		.applicant = GXCA_APPLICANT_ORG, .application_id = "GXINTEROP", .org_name = "南通通达建设工程有限公司",
		.uscc = "91320600MA1MX2K79C", .province = "江苏省", .city = "南通市", .years = 2};
	const struct gxca__issue_subject person = {
		.applicant = GXCA_APPLICANT_PERSON, .application_id = "GXINTEROP2", .person_name = "王芳",
		.id_number = "320602198807150023", .affiliation = "南通通达建设工程有限公司", .resident_id = true, .years = 1};
	gxca_cert *good = issue(ca, ctx, &org, alg, GXCA_CERT_SIGN);
	gxca_cert *enc = issue(ca, ctx, &org, alg, GXCA_CERT_ENCRYPT);
	gxca_cert *pers = issue(ca, ctx, &person, alg, GXCA_CERT_SIGN);
	gxca_cert *bad = issue(ca, ctx, &org, alg, GXCA_CERT_SIGN);
	if (gxca_ca_revoke(ca, gxca_cert_serial(bad), GXCA_REASON_KEY_COMPROMISE, 0))
		die(ctx, "revoke");
	gxca_crl *crl = NULL;
	if (gxca_ca_crl(ca, 0, &crl))
		die(ctx, "crl");
	save_cert(dir, "org.pem", good, ctx);
	save_cert(dir, "enc.pem", enc, ctx);
	save_cert(dir, "person.pem", pers, ctx);
	save_cert(dir, "revoked.pem", bad, ctx);
	char *pem = NULL;
	uint8_t *der = NULL;
	size_t n = 0;
	if (gxca_crl_to_pem(crl, &pem, &n))
		die(ctx, "crl pem");
	write_text(dir, "crl.pem", pem, n);
	gxca_free(pem);
	if (gxca_crl_to_der(crl, &der, &n))
		die(ctx, "crl der");
	write_text(dir, "crl.der", der, n);
	gxca_free(der);
	char line[128];
	n = (size_t)snprintf(line, sizeof line, "revoked %s\ngood %s\n", gxca_cert_serial(bad), gxca_cert_serial(good));
	write_text(dir, "serials.txt", line, n);
	gxca_crl_free(crl);
	gxca_cert_free(good);
	gxca_cert_free(enc);
	gxca_cert_free(pers);
	gxca_cert_free(bad);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
	return 0;
}
