/*
 * lib/seal.c — seal images rendered with FreeType only (research/seal-render.md
 * §3): glyph outlines and home-made outlines (rings, ellipses, the star) go
 * through FT_Outline_Render with a direct gray-span callback, which gives
 * exact-area antialiasing into the image's alpha channel. Overlaps are
 * unioned (a + (255 - a) c / 255) so they never darken.
 *
 * Geometry is in millimetres, y up, origin at the seal centre; it becomes
 * pixels (26.6) only when a point is emitted. Glyphs are loaded unscaled
 * (font units, no hinting, no bitmaps) and placed by an affine map computed
 * in double, so rotated text is as exact as upright text.
 */
#include "gxca-private.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_BBOX_H
#include FT_MODULE_H
#include FT_OUTLINE_H
#include FT_TRUETYPE_TABLES_H
#include <fontconfig/fontconfig.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum shape { SHAPE_ROUND = 1, SHAPE_OVAL = 2, SHAPE_SQUARE = 3 };

#define NPARAM 25
#define NTEXT 5
#define MAX_TEXT 256          /* bytes per text field */
#define MAX_MM 200.0
#define DEFAULT_FAMILY "Noto Serif CJK SC"
#define SCALE_AUTO_MAX 0.8    /* preferred compression of arc text */
#define SCALE_MIN 0.3

struct face_slot {
	char *path;   /* the caller's font file; NULL = the default */
	int index;
	FT_Face face; /* cached; NULL until needed */
};

struct gxca_seal_spec {
	gxca_ctx *ctx;
	int preset, shape;
	double span_min, span_max; /* bounds of the automatic name span */
	double p[NPARAM + 1];
	char *text[NTEXT + 1];
	uint32_t dpi;
	uint8_t ink[4];
	struct face_slot font[3]; /* [GXCA_SEAL_FONT_TEXT], [GXCA_SEAL_FONT_DIGITS] */
	struct FT_MemoryRec_ ftmem;
	FT_Library ft;
	bool ft_oom; /* an allocation by FreeType failed */
};

/* ---- presets and parameters --------------------------------------------- */

static const char *const preset_names[] = {
	NULL, "ORG_ROUND_42", "ORG_ROUND_40", "ORG_ROUND_38", "SPECIAL_ROUND_40",
	"SPECIAL_ROUND_38", "INVOICE_OVAL_40X30", "PERSON_SQUARE_20",
};

const char *gxca_seal_preset_name(int preset)
{
	return preset > 0 && (size_t)preset < GXCA_ARRAY_LEN(preset_names) ? preset_names[preset] : NULL;
}

int gxca_seal_preset_from_name(const char *name)
{
	for (size_t i = 1; name && i < GXCA_ARRAY_LEN(preset_names); i++)
		if (strcasecmp(preset_names[i], name) == 0)
			return (int)i;
	return 0;
}

/* Range of each parameter; auto: 0 is also accepted (meaning "choose"). */
static const struct {
	const char *name;
	double min, max;
	bool autozero;
} params[NPARAM + 1] = {
	[GXCA_SEAL_P_WIDTH] = {"width", 5, MAX_MM, false},
	[GXCA_SEAL_P_HEIGHT] = {"height", 5, MAX_MM, false},
	[GXCA_SEAL_P_BORDER] = {"border", 0, 20, false},
	[GXCA_SEAL_P_STAR] = {"star", 0, MAX_MM, false},
	[GXCA_SEAL_P_STAR_Y] = {"star_y", -100, 100, false},
	[GXCA_SEAL_P_NAME_SIZE] = {"name_size", 0.5, 50, true},
	[GXCA_SEAL_P_NAME_SCALE] = {"name_scale", SCALE_MIN, 1.5, true},
	[GXCA_SEAL_P_NAME_GAP] = {"name_gap", 0, 20, false},
	[GXCA_SEAL_P_NAME_SPAN] = {"name_span", 10, 330, true},
	[GXCA_SEAL_P_LINE_SIZE] = {"line_size", 0.5, 50, false},
	[GXCA_SEAL_P_LINE_SCALE] = {"line_scale", SCALE_MIN, 1.5, false},
	[GXCA_SEAL_P_LINE_Y] = {"line_y", -100, 100, false},
	[GXCA_SEAL_P_LINE_WIDTH] = {"line_width", 1, MAX_MM, true},
	[GXCA_SEAL_P_CODE_SIZE] = {"code_size", 0.5, 20, false},
	[GXCA_SEAL_P_CODE_SCALE] = {"code_scale", SCALE_MIN, 1.5, false},
	[GXCA_SEAL_P_CODE_GAP] = {"code_gap", 0, 20, false},
	[GXCA_SEAL_P_CODE_SPAN] = {"code_span", 5, 180, true},
	[GXCA_SEAL_P_TAX_HEIGHT] = {"tax_height", 0.5, 30, false},
	[GXCA_SEAL_P_TAX_DIGIT_WIDTH] = {"tax_digit_width", 0.2, 30, false},
	[GXCA_SEAL_P_TAX_WIDTH] = {"tax_width", 1, MAX_MM, false},
	[GXCA_SEAL_P_TAX_Y] = {"tax_y", -100, 100, false},
	[GXCA_SEAL_P_SERIAL_SIZE] = {"serial_size", 0.5, 30, false},
	[GXCA_SEAL_P_SERIAL_Y] = {"serial_y", -100, 100, false},
	[GXCA_SEAL_P_EMBOLDEN] = {"embolden", 0, 10, false},
	[GXCA_SEAL_P_YIN] = {"yin", 0, 1, false},
};

static const char *const text_names[NTEXT + 1] = {NULL, "name", "line", "code", "tax_id", "serial"};

static void set_common_defaults(gxca_seal_spec *s)
{
	double *p = s->p;
	p[GXCA_SEAL_P_NAME_GAP] = 0.7;
	p[GXCA_SEAL_P_LINE_SIZE] = 4.2;
	p[GXCA_SEAL_P_LINE_SCALE] = 0.65;
	p[GXCA_SEAL_P_LINE_Y] = 4.5;
	p[GXCA_SEAL_P_CODE_SIZE] = 1.6;
	p[GXCA_SEAL_P_CODE_SCALE] = 1.0;
	p[GXCA_SEAL_P_CODE_GAP] = 0.5;
	/* 税总公告2011年第7号: 18 digits 3.7 x 1.3 mm over 26 mm; (1) 2.2 mm, 10 mm down. */
	p[GXCA_SEAL_P_TAX_HEIGHT] = 3.7;
	p[GXCA_SEAL_P_TAX_DIGIT_WIDTH] = 1.3;
	p[GXCA_SEAL_P_TAX_WIDTH] = 26;
	p[GXCA_SEAL_P_SERIAL_SIZE] = 2.2;
	p[GXCA_SEAL_P_SERIAL_Y] = 10;
	p[GXCA_SEAL_P_YIN] = 1;
	s->span_min = 0;
	s->span_max = 270;
}

