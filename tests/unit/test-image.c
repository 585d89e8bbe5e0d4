/*
 * tests/unit/test-image.c — gxca_image: the object, PNG out and in (every
 * colour type and depth, interlacing, tRNS, corrupt and lying files, bombs),
 * and extraction of a stamp and a signature from synthetic degraded scans
 * measured against the truth (IoU >= 0.9).
 */
#include "common.h"

/* fontconfig 2.14 leaks a little while parsing the system configuration
 * (FcInitLoadConfigAndFonts, not our call stack): tell LeakSanitizer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }

#include <math.h>
#include <stdbool.h>
#include <png.h>
#include <zlib.h>

/* ---- helpers ------------------------------------------------------------ */

struct membuf {
	uint8_t *data;
	size_t len, cap;
};

static void buf_append(struct membuf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->data = realloc(b->data, b->cap);
		ck_assert_ptr_nonnull(b->data);
	}
	if (n)
		memcpy(b->data + b->len, d, n);
	b->len += n;
}

static void mem_write(png_structp p, png_bytep d, size_t n) { buf_append(png_get_io_ptr(p), d, n); }
static void mem_flush(png_structp p) { (void)p; }

struct png_desc {
	uint32_t w, h;
	int depth, ctype, interlace;
	const png_color *pal;
	int npal;
	const png_byte *trns; /* palette alpha */
	int ntrns;
	const png_color_16 *trns_color;
};

/* Write a PNG with libpng itself; rows are packed as libpng expects. */
static struct membuf write_png(const struct png_desc *d, uint8_t *const *rows)
{
	struct membuf b = {0};
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(p);
	ck_assert(p && info);
	if (setjmp(png_jmpbuf(p)))
		ck_abort_msg("libpng failed writing a test image");
	png_set_write_fn(p, &b, mem_write, mem_flush);
	png_set_IHDR(p, info, d->w, d->h, d->depth, d->ctype, d->interlace,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (d->pal)
		png_set_PLTE(p, info, d->pal, d->npal);
	if (d->trns || d->trns_color)
		png_set_tRNS(p, info, d->trns, d->ntrns, d->trns_color);
	png_write_info(p, info);
	png_write_image(p, (png_bytepp)rows);
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	return b;
}

static gxca_image *decode_ok(gxca_ctx *ctx, const struct membuf *b)
{
	gxca_image *img = NULL;
	int rc = gxca_image_from_png(&img, ctx, b->data, b->len);
	ck_assert_msg(rc == GXCA_OK, "decode: %s %s", gxca_error_name_of(rc),
		      gxca_error_detail(gxca_ctx_last_error(ctx)));
	return img;
}

static const uint8_t *px_at(gxca_image *img, uint32_t x, uint32_t y)
{
	size_t stride;
	const uint8_t *px = gxca_image_pixels(img, &stride); /* before stride is read */
	return px + y * stride + x * 4;
}

#define ck_assert_rgba(p, r, g, b, a)                                                 \
	ck_assert_msg((p)[0] == (r) && (p)[1] == (g) && (p)[2] == (b) && (p)[3] == (a),    \
		      "pixel %u,%u,%u,%u want %u,%u,%u,%u", (p)[0], (p)[1], (p)[2], (p)[3], \
		      (unsigned)(r), (unsigned)(g), (unsigned)(b), (unsigned)(a))

/* A chunk with a correct CRC appended to b. */
static void put_chunk(struct membuf *b, const char *type, const uint8_t *data, uint32_t n)
{
	uint8_t hdr[8] = {n >> 24, n >> 16, n >> 8, n, type[0], type[1], type[2], type[3]};
	uLong crc = crc32(0, hdr + 4, 4);
	if (n) /* crc32() of a NULL buffer restarts at 0 */
		crc = crc32(crc, data, n);
	uint8_t tail[4] = {crc >> 24, crc >> 16, crc >> 8, crc};
	buf_append(b, hdr, 8), buf_append(b, data, n), buf_append(b, tail, 4);
}

/* A hand-made PNG: IHDR w x h 8-bit gray, an optional extra chunk, the IDAT
 * payload, IEND. */
static struct membuf handmade(uint32_t w, uint32_t h, const uint8_t *idat, uint32_t idat_len,
			      const char *xtype, const uint8_t *xdata, uint32_t xlen)
{
	static const uint8_t sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
	struct membuf b = {0};
	buf_append(&b, sig, 8);
	uint8_t ihdr[13] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 0, 0, 0, 0};
	put_chunk(&b, "IHDR", ihdr, 13);
	if (xtype)
		put_chunk(&b, xtype, xdata, xlen);
	put_chunk(&b, "IDAT", idat, idat_len);
	put_chunk(&b, "IEND", NULL, 0);
	return b;
}

