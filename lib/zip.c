/*
 * lib/zip.c — a minimal ZIP writer on zlib's raw deflate (see zip-private.h).
 *
 * Layout (APPNOTE 4.3.6): for each member a local file header, its name and
 * its data; then the central directory (one header per member) and the end
 * of central directory record. Sizes and CRC are known before the local
 * header is written, so no data descriptor (bit 3) is needed.
 */
#include "zip-private.h"

#include <limits.h>
#include <string.h>

#include <zlib.h>

#define LOCAL_SIG 0x04034b50u
#define CENTRAL_SIG 0x02014b50u
#define END_SIG 0x06054b50u
#define LOCAL_LEN 30u
#define CENTRAL_LEN 46u
#define END_LEN 22u
#define FLAG_UTF8 0x0800u              /* general purpose bit 11: names are UTF-8 */
#define MADE_BY ((3u << 8) | 30u)      /* Unix host, spec 3.0: unzip honours the mode */
#define MODE_0644 (0100644u << 16)     /* regular file rw-r--r-- in the external attributes */
/* zlib counts in uInt: feed it at most this much at a time. */
#define ZCHUNK (1u << 30)

/* Route zlib's allocations through ours so allocation-failure tests reach them. */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return size && items > SIZE_MAX / size ? NULL : gxca__malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	gxca__free(p);
}

static uint32_t crc_of(const uint8_t *p, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	while (len) {
		uInt n = len > ZCHUNK ? ZCHUNK : (uInt)len;
		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)crc;
}

/*
 * Raw-deflate in into out (capacity cap). Returns 1 with *out_len when the
 * whole stream fit, 0 when it did not (it would not be smaller than cap),
 * or a negative GXCA_E* code.
 */
static int deflate_into(gxca_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
			size_t *out_len)
{
	z_stream s = {.zalloc = z_alloc, .zfree = z_free};
	int zrc = deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	if (zrc == Z_MEM_ERROR)
		return gxca__oom(ctx);
	if (zrc != Z_OK)
		return gxca__failf(ctx, GXCA_EGENERIC, "zlib", "zlib 初始化失败（%d）",
				   "zlib deflateInit2 failed (%d)", zrc, zrc);
	size_t in_left = len, out_left = cap;
	s.next_in = (Bytef *)(uintptr_t)in; /* zlib's API is not const-correct */
	s.next_out = out;
	int fits = 1;
	do {
		if (!s.avail_in && in_left) {
			s.avail_in = in_left > ZCHUNK ? ZCHUNK : (uInt)in_left;
			in_left -= s.avail_in;
		}
		if (!s.avail_out) {
			if (!out_left) {
				fits = 0;
				break;
			}
			s.avail_out = out_left > ZCHUNK ? ZCHUNK : (uInt)out_left;
			out_left -= s.avail_out;
		}
		zrc = deflate(&s, in_left ? Z_NO_FLUSH : Z_FINISH);
	} while (zrc == Z_OK);
	*out_len = (size_t)s.total_out;
	deflateEnd(&s);
	if (fits && zrc != Z_STREAM_END)
		return gxca__failf(ctx, GXCA_EGENERIC, "zlib", "zlib 压缩失败（%d）",
				   "zlib deflate failed (%d)", zrc, zrc);
	return fits;
}

/* A member name that unpacks inside the target directory on any system:
 * relative, no backslash, no control character, no ".." component. */
