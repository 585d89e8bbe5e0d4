/*
 * tools/cli.c — helpers shared by the gxca commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_tr(const struct cli *c, const char *zh, const char *en)
{
	return c->lang == GXCA_LANG_EN ? en : zh;
}

int cli_fail(struct cli *c, int rc)
{
	const gxca_error *e = gxca_ctx_last_error(c->ctx);
	if (gxca_error_code(e) != rc) /* a code that did not come through the ctx */
		fprintf(stderr, "%s: %s\n", gxca_error_name_of(rc), gxca_strerror(rc, (gxca_lang)c->lang));
	else if (*gxca_error_detail(e))
		fprintf(stderr, "%s: %s (%s)\n", gxca_error_name(e), gxca_error_message(e), gxca_error_detail(e));
	else
		fprintf(stderr, "%s: %s\n", gxca_error_name(e), gxca_error_message(e));
	switch (rc) {
	case GXCA_EIO:
	case GXCA_ENOMEM:
	case GXCA_EGENERIC:
		return CLI_USAGE;
	default:
		return CLI_NO;
	}
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gxca: usage: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return CLI_USAGE;
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "GXCA_EIO: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0, r;
	char *buf = malloc(cap + 1);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = cap < (SIZE_MAX / 4) ? realloc(buf, cap * 2 + 1) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	bool bad = ferror(f) || !buf;
	if (f != stdin)
		fclose(f);
	if (bad) {
		fprintf(stderr, "GXCA_EIO: cannot read %s\n", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int cli_write_file(const char *path, const void *data, size_t len)
{
	bool out = strcmp(path, "-") == 0;
	int fd = out ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = data;
	while (fd >= 0 && len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	int rc = fd >= 0 && len == 0 ? 0 : -1;
	if (fd >= 0 && !out && close(fd) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "GXCA_EIO: cannot write %s: %s\n", path, strerror(errno));
	return rc;
}

bool cli_parse_int(const char *opt, const char *s, long min, long max, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v < min || v > max) {
		cli_usage("%s takes a whole number from %ld to %ld", opt, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_time(struct cli *c, const char *s, bool date_ok, int64_t *t)
{
	char date[GXCA_DATE_SIZE];
	int h = 0, m = 0;
	size_t n = strlen(s);
	if (!(date_ok && n == 10) &&
	    (n != 16 || s[10] != 'T' || sscanf(s + 11, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59))
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (gxca_calendar_time_of(c->ctx, date, t) != GXCA_OK)
		return false;
	*t += h * 3600 + m * 60;
	return true;
}

void cli_print_json(const char *json)
{
	fputs(json, stdout);
	fputc('\n', stdout);
}

void cli_print_report(struct cli *c, const gxca_report *r)
{
	if (c->json) {
		char *json = NULL;
		if (gxca_report_to_json(r, &json) == GXCA_OK)
			cli_print_json(json);
		gxca_free(json);
		return;
	}
	for (size_t i = 0; i < gxca_report_count(r); i++)
		printf("%s %s [%s] %s: %s\n",
		       gxca_report_severity(r, i) == GXCA_SEVERITY_ERROR ? cli_tr(c, "错误", "error")
									   : cli_tr(c, "警告", "warning"),
		       gxca_error_name_of(gxca_report_code(r, i)), gxca_report_id(r, i),
		       gxca_report_field(r, i), gxca_report_message(r, i, c->lang));
}

static bool parse_changes(const char *s, uint32_t *flags)
{
	static const struct { const char *name; uint32_t flag; } kinds[] = {
		{"name", GXCA_CHANGE_NAME}, {"legal-rep", GXCA_CHANGE_LEGAL_REP},
		{"seal-template", GXCA_CHANGE_SEAL_TEMPLATE}};
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	*flags = 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t k = 0;
		while (k < 3 && strcmp(t, kinds[k].name) != 0)
			k++;
		if (k == 3)
			return false;
		*flags |= kinds[k].flag;
	}
	return *flags != 0;
}

int cli_parse_biz(int argc, char **argv, struct cli_biz *b, const char *usage)
{
	static const struct option opts[] = {
		{"applicant", required_argument, NULL, 'a'}, {"business", required_argument, NULL, 'b'},
		{"item", required_argument, NULL, 'i'},      {"years", required_argument, NULL, 'y'},
		{"count", required_argument, NULL, 'n'},     {"change", required_argument, NULL, 'c'},
		{"proxy", no_argument, NULL, 'p'},           {"seals", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0}};
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': b->applicant = gxca_applicant_from_name(optarg); if (!b->applicant) return cli_usage("--applicant org|person"); break;
		case 'b': b->business = gxca_business_from_name(optarg); if (!b->business) return cli_usage("--business new|renew|reissue|change|unlock"); break;
		case 'i': b->item = gxca_item_from_name(optarg); if (!b->item) return cli_usage("--item cert|seal"); break;
		case 'y': if (!cli_parse_int("--years", optarg, 0, 100, &b->years)) return CLI_USAGE; break;
		case 'n': if (!cli_parse_int("--count", optarg, 1, 1000, &b->count)) return CLI_USAGE; break;
		case 's': if (!cli_parse_int("--seals", optarg, 0, 1000, &b->seals)) return CLI_USAGE; break;
		case 'c': if (!parse_changes(optarg, &b->change_flags)) return cli_usage("--change name,legal-rep,seal-template"); break;
		case 'p': b->proxy = true; break;
		default: return cli_usage("%s", usage);
		}
	}
	if (optind != argc)
		return cli_usage("unexpected argument '%s'; %s", argv[optind], usage);
	if (!b->applicant || !b->business)
		return cli_usage("%s", usage);
	return CLI_OK;
}
