/*
 * libgxca — seal images (印章图像): the round official seal (公章), special-
 * purpose round seals (合同专用章 …), the invoice oval (发票专用章, 国家税务总局
 * 公告2011年第7号) and the square personal / legal-representative seal.
 *
 * Usable on its own: a context and a spec give an image; no CA, registry or
 * token is involved. A spec starts from a preset and every dimension may be
 * overridden. All lengths are millimetres; pixels are only made at render
 * time at the spec's dpi (300 by default, 72..1200), so a 42 mm seal is 42 mm
 * when printed at the PNG's pHYs resolution.
 *
 * Text is drawn with FreeType from a font found through fontconfig (default
 * "Noto Serif CJK SC" Bold, Debian fonts-noto-cjk) or from a caller-supplied
 * font file and face index. A character the font lacks is an error
 * (GXCA_ESEAL_GLYPH_MISSING naming it as U+XXXX), never a blank box.
 * Rendering is deterministic: the same spec, font files and dpi give the same
 * pixels.
 *
 * Threads: a spec caches its FreeType faces and is used by one thread at a
 * time; distinct specs (with distinct contexts) may render in parallel.
 */
#ifndef GXCA_SEAL_H
#define GXCA_SEAL_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/image.h>

GXCA_BEGIN_DECLS

typedef struct gxca_seal_spec gxca_seal_spec;

/** Presets: shape and default dimensions. */
typedef enum {
	GXCA_SEAL_ORG_ROUND_42 = 1,      /**< 公章 Ø42 mm, border 1.2, star Ø14 */
	GXCA_SEAL_ORG_ROUND_40 = 2,      /**< 公章 Ø40 mm, border 1.0, star Ø14 */
	GXCA_SEAL_ORG_ROUND_38 = 3,      /**< 公章 Ø38 mm, border 1.0, star Ø14 */
	GXCA_SEAL_SPECIAL_ROUND_40 = 4,  /**< 专用章 Ø40 mm: star Ø12 and a line (合同专用章) */
	GXCA_SEAL_SPECIAL_ROUND_38 = 5,  /**< 专用章 Ø38 mm: star Ø11 and a line (合同专用章) */
	GXCA_SEAL_INVOICE_OVAL_40X30 = 6, /**< 发票专用章 40x30 mm oval, border 1.0 */
	GXCA_SEAL_PERSON_SQUARE_20 = 7   /**< 个人章/法人章 20x20 mm square, border 1.0 */
} gxca_seal_preset;

/** Text fields of a seal (UTF-8). */
typedef enum {
	GXCA_SEAL_TEXT_NAME = 1,   /**< round/oval: the name on the upper arc; square: the name */
	GXCA_SEAL_TEXT_LINE = 2,   /**< horizontal line below the centre (合同专用章, 发票专用章) */
	GXCA_SEAL_TEXT_CODE = 3,   /**< bottom arc, upright from inside (印章编码), [0-9A-Z] */
	GXCA_SEAL_TEXT_TAX_ID = 4, /**< invoice: the tax number across the centre, 15-20 of [0-9A-Z] */
	GXCA_SEAL_TEXT_SERIAL = 5  /**< invoice: a serial such as "(1)" under the line */
} gxca_seal_text;

/** Font roles. */
typedef enum {
	GXCA_SEAL_FONT_TEXT = 1,  /**< Chinese text (NAME, LINE) */
	GXCA_SEAL_FONT_DIGITS = 2 /**< CODE, TAX_ID, SERIAL; defaults to the TEXT font */
} gxca_seal_font;

/**
 * Numeric parameters. Lengths in mm, spans in degrees, scales as ratios.
 * "Size" is the em (font size) of a text; "scale" its horizontal compression.
 * Values marked "0 = auto" are chosen at render time from the text length.
 */
typedef enum {
	GXCA_SEAL_P_WIDTH = 1,        /**< outer width (diameter of a round seal) */
	GXCA_SEAL_P_HEIGHT = 2,       /**< outer height (== width for round and square) */
	GXCA_SEAL_P_BORDER = 3,       /**< border (ring) width; 0 = no border */
	GXCA_SEAL_P_STAR = 4,         /**< star tip-to-tip diameter; 0 = no star */
	GXCA_SEAL_P_STAR_Y = 5,       /**< star centre above the seal centre */
	GXCA_SEAL_P_NAME_SIZE = 6,    /**< name em; 0 = auto (5.5 mm up to 14 glyphs, else 4.2 on Ø42) */
	GXCA_SEAL_P_NAME_SCALE = 7,   /**< name compression 0.3..1.5; 0 = auto (0.8, less when crowded) */
	GXCA_SEAL_P_NAME_GAP = 8,     /**< gap between the border's inner edge and the name */
	GXCA_SEAL_P_NAME_SPAN = 9,    /**< angle covered by the name, 10..330; 0 = auto */
	GXCA_SEAL_P_LINE_SIZE = 10,   /**< line text em */
	GXCA_SEAL_P_LINE_SCALE = 11,  /**< line text compression */
	GXCA_SEAL_P_LINE_Y = 12,      /**< distance from the centre down to the line text's top */
	GXCA_SEAL_P_LINE_WIDTH = 13,  /**< total width of the line text; 0 = natural */
	GXCA_SEAL_P_CODE_SIZE = 14,   /**< bottom code em */
	GXCA_SEAL_P_CODE_SCALE = 15,  /**< bottom code compression */
	GXCA_SEAL_P_CODE_GAP = 16,    /**< gap between the border's inner edge and the code */
	GXCA_SEAL_P_CODE_SPAN = 17,   /**< angle covered by the code; 0 = auto */
	GXCA_SEAL_P_TAX_HEIGHT = 18,  /**< tax number glyph height (ink) */
	GXCA_SEAL_P_TAX_DIGIT_WIDTH = 19, /**< tax number glyph width (ink) */
	GXCA_SEAL_P_TAX_WIDTH = 20,   /**< tax number total width */
	GXCA_SEAL_P_TAX_Y = 21,       /**< tax number centre above the seal centre */
	GXCA_SEAL_P_SERIAL_SIZE = 22, /**< serial glyph height (ink) */
	GXCA_SEAL_P_SERIAL_Y = 23,    /**< distance from the centre down to the serial's top */
	GXCA_SEAL_P_EMBOLDEN = 24,    /**< extra stroke weight, percent of the em, 0..10 */
	GXCA_SEAL_P_YIN = 25          /**< square: 1 = add 印 rules (2 chars + 之印, 3 + 印), 0 = as given */
} gxca_seal_param;