/* research/seal-render.md §1.2; false for an unknown preset. */
static bool set_preset(gxca_seal_spec *s, int preset)
{
	static const struct {
		int shape;
		double w, h, border, star, star_y;
	} t[] = {
		[GXCA_SEAL_ORG_ROUND_42] = {SHAPE_ROUND, 42, 42, 1.2, 14, 0},
		[GXCA_SEAL_ORG_ROUND_40] = {SHAPE_ROUND, 40, 40, 1.0, 14, 0},
		[GXCA_SEAL_ORG_ROUND_38] = {SHAPE_ROUND, 38, 38, 1.0, 14, 0},
		[GXCA_SEAL_SPECIAL_ROUND_40] = {SHAPE_ROUND, 40, 40, 1.0, 12, 1.5},
		[GXCA_SEAL_SPECIAL_ROUND_38] = {SHAPE_ROUND, 38, 38, 1.0, 11, 1.5},
		[GXCA_SEAL_INVOICE_OVAL_40X30] = {SHAPE_OVAL, 40, 30, 1.0, 0, 0},
		[GXCA_SEAL_PERSON_SQUARE_20] = {SHAPE_SQUARE, 20, 20, 1.0, 0, 0},
	};
	if (!gxca_seal_preset_name(preset))
		return false;
	set_common_defaults(s);
	s->preset = preset;
	s->shape = t[preset].shape;
	s->p[GXCA_SEAL_P_WIDTH] = t[preset].w;
	s->p[GXCA_SEAL_P_HEIGHT] = t[preset].h;
	s->p[GXCA_SEAL_P_BORDER] = t[preset].border;
	s->p[GXCA_SEAL_P_STAR] = t[preset].star;
	s->p[GXCA_SEAL_P_STAR_Y] = t[preset].star_y;
	if (preset == GXCA_SEAL_SPECIAL_ROUND_40 || preset == GXCA_SEAL_SPECIAL_ROUND_38)
		s->span_max = 240; /* keep the arc clear of the line text */
	if (preset == GXCA_SEAL_SPECIAL_ROUND_38)
		s->p[GXCA_SEAL_P_LINE_SIZE] = 4.0;
	if (preset == GXCA_SEAL_INVOICE_OVAL_40X30) {
		s->p[GXCA_SEAL_P_NAME_SIZE] = 4.2;
		s->p[GXCA_SEAL_P_NAME_GAP] = 0.5;
		s->p[GXCA_SEAL_P_LINE_SIZE] = 4.6;
		s->p[GXCA_SEAL_P_LINE_SCALE] = 3.0 / 4.6;
		s->p[GXCA_SEAL_P_LINE_Y] = 4.2;
		s->span_min = 210;
		s->span_max = 260;
	}
	return true;
}

/* FreeType allocates through gxca__malloc (so tests can fail it) and we
 * note a failure: FT_Add_Default_Modules cannot report one. */
static void *ft_alloc(FT_Memory m, long n)
{
	void *p = gxca__malloc((size_t)n);
	if (!p)
		((gxca_seal_spec *)m->user)->ft_oom = true;
	return p;
}

static void ft_free(FT_Memory m, void *p)
{
	(void)m;
	gxca__free(p);
}

static void *ft_realloc(FT_Memory m, long cur, long n, void *p)
{
	(void)cur;
	void *q = gxca__realloc(p, (size_t)n);
	if (!q)
		((gxca_seal_spec *)m->user)->ft_oom = true;
	return q;
}

int gxca_seal_spec_new(gxca_seal_spec **out, gxca_ctx *ctx, int preset)
{
	if (!out || !ctx)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	gxca_seal_spec *s = gxca__calloc(1, sizeof *s);
	if (!s)
		return gxca__oom(ctx);
	if (!set_preset(s, preset)) {
		gxca__free(s);
		return gxca__failf(ctx, GXCA_EINVAL, "preset", "未知印章预设 %d",
				   "unknown seal preset %d", preset);
	}
	static const char *const line[] = {
		[GXCA_SEAL_SPECIAL_ROUND_40] = "合同专用章",
		[GXCA_SEAL_SPECIAL_ROUND_38] = "合同专用章",
		[GXCA_SEAL_INVOICE_OVAL_40X30] = "发票专用章",
	};
	if ((size_t)preset < GXCA_ARRAY_LEN(line) && line[preset] &&
	    !(s->text[GXCA_SEAL_TEXT_LINE] = gxca__strdup(line[preset]))) {
		gxca__free(s);
		return gxca__oom(ctx);
	}
	s->ctx = ctx;
	s->dpi = 300;
	memcpy(s->ink, (uint8_t[]){255, 0, 0, 255}, 4);
	s->ftmem = (struct FT_MemoryRec_){s, ft_alloc, ft_free, ft_realloc};
	*out = s;
	return GXCA_OK;
}

static void drop_face(struct face_slot *f)
{
	if (f->face)
		FT_Done_Face(f->face);
	f->face = NULL;
}

void gxca_seal_spec_free(gxca_seal_spec *spec)
{
	if (!spec)
		return;
	for (int i = 1; i <= 2; i++) {
		drop_face(&spec->font[i]);
		gxca__free(spec->font[i].path);
	}
	if (spec->ft)
		FT_Done_Library(spec->ft);
	for (int i = 1; i <= NTEXT; i++)
		gxca__free(spec->text[i]);
	gxca__free(spec);
}

int gxca_seal_spec_preset(const gxca_seal_spec *spec) { return spec ? spec->preset : 0; }

