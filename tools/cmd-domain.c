/*
 * tools/cmd-domain.c — gxca quote | materials | validate
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void print_fen(int64_t fen)
{
	printf("%s%lld.%02lld", fen < 0 ? "-" : "", llabs((long long)fen) / 100, llabs((long long)fen) % 100);
}

/* gxca quote --applicant A --business B [--item I] [--years N] [--count N] [--seals N] */
int cmd_quote(struct cli *c, int argc, char **argv)
{
	struct cli_biz b = {.years = 1, .count = 1, .seals = -1};
	int rc = cli_parse_biz(argc, argv, &b,
			       "gxca quote --applicant org|person --business new|renew|reissue|change|unlock "
			       "[--item cert|seal] [--years N] [--count N] [--seals N]");
	if (rc)
		return rc;
	gxca_quote *q = NULL;
	if ((rc = gxca_quote_new(&q, c->ctx)) != GXCA_OK)
		return cli_fail(c, rc);
	rc = b.item ? gxca_quote_add(q, b.applicant, b.business, b.item, (unsigned)b.count, (int)b.years)
		    : gxca_quote_add_order(q, b.applicant, b.business, (unsigned)b.count, (int)b.years,
					   (int)b.seals);
	int ex = CLI_OK;
	char *json = NULL;
	if (rc) {
		ex = cli_fail(c, rc);
	} else if (c->json) {
		if ((rc = gxca_quote_to_json(q, &json)) == GXCA_OK)
			cli_print_json(json);
		else
			ex = cli_fail(c, rc);
	} else {
		for (size_t i = 0; i < gxca_quote_line_count(q); i++) {
			printf("%-40s ", gxca_quote_line_text(q, i, c->lang));
			print_fen(gxca_quote_line_amount_fen(q, i));
			if (gxca_quote_line_discount_fen(q, i)) {
				printf("  (%s ", cli_tr(c, "原价", "list"));
				print_fen(gxca_quote_line_list_fen(q, i));
				printf(", %s ", cli_tr(c, "优惠", "discount"));
				print_fen(gxca_quote_line_discount_fen(q, i));
				printf(")");
			}
			printf("\n");
		}
		printf("%s ", cli_tr(c, "合计（元）", "total (CNY)"));
		print_fen(gxca_quote_total(q));
		printf("\n");
	}
	gxca_free(json);
	gxca_quote_free(q);
	return ex;
}

/* Parse "A,B,C" material names into ids; false with a usage message. */
static bool parse_materials(const char *s, int *ids, size_t max, size_t *n)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", s);
	*n = 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int id = gxca_material_from_name(t);
		if (!id || *n == max) {
			cli_usage("unknown material '%s' (LICENSE_COPY, AGENT_ID_COPY, FORM_ORG, ...)", t);
			return false;
		}
		ids[(*n)++] = id;
	}
	return true;
}

/* Take "--opt VALUE" pairs out of argv (cli_parse_biz handles the rest). */
static const char *take_opt(int *argc, char **argv, const char *name)
{
	const char *v = NULL;
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0 && i + 1 < *argc)
			v = argv[++i];
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	*argc = n;
	return v;
}

static void print_checklist(struct cli *c, const gxca_checklist *cl)
{
	for (size_t i = 0; i < gxca_checklist_count(cl); i++) {
		uint32_t f = gxca_checklist_flags(cl, i);
		printf("%zu. %-18s %s%s%s%s%s\n", i + 1, gxca_material_name(gxca_checklist_material(cl, i)),
		       gxca_checklist_label(cl, i, c->lang),
		       f & GXCA_MATFLAG_STAMPED ? cli_tr(c, "（加盖公章）", " (stamped)") : "",
		       f & GXCA_MATFLAG_SIGNED ? cli_tr(c, "（本人签字）", " (signed)") : "",
		       f & GXCA_MATFLAG_ORIGINAL ? cli_tr(c, "（原件）", " (original)") : "",
		       f & GXCA_MATFLAG_PHYSICAL ? cli_tr(c, "（实物）", " (the thing itself)") : "");
	}
	const char *w = gxca_checklist_warning(cl, c->lang);
	if (w)
		printf("%s %s\n", cli_tr(c, "注意：", "Note:"), w);
}