/* ---- the object --------------------------------------------------------- */

START_TEST(test_image_new_and_getters)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL;
	size_t stride = 99;
	ck_assert_int_eq(gxca_image_new(NULL, ctx, 1, 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_new(&img, NULL, 1, 1, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_new(&img, ctx, 0, 5, 0), GXCA_EINVAL);
	ck_assert_last_error(ctx, GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_new(&img, ctx, 5, 5, 70000), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_new(&img, ctx, GXCA_IMAGE_MAX_SIDE + 1, 1, 0), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_image_new(&img, ctx, 10000, 10000, 0), GXCA_ETOOBIG);
	ck_assert_last_error(ctx, GXCA_ETOOBIG);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(gxca_image_new(&img, ctx, 7, 3, 300), GXCA_OK);
	ck_assert_uint_eq(gxca_image_width(img), 7);
	ck_assert_uint_eq(gxca_image_height(img), 3);
	ck_assert_uint_eq(gxca_image_dpi(img), 300);
	ck_assert_uint_eq(gxca_image_origin_x(img), 0);
	ck_assert_ptr_nonnull(gxca_image_pixels(img, &stride));
	ck_assert_uint_eq(stride, 28);
	ck_assert_rgba(px_at(img, 6, 2), 0, 0, 0, 0);
	ck_assert_int_eq(gxca_image_set_dpi(img, 65536), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_set_dpi(img, 600), GXCA_OK);
	ck_assert_uint_eq(gxca_image_dpi(img), 600);
	/* NULL everywhere */
	ck_assert_uint_eq(gxca_image_width(NULL), 0);
	ck_assert_uint_eq(gxca_image_height(NULL), 0);
	ck_assert_uint_eq(gxca_image_dpi(NULL), 0);
	ck_assert_uint_eq(gxca_image_origin_x(NULL), 0);
	ck_assert_uint_eq(gxca_image_origin_y(NULL), 0);
	ck_assert_ptr_null(gxca_image_pixels(NULL, &stride));
	ck_assert_uint_eq(stride, 0);
	ck_assert_ptr_null(gxca_image_pixels(NULL, NULL));
	ck_assert_int_eq(gxca_image_set_dpi(NULL, 300), GXCA_EINVAL);
	gxca_image_free(img);
	gxca_image_free(NULL);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- PNG out and back --------------------------------------------------- */

static void fill_pattern(gxca_image *img, bool one_colour)
{
	size_t stride;
	uint8_t *px = gxca_image_pixels(img, &stride);
	for (uint32_t y = 0; y < gxca_image_height(img); y++)
		for (uint32_t x = 0; x < gxca_image_width(img); x++) {
			uint8_t *p = px + y * stride + x * 4;
			p[0] = one_colour ? 200 : (uint8_t)(x * 7);
			p[1] = one_colour ? 10 : (uint8_t)(y * 13);
			p[2] = one_colour ? 20 : (uint8_t)(x ^ y);
			p[3] = (uint8_t)(x * 31 + y * 17);
		}
}

/* pHYs pixels per metre, from the chunk in the bytes; 0 when absent. */
static uint32_t phys_ppm(const uint8_t *png, size_t len)
{
	for (size_t i = 8; i + 12 <= len;) {
		uint32_t n = (uint32_t)png[i] << 24 | png[i + 1] << 16 | png[i + 2] << 8 | png[i + 3];
		if (memcmp(png + i + 4, "pHYs", 4) == 0 && n == 9 && png[i + 16] == 1)
			return (uint32_t)png[i + 8] << 24 | png[i + 9] << 16 | png[i + 10] << 8 | png[i + 11];
		i += 12 + (size_t)n;
	}
	return 0;
}

static void roundtrip(bool one_colour, uint32_t dpi, uint32_t want_ppm)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL, *back = NULL;
	ck_assert_int_eq(gxca_image_new(&img, ctx, 37, 23, dpi), GXCA_OK);
	fill_pattern(img, one_colour);
	uint8_t *png = NULL, *png2 = NULL;
	size_t len = 0, len2 = 0;
	ck_assert_int_eq(gxca_image_to_png(img, &png, &len), GXCA_OK);
	ck_assert_int_eq(gxca_image_to_png(img, &png2, &len2), GXCA_OK);
	ck_assert(len == len2 && memcmp(png, png2, len) == 0); /* deterministic */
	ck_assert_uint_eq(png[25], one_colour ? 3 : 6);        /* IHDR colour type */
	ck_assert_uint_eq(phys_ppm(png, len), want_ppm);
	ck_assert_int_eq(gxca_image_from_png(&back, ctx, png, len), GXCA_OK);
	ck_assert_uint_eq(gxca_image_dpi(back), dpi);
	size_t s1, s2;
	const uint8_t *a = gxca_image_pixels(img, &s1), *b = gxca_image_pixels(back, &s2);
	ck_assert_uint_eq(s1, s2);
	ck_assert(memcmp(a, b, s1 * 23) == 0);
	gxca_free(png);
	gxca_free(png2);
	gxca_image_free(img);
	gxca_image_free(back);
	gxca_ctx_free(ctx);
}

START_TEST(test_png_roundtrip)
{
	roundtrip(false, 300, 11811);
	roundtrip(true, 300, 11811);
	roundtrip(true, 600, 23622);
	roundtrip(false, 72, 2835);
	roundtrip(true, 1200, 47244);
	roundtrip(false, 0, 0);
}
END_TEST

START_TEST(test_png_null_and_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL;
	uint8_t *png = (uint8_t *)"x";
	size_t len = 5;
	static const uint8_t junk[] = "\x89PNG\r\n\x1a\n but then nonsense follows here";
	ck_assert_int_eq(gxca_image_to_png(NULL, &png, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_from_png(NULL, ctx, junk, sizeof junk), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_from_png(&img, NULL, junk, sizeof junk), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, NULL, 10), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, (const uint8_t *)"GIF89a....", 10),
			 GXCA_ESEAL_PNG);
	ck_assert_last_error(ctx, GXCA_ESEAL_PNG);
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, junk, 3), GXCA_ESEAL_PNG);
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, junk, sizeof junk), GXCA_ESEAL_PNG);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "png");
	ck_assert_ptr_null(img);
	/* 42 bytes declaring a 2 GB sPLT chunk: refused before libpng, which
	 * would allocate the declared length first (found by libFuzzer). */
	static const uint8_t bomb[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x11\0\0\0\x03\x01\x03\0\0\x01"
				      "\x38\xba\x46\xbf\x7d\0\0\x06sPLTB`";
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, bomb, sizeof bomb - 1), GXCA_ESEAL_PNG);
	ck_assert_ptr_nonnull(strstr(gxca_error_message(gxca_ctx_last_error(ctx)), "33"));
	ck_assert_ptr_null(img);
	ck_assert_int_eq(gxca_image_new(&img, ctx, 2, 2, 0), GXCA_OK);
	ck_assert_int_eq(gxca_image_to_png(img, NULL, &len), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_to_png(img, &png, NULL), GXCA_EINVAL);
	gxca_image_free(img);
	gxca_ctx_free(ctx);
}
END_TEST