/* Common entry of the setters. */
static int spec_enter(gxca_seal_spec *spec)
{
	if (!spec)
		return GXCA_EINVAL;
	gxca__clear(spec->ctx);
	return GXCA_OK;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

int gxca_seal_spec_set_text(gxca_seal_spec *spec, int field, const char *text)
{
	int rc = spec_enter(spec);
	if (rc)
		return rc;
	if (field < 1 || field > NTEXT)
		return gxca__failf(spec->ctx, GXCA_EINVAL, "field", "未知文字字段 %d",
				   "unknown text field %d", field);
	char *copy = NULL;
	if (text) {
		if ((rc = gxca__check_str(spec->ctx, text_names[field], text, MAX_TEXT)))
			return rc;
		if (!text[0] || has_control(text))
			return gxca__failf(spec->ctx, GXCA_EINVAL, text_names[field],
					   "%s 为空或含控制字符（删除请传 NULL）",
					   "%s is empty or has a control character (pass NULL to remove it)",
					   text_names[field]);
		if (!(copy = gxca__strdup(text)))
			return gxca__oom(spec->ctx);
	}
	gxca__free(spec->text[field]);
	spec->text[field] = copy;
	return GXCA_OK;
}

const char *gxca_seal_spec_text(const gxca_seal_spec *spec, int field)
{
	return spec && field >= 1 && field <= NTEXT ? spec->text[field] : NULL;
}

int gxca_seal_spec_set_param(gxca_seal_spec *spec, int param, double value)
{
	int rc = spec_enter(spec);
	if (rc)
		return rc;
	if (param < 1 || param > NPARAM)
		return gxca__failf(spec->ctx, GXCA_EINVAL, "param", "未知印章参数 %d",
				   "unknown seal parameter %d", param);
	const char *name = params[param].name;
	bool is_size = param == GXCA_SEAL_P_WIDTH || param == GXCA_SEAL_P_HEIGHT;
	if (is_size && value > MAX_MM && isfinite(value))
		return gxca__failf(spec->ctx, GXCA_ETOOBIG, name, "%s 超过 %.0f 毫米",
				   "%s exceeds %.0f mm", name, MAX_MM);
	bool ok = isfinite(value) && ((value >= params[param].min && value <= params[param].max) ||
				      (params[param].autozero && value == 0));
	if (!ok)
		return gxca__failf(spec->ctx, GXCA_ERANGE, name, "%s 超出范围 %g..%g",
				   "%s out of range %g..%g", name, params[param].min,
				   params[param].max);
	if (param == GXCA_SEAL_P_YIN)
		value = value >= 0.5 ? 1 : 0;
	spec->p[param] = value;
	if (is_size && spec->shape != SHAPE_OVAL) /* round and square stay so */
		spec->p[GXCA_SEAL_P_WIDTH] = spec->p[GXCA_SEAL_P_HEIGHT] = value;
	return GXCA_OK;
}

int gxca_seal_spec_param(const gxca_seal_spec *spec, int param, double *value)
{
	if (!spec || !value)
		return GXCA_EINVAL;
	gxca__clear(spec->ctx);
	if (param < 1 || param > NPARAM)
		return gxca__failf(spec->ctx, GXCA_EINVAL, "param", "未知印章参数 %d",
				   "unknown seal parameter %d", param);
	*value = spec->p[param];
	return GXCA_OK;
}

int gxca_seal_spec_set_dpi(gxca_seal_spec *spec, uint32_t dpi)
{
	int rc = spec_enter(spec);
	if (rc)
		return rc;
	if (dpi < 72 || dpi > 1200)
		return gxca__failf(spec->ctx, GXCA_ERANGE, "dpi", "分辨率 %u 不在 72..1200 之内",
				   "dpi %u is not within 72..1200", (unsigned)dpi);
	spec->dpi = dpi;
	return GXCA_OK;
}

int gxca_seal_spec_set_color(gxca_seal_spec *spec, uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
	int rc = spec_enter(spec);
	if (rc)
		return rc;
	memcpy(spec->ink, (uint8_t[]){r, g, b, a}, 4);
	return GXCA_OK;
}

int gxca_seal_spec_set_font(gxca_seal_spec *spec, int role, const char *path, int face)
{
	int rc = spec_enter(spec);
	if (rc)
		return rc;
	if (role != GXCA_SEAL_FONT_TEXT && role != GXCA_SEAL_FONT_DIGITS)
		return gxca__failf(spec->ctx, GXCA_EINVAL, "role", "未知字体用途 %d",
				   "unknown font role %d", role);
	if (face < 0)
		return gxca__fail(spec->ctx, GXCA_ERANGE, "face", "字体索引不能为负",
				  "face index must not be negative");
	char *copy = NULL;
	if (path) {
		if ((rc = gxca__check_str(spec->ctx, "path", path, 4096)))
			return rc;
		if (!path[0])
			return gxca__fail(spec->ctx, GXCA_EINVAL, "path", "字体路径为空",
					  "empty font path");
		if (!(copy = gxca__strdup(path)))
			return gxca__oom(spec->ctx);
	}
	struct face_slot *f = &spec->font[role];
	drop_face(f);
	gxca__free(f->path);
	f->path = copy;
	f->index = path ? face : 0;
	return GXCA_OK;
}

/* ---- fonts --------------------------------------------------------------- */

/* A FreeType failure: out of memory, or a font problem described by zh/en. */
static int ft_fail(gxca_seal_spec *s, FT_Error e, const char *field, const char *zh, const char *en)
{
	if (s->ft_oom || e == FT_Err_Out_Of_Memory)
		return gxca__oom(s->ctx);
	int rc = gxca__fail(s->ctx, GXCA_ESEAL_FONT, field, zh, en);
	char detail[64];
	const char *msg = FT_Error_String(e);
	snprintf(detail, sizeof detail, "FreeType error 0x%02x%s%s", (unsigned)e, msg ? ": " : "",
		 msg ? msg : "");
	gxca__set_detail(s->ctx, detail);
	return rc;
}

static int ft_library(gxca_seal_spec *s)
{
	if (s->ft)
		return GXCA_OK;
	s->ft_oom = false;
	FT_Library lib = NULL;
	FT_Error e = FT_New_Library(&s->ftmem, &lib);
	if (e)
		return ft_fail(s, e, "font", "无法初始化 FreeType", "cannot initialise FreeType");
	FT_Add_Default_Modules(lib);
	if (s->ft_oom) {
		FT_Done_Library(lib);
		return gxca__oom(s->ctx);
	}
	s->ft = lib;
	return GXCA_OK;
}

/* true when one of the pattern's families is exactly the default family */
static bool fc_family_is_default(FcPattern *m)
{
	FcChar8 *fam = NULL;
	for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; i++)
		if (strcmp((const char *)fam, DEFAULT_FAMILY) == 0)
			return true;
	return false;
}

/* The default font through fontconfig; *path is the caller's (gxca__free). */
static int default_font(gxca_seal_spec *s, char **path, int *index)
{
	FcPattern *pat = FcPatternCreate(), *m = NULL;
	FcResult res = FcResultNoMatch;
	FcChar8 *file = NULL;
	int rc = GXCA_OK;
	if (!pat || !FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)DEFAULT_FAMILY) ||
	    !FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_BOLD) ||
	    !FcConfigSubstitute(NULL, pat, FcMatchPattern)) {
		rc = gxca__oom(s->ctx);
		goto out;
	}
	FcDefaultSubstitute(pat);
	m = FcFontMatch(NULL, pat, &res);
	if (!m || !fc_family_is_default(m) ||
	    FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch) {
		rc = gxca__fail(s->ctx, GXCA_ESEAL_FONT, "font",
				"未找到默认字体 " DEFAULT_FAMILY "（请安装 fonts-noto-cjk，或指定字体文件）",
				"default font " DEFAULT_FAMILY " not found (install fonts-noto-cjk, "
				"or give a font file)");
		goto out;
	}
	if (FcPatternGetInteger(m, FC_INDEX, 0, index) != FcResultMatch)
		*index = 0;
	if (!(*path = gxca__strdup((const char *)file)))
		rc = gxca__oom(s->ctx);
out:
	if (m)
		FcPatternDestroy(m);
	if (pat)
		FcPatternDestroy(pat);
	return rc;
}

