/*
 * lib/image.c — RGBA images, PNG through libpng (full API, so that pHYs is
 * written and untrusted input is bounded), and extraction of a red stamp or a
 * dark-ink signature from a scan (research/seal-render.md §4, §5).
 *
 * libpng reports errors by longjmp. Every setjmp is in a function whose
 * resources all live behind a pointer to its caller's struct, so nothing the
 * handler reads is an automatic variable modified after setjmp.
 */
#include "gxca-private.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

struct gxca_image {
	gxca_ctx *ctx;
	uint32_t w, h, dpi, ox, oy;
	size_t stride;
	uint8_t *px;
};

#define MAX_DPI 65535u
/* Deflate cannot expand data by more than about 1032:1 (RFC 1951 limits):
 * a PNG declaring more raw bytes than this times its size is lying. */
#define MAX_INFLATE_RATIO 1100u

/* ---- the object ---------------------------------------------------------- */

static int check_size(gxca_ctx *ctx, uint32_t w, uint32_t h)
{
	if (!w || !h)
		return gxca__fail(ctx, GXCA_EINVAL, "size", "图像尺寸为零", "zero image size");
	if (w > GXCA_IMAGE_MAX_SIDE || h > GXCA_IMAGE_MAX_SIDE ||
	    (uint64_t)w * h > GXCA_IMAGE_MAX_PIXELS)
		return gxca__failf(ctx, GXCA_ETOOBIG, "size", "图像过大：%ux%u 像素",
				   "image too large: %ux%u pixels", (unsigned)w, (unsigned)h);
	return GXCA_OK;
}

/* Allocate a transparent image without touching the ctx's error on success. */
static int image_make(gxca_image **out, gxca_ctx *ctx, uint32_t w, uint32_t h, uint32_t dpi)
{
	int rc = check_size(ctx, w, h);
	if (rc)
		return rc;
	gxca_image *img = gxca__calloc(1, sizeof *img);
	if (!img)
		return gxca__oom(ctx);
	img->stride = (size_t)w * 4;
	img->px = gxca__calloc(h, img->stride);
	if (!img->px) {
		gxca__free(img);
		return gxca__oom(ctx);
	}
	img->ctx = ctx;
	img->w = w;
	img->h = h;
	img->dpi = dpi;
	*out = img;
	return GXCA_OK;
}

int gxca_image_new(gxca_image **out, gxca_ctx *ctx, uint32_t width, uint32_t height, uint32_t dpi)
{
	if (!out || !ctx)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	if (dpi > MAX_DPI)
		return gxca__fail(ctx, GXCA_EINVAL, "dpi", "分辨率超出范围", "dpi out of range");
	return image_make(out, ctx, width, height, dpi);
}

void gxca_image_free(gxca_image *img)
{
	if (!img)
		return;
	gxca__free(img->px);
	gxca__free(img);
}

uint32_t gxca_image_width(const gxca_image *img) { return img ? img->w : 0; }
uint32_t gxca_image_height(const gxca_image *img) { return img ? img->h : 0; }
uint32_t gxca_image_dpi(const gxca_image *img) { return img ? img->dpi : 0; }
uint32_t gxca_image_origin_x(const gxca_image *img) { return img ? img->ox : 0; }
uint32_t gxca_image_origin_y(const gxca_image *img) { return img ? img->oy : 0; }

int gxca_image_set_dpi(gxca_image *img, uint32_t dpi)
{
	if (!img)
		return GXCA_EINVAL;
	gxca__clear(img->ctx);
	if (dpi > MAX_DPI)
		return gxca__fail(img->ctx, GXCA_EINVAL, "dpi", "分辨率超出范围", "dpi out of range");
	img->dpi = dpi;
	return GXCA_OK;
}

uint8_t *gxca_image_pixels(gxca_image *img, size_t *stride)
{
	if (stride)
		*stride = img ? img->stride : 0;
	return img ? img->px : NULL;
}

/* ---- libpng glue --------------------------------------------------------- */

struct png_io {
	char msg[160];
	bool oom;
	/* writing */
	uint8_t *out;
	size_t out_len, out_cap;
	/* reading */
	const uint8_t *in;
	size_t in_len, in_pos;
};

static void png_error_cb(png_structp p, png_const_charp msg)
{
	struct png_io *io = png_get_error_ptr(p);
	snprintf(io->msg, sizeof io->msg, "libpng: %s", msg ? msg : "error");
	png_longjmp(p, 1);
}

