/*
 * tools/cmd-demo.c — gxca demo: the whole guide, end to end.
 *
 * One ORG and one PERSON application: validate -> checklist -> mail package ->
 * quote -> review -> payment -> issue -> delivery. For the ORG, between
 * payment and issue: keys on SoftHSM2 master and secondary tokens, a CA,
 * certificates, seal images, a GB/T 38540 seal, a signed and verified bid
 * document, a bid file encrypted to both tokens; after delivery a REISSUE
 * with revocation and a CRL. Each step prints what it did; files go under
 * --out DIR (default ./gxca-demo).
 *
 * SoftHSM2 has no SM2: the token keys are EC P-256 (encryption certificates,
 * the envelope); the master's signing key (seal holder, bid signature, which
 * GB/T 38540 requires to be SM2) is a software SM2 key kept under --out.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

struct demo {
	struct cli *c;
	const char *out;
	int step;
	int64_t t0; /* 2026-09-28 09:30 Asia/Shanghai: a Monday before National Day */
	/* the ORG's PKI part */
	gxca_ca *ca;
	gxca_token_module *mod;
	gxca_token *tok[2];     /* master, secondary */
	gxca_key *tkey[2];      /* P-256 keys on the tokens */
	gxca_cert *enc[2];      /* their encryption certificates */
	gxca_key *sign_key;     /* the master's SM2 signing key */
	gxca_cert *sign_cert;
	uint8_t *seal_png;      /* the rendered 公章 */
	size_t seal_png_len;
	gxca_eseal *seal;
};

#define DEMO_PIN_INITIAL "123456"
#define DEMO_PIN "24681357"
#define DEMO_SO_PIN "12345678"
#define DEMO_MODULE "/usr/lib/softhsm/libsofthsm2.so"
static const char *const token_label[2] = {"master", "secondary"};
static const uint8_t token_key_id[1] = {1};

/* Steps print their title first, then their details, then ok or the error. */
static void step_begin(struct demo *d, const char *title)
{
	printf("[%2d] %s\n", ++d->step, title);
	fflush(stdout);
}

static int step_end(struct demo *d, int rc)
{
	if (rc == GXCA_OK) {
		printf("     ok\n");
		return rc;
	}
	printf("     FAILED\n");
	fflush(stdout);
	cli_fail(d->c, rc);
	return rc;
}

/* STEP(d, title, expression): nonzero when the step failed. */
#define STEP(d, title, expr) (step_begin((d), (title)), step_end((d), (expr)))

static int set_all(gxca_application *app, const int *fields, const char *const *values, size_t n)
{
	int rc = GXCA_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = gxca_application_set(app, fields[i], values[i]);
	return rc;
}

static int make_org(struct demo *d, int business, unsigned count, int years, gxca_application **out)
{
	static const int f[] = {GXCA_APP_ORG_NAME, GXCA_APP_USCC, GXCA_APP_REG_PROVINCE, GXCA_APP_REG_CITY,
				GXCA_APP_REG_COUNTY, GXCA_APP_LEGAL_REP_NAME, GXCA_APP_ORG_PHONE,
				GXCA_APP_AGENT_NAME, GXCA_APP_AGENT_ID_NUMBER, GXCA_APP_AGENT_MOBILE,
				GXCA_APP_INVOICE_EMAIL, GXCA_APP_RETURN_ADDRESS, GXCA_APP_FORM_DATE};
	static const char *const v[] = {"南通示例建设工程有限公司", "91320600MA1MX2K79C", "江苏省", "南通市",
					"崇川区", "王建国", "0513-81000000", "李明", "320602198807150023",
					"13912345678", "invoice@example.com", "南通市崇川区工农南路150号",
					"2026-09-28"};
	gxca_application *app = NULL;
	int rc = gxca_application_new(&app, d->c->ctx, GXCA_APPLICANT_ORG);
	if (!rc)
		rc = set_all(app, f, v, sizeof f / sizeof f[0]);
	if (!rc)
		rc = gxca_application_add_line(app, business, count, years, 0);
	if (!rc && !(rc = gxca_application_set_collected(app, GXCA_COLLECT_OFFICIAL_SEAL, 2)) &&
	    !(rc = gxca_application_set_collected(app, GXCA_COLLECT_LEGAL_REP_SEAL, 1)) &&
	    !(rc = gxca_application_set_collected(app, GXCA_COLLECT_LEGAL_REP_SIGNATURE, 1)))
		rc = gxca_application_set_consent(app, 1);
	if (rc)
		gxca_application_free(app);
	else
		*out = app;
	return rc;
}