/* Every prefix of a valid PNG and every single-byte corruption of its
 * IHDR/IDAT: an error (or, for a flipped byte libpng tolerates, an image),
 * never a crash. */
START_TEST(test_png_truncated_and_corrupt)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL;
	ck_assert_int_eq(gxca_image_new(&img, ctx, 40, 30, 300), GXCA_OK);
	fill_pattern(img, false);
	uint8_t *png = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_image_to_png(img, &png, &len), GXCA_OK);
	gxca_image_free(img);
	for (size_t n = 0; n < len; n++) {
		img = NULL;
		int rc = gxca_image_from_png(&img, ctx, png, n);
		ck_assert_msg(rc == GXCA_ESEAL_PNG || rc == GXCA_ETOOBIG, "prefix %zu: %s", n,
			      gxca_error_name_of(rc));
		ck_assert_ptr_null(img);
	}
	uint8_t *bad = malloc(len);
	for (size_t i = 8; i < len; i += 3) {
		memcpy(bad, png, len);
		bad[i] ^= 0x5a;
		int rc = gxca_image_from_png(&img, ctx, bad, len);
		ck_assert(rc == GXCA_OK || rc == GXCA_ESEAL_PNG || rc == GXCA_ETOOBIG);
		gxca_image_free(img);
		img = NULL;
	}
	free(bad);
	gxca_free(png);
	gxca_ctx_free(ctx);
}
END_TEST

