/*
 * libgxca — raster images: seal renderings, PNG in and out, and extraction of
 * a red stamp impression or a dark-ink signature from a scanned form.
 *
 * A gxca_image is straight (non-premultiplied) 8-bit RGBA, rows top to bottom,
 * with a resolution in dots per inch (0 when unknown) and an origin: the
 * position of its top-left pixel in the image it was extracted from (0, 0
 * otherwise).
 *
 * Threads: an image belongs to the thread of its context. Distinct images may
 * be used on distinct threads (with distinct contexts).
 */
#ifndef GXCA_IMAGE_H
#define GXCA_IMAGE_H

#include <gxca/common.h>
#include <gxca/ctx.h>

GXCA_BEGIN_DECLS

typedef struct gxca_image gxca_image;

/** Largest width or height accepted anywhere (pixels). */
#define GXCA_IMAGE_MAX_SIDE 20000u
/** Largest pixel count accepted anywhere (64 Mpx = 256 MiB of RGBA). */
#define GXCA_IMAGE_MAX_PIXELS (64u * 1024u * 1024u)

/**
 * Make a fully transparent width x height image at dpi (0 = unknown, else
 * 1..65535). Caller frees with gxca_image_free().
 * Errors: GXCA_EINVAL (NULL, zero size, dpi > 65535), GXCA_ETOOBIG (a side
 * above GXCA_IMAGE_MAX_SIDE or more than GXCA_IMAGE_MAX_PIXELS), GXCA_ENOMEM.
 */
GXCA_API int gxca_image_new(gxca_image **out, gxca_ctx *ctx, uint32_t width, uint32_t height,
			    uint32_t dpi) GXCA_WARN_UNUSED;

/** Free an image; NULL is a no-op. */
GXCA_API void gxca_image_free(gxca_image *img);

/** Width, height in pixels; 0 for NULL. */
GXCA_API uint32_t gxca_image_width(const gxca_image *img);
GXCA_API uint32_t gxca_image_height(const gxca_image *img);
/** Resolution in dots per inch, 0 when unknown (or NULL). */
GXCA_API uint32_t gxca_image_dpi(const gxca_image *img);
/** Set the resolution (0 = unknown, else 1..65535). */
GXCA_API int gxca_image_set_dpi(gxca_image *img, uint32_t dpi) GXCA_WARN_UNUSED;
/** Position of the top-left pixel in the source of an extraction; 0 otherwise. */
GXCA_API uint32_t gxca_image_origin_x(const gxca_image *img);
GXCA_API uint32_t gxca_image_origin_y(const gxca_image *img);

/**
 * The pixels: height rows of width R,G,B,A bytes (straight alpha), row r at
 * pixels + r * stride. Borrowed: valid until the image is freed; writable.
 * *stride (may be NULL) gets the row length in bytes. NULL for a NULL image.
 */
GXCA_API uint8_t *gxca_image_pixels(gxca_image *img, size_t *stride);

/**
 * Encode as a PNG (libpng) with a pHYs chunk giving the dpi when it is known,
 * so that the image prints at its true size. An image whose pixels all share
 * one RGB (a rendered seal, an extraction) is written as 8-bit palette + tRNS
 * (entry i = the ink with alpha i), anything else as 8-bit RGBA; both decode
 * to exactly the pixels of the image. Caller frees *png with gxca_free().
 * Deterministic: the same pixels give the same bytes.
 * Errors: GXCA_EINVAL, GXCA_ENOMEM, GXCA_ESEAL_PNG.
 */
GXCA_API int gxca_image_to_png(const gxca_image *img, uint8_t **png, size_t *png_len) GXCA_WARN_UNUSED;

/**
 * Decode an untrusted PNG of any bit depth and colour type (palette, gray,
 * 16-bit, interlaced, tRNS) into 8-bit RGBA; the dpi comes from pHYs (0 when
 * absent). The bytes are borrowed for the call only.
 * Errors: GXCA_EINVAL (NULL), GXCA_ESEAL_PNG (not a PNG, truncated, corrupt:
 * the detail holds libpng's message), GXCA_ETOOBIG (a side above
 * GXCA_IMAGE_MAX_SIDE, too many pixels, or more pixels declared than the
 * compressed data can hold), GXCA_ENOMEM.
 */
GXCA_API int gxca_image_from_png(gxca_image **out, gxca_ctx *ctx, const uint8_t *png,
				 size_t png_len) GXCA_WARN_UNUSED;

/**
 * Take the red stamp impression out of a scan: in the region x, y, w, h
 * (pixels; w == 0 or h == 0 means the whole image), find the largest cluster
 * of red ink and return it cropped to its bounding box (plus a 0.5 mm margin)
 * as a new image: the ink colour in every pixel and alpha = ink density, so
 * paper, tint and other ink are transparent. The result's origin gives its
 * place in the scan; its dpi is the scan's.
 * Works with tinted paper, scanner noise, blur, small rotations; where dark
 * ink crosses the stamp the stamp has holes. The scan's alpha is ignored
 * (scans are opaque) and its lighting should be even: the paper colour is
 * measured once per region.
 * Errors: GXCA_EINVAL, GXCA_ERANGE (region outside the image),
 * GXCA_ESEAL_NO_INK (no red ink in the region), GXCA_ENOMEM.
 */
GXCA_API int gxca_image_extract_stamp(gxca_image **out, const gxca_image *scan, uint32_t x,
				      uint32_t y, uint32_t w, uint32_t h) GXCA_WARN_UNUSED;

/**
 * Take a dark-ink (black or blue) signature out of a scan region, dropping
 * red stamp ink, paper and noise: every dark stroke in the region, cropped to
 * their bounding box plus a 1 mm margin, the ink colour in every pixel and
 * alpha = ink density. Arguments, result and errors as for
 * gxca_image_extract_stamp().
 */
GXCA_API int gxca_image_extract_signature(gxca_image **out, const gxca_image *scan, uint32_t x,
					  uint32_t y, uint32_t w, uint32_t h) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_IMAGE_H */