static int open_face(gxca_seal_spec *s, struct face_slot *f)
{
	char *dflt = NULL;
	int index = f->index;
	int rc = f->path ? GXCA_OK : default_font(s, &dflt, &index);
	if (rc)
		return rc;
	const char *path = f->path ? f->path : dflt;
	s->ft_oom = false;
	FT_Error e = FT_New_Face(s->ft, path, index, &f->face);
	if (e)
		rc = ft_fail(s, e, "font", "无法读取字体文件（文件不存在、不是字体或没有该索引）",
			     "cannot read the font (missing file, not a font, or no such face index)");
	else if (!FT_IS_SCALABLE(f->face) || FT_Select_Charmap(f->face, FT_ENCODING_UNICODE))
		rc = gxca__fail(s->ctx, GXCA_ESEAL_FONT, "font", "字体不是带 Unicode 编码的矢量字体",
				"the font is not a scalable font with a Unicode charmap");
	if (rc) {
		drop_face(f);
		gxca__set_detail(s->ctx, path);
	}
	gxca__free(dflt);
	return rc;
}

/* The face of a role, loaded on first use; digits share the text face unless set. */
static int get_face(gxca_seal_spec *s, int role, FT_Face *out)
{
	if (role == GXCA_SEAL_FONT_DIGITS && !s->font[role].path)
		role = GXCA_SEAL_FONT_TEXT;
	struct face_slot *f = &s->font[role];
	int rc = f->face ? GXCA_OK : ft_library(s);
	if (!rc && !f->face)
		rc = open_face(s, f);
	*out = f->face;
	return rc;
}

/* ---- text runs ----------------------------------------------------------- */

#define MAX_GLYPHS MAX_TEXT

struct run {
	FT_Face face;
	size_t n;
	FT_UInt gi[MAX_GLYPHS];
	double adv[MAX_GLYPHS]; /* font units */
	double total;
	double upem, asc, desc; /* em box (OS/2 typo metrics) */
};

/* Next code point of valid UTF-8 (validated when the text was set). */
static uint32_t utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];
	int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
	c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
	for (int i = 1; i <= n; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*p = s + n + 1;
	return c;
}

static int glyph_missing(gxca_seal_spec *s, const char *field, FT_Face face, uint32_t cp,
			 const unsigned char *at, size_t len)
{
	const char *fam = face->family_name ? face->family_name : "?";
	return gxca__failf(s->ctx, GXCA_ESEAL_GLYPH_MISSING, field,
			   "字体“%s”缺少字符 U+%04X“%.*s”（%s）",
			   "the font \"%s\" has no glyph for U+%04X \"%.*s\" (in %s)", fam,
			   (unsigned)cp, (int)len, (const char *)at, field);
}

static void run_metrics(struct run *r)
{
	FT_Face f = r->face;
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(f, FT_SFNT_OS2);
	r->upem = f->units_per_EM ? f->units_per_EM : 1000;
	if (os2 && os2->version != 0xFFFF && os2->sTypoAscender > os2->sTypoDescender) {
		r->asc = os2->sTypoAscender;
		r->desc = os2->sTypoDescender;
	} else { /* the ideographic em box */
		r->asc = 0.88 * r->upem;
		r->desc = -0.12 * r->upem;
	}
}

/* Map text to glyphs of face; a missing glyph is an error naming it. */
static int make_run(gxca_seal_spec *s, const char *field, const char *text, FT_Face face,
		    struct run *r)
{
	r->face = face;
	r->n = 0;
	r->total = 0;
	run_metrics(r);
	for (const unsigned char *p = (const unsigned char *)text; *p && r->n < MAX_GLYPHS;) {
		const unsigned char *at = p;
		uint32_t cp = utf8_next(&p);
		FT_UInt gi = FT_Get_Char_Index(face, cp);
		if (!gi)
			return glyph_missing(s, field, face, cp, at, (size_t)(p - at));
		FT_Fixed adv = 0;
		s->ft_oom = false;
		FT_Error e = FT_Get_Advance(face, gi, FT_LOAD_NO_SCALE, &adv);
		if (e)
			return ft_fail(s, e, field, "读取字形失败", "cannot load a glyph");
		r->gi[r->n] = gi;
		r->adv[r->n] = adv > 0 ? (double)adv : r->upem;
		r->total += r->adv[r->n++];
	}
	return GXCA_OK;
}

/* ---- raster ----------------------------------------------------------------*/

struct render {
	gxca_seal_spec *s;
	uint8_t *px; /* RGBA; coverage accumulates in alpha */
	size_t stride;
	uint32_t w, h;
	double k;      /* pixels per mm */
	double cx, cy; /* seal centre in pixels, y up from the bottom edge */
	double A, B, b; /* outer half-width, half-height and border, mm */
	FT_Raster_Params rp;
};

/* Union the coverage of a span into the alpha channel (FreeType's y is up). */
static void span_cb(int y, int count, const FT_Span *spans, void *user)
{
	struct render *R = user;
	if (y < 0 || (uint32_t)y >= R->h)
		return;
	uint8_t *row = R->px + (size_t)(R->h - 1 - (uint32_t)y) * R->stride + 3;
	for (int i = 0; i < count; i++) {
		int x0 = spans[i].x < 0 ? 0 : spans[i].x;
		int x1 = spans[i].x + spans[i].len;
		unsigned c = spans[i].coverage;
		if (x1 > (int)R->w)
			x1 = (int)R->w;
		for (int x = x0; x < x1; x++) {
			uint8_t *a = row + 4 * (size_t)x;
			*a = (uint8_t)(*a + ((255u - *a) * c + 127) / 255);
		}
	}
}

static FT_Vector to_px(const struct render *R, double x_mm, double y_mm)
{
	return (FT_Vector){lround((R->cx + x_mm * R->k) * 64), lround((R->cy + y_mm * R->k) * 64)};
}

static int fill_outline(struct render *R, FT_Outline *o)
{
	if (o->n_points <= 0)
		return GXCA_OK;
	R->s->ft_oom = false;
	FT_Error e = FT_Outline_Render(R->s->ft, o, &R->rp);
	return e ? ft_fail(R->s, e, "font", "光栅化失败", "rasterisation failed") : GXCA_OK;
}

/* A polygon outline of up to npts points in ncont contours, even-odd fill. */
struct path {
	FT_Outline o;
	int cap;
};

static int path_new(struct render *R, struct path *p, int npts, int ncont)
{
	memset(p, 0, sizeof *p);
	p->o.points = gxca__malloc((size_t)npts * sizeof *p->o.points);
	p->o.tags = gxca__malloc((size_t)npts * sizeof *p->o.tags);
	p->o.contours = gxca__malloc((size_t)ncont * sizeof *p->o.contours);
	p->o.flags = FT_OUTLINE_EVEN_ODD_FILL;
	p->cap = npts;
	return p->o.points && p->o.tags && p->o.contours ? GXCA_OK : gxca__oom(R->s->ctx);
}

static void path_pt(const struct render *R, struct path *p, double x, double y)
{
	if (p->o.n_points >= p->cap)
		return;
	p->o.points[p->o.n_points] = to_px(R, x, y);
	p->o.tags[p->o.n_points++] = FT_CURVE_TAG_ON;
}