static int make_person(struct demo *d, gxca_application **out)
{
	static const int f[] = {GXCA_APP_PERSON_NAME, GXCA_APP_ID_TYPE, GXCA_APP_ID_NUMBER,
				GXCA_APP_PERSON_PHONE, GXCA_APP_AGENT_NAME, GXCA_APP_AGENT_ID_NUMBER,
				GXCA_APP_AGENT_MOBILE, GXCA_APP_INVOICE_EMAIL, GXCA_APP_RETURN_ADDRESS,
				GXCA_APP_FORM_DATE};
	static const char *const v[] = {"陈静", "RESIDENT_ID", "320602198807150023", "13800001111", "陈静",
					"320602198807150023", "13800001111", "chenjing@example.com",
					"南通市通州区碧华路197号", "2026-09-28"};
	gxca_application *app = NULL;
	int rc = gxca_application_new(&app, d->c->ctx, GXCA_APPLICANT_PERSON);
	if (!rc)
		rc = set_all(app, f, v, sizeof f / sizeof f[0]);
	if (!rc)
		rc = gxca_application_add_line(app, GXCA_BIZ_NEW, 1, 1, 0);
	if (!rc && !(rc = gxca_application_set_collected(app, GXCA_COLLECT_SIGNATURES, 3)) &&
	    !(rc = gxca_application_set_collected(app, GXCA_COLLECT_BEST_SIGNATURE, 2)))
		rc = gxca_application_set_consent(app, 1);
	if (rc)
		gxca_application_free(app);
	else
		*out = app;
	return rc;
}

static int validate(struct demo *d, const gxca_application *app)
{
	gxca_report *r = NULL;
	int rc = gxca_application_validate(app, &r);
	if (r && gxca_report_count(r))
		cli_print_report(d->c, r);
	gxca_report_free(r);
	return rc;
}

/* The checklist and the mail package, with stand-in scans (small PDFs). */
static int mail_package(struct demo *d, const gxca_application *app, const char *name)
{
	gxca_checklist *cl = NULL;
	gxca_mail_package *pkg = NULL;
	int rc = gxca_checklist_new(&cl, d->c->ctx, gxca_application_applicant(app), GXCA_BIZ_NEW, 0,
				    gxca_application_by_proxy(app));
	if (!rc)
		rc = gxca_mail_package_new(&pkg, cl, name);
	for (size_t i = 0; !rc && i < gxca_checklist_count(cl); i++) {
		if (gxca_checklist_flags(cl, i) & GXCA_MATFLAG_PHYSICAL)
			continue;
		char scan[256];
		int n = snprintf(scan, sizeof scan, "%%PDF-1.4\n%% scan of %s for %s\n%%%%EOF\n",
				 gxca_material_name(gxca_checklist_material(cl, i)), name);
		printf("       - %s\n", gxca_checklist_label(cl, i, d->c->lang));
		rc = gxca_mail_package_add_scan(pkg, gxca_checklist_material(cl, i), "scan.pdf",
						(const uint8_t *)scan, (size_t)n);
	}
	char *path = NULL;
	if (!rc)
		rc = gxca_mail_package_write(pkg, d->t0, d->out, &path);
	if (!rc)
		printf("       %s %s\n", cli_tr(d->c, "压缩包：", "archive:"), path);
	gxca_free(path);
	gxca_mail_package_free(pkg);
	gxca_checklist_free(cl);
	return rc;
}