/* An embedded library prints nothing: warnings are dropped. */
static void png_warning_cb(png_structp p, png_const_charp msg)
{
	(void)p;
	(void)msg;
}

static png_voidp png_malloc_cb(png_structp p, png_alloc_size_t n)
{
	void *m = gxca__malloc(n);
	if (!m)
		((struct png_io *)png_get_mem_ptr(p))->oom = true;
	return m;
}

static void png_free_cb(png_structp p, png_voidp m)
{
	(void)p;
	gxca__free(m);
}

static void png_write_cb(png_structp p, png_bytep data, size_t n)
{
	struct png_io *io = png_get_io_ptr(p);
	if (n > io->out_cap - io->out_len) {
		size_t cap = io->out_cap ? io->out_cap : 4096;
		while (cap - io->out_len < n && cap <= SIZE_MAX / 2)
			cap *= 2;
		uint8_t *b = cap - io->out_len >= n ? gxca__realloc(io->out, cap) : NULL;
		if (!b) {
			io->oom = true;
			png_error(p, "out of memory");
		}
		io->out = b;
		io->out_cap = cap;
	}
	memcpy(io->out + io->out_len, data, n);
	io->out_len += n;
}

static void png_flush_cb(png_structp p) { (void)p; }

static void png_read_cb(png_structp p, png_bytep data, size_t n)
{
	struct png_io *io = png_get_io_ptr(p);
	if (n > io->in_len - io->in_pos)
		png_error(p, "truncated PNG (read past the end of the data)");
	memcpy(data, io->in + io->in_pos, n);
	io->in_pos += n;
}

/* The status of a libpng failure caught by setjmp. */
static int png_failure(gxca_ctx *ctx, const struct png_io *io, const char *field)
{
	if (io->oom)
		return gxca__oom(ctx);
	int rc = gxca__fail(ctx, GXCA_ESEAL_PNG, field, NULL, NULL);
	gxca__set_detail(ctx, io->msg);
	return rc;
}

/* ---- encoding ------------------------------------------------------------ */

struct png_enc {
	png_structp p;
	png_infop info;
	uint8_t *row; /* one row of palette indices */
	bool pal;     /* write palette + tRNS */
};

/* Every pixel has the RGB of the first: true of rendered seals and of
 * extracted stamps and signatures (ink colour everywhere, alpha varies). */
static bool single_rgb(const gxca_image *img)
{
	const uint8_t *p0 = img->px;
	for (uint32_t y = 0; y < img->h; y++) {
		const uint8_t *p = img->px + (size_t)y * img->stride;
		for (uint32_t x = 0; x < img->w; x++, p += 4)
			if (p[0] != p0[0] || p[1] != p0[1] || p[2] != p0[2])
				return false;
	}
	return true;
}

/* 256 palette entries of the one ink colour, entry i with alpha i: lossless. */
static void png_set_ink_palette(png_structp p, png_infop info, const uint8_t rgb[3])
{
	png_color pal[256];
	png_byte trans[256];
	for (int i = 0; i < 256; i++) {
		pal[i] = (png_color){rgb[0], rgb[1], rgb[2]};
		trans[i] = (png_byte)i;
	}
	png_set_PLTE(p, info, pal, 256);
	png_set_tRNS(p, info, trans, 256, NULL);
}

/*
 * Speed matters (a seal per request): zlib level 1 with the RLE strategy.
 * A one-colour image is written as 8-bit palette + tRNS, which decodes to
 * exactly the same RGBA at a quarter of the data (filter NONE, as the PNG
 * spec advises for palettes); anything else as RGBA with filter SUB.
 */
