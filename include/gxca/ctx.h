/*
 * libgxca — the context.
 *
 * A gxca_ctx carries the message language, the policy in force (built-in
 * default or loaded from JSON), the last error and an optional log callback.
 *
 * Threads: a context and every object made from it belong to one thread at a
 * time. Use one context per thread; contexts are cheap and share nothing
 * mutable. gxca_strerror() and the enum name helpers may be called anywhere.
 */
#ifndef GXCA_CTX_H
#define GXCA_CTX_H

#include <gxca/common.h>
#include <gxca/error.h>

GXCA_BEGIN_DECLS

typedef struct gxca_ctx gxca_ctx;

/** Log levels of the log callback. */
typedef enum {
	GXCA_LOG_ERROR = 1,
	GXCA_LOG_WARNING = 2,
	GXCA_LOG_INFO = 3,
	GXCA_LOG_DEBUG = 4
} gxca_log_level;

/**
 * Log callback: level, a message that always starts with a code name when it
 * reports a failure, and the payload given to gxca_ctx_set_log(). Never
 * receives a PIN or key material.
 */
typedef void (*gxca_log_fn)(int level, const char *message, void *payload);

/**
 * Make a context with the built-in policy and Chinese messages.
 * Returns GXCA_OK, GXCA_EINVAL (out is NULL) or GXCA_ENOMEM.
 * The caller frees it with gxca_ctx_free().
 */
GXCA_API int gxca_ctx_new(gxca_ctx **out) GXCA_WARN_UNUSED;

/** Free a context; NULL is a no-op. Objects made from it must be freed first. */
GXCA_API void gxca_ctx_free(gxca_ctx *ctx);

/** Set the message language (GXCA_LANG_ZH or GXCA_LANG_EN). */
GXCA_API int gxca_ctx_set_lang(gxca_ctx *ctx, int lang) GXCA_WARN_UNUSED;
GXCA_API int gxca_ctx_lang(const gxca_ctx *ctx);

/** Install (or remove, with fn NULL) a log callback. */
GXCA_API int gxca_ctx_set_log(gxca_ctx *ctx, gxca_log_fn fn, int max_level,
			      void *payload) GXCA_WARN_UNUSED;

/**
 * The failure of the last call made with this context (or an object made
 * from it). Borrowed, never NULL even for a NULL ctx; reset to GXCA_OK on
 * entry to every call.
 */
GXCA_API const gxca_error *gxca_ctx_last_error(const gxca_ctx *ctx);

GXCA_END_DECLS

#endif /* GXCA_CTX_H */