static int quote(struct demo *d, const gxca_application *app)
{
	gxca_quote *q = NULL;
	int rc = gxca_quote_new(&q, d->c->ctx);
	for (size_t i = 0; !rc && i < gxca_application_line_count(app); i++) {
		int biz, years;
		unsigned count;
		uint32_t flags;
		if (!(rc = gxca_application_line_get(app, i, &biz, &count, &years, &flags)))
			rc = gxca_quote_add_order(q, gxca_application_applicant(app), biz, count, years, -1);
	}
	for (size_t i = 0; !rc && i < gxca_quote_line_count(q); i++)
		printf("       %-36s %8.2f\n", gxca_quote_line_text(q, i, d->c->lang),
		       (double)gxca_quote_line_amount_fen(q, i) / 100);
	if (!rc)
		printf("       %s %.2f\n", cli_tr(d->c, "合计（元）", "total (CNY)"), (double)gxca_quote_total(q) / 100);
	gxca_quote_free(q);
	return rc;
}

/* Submission, review and payment. */
static int pay(struct demo *d, gxca_application *app, int channel)
{
	int64_t t = d->t0, h = 3600;
	int rc = gxca_application_submit(app, channel, "applicant", t);
	if (!rc) rc = gxca_application_approve(app, "reviewer", t + h);
	if (!rc) rc = gxca_application_request_payment(app, "reviewer", t + 2 * h);
	if (!rc) rc = gxca_application_mark_paid(app, "applicant", t + 3 * h);
	return rc;
}

/* Write bytes to DIR/name and print the path. */
static int demo_write(struct demo *d, const char *name, const void *data, size_t len, char *path,
		      size_t size)
{
	char buf[4096];
	if (!path)
		path = buf, size = sizeof buf;
	snprintf(path, size, "%s/%s", d->out, name);
	if (cli_write_file(path, data, len) != 0)
		return GXCA_EIO;
	printf("       %s\n", path);
	return GXCA_OK;
}

/* Issue and delivery; the application is saved as JSON. */
static int deliver(struct demo *d, gxca_application *app, int channel, const char *file)
{
	int64_t t = d->t0, h = 3600;
	int rc = gxca_application_mark_issued(app, "operator", t + 4 * h);
	if (!rc) rc = gxca_application_deliver(app, "operator", t + 5 * h,
					      channel == GXCA_CHANNEL_MAIL ? "SF1234567890" : NULL);
	char due[GXCA_DATE_SIZE], *json = NULL;
	if (!rc && !(rc = gxca_application_invoice_due(app, due)))
		printf("       %s %s\n", cli_tr(d->c, "电子发票开具期限：", "invoice due:"), due);
	if (!rc && channel == GXCA_CHANNEL_MAIL && !(rc = gxca_application_mail_due(app, due)))
		printf("       %s %s\n", cli_tr(d->c, "邮寄申领办结期限：", "mail application due:"), due);
	if (!rc && !(rc = gxca_application_to_json(app, &json)))
		rc = demo_write(d, file, json, strlen(json), NULL, 0);
	gxca_free(json);
	return rc;
}

/* A private SoftHSM2 store under DIR/softhsm with the two tokens, unless
 * SOFTHSM2_CONF already names one. */
static int softhsm_setup(struct demo *d)
{
	if (getenv("SOFTHSM2_CONF"))
		return GXCA_OK;
	char dir[4096], conf[4200], tokens[4200], cmd[8600];
	snprintf(dir, sizeof dir, "%s/softhsm", d->out);
	snprintf(tokens, sizeof tokens, "%s/tokens", dir);
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
	if (mkdir(dir, 0700) != 0 || mkdir(tokens, 0700) != 0) {
		fprintf(stderr, "cannot create %s: %s\n", tokens, strerror(errno));
		return GXCA_EIO;
	}
	char text[4400];
	int n = snprintf(text, sizeof text,
			 "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
	if (demo_write(d, "softhsm/softhsm2.conf", text, (size_t)n, NULL, 0) != GXCA_OK ||
	    setenv("SOFTHSM2_CONF", conf, 1) != 0)
		return GXCA_EIO;
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof cmd,
			 "softhsm2-util --init-token --free --label %s --so-pin " DEMO_SO_PIN
			 " --pin " DEMO_PIN_INITIAL " >/dev/null",
			 token_label[i]);
		if (system(cmd) != 0) {
			fprintf(stderr, "%s: failed (is SoftHSM2 installed?)\n", cmd);
			return GXCA_EIO;
		}
	}
	return GXCA_OK;
}