static int png_encode(const gxca_image *img, struct png_io *io, struct png_enc *e)
{
	e->pal = single_rgb(img);
	e->p = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, io, png_error_cb, png_warning_cb,
					 io, png_malloc_cb, png_free_cb);
	if (!e->p || !(e->info = png_create_info_struct(e->p)))
		return gxca__oom(img->ctx);
	if (e->pal && !(e->row = gxca__malloc(img->w)))
		return gxca__oom(img->ctx);
	if (setjmp(png_jmpbuf(e->p)))
		return png_failure(img->ctx, io, "png");
	png_set_write_fn(e->p, io, png_write_cb, png_flush_cb);
	png_set_compression_level(e->p, 1);
	png_set_compression_strategy(e->p, Z_RLE);
	png_set_filter(e->p, PNG_FILTER_TYPE_BASE, e->pal ? PNG_FILTER_NONE : PNG_FILTER_SUB);
	png_set_IHDR(e->p, e->info, img->w, img->h, 8,
		     e->pal ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (e->pal)
		png_set_ink_palette(e->p, e->info, img->px);
	if (img->dpi) {
		png_uint_32 ppm = (png_uint_32)lround(img->dpi / 0.0254);
		png_set_pHYs(e->p, e->info, ppm, ppm, PNG_RESOLUTION_METER);
	}
	png_write_info(e->p, e->info);
	for (uint32_t r = 0; r < img->h; r++) {
		const uint8_t *src = img->px + (size_t)r * img->stride;
		if (e->pal)
			for (uint32_t x = 0; x < img->w; x++)
				e->row[x] = src[4 * (size_t)x + 3];
		png_write_row(e->p, e->pal ? e->row : src);
	}
	png_write_end(e->p, NULL);
	return GXCA_OK;
}

int gxca_image_to_png(const gxca_image *img, uint8_t **png, size_t *png_len)
{
	if (!img || !png || !png_len)
		return gxca__fail(img ? img->ctx : NULL, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*png = NULL;
	*png_len = 0;
	gxca__clear(img->ctx);
	struct png_io io = {0};
	struct png_enc e = {0};
	int rc = png_encode(img, &io, &e);
	png_destroy_write_struct(&e.p, &e.info);
	gxca__free(e.row);
	if (rc) {
		gxca__free(io.out);
		return rc;
	}
	*png = io.out;
	*png_len = io.out_len;
	return GXCA_OK;
}

/* ---- decoding ------------------------------------------------------------ */

struct png_dec {
	png_structp p;
	png_infop info;
	png_bytep *rows;
	gxca_image *img;
};

static uint32_t png_dpi(png_structp p, png_infop info)
{
	png_uint_32 xr = 0, yr = 0;
	int unit = 0;
	if (!png_get_pHYs(p, info, &xr, &yr, &unit) || unit != PNG_RESOLUTION_METER)
		return 0;
	double dpi = xr * 0.0254;
	return dpi >= 1 && dpi <= MAX_DPI ? (uint32_t)lround(dpi) : 0;
}

/* Refuse sizes we will not allocate, and sizes the data cannot hold. */
static int png_check_declared(gxca_ctx *ctx, const struct png_io *io, png_structp p,
			      png_infop info)
{
	uint32_t w = png_get_image_width(p, info), h = png_get_image_height(p, info);
	int rc = check_size(ctx, w, h);
	if (rc)
		return rc;
	uint64_t bits = (uint64_t)w * png_get_channels(p, info) * png_get_bit_depth(p, info);
	uint64_t raw = ((bits + 7) / 8 + 1) * h;
	if (raw / MAX_INFLATE_RATIO > io->in_len)
		return gxca__failf(ctx, GXCA_ETOOBIG, "png",
				   "PNG 声明 %ux%u 像素，但数据只有 %zu 字节",
				   "the PNG declares %ux%u pixels but has only %zu bytes", (unsigned)w,
				   (unsigned)h, io->in_len);
	return GXCA_OK;
}

/* Normalise every colour type and depth to 8-bit RGBA. */
static void png_set_rgba(png_structp p, png_infop info)
{
	int ctype = png_get_color_type(p, info);
	bool trns = png_get_valid(p, info, PNG_INFO_tRNS) != 0;
	png_set_expand(p); /* palette -> RGB, gray 1/2/4 -> 8, tRNS -> alpha */
	png_set_scale_16(p);
	if (!(ctype & PNG_COLOR_MASK_COLOR))
		png_set_gray_to_rgb(p);
	if (!(ctype & PNG_COLOR_MASK_ALPHA) && !trns)
		png_set_add_alpha(p, 0xFF, PNG_FILLER_AFTER);
	png_set_interlace_handling(p);
	png_read_update_info(p, info);
}

static int png_decode(gxca_ctx *ctx, struct png_io *io, struct png_dec *d)
{
	d->p = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, io, png_error_cb, png_warning_cb, io,
					png_malloc_cb, png_free_cb);
	if (!d->p || !(d->info = png_create_info_struct(d->p)))
		return gxca__oom(ctx);
	if (setjmp(png_jmpbuf(d->p)))
		return png_failure(ctx, io, "png");
	png_set_read_fn(d->p, io, png_read_cb);
	png_set_user_limits(d->p, GXCA_IMAGE_MAX_SIDE, GXCA_IMAGE_MAX_SIDE);
	png_set_chunk_cache_max(d->p, 64);
	png_set_chunk_malloc_max(d->p, 1u << 20);
	png_read_info(d->p, d->info);
	int rc = png_check_declared(ctx, io, d->p, d->info);
	if (rc)
		return rc;
	png_set_rgba(d->p, d->info);
	uint32_t w = png_get_image_width(d->p, d->info), h = png_get_image_height(d->p, d->info);
	if (png_get_rowbytes(d->p, d->info) != (size_t)w * 4)
		png_error(d->p, "unexpected row layout after conversion to RGBA");
	if ((rc = image_make(&d->img, ctx, w, h, png_dpi(d->p, d->info))))
		return rc;
	if (!(d->rows = gxca__calloc(h, sizeof *d->rows)))
		return gxca__oom(ctx);
	for (uint32_t r = 0; r < h; r++)
		d->rows[r] = d->img->px + (size_t)r * d->img->stride;
	png_read_image(d->p, d->rows);
	png_read_end(d->p, NULL);
	return GXCA_OK;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Refuse absurd sizes before libpng does, so they get GXCA_ETOOBIG rather
 * than libpng's "Invalid IHDR data" (libpng's user limits stay as a guard). */
