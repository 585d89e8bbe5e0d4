/*
 * tests/unit/test-seal.c — seal rendering: presets against golden images
 * (tests/data/seal/, compared by pixels), geometry measured on the pixels
 * (ring width, star centre and area, glyph spacing and orientation), the 印
 * rules, determinism, bad input and allocation failures.
 *
 * The tests need the default font (Noto Serif CJK SC, Debian fonts-noto-cjk);
 * without it the rendering tests return early. Regenerate the golden images
 * with GXCA_UPDATE_GOLDEN=1 ./tests/unit/test-seal, then LOOK at them.
 */
#include "common.h"

/* fontconfig 2.14 leaks a little while parsing the system configuration
 * (FcInitLoadConfigAndFonts, not our call stack): tell LeakSanitizer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>

#define GOLDEN_DIR TEST_SRCDIR "/tests/data/seal/"
#define NAME13 "南通市国信科技发展有限公司"
#define SC_BOLD "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
#define SANS_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

struct seal_case {
	const char *file;
	int preset;
	const char *name, *line, *code, *tax, *serial;
	uint32_t dpi;
};

static const struct seal_case cases[] = {
	{"org42.png", GXCA_SEAL_ORG_ROUND_42, NAME13, NULL, "3206020012345", NULL, NULL, 300},
	{"org42-600dpi.png", GXCA_SEAL_ORG_ROUND_42, NAME13, NULL, NULL, NULL, NULL, 600},
	{"org40-long.png", GXCA_SEAL_ORG_ROUND_40, "江苏国信数字证书认证有限责任公司南通分公司", NULL,
	 NULL, NULL, NULL, 300},
	{"org38.png", GXCA_SEAL_ORG_ROUND_38, "南通某某建材经营部", NULL, NULL, NULL, NULL, 300},
	{"special40.png", GXCA_SEAL_SPECIAL_ROUND_40, NAME13, NULL, NULL, NULL, NULL, 300},
	{"special38.png", GXCA_SEAL_SPECIAL_ROUND_38, "南通某某建材有限公司", "财务专用章", NULL,
	 NULL, NULL, 300},
	{"invoice.png", GXCA_SEAL_INVOICE_OVAL_40X30, NAME13, NULL, NULL, "91320600MA1XYZ1234", "(1)",
	 300},
	{"person2.png", GXCA_SEAL_PERSON_SQUARE_20, "张三", NULL, NULL, NULL, NULL, 300},
	{"person3.png", GXCA_SEAL_PERSON_SQUARE_20, "王小明", NULL, NULL, NULL, NULL, 300},
	{"person4.png", GXCA_SEAL_PERSON_SQUARE_20, "欧阳小明", NULL, NULL, NULL, NULL, 300},
};

static bool have_font(void)
{
	struct stat st;
	return stat(SC_BOLD, &st) == 0;
}

static gxca_seal_spec *spec_for(gxca_ctx *ctx, int preset, const char *name)
{
	gxca_seal_spec *s = NULL;
	ck_assert_int_eq(gxca_seal_spec_new(&s, ctx, preset), GXCA_OK);
	if (name)
		ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, name), GXCA_OK);
	return s;
}

static gxca_image *render_ok(gxca_seal_spec *s, gxca_ctx *ctx)
{
	gxca_image *img = NULL;
	int rc = gxca_seal_render(&img, s);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_msg(rc == GXCA_OK, "render: %s %s [%s] %s", gxca_error_name_of(rc),
		      gxca_error_message_lang(e, GXCA_LANG_EN), gxca_error_field(e), gxca_error_detail(e));
	return img;
}

static gxca_image *render_case(gxca_ctx *ctx, const struct seal_case *c)
{
	gxca_seal_spec *s = spec_for(ctx, c->preset, c->name);
	const struct {
		int field;
		const char *text;
	} t[] = {{GXCA_SEAL_TEXT_LINE, c->line}, {GXCA_SEAL_TEXT_CODE, c->code},
		 {GXCA_SEAL_TEXT_TAX_ID, c->tax}, {GXCA_SEAL_TEXT_SERIAL, c->serial}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].text)
			ck_assert_int_eq(gxca_seal_spec_set_text(s, t[i].field, t[i].text), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, c->dpi), GXCA_OK);
	gxca_image *img = render_ok(s, ctx);
	gxca_seal_spec_free(s);
	return img;
}

static const uint8_t *px_at(gxca_image *img, uint32_t x, uint32_t y)
{
	size_t stride;
	const uint8_t *px = gxca_image_pixels(img, &stride); /* before stride is read */
	return px + y * stride + x * 4;
}

