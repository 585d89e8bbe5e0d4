/*
 * tools/cmd-ca.c — gxca ca … and gxca cert … (gxca_ca(3), gxca_cert(3)).
 *
 *   gxca ca init DIR [--alg sm2|ec_p256|rsa2048|rsa3072] [--registry FILE]
 *   gxca ca issue   --ca DIR --app APP.json --request FILE [--usage sign|encrypt] [--token SERIAL] [--out FILE]
 *   gxca ca renew|reissue|change --ca DIR --app APP.json --serial OLD --request FILE [--out FILE]
 *   gxca ca unlock  --ca DIR --app APP.json --serial S [--token SERIAL]
 *   gxca ca revoke  --ca DIR --serial S [--reason NAME] [--request [--incident T] | --approve] [--at T]
 *   gxca ca crl     --ca DIR [--out FILE] [--der]
 *   gxca ca list    --ca DIR [--app-id ID]
 *   gxca ca status  --ca DIR --serial S
 *   gxca ca overdue --ca DIR [--at T]
 *   gxca cert show FILE
 *   gxca cert verify FILE --chain FILE [--crl FILE] [--at T]
 *
 * --ca DIR stands for --chain DIR/chain.pem --key DIR/ca.key --registry
 * DIR/registry.db (the layout of `gxca ca init`); each may be given alone,
 * --key also as a PKCS#11 URI, with --password. Times T are
 * YYYY-MM-DDTHH:MM, Asia/Shanghai.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cmd_ca(struct cli *c, int argc, char **argv);
int cmd_cert(struct cli *c, int argc, char **argv);

struct ca_opts {
	const char *dir, *chain, *key, *password, *registry, *app, *request, *serial, *token, *out, *app_id;
	const char *crl;
	int alg, usage, reason;
	bool der, only_request, only_approve;
	int64_t at, incident;
	char chain_buf[4200], key_buf[4200], reg_buf[4200];
};

/* ---- options ------------------------------------------------------------------- */

static int parse_value(struct cli *c, int ch, struct ca_opts *o)
{
	switch (ch) {
	case 'd': o->dir = optarg; break;
	case 'C': o->chain = optarg; break;
	case 'k': o->key = optarg; break;
	case 'p': o->password = optarg; break;
	case 'R': o->registry = optarg; break;
	case 'a': o->app = optarg; break;
	case 'q': o->request = optarg; break;
	case 's': o->serial = optarg; break;
	case 'T': o->token = optarg; break;
	case 'o': o->out = optarg; break;
	case 'i': o->app_id = optarg; break;
	case 'L': o->crl = optarg; break;
	case 'D': o->der = true; break;
	case 'Q': o->only_request = true; break;
	case 'P': o->only_approve = true; break;
	case 'g':
		if (!(o->alg = gxca_key_alg_from_name(optarg)))
			return cli_usage("--alg sm2|ec_p256|rsa2048|rsa3072");
		break;
	case 'u':
		o->usage = strcmp(optarg, "sign") == 0 ? GXCA_CERT_SIGN : strcmp(optarg, "encrypt") == 0 ? GXCA_CERT_ENCRYPT : 0;
		if (!o->usage)
			return cli_usage("--usage sign|encrypt");
		break;
	case 'r':
		if ((o->reason = gxca_revocation_reason_from_name(optarg)) < 0)
			return cli_usage("--reason keyCompromise|affiliationChanged|superseded|cessationOfOperation|...");
		break;
	case 't':
	case 'I':
		if (!cli_parse_time(c, optarg, false, ch == 't' ? &o->at : &o->incident))
			return cli_usage("times are YYYY-MM-DDTHH:MM (Asia/Shanghai)");
		break;
	default: return cli_usage("unknown option (see gxca(1))");
	}
	return CLI_OK;
}