/* Dimensions that lie: absurd sides, and more pixels than the data holds. */
START_TEST(test_png_lying_sizes)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL;
	uint8_t z[64];
	uLongf zl = sizeof z;
	const uint8_t row[2] = {0, 0}; /* one 1x1 gray row */
	ck_assert_int_eq(compress(z, &zl, row, 2), Z_OK);
	uint32_t sizes[][2] = {{1, 1}, {5000, 5000}, {20000, 20000}, {30000, 1}, {1, 0x7fffffff}};
	int want[] = {GXCA_OK, GXCA_ETOOBIG, GXCA_ETOOBIG, GXCA_ETOOBIG, GXCA_ETOOBIG};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct membuf b = handmade(sizes[i][0], sizes[i][1], z, (uint32_t)zl, NULL, NULL, 0);
		int rc = gxca_image_from_png(&img, ctx, b.data, b.len);
		ck_assert_msg(rc == want[i], "%ux%u: %s %s", sizes[i][0], sizes[i][1], gxca_error_name_of(rc),
			      gxca_error_detail(gxca_ctx_last_error(ctx)));
		if (rc == GXCA_ETOOBIG)
			ck_assert_last_error(ctx, GXCA_ETOOBIG);
		gxca_image_free(img);
		img = NULL;
		free(b.data);
	}
	/* zero width: libpng refuses the header */
	struct membuf b = handmade(0, 1, z, (uint32_t)zl, NULL, NULL, 0);
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, b.data, b.len), GXCA_ESEAL_PNG);
	free(b.data);
	gxca_ctx_free(ctx);
}
END_TEST

/* A zTXt chunk inflating to 16 MiB: the chunk limit drops it, the image loads. */
START_TEST(test_png_ztxt_bomb)
{
	gxca_ctx *ctx = test_ctx();
	size_t big = 16u << 20;
	uint8_t *zeros = calloc(1, big), *z = malloc(big / 100);
	uLongf zl = big / 100;
	ck_assert_int_eq(compress2(z, &zl, zeros, big, 9), Z_OK);
	uint8_t row[2] = {0, 77}, zr[64];
	uLongf zrl = sizeof zr;
	ck_assert_int_eq(compress(zr, &zrl, row, 2), Z_OK);
	uint8_t *ztxt = malloc(zl + 6);
	memcpy(ztxt, "Bomb\0\0", 6); /* keyword, NUL, compression method 0 */
	memcpy(ztxt + 6, z, zl);
	struct membuf b = handmade(1, 1, zr, (uint32_t)zrl, "zTXt", ztxt, (uint32_t)zl + 6);
	gxca_image *img = NULL;
	ck_assert_int_eq(gxca_image_from_png(&img, ctx, b.data, b.len), GXCA_OK);
	ck_assert_rgba(px_at(img, 0, 0), 77, 77, 77, 255);
	gxca_image_free(img);
	free(b.data);
	free(ztxt);
	free(z);
	free(zeros);
	gxca_ctx_free(ctx);
}
END_TEST

/* Gray 1-bit, gray 16-bit, gray+alpha, gray with tRNS, RGB 16-bit, palette 4-bit
 * with tRNS, interlaced RGBA: all read as 8-bit RGBA. */
