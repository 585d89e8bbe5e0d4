/*
 * lib/registry-private.h — the certificate registry behind the CA.
 *
 * The CA (ca.c) talks to its registry only through this small interface,
 * a table of operations, so that a second backend (PostgreSQL, for CAs that
 * outgrow one machine) can be added without touching the CA: see
 * doc/cert-profile.md, "Registry". The only backend today is SQLite
 * (registry.c).
 *
 * Every operation runs inside gxca__registry_txn(): one transaction that the
 * backend retries as a whole while the store is busy (other threads or
 * processes writing), so callers never see "busy" unless the store stays
 * locked for longer than GXCA__REG_BUSY_LIMIT_MS. The transaction function
 * must therefore be repeatable: it may only change the registry and its own
 * arg, and must reset what it puts into arg.
 *
 * A registry handle belongs to one thread at a time (like its ctx).
 */
#ifndef GXCA_REGISTRY_PRIVATE_H
#define GXCA_REGISTRY_PRIVATE_H

#include "gxca-private.h"

#define GXCA__REG_BUSY_LIMIT_MS 60000
#define GXCA__SERIAL_MAX 64

/* Certificate status values stored in the registry (= gxca_ca_status). */
#define GXCA__ST_VALID 1
#define GXCA__ST_REVOKED 2

/* One certificate with its revocation data. Text fields are owned by the
 * row when it was read (gxca__cert_row_clear frees them), borrowed when the
 * row is written. Times are Unix seconds, 0 = not set. */
struct gxca__cert_row {
	char serial[GXCA__SERIAL_MAX];
	char *subject, *holder_id, *application_id, *token_serial, *replaces;
	int business, usage, key_alg, status;
	bool master;
	int64_t not_before, not_after, issued_at;
	uint8_t *der;
	size_t der_len;
	/* revocation */
	int reason; /* -1 = no revocation recorded */
	int64_t incident_at, requested_at, request_deadline, approved_at, revoke_deadline, revoked_at;
};

/* A recorded business that changed no certificate (UNLOCK) or any event. */
struct gxca__event {
	int64_t at;
	const char *serial, *application_id, *token_serial, *note;
	int business;
};

/* Selection for gxca__registry ops->cert_foreach. NULL / 0 = any. */
struct gxca__cert_filter {
	const char *application_id;
	const char *holder_id;
	int status;
	int64_t overdue_at; /* approved, not revoked, revoke_deadline < overdue_at */
	bool revoked_only;  /* status revoked with a revocation date (CRL) */
};

/* cb may move the row out (take its pointers and zero it). */
typedef int (*gxca__cert_cb)(struct gxca__cert_row *row, void *arg);

struct gxca__registry;
typedef int (*gxca__reg_txn_fn)(struct gxca__registry *reg, void *arg);

struct gxca__registry_ops {
	const char *name;
	void (*close)(struct gxca__registry *reg);
	/* One transaction around fn (write: the write lock is taken at the start),
	 * committed when fn returns GXCA_OK, rolled back otherwise; the whole of
	 * it is retried while the store is busy. */
	int (*txn)(struct gxca__registry *reg, bool write, gxca__reg_txn_fn fn, void *arg);
	/* Key/value facts about the registry (e.g. the CA it belongs to).
	 * meta_get: *value caller-freed, GXCA_ENOTFOUND when absent. */
	int (*meta_get)(struct gxca__registry *reg, const char *key, char **value);
	int (*meta_set)(struct gxca__registry *reg, const char *key, const char *value);
	/* Insert a new certificate; GXCA_ECA_SERIAL_COLLISION when its serial exists. */
	int (*cert_insert)(struct gxca__registry *reg, const struct gxca__cert_row *row);
	/* Read one certificate (with its DER when with_der); GXCA_ENOTFOUND. */
	int (*cert_get)(struct gxca__registry *reg, const char *serial, bool with_der,
			struct gxca__cert_row *row);
	/* Certificates issued for (application, business, usage). */
	int (*cert_count)(struct gxca__registry *reg, const char *application_id, int business,
			  int usage, int64_t *count);
	/* Whether the holder has a valid (not revoked, not expired at now) master certificate. */
	int (*holder_has_master)(struct gxca__registry *reg, const char *holder_id, int usage,
				 int64_t now, bool *has);
	/* Rows in serial order without DER; cb returning non-zero stops with that code. */
	int (*cert_foreach)(struct gxca__registry *reg, const struct gxca__cert_filter *f,
			    gxca__cert_cb cb, void *arg);
	/* Store the revocation fields and status of row->serial. */
	int (*revocation_put)(struct gxca__registry *reg, const struct gxca__cert_row *row);
	/* Allocate the next CRL number and record the CRL. */
	int (*crl_next)(struct gxca__registry *reg, int64_t this_update, int64_t next_update,
			int64_t entries, int64_t *number);
	int (*event_add)(struct gxca__registry *reg, const struct gxca__event *ev);
};

struct gxca__registry {
	const struct gxca__registry_ops *ops;
	gxca_ctx *ctx; /* errors are recorded here */
};

/*
 * Open (creating and migrating as needed) the registry at location: a file
 * path, a "file:" URI (parameter sync=full makes every commit durable
 * against power loss; the default survives process crashes) or ":memory:".
 * Errors: GXCA_EREG_OPEN, GXCA_EREG_CORRUPT (not a registry), GXCA_EREG_SCHEMA,
 * GXCA_EREG_READONLY, GXCA_EREG_IO, GXCA_EUNSUPPORTED (another backend's URL).
 */
int gxca__registry_open(gxca_ctx *ctx, const char *location, struct gxca__registry **out);
void gxca__registry_close(struct gxca__registry *reg);
static inline int gxca__registry_txn(struct gxca__registry *reg, bool write, gxca__reg_txn_fn fn, void *arg)
{
	return reg->ops->txn(reg, write, fn, arg);
}
void gxca__cert_row_clear(struct gxca__cert_row *row);

/* The schema version this library writes. */
#define GXCA__REG_SCHEMA_VERSION 1

#endif
