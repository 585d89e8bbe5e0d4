/*
 * fuzz/fuzz_identity.c — USCC and ID number checks on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	char *s = malloc(size + 1);
	if (!s || gxca_ctx_new(&ctx) != GXCA_OK) {
		free(s);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	gxca_report *r = NULL;
	if (gxca_identity_check_uscc(ctx, s, &r) != GXCA_ENOMEM)
		gxca_report_free(r);
	r = NULL;
	if (gxca_identity_check_id_number(ctx, s, &r) != GXCA_ENOMEM)
		gxca_report_free(r);
	char c1 = gxca_identity_uscc_check_char(s), c2 = gxca_identity_id_check_char(s);
	(void)c1;
	(void)c2;
	gxca_ctx_free(ctx);
	free(s);
	return 0;
}