static void write_golden(gxca_image *img, const char *path)
{
	uint8_t *png = NULL;
	size_t len = 0;
	ck_assert_int_eq(gxca_image_to_png(img, &png, &len), GXCA_OK);
	mkdir(GOLDEN_DIR, 0755);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(png, 1, len, f), len);
	fclose(f);
	gxca_free(png);
}

/* Golden comparison: at most 0.5% of the pixels differ by more than 8 levels. */
START_TEST(test_golden)
{
	if (!have_font())
		return;
	const struct seal_case *c = &cases[_i];
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = render_case(ctx, c), *gold = NULL;
	char path[512];
	snprintf(path, sizeof path, GOLDEN_DIR "%s", c->file);
	if (getenv("GXCA_UPDATE_GOLDEN"))
		write_golden(img, path);
	size_t len = 0;
	char *png = test_read_file(path, &len);
	ck_assert_int_eq(gxca_image_from_png(&gold, ctx, (const uint8_t *)png, len), GXCA_OK);
	ck_assert_uint_eq(gxca_image_width(gold), gxca_image_width(img));
	ck_assert_uint_eq(gxca_image_height(gold), gxca_image_height(img));
	ck_assert_uint_eq(gxca_image_dpi(gold), c->dpi);
	size_t differ = 0, total = (size_t)gxca_image_width(img) * gxca_image_height(img);
	for (uint32_t y = 0; y < gxca_image_height(img); y++)
		for (uint32_t x = 0; x < gxca_image_width(img); x++) {
			const uint8_t *a = px_at(img, x, y), *b = px_at(gold, x, y);
			for (int ch = 0; ch < 4; ch++)
				if (abs(a[ch] - b[ch]) > 8) {
					differ++;
					break;
				}
		}
	ck_assert_msg(differ * 200 <= total, "%s: %zu of %zu pixels differ", c->file, differ, total);
	free(png);
	gxca_image_free(gold);
	gxca_image_free(img);
	gxca_ctx_free(ctx);
}
END_TEST

/* round(mm * dpi / 25.4) pixels, dpi kept, transparent corners, red ink */
START_TEST(test_sizes)
{
	if (!have_font())
		return;
	static const struct {
		int preset;
		uint32_t dpi, w, h;
	} t[] = {{GXCA_SEAL_ORG_ROUND_42, 300, 496, 496},   {GXCA_SEAL_ORG_ROUND_42, 600, 992, 992},
		 {GXCA_SEAL_ORG_ROUND_40, 300, 472, 472},   {GXCA_SEAL_ORG_ROUND_38, 300, 449, 449},
		 {GXCA_SEAL_INVOICE_OVAL_40X30, 300, 472, 354},
		 {GXCA_SEAL_PERSON_SQUARE_20, 300, 236, 236}, {GXCA_SEAL_ORG_ROUND_42, 72, 119, 119},
		 {GXCA_SEAL_PERSON_SQUARE_20, 1200, 945, 945}};
	gxca_ctx *ctx = test_ctx();
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool person = t[i].preset == GXCA_SEAL_PERSON_SQUARE_20;
		gxca_seal_spec *s = spec_for(ctx, t[i].preset, person ? "王小明" : "南通市某某有限公司");
		if (t[i].preset == GXCA_SEAL_INVOICE_OVAL_40X30)
			ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_TAX_ID, "913206001234567890"),
					 GXCA_OK);
		ck_assert_int_eq(gxca_seal_spec_set_dpi(s, t[i].dpi), GXCA_OK);
		gxca_image *img = render_ok(s, ctx);
		ck_assert_uint_eq(gxca_image_width(img), t[i].w);
		ck_assert_uint_eq(gxca_image_height(img), t[i].h);
		ck_assert_uint_eq(gxca_image_dpi(img), t[i].dpi);
		const uint8_t *corner = px_at(img, 0, 0);
		ck_assert(person ? corner[3] > 200 : corner[3] == 0); /* the square's border */
		ck_assert(corner[0] == 255 && corner[1] == 0 && corner[2] == 0);
		gxca_image_free(img);
		gxca_seal_spec_free(s);
	}
	gxca_ctx_free(ctx);
}
END_TEST

