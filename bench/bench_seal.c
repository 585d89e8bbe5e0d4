/*
 * bench/bench_seal.c — seal rendering and stamp extraction speed.
 *
 * Prints, for every preset at 300 and 600 dpi, the median time of a render,
 * of its PNG encoding and of both (goal: <= 2 ms for ORG_ROUND_42 at 300 dpi
 * including the PNG), then the median time to extract a stamp and a
 * signature from an A4 300 dpi scan, 2480 x 3508 (goal: <= 100 ms).
 * Prints figures only; never fails on a time.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gxca/gxca.h>

#include "bench.h"

/* fontconfig 2.14 leaks a little while parsing its configuration: keep an
 * ASan build of this program quiet about it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

#define RUNS 21

static double now_ms(void) { return bench_now() * 1e3; }

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return v[n / 2];
}

static int fail(gxca_ctx *ctx, const char *what)
{
	const gxca_error *e = gxca_ctx_last_error(ctx);
	fprintf(stderr, "bench_seal: %s: %s %s (%s)\n", what, gxca_error_name(e),
		gxca_error_message_lang(e, GXCA_LANG_EN), gxca_error_detail(e));
	return 1;
}

static gxca_seal_spec *make_spec(gxca_ctx *ctx, int preset, uint32_t dpi)
{
	gxca_seal_spec *s = NULL;
	bool person = preset == GXCA_SEAL_PERSON_SQUARE_20;
	if (gxca_seal_spec_new(&s, ctx, preset) ||
	    gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, person ? "王小明" : "南通市国信科技发展有限公司") ||
	    (preset == GXCA_SEAL_INVOICE_OVAL_40X30 &&
	     gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_TAX_ID, "91320600MA1XYZ1234")) ||
	    gxca_seal_spec_set_dpi(s, dpi)) {
		gxca_seal_spec_free(s);
		return NULL;
	}
	return s;
}

/* Median render, PNG and total times of one preset at one dpi. */
static int bench_preset(gxca_ctx *ctx, int preset, uint32_t dpi)
{
	gxca_seal_spec *s = make_spec(ctx, preset, dpi);
	double tr[RUNS], tp[RUNS], tt[RUNS];
	size_t len = 0;
	if (!s)
		return fail(ctx, "spec");
	for (int i = -1; i < RUNS; i++) { /* run -1 loads the font */
		gxca_image *img = NULL;
		uint8_t *png = NULL;
		double t0 = now_ms();
		if (gxca_seal_render(&img, s))
			return fail(ctx, "render");
		double t1 = now_ms();
		if (gxca_image_to_png(img, &png, &len))
			return fail(ctx, "png");
		double t2 = now_ms();
		gxca_free(png);
		gxca_image_free(img);
		if (i >= 0)
			tr[i] = t1 - t0, tp[i] = t2 - t1, tt[i] = t2 - t0;
	}
	double total = median(tt, RUNS);
	printf("%-20s %5u dpi  render %7.3f ms  png %7.3f ms  total %7.3f ms  %7.0f/s  %7zu bytes\n",
	       gxca_seal_preset_name(preset), (unsigned)dpi, median(tr, RUNS), median(tp, RUNS),
	       total, 1e3 / total, len);
	gxca_seal_spec_free(s);
	return 0;
}

/* A4 at 300 dpi: tinted paper, a seal multiplied in, a dark stroke across it. */
static gxca_image *make_scan(gxca_ctx *ctx, uint32_t *sx, uint32_t *sy)
{
	gxca_seal_spec *s = make_spec(ctx, GXCA_SEAL_ORG_ROUND_42, 300);
	gxca_image *seal = NULL, *scan = NULL;
	if (!s || gxca_seal_render(&seal, s) || gxca_image_new(&scan, ctx, 2480, 3508, 300)) {
		gxca_seal_spec_free(s);
		gxca_image_free(seal);
		return NULL;
	}
	size_t ss, ds;
	const uint8_t *sp = gxca_image_pixels(seal, &ss);
	uint8_t *dp = gxca_image_pixels(scan, &ds);
	*sx = 1600, *sy = 2800;
	unsigned seed = 1;
	for (uint32_t y = 0; y < 3508; y++)
		for (uint32_t x = 0; x < 2480; x++) {
			uint8_t *d = dp + y * ds + x * 4;
			seed = seed * 1103515245u + 12345u;
			int n = (int)(seed >> 28) - 8; /* small noise */
			int c[3] = {245 + n, 240 + n, 228 + n};
			if (x >= *sx && x < *sx + gxca_image_width(seal) && y >= *sy &&
			    y < *sy + gxca_image_height(seal)) {
				int a = sp[(y - *sy) * ss + (x - *sx) * 4 + 3];
				c[1] = c[1] * (255 - a) / 255, c[2] = c[2] * (255 - a) / 255;
			}
			if (abs((int)x - 1700 - (int)(y - 2900) / 3) < 3 && y > 2900 && y < 3200)
				c[0] = c[1] = c[2] = 30; /* signature stroke */
			d[0] = (uint8_t)c[0], d[1] = (uint8_t)c[1], d[2] = (uint8_t)c[2], d[3] = 255;
		}
	gxca_image_free(seal);
	gxca_seal_spec_free(s);
	return scan;
}

static int bench_extract(gxca_ctx *ctx)
{
	uint32_t sx, sy;
	gxca_image *scan = make_scan(ctx, &sx, &sy);
	if (!scan)
		return fail(ctx, "scan");
	double te[5], ts[5], tr[5];
	for (int i = 0; i < 5; i++) {
		gxca_image *out = NULL;
		double t0 = now_ms();
		if (gxca_image_extract_stamp(&out, scan, 0, 0, 0, 0))
			return fail(ctx, "extract stamp");
		gxca_image_free(out);
		double t1 = now_ms();
		if (gxca_image_extract_stamp(&out, scan, sx - 100, sy - 100, 700, 700))
			return fail(ctx, "extract stamp region");
		gxca_image_free(out);
		double t2 = now_ms();
		if (gxca_image_extract_signature(&out, scan, sx - 100, sy - 100, 700, 700))
			return fail(ctx, "extract signature");
		gxca_image_free(out);
		te[i] = t1 - t0, tr[i] = t2 - t1, ts[i] = now_ms() - t2;
	}
	printf("extract stamp, whole A4 300 dpi (2480x3508): %7.1f ms\n", median(te, 5));
	printf("extract stamp, 700x700 region:               %7.1f ms\n", median(tr, 5));
	printf("extract signature, 700x700 region:           %7.1f ms\n", median(ts, 5));
	gxca_image_free(scan);
	return 0;
}

int main(void)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx))
		return 1;
	int rc = 0;
	static const uint32_t dpis[] = {300, 600};
	for (size_t d = 0; !rc && d < 2; d++)
		for (int p = GXCA_SEAL_ORG_ROUND_42; !rc && p <= GXCA_SEAL_PERSON_SQUARE_20; p++)
			rc = bench_preset(ctx, p, dpis[d]);
	if (!rc)
		rc = bench_extract(ctx);
	gxca_ctx_free(ctx);
	return rc;
}