/* Open one token, change its initial PIN, make a P-256 key on it. */
static int token_ready(struct demo *d, int i)
{
	gxca_token *tok = NULL;
	int rc = gxca_token_open(&tok, d->mod, token_label[i]);
	if (!rc) rc = gxca_token_login(tok, DEMO_PIN_INITIAL);
	if (!rc) rc = gxca_token_change_pin(tok, DEMO_PIN_INITIAL, DEMO_PIN);
	if (!rc) rc = gxca_token_keygen(tok, GXCA_KEY_EC_P256, "enc", token_key_id, sizeof token_key_id);
	if (!rc) rc = gxca_token_set_role(tok, i ? GXCA_TOKEN_ROLE_SECONDARY : GXCA_TOKEN_ROLE_MASTER);
	if (!rc) rc = gxca_token_get_key(&d->tkey[i], tok, NULL, token_key_id, sizeof token_key_id);
	const gxca_token_info *info = NULL;
	if (!rc && !(rc = gxca_token_get_info(tok, &info)))
		printf("       %s: %s %s, %s\n", token_label[i], cli_tr(d->c, "序列号", "serial"),
		       gxca_token_info_serial(info), cli_tr(d->c, "PIN 已修改", "PIN changed"));
	d->tok[i] = tok;
	return rc;
}

static int tokens(struct demo *d)
{
	int rc = softhsm_setup(d);
	if (!rc) {
		const char *path = getenv("GXCA_PKCS11_MODULE");
		rc = gxca_token_module_open(&d->mod, d->c->ctx, path ? path : DEMO_MODULE);
	}
	for (int i = 0; i < 2 && !rc; i++)
		rc = token_ready(d, i);
	return rc;
}

static int ca_create(struct demo *d)
{
	char dir[4096], reg[4200];
	snprintf(dir, sizeof dir, "%s/ca", d->out);
	snprintf(reg, sizeof reg, "%s/ca/registry.sqlite", d->out);
	int rc = gxca_ca_create(&d->ca, d->c->ctx, dir, GXCA_KEY_SM2, reg);
	if (!rc)
		printf("       %s/{root,ca,chain}.pem, %s\n", dir, reg);
	return rc;
}

/* Issue a certificate for a request and write it as PEM. */
static int issue(struct demo *d, const gxca_application *app, const uint8_t *req, size_t req_len,
		 int usage, const char *token_serial, const char *file, gxca_cert **out)
{
	gxca_issue_options o;
	char *pem = NULL;
	size_t pem_len = 0;
	int rc = gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION);
	o.request = req, o.request_len = req_len, o.usage = usage, o.token_serial = token_serial;
	o.now = d->t0 + 3 * 3600 + 1800;
	if (!rc) rc = gxca_ca_issue(d->ca, app, &o, out);
	if (!rc) rc = gxca_cert_to_pem(*out, &pem, &pem_len);
	if (!rc) rc = demo_write(d, file, pem, pem_len, NULL, 0);
	gxca_free(pem);
	return rc;
}

/* Encryption certificates for the token keys (CSR signed on the token), stored on the tokens. */
static int token_certs(struct demo *d, const gxca_application *app)
{
	int rc = GXCA_OK;
	for (int i = 0; i < 2 && !rc; i++) {
		uint8_t *csr = NULL, *der = NULL;
		size_t csr_len = 0, der_len = 0;
		const gxca_token_info *info = NULL;
		char file[64];
		snprintf(file, sizeof file, "%s-enc.pem", token_label[i]);
		rc = gxca_token_csr(d->tkey[i], "/C=CN/CN=token", &csr, &csr_len);
		if (!rc) rc = gxca_token_get_info(d->tok[i], &info);
		if (!rc) rc = issue(d, app, csr, csr_len, GXCA_CERT_ENCRYPT, gxca_token_info_serial(info), file,
				   &d->enc[i]);
		if (!rc) rc = gxca_cert_to_der(d->enc[i], &der, &der_len);
		if (!rc) rc = gxca_token_store_cert(d->tok[i], der, der_len, NULL);
		gxca_free(csr);
		gxca_free(der);
	}
	return rc;
}

