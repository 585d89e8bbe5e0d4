/*
 * tools/cmd-app.c — gxca app: the application workflow on a JSON file.
 *
 *   gxca app show FILE
 *   gxca app submit FILE --channel mail|onsite [--actor NAME] [--at YYYY-MM-DDTHH:MM]
 *   gxca app approve|request-payment|pay|issue FILE [--actor NAME] [--at ...]
 *   gxca app reject FILE --reason TEXT [--actor NAME] [--at ...]
 *   gxca app deliver FILE [--tracking NO] [--actor NAME] [--at ...]
 *
 * A transition rewrites FILE (through a temporary file and rename).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

struct app_opts {
	const char *actor, *reason, *tracking;
	int channel;
	int64_t when;
};

static int parse_app_opts(struct cli *c, int argc, char **argv, struct app_opts *o)
{
	static const struct option opts[] = {
		{"actor", required_argument, NULL, 'a'},   {"at", required_argument, NULL, 't'},
		{"channel", required_argument, NULL, 'c'}, {"reason", required_argument, NULL, 'r'},
		{"tracking", required_argument, NULL, 'k'}, {NULL, 0, NULL, 0}};
	int ch;
	o->actor = "gxca";
	o->when = (int64_t)time(NULL);
	optind = 2; /* argv[0] = "app", argv[1] = verb */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': o->actor = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'k': o->tracking = optarg; break;
		case 't': if (!cli_parse_time(c, optarg, false, &o->when)) return cli_usage("--at YYYY-MM-DDTHH:MM (Asia/Shanghai)"); break;
		case 'c':
			o->channel = gxca_channel_from_name(optarg);
			if (!o->channel)
				return cli_usage("--channel mail|onsite");
			break;
		default: return cli_usage("unknown option for gxca app %s", argv[1]);
		}
	}
	return optind == argc - 1 ? CLI_OK : cli_usage("gxca app %s FILE [options]", argv[1]);
}

static void show(struct cli *c, const gxca_application *app)
{
	char due[GXCA_DATE_SIZE];
	printf("%s %s  %s %s\n", cli_tr(c, "申请编号", "application"), gxca_application_id(app),
	       cli_tr(c, "状态", "state"), gxca_app_state_name(gxca_application_state(app)));
	for (size_t i = 0; i < gxca_application_history_count(app); i++) {
		int state;
		int64_t when;
		const char *actor, *note;
		char date[GXCA_DATE_SIZE];
		if (gxca_application_history_get(app, i, &state, &when, &actor, &note) == GXCA_OK &&
		    gxca_calendar_date_of(when, date) == GXCA_OK)
			printf("  %s %-18s %s%s%s\n", date, gxca_app_state_name(state), actor,
			       note && *note ? ": " : "", note ? note : "");
	}
	if (gxca_application_mail_due(app, due) == GXCA_OK)
		printf("%s %s\n", cli_tr(c, "邮寄申领办结期限", "mail application due"), due);
	if (gxca_application_invoice_due(app, due) == GXCA_OK)
		printf("%s %s\n", cli_tr(c, "电子发票开具期限", "invoice due"), due);
}

static int transition(gxca_application *app, const char *verb, const struct app_opts *o)
{
	if (strcmp(verb, "submit") == 0)
		return gxca_application_submit(app, o->channel, o->actor, o->when);
	if (strcmp(verb, "approve") == 0)
		return gxca_application_approve(app, o->actor, o->when);
	if (strcmp(verb, "reject") == 0)
		return gxca_application_reject(app, o->actor, o->when, o->reason);
	if (strcmp(verb, "request-payment") == 0)
		return gxca_application_request_payment(app, o->actor, o->when);
	if (strcmp(verb, "pay") == 0)
		return gxca_application_mark_paid(app, o->actor, o->when);
	if (strcmp(verb, "issue") == 0)
		return gxca_application_mark_issued(app, o->actor, o->when);
	if (strcmp(verb, "deliver") == 0)
		return gxca_application_deliver(app, o->actor, o->when, o->tracking);
	return 1;
}

/* Write the application back atomically. */
static int save(struct cli *c, const gxca_application *app, const char *path)
{
	char *json = NULL, tmp[4200];
	int rc = gxca_application_to_json(app, &json);
	if (rc)
		return cli_fail(c, rc);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int ex = cli_write_file(tmp, json, strlen(json)) == 0 && rename(tmp, path) == 0 ? CLI_OK : CLI_USAGE;
	gxca_free(json);
	return ex;
}

int cmd_app(struct cli *c, int argc, char **argv)
{
	static const char *const verbs[] = {"show", "submit", "approve", "reject", "request-payment",
					    "pay", "issue", "deliver"};
	size_t v = 0;
	while (argc > 1 && v < sizeof verbs / sizeof verbs[0] && strcmp(verbs[v], argv[1]) != 0)
		v++;
	if (argc < 3 || v == sizeof verbs / sizeof verbs[0])
		return cli_usage("gxca app show|submit|approve|reject|request-payment|pay|issue|deliver FILE [options]");
	struct app_opts o = {0};
	int rc = parse_app_opts(c, argc, argv, &o);
	if (rc)
		return rc;
	const char *path = argv[argc - 1];
	size_t len;
	char *json = cli_read_file(path, &len);
	if (!json)
		return CLI_USAGE;
	gxca_application *app = NULL;
	rc = gxca_application_from_json(&app, c->ctx, json, len);
	free(json);
	if (rc)
		return cli_fail(c, rc);
	int ex = CLI_OK;
	if (v > 0) {
		rc = transition(app, verbs[v], &o);
		if (rc) {
			const gxca_report *r = gxca_application_last_report(app);
			if (r)
				cli_print_report(c, r);
			ex = cli_fail(c, rc);
		} else {
			ex = save(c, app, path);
		}
	}
	if (ex == CLI_OK) {
		if (c->json) {
			char *out = NULL;
			if (gxca_application_to_json(app, &out) == GXCA_OK)
				cli_print_json(out);
			gxca_free(out);
		} else {
			show(c, app);
		}
	}
	gxca_application_free(app);
	return ex;
}
