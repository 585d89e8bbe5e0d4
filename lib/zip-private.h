/*
 * lib/zip-private.h — a minimal ZIP writer (PKWARE APPNOTE 6.3.x subset).
 *
 * Enough for the mail package: members compressed with zlib's raw deflate
 * (method 8) or stored (method 0) when deflate would not shrink them, UTF-8
 * names (general purpose bit 11), DOS date/time in Asia/Shanghai, Unix mode
 * 0644 in the external attributes. No ZIP64: an archive that would reach
 * 4 GiB, a member of 4 GiB or more, or more than 65535 members is refused
 * with GXCA_ETOOBIG. No encryption, no data descriptors, no comments.
 *
 * A member is compressed once (gxca__zip_entry_init) and can then be
 * placed in any number of archives (gxca__zip_write), so a package can take
 * its scans one by one and pick the archive time at the end.
 */
#ifndef GXCA_ZIP_PRIVATE_H
#define GXCA_ZIP_PRIVATE_H

#include "gxca-private.h"

/* Largest member or archive size without ZIP64 (0xFFFFFFFF is the ZIP64 marker). */
#define GXCA__ZIP_MAX_SIZE 0xFFFFFFFEu
#define GXCA__ZIP_MAX_ENTRIES 0xFFFFu
#define GXCA__ZIP_MAX_NAME 0xFFFFu

struct gxca__zip_entry {
	char *name;        /* UTF-8, owned */
	uint32_t crc;      /* CRC-32 of the uncompressed bytes */
	uint32_t size;     /* uncompressed size */
	uint16_t method;   /* 0 stored, 8 deflated */
	uint8_t *data;     /* compressed (or stored) bytes, owned */
	uint32_t data_len;
};

/*
 * Compress data into e (zeroed by the caller or cleared). name: non-empty
 * valid UTF-8 relative path without "..", "\\" or a leading "/".
 * Returns GXCA_OK, GXCA_EINVAL, GXCA_EENCODING, GXCA_ETOOBIG, GXCA_ENOMEM or
 * GXCA_EGENERIC (zlib failure); on failure e is left cleared.
 */
int gxca__zip_entry_init(gxca_ctx *ctx, struct gxca__zip_entry *e, const char *name,
			 const uint8_t *data, size_t len);
/* Free what e owns and zero it; NULL or a zeroed entry is fine. */
void gxca__zip_entry_clear(struct gxca__zip_entry *e);

/*
 * Lay out n entries (in that order) as one archive with every member dated
 * unix_time (shown in Asia/Shanghai time, which DOS time cannot label).
 * *out (caller frees with gxca__free) and *out_len on success.
 * Returns GXCA_OK, GXCA_EINVAL, GXCA_ERANGE (time outside 1980..2107),
 * GXCA_ETOOBIG (ZIP64 would be needed; also duplicate-free is the caller's
 * job) or GXCA_ENOMEM.
 */
int gxca__zip_write(gxca_ctx *ctx, const struct gxca__zip_entry *const *e, size_t n,
		    int64_t unix_time, uint8_t **out, size_t *out_len);

/* DOS date and time of unix_time in Asia/Shanghai; GXCA_ERANGE outside 1980..2107. */
int gxca__zip_dos_time(int64_t unix_time, uint16_t *dos_date, uint16_t *dos_time);

#endif /* GXCA_ZIP_PRIVATE_H */