START_TEST(test_png_every_format)
{
	gxca_ctx *ctx = test_ctx();
	struct membuf b;
	gxca_image *img;
	/* gray 1-bit: 8 pixels per byte, MSB first */
	uint8_t g1[2][1] = {{0xA0}, {0x40}};
	uint8_t *r1[2] = {g1[0], g1[1]};
	b = write_png(&(struct png_desc){.w = 3, .h = 2, .depth = 1, .ctype = PNG_COLOR_TYPE_GRAY, .interlace = 0}, r1);
	img = decode_ok(ctx, &b);
	ck_assert_uint_eq(gxca_image_dpi(img), 0);
	ck_assert_rgba(px_at(img, 0, 0), 255, 255, 255, 255);
	ck_assert_rgba(px_at(img, 1, 0), 0, 0, 0, 255);
	ck_assert_rgba(px_at(img, 1, 1), 255, 255, 255, 255);
	gxca_image_free(img), free(b.data);
	/* gray 16-bit: v * 257 scales back to v */
	uint8_t g16[1][4] = {{0x12, 0x12, 0xfe, 0xfe}};
	uint8_t *r16[1] = {g16[0]};
	b = write_png(&(struct png_desc){.w = 2, .h = 1, .depth = 16, .ctype = PNG_COLOR_TYPE_GRAY, .interlace = 0}, r16);
	img = decode_ok(ctx, &b);
	ck_assert_rgba(px_at(img, 0, 0), 0x12, 0x12, 0x12, 255);
	ck_assert_rgba(px_at(img, 1, 0), 0xfe, 0xfe, 0xfe, 255);
	gxca_image_free(img), free(b.data);
	/* gray + alpha */
	uint8_t ga[1][4] = {{10, 20, 30, 40}};
	uint8_t *rga[1] = {ga[0]};
	b = write_png(&(struct png_desc){.w = 2, .h = 1, .depth = 8, .ctype = PNG_COLOR_TYPE_GRAY_ALPHA, .interlace = 0}, rga);
	img = decode_ok(ctx, &b);
	ck_assert_rgba(px_at(img, 1, 0), 30, 30, 30, 40);
	gxca_image_free(img), free(b.data);
	/* gray with a transparent value */
	uint8_t gt[1][2] = {{9, 50}};
	uint8_t *rgt[1] = {gt[0]};
	png_color_16 tc = {.gray = 9};
	b = write_png(&(struct png_desc){.w = 2, .h = 1, .depth = 8, .ctype = PNG_COLOR_TYPE_GRAY, .trns_color = &tc}, rgt);
	img = decode_ok(ctx, &b);
	ck_assert_rgba(px_at(img, 0, 0), 9, 9, 9, 0);
	ck_assert_rgba(px_at(img, 1, 0), 50, 50, 50, 255);
	gxca_image_free(img), free(b.data);
	/* RGB 16-bit */
	uint8_t rgb16[1][6] = {{0xaa, 0xaa, 0x01, 0x01, 0x80, 0x80}};
	uint8_t *rr16[1] = {rgb16[0]};
	b = write_png(&(struct png_desc){.w = 1, .h = 1, .depth = 16, .ctype = PNG_COLOR_TYPE_RGB, .interlace = 0}, rr16);
	img = decode_ok(ctx, &b);
	ck_assert_rgba(px_at(img, 0, 0), 0xaa, 0x01, 0x80, 255);
	gxca_image_free(img), free(b.data);
	/* palette 4-bit with tRNS on entry 1 */
	png_color pal[3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
	png_byte trns[2] = {255, 100};
	uint8_t p4[1][2] = {{0x01, 0x20}}; /* indices 0,1,2 */
	uint8_t *rp4[1] = {p4[0]};
	b = write_png(&(struct png_desc){.w = 3, .h = 1, .depth = 4, .ctype = PNG_COLOR_TYPE_PALETTE,
				       .pal = pal, .npal = 3, .trns = trns, .ntrns = 2},
		      rp4);
	img = decode_ok(ctx, &b);
	ck_assert_rgba(px_at(img, 0, 0), 255, 0, 0, 255);
	ck_assert_rgba(px_at(img, 1, 0), 0, 255, 0, 100);
	ck_assert_rgba(px_at(img, 2, 0), 0, 0, 255, 255);
	gxca_image_free(img), free(b.data);
	/* interlaced RGBA, 11 x 9 so that every Adam7 pass is used */
	uint8_t il[9][44], *ril[9];
	for (int y = 0; y < 9; y++) {
		ril[y] = il[y];
		for (int i = 0; i < 44; i++)
			il[y][i] = (uint8_t)(y * 44 + i);
	}
	b = write_png(&(struct png_desc){.w = 11, .h = 9, .depth = 8, .ctype = PNG_COLOR_TYPE_RGB_ALPHA, .interlace = PNG_INTERLACE_ADAM7},
		      ril);
	img = decode_ok(ctx, &b);
	for (int y = 0; y < 9; y++)
		ck_assert(memcmp(px_at(img, 0, (uint32_t)y), il[y], 44) == 0);
	gxca_image_free(img), free(b.data);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_png_alloc_failures)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL, *back = NULL;
	ck_assert_int_eq(gxca_image_new(&img, ctx, 64, 48, 300), GXCA_OK);
	fill_pattern(img, false);
	uint8_t *png = NULL;
	size_t len = 0;
	FOR_EACH_ALLOC_FAILURE(gxca_image_to_png(img, &png, &len), (void)0);
	ck_assert_ptr_nonnull(png);
	FOR_EACH_ALLOC_FAILURE(gxca_image_from_png(&back, ctx, png, len), (void)0);
	ck_assert_ptr_nonnull(back);
	gxca_free(png);
	png = NULL;
	fill_pattern(img, true); /* the palette path */
	FOR_EACH_ALLOC_FAILURE(gxca_image_to_png(img, &png, &len), (void)0);
	gxca_free(png);
	gxca_image_free(back);
	gxca_image_free(img);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- extraction from synthetic scans ------------------------------------ */

/* Fixed-seed PRNG (xorshift32) and a Box-Muller normal deviate. */
static uint32_t rng_state = 0x2545F491u;
static double rng_uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (rng_state + 0.5) / 4294967296.0;
}
static double rng_normal(void)
{
	return sqrt(-2 * log(rng_uniform())) * cos(2 * M_PI * rng_uniform());
}