static int png_peek_size(gxca_ctx *ctx, const uint8_t *png, size_t len)
{
	if (len < 24 || be32(png + 8) != 13 || memcmp(png + 12, "IHDR", 4) != 0)
		return GXCA_OK; /* libpng will complain */
	uint32_t w = be32(png + 16), h = be32(png + 20);
	return w && h ? check_size(ctx, w, h) : GXCA_OK;
}

/* Every chunk must fit in the input. libpng 1.6.39 allocates a chunk's
 * declared length before reading it, whatever png_set_chunk_malloc_max
 * says (a 42-byte file declaring a 2 GB sPLT made it allocate 2 GB). */
static int png_peek_chunks(gxca_ctx *ctx, const uint8_t *png, size_t len)
{
	size_t at = 8;
	while (len - at >= 8) {
		uint32_t n = be32(png + at);
		if (n > len - at - 8 || len - at - 8 - n < 4)
			return gxca__failf(ctx, GXCA_ESEAL_PNG, "png", "PNG 数据块在第 %zu 字节处越过文件末尾",
					   "PNG chunk at byte %zu runs past the end of the file", at, at);
		if (memcmp(png + at + 4, "IEND", 4) == 0)
			break;
		at += 12 + (size_t)n;
	}
	return GXCA_OK;
}

int gxca_image_from_png(gxca_image **out, gxca_ctx *ctx, const uint8_t *png, size_t png_len)
{
	if (!out || !ctx || !png)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	if (png_len < 8 || png_sig_cmp(png, 0, 8))
		return gxca__fail(ctx, GXCA_ESEAL_PNG, "png", "不是 PNG 图像", "not a PNG image");
	int rc = png_peek_size(ctx, png, png_len);
	if (!rc)
		rc = png_peek_chunks(ctx, png, png_len);
	if (rc)
		return rc;
	struct png_io io = {.in = png, .in_len = png_len};
	struct png_dec d = {0};
	rc = png_decode(ctx, &io, &d);
	png_destroy_read_struct(&d.p, &d.info, NULL);
	gxca__free(d.rows);
	if (rc) {
		gxca_image_free(d.img);
		return rc;
	}
	*out = d.img;
	return GXCA_OK;
}

/* ---- extraction ----------------------------------------------------------
 * 1. Paper colour: the mode of each channel in the region.
 * 2. A signed ink score per pixel from paper-normalised channels r', g', b':
 *    stamp      s = r' - max(g', b')                      (red chroma)
 *    signature  s = 1 - max(r', g', b') - max(0, r' - max(g', b'))
 *    (darkness whatever the hue, minus redness, so red ink drops out while
 *    black over red stays dark). Under multiplicative ink both are linear in
 *    the ink coverage.
 * 3. Paper noise from the histogram of s: paper is the peak at mu; its lower
 *    half is free of ink, which gives sigma. Solid ink level I = 90th
 *    percentile of the clearly inked pixels.
 * 4. alpha = (s - mu) / (I - mu), zero below a noise threshold; connected
 *    specks smaller than 0.15 mm² removed.
 * 5. Crop: the stamp is the largest cluster of ink (cells of 1 mm joined
 *    across gaps of up to 2 mm) with everything inside its bounding box; the
 *    signature is all remaining ink.
 */

