/*
 * tools/cmd-demo.c — gxca demo: the whole guide, end to end.
 *
 * One ORG and one PERSON application: validate -> checklist -> mail package ->
 * quote -> review -> payment -> issue -> delivery. Each step prints what it
 * did; files go under --out DIR (default ./gxca-demo).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct demo {
	struct cli *c;
	const char *out;
	int step;
	int64_t t0; /* 2026-09-28 09:30 Asia/Shanghai: a Monday before National Day */
};

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

static int make_org(struct demo *d, gxca_application **out)
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
		rc = gxca_application_add_line(app, GXCA_BIZ_NEW, 2, 4, 0); /* master + secondary token */
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

/* Review, payment, issue and delivery; the application is saved as JSON. */
static int workflow(struct demo *d, gxca_application *app, int channel, const char *file)
{
	int64_t t = d->t0, h = 3600;
	int rc = gxca_application_submit(app, channel, "applicant", t);
	if (!rc) rc = gxca_application_approve(app, "reviewer", t + h);
	if (!rc) rc = gxca_application_request_payment(app, "reviewer", t + 2 * h);
	if (!rc) rc = gxca_application_mark_paid(app, "applicant", t + 3 * h);
	if (!rc) rc = gxca_application_mark_issued(app, "operator", t + 4 * h);
	if (!rc) rc = gxca_application_deliver(app, "operator", t + 5 * h,
					      channel == GXCA_CHANNEL_MAIL ? "SF1234567890" : NULL);
	char due[GXCA_DATE_SIZE], *json = NULL, path[4096];
	if (!rc && !(rc = gxca_application_invoice_due(app, due)))
		printf("       %s %s\n", cli_tr(d->c, "电子发票开具期限：", "invoice due:"), due);
	if (!rc && channel == GXCA_CHANNEL_MAIL && !(rc = gxca_application_mail_due(app, due)))
		printf("       %s %s\n", cli_tr(d->c, "邮寄申领办结期限：", "mail application due:"), due);
	if (!rc && !(rc = gxca_application_to_json(app, &json))) {
		snprintf(path, sizeof path, "%s/%s", d->out, file);
		if (cli_write_file(path, json, strlen(json)) != 0)
			rc = GXCA_EIO;
		else
			printf("       %s %s\n", cli_tr(d->c, "申请记录：", "application record:"), path);
	}
	gxca_free(json);
	return rc;
}

static int run_applicant(struct demo *d, gxca_application *app, const char *name, int channel,
			 const char *file)
{
	if (STEP(d, cli_tr(d->c, "校验申请表", "validate the application form"), validate(d, app)) ||
	    STEP(d, cli_tr(d->c, "申领材料清单与邮寄压缩包", "materials checklist and mail package"),
		 mail_package(d, app, name)) ||
	    STEP(d, cli_tr(d->c, "报价", "quote"), quote(d, app)) ||
	    STEP(d, cli_tr(d->c, "审核、缴费、签发、交付", "review, payment, issue, delivery"),
		 workflow(d, app, channel, file)))
		return 1;
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
	if (gxca_calendar_time_of(c->ctx, "2026-09-28", &d.t0) != GXCA_OK)
		return cli_fail(c, GXCA_EINVAL);
	d.t0 += 9 * 3600 + 1800;
	printf("gxca demo — %s\n", cli_tr(c, "国信CA证书及电子签章申领全流程", "the Guoxin CA guide end to end"));
	gxca_application *org = NULL, *person = NULL;
	int ex = CLI_OK;
	printf("== %s\n", cli_tr(c, "单位用户（附件1），邮寄申领", "organisation (Annex 1), by mail"));
	if (STEP(&d, cli_tr(c, "填写单位申请表", "fill in the organisation form"), make_org(&d, &org)) ||
	    run_applicant(&d, org, "南通示例建设工程有限公司", GXCA_CHANNEL_MAIL, "app-org.json"))
		ex = CLI_NO;
	printf("== %s\n", cli_tr(c, "个人用户（附件2），现场申领", "person (Annex 2), on site"));
	if (ex == CLI_OK &&
	    (STEP(&d, cli_tr(c, "填写个人申请表", "fill in the personal form"), make_person(&d, &person)) ||
	     run_applicant(&d, person, "陈静", GXCA_CHANNEL_ONSITE, "app-person.json")))
		ex = CLI_NO;
	gxca_application_free(org);
	gxca_application_free(person);
	printf("%s\n", ex == CLI_OK ? cli_tr(c, "演示完成。", "demo complete.") : cli_tr(c, "演示失败。", "demo FAILED."));
	return ex;
}