struct scan {
	gxca_image *img;
	uint32_t w, h;
	float *stamp, *sig; /* true coverages 0..1 */
};

/* Bilinear sample of a seal's alpha, 0 outside. */
static double seal_alpha(gxca_image *seal, double x, double y)
{
	uint32_t w = gxca_image_width(seal), h = gxca_image_height(seal);
	double fx = floor(x), fy = floor(y), a = 0;
	for (int dy = 0; dy <= 1; dy++)
		for (int dx = 0; dx <= 1; dx++) {
			double sx = fx + dx, sy = fy + dy;
			if (sx < 0 || sy < 0 || sx >= w || sy >= h)
				continue;
			double wt = (dx ? x - fx : 1 - (x - fx)) * (dy ? y - fy : 1 - (y - fy));
			a += wt * px_at(seal, (uint32_t)sx, (uint32_t)sy)[3] / 255.0;
		}
	return a;
}

/* Distance from p to the segment a-b. */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
	double vx = bx - ax, vy = by - ay, t = ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy);
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(px - ax - t * vx, py - ay - t * vy);
}

/* A wavy signature stroke through (x0,y0)-(x1,y1), 4 px wide. */
static double stroke_cov(double x, double y, double x0, double y0, double x1, double y1)
{
	double best = 1e9;
	double px = x0, py = y0;
	for (int i = 1; i <= 48; i++) {
		double t = i / 48.0, nx = x0 + (x1 - x0) * t, ny = y0 + (y1 - y0) * t + 25 * sin(t * 9);
		double d = seg_dist(x, y, px, py, nx, ny);
		best = d < best ? d : best;
		px = nx, py = ny;
	}
	double c = 2.0 + 0.5 - best;
	return c < 0 ? 0 : c > 1 ? 1 : c;
}

/*
 * Paper tint, the seal multiplied in at (ox, oy) rotated by deg, a dark
 * stroke crossing it, a 3x3 box blur and gaussian noise (sigma 5).
 */