/* Sum of coverage (in pixels) of the column through the centre, below r0 mm. */
static double column_ink(gxca_image *img, double r0_mm, double k)
{
	uint32_t x = gxca_image_width(img) / 2;
	double sum = 0;
	for (uint32_t y = (uint32_t)(gxca_image_height(img) / 2.0 + r0_mm * k); y < gxca_image_height(img); y++)
		sum += px_at(img, x, y)[3] / 255.0;
	return sum;
}

/* The border is 1.2 mm wide and the star has the area and centre it should:
 * antialiasing is exact, not approximate. */
START_TEST(test_geometry)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_ORG_ROUND_42, NAME13);
	gxca_image *img = render_ok(s, ctx);
	double k = 300 / 25.4;
	double ring = column_ink(img, 15, k);
	ck_assert_msg(fabs(ring - 1.2 * k) < 0.3, "ring %.3f px, want %.3f", ring, 1.2 * k);
	/* star: everything within 8 mm of the centre */
	double cx = 248, cy = 248, m = 0, mx = 0, my = 0;
	for (uint32_t y = 0; y < 496; y++)
		for (uint32_t x = 0; x < 496; x++) {
			double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
			if (hypot(dx, dy) > 8 * k)
				continue;
			double a = px_at(img, x, y)[3] / 255.0;
			m += a, mx += a * dx, my += a * dy;
		}
	double R = 7 * k, r = R * sin(M_PI / 10) / cos(M_PI / 5);
	double area = 5 * R * r * sin(M_PI / 5);
	ck_assert_msg(fabs(m - area) < 0.002 * area, "star area %.1f, want %.1f", m, area);
	ck_assert_msg(fabs(mx / m) < 0.05 && fabs(my / m) < 0.05, "star centroid off by %.3f,%.3f",
		      mx / m, my / m);
	gxca_image_free(img);
	/* no border, no star: nothing below the text */
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_BORDER, 0), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_STAR, 0), GXCA_OK);
	img = render_ok(s, ctx);
	ck_assert(column_ink(img, 0, k) == 0);
	gxca_image_free(img);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

/* Angular clusters of ink in the name band: mean angle and mean radius. */
struct cluster {
	double angle, radius;
};