/* The master's SM2 signing key (software: SoftHSM2 has no SM2) and its certificate. */
static int sign_cert(struct demo *d, const gxca_application *app, const char *key_file,
		     const char *cert_file, gxca_key **key, gxca_cert **cert)
{
	uint8_t *spki = NULL;
	size_t len = 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", d->out, key_file);
	int rc = gxca_key_generate(key, d->c->ctx, GXCA_KEY_SM2);
	if (!rc) rc = gxca_key_save_pem(*key, path, NULL);
	if (!rc) printf("       %s\n", path);
	if (!rc) rc = gxca_key_public_der(*key, &spki, &len);
	if (!rc) rc = issue(d, app, spki, len, GXCA_CERT_SIGN, NULL, cert_file, cert);
	gxca_free(spki);
	return rc;
}

static int certs(struct demo *d, const gxca_application *app)
{
	int rc = token_certs(d, app);
	return rc ? rc : sign_cert(d, app, "master-sign.key", "master-sign.pem", &d->sign_key, &d->sign_cert);
}

/* Render a seal preset with a name and write it as PNG. */
static int render(struct demo *d, int preset, const char *name, const char *file, uint8_t **png,
		  size_t *png_len)
{
	gxca_seal_spec *spec = NULL;
	gxca_image *img = NULL;
	int rc = gxca_seal_spec_new(&spec, d->c->ctx, preset);
	if (!rc) rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_NAME, name);
	if (!rc) rc = gxca_seal_render(&img, spec);
	if (!rc) rc = gxca_image_to_png(img, png, png_len);
	if (!rc) rc = demo_write(d, file, *png, *png_len, NULL, 0);
	gxca_image_free(img);
	gxca_seal_spec_free(spec);
	return rc;
}

static int seal_images(struct demo *d)
{
	uint8_t *png = NULL;
	size_t len = 0;
	int rc = render(d, GXCA_SEAL_ORG_ROUND_42, "南通示例建设工程有限公司", "seal-org.png", &d->seal_png,
			&d->seal_png_len);
	if (!rc) rc = render(d, GXCA_SEAL_PERSON_SQUARE_20, "王建国", "seal-legal-rep.png", &png, &len);
	gxca_free(png);
	return rc;
}

/* The maker (the issuing CA) signs the seal; it holds the master's signing certificate. */
static int eseal(struct demo *d)
{
	char path[4096];
	gxca_key *maker = NULL;
	uint8_t *cert = NULL, *mcert = NULL, *der = NULL;
	size_t cert_len = 0, mcert_len = 0, der_len = 0;
	gxca_cert **chain = NULL;
	size_t n = 0;
	int64_t t = d->t0 + 4 * 3600;
	snprintf(path, sizeof path, "%s/ca/ca.key", d->out);
	int rc = gxca_key_load_file(&maker, d->c->ctx, path, NULL);
	if (!rc) rc = gxca_ca_chain(d->ca, &chain, &n);
	if (!rc) rc = gxca_cert_to_der(chain[0], &mcert, &mcert_len);
	if (!rc) rc = gxca_cert_to_der(d->sign_cert, &cert, &cert_len);
	if (!rc) rc = gxca_eseal_new(&d->seal, d->c->ctx);
	if (!rc) rc = gxca_eseal_set_vid(d->seal, "GXCA");
	if (!rc) rc = gxca_eseal_set_id(d->seal, "32060000000001");
	if (!rc) rc = gxca_eseal_set_type(d->seal, 1);
	if (!rc) rc = gxca_eseal_set_name(d->seal, "南通示例建设工程有限公司公章");
	if (!rc) rc = gxca_eseal_add_cert(d->seal, cert, cert_len);
	if (!rc) rc = gxca_eseal_set_validity(d->seal, t, t, gxca_cert_not_after(d->sign_cert));
	if (!rc) rc = gxca_eseal_set_picture(d->seal, "png", d->seal_png, d->seal_png_len, 42, 42);
	if (!rc) rc = gxca_eseal_sign(d->seal, maker, mcert, mcert_len);
	if (!rc) rc = gxca_eseal_to_der(d->seal, &der, &der_len);
	if (!rc) rc = demo_write(d, "seal.ses", der, der_len, NULL, 0);
	if (!rc) rc = gxca_token_store_seal(d->tok[0], der, der_len, 0);
	gxca_free(der);
	gxca_free(cert);
	gxca_free(mcert);
	gxca_cert_chain_free(chain, n);
	gxca_key_free(maker);
	return rc;
}