static struct scan make_scan(gxca_ctx *ctx, gxca_image *seal, uint32_t w, uint32_t h,
			     double ox, double oy, double deg, bool red_mark)
{
	struct scan s = {.w = w, .h = h};
	s.stamp = calloc((size_t)w * h, sizeof *s.stamp);
	s.sig = calloc((size_t)w * h, sizeof *s.sig);
	float *rgb = calloc((size_t)w * h * 3, sizeof *rgb);
	double c = cos(deg * M_PI / 180), sn = sin(deg * M_PI / 180);
	double sw = gxca_image_width(seal), sh = gxca_image_height(seal);
	double cx = ox + sw / 2, cy = oy + sh / 2;
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			size_t i = (size_t)y * w + x;
			double dx = x + 0.5 - cx, dy = y + 0.5 - cy; /* inverse rotation */
			double a = seal_alpha(seal, c * dx + sn * dy + sw / 2 - 0.5,
					      -sn * dx + c * dy + sh / 2 - 0.5);
			double k = stroke_cov(x + 0.5, y + 0.5, cx - sw * 0.45, cy + sh * 0.05,
					      cx + sw * 0.4, cy + sh * 0.3);
			s.stamp[i] = (float)a, s.sig[i] = (float)k;
			if (red_mark && x > w - 60 && y < 20) /* red print elsewhere: not the stamp */
				a = 1;
			static const double paper[3] = {243, 236, 220}, red[3] = {0.92, 0.12, 0.16},
					    ink[3] = {0.10, 0.10, 0.16};
			for (int ch = 0; ch < 3; ch++)
				rgb[i * 3 + ch] = (float)(paper[ch] * (1 - a * (1 - red[ch])) *
							  (1 - k * (1 - ink[ch])));
		}
	ck_assert_int_eq(gxca_image_new(&s.img, ctx, w, h, 300), GXCA_OK);
	size_t stride;
	uint8_t *px = gxca_image_pixels(s.img, &stride);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (int ch = 0; ch < 4; ch++) {
				double v = 0;
				int n = 0;
				for (int dy = -1; ch < 3 && dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						int64_t xx = (int64_t)x + dx, yy = (int64_t)y + dy;
						if (xx >= 0 && yy >= 0 && xx < w && yy < h)
							v += rgb[((size_t)yy * w + (size_t)xx) * 3 + ch], n++;
					}
				v = ch < 3 ? v / n + 5 * rng_normal() : 255;
				px[y * stride + x * 4 + ch] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
			}
	free(rgb);
	return s;
}

static void scan_free(struct scan *s)
{
	gxca_image_free(s->img);
	free(s->stamp);
	free(s->sig);
}

/* IoU of (extracted alpha >= 128, placed at its origin) with (truth >= 0.5). */
static double iou(const struct scan *s, gxca_image *ex, const float *truth)
{
	uint64_t inter = 0, uni = 0;
	uint32_t ox = gxca_image_origin_x(ex), oy = gxca_image_origin_y(ex);
	for (uint32_t y = 0; y < s->h; y++)
		for (uint32_t x = 0; x < s->w; x++) {
			bool t = truth[(size_t)y * s->w + x] >= 0.5f;
			bool e = x >= ox && y >= oy && x - ox < gxca_image_width(ex) &&
				 y - oy < gxca_image_height(ex) && px_at(ex, x - ox, y - oy)[3] >= 128;
			inter += t && e;
			uni += t || e;
		}
	return uni ? (double)inter / (double)uni : 0;
}

static gxca_image *test_seal(gxca_ctx *ctx)
{
	gxca_seal_spec *spec = NULL;
	gxca_image *seal = NULL;
	ck_assert_int_eq(gxca_seal_spec_new(&spec, ctx, GXCA_SEAL_ORG_ROUND_42), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_NAME, "南通市国信科技发展有限公司"),
			 GXCA_OK);
	int rc = gxca_seal_render(&seal, spec);
	gxca_seal_spec_free(spec);
	if (rc == GXCA_ESEAL_FONT)
		return NULL; /* no CJK font on this machine */
	ck_assert_int_eq(rc, GXCA_OK);
	return seal;
}

