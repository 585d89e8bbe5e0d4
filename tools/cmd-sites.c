/*
 * tools/cmd-sites.c — gxca sites [--open-at YYYY-MM-DDTHH:MM | --now] [--month M]
 * Lists the service sites with address, phone and the hours of a month.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int month_of(int64_t t)
{
	char d[GXCA_DATE_SIZE];
	return gxca_calendar_date_of(t, d) == GXCA_OK ? atoi(d + 5) : 1;
}

int cmd_sites(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"open-at", required_argument, NULL, 'o'},
					     {"now", no_argument, NULL, 'n'},
					     {"month", required_argument, NULL, 'm'},
					     {NULL, 0, NULL, 0}};
	const char *usage = "gxca sites [--open-at YYYY-MM-DDTHH:MM | --now] [--month 1-12]";
	int64_t when = 0;
	bool check_open = false;
	long month = 0;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'o' && cli_parse_time(c, optarg, false, &when))
			check_open = true;
		else if (ch == 'n')
			check_open = true, when = (int64_t)time(NULL);
		else if (ch != 'm' || !cli_parse_int("--month", optarg, 1, 12, &month))
			return cli_usage("%s", usage);
	}
	if (optind != argc)
		return cli_usage("%s", usage);
	if (!month)
		month = month_of(check_open ? when : (int64_t)time(NULL));
	json_object *arr = c->json ? json_object_new_array() : NULL;
	int ex = CLI_OK;
	for (size_t i = 0; i < gxca_site_count(c->ctx) && ex == CLI_OK; i++) {
		const gxca_site *s = gxca_site_get(c->ctx, i);
		char *hours = NULL;
		int open = -1, rc = gxca_site_hours(c->ctx, s, (int)month, &hours);
		if (!rc && check_open)
			rc = gxca_site_is_open(c->ctx, s, when, &open);
		if (rc) {
			ex = cli_fail(c, rc);
		} else if (arr) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(gxca_site_id(s)));
			json_object_object_add(o, "region", json_object_new_string(gxca_site_region(s, c->lang)));
			json_object_object_add(o, "address", json_object_new_string(gxca_site_address(s)));
			json_object_object_add(o, "phone", json_object_new_string(gxca_site_phone(s)));
			json_object_object_add(o, "hours", json_object_new_string(hours));
			if (check_open)
				json_object_object_add(o, "open", json_object_new_boolean(open));
			json_object_array_add(arr, o);
		} else {
			printf("%-12s %s  %s  %s  %s%s\n", gxca_site_id(s), gxca_site_region(s, c->lang),
			       gxca_site_phone(s), hours, gxca_site_address(s),
			       !check_open ? "" : open ? cli_tr(c, "  [营业中]", "  [open]")
						 : cli_tr(c, "  [未营业]", "  [closed]"));
		}
		gxca_free(hours);
	}
	if (arr && ex == CLI_OK)
		cli_print_json(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return ex;
}