enum ink_kind { INK_RED, INK_DARK };

struct region {
	uint32_t x, y, w, h;
};

struct extract {
	const gxca_image *scan;
	enum ink_kind kind;
	struct region rg;
	double mm;        /* pixels per millimetre */
	uint8_t *alpha;   /* rg.w * rg.h */
	int mu, sigma, ink; /* score statistics, score units (1.0 = 256) */
	uint32_t bx0, by0, bx1, by1; /* crop in region coordinates, inclusive */
};

#define SCORE_ONE 256
#define SCORE_MIN (-2 * SCORE_ONE)
#define SCORE_BINS (4 * SCORE_ONE)

static const uint8_t *scan_px(const struct extract *x, uint32_t rx, uint32_t ry)
{
	const gxca_image *s = x->scan;
	return s->px + (size_t)(x->rg.y + ry) * s->stride + (size_t)(x->rg.x + rx) * 4;
}

/* Paper level of each channel: mode of a (sub-sampled) histogram, smoothed. */
static void paper_levels(const struct extract *x, int paper[3])
{
	uint32_t hist[3][256] = {{0}};
	uint32_t step = 1;
	while ((uint64_t)(x->rg.w / step) * (x->rg.h / step) > 250000)
		step++;
	for (uint32_t y = 0; y < x->rg.h; y += step)
		for (uint32_t xx = 0; xx < x->rg.w; xx += step) {
			const uint8_t *p = scan_px(x, xx, y);
			hist[0][p[0]]++, hist[1][p[1]]++, hist[2][p[2]]++;
		}
	for (int c = 0; c < 3; c++) {
		uint64_t best = 0;
		paper[c] = 255;
		for (int v = 0; v < 256; v++) {
			uint64_t sum = 0;
			for (int k = v - 2; k <= v + 2; k++)
				sum += k >= 0 && k < 256 ? hist[c][k] : 0;
			if (sum > best)
				best = sum, paper[c] = v;
		}
		if (paper[c] < 16) /* a dark region has no paper: do not divide by noise */
			paper[c] = 16;
	}
}

/* Score lookup tables: channel value -> value / paper in score units. */
static void score_luts(const int paper[3], int lut[3][256])
{
	for (int c = 0; c < 3; c++)
		for (int v = 0; v < 256; v++)
			lut[c][v] = (v * SCORE_ONE + paper[c] / 2) / paper[c];
}

static inline int max2(int a, int b) { return a > b ? a : b; }

static inline int score_of(enum ink_kind kind, int lut[3][256], const uint8_t *p)
{
	int r = lut[0][p[0]], g = lut[1][p[1]], b = lut[2][p[2]];
	int gb = max2(g, b);
	int s = kind == INK_RED ? r - gb : SCORE_ONE - max2(r, gb) - max2(0, r - gb);
	return s < SCORE_MIN ? SCORE_MIN : s >= SCORE_MIN + SCORE_BINS ? SCORE_MIN + SCORE_BINS - 1 : s;
}

/* Value at which the cumulative count reaches target. */
static int hist_quantile(const uint32_t *hist, int from, int to, uint64_t target)
{
	uint64_t acc = 0;
	for (int i = from; i < to; i++)
		if ((acc += hist[i]) >= target)
			return i;
	return to - 1;
}

/* mu, sigma, ink level from the score histogram (see the comment above). */
static bool score_stats(struct extract *x, const uint32_t *hist, uint64_t total)
{
	int peak = 0;
	for (int i = 1; i < SCORE_BINS; i++)
		if (hist[i] > hist[peak])
			peak = i;
	uint64_t below = 0;
	for (int i = 0; i < peak; i++)
		below += hist[i];
	/* P(X < mu - sigma) / P(X < mu) = 0.1587 / 0.5 for a normal. */
	int lo = below ? hist_quantile(hist, 0, peak, (uint64_t)(below * 0.3173) + 1) : peak;
	x->mu = peak + SCORE_MIN;
	x->sigma = max2(2, peak - lo);
	int det = peak + max2(6 * x->sigma, SCORE_ONE / 8); /* clearly ink */
	uint64_t inked = 0;
	for (int i = det; i < SCORE_BINS; i++)
		inked += hist[i];
	double min_px = x->mm * x->mm; /* at least 1 mm² of ink */
	if (inked < min_px || inked < 16 || (double)inked > 0.95 * (double)total)
		return false;
	x->ink = hist_quantile(hist, det, SCORE_BINS, (uint64_t)(inked * 0.9)) + SCORE_MIN;
	return true;
}