START_TEST(test_extract_degraded)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *seal = test_seal(ctx), *ex = NULL;
	if (!seal) {
		gxca_ctx_free(ctx);
		return;
	}
	double angle = _i == 0 ? 2.5 : -3.0;
	struct scan s = make_scan(ctx, seal, 760, 700, 130, 100, angle, _i == 1);
	/* the stamp, from the whole scan and from a region around it */
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, s.img, 0, 0, 0, 0), GXCA_OK);
	double v = iou(&s, ex, s.stamp);
	ck_assert_msg(v >= 0.9, "stamp IoU %.3f (whole scan, %.1f°)", v, angle);
	ck_assert_uint_eq(gxca_image_dpi(ex), 300);
	ck_assert(gxca_image_width(ex) < 560 && gxca_image_height(ex) < 560);
	const uint8_t *ink = px_at(ex, 0, 0); /* the ink colour everywhere */
	ck_assert(ink[0] > 150 && ink[1] < 90 && ink[2] < 90);
	gxca_image_free(ex);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, s.img, 100, 60, 600, 600), GXCA_OK);
	v = iou(&s, ex, s.stamp);
	ck_assert_msg(v >= 0.9, "stamp IoU %.3f (region)", v);
	gxca_image_free(ex);
	/* the signature crossing it, red dropped */
	ck_assert_int_eq(gxca_image_extract_signature(&ex, s.img, 20, 20, 720, 660), GXCA_OK);
	v = iou(&s, ex, s.sig);
	ck_assert_msg(v >= 0.9, "signature IoU %.3f", v);
	ink = px_at(ex, 0, 0);
	ck_assert(ink[0] < 90 && ink[1] < 90);
	gxca_image_free(ex);
	scan_free(&s);
	gxca_image_free(seal);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_extract_errors)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *paper = NULL, *ex = (gxca_image *)1;
	ck_assert_int_eq(gxca_image_new(&paper, ctx, 300, 200, 300), GXCA_OK);
	size_t stride;
	uint8_t *px = gxca_image_pixels(paper, &stride);
	for (uint32_t i = 0; i < 300 * 200; i++) {
		int n = (int)lround(4 * rng_normal());
		px[i * 4] = (uint8_t)(240 + n), px[i * 4 + 1] = (uint8_t)(235 + n);
		px[i * 4 + 2] = (uint8_t)(225 + n), px[i * 4 + 3] = 255;
	}
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, paper, 0, 0, 0, 0), GXCA_ESEAL_NO_INK);
	ck_assert_ptr_null(ex);
	ck_assert_last_error(ctx, GXCA_ESEAL_NO_INK);
	ck_assert_int_eq(gxca_image_extract_signature(&ex, paper, 0, 0, 0, 0), GXCA_ESEAL_NO_INK);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, paper, 0, 0, 301, 10), GXCA_ERANGE);
	ck_assert_last_error(ctx, GXCA_ERANGE);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, paper, 300, 0, 1, 1), GXCA_ERANGE);
	ck_assert_int_eq(gxca_image_extract_signature(&ex, paper, 10, 190, 10, 11), GXCA_ERANGE);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, paper, 0xffffffffu, 0xffffffffu, 2, 2),
			 GXCA_ERANGE);
	ck_assert_int_eq(gxca_image_extract_stamp(NULL, paper, 0, 0, 0, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, NULL, 0, 0, 0, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_image_extract_signature(&ex, NULL, 0, 0, 0, 0), GXCA_EINVAL);
	/* a transparent (all-zero) image: no ink either, no crash */
	gxca_image *empty = NULL;
	ck_assert_int_eq(gxca_image_new(&empty, ctx, 5, 5, 0), GXCA_OK);
	ck_assert_int_eq(gxca_image_extract_stamp(&ex, empty, 0, 0, 0, 0), GXCA_ESEAL_NO_INK);
	ck_assert_int_eq(gxca_image_extract_signature(&ex, empty, 0, 0, 0, 0), GXCA_ESEAL_NO_INK);
	gxca_image_free(empty);
	gxca_image_free(paper);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_extract_alloc_failures)
{
	gxca_ctx *ctx = test_ctx();
	gxca_image *seal = test_seal(ctx), *ex = NULL;
	if (!seal) {
		gxca_ctx_free(ctx);
		return;
	}
	struct scan s = make_scan(ctx, seal, 560, 560, 30, 30, 2.0, false);
	FOR_EACH_ALLOC_FAILURE(gxca_image_extract_stamp(&ex, s.img, 0, 0, 0, 0), gxca_image_free(ex));
	FOR_EACH_ALLOC_FAILURE(gxca_image_extract_signature(&ex, s.img, 0, 0, 0, 0),
			       gxca_image_free(ex));
	scan_free(&s);
	gxca_image_free(seal);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("object");
	tcase_add_test(tc, test_image_new_and_getters);
	suite_add_tcase(s, tc);
	tc = tcase_create("png");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_png_roundtrip);
	tcase_add_test(tc, test_png_null_and_garbage);
	tcase_add_test(tc, test_png_truncated_and_corrupt);
	tcase_add_test(tc, test_png_lying_sizes);
	tcase_add_test(tc, test_png_ztxt_bomb);
	tcase_add_test(tc, test_png_every_format);
	tcase_add_test(tc, test_png_alloc_failures);
	suite_add_tcase(s, tc);
	tc = tcase_create("extract");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_extract_degraded, 0, 2);
	tcase_add_test(tc, test_extract_errors);
	tcase_add_test(tc, test_extract_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(image_suite)