/**
 * Make a spec from a preset (gxca_seal_preset). The spec keeps ctx (borrowed:
 * it must outlive the spec) for errors. Defaults: 300 dpi, red #FF0000 at
 * full opacity, the default font, line text 合同专用章 (special presets) or
 * 发票专用章 (invoice). Caller frees with gxca_seal_spec_free().
 * Errors: GXCA_EINVAL (NULL, unknown preset), GXCA_ENOMEM.
 */
GXCA_API int gxca_seal_spec_new(gxca_seal_spec **out, gxca_ctx *ctx, int preset) GXCA_WARN_UNUSED;

/** Free a spec and its cached fonts; NULL is a no-op. */
GXCA_API void gxca_seal_spec_free(gxca_seal_spec *spec);

/** The preset a spec was made from; 0 for NULL. */
GXCA_API int gxca_seal_spec_preset(const gxca_seal_spec *spec);

/**
 * Set a text field (gxca_seal_text) to UTF-8 text (copied), or remove it
 * with NULL. Errors: GXCA_EINVAL (NULL spec, unknown field, empty text or a
 * control character), GXCA_EENCODING, GXCA_ETOOBIG (over 256 bytes).
 * Whether the text fits is checked by gxca_seal_render().
 */
GXCA_API int gxca_seal_spec_set_text(gxca_seal_spec *spec, int field, const char *text) GXCA_WARN_UNUSED;

/** A text field; borrowed (valid until changed or the spec is freed), NULL when unset. */
GXCA_API const char *gxca_seal_spec_text(const gxca_seal_spec *spec, int field);

/**
 * Set a numeric parameter (gxca_seal_param). Errors: GXCA_EINVAL (unknown
 * parameter), GXCA_ERANGE (not finite, negative, or outside the parameter's
 * range), GXCA_ETOOBIG (a width or height above 200 mm). WIDTH and HEIGHT
 * of round and square seals move together.
 */
GXCA_API int gxca_seal_spec_set_param(gxca_seal_spec *spec, int param, double value) GXCA_WARN_UNUSED;

/** Read a numeric parameter into *value. Errors: GXCA_EINVAL. */
GXCA_API int gxca_seal_spec_param(const gxca_seal_spec *spec, int param, double *value) GXCA_WARN_UNUSED;

/** Resolution of the rendering, 72..1200 dpi (else GXCA_ERANGE). */
GXCA_API int gxca_seal_spec_set_dpi(gxca_seal_spec *spec, uint32_t dpi) GXCA_WARN_UNUSED;

/** Ink colour and opacity (straight alpha; 255 = opaque). Default 255, 0, 0, 255. */
GXCA_API int gxca_seal_spec_set_color(gxca_seal_spec *spec, uint8_t r, uint8_t g, uint8_t b,
				      uint8_t a) GXCA_WARN_UNUSED;

/**
 * Use a font file (TrueType, OpenType, collection) and face index for a role
 * (gxca_seal_font); path NULL goes back to the default. The file is opened at
 * the next render. Errors: GXCA_EINVAL, GXCA_ERANGE (face < 0).
 */
GXCA_API int gxca_seal_spec_set_font(gxca_seal_spec *spec, int role, const char *path,
				     int face) GXCA_WARN_UNUSED;

/**
 * Render the seal. Caller frees *out with gxca_image_free(); the image's
 * size is round(mm * dpi / 25.4) pixels and its dpi the spec's.
 * Errors: GXCA_EINVAL (NULL, a required text missing: NAME, and TAX_ID for
 * the invoice; a text the seal cannot take), GXCA_ERANGE (inconsistent
 * dimensions), GXCA_ETOOBIG (more than GXCA_IMAGE_MAX_PIXELS),
 * GXCA_ESEAL_FONT (no font or unreadable font), GXCA_ESEAL_GLYPH_MISSING,
 * GXCA_ESEAL_LAYOUT (the text does not fit), GXCA_ENOMEM.
 */
GXCA_API int gxca_seal_render(gxca_image **out, gxca_seal_spec *spec) GXCA_WARN_UNUSED;

/** Stable name of a preset ("ORG_ROUND_42"); NULL if unknown. */
GXCA_API const char *gxca_seal_preset_name(int preset);
/** Parse such a name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_seal_preset_from_name(const char *name);

GXCA_END_DECLS

#endif /* GXCA_SEAL_H */
