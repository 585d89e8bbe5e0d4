/*
 * bench/bench_core.c — the domain core: prices/quotes, identity checks,
 * application validation and JSON parsing, per second on one core
 * (median of 7 runs). Goals (issue 2): >= 10 M prices/s, >= 1 M validations/s.
 */
#include <string.h>

#include <gxca/gxca.h>

#include "bench.h"

static gxca_ctx *ctx;
static const char *app_json;
static size_t app_json_len;

static int do_price(void *arg, long n)
{
	(void)arg;
	int64_t fen, sum = 0;
	for (long i = 0; i < n; i++) {
		int years = 1 + (int)(i % 10);
		if (gxca_tariff_price(ctx, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, GXCA_ITEM_CERT, years, &fen))
			return 1;
		sum += fen;
	}
	return sum < 0;
}

static int do_quote(void *arg, long n)
{
	(void)arg;
	for (long i = 0; i < n; i++) {
		gxca_quote *q = NULL;
		if (gxca_quote_new(&q, ctx) ||
		    gxca_quote_add_order(q, GXCA_APPLICANT_ORG, GXCA_BIZ_NEW, 3, 4, -1)) {
			gxca_quote_free(q);
			return 1;
		}
		gxca_quote_free(q);
	}
	return 0;
}

static int do_uscc(void *arg, long n)
{
	(void)arg;
	for (long i = 0; i < n; i++)
		if (gxca_identity_check_uscc(ctx, "91320600MA1MX2K79C", NULL))
			return 1;
	return 0;
}

static int do_idnum(void *arg, long n)
{
	(void)arg;
	for (long i = 0; i < n; i++)
		if (gxca_identity_check_id_number(ctx, "320602198807150023", NULL))
			return 1;
	return 0;
}

static int do_validate(void *arg, long n)
{
	const gxca_application *app = arg;
	for (long i = 0; i < n; i++) {
		gxca_report *r = NULL;
		int rc = gxca_application_validate(app, &r);
		gxca_report_free(r);
		if (rc)
			return 1;
	}
	return 0;
}

static int do_parse(void *arg, long n)
{
	(void)arg;
	for (long i = 0; i < n; i++) {
		gxca_application *app = NULL;
		if (gxca_application_from_json(&app, ctx, app_json, app_json_len))
			return 1;
		gxca_application_free(app);
	}
	return 0;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *json_path = argc > 1 ? argv[1] : BENCH_SRCDIR "/tests/data/app-org.json";
	if (gxca_ctx_new(&ctx))
		return 2;
	printf("bench_core (libgxca %s), median of 7 runs, one thread\n", gxca_version());
	printf("  %-34s %12.0f /s   (goal >= 10 M/s)\n", "gxca_tariff_price",
	       bench_rate(do_price, NULL, 7, 0.2));
	printf("  %-34s %12.0f /s\n", "quote: 3 tokens x 4 years + seal", bench_rate(do_quote, NULL, 7, 0.2));
	printf("  %-34s %12.0f /s   (goal >= 1 M/s)\n", "gxca_identity_check_uscc",
	       bench_rate(do_uscc, NULL, 7, 0.2));
	printf("  %-34s %12.0f /s   (goal >= 1 M/s)\n", "gxca_identity_check_id_number",
	       bench_rate(do_idnum, NULL, 7, 0.2));
	app_json = read_all(json_path, &app_json_len);
	gxca_application *app = NULL;
	if (!app_json || gxca_application_from_json(&app, ctx, app_json, app_json_len)) {
		fprintf(stderr, "bench_core: cannot load %s\n", json_path);
		gxca_ctx_free(ctx);
		return 2;
	}
	printf("  %-34s %12.0f /s\n", "gxca_application_validate (ORG)", bench_rate(do_validate, app, 7, 0.2));
	printf("  %-34s %12.0f /s\n", "gxca_application_from_json (ORG)", bench_rate(do_parse, NULL, 7, 0.2));
	gxca_application_free(app);
	gxca_ctx_free(ctx);
	return 0;
}