static int read_anchors(struct demo *d, char **pem, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/ca/chain.pem", d->out);
	*pem = cli_read_file(path, len);
	return *pem ? GXCA_OK : GXCA_EIO;
}

/* Sign the bid document with the seal, write the signature, parse and verify it. */
static int esign(struct demo *d)
{
	static const char bid[] = "%PDF-1.7\n% 投标文件 bid document\n%%EOF\n";
	gxca_esign *sig = NULL, *back = NULL;
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	uint8_t *cert = NULL, *der = NULL;
	size_t cert_len = 0, der_len = 0, anchors_len = 0;
	char *anchors = NULL;
	int rc = demo_write(d, "bid.pdf", bid, sizeof bid - 1, NULL, 0);
	if (!rc) rc = gxca_cert_to_der(d->sign_cert, &cert, &cert_len);
	if (!rc) rc = gxca_esign_new(&sig, d->c->ctx);
	if (!rc) rc = gxca_esign_set_seal(sig, d->seal);
	if (!rc) rc = gxca_esign_set_data(sig, (const uint8_t *)bid, sizeof bid - 1);
	if (!rc) rc = gxca_esign_set_time(sig, d->t0 + 4 * 3600 + 600);
	if (!rc) rc = gxca_esign_set_property_info(sig, "/Doc_0/Signs/Sign_0/Signature.xml");
	if (!rc) rc = gxca_esign_sign(sig, d->sign_key, cert, cert_len);
	if (!rc) rc = gxca_esign_to_der(sig, &der, &der_len);
	if (!rc) rc = demo_write(d, "bid.pdf.sig", der, der_len, NULL, 0);
	if (!rc) rc = gxca_esign_parse(&back, d->c->ctx, der, der_len);
	if (!rc) rc = read_anchors(d, &anchors, &anchors_len);
	o.anchors = (const uint8_t *)anchors, o.anchors_len = anchors_len;
	o.data = (const uint8_t *)bid, o.data_len = sizeof bid - 1;
	if (!rc && !(rc = gxca_esign_verify(back, &o, NULL)))
		printf("       %s\n", cli_tr(d->c, "签章验证通过", "signature verified"));
	free(anchors);
	gxca_free(der);
	gxca_free(cert);
	gxca_esign_free(back);
	gxca_esign_free(sig);
	return rc;
}

/* Two files are equal (same length, same bytes). */
static int same_file(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	char *x = cli_read_file(a, &la), *y = cli_read_file(b, &lb);
	int rc = x && y && la == lb && memcmp(x, y, la) == 0 ? GXCA_OK : GXCA_EIO;
	free(x);
	free(y);
	return rc;
}

/* A bid file encrypted to both tokens' certificates, then opened by each token. */
static int envelope(struct demo *d)
{
	char plain[4096], sealed[4200], opened[4200], buf[4096];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)('A' + i % 26);
	gxca_envelope *env = NULL;
	int rc = demo_write(d, "bid-file.pdf", buf, sizeof buf, plain, sizeof plain);
	snprintf(sealed, sizeof sealed, "%s.p7m", plain);
	if (!rc) rc = gxca_envelope_new(&env, d->c->ctx);
	for (int i = 0; i < 2 && !rc; i++) {
		uint8_t *der = NULL;
		size_t len = 0;
		if (!(rc = gxca_cert_to_der(d->enc[i], &der, &len)))
			rc = gxca_envelope_add_recipient(env, der, len);
		gxca_free(der);
	}
	if (!rc && !(rc = gxca_envelope_encrypt_file(env, plain, sealed)))
		printf("       %s\n", sealed);
	for (int i = 0; i < 2 && !rc; i++) {
		uint8_t *der = NULL;
		size_t len = 0;
		snprintf(opened, sizeof opened, "%s/bid-file.%s.pdf", d->out, token_label[i]);
		if (!(rc = gxca_cert_to_der(d->enc[i], &der, &len)))
			rc = gxca_envelope_decrypt_file(d->tkey[i], der, len, sealed, opened);
		if (!rc && !(rc = same_file(plain, opened)))
			printf("       %s (%s)\n", opened, token_label[i]);
		gxca_free(der);
	}
	gxca_envelope_free(env);
	return rc;
}