/* Fill x->alpha from the scores; false when the region holds no ink. */
static bool score_region(struct extract *x, uint32_t *hist)
{
	int paper[3], lut[3][256];
	paper_levels(x, paper);
	score_luts(paper, lut);
	memset(hist, 0, SCORE_BINS * sizeof *hist);
	/* Scores are recomputed in the second pass: three table look-ups are
	 * cheaper than a 2-byte-per-pixel plane for a whole A4 page. */
	for (uint32_t y = 0; y < x->rg.h; y++)
		for (uint32_t xx = 0; xx < x->rg.w; xx++)
			hist[score_of(x->kind, lut, scan_px(x, xx, y)) - SCORE_MIN]++;
	if (!score_stats(x, hist, (uint64_t)x->rg.w * x->rg.h))
		return false;
	int range = max2(1, x->ink - x->mu);
	int floor = x->mu + max2(4 * x->sigma, range / (x->kind == INK_DARK ? 3 : 6));
	for (uint32_t y = 0; y < x->rg.h; y++) {
		uint8_t *a = x->alpha + (size_t)y * x->rg.w;
		for (uint32_t xx = 0; xx < x->rg.w; xx++) {
			int v = score_of(x->kind, lut, scan_px(x, xx, y));
			int al = v < floor ? 0 : (v - x->mu) * 255 / range;
			a[xx] = (uint8_t)(al > 255 ? 255 : al);
		}
	}
	return true;
}

/* Growable queue of pixel or cell indices. */
struct queue {
	uint32_t *v;
	size_t n, cap;
};

static bool queue_push(struct queue *q, uint32_t i)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 1024;
		uint32_t *v = gxca__realloc(q->v, cap * sizeof *v);
		if (!v)
			return false;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = i;
	return true;
}

/*
 * Flood the 8-connected component of alpha > 0 at seed into q (q->n = its
 * size), marking seen. False on allocation failure.
 */
static bool flood(const struct extract *x, uint8_t *seen, struct queue *q, uint32_t seed)
{
	uint32_t w = x->rg.w, h = x->rg.h;
	q->n = 0;
	seen[seed >> 3] |= (uint8_t)(1u << (seed & 7));
	if (!queue_push(q, seed))
		return false;
	for (size_t head = 0; head < q->n; head++) {
		uint32_t i = q->v[head], px = i % w, py = i / w;
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				int64_t nx = (int64_t)px + dx, ny = (int64_t)py + dy;
				if (nx < 0 || ny < 0 || nx >= w || ny >= h)
					continue;
				uint32_t j = (uint32_t)ny * w + (uint32_t)nx;
				if (!x->alpha[j] || (seen[j >> 3] >> (j & 7) & 1))
					continue;
				seen[j >> 3] |= (uint8_t)(1u << (j & 7));
				if (!queue_push(q, j))
					return false;
			}
	}
	return true;
}

/* Remove connected specks of ink smaller than 0.15 mm² (scanner noise). */
static int drop_specks(struct extract *x)
{
	size_t n = (size_t)x->rg.w * x->rg.h;
	uint32_t min_px = (uint32_t)fmax(4.0, 0.15 * x->mm * x->mm);
	uint8_t *seen = gxca__calloc(n / 8 + 1, 1);
	struct queue q = {0};
	bool ok = seen != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		if (!x->alpha[i] || (seen[i >> 3] >> (i & 7) & 1))
			continue;
		if (!(ok = flood(x, seen, &q, (uint32_t)i)))
			break;
		if (q.n < min_px)
			for (size_t k = 0; k < q.n; k++)
				x->alpha[q.v[k]] = 0;
	}
	gxca__free(seen);
	gxca__free(q.v);
	return ok ? GXCA_OK : gxca__oom(x->scan->ctx);
}

struct cell {
	uint32_t n, x0, y0, x1, y1;
};

static void box_add(uint32_t *x0, uint32_t *y0, uint32_t *x1, uint32_t *y1, bool first,
		    uint32_t ax, uint32_t ay, uint32_t bx, uint32_t by)
{
	if (first || ax < *x0) *x0 = ax;
	if (first || ay < *y0) *y0 = ay;
	if (first || bx > *x1) *x1 = bx;
	if (first || by > *y1) *y1 = by;
}