static void path_close(struct path *p)
{
	p->o.contours[p->o.n_contours++] = (short)(p->o.n_points - 1);
}

/* Fill and free. */
static int path_fill(struct render *R, struct path *p, int rc)
{
	if (!rc)
		rc = fill_outline(R, &p->o);
	gxca__free(p->o.points);
	gxca__free(p->o.tags);
	gxca__free(p->o.contours);
	return rc;
}

/* Point at parameter t of the outer ellipse moved d inward along the normal;
 * n gets the unit outward normal. */
static void ellipse_at(double A, double B, double d, double t, double *x, double *y, double n[2])
{
	double c = cos(t), s = sin(t), nx = B * c, ny = A * s, len = hypot(nx, ny);
	n[0] = nx / len;
	n[1] = ny / len;
	*x = A * c - d * n[0];
	*y = B * s - d * n[1];
}

/* The border: outer edge, and the true inner offset curve (constant width). */
static int draw_border(struct render *R)
{
	struct path p;
	if (R->b <= 0)
		return GXCA_OK;
	if (R->s->shape == SHAPE_SQUARE) {
		int rc = path_new(R, &p, 8, 2);
		double A = R->A, B = R->B, a = R->A - R->b, b = R->B - R->b;
		if (!rc) {
			path_pt(R, &p, -A, -B), path_pt(R, &p, A, -B), path_pt(R, &p, A, B),
				path_pt(R, &p, -A, B), path_close(&p);
			path_pt(R, &p, -a, -b), path_pt(R, &p, a, -b), path_pt(R, &p, a, b),
				path_pt(R, &p, -a, b), path_close(&p);
		}
		return path_fill(R, &p, rc);
	}
	/* Chords of about 3 px: the sagitta stays below 0.02 px. */
	double perim = 2 * M_PI * fmax(R->A, R->B) * R->k;
	int n = (int)fmin(8000, fmax(64, ceil(perim / 3)));
	int rc = path_new(R, &p, 2 * n, 2);
	for (int ring = 0; !rc && ring < 2; ring++) {
		for (int i = 0; i < n; i++) {
			double x, y, nv[2];
			ellipse_at(R->A, R->B, ring ? R->b : 0, 2 * M_PI * i / n, &x, &y, nv);
			path_pt(R, &p, x, y);
		}
		path_close(&p);
	}
	return path_fill(R, &p, rc);
}

/* Five-pointed star, tips on a circle of the STAR diameter, one tip up. */
static int draw_star(struct render *R)
{
	double ro = R->s->p[GXCA_SEAL_P_STAR] / 2, cy = R->s->p[GXCA_SEAL_P_STAR_Y];
	double ri = ro * sin(M_PI / 10) / cos(M_PI / 5); /* 0.381966 ro */
	struct path p;
	if (ro <= 0)
		return GXCA_OK;
	int rc = path_new(R, &p, 10, 1);
	for (int i = 0; !rc && i < 10; i++) {
		double a = M_PI / 2 + i * M_PI / 5, r = i % 2 ? ri : ro;
		path_pt(R, &p, r * cos(a), cy + r * sin(a));
	}
	if (!rc)
		path_close(&p);
	return path_fill(R, &p, rc);
}

/*
 * Where a glyph goes: font-unit point (ax, ay) lands at (cx, cy) mm; a glyph
 * x unit is kx mm along xd, a y unit ky mm along up. With fit_w > 0 the
 * glyph's ink box is centred at (cx, cy) and stretched to fit_w x fit_h.
 */
struct place {
	double ax, ay, kx, ky, cx, cy;
	double xd[2], up[2];
	double fit_w, fit_h;
	double max_w; /* > 0: centre the ink box on x and narrow it to max_w mm */
};

static void place_fit(struct place *pl, const FT_Outline *o, double upem)
{
	FT_BBox bb;
	FT_Outline_Get_BBox((FT_Outline *)o, &bb);
	/* never stretch a flat glyph such as 一 beyond its em box */
	double bw = fmax((double)(bb.xMax - bb.xMin), 0.8 * upem);
	double bh = fmax((double)(bb.yMax - bb.yMin), 0.8 * upem);
	pl->ax = (bb.xMin + bb.xMax) / 2.0;
	pl->ay = (bb.yMin + bb.yMax) / 2.0;
	pl->kx = pl->fit_w / bw;
	pl->ky = pl->fit_h / bh;
}

/* A fixed-pitch cell: wide glyphs (M, W) are narrowed to the digit width. */
static void place_cell(struct place *pl, const FT_Outline *o)
{
	FT_BBox bb;
	FT_Outline_Get_BBox((FT_Outline *)o, &bb);
	double bw = (double)(bb.xMax - bb.xMin);
	pl->ax = (bb.xMin + bb.xMax) / 2.0;
	if (bw * pl->kx > pl->max_w)
		pl->kx = pl->max_w / bw;
}

static int draw_glyph(struct render *R, const struct run *r, size_t i, struct place *pl)
{
	gxca_seal_spec *s = R->s;
	s->ft_oom = false;
	FT_Error e = FT_Load_Glyph(r->face, r->gi[i], FT_LOAD_NO_SCALE);
	if (e)
		return ft_fail(s, e, "font", "读取字形失败", "cannot load a glyph");
	if (r->face->glyph->format != FT_GLYPH_FORMAT_OUTLINE)
		return gxca__fail(s->ctx, GXCA_ESEAL_FONT, "font", "字形不是矢量轮廓",
				  "a glyph is not an outline");
	FT_Outline *o = &r->face->glyph->outline;
	FT_Pos bold = lround(s->p[GXCA_SEAL_P_EMBOLDEN] / 100 * r->upem);
	if (bold > 0 && (e = FT_Outline_EmboldenXY(o, bold, bold)))
		return ft_fail(s, e, "font", "加粗字形失败", "cannot embolden a glyph");
	if (pl->fit_w > 0)
		place_fit(pl, o, r->upem);
	if (pl->max_w > 0)
		place_cell(pl, o);
	for (int k = 0; k < o->n_points; k++) {
		double u = (o->points[k].x - pl->ax) * pl->kx, v = (o->points[k].y - pl->ay) * pl->ky;
		o->points[k] = to_px(R, pl->cx + u * pl->xd[0] + v * pl->up[0],
				     pl->cy + u * pl->xd[1] + v * pl->up[1]);
	}
	return fill_outline(R, o);
}

static int layout_fail(gxca_seal_spec *s, const char *field)
{
	return gxca__failf(s->ctx, GXCA_ESEAL_LAYOUT, field,
			   "%s 排不下：请缩短文字或减小字号、间距",
			   "%s does not fit: shorten it or reduce its size or spacing", field);
}

/* ---- text layouts ----------------------------------------------------------*/

#define ARC_STEPS 512