static bool name_safe(const char *name)
{
	if (!*name || *name == '/')
		return false;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	for (const char *p = name;;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static int check_name(gxca_ctx *ctx, const char *name)
{
	int rc = gxca__check_str(ctx, "name", name, GXCA__ZIP_MAX_NAME);
	if (!rc && !name_safe(name))
		rc = gxca__fail(ctx, GXCA_EINVAL, "name", "压缩包内文件名无效",
				"invalid member name in the archive");
	return rc;
}

void gxca__zip_entry_clear(struct gxca__zip_entry *e)
{
	if (!e)
		return;
	gxca__free(e->name);
	gxca__free(e->data);
	memset(e, 0, sizeof *e);
}

int gxca__zip_entry_init(gxca_ctx *ctx, struct gxca__zip_entry *e, const char *name,
			 const uint8_t *data, size_t len)
{
	if (!e || (!data && len))
		return gxca__fail(ctx, GXCA_EINVAL, "data", NULL, NULL);
	memset(e, 0, sizeof *e);
	int rc = check_name(ctx, name);
	if (rc)
		return rc;
	if (len > GXCA__ZIP_MAX_SIZE)
		return gxca__fail(ctx, GXCA_ETOOBIG, "data", "文件达到 4 GiB，不支持 ZIP64",
				  "a member of 4 GiB or more needs ZIP64, which is not supported");
	e->name = gxca__strdup(name);
	/* Deflate into a buffer the size of the input: if the stream does not
	 * fit, compression does not pay and the member is stored instead. */
	e->data = gxca__malloc(len);
	if (!e->name || !e->data) {
		gxca__zip_entry_clear(e);
		return gxca__oom(ctx);
	}
	size_t clen = 0;
	rc = len ? deflate_into(ctx, data, len, e->data, len, &clen) : 0;
	if (rc < 0) {
		gxca__zip_entry_clear(e);
		return rc;
	}
	if (rc == 1 && clen < len) {
		e->method = 8;
		e->data_len = (uint32_t)clen;
	} else {
		if (len)
			memcpy(e->data, data, len);
		e->method = 0;
		e->data_len = (uint32_t)len;
	}
	e->crc = crc_of(data, len);
	e->size = (uint32_t)len;
	return GXCA_OK;
}

int gxca__zip_dos_time(int64_t t, uint16_t *dos_date, uint16_t *dos_time)
{
	/* 1980-01-01 00:00 and 2107-12-31 23:59:59 in UTC+8. */
	const int64_t lo = 315532800 - GXCA_TZ_OFFSET_SECONDS;
	const int64_t hi = 4354819199 - GXCA_TZ_OFFSET_SECONDS;
	if (t < lo || t > hi)
		return GXCA_ERANGE;
	int64_t local = t + GXCA_TZ_OFFSET_SECONDS;
	int64_t days = local / 86400, sec = local % 86400;
	int y, m, d;
	gxca__civil_from_days(days, &y, &m, &d);
	*dos_date = (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
	*dos_time = (uint16_t)(((sec / 3600) << 11) | ((sec / 60 % 60) << 5) | (sec % 60 / 2));
	return GXCA_OK;
}

static uint8_t *put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, v & 0xffffu);
	return put16(p, v >> 16);
}

/* The fields shared by the local and central headers, from "version needed" to "extra length". */
static uint8_t *put_common(uint8_t *p, const struct gxca__zip_entry *e, uint16_t date,
			   uint16_t dtime)
{
	p = put16(p, e->method == 8 ? 20 : 10);
	p = put16(p, FLAG_UTF8);
	p = put16(p, e->method);
	p = put16(p, dtime);
	p = put16(p, date);
	p = put32(p, e->crc);
	p = put32(p, e->data_len);
	p = put32(p, e->size);
	p = put16(p, (unsigned)strlen(e->name));
	return put16(p, 0);
}

/* Total archive size, or 0 when it would need ZIP64. */
static uint64_t archive_size(const struct gxca__zip_entry *const *e, size_t n)
{
	uint64_t total = END_LEN;
	for (size_t i = 0; i < n; i++) {
		total += LOCAL_LEN + CENTRAL_LEN + 2 * (uint64_t)strlen(e[i]->name) + e[i]->data_len;
		if (total > GXCA__ZIP_MAX_SIZE)
			return 0;
	}
	return total;
}

int gxca__zip_write(gxca_ctx *ctx, const struct gxca__zip_entry *const *e, size_t n,
		    int64_t unix_time, uint8_t **out, size_t *out_len)
{
	if (!out || !out_len || (!e && n))
		return gxca__fail(ctx, GXCA_EINVAL, "out", NULL, NULL);
	*out = NULL;
	*out_len = 0;
	if (n > GXCA__ZIP_MAX_ENTRIES)
		return gxca__fail(ctx, GXCA_ETOOBIG, "zip", "压缩包内文件超过 65535 个",
				  "more than 65535 members need ZIP64, which is not supported");
	for (size_t i = 0; i < n; i++)
		if (!e[i] || !e[i]->name || (!e[i]->data && e[i]->data_len))
			return gxca__fail(ctx, GXCA_EINVAL, "entries", NULL, NULL);
	uint16_t date, dtime;
	if (gxca__zip_dos_time(unix_time, &date, &dtime))
		return gxca__fail(ctx, GXCA_ERANGE, "unix_time", "ZIP 时间须在 1980 至 2107 年之间",
				  "a ZIP time must fall between 1980 and 2107");
	uint64_t total = archive_size(e, n);
	if (!total)
		return gxca__fail(ctx, GXCA_ETOOBIG, "zip", "压缩包将达到 4 GiB，不支持 ZIP64",
				  "the archive would reach 4 GiB, which needs ZIP64 (not supported)");
	uint8_t *buf = gxca__malloc((size_t)total), *p = buf;
	if (!buf)
		return gxca__oom(ctx);
	uint32_t *offset = gxca__calloc(n, sizeof *offset);
	if (!offset) {
		gxca__free(buf);
		return gxca__oom(ctx);
	}
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(e[i]->name);
		offset[i] = (uint32_t)(p - buf);
		p = put_common(put32(p, LOCAL_SIG), e[i], date, dtime);
		memcpy(p, e[i]->name, nl);
		p += nl;
		if (e[i]->data_len)
			memcpy(p, e[i]->data, e[i]->data_len);
		p += e[i]->data_len;
	}
	uint8_t *central = p;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(e[i]->name);
		p = put_common(put16(put32(p, CENTRAL_SIG), MADE_BY), e[i], date, dtime);
		p = put16(p, 0); /* comment length */
		p = put16(p, 0); /* disk number start */
		p = put16(p, 0); /* internal attributes */
		p = put32(p, MODE_0644);
		p = put32(p, offset[i]);
		memcpy(p, e[i]->name, nl);
		p += nl;
	}
	uint32_t central_len = (uint32_t)(p - central), central_off = (uint32_t)(central - buf);
	p = put16(put16(put32(p, END_SIG), 0), 0);
	p = put16(put16(p, (unsigned)n), (unsigned)n);
	p = put16(put32(put32(p, central_len), central_off), 0);
	gxca__free(offset);
	*out = buf;
	*out_len = (size_t)(p - buf);
	return GXCA_OK;
}