/* Ink count and pixel bounding box of 1 mm cells. */
static struct cell *make_cells(const struct extract *x, uint32_t cs, uint32_t gw, uint32_t gh)
{
	struct cell *c = gxca__calloc((size_t)gw * gh, sizeof *c);
	if (!c)
		return NULL;
	for (uint32_t y = 0; y < x->rg.h; y++)
		for (uint32_t xx = 0; xx < x->rg.w; xx++) {
			if (!x->alpha[(size_t)y * x->rg.w + xx])
				continue;
			struct cell *k = &c[(size_t)(y / cs) * gw + xx / cs];
			box_add(&k->x0, &k->y0, &k->x1, &k->y1, k->n == 0, xx, y, xx, y);
			k->n++;
		}
	return c;
}

/* The cell cluster at seed (cells within 2 of each other join): ink and box. */
static bool cell_cluster(struct cell *c, uint32_t gw, uint32_t gh, uint8_t *seen, struct queue *q,
			 uint32_t seed, uint64_t *ink, uint32_t box[4])
{
	q->n = 0;
	seen[seed] = 1;
	if (!queue_push(q, seed))
		return false;
	*ink = 0;
	for (size_t head = 0; head < q->n; head++) {
		uint32_t i = q->v[head], cx = i % gw, cy = i / gw;
		box_add(&box[0], &box[1], &box[2], &box[3], head == 0, c[i].x0, c[i].y0, c[i].x1,
			c[i].y1);
		*ink += c[i].n;
		for (int dy = -2; dy <= 2; dy++)
			for (int dx = -2; dx <= 2; dx++) {
				int64_t nx = (int64_t)cx + dx, ny = (int64_t)cy + dy;
				if (nx < 0 || ny < 0 || nx >= gw || ny >= gh)
					continue;
				uint32_t j = (uint32_t)ny * gw + (uint32_t)nx;
				if (!c[j].n || seen[j])
					continue;
				seen[j] = 1;
				if (!queue_push(q, j))
					return false;
			}
	}
	return true;
}

/* Crop box of the stamp: the cluster holding the most ink. */
static int stamp_box(struct extract *x)
{
	uint32_t cs = (uint32_t)fmax(2.0, lround(x->mm));
	uint32_t gw = (x->rg.w + cs - 1) / cs, gh = (x->rg.h + cs - 1) / cs;
	struct cell *c = make_cells(x, cs, gw, gh);
	uint8_t *seen = gxca__calloc((size_t)gw * gh, 1);
	struct queue q = {0};
	bool ok = c && seen;
	uint64_t best = 0;
	for (uint32_t i = 0; ok && i < gw * gh; i++) {
		uint64_t ink;
		uint32_t box[4];
		if (!c[i].n || seen[i])
			continue;
		if ((ok = cell_cluster(c, gw, gh, seen, &q, i, &ink, box)) && ink > best) {
			best = ink;
			x->bx0 = box[0], x->by0 = box[1], x->bx1 = box[2], x->by1 = box[3];
		}
	}
	gxca__free(c);
	gxca__free(seen);
	gxca__free(q.v);
	if (!ok)
		return gxca__oom(x->scan->ctx);
	return best ? GXCA_OK : GXCA_ESEAL_NO_INK;
}

/* Crop box of a signature: all the ink left. */
static int signature_box(struct extract *x)
{
	bool any = false;
	for (uint32_t y = 0; y < x->rg.h; y++)
		for (uint32_t xx = 0; xx < x->rg.w; xx++)
			if (x->alpha[(size_t)y * x->rg.w + xx]) {
				box_add(&x->bx0, &x->by0, &x->bx1, &x->by1, !any, xx, y, xx, y);
				any = true;
			}
	return any ? GXCA_OK : GXCA_ESEAL_NO_INK;
}

/* Mean colour of the solid ink in the crop: the colour of every output pixel. */
static void ink_colour(const struct extract *x, uint8_t rgb[3])
{
	uint64_t sum[3] = {0}, n = 0;
	for (int pass = 0; pass < 2 && !n; pass++)
		for (uint32_t y = x->by0; y <= x->by1; y++)
			for (uint32_t xx = x->bx0; xx <= x->bx1; xx++) {
				if (x->alpha[(size_t)y * x->rg.w + xx] < (pass ? 1 : 230))
					continue;
				const uint8_t *p = scan_px(x, xx, y);
				sum[0] += p[0], sum[1] += p[1], sum[2] += p[2], n++;
			}
	for (int c = 0; c < 3; c++)
		rgb[c] = (uint8_t)(n ? sum[c] / n : 0);
}