/* Ellipse parameter of the point at polar angle phi, unwrapped near phi. */
static double polar_to_t(double A, double B, double phi)
{
	double t = atan2(A * sin(phi), B * cos(phi));
	return phi + remainder(t - phi, 2 * M_PI);
}

/* Text along the border: centre line d mm inside the outer edge, from t0 to
 * t1; cumulative arc lengths let glyphs be spread by their advances. */
struct arc {
	double A, B, d, t0, t1;
	double len[ARC_STEPS + 1];
};

static void arc_init(struct arc *a)
{
	double px = 0, py = 0, n[2];
	a->len[0] = 0;
	for (int i = 0; i <= ARC_STEPS; i++) {
		double x, y, t = a->t0 + (a->t1 - a->t0) * i / ARC_STEPS;
		ellipse_at(a->A, a->B, a->d, t, &x, &y, n);
		if (i)
			a->len[i] = a->len[i - 1] + hypot(x - px, y - py);
		px = x, py = y;
	}
}

/* Parameter t at arc length l. */
static double arc_t(const struct arc *a, double l)
{
	int i = 0;
	while (i < ARC_STEPS - 1 && a->len[i + 1] < l)
		i++;
	double seg = a->len[i + 1] - a->len[i];
	double f = seg > 0 ? (l - a->len[i]) / seg : 0;
	return a->t0 + (a->t1 - a->t0) * (i + f) / ARC_STEPS;
}

struct arc_text {
	const char *field;
	double em, scale, gap, span; /* mm, ratio (0 = auto), mm, degrees */
	bool bottom;                 /* bottom arc, glyphs upright from inside */
	double max_scale;            /* auto: preferred compression */
};

/* Compression that keeps neighbours 8% apart on the inner edge of the text. */
static double arc_auto_scale(const struct arc *a, const struct run *r, const struct arc_text *at)
{
	double scale = at->max_scale, total = a->len[ARC_STEPS], acc = 0;
	for (size_t i = 0; i < r->n; i++) {
		double x, y, n[2];
		ellipse_at(a->A, a->B, a->d, arc_t(a, total * (acc + r->adv[i] / 2) / r->total), &x, &y, n);
		acc += r->adv[i];
		double pitch = total * r->adv[i] / r->total;
		double inner = pitch * fmax(0, 1 - at->em / 2 / hypot(x, y));
		scale = fmin(scale, 0.92 * inner * r->upem / (at->em * r->adv[i]));
	}
	return scale;
}

static int draw_arc(struct render *R, const struct run *r, const struct arc_text *at)
{
	struct arc a = {.A = R->A, .B = R->B, .d = R->b + at->gap + at->em / 2};
	if (a.d + at->em / 2 >= fmin(R->A, R->B) * 0.9)
		return layout_fail(R->s, at->field);
	double mid = at->bottom ? 1.5 * M_PI : 0.5 * M_PI, half = at->span * M_PI / 360;
	/* reading order: clockwise over the top, counter-clockwise under the bottom */
	a.t0 = polar_to_t(a.A, a.B, at->bottom ? mid - half : mid + half);
	a.t1 = polar_to_t(a.A, a.B, at->bottom ? mid + half : mid - half);
	arc_init(&a);
	double scale = at->scale > 0 ? at->scale : arc_auto_scale(&a, r, at);
	if (scale < SCALE_MIN)
		return layout_fail(R->s, at->field);
	double acc = 0;
	for (size_t i = 0; i < r->n; i++) {
		double t = arc_t(&a, a.len[ARC_STEPS] * (acc + r->adv[i] / 2) / r->total), n[2];
		acc += r->adv[i];
		struct place pl = {.ax = r->adv[i] / 2, .ay = (r->asc + r->desc) / 2,
				   .kx = at->em * scale / r->upem, .ky = at->em / r->upem};
		ellipse_at(a.A, a.B, a.d, t, &pl.cx, &pl.cy, n);
		pl.up[0] = at->bottom ? -n[0] : n[0];
		pl.up[1] = at->bottom ? -n[1] : n[1];
		pl.xd[0] = pl.up[1], pl.xd[1] = -pl.up[0];
		int rc = draw_glyph(R, r, i, &pl);
		if (rc)
			return rc;
	}
	return GXCA_OK;
}

/* Half the inner width of the seal at height y (negative when outside). */
static double inner_half_width(const struct render *R, double y)
{
	double a = R->A - R->b, b = R->B - R->b;
	if (fabs(y) >= b)
		return -1;
	return R->s->shape == SHAPE_SQUARE ? a : a * sqrt(1 - (y / b) * (y / b));
}

static bool row_fits(const struct render *R, double half, double top, double bottom)
{
	return inner_half_width(R, top) >= half && inner_half_width(R, bottom) >= half;
}

/* Horizontal text centred on the axis, em box top at top_y; tracking 15%
 * unless the total width is given. */
static int draw_line(struct render *R, const struct run *r, const char *field, double em,
		     double scale, double top_y, double width)
{
	double w = width > 0 ? width : 1.15 * r->total / r->upem * em * scale;
	if (!row_fits(R, w / 2, top_y, top_y - em))
		return layout_fail(R->s, field);
	double acc = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct place pl = {.ax = r->adv[i] / 2, .ay = r->asc, .kx = em * scale / r->upem,
				   .ky = em / r->upem, .cy = top_y, .xd = {1, 0}, .up = {0, 1}};
		pl.cx = -w / 2 + w * (acc + r->adv[i] / 2) / r->total;
		acc += r->adv[i];
		int rc = draw_glyph(R, r, i, &pl);
		if (rc)
			return rc;
	}
	return GXCA_OK;
}

/* Ink box of the digit 0: the reference size of digit rows. */
static int zero_box(struct render *R, const struct run *r, const char *field, FT_BBox *bb)
{
	FT_UInt gi = FT_Get_Char_Index(r->face, '0');
	if (!gi)
		return glyph_missing(R->s, field, r->face, '0', (const unsigned char *)"0", 1);
	R->s->ft_oom = false;
	FT_Error e = FT_Load_Glyph(r->face, gi, FT_LOAD_NO_SCALE);
	if (e)
		return ft_fail(R->s, e, field, "读取字形失败", "cannot load a glyph");
	FT_Outline_Get_BBox(&r->face->glyph->outline, bb);
	if (bb->xMax <= bb->xMin || bb->yMax <= bb->yMin)
		return gxca__fail(R->s->ctx, GXCA_ESEAL_FONT, field, "字体的数字 0 是空的",
				  "the font's digit 0 is empty");
	return GXCA_OK;
}

/* Fixed-pitch row (tax number, serial): digit 0 of the font is scaled to
 * height x digit_w, the others alike; centred on the axis at centre_y. */
