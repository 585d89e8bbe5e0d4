/*
 * lib/memory.c — the library's allocator, with a test hook to fail the n-th
 * allocation, and a small growable buffer.
 */
#include "gxca-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per thread so that threaded tests do not disturb each other. */
static _Thread_local long fail_countdown = -1;
static _Thread_local long alloc_count;

long gxca__alloc_fail_after(long n)
{
	long made = alloc_count;
	alloc_count = 0;
	fail_countdown = n;
	return made;
}

static bool should_fail(void)
{
	alloc_count++;
	if (fail_countdown < 0)
		return false;
	if (fail_countdown == 0)
		return true; /* keep failing: a retry must not succeed by accident */
	fail_countdown--;
	return false;
}

void *gxca__malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *gxca__calloc(size_t nmemb, size_t size)
{
	return should_fail() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *gxca__realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *gxca__strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, n);
	char *d = gxca__malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

char *gxca__strdup(const char *s)
{
	return s ? gxca__strndup(s, strlen(s)) : NULL;
}

void gxca__free(void *p) { free(p); }
void gxca_free(void *ptr) { free(ptr); }

static bool buf_reserve(gxca__buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *d = gxca__realloc(b->data, cap);
	if (!d) {
		b->failed = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void gxca__buf_reserve(gxca__buf *b, size_t n)
{
	(void)buf_reserve(b, n);
}

void gxca__buf_append(gxca__buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void gxca__buf_puts(gxca__buf *b, const char *s)
{
	gxca__buf_append(b, s, strlen(s));
}

void gxca__buf_printf(gxca__buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void gxca__buf_free(gxca__buf *b)
{
	gxca__free(b->data);
	memset(b, 0, sizeof *b);
}

char *gxca__buf_steal(gxca__buf *b)
{
	if (b->failed || !buf_reserve(b, 0)) {
		gxca__buf_free(b);
		return NULL;
	}
	char *d = b->data;
	memset(b, 0, sizeof *b);
	return d;
}

int gxca__read_file(gxca_ctx *ctx, const char *path, size_t max, gxca__buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gxca__failf(ctx, GXCA_EIO, "path", "无法打开 %s：%s", "cannot open %s: %s", path,
				   strerror(errno), path, strerror(errno));
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b->len <= max)
		gxca__buf_append(b, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return gxca__failf(ctx, GXCA_EIO, "path", "读取 %s 失败", "cannot read %s", path, path);
	if (b->failed)
		return gxca__oom(ctx);
	if (b->len > max)
		return gxca__failf(ctx, GXCA_ETOOBIG, "path", "%s 过大", "%s is too large", path, path);
	return GXCA_OK;
}