static int name_clusters(gxca_image *img, double r0, double r1, struct cluster *out, int max)
{
	enum { BINS = 360 }; /* 1° is at least 2.5 px in the band: no empty bin inside a glyph */
	static double mass[BINS], rad[BINS];
	memset(mass, 0, sizeof mass), memset(rad, 0, sizeof rad);
	double c = gxca_image_width(img) / 2.0;
	for (uint32_t y = 0; y < gxca_image_height(img); y++)
		for (uint32_t x = 0; x < gxca_image_width(img); x++) {
			double dx = x + 0.5 - c, dy = c - (y + 0.5), rr = hypot(dx, dy);
			double a = px_at(img, x, y)[3];
			if (rr < r0 || rr > r1 || !a)
				continue;
			double deg = fmod(atan2(dy, dx) * 180 / M_PI + 360 + 90, 360); /* 0 at the bottom */
			int b = (int)(deg * BINS / 360) % BINS;
			mass[b] += a, rad[b] += a * rr;
		}
	int n = 0;
	for (int b = 0; b < BINS; b++) {
		if (!mass[b] || (b && mass[b - 1]))
			continue;
		double m = 0, ma = 0, mr = 0;
		for (int e = b; e < BINS && mass[e]; e++)
			m += mass[e], ma += mass[e] * (e + 0.5) * 360 / BINS, mr += rad[e];
		ck_assert_int_lt(n, max);
		out[n].angle = ma / m - 90, out[n].radius = mr / m;
		n++;
	}
	return n;
}

/* Glyphs spread at equal angles, centred on the top (田 is symmetric), and
 * upright from the centre (上 has its weight towards the centre, 下 away). */
START_TEST(test_arc_layout)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	struct cluster c[3][16];
	const char *names[3] = {"田田田田田田田田田", "上上上上上上上上上", "下下下下下下下下下"};
	double k = 300 / 25.4;
	for (int v = 0; v < 3; v++) {
		gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_ORG_ROUND_42, names[v]);
		gxca_image *img = render_ok(s, ctx);
		ck_assert_int_eq(name_clusters(img, 12.5 * k, 19.4 * k, c[v], 16), 9);
		gxca_image_free(img);
		gxca_seal_spec_free(s);
	}
	double span = fmin(270, 150 + 15 * 9), pitch = span / 9;
	for (int i = 0; i < 9; i++) { /* counter-clockwise from the right end */
		double want = 90 - span / 2 + pitch * (i + 0.5);
		ck_assert_msg(fabs(c[0][i].angle - want) < 0.5, "glyph %d at %.2f°, want %.2f°", i,
			      c[0][i].angle, want);
		ck_assert_msg(c[1][i].radius + 0.3 * k < c[2][i].radius,
			      "glyph %d not upright: 上 %.1f px, 下 %.1f px", i, c[1][i].radius,
			      c[2][i].radius);
	}
	gxca_ctx_free(ctx);
}
END_TEST

static void ck_same_pixels(gxca_image *a, gxca_image *b)
{
	size_t sa, sb;
	ck_assert_uint_eq(gxca_image_width(a), gxca_image_width(b));
	ck_assert_uint_eq(gxca_image_height(a), gxca_image_height(b));
	const uint8_t *pa = gxca_image_pixels(a, &sa), *pb = gxca_image_pixels(b, &sb);
	ck_assert(memcmp(pa, pb, sa * gxca_image_height(a)) == 0);
}

static gxca_image *render_square(gxca_ctx *ctx, const char *name, double yin)
{
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_PERSON_SQUARE_20, name);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_YIN, yin), GXCA_OK);
	gxca_image *img = render_ok(s, ctx);
	gxca_seal_spec_free(s);
	return img;
}

/* 印 rules: 2 characters get 之印, 3 get 印, text ending in 印 is kept. */
START_TEST(test_yin_rules)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	static const char *const pairs[][2] = {
		{"张三", "张三之印"}, {"王小明", "王小明印"}, {"欧阳小明", "欧阳小明"}, {"张三印", "张三印"}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		gxca_image *a = render_square(ctx, pairs[i][0], 1), *b = render_square(ctx, pairs[i][1], 0);
		ck_same_pixels(a, b);
		gxca_image_free(a);
		gxca_image_free(b);
	}
	gxca_image *a = render_square(ctx, "张三", 0), *b = render_square(ctx, "张三", 1);
	size_t st;
	const uint8_t *pa = gxca_image_pixels(a, &st);
	ck_assert(memcmp(pa, gxca_image_pixels(b, NULL), st * 236) != 0);
	gxca_image_free(a);
	gxca_image_free(b);
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_PERSON_SQUARE_20, "张");
	gxca_image *img = NULL;
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_LAYOUT);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "诸葛孔明先生"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_LAYOUT);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "张三"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_LINE, "法人章"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "line");
	ck_assert_ptr_null(img);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

