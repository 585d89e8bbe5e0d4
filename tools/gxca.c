/*
 * tools/gxca.c — the gxca command: global options and the group table.
 *
 *   gxca [--json] [--lang zh|en] [--policy FILE] <group> [<verb>] [options]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *help_zh, *help_en;
} groups[] = {
	{"quote", cmd_quote, "报价", "price quote"},
	{"materials", cmd_materials, "申领材料清单", "checklist of materials"},
	{"check", cmd_check, "校验统一社会信用代码或身份证号码", "check a USCC or an ID number"},
	{"validate", cmd_validate, "校验申请表 JSON", "validate an application JSON file"},
	{"sites", cmd_sites, "现场申领地点", "service sites"},
	{"app", cmd_app, "申请流程", "application workflow"},
	{"ca", cmd_ca, "证书签发与注销", "certification authority"},
	{"cert", cmd_cert, "查看与验证证书", "show and verify certificates"},
	{"seal", cmd_seal, "印章图像：生成与提取", "seal images: render and extract"},
	{"eseal", cmd_eseal, "电子印章", "electronic seals (GB/T 38540)"},
	{"esign", cmd_esign, "电子签章", "electronic signatures"},
	{"token", cmd_token, "CA锁（令牌）", "tokens (CA locks)"},
	{"envelope", cmd_envelope, "标书加密与解密", "bid-file envelopes"},
	{"login", cmd_login, "CA登录", "platform login by token"},
	{"demo", cmd_demo, "演示完整流程", "run the whole guide end to end"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gxca [--json] [--lang zh|en] [--policy FILE] <group> [verb] [options]\n\n");
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		fprintf(f, "  %-10s %s / %s\n", groups[i].name, groups[i].help_zh, groups[i].help_en);
	fprintf(f, "\nExit: 0 success, 1 negative answer, 2 usage or I/O error. See gxca(1).\n");
}

/* Take the global options out of argv wherever they are; returns new argc or -1. */
static int take_globals(int argc, char **argv, struct cli *c, const char **policy)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "--lang") == 0 || strncmp(a, "--lang=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
			if (strcmp(v, "zh") == 0)
				c->lang = GXCA_LANG_ZH;
			else if (strcmp(v, "en") == 0)
				c->lang = GXCA_LANG_EN;
			else
				return cli_usage("--lang takes zh or en"), -1;
		} else if (strcmp(a, "--policy") == 0 || strncmp(a, "--policy=", 9) == 0) {
			*policy = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
			if (!*policy)
				return cli_usage("--policy needs a file"), -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	struct cli c = {.lang = GXCA_LANG_ZH};
	const char *policy = NULL;
	argc = take_globals(argc - 1, argv + 1, &c, &policy);
	argv++;
	if (argc < 0)
		return CLI_USAGE;
	if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		usage(argc ? stdout : stderr);
		return argc ? CLI_OK : CLI_USAGE;
	}
	if (strcmp(argv[0], "--version") == 0) {
		printf("gxca %s\n", gxca_version());
		return CLI_OK;
	}
	int rc = gxca_ctx_new(&c.ctx);
	if (rc) {
		fprintf(stderr, "%s: %s\n", gxca_error_name_of(rc), gxca_strerror(rc, (gxca_lang)c.lang));
		return CLI_USAGE;
	}
	int ex = CLI_OK;
	if (gxca_ctx_set_lang(c.ctx, c.lang) != GXCA_OK)
		ex = cli_fail(&c, GXCA_EINVAL);
	else if (policy && (rc = gxca_ctx_load_policy(c.ctx, policy)) != GXCA_OK)
		ex = rc == GXCA_EIO ? cli_fail(&c, rc) : (cli_fail(&c, rc), CLI_USAGE);
	else {
		size_t i = 0;
		while (i < sizeof groups / sizeof groups[0] && strcmp(groups[i].name, argv[0]) != 0)
			i++;
		if (i == sizeof groups / sizeof groups[0]) {
			usage(stderr);
			ex = cli_usage("unknown group '%s'", argv[0]);
		} else {
			ex = groups[i].fn(&c, argc, argv);
		}
	}
	gxca_ctx_free(c.ctx);
	return ex;
}
