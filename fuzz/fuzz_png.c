/*
 * fuzz/fuzz_png.c — the PNG reader (gxca_image_from_png) on untrusted bytes;
 * a PNG that loads must encode again, decode to the same pixels, and go
 * through stamp and signature extraction without trouble.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encode img and decode the result: the pixels must come back unchanged. */
static void roundtrip(gxca_ctx *ctx, gxca_image *img)
{
	uint8_t *png = NULL;
	size_t len = 0, s1, s2;
	gxca_image *back = NULL;
	if (gxca_image_to_png(img, &png, &len) != GXCA_OK)
		return;
	if (gxca_image_from_png(&back, ctx, png, len) != GXCA_OK)
		abort(); /* our own output must load */
	const uint8_t *a = gxca_image_pixels(img, &s1), *b = gxca_image_pixels(back, &s2);
	if (s1 != s2 || gxca_image_height(img) != gxca_image_height(back) ||
	    gxca_image_dpi(img) != gxca_image_dpi(back) || memcmp(a, b, s1 * gxca_image_height(img)))
		abort();
	gxca_image_free(back);
	gxca_free(png);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gxca_ctx *ctx = NULL;
	gxca_image *img = NULL, *out = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK)
		return 0;
	if (gxca_image_from_png(&img, ctx, data, size) == GXCA_OK) {
		roundtrip(ctx, img);
		/* extraction is linear in the pixels: keep the fuzzer fast */
		if ((uint64_t)gxca_image_width(img) * gxca_image_height(img) <= 1u << 20) {
			if (gxca_image_extract_stamp(&out, img, 0, 0, 0, 0) == GXCA_OK)
				gxca_image_free(out);
			if (gxca_image_extract_signature(&out, img, 0, 0, 0, 0) == GXCA_OK)
				gxca_image_free(out);
		}
		gxca_image_free(img);
	}
	gxca_ctx_free(ctx);
	return 0;
}