struct thread_job {
	const struct seal_case *c;
	gxca_image *img;
};

static void *render_thread(void *arg)
{
	struct thread_job *j = arg;
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) == GXCA_OK)
		j->img = render_case(ctx, j->c); /* the image keeps ctx: freed by the caller */
	return ctx;
}

/* Same spec, same pixels: twice in a row, and on two threads at once. */
START_TEST(test_deterministic)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_image *a = render_case(ctx, &cases[6]), *b = render_case(ctx, &cases[6]);
	ck_same_pixels(a, b);
	uint8_t *pa = NULL, *pb = NULL;
	size_t la, lb;
	ck_assert_int_eq(gxca_image_to_png(a, &pa, &la), GXCA_OK);
	ck_assert_int_eq(gxca_image_to_png(b, &pb, &lb), GXCA_OK);
	ck_assert(la == lb && memcmp(pa, pb, la) == 0);
	gxca_free(pa);
	gxca_free(pb);
	pthread_t t[2];
	struct thread_job jobs[2] = {{&cases[6], NULL}, {&cases[6], NULL}};
	void *tctx[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, render_thread, &jobs[i]), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &tctx[i]), 0);
		ck_assert_ptr_nonnull(jobs[i].img);
		ck_same_pixels(a, jobs[i].img);
	}
	for (int i = 0; i < 2; i++) {
		gxca_image_free(jobs[i].img);
		gxca_ctx_free(tctx[i]);
	}
	gxca_image_free(a);
	gxca_image_free(b);
	gxca_ctx_free(ctx);
}
END_TEST

/* Colour, opacity and fonts are the caller's to choose. */
START_TEST(test_colour_and_fonts)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_INVOICE_OVAL_40X30, NAME13);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_TAX_ID, "91320600MA1XYZ1234"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_color(s, 0xe6, 0x00, 0x12, 200), GXCA_OK);
	gxca_image *img = render_ok(s, ctx);
	uint8_t max = 0;
	for (uint32_t y = 0; y < gxca_image_height(img); y++)
		for (uint32_t x = 0; x < gxca_image_width(img); x++) {
			const uint8_t *p = px_at(img, x, y);
			ck_assert(p[0] == 0xe6 && p[1] == 0 && p[2] == 0x12);
			max = p[3] > max ? p[3] : max;
		}
	ck_assert_uint_eq(max, 200);
	/* another digits font: the tax number changes, the name does not fail */
	struct stat st;
	if (stat(SANS_REGULAR, &st) == 0) {
		ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_DIGITS, SANS_REGULAR, 2), GXCA_OK);
		gxca_image *sans = render_ok(s, ctx);
		size_t stride;
		const uint8_t *pi = gxca_image_pixels(img, &stride);
		ck_assert(memcmp(pi, gxca_image_pixels(sans, NULL), stride * gxca_image_height(img)) != 0);
		gxca_image_free(sans);
	}
	/* explicit text font = the default one: same pixels as the default */
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_DIGITS, NULL, 0), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, SC_BOLD, 2), GXCA_OK);
	gxca_image *same = render_ok(s, ctx);
	ck_same_pixels(img, same);
	gxca_image_free(same);
	/* broken fonts */
	gxca_image *none = NULL;
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, SC_BOLD, 99), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&none, s), GXCA_ESEAL_FONT);
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, "/nonexistent/font.ttc", 0), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&none, s), GXCA_ESEAL_FONT);
	ck_assert_ptr_nonnull(strstr(gxca_error_detail(gxca_ctx_last_error(ctx)), "/nonexistent"));
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, GOLDEN_DIR "org42.png", 0), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&none, s), GXCA_ESEAL_FONT);
	ck_assert_ptr_null(none);
	ck_assert_int_eq(gxca_seal_spec_set_font(s, 7, SC_BOLD, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, SC_BOLD, -1), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_font(s, GXCA_SEAL_FONT_TEXT, "", 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_font(NULL, GXCA_SEAL_FONT_TEXT, SC_BOLD, 0), GXCA_EINVAL);
	gxca_image_free(img);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

/* A character the font lacks is an error naming it, never a blank box. */
START_TEST(test_missing_glyph)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_ORG_ROUND_40, "南通😀有限公司");
	gxca_image *img = NULL;
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_GLYPH_MISSING);
	const gxca_error *e = gxca_ctx_last_error(ctx);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "U+1F600 \"😀\""));
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_ZH), "U+1F600"));
	ck_assert_str_eq(gxca_error_field(e), "name");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "南通有限公司"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_LINE, "\xee\x80\x80"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_GLYPH_MISSING);
	ck_assert_ptr_nonnull(strstr(gxca_error_message_lang(e, GXCA_LANG_EN), "U+E000"));
	ck_assert_str_eq(gxca_error_field(e), "line");
	ck_assert_ptr_null(img);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