static int crop_out(gxca_image **out, struct extract *x, double margin_mm)
{
	uint32_t m = (uint32_t)lround(margin_mm * x->mm);
	x->bx0 = x->bx0 > m ? x->bx0 - m : 0;
	x->by0 = x->by0 > m ? x->by0 - m : 0;
	x->bx1 = x->bx1 + m < x->rg.w ? x->bx1 + m : x->rg.w - 1;
	x->by1 = x->by1 + m < x->rg.h ? x->by1 + m : x->rg.h - 1;
	gxca_image *img = NULL;
	int rc = image_make(&img, x->scan->ctx, x->bx1 - x->bx0 + 1, x->by1 - x->by0 + 1,
			    x->scan->dpi);
	if (rc)
		return rc;
	uint8_t rgb[3];
	ink_colour(x, rgb);
	for (uint32_t y = 0; y < img->h; y++) {
		const uint8_t *a = x->alpha + (size_t)(x->by0 + y) * x->rg.w + x->bx0;
		uint8_t *d = img->px + (size_t)y * img->stride;
		for (uint32_t xx = 0; xx < img->w; xx++, d += 4)
			d[0] = rgb[0], d[1] = rgb[1], d[2] = rgb[2], d[3] = a[xx];
	}
	img->ox = x->rg.x + x->bx0;
	img->oy = x->rg.y + x->by0;
	*out = img;
	return GXCA_OK;
}

static int no_ink(gxca_ctx *ctx, enum ink_kind kind)
{
	return kind == INK_RED
		       ? gxca__fail(ctx, GXCA_ESEAL_NO_INK, "region", "区域中没有红色印迹",
				    "no red stamp ink in the region")
		       : gxca__fail(ctx, GXCA_ESEAL_NO_INK, "region", "区域中没有深色笔迹",
				    "no dark signature ink in the region");
}

static int extract_run(gxca_image **out, struct extract *x)
{
	gxca_ctx *ctx = x->scan->ctx;
	uint32_t *hist = gxca__malloc(SCORE_BINS * sizeof *hist);
	x->alpha = gxca__malloc((size_t)x->rg.w * x->rg.h);
	if (!hist || !x->alpha) {
		gxca__free(hist);
		return gxca__oom(ctx);
	}
	bool inked = score_region(x, hist);
	gxca__free(hist);
	if (!inked)
		return no_ink(ctx, x->kind);
	int rc = drop_specks(x);
	if (!rc)
		rc = x->kind == INK_RED ? stamp_box(x) : signature_box(x);
	if (rc == GXCA_ESEAL_NO_INK)
		return no_ink(ctx, x->kind);
	if (!rc)
		rc = crop_out(out, x, x->kind == INK_RED ? 0.5 : 1.0);
	return rc;
}

static int extract(gxca_image **out, const gxca_image *scan, enum ink_kind kind, uint32_t x,
		   uint32_t y, uint32_t w, uint32_t h)
{
	if (!out || !scan)
		return gxca__fail(scan ? scan->ctx : NULL, GXCA_EINVAL, NULL, "参数为空",
				  "NULL argument");
	*out = NULL;
	gxca__clear(scan->ctx);
	if (!w || !h)
		x = y = 0, w = scan->w, h = scan->h;
	if (x >= scan->w || y >= scan->h || w > scan->w - x || h > scan->h - y)
		return gxca__failf(scan->ctx, GXCA_ERANGE, "region",
				   "区域 %u,%u %ux%u 超出图像 %ux%u",
				   "region %u,%u %ux%u is outside the %ux%u image", (unsigned)x,
				   (unsigned)y, (unsigned)w, (unsigned)h, (unsigned)scan->w,
				   (unsigned)scan->h);
	struct extract ex = {.scan = scan, .kind = kind, .rg = {x, y, w, h}};
	ex.mm = (scan->dpi ? scan->dpi : 300) / 25.4;
	int rc = extract_run(out, &ex);
	gxca__free(ex.alpha);
	return rc;
}

int gxca_image_extract_stamp(gxca_image **out, const gxca_image *scan, uint32_t x, uint32_t y,
			     uint32_t w, uint32_t h)
{
	return extract(out, scan, INK_RED, x, y, w, h);
}

int gxca_image_extract_signature(gxca_image **out, const gxca_image *scan, uint32_t x,
				 uint32_t y, uint32_t w, uint32_t h)
{
	return extract(out, scan, INK_DARK, x, y, w, h);
}