/* REISSUE of the master's signing certificate after loss: the old one is
 * revoked, a new one issued; the CRL lists the old serial. */
static int reissue(struct demo *d)
{
	gxca_application *app = NULL;
	gxca_key *key = NULL;
	gxca_cert *cert = NULL;
	gxca_crl *crl = NULL;
	uint8_t *spki = NULL;
	char *pem = NULL;
	size_t len = 0;
	gxca_issue_options o;
	int rc = make_org(d, GXCA_BIZ_REISSUE, 1, 0, &app);
	if (!rc) rc = pay(d, app, GXCA_CHANNEL_ONSITE);
	if (!rc) rc = gxca_key_generate(&key, d->c->ctx, GXCA_KEY_SM2);
	if (!rc) rc = gxca_key_public_der(key, &spki, &len);
	if (!rc) rc = gxca_issue_options_init(&o, GXCA_ISSUE_OPTIONS_VERSION);
	o.request = spki, o.request_len = len, o.now = d->t0 + 6 * 3600;
	if (!rc) rc = gxca_ca_reissue(d->ca, app, gxca_cert_serial(d->sign_cert), &o, &cert);
	if (!rc)
		printf("       %s %s -> %s\n", cli_tr(d->c, "补办：", "reissued:"), gxca_cert_serial(d->sign_cert),
		       gxca_cert_serial(cert));
	if (!rc) rc = gxca_ca_crl(d->ca, d->t0 + 7 * 3600, &crl);
	if (!rc) rc = gxca_crl_find(crl, gxca_cert_serial(d->sign_cert), NULL, NULL);
	if (!rc) rc = gxca_crl_to_pem(crl, &pem, &len);
	if (!rc) rc = demo_write(d, "ca/crl.pem", pem, len, NULL, 0);
	gxca_free(pem);
	gxca_free(spki);
	gxca_crl_free(crl);
	gxca_cert_free(cert);
	gxca_key_free(key);
	gxca_application_free(app);
	return rc;
}

static void pki_free(struct demo *d)
{
	gxca_eseal_free(d->seal);
	gxca_free(d->seal_png);
	gxca_cert_free(d->sign_cert);
	gxca_key_free(d->sign_key);
	for (int i = 0; i < 2; i++) {
		gxca_cert_free(d->enc[i]);
		gxca_key_free(d->tkey[i]);
		gxca_token_close(d->tok[i]);
	}
	gxca_token_module_close(d->mod);
	gxca_ca_free(d->ca);
}

/* Between payment and issue: the ORG's tokens, certificates and seal. */
static int run_pki(struct demo *d, const gxca_application *app)
{
	struct cli *c = d->c;
	if (STEP(d, cli_tr(c, "SoftHSM2 主锁与副锁：修改 PIN、生成密钥", "SoftHSM2 master and secondary tokens: PIN, keys"),
		 tokens(d)) ||
	    STEP(d, cli_tr(c, "创建 CA（SM2）", "create the CA (SM2)"), ca_create(d)) ||
	    STEP(d, cli_tr(c, "签发证书", "issue the certificates"), certs(d, app)) ||
	    STEP(d, cli_tr(c, "印模图像", "seal images"), seal_images(d)) ||
	    STEP(d, cli_tr(c, "制作电子印章（GB/T 38540）", "make the electronic seal (GB/T 38540)"), eseal(d)) ||
	    STEP(d, cli_tr(c, "投标文件签章并验证", "sign the bid document and verify it"), esign(d)) ||
	    STEP(d, cli_tr(c, "投标文件加密给两把锁，各自解密", "encrypt a bid file to both tokens, open it with each"),
		 envelope(d)))
		return 1;
	return 0;
}

