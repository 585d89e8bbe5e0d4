/*
 * lib/error.c — status codes (from errors.def) and the ctx's last error.
 */
#include "gxca-private.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

struct code_entry {
	int code;
	const char *name, *en, *zh;
};

static const struct code_entry codes[] = {
#define X(name, value, en, zh) {value, #name, en, zh},
#include "errors.def"
#undef X
};

static const struct code_entry *lookup(int code)
{
	for (size_t i = 0; i < GXCA_ARRAY_LEN(codes); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

const char *gxca_strerror(int code, gxca_lang lang)
{
	const struct code_entry *e = lookup(code);
	if (!e)
		return lang == GXCA_LANG_EN ? "unknown error" : "未知错误";
	return lang == GXCA_LANG_EN ? e->en : e->zh;
}

const char *gxca_error_name_of(int code)
{
	const struct code_entry *e = lookup(code);
	return e ? e->name : "GXCA_EUNKNOWN";
}

/* Returned for a NULL ctx: a valid, empty error. */
static const struct gxca_error no_error = {0};

int gxca_error_code(const gxca_error *err) { return err ? err->code : GXCA_EINVAL; }
const char *gxca_error_name(const gxca_error *err) { return gxca_error_name_of(gxca_error_code(err)); }

const char *gxca_error_message_lang(const gxca_error *err, gxca_lang lang)
{
	if (!err)
		return gxca_strerror(GXCA_EINVAL, lang);
	const char *m = lang == GXCA_LANG_EN ? err->en : err->zh;
	return m[0] ? m : gxca_strerror(err->code, lang);
}

/* The language lives on the ctx; the error is embedded in it. */
const char *gxca_error_message(const gxca_error *err)
{
	if (!err || err == &no_error)
		return gxca_error_message_lang(err, GXCA_LANG_ZH);
	const gxca_ctx *ctx = (const gxca_ctx *)((const char *)err - offsetof(gxca_ctx, err));
	return gxca_error_message_lang(err, (gxca_lang)ctx->lang);
}

const char *gxca_error_field(const gxca_error *err) { return err ? err->field : ""; }
const char *gxca_error_detail(const gxca_error *err) { return err ? err->detail : ""; }
unsigned long gxca_error_ck_rv(const gxca_error *err) { return err ? err->ck_rv : 0; }

const gxca_error *gxca_ctx_last_error(const gxca_ctx *ctx)
{
	return ctx ? &ctx->err : &no_error;
}

void gxca__clear(gxca_ctx *ctx)
{
	if (!ctx)
		return;
	ctx->err.code = GXCA_OK;
	ctx->err.ck_rv = 0;
	ctx->err.field[0] = ctx->err.zh[0] = ctx->err.en[0] = ctx->err.detail[0] = '\0';
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int gxca__fail(gxca_ctx *ctx, int code, const char *field, const char *zh, const char *en)
{
	if (!ctx)
		return code;
	gxca__clear(ctx);
	ctx->err.code = code;
	copy_str(ctx->err.field, sizeof ctx->err.field, field);
	copy_str(ctx->err.zh, sizeof ctx->err.zh, zh);
	copy_str(ctx->err.en, sizeof ctx->err.en, en);
	gxca__log(ctx, GXCA_LOG_DEBUG, "%s: %s%s%s", gxca_error_name_of(code),
		  gxca_error_message_lang(&ctx->err, GXCA_LANG_EN), field && *field ? " @ " : "",
		  field ? field : "");
	return code;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int gxca__failf(gxca_ctx *ctx, int code, const char *field, const char *zh_fmt,
		const char *en_fmt, ...)
{
	char zh[sizeof ctx->err.zh], en[sizeof ctx->err.en];
	va_list ap, ap2;
	va_start(ap, en_fmt);
	va_copy(ap2, ap);
	vsnprintf(zh, sizeof zh, zh_fmt, ap);
	vsnprintf(en, sizeof en, en_fmt, ap2);
	va_end(ap2);
	va_end(ap);
	return gxca__fail(ctx, code, field, zh, en);
}

void gxca__log(gxca_ctx *ctx, int level, const char *fmt, ...)
{
	if (!ctx || !ctx->log_fn || level > ctx->log_level)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ctx->log_fn(level, msg, ctx->log_payload);
}
#pragma GCC diagnostic pop

void gxca__set_detail(gxca_ctx *ctx, const char *detail)
{
	if (!ctx || !detail)
		return;
	size_t used = strlen(ctx->err.detail);
	snprintf(ctx->err.detail + used, sizeof ctx->err.detail - used, "%s%s",
		 used ? "; " : "", detail);
}

void gxca__set_ck_rv(gxca_ctx *ctx, unsigned long rv)
{
	if (ctx)
		ctx->err.ck_rv = rv;
}

int gxca__fail_ossl(gxca_ctx *ctx, int code, const char *field, const char *zh, const char *en)
{
	gxca__fail(ctx, code, field, zh, en);
	unsigned long e;
	char line[256];
	/* Oldest first: the root cause is usually at the bottom of the stack. */
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, line, sizeof line);
		gxca__set_detail(ctx, line);
	}
	return code;
}

int gxca__oom(gxca_ctx *ctx)
{
	return gxca__fail(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
}