static int draw_row(struct render *R, const struct run *r, const char *field, double height,
		    double digit_w, double pitch, double centre_y)
{
	FT_BBox bb;
	int rc = zero_box(R, r, field, &bb);
	double w = pitch * (double)r->n;
	if (!rc && !row_fits(R, w / 2, centre_y + height / 2, centre_y - height / 2))
		rc = layout_fail(R->s, field);
	for (size_t i = 0; !rc && i < r->n; i++) {
		struct place pl = {.ax = r->adv[i] / 2, .ay = (bb.yMin + bb.yMax) / 2.0,
				   .kx = digit_w / (double)(bb.xMax - bb.xMin),
				   .ky = height / (double)(bb.yMax - bb.yMin),
				   .cx = -w / 2 + pitch * ((double)i + 0.5), .cy = centre_y,
				   .xd = {1, 0}, .up = {0, 1}, .max_w = fmin(digit_w * 1.1, pitch * 0.95)};
		rc = draw_glyph(R, r, i, &pl);
	}
	return rc;
}

/*
 * Square seal: read in columns from the right, top to bottom. 4 glyphs make
 * 2x2; 3 glyphs put the surname alone in the right column, or "印" alone in
 * the left one when the text ends with it; 2 glyphs stand in two columns.
 */
static int draw_square(struct render *R, const struct run *r, bool ends_yin)
{
	double pad = 0.025 * 2 * fmin(R->A, R->B), gap = 0.02 * 2 * fmin(R->A, R->B);
	double ia = R->A - R->b - pad, ib = R->B - R->b - pad; /* inner half sizes */
	double cw = ia - gap / 2, rh = ib - gap / 2;       /* cell size */
	if (cw <= 0 || rh <= 0)
		return layout_fail(R->s, "name");
	/* cell of each glyph: column (0 right, 1 left), row (0 top, 1 bottom, -1 full) */
	static const int cells[3][4][2] = {
		{{0, -1}, {1, -1}},                 /* 2 */
		{{0, -1}, {1, 0}, {1, 1}},          /* 3 */
		{{0, 0}, {0, 1}, {1, 0}, {1, 1}},   /* 4 */
	};
	static const int cells3_yin[3][2] = {{0, 0}, {0, 1}, {1, -1}};
	for (size_t i = 0; i < r->n; i++) {
		const int *c = r->n == 3 && ends_yin ? cells3_yin[i] : cells[r->n - 2][i];
		struct place pl = {.xd = {1, 0}, .up = {0, 1}, .fit_w = cw};
		pl.cx = c[0] == 0 ? ia - cw / 2 : -ia + cw / 2;
		pl.fit_h = c[1] < 0 ? 2 * ib : rh;
		pl.cy = c[1] < 0 ? 0 : c[1] == 0 ? ib - rh / 2 : -ib + rh / 2;
		int rc = draw_glyph(R, r, i, &pl);
		if (rc)
			return rc;
	}
	return GXCA_OK;
}

/* ---- rendering -------------------------------------------------------------*/

struct runs {
	struct run name, line, code, tax, serial;
	bool ends_yin; /* square: the text ends with 印 */
};

/* [0-9A-Z] only, between min and max characters. */
static int check_code(gxca_seal_spec *s, int field, size_t min, size_t max)
{
	const char *t = s->text[field];
	size_t n = t ? strlen(t) : 0;
	bool ok = n >= min && n <= max;
	for (size_t i = 0; ok && i < n; i++)
		ok = (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'A' && t[i] <= 'Z');
	if (!t || ok)
		return GXCA_OK;
	return gxca__failf(s->ctx, GXCA_EINVAL, text_names[field],
			   "%s 应为 %zu–%zu 位数字或大写字母",
			   "%s must be %zu to %zu digits or capital letters", text_names[field], min,
			   max);
}

static int render_checks(gxca_seal_spec *s)
{
	double A = s->p[GXCA_SEAL_P_WIDTH] / 2, B = s->p[GXCA_SEAL_P_HEIGHT] / 2;
	double b = s->p[GXCA_SEAL_P_BORDER];
	if (b >= fmin(A, B) / 2)
		return gxca__fail(s->ctx, GXCA_ERANGE, "border", "边框宽度超过印章半径的一半",
				  "the border is wider than half the seal's radius");
	if (s->p[GXCA_SEAL_P_STAR] > 2 * (fmin(A, B) - b))
		return gxca__fail(s->ctx, GXCA_ERANGE, "star", "五角星大于边框内部",
				  "the star is larger than the inside of the border");
	if (!s->text[GXCA_SEAL_TEXT_NAME])
		return gxca__fail(s->ctx, GXCA_EINVAL, "name", "未设置印章名称", "the seal name is not set");
	for (int f = GXCA_SEAL_TEXT_LINE; s->shape == SHAPE_SQUARE && f <= NTEXT; f++)
		if (s->text[f])
			return gxca__failf(s->ctx, GXCA_EINVAL, text_names[f], "方形章不使用 %s",
					   "a square seal has no %s", text_names[f]);
	if (s->preset == GXCA_SEAL_INVOICE_OVAL_40X30 && !s->text[GXCA_SEAL_TEXT_TAX_ID])
		return gxca__fail(s->ctx, GXCA_EINVAL, "tax_id", "发票专用章需要纳税人识别号",
				  "an invoice seal needs the tax number");
	int rc = check_code(s, GXCA_SEAL_TEXT_TAX_ID, 15, 20);
	return rc ? rc : check_code(s, GXCA_SEAL_TEXT_CODE, 1, 24);
}

/* The square seal's text after the 印 rules (2 + 之印, 3 + 印). */
static int square_text(gxca_seal_spec *s, char *buf, size_t cap, bool *ends_yin)
{
	static const char yin[] = "印";
	const char *name = s->text[GXCA_SEAL_TEXT_NAME];
	size_t n = gxca__utf8_len(name), len = strlen(name);
	if (n < 2 || n > 4)
		return gxca__failf(s->ctx, GXCA_ESEAL_LAYOUT, "name", "方形章为 2–4 个字，现为 %zu 个",
				   "a square seal takes 2 to 4 characters, not %zu", n);
	bool ends = len >= 3 && memcmp(name + len - 3, yin, 3) == 0;
	const char *suffix = "";
	if (s->p[GXCA_SEAL_P_YIN] > 0 && !ends)
		suffix = n == 2 ? "之印" : n == 3 ? yin : "";
	snprintf(buf, cap, "%s%s", name, suffix);
	*ends_yin = ends || suffix[0];
	return GXCA_OK;
}