/* One applicant through the guide; with pki, the ORG's tokens, certificates and
 * seal between payment and delivery, and a reissue afterwards. */
static int run_applicant(struct demo *d, gxca_application *app, const char *name, int channel,
			 const char *file, int pki)
{
	struct cli *c = d->c;
	if (STEP(d, cli_tr(c, "校验申请表", "validate the application form"), validate(d, app)) ||
	    STEP(d, cli_tr(c, "申领材料清单与邮寄压缩包", "materials checklist and mail package"),
		 mail_package(d, app, name)) ||
	    STEP(d, cli_tr(c, "报价", "quote"), quote(d, app)) ||
	    STEP(d, cli_tr(c, "受理、审核、缴费", "submission, review, payment"), pay(d, app, channel)) ||
	    (pki && run_pki(d, app)) ||
	    STEP(d, cli_tr(c, "签发、交付", "issue, delivery"), deliver(d, app, channel, file)) ||
	    (pki && STEP(d, cli_tr(c, "补办：吊销旧证书、签发新证书、CRL", "reissue: revocation, new certificate, CRL"),
			 reissue(d))))
		return 1;
	return 0;
}

static int make_org_new(struct demo *d, gxca_application **out)
{
	return make_org(d, GXCA_BIZ_NEW, 2, 4, out); /* master + secondary token */
}

/* The tokens and the CA are made afresh: refuse a DIR that holds them already. */
static int fresh_out(const char *out)
{
	static const char *const sub[] = {"ca", "softhsm"};
	char path[4096];
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", out, sub[i]);
		if (access(path, F_OK) == 0) {
			fprintf(stderr, "GXCA_EEXISTS: %s exists: choose a fresh --out DIR\n", path);
			return -1;
		}
	}
	return 0;
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	struct demo d = {.c = c, .out = "gxca-demo"};
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'o')
			return cli_usage("gxca demo [--out DIR]");
		d.out = optarg;
	}
	if (mkdir(d.out, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "GXCA_EIO: cannot create %s: %s\n", d.out, strerror(errno));
		return CLI_USAGE;
	}
	if (fresh_out(d.out) != 0)
		return CLI_USAGE;
	if (gxca_calendar_time_of(c->ctx, "2026-09-28", &d.t0) != GXCA_OK)
		return cli_fail(c, GXCA_EINVAL);
	d.t0 += 9 * 3600 + 1800;
	printf("gxca demo — %s\n", cli_tr(c, "国信CA证书及电子签章申领全流程", "the Guoxin CA guide end to end"));
	gxca_application *org = NULL, *person = NULL;
	int ex = CLI_OK;
	printf("== %s\n", cli_tr(c, "单位用户（附件1），邮寄申领", "organisation (Annex 1), by mail"));
	if (STEP(&d, cli_tr(c, "填写单位申请表", "fill in the organisation form"), make_org_new(&d, &org)) ||
	    run_applicant(&d, org, "南通示例建设工程有限公司", GXCA_CHANNEL_MAIL, "app-org.json", 1))
		ex = CLI_NO;
	printf("== %s\n", cli_tr(c, "个人用户（附件2），现场申领", "person (Annex 2), on site"));
	if (ex == CLI_OK &&
	    (STEP(&d, cli_tr(c, "填写个人申请表", "fill in the personal form"), make_person(&d, &person)) ||
	     run_applicant(&d, person, "陈静", GXCA_CHANNEL_ONSITE, "app-person.json", 0)))
		ex = CLI_NO;
	gxca_application_free(org);
	gxca_application_free(person);
	pki_free(&d);
	printf("%s\n", ex == CLI_OK ? cli_tr(c, "演示完成。", "demo complete.") : cli_tr(c, "演示失败。", "demo FAILED."));
	return ex;
}
