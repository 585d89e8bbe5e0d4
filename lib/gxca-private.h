/*
 * lib/gxca-private.h — internals shared by the library's modules.
 * Never installed. Internal functions are named gxca__<noun>_<verb> so that
 * they can never be mistaken for exports (the map file exports gxca_[a-z]*).
 */
#ifndef GXCA_PRIVATE_H
#define GXCA_PRIVATE_H

#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gxca/gxca.h>

#define GXCA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define GXCA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GXCA_PRINTF(f, a)
#endif

/* ---- memory (memory.c) -------------------------------------------------
 * All library allocations go through these so that tests can fail the n-th
 * one (gxca__alloc_fail_after). Free with gxca__free (== gxca_free).       */
void *gxca__malloc(size_t n);
void *gxca__calloc(size_t nmemb, size_t size);
void *gxca__realloc(void *p, size_t n);
char *gxca__strdup(const char *s);
char *gxca__strndup(const char *s, size_t n);
void gxca__free(void *p);
/* Test hook: fail the allocation after n more succeed on this thread;
 * -1 (the default) disables. Returns how many allocations were made since
 * the last call (lets a test loop over every allocation of a call). */
long gxca__alloc_fail_after(long n);

/* A growable byte buffer (memory.c). On allocation failure 'failed' is set
 * and later appends are no-ops, so a builder checks once at the end. */
typedef struct {
	char *data;
	size_t len, cap;
	bool failed;
} gxca__buf;
void gxca__buf_append(gxca__buf *b, const void *p, size_t n);
/* Room for n more bytes at once (a builder that knows its size). */
void gxca__buf_reserve(gxca__buf *b, size_t n);
void gxca__buf_puts(gxca__buf *b, const char *s);
void gxca__buf_printf(gxca__buf *b, const char *fmt, ...) GXCA_PRINTF(2, 3);
void gxca__buf_free(gxca__buf *b);
/* Hand the NUL-terminated contents over (caller frees), or NULL if failed. */
char *gxca__buf_steal(gxca__buf *b);

/* ---- errors (error.c) ----------------------------------------------------
 * A failing call records its detail on the ctx and returns the code:
 *     return gxca__fail(ctx, GXCA_EINVAL, "years", "年限必须为正", "years must be positive");
 * zh/en may be NULL (the table message is used). ctx may be NULL (ignored).
 * gxca__failf (and gxca__report_addf): BOTH formats read the SAME arguments
 * from the first, so they must take the same conversions in the same order;
 * to give each language its own text, pass it as a %s argument pair through
 * a helper, or format it first. */
struct gxca_error {
	int code;
	unsigned long ck_rv;
	char field[128];
	char zh[512];
	char en[512];
	char detail[512];
};

struct gxca_policy;

struct gxca_ctx {
	int lang;
	struct gxca_policy *policy; /* refcounted, immutable once built */
	gxca_log_fn log_fn;
	int log_level;
	void *log_payload;
	struct gxca_error err;
};

void gxca__clear(gxca_ctx *ctx);
int gxca__fail(gxca_ctx *ctx, int code, const char *field, const char *zh,
	       const char *en);
int gxca__failf(gxca_ctx *ctx, int code, const char *field, const char *zh_fmt,
		const char *en_fmt, ...);
/* As gxca__fail, and copies (then clears) the OpenSSL error queue into detail. */
int gxca__fail_ossl(gxca_ctx *ctx, int code, const char *field, const char *zh,
		    const char *en);
/* Append a lower library's text to the detail of the current error. */
void gxca__set_detail(gxca_ctx *ctx, const char *detail);
void gxca__set_ck_rv(gxca_ctx *ctx, unsigned long rv);
int gxca__oom(gxca_ctx *ctx);
/* Log through the ctx callback (never pass secrets). */
void gxca__log(gxca_ctx *ctx, int level, const char *fmt, ...) GXCA_PRINTF(3, 4);

/* Validate UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
bool gxca__utf8_valid(const char *s, size_t len);
/* Check a caller string: non-NULL, valid UTF-8, at most max bytes.
 * Fails with GXCA_EINVAL / GXCA_EENCODING / GXCA_ETOOBIG naming the field. */
int gxca__check_str(gxca_ctx *ctx, const char *field, const char *s, size_t max);
/* Number of Unicode code points in valid UTF-8. */
size_t gxca__utf8_len(const char *s);

/* Read a whole file (at most max bytes, else GXCA_ETOOBIG) into b (memory.c). */
int gxca__read_file(gxca_ctx *ctx, const char *path, size_t max, gxca__buf *b);

/* ---- reports (report.c) --------------------------------------------------*/
int gxca__report_new(gxca_report **out);
/* Append one problem; returns GXCA_OK or GXCA_ENOMEM. */
int gxca__report_add(gxca_report *r, int severity, int code, const char *id,
		     const char *field, const char *zh, const char *en);
int gxca__report_addf(gxca_report *r, int severity, int code, const char *id,
		      const char *field, const char *zh_fmt, const char *en_fmt, ...);

/* ---- identity (identity.c), used by application validation ---------------
 * Append the problems of one value to r under the given field name.
 * now: Unix time used for "birth date in the future". Return GXCA_OK or
 * GXCA_ENOMEM; the caller reads the report for errors and warnings. */
int gxca__uscc_check(gxca_report *r, const char *field, const char *code);
int gxca__idnum_check(gxca_report *r, const char *field, const char *id, int64_t now);

/* ---- enums (ctx.c) ------------------------------------------------------- */
static inline bool gxca__applicant_ok(int a) { return a == GXCA_APPLICANT_ORG || a == GXCA_APPLICANT_PERSON; }
static inline bool gxca__business_ok(int b) { return b >= GXCA_BIZ_NEW && b <= GXCA_BIZ_UNLOCK; }
static inline bool gxca__item_ok(int i) { return i == GXCA_ITEM_CERT || i == GXCA_ITEM_SEAL; }

/* Dates: days since 1970-01-01 (proleptic Gregorian) <-> civil date. */
int64_t gxca__days_from_civil(int y, int m, int d);
void gxca__civil_from_days(int64_t z, int *y, int *m, int *d);
/* Parse "YYYY-MM-DD" strictly (a real date); false on anything else. */
bool gxca__date_parse(const char *s, int *y, int *m, int *d);
/* Asia/Shanghai is UTC+8 without DST. */
#define GXCA_TZ_OFFSET_SECONDS (8 * 3600)

#endif /* GXCA_PRIVATE_H */