static void print_checklist_json(const gxca_checklist *cl)
{
	printf("{\"materials\":[");
	for (size_t i = 0; i < gxca_checklist_count(cl); i++)
		printf("%s\"%s\"", i ? "," : "", gxca_material_name(gxca_checklist_material(cl, i)));
	printf("],\"rebid_warning\":%s}\n", gxca_checklist_warning(cl, GXCA_LANG_EN) ? "true" : "false");
}

/* --package DIR --name NAME --scan MAT=FILE[,MAT=FILE...]: the mail archive. */
static int make_package(struct cli *c, const gxca_checklist *cl, const char *dir, const char *name,
			const char *scans)
{
	gxca_mail_package *pkg = NULL;
	int rc = gxca_mail_package_new(&pkg, cl, name);
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", scans ? scans : "");
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); !rc && t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq) {
			gxca_mail_package_free(pkg);
			return cli_usage("--scan MATERIAL=FILE[,MATERIAL=FILE...]");
		}
		*eq = '\0';
		size_t len;
		char *data = cli_read_file(eq + 1, &len);
		if (!data) {
			gxca_mail_package_free(pkg);
			return CLI_USAGE;
		}
		rc = gxca_mail_package_add_scan(pkg, gxca_material_from_name(t), eq + 1, (const uint8_t *)data, len);
		free(data);
	}
	char *path = NULL;
	if (!rc)
		rc = gxca_mail_package_write(pkg, (int64_t)time(NULL), dir, &path);
	gxca_mail_package_free(pkg);
	if (rc)
		return cli_fail(c, rc);
	printf("%s %s\n", cli_tr(c, "已生成邮寄申领压缩包：", "mail package written:"), path);
	gxca_free(path);
	return CLI_OK;
}

/* gxca materials --applicant A --business B [--change K] [--proxy] [--have M,M] [--package ...] */
int cmd_materials(struct cli *c, int argc, char **argv)
{
	const char *have = take_opt(&argc, argv, "--have");
	const char *pkg_dir = take_opt(&argc, argv, "--package");
	const char *name = take_opt(&argc, argv, "--name");
	const char *scans = take_opt(&argc, argv, "--scan");
	struct cli_biz b = {0};
	int rc = cli_parse_biz(argc, argv, &b,
			       "gxca materials --applicant org|person --business B [--change K,K] [--proxy] "
			       "[--have M,M,...] [--package DIR --name NAME --scan M=FILE,...]");
	if (rc)
		return rc;
	gxca_checklist *cl = NULL;
	if ((rc = gxca_checklist_new(&cl, c->ctx, b.applicant, b.business, b.change_flags, b.proxy)))
		return cli_fail(c, rc);
	int ex = CLI_OK;
	if (pkg_dir) {
		ex = name ? make_package(c, cl, pkg_dir, name, scans) : cli_usage("--package needs --name");
	} else if (have) {
		int ids[64];
		size_t n;
		gxca_report *r = NULL;
		if (!parse_materials(have, ids, 64, &n)) {
			ex = CLI_USAGE;
		} else {
			rc = gxca_checklist_check(cl, ids, n, &r);
			if (r)
				cli_print_report(c, r);
			if (rc)
				ex = c->json ? CLI_NO : cli_fail(c, rc);
			else if (!c->json)
				printf("%s\n", cli_tr(c, "材料齐全", "all required materials present"));
		}
		gxca_report_free(r);
	} else if (c->json) {
		print_checklist_json(cl);
	} else {
		print_checklist(c, cl);
	}
	gxca_checklist_free(cl);
	return ex;
}

/* gxca validate FILE — an application JSON file. */
int cmd_validate(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage("gxca validate FILE.json");
	size_t len;
	char *json = cli_read_file(argv[1], &len);
	if (!json)
		return CLI_USAGE;
	gxca_application *app = NULL;
	gxca_report *r = NULL;
	int rc = gxca_application_from_json(&app, c->ctx, json, len);
	free(json);
	if (rc)
		return cli_fail(c, rc);
	rc = gxca_application_validate(app, &r);
	if (r)
		cli_print_report(c, r);
	int ex = CLI_OK;
	if (rc)
		ex = c->json ? (rc == GXCA_EINVALID ? CLI_NO : CLI_USAGE) : cli_fail(c, rc);
	else if (!c->json)
		printf("%s\n", cli_tr(c, "申请表校验通过", "the application is valid"));
	gxca_report_free(r);
	gxca_application_free(app);
	return ex;
}
