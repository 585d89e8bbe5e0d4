/*
 * fuzz/fuzz_policy.c — the policy JSON parser and checker.
 */
#include <stdint.h>
#include <stddef.h>

#include <gxca/gxca.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK)
		return 0;
	if (gxca_ctx_load_policy_json(ctx, (const char *)data, size) == GXCA_OK) {
		/* a policy that loads must be usable */
		char out[GXCA_DATE_SIZE];
		if (gxca_calendar_add_working_days(ctx, "2026-06-01", 3, out) == GXCA_OK)
			out[0] = '2';
		for (size_t i = 0; i < gxca_site_count(ctx); i++) {
			char *hours = NULL;
			if (gxca_site_hours(ctx, gxca_site_get(ctx, i), 7, &hours) == GXCA_OK)
				gxca_free(hours);
		}
	}
	gxca_ctx_free(ctx);
	return 0;
}