/* Options after the verb; positional arguments are left at argv[optind..]. */
static int parse_opts(struct cli *c, int argc, char **argv, int first, struct ca_opts *o)
{
	static const struct option opts[] = {
		{"ca", required_argument, NULL, 'd'},	    {"chain", required_argument, NULL, 'C'},
		{"key", required_argument, NULL, 'k'},	    {"password", required_argument, NULL, 'p'},
		{"registry", required_argument, NULL, 'R'}, {"app", required_argument, NULL, 'a'},
		{"request", required_argument, NULL, 'q'},  {"serial", required_argument, NULL, 's'},
		{"token", required_argument, NULL, 'T'},    {"out", required_argument, NULL, 'o'},
		{"app-id", required_argument, NULL, 'i'},   {"crl", required_argument, NULL, 'L'},
		{"der", no_argument, NULL, 'D'},	    {"request-only", no_argument, NULL, 'Q'},
		{"approve", no_argument, NULL, 'P'},	    {"alg", required_argument, NULL, 'g'},
		{"usage", required_argument, NULL, 'u'},    {"reason", required_argument, NULL, 'r'},
		{"at", required_argument, NULL, 't'},	    {"incident", required_argument, NULL, 'I'},
		{NULL, 0, NULL, 0}};
	o->reason = -1;
	optind = first;
	opterr = 0;
	int ch, rc = CLI_OK;
	while (!rc && (ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		rc = parse_value(c, ch, o);
	if (!rc && o->dir) {
		snprintf(o->chain_buf, sizeof o->chain_buf, "%s/chain.pem", o->dir);
		snprintf(o->key_buf, sizeof o->key_buf, "%s/ca.key", o->dir);
		snprintf(o->reg_buf, sizeof o->reg_buf, "%s/registry.db", o->dir);
		o->chain = o->chain ? o->chain : o->chain_buf;
		o->key = o->key ? o->key : o->key_buf;
		o->registry = o->registry ? o->registry : o->reg_buf;
	}
	return rc;
}

/* ---- output -------------------------------------------------------------------- */

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void print_date(int64_t t)
{
	char d[GXCA_DATE_SIZE] = "-";
	if (t && gxca_calendar_date_of(t, d) != GXCA_OK)
		snprintf(d, sizeof d, "?");
	fputs(d, stdout);
}

static void show_cert(struct cli *c, const gxca_cert *x)
{
	const char *id = gxca_cert_uscc(x) ? gxca_cert_uscc(x) : gxca_cert_id_number(x);
	if (c->json) {
		printf("{\"serial\":");
		json_str(gxca_cert_serial(x));
		printf(",\"subject\":");
		json_str(gxca_cert_subject(x));
		printf(",\"issuer\":");
		json_str(gxca_cert_issuer(x));
		printf(",\"not_before\":%lld,\"not_after\":%lld,\"key_algorithm\":", (long long)gxca_cert_not_before(x),
		       (long long)gxca_cert_not_after(x));
		json_str(gxca_key_alg_name(gxca_cert_key_algorithm(x)));
		printf(",\"identity\":");
		json_str(id);
		printf("}\n");
		return;
	}
	printf("%s %s\n%s %s\n%s %s\n%s ", cli_tr(c, "序列号", "serial"), gxca_cert_serial(x),
	       cli_tr(c, "主题", "subject"), gxca_cert_subject(x), cli_tr(c, "颁发者", "issuer"), gxca_cert_issuer(x),
	       cli_tr(c, "有效期", "validity"));
	print_date(gxca_cert_not_before(x));
	fputs(" .. ", stdout);
	print_date(gxca_cert_not_after(x));
	const char *alg = gxca_key_alg_name(gxca_cert_key_algorithm(x));
	printf("\n%s %s\n", cli_tr(c, "密钥算法", "key algorithm"), alg ? alg : "?");
	if (id)
		printf("%s %s\n", gxca_cert_uscc(x) ? cli_tr(c, "统一社会信用代码", "USCC") : cli_tr(c, "身份证号码", "ID number"), id);
}

static void show_record(struct cli *c, const gxca_ca_record *r)
{
	int reason = -1;
	int64_t revoked = 0, rev_dl = 0;
	if (gxca_ca_record_revocation(r, &reason, NULL, NULL, NULL, &revoked) != GXCA_OK ||
	    gxca_ca_record_deadlines(r, NULL, &rev_dl) != GXCA_OK)
		return;
	const char *status = gxca_ca_record_status(r) == GXCA_CERT_REVOKED ? "REVOKED" : "VALID";
	if (c->json) {
		printf("{\"serial\":\"%s\",\"status\":\"%s\",\"subject\":", gxca_ca_record_serial(r), status);
		json_str(gxca_ca_record_subject(r));
		printf(",\"holder\":");
		json_str(gxca_ca_record_holder(r));
		printf(",\"application_id\":");
		json_str(gxca_ca_record_application_id(r));
		printf(",\"business\":\"%s\",\"master\":%s,\"not_after\":%lld,\"revoked_at\":%lld,\"reason\":",
		       gxca_business_name(gxca_ca_record_business(r)), gxca_ca_record_is_master(r) ? "true" : "false",
		       (long long)gxca_ca_record_not_after(r), (long long)revoked);
		json_str(reason >= 0 ? gxca_revocation_reason_name(reason) : NULL);
		printf(",\"revoke_deadline\":%lld}\n", (long long)rev_dl);
		return;
	}
	printf("%s %-7s %-7s %s ", gxca_ca_record_serial(r), status, gxca_business_name(gxca_ca_record_business(r)),
	       gxca_ca_record_is_master(r) ? cli_tr(c, "主锁", "master") : cli_tr(c, "副锁", "second"));
	print_date(gxca_ca_record_not_after(r));
	printf(" %s%s%s\n", gxca_ca_record_subject(r), reason >= 0 ? " " : "",
	       reason >= 0 ? gxca_revocation_reason_name(reason) : "");
}

static int write_out(const char *path, const void *data, size_t len)
{
	if (!path || strcmp(path, "-") == 0)
		return fwrite(data, 1, len, stdout) == len ? CLI_OK : CLI_USAGE;
	return cli_write_file(path, data, len) == 0 ? CLI_OK : CLI_USAGE;
}

/* ---- gxca ca ------------------------------------------------------------------- */

static int open_ca(struct cli *c, const struct ca_opts *o, gxca_ca **ca)
{
	if (!o->chain || !o->key || !o->registry)
		return cli_usage("give --ca DIR, or --chain, --key and --registry");
	int rc = gxca_ca_open(ca, c->ctx, o->chain, o->key, o->password, o->registry);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int load_app(struct cli *c, const char *path, gxca_application **app)
{
	if (!path)
		return cli_usage("--app APPLICATION.json is required");
	size_t len = 0;
	char *json = cli_read_file(path, &len);
	if (!json)
		return CLI_USAGE;
	int rc = gxca_application_from_json(app, c->ctx, json, len);
	free(json);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int do_issue(struct cli *c, gxca_ca *ca, const char *verb, const struct ca_opts *o)
{
	gxca_application *app = NULL;
	int ex = load_app(c, o->app, &app);
	if (ex)
		return ex;
	size_t len = 0;
	char *req = o->request ? cli_read_file(o->request, &len) : NULL;
	if (!req) {
		gxca_application_free(app);
		return o->request ? CLI_USAGE : cli_usage("--request CSR-or-public-key FILE is required");
	}
	gxca_issue_options opts;
	int rc = gxca_issue_options_init(&opts, GXCA_ISSUE_OPTIONS_VERSION);
	opts.request = (const uint8_t *)req;
	opts.request_len = len;
	opts.usage = o->usage;
	opts.token_serial = o->token;
	gxca_cert *cert = NULL;
	if (!rc)
		rc = strcmp(verb, "issue") == 0	  ? gxca_ca_issue(ca, app, &opts, &cert)
		     : strcmp(verb, "renew") == 0 ? gxca_ca_renew(ca, app, o->serial, &opts, &cert)
		     : strcmp(verb, "reissue") == 0 ? gxca_ca_reissue(ca, app, o->serial, &opts, &cert)
						    : gxca_ca_change(ca, app, o->serial, &opts, &cert);
	char *pem = NULL;
	size_t pem_len = 0;
	if (!rc)
		rc = gxca_cert_to_pem(cert, &pem, &pem_len);
	ex = rc ? cli_fail(c, rc) : o->out ? write_out(o->out, pem, pem_len) : CLI_OK;
	if (!ex && o->out)
		show_cert(c, cert);
	else if (!ex)
		ex = write_out(NULL, pem, pem_len);
	gxca_free(pem);
	gxca_cert_free(cert);
	free(req);
	gxca_application_free(app);
	return ex;
}

static int do_revoke(struct cli *c, gxca_ca *ca, const struct ca_opts *o)
{
	if (!o->serial)
		return cli_usage("--serial SERIAL is required");
	int rc;
	if (o->only_request)
		rc = gxca_ca_revoke_request(ca, o->serial, o->reason < 0 ? GXCA_REASON_UNSPECIFIED : o->reason,
					    o->incident, o->at);
	else if (o->only_approve)
		rc = gxca_ca_revoke_approve(ca, o->serial, o->at);
	else
		rc = gxca_ca_revoke(ca, o->serial, o->reason, o->at);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int do_crl(struct cli *c, gxca_ca *ca, const struct ca_opts *o)
{
	gxca_crl *crl = NULL;
	uint8_t *der = NULL;
	char *pem = NULL;
	size_t len = 0;
	int rc = gxca_ca_crl(ca, o->at, &crl);
	if (!rc)
		rc = o->der ? gxca_crl_to_der(crl, &der, &len) : gxca_crl_to_pem(crl, &pem, &len);
	int ex = rc ? cli_fail(c, rc) : write_out(o->out, o->der ? (const void *)der : pem, len);
	if (!ex && o->out)
		printf("%s %lld, %zu %s\n", cli_tr(c, "CRL 编号", "CRL number"), (long long)gxca_crl_number(crl),
		       gxca_crl_count(crl), cli_tr(c, "张证书已注销", "revoked"));
	gxca_free(der);
	gxca_free(pem);
	gxca_crl_free(crl);
	return ex;
}

static int do_list(struct cli *c, gxca_ca *ca, const char *verb, const struct ca_opts *o)
{
	gxca_ca_records *l = NULL;
	int rc = strcmp(verb, "overdue") == 0 ? gxca_ca_overdue(ca, o->at, &l) : gxca_ca_list(ca, o->app_id, &l);
	if (rc)
		return cli_fail(c, rc);
	for (size_t i = 0; i < gxca_ca_records_count(l); i++)
		show_record(c, gxca_ca_records_get(l, i));
	size_t n = gxca_ca_records_count(l);
	gxca_ca_records_free(l);
	return strcmp(verb, "overdue") == 0 && n ? CLI_NO : CLI_OK;
}

static int do_status(struct cli *c, gxca_ca *ca, const struct ca_opts *o)
{
	if (!o->serial)
		return cli_usage("--serial SERIAL is required");
	gxca_ca_record *r = NULL;
	int rc = gxca_ca_status(ca, o->serial, &r);
	if (rc)
		return cli_fail(c, rc);
	show_record(c, r);
	gxca_ca_record_free(r);
	return CLI_OK;
}

static int do_unlock(struct cli *c, gxca_ca *ca, const struct ca_opts *o)
{
	gxca_application *app = NULL;
	int ex = load_app(c, o->app, &app);
	if (ex)
		return ex;
	int rc = gxca_ca_unlock(ca, app, o->serial, o->token, o->at);
	gxca_application_free(app);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int ca_init(struct cli *c, int argc, char **argv)
{
	struct ca_opts o = {0};
	int ex = parse_opts(c, argc, argv, 2, &o);
	if (ex)
		return ex;
	if (optind != argc - 1)
		return cli_usage("gxca ca init DIR [--alg ALG] [--registry FILE]");
	const char *dir = argv[optind];
	char reg[4200];
	snprintf(reg, sizeof reg, "%s/registry.db", dir);
	gxca_ca *ca = NULL;
	int rc = gxca_ca_create(&ca, c->ctx, dir, o.alg, o.registry ? o.registry : reg);
	if (rc)
		return cli_fail(c, rc);
	printf("%s %s: root.pem root.key ca.pem ca.key chain.pem, %s %s\n", cli_tr(c, "已创建 CA", "CA created in"), dir,
	       cli_tr(c, "登记库", "registry"), o.registry ? o.registry : reg);
	gxca_ca_free(ca);
	return CLI_OK;
}

int cmd_ca(struct cli *c, int argc, char **argv)
{
	static const char *const verbs[] = {"init",   "issue", "renew", "reissue", "change", "unlock",
					    "revoke", "crl",   "list",  "status",  "overdue"};
	size_t v = 0;
	while (argc > 1 && v < sizeof verbs / sizeof verbs[0] && strcmp(verbs[v], argv[1]) != 0)
		v++;
	if (argc < 2 || v == sizeof verbs / sizeof verbs[0])
		return cli_usage("gxca ca init|issue|renew|reissue|change|unlock|revoke|crl|list|status|overdue [options]");
	if (v == 0)
		return ca_init(c, argc, argv);
	struct ca_opts o = {0};
	gxca_ca *ca = NULL;
	int ex = parse_opts(c, argc, argv, 2, &o);
	if (!ex && optind != argc)
		ex = cli_usage("unexpected argument '%s'", argv[optind]);
	if (!ex)
		ex = open_ca(c, &o, &ca);
	if (ex)
		return ex;
	const char *verb = verbs[v];
	if (v <= 4)
		ex = do_issue(c, ca, verb, &o);
	else if (v == 5)
		ex = do_unlock(c, ca, &o);
	else if (v == 6)
		ex = do_revoke(c, ca, &o);
	else if (v == 7)
		ex = do_crl(c, ca, &o);
	else if (v == 9)
		ex = do_status(c, ca, &o);
	else
		ex = do_list(c, ca, verb, &o);
	gxca_ca_free(ca);
	return ex;
}

/* ---- gxca cert -------------------------------------------------------------------- */

static int cert_verify(struct cli *c, const gxca_cert *x, const struct ca_opts *o)
{
	if (!o->chain)
		return cli_usage("gxca cert verify FILE --chain CHAIN.pem [--crl FILE] [--at T]");
	gxca_cert **chain = NULL;
	size_t n = 0;
	gxca_crl *crl = NULL;
	int rc = gxca_cert_chain_load_file(&chain, &n, c->ctx, o->chain);
	if (!rc && o->crl)
		rc = gxca_crl_load_file(&crl, c->ctx, o->crl);
	int ex = rc ? cli_fail(c, rc) : CLI_OK;
	int reason = -1;
	int64_t when = 0;
	if (!ex && (rc = gxca_cert_verify(x, (const gxca_cert *const *)chain, n, crl, o->at, &reason, &when)))
		ex = cli_fail(c, rc);
	if (c->json && (!ex || rc == GXCA_ECERT_REVOKED || ex == CLI_NO)) {
		printf("{\"valid\":%s,\"code\":\"%s\"}\n", ex ? "false" : "true", gxca_error_name_of(rc));
	} else if (!ex) {
		printf("%s: %s\n", gxca_cert_serial(x), cli_tr(c, "验证通过", "OK"));
	}
	gxca_crl_free(crl);
	gxca_cert_chain_free(chain, n);
	return ex;
}

int cmd_cert(struct cli *c, int argc, char **argv)
{
	bool show = argc > 1 && strcmp(argv[1], "show") == 0, verify = argc > 1 && strcmp(argv[1], "verify") == 0;
	if (!show && !verify)
		return cli_usage("gxca cert show FILE | gxca cert verify FILE --chain FILE [--crl FILE] [--at T]");
	struct ca_opts o = {0};
	int ex = parse_opts(c, argc, argv, 2, &o);
	if (!ex && optind != argc - 1)
		ex = cli_usage("gxca cert %s FILE [options]", argv[1]);
	if (ex)
		return ex;
	gxca_cert *x = NULL;
	int rc = gxca_cert_load_file(&x, c->ctx, argv[optind]);
	if (rc)
		return rc == GXCA_EIO ? (cli_fail(c, rc), CLI_USAGE) : cli_fail(c, rc);
	if (show)
		show_cert(c, x);
	else
		ex = cert_verify(c, x, &o);
	gxca_cert_free(x);
	return ex;
}
