/*
 * fuzz/fuzz_application.c — the application JSON loader, and the invariants
 * of what it accepts: the JSON written back loads again and is written the
 * same (exact round trip); validation, deadlines and the next workflow step
 * work on any loaded application.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a bug the fuzzer must report. */
#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static void round_trip(gxca_ctx *ctx, const gxca_application *app)
{
	char *a = NULL, *b = NULL;
	gxca_application *again = NULL;
	CHECK(gxca_application_to_json(app, &a) == GXCA_OK);
	CHECK(gxca_application_from_json(&again, ctx, a, strlen(a)) == GXCA_OK);
	CHECK(gxca_application_to_json(again, &b) == GXCA_OK);
	CHECK(strcmp(a, b) == 0);
	CHECK(gxca_application_state(again) == gxca_application_state(app));
	gxca_application_free(again);
	gxca_free(a);
	gxca_free(b);
}

static void exercise(gxca_application *app)
{
	gxca_report *r = NULL;
	int rc = gxca_application_validate(app, &r);
	CHECK(rc == GXCA_OK || rc == GXCA_EINVALID);
	CHECK((rc == GXCA_OK) == (gxca_report_error_count(r) == 0));
	gxca_report_free(r);
	char due[GXCA_DATE_SIZE];
	rc = gxca_application_invoice_due(app, due);
	CHECK(rc == GXCA_OK || rc == GXCA_ESTATE || rc == GXCA_ECALENDAR_UNKNOWN || rc == GXCA_ERANGE);
	rc = gxca_application_mail_due(app, due);
	CHECK(rc == GXCA_OK || rc == GXCA_ESTATE || rc == GXCA_ECALENDAR_UNKNOWN || rc == GXCA_ERANGE);
	size_t n = gxca_application_history_count(app);
	for (size_t i = 0; i < n; i++) {
		const char *actor = NULL, *note = NULL;
		CHECK(gxca_application_history_get(app, i, NULL, NULL, &actor, &note) == GXCA_OK);
		CHECK(actor && note);
	}
	/* a step succeeds exactly from its legal states; a failed one changes nothing */
	int state = gxca_application_state(app);
	int64_t t = INT64_C(253402271999); /* the latest time allowed: never backwards */
	rc = gxca_application_approve(app, "fuzz", t);
	CHECK((rc == GXCA_OK) == (state == GXCA_APP_SUBMITTED));
	CHECK(gxca_application_history_count(app) == n + (rc == GXCA_OK));
	state = gxca_application_state(app);
	n = gxca_application_history_count(app);
	rc = gxca_application_submit(app, GXCA_CHANNEL_ONSITE, "fuzz", t);
	CHECK(rc == GXCA_OK || rc == GXCA_EAPP_TRANSITION || rc == GXCA_EINVALID ||
	      rc == GXCA_EAPP_CHANNEL);
	if (rc != GXCA_OK)
		CHECK(gxca_application_state(app) == state && gxca_application_history_count(app) == n);
	CHECK((rc == GXCA_EINVALID) == (gxca_application_last_report(app) != NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	gxca_application *app = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK)
		return 0;
	int rc = gxca_application_from_json(&app, ctx, (const char *)data, size);
	CHECK((rc == GXCA_OK) == (app != NULL));
	if (app) {
		round_trip(ctx, app);
		exercise(app);
		round_trip(ctx, app);
	}
	gxca_application_free(app);
	gxca_ctx_free(ctx);
	return 0;
}
