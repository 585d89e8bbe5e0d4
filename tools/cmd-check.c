/*
 * tools/cmd-check.c — gxca check uscc|id VALUE
 */
#include <string.h>

#include "cli.h"

int cmd_check(struct cli *c, int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "uscc") != 0 && strcmp(argv[1], "id") != 0))
		return cli_usage("gxca check uscc|id VALUE");
	bool uscc = strcmp(argv[1], "uscc") == 0;
	gxca_report *r = NULL;
	int rc = uscc ? gxca_identity_check_uscc(c->ctx, argv[2], &r)
		      : gxca_identity_check_id_number(c->ctx, argv[2], &r);
	if (!r) /* no report: NULL input, or out of memory */
		return cli_fail(c, rc);
	if (c->json) {
		char *json = NULL;
		if (gxca_report_to_json(r, &json) == GXCA_OK)
			printf("{\"kind\":\"%s\",\"valid\":%s,\"code\":\"%s\",\"report\":%s}\n",
			       uscc ? "uscc" : "id", rc == GXCA_OK ? "true" : "false",
			       gxca_error_name_of(rc), json);
		gxca_free(json);
	} else {
		if (rc == GXCA_OK)
			printf("%s: %s\n", argv[2], cli_tr(c, "有效", "valid"));
		else
			printf("%s: %s\n", argv[2], cli_tr(c, "无效", "invalid"));
		cli_print_report(c, r);
	}
	gxca_report_free(r);
	if (rc == GXCA_OK)
		return CLI_OK;
	if (!c->json)
		return cli_fail(c, rc);
	return rc == GXCA_ENOMEM ? CLI_USAGE : CLI_NO;
}