static int make_runs(gxca_seal_spec *s, struct runs *rs)
{
	FT_Face tf = NULL, df = NULL;
	int rc = get_face(s, GXCA_SEAL_FONT_TEXT, &tf);
	bool digits = s->text[GXCA_SEAL_TEXT_CODE] || s->text[GXCA_SEAL_TEXT_TAX_ID] ||
		      s->text[GXCA_SEAL_TEXT_SERIAL];
	if (!rc && digits)
		rc = get_face(s, GXCA_SEAL_FONT_DIGITS, &df);
	if (rc)
		return rc;
	if (s->shape == SHAPE_SQUARE) {
		char buf[MAX_TEXT + 8];
		rc = square_text(s, buf, sizeof buf, &rs->ends_yin);
		return rc ? rc : make_run(s, "name", buf, tf, &rs->name);
	}
	struct {
		int field;
		FT_Face face;
		struct run *run;
	} t[] = {{GXCA_SEAL_TEXT_NAME, tf, &rs->name}, {GXCA_SEAL_TEXT_LINE, tf, &rs->line},
		 {GXCA_SEAL_TEXT_CODE, df, &rs->code}, {GXCA_SEAL_TEXT_TAX_ID, df, &rs->tax},
		 {GXCA_SEAL_TEXT_SERIAL, df, &rs->serial}};
	for (size_t i = 0; !rc && i < GXCA_ARRAY_LEN(t); i++)
		if (s->text[t[i].field])
			rc = make_run(s, text_names[t[i].field], s->text[t[i].field], t[i].face, t[i].run);
	return rc;
}

/* The name on the upper arc, with automatic size, span and compression. */
static int draw_name(struct render *R, const struct run *r)
{
	const double *p = R->s->p;
	double n = (double)r->n;
	struct arc_text at = {.field = "name", .em = p[GXCA_SEAL_P_NAME_SIZE],
			      .scale = p[GXCA_SEAL_P_NAME_SCALE], .gap = p[GXCA_SEAL_P_NAME_GAP],
			      .span = p[GXCA_SEAL_P_NAME_SPAN], .max_scale = SCALE_AUTO_MAX};
	if (at.em <= 0) /* 5.5 mm up to 14 glyphs, else 4.2 mm, on Ø42 */
		at.em = (n <= 14 ? 5.5 : 4.2) * fmin(R->A, R->B) / 21;
	if (at.span <= 0) /* drawstamputils: pi (0.5 + n / 12) */
		at.span = fmin(R->s->span_max, fmax(R->s->span_min, 150 + 15 * n));
	return draw_arc(R, r, &at);
}

static int draw_code(struct render *R, const struct run *r)
{
	const double *p = R->s->p;
	struct arc_text at = {.field = "code", .em = p[GXCA_SEAL_P_CODE_SIZE],
			      .gap = p[GXCA_SEAL_P_CODE_GAP], .span = p[GXCA_SEAL_P_CODE_SPAN],
			      .bottom = true, .max_scale = p[GXCA_SEAL_P_CODE_SCALE]};
	if (at.span <= 0) /* drawstamputils: pi (1 + n) / 50 */
		at.span = fmin(150, 3.6 * ((double)r->n + 1));
	return draw_arc(R, r, &at);
}

static int draw_all(struct render *R, const struct runs *rs)
{
	const double *p = R->s->p;
	int rc = draw_border(R);
	if (!rc && R->s->shape == SHAPE_SQUARE)
		return draw_square(R, &rs->name, rs->ends_yin);
	if (!rc)
		rc = draw_star(R);
	if (!rc)
		rc = draw_name(R, &rs->name);
	if (!rc && rs->code.n)
		rc = draw_code(R, &rs->code);
	if (!rc && rs->line.n)
		rc = draw_line(R, &rs->line, "line", p[GXCA_SEAL_P_LINE_SIZE],
			       p[GXCA_SEAL_P_LINE_SCALE], -p[GXCA_SEAL_P_LINE_Y], p[GXCA_SEAL_P_LINE_WIDTH]);
	if (!rc && rs->tax.n)
		rc = draw_row(R, &rs->tax, "tax_id", p[GXCA_SEAL_P_TAX_HEIGHT],
			      p[GXCA_SEAL_P_TAX_DIGIT_WIDTH], p[GXCA_SEAL_P_TAX_WIDTH] / (double)rs->tax.n,
			      p[GXCA_SEAL_P_TAX_Y]);
	if (!rc && rs->serial.n) { /* Arial 2.2 x 1.7 mm in the notice */
		double h = p[GXCA_SEAL_P_SERIAL_SIZE], w = h * 1.7 / 2.2;
		rc = draw_row(R, &rs->serial, "serial", h, w, 1.25 * w, -p[GXCA_SEAL_P_SERIAL_Y] - h / 2);
	}
	return rc;
}

/* Ink colour everywhere (no dark halo when resampled), alpha = coverage x ink alpha. */
static void colourise(gxca_image *img, const uint8_t ink[4])
{
	size_t stride;
	uint8_t *px = gxca_image_pixels(img, &stride);
	for (uint32_t y = 0; y < gxca_image_height(img); y++) {
		uint8_t *d = px + (size_t)y * stride;
		for (uint32_t x = 0; x < gxca_image_width(img); x++, d += 4) {
			d[0] = ink[0], d[1] = ink[1], d[2] = ink[2];
			if (ink[3] != 255)
				d[3] = (uint8_t)((d[3] * ink[3] + 127) / 255);
		}
	}
}

static uint32_t mm_to_px(double mm, uint32_t dpi)
{
	long v = lround(mm * dpi / 25.4);
	return v < 1 ? 1 : (uint32_t)v;
}

static int render_into(gxca_seal_spec *s, const struct runs *rs, gxca_image *img)
{
	struct render R = {.s = s, .k = s->dpi / 25.4};
	R.px = gxca_image_pixels(img, &R.stride);
	R.w = gxca_image_width(img);
	R.h = gxca_image_height(img);
	R.cx = R.w / 2.0;
	R.cy = R.h / 2.0;
	R.A = s->p[GXCA_SEAL_P_WIDTH] / 2;
	R.B = s->p[GXCA_SEAL_P_HEIGHT] / 2;
	R.b = s->p[GXCA_SEAL_P_BORDER];
	R.rp.flags = FT_RASTER_FLAG_AA | FT_RASTER_FLAG_DIRECT | FT_RASTER_FLAG_CLIP;
	R.rp.gray_spans = span_cb;
	R.rp.user = &R;
	R.rp.clip_box = (FT_BBox){0, 0, (FT_Pos)R.w, (FT_Pos)R.h};
	int rc = draw_all(&R, rs);
	if (!rc)
		colourise(img, s->ink);
	return rc;
}

int gxca_seal_render(gxca_image **out, gxca_seal_spec *spec)
{
	if (!out || !spec)
		return gxca__fail(spec ? spec->ctx : NULL, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(spec->ctx);
	gxca_image *img = NULL;
	struct runs *rs = NULL;
	int rc = render_checks(spec);
	if (!rc && !(rs = gxca__calloc(1, sizeof *rs)))
		rc = gxca__oom(spec->ctx);
	if (!rc)
		rc = make_runs(spec, rs);
	if (!rc)
		rc = gxca_image_new(&img, spec->ctx, mm_to_px(spec->p[GXCA_SEAL_P_WIDTH], spec->dpi),
				    mm_to_px(spec->p[GXCA_SEAL_P_HEIGHT], spec->dpi), spec->dpi);
	if (!rc)
		rc = render_into(spec, rs, img);
	gxca__free(rs);
	if (rc) {
		gxca_image_free(img);
		return rc;
	}
	*out = img;
	return GXCA_OK;
}