/* Texts and parameters: NULL, empty, control characters, bad UTF-8, too long,
 * out of range, huge; layouts that cannot fit. */
START_TEST(test_bad_input)
{
	gxca_ctx *ctx = test_ctx();
	gxca_seal_spec *s = NULL;
	gxca_image *img = NULL;
	double v = -1;
	ck_assert_int_eq(gxca_seal_spec_new(NULL, ctx, GXCA_SEAL_ORG_ROUND_42), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_new(&s, NULL, GXCA_SEAL_ORG_ROUND_42), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_new(&s, ctx, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_new(&s, ctx, 99), GXCA_EINVAL);
	ck_assert_ptr_null(s);
	s = spec_for(ctx, GXCA_SEAL_ORG_ROUND_42, NULL);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL); /* no name */
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "name");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, ""), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "南通\n公司"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "\xe5\x8d"), GXCA_EENCODING);
	char big[400];
	memset(big, 'A', sizeof big - 1), big[sizeof big - 1] = '\0';
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, big), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, 0, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, 6, "x"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_text(NULL, GXCA_SEAL_TEXT_NAME, "x"), GXCA_EINVAL);
	ck_assert_ptr_null(gxca_seal_spec_text(s, GXCA_SEAL_TEXT_NAME));
	ck_assert_ptr_null(gxca_seal_spec_text(NULL, GXCA_SEAL_TEXT_NAME));
	ck_assert_ptr_null(gxca_seal_spec_text(s, 42));
	/* parameters */
	ck_assert_int_eq(gxca_seal_spec_set_param(s, 0, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, 99, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, NAN), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, INFINITY), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, -40), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, 1e9), GXCA_ETOOBIG);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_NAME_SCALE, 0.1), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_BORDER, -1), GXCA_ERANGE);
	ck_assert_last_error(ctx, GXCA_ERANGE);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "border");
	ck_assert_int_eq(gxca_seal_spec_param(s, GXCA_SEAL_P_WIDTH, &v), GXCA_OK);
	ck_assert(v == 42);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, 50), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_param(s, GXCA_SEAL_P_HEIGHT, &v), GXCA_OK);
	ck_assert(v == 50); /* a round seal stays round */
	ck_assert_int_eq(gxca_seal_spec_param(s, 0, &v), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_param(s, GXCA_SEAL_P_WIDTH, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_param(NULL, GXCA_SEAL_P_WIDTH, &v), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_param(NULL, GXCA_SEAL_P_WIDTH, 40), GXCA_EINVAL);
	/* dpi */
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, 71), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, 1201), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, 0), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(NULL, 300), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_color(NULL, 1, 2, 3, 4), GXCA_EINVAL);
	/* render */
	ck_assert_int_eq(gxca_seal_render(NULL, s), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_render(&img, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_preset(s), GXCA_SEAL_ORG_ROUND_42);
	ck_assert_int_eq(gxca_seal_spec_preset(NULL), 0);
	gxca_seal_spec_free(s);
	gxca_seal_spec_free(NULL);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_layouts)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_image *img = NULL;
	char longname[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(longname, "国");
	gxca_seal_spec *s = spec_for(ctx, GXCA_SEAL_ORG_ROUND_42, longname);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_LAYOUT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "name");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, NAME13), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_BORDER, 12), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_BORDER, 1), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_STAR, 45), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ERANGE);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_STAR, 14), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_NAME_SIZE, 25), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_LAYOUT);
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_NAME_SIZE, 0), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_LINE, "这是一行放不下的很长很长的横排文字"),
			 GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ESEAL_LAYOUT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "line");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_LINE, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_CODE, "32060200123-45"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "code");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_CODE, NULL), GXCA_OK);
	/* 200 mm at 1200 dpi is 9449 x 9449 pixels: too many */
	ck_assert_int_eq(gxca_seal_spec_set_param(s, GXCA_SEAL_P_WIDTH, 200), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, 1200), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_ETOOBIG);
	ck_assert_ptr_null(img);
	gxca_seal_spec_free(s);
	/* the invoice needs a valid tax number */
	s = spec_for(ctx, GXCA_SEAL_INVOICE_OVAL_40X30, NAME13);
	ck_assert_str_eq(gxca_seal_spec_text(s, GXCA_SEAL_TEXT_LINE), "发票专用章");
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(ctx)), "tax_id");
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_TAX_ID, "123"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_TAX_ID, "91320600ma1xyz1234"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_render(&img, s), GXCA_EINVAL);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_preset_names)
{
	for (int p = GXCA_SEAL_ORG_ROUND_42; p <= GXCA_SEAL_PERSON_SQUARE_20; p++) {
		const char *n = gxca_seal_preset_name(p);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(gxca_seal_preset_from_name(n), p);
	}
	ck_assert_int_eq(gxca_seal_preset_from_name("org_round_42"), GXCA_SEAL_ORG_ROUND_42);
	ck_assert_ptr_null(gxca_seal_preset_name(0));
	ck_assert_ptr_null(gxca_seal_preset_name(8));
	ck_assert_int_eq(gxca_seal_preset_from_name("ROUND"), 0);
	ck_assert_int_eq(gxca_seal_preset_from_name(NULL), 0);
}
END_TEST

/* Every allocation of a cold render (spec, FreeType library, face, glyphs,
 * image) failing in turn gives GXCA_ENOMEM and leaks nothing. */
START_TEST(test_alloc_failures)
{
	if (!have_font())
		return;
	gxca_ctx *ctx = test_ctx();
	gxca_seal_spec *s = NULL;
	gxca_image *img = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_seal_spec_new(&s, ctx, GXCA_SEAL_SPECIAL_ROUND_38), (void)0);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "南通某某公司"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_CODE, "3206020012345"), GXCA_OK);
	ck_assert_int_eq(gxca_seal_spec_set_dpi(s, 72), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_seal_render(&img, s), gxca_image_free(img));
	FOR_EACH_ALLOC_FAILURE(gxca_seal_spec_set_text(s, GXCA_SEAL_TEXT_NAME, "南通某某公司"), (void)0);
	gxca_seal_spec_free(s);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("render");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_golden, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_geometry);
	tcase_add_test(tc, test_arc_layout);
	tcase_add_test(tc, test_yin_rules);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_colour_and_fonts);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_missing_glyph);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_bad_layouts);
	tcase_add_test(tc, test_preset_names);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(seal_suite)
