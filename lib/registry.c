/*
 * lib/registry.c — the certificate registry on SQLite (the interface is in
 * registry-private.h; the design note in doc/cert-profile.md).
 *
 * Crash safety: a certificate reaches its caller only after the transaction
 * holding its row has committed (WAL journal), so a kill -9 at any moment
 * leaves either both or neither; serials are UNIQUE. Concurrency: every
 * transaction that writes starts with BEGIN IMMEDIATE (the write lock at
 * once, so it can never fail half-way on a lock upgrade), SQLite's busy
 * timeout waits for other writers, and the whole transaction is retried
 * with jittered back-off when the store still reports busy (e.g. during
 * WAL recovery after a crash) — SQLITE_BUSY never reaches the caller.
 */
#include "registry-private.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 5000
/* Checkpoint the WAL into the database every this many pages (SQLite's
 * default is 1000): each checkpoint syncs twice and copies every page
 * changed since the last one, and the index pages that random serials
 * touch are copied fewer times when checkpoints are rarer. bench_ca, which
 * pays for a full checkpoint in every timed run: P-256 in batches 0.30x the
 * raw signature rate at 4000 pages, 0.35x at 16000. The WAL file grows to
 * 64 MB. */
#define WAL_CHECKPOINT_PAGES 16000
#define GXCA__STR2(x) #x
#define GXCA__STR(x) GXCA__STR2(x)

enum stmt_id {
	S_META_GET, S_META_SET, S_CERT_INSERT, S_CERT_GET, S_CERT_COUNT, S_HOLDER_MASTER,
	S_CERT_LIST, S_REV_PUT, S_STATUS_SET, S_CRL_NEXT, S_CRL_INSERT, S_EVENT, S_BEGIN_READ, S_BEGIN_WRITE,
	S_COMMIT, S__COUNT
};

#define ROW_COLUMNS                                                                        \
	"c.serial, c.subject, c.holder_id, c.application_id, c.business, c.token_serial, " \
	"c.master, c.usage, c.key_alg, c.not_before, c.not_after, c.issued_at, c.status, "  \
	"c.replaces, r.reason, r.incident_at, r.requested_at, r.request_deadline, "        \
	"r.approved_at, r.revoke_deadline, r.revoked_at"
#define COL_DER 21

static const char *const stmt_sql[S__COUNT] = {
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
		       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[S_CERT_INSERT] = "INSERT INTO certificates(serial, subject, holder_id, application_id, "
			  "business, token_serial, master, usage, key_alg, not_before, not_after, "
			  "issued_at, status, replaces, der) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[S_CERT_GET] = "SELECT " ROW_COLUMNS ", CASE WHEN ?2 THEN c.der END FROM certificates c "
		       "LEFT JOIN revocations r ON r.serial = c.serial WHERE c.serial = ?1",
	[S_CERT_COUNT] = "SELECT count(*) FROM certificates "
			 "WHERE application_id = ?1 AND business = ?2 AND usage = ?3",
	[S_HOLDER_MASTER] = "SELECT 1 FROM certificates WHERE holder_id = ?1 AND usage = ?2 "
			    "AND master = 1 AND status = 1 AND not_after > ?3 LIMIT 1",
	[S_CERT_LIST] = "SELECT " ROW_COLUMNS " FROM certificates c "
			"LEFT JOIN revocations r ON r.serial = c.serial "
			"WHERE (?1 IS NULL OR c.application_id = ?1) AND (?2 IS NULL OR c.holder_id = ?2) "
			"AND (?3 = 0 OR c.status = ?3) "
			"AND (?4 = 0 OR (r.approved_at IS NOT NULL AND r.revoked_at IS NULL "
			"AND r.revoke_deadline < ?4)) "
			"AND (?5 = 0 OR (c.status = 2 AND r.revoked_at IS NOT NULL)) ORDER BY c.serial",
	[S_REV_PUT] = "INSERT INTO revocations(serial, reason, incident_at, requested_at, "
		      "request_deadline, approved_at, revoke_deadline, revoked_at) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(serial) DO UPDATE SET "
		      "reason = excluded.reason, incident_at = excluded.incident_at, "
		      "requested_at = excluded.requested_at, request_deadline = excluded.request_deadline, "
		      "approved_at = excluded.approved_at, revoke_deadline = excluded.revoke_deadline, "
		      "revoked_at = excluded.revoked_at",
	[S_STATUS_SET] = "UPDATE certificates SET status = ?2 WHERE serial = ?1",
	[S_CRL_NEXT] = "SELECT coalesce(max(number), 0) + 1 FROM crls",
	[S_CRL_INSERT] = "INSERT INTO crls(number, this_update, next_update, entries) VALUES (?1, ?2, ?3, ?4)",
	[S_EVENT] = "INSERT INTO events(at, serial, application_id, business, token_serial, note) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* prepared once: parsing them for every transaction is a tenth of a commit */
	[S_BEGIN_READ] = "BEGIN",
	[S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
};

/* Schema migrations: migrations[v] takes a registry from version v to v + 1. */
static const char *const migrations[GXCA__REG_SCHEMA_VERSION] = {
	"CREATE TABLE schema_version(version INTEGER NOT NULL);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE certificates("
	" id INTEGER PRIMARY KEY,"
	" serial TEXT NOT NULL UNIQUE,"
	" subject TEXT NOT NULL,"
	" holder_id TEXT NOT NULL,"
	" application_id TEXT,"
	" business INTEGER NOT NULL CHECK (business BETWEEN 1 AND 5),"
	" token_serial TEXT,"
	" master INTEGER NOT NULL CHECK (master IN (0, 1)),"
	" usage INTEGER NOT NULL,"
	" key_alg INTEGER NOT NULL,"
	" not_before INTEGER NOT NULL,"
	" not_after INTEGER NOT NULL,"
	" issued_at INTEGER NOT NULL,"
	" status INTEGER NOT NULL CHECK (status IN (1, 2)),"
	" replaces TEXT REFERENCES certificates(serial),"
	" der BLOB NOT NULL);"
	"CREATE INDEX certificates_app ON certificates(application_id, business, usage);"
	"CREATE INDEX certificates_holder ON certificates(holder_id, usage);"
	"CREATE TABLE revocations("
	" serial TEXT PRIMARY KEY REFERENCES certificates(serial),"
	" reason INTEGER NOT NULL,"
	" incident_at INTEGER, requested_at INTEGER, request_deadline INTEGER,"
	" approved_at INTEGER, revoke_deadline INTEGER, revoked_at INTEGER);"
	"CREATE TABLE crls(number INTEGER PRIMARY KEY, this_update INTEGER NOT NULL,"
	" next_update INTEGER NOT NULL, entries INTEGER NOT NULL);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	" serial TEXT REFERENCES certificates(serial), application_id TEXT,"
	" business INTEGER NOT NULL, token_serial TEXT, note TEXT);",
};

struct sq {
	struct gxca__registry base; /* first: the CA holds a struct gxca__registry * */
	sqlite3 *db;
	sqlite3_stmt *stmt[S__COUNT];
	bool busy;        /* the last failure was a lock: retry the transaction */
	bool memory;      /* an in-memory database: a forked child has its own copy */
	uint32_t jitter;  /* back-off randomisation */
	pid_t pid;        /* the process that opened db */
	char *location;   /* as given, to open again in a forked child */
};

static struct sq *SQ(struct gxca__registry *r) { return (struct sq *)r; }

/* ---- errors ------------------------------------------------------------ */

static int sq_fail(struct sq *sq, int rc, const char *what)
{
	gxca_ctx *ctx = sq->base.ctx;
	int prim = rc & 0xff, code;
	const char *zh, *en;
	sq->busy = prim == SQLITE_BUSY || prim == SQLITE_LOCKED;
	switch (prim) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: code = GXCA_EREG_BUSY; zh = "证书登记库被锁定"; en = "the registry is locked"; break;
	case SQLITE_READONLY: code = GXCA_EREG_READONLY; zh = "证书登记库不可写"; en = "the registry is not writable"; break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: code = GXCA_EREG_CORRUPT; zh = "证书登记库文件已损坏或不是数据库"; en = "the registry file is corrupt or not a database"; break;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_AUTH: code = GXCA_EREG_OPEN; zh = "无法打开证书登记库"; en = "cannot open the registry"; break;
	case SQLITE_NOMEM: return gxca__oom(ctx);
	default: code = GXCA_EREG_IO; zh = "证书登记库读写失败"; en = "registry storage failure"; break;
	}
	gxca__fail(ctx, code, "registry", zh, en);
	gxca__set_detail(ctx, what);
	gxca__set_detail(ctx, sq->db ? sqlite3_errmsg(sq->db) : sqlite3_errstr(rc));
	return code;
}

static int exec(struct sq *sq, const char *sql)
{
	int rc = sqlite3_exec(sq->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? GXCA_OK : sq_fail(sq, rc, sql);
}

/* A prepared statement, reset and unbound, made on first use and kept. */
static sqlite3_stmt *stmt(struct sq *sq, enum stmt_id id, int *rc)
{
	sqlite3_stmt *s = sq->stmt[id];
	if (!s) {
		int r = sqlite3_prepare_v3(sq->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
		if (r != SQLITE_OK) {
			*rc = sq_fail(sq, r, "prepare");
			return NULL;
		}
		sq->stmt[id] = s;
	}
	*rc = GXCA_OK;
	return s;
}

static void done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Step a statement that returns no row. */
static int step_done(struct sq *sq, sqlite3_stmt *s, const char *what)
{
	int r = sqlite3_step(s);
	done(s);
	return r == SQLITE_DONE ? GXCA_OK : sq_fail(sq, r, what);
}

/* Bind text, or NULL for a NULL / empty string. */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Bind a time, or NULL for 0. */
static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* ---- transactions ---------------------------------------------------------- */

/* Step one of the statements without parameters or rows. */
static int run(struct sq *sq, enum stmt_id id)
{
	int rc;
	sqlite3_stmt *s = stmt(sq, id, &rc);
	return s ? step_done(sq, s, stmt_sql[id]) : rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void back_off(struct sq *sq, int attempt)
{
	sq->jitter = sq->jitter * 1103515245u + 12345u;
	long cap_ms = attempt < 6 ? 1L << attempt : 50;
	long ms = 1 + (long)((sq->jitter >> 8) % (uint32_t)cap_ms);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int sq_connect(struct sq *sq);
static int configure(struct sq *sq);

/* Finalize the statements and close the connection (this process's own). */
static void sq_disconnect(struct sq *sq)
{
	for (size_t i = 0; i < S__COUNT; i++)
		sqlite3_finalize(sq->stmt[i]);
	memset(sq->stmt, 0, sizeof sq->stmt);
	sqlite3_close_v2(sq->db);
	sq->db = NULL;
}

/* SQLite forbids carrying a connection across fork(): POSIX locks are not
 * inherited, so parent and child would not see each other's locks, and
 * whichever closed last would checkpoint and delete the WAL the other still
 * writes to (committed rows lost). A forked child therefore opens its own
 * connection on first use and abandons the inherited one unclosed. */
static int sq_own(struct sq *sq)
{
	if (sq->pid == getpid() || sq->memory)
		return GXCA_OK;
	memset(sq->stmt, 0, sizeof sq->stmt); /* the parent's, never finalized here */
	sq->db = NULL;
	sq->jitter ^= (uint32_t)getpid();
	int rc = sq_connect(sq);
	if (!rc)
		rc = configure(sq);
	if (rc) {
		sq_disconnect(sq); /* the next transaction tries again */
		return rc;
	}
	sq->pid = getpid();
	return GXCA_OK;
}

static int sq_txn(struct gxca__registry *r, bool write, gxca__reg_txn_fn fn, void *arg)
{
	struct sq *sq = SQ(r);
	int own = sq_own(sq);
	if (own)
		return own;
	int64_t deadline = now_ms() + GXCA__REG_BUSY_LIMIT_MS;
	for (int attempt = 0;; attempt++) {
		sq->busy = false;
		int rc = run(sq, write ? S_BEGIN_WRITE : S_BEGIN_READ);
		if (!rc) {
			rc = fn(r, arg);
			if (!rc)
				rc = run(sq, S_COMMIT);
			if (rc && !sqlite3_get_autocommit(sq->db))
				sqlite3_exec(sq->db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (!rc && attempt > 0)
			gxca__clear(r->ctx); /* a busy attempt before is no failure */
		if (!rc || !sq->busy || now_ms() > deadline)
			return rc;
		back_off(sq, attempt);
	}
}

/* ---- operations ---------------------------------------------------------------- */

static int sq_meta_get(struct gxca__registry *r, const char *key, char **value)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_META_GET, &rc);
	if (!s)
		return rc;
	*value = NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int st = sqlite3_step(s);
	if (st == SQLITE_ROW) {
		*value = gxca__strdup((const char *)sqlite3_column_text(s, 0));
		rc = *value ? GXCA_OK : gxca__oom(r->ctx);
	} else {
		rc = st == SQLITE_DONE ? GXCA_ENOTFOUND : sq_fail(sq, st, "meta");
	}
	done(s);
	return rc;
}

static int sq_meta_set(struct gxca__registry *r, const char *key, const char *value)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_META_SET, &rc);
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return step_done(sq, s, "meta");
}

static int sq_cert_insert(struct gxca__registry *r, const struct gxca__cert_row *row)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_CERT_INSERT, &rc);
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, row->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, row->subject ? row->subject : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, row->holder_id ? row->holder_id : "", -1, SQLITE_STATIC);
	bind_text(s, 4, row->application_id);
	sqlite3_bind_int(s, 5, row->business);
	bind_text(s, 6, row->token_serial);
	sqlite3_bind_int(s, 7, row->master);
	sqlite3_bind_int(s, 8, row->usage);
	sqlite3_bind_int(s, 9, row->key_alg);
	sqlite3_bind_int64(s, 10, row->not_before);
	sqlite3_bind_int64(s, 11, row->not_after);
	sqlite3_bind_int64(s, 12, row->issued_at);
	sqlite3_bind_int(s, 13, row->status);
	bind_text(s, 14, row->replaces);
	sqlite3_bind_blob64(s, 15, row->der, row->der_len, SQLITE_STATIC);
	int st = sqlite3_step(s);
	int ext = sqlite3_extended_errcode(sq->db);
	done(s);
	if (st == SQLITE_DONE)
		return GXCA_OK;
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return gxca__failf(r->ctx, GXCA_ECA_SERIAL_COLLISION, "serial",
				   "序列号 %s 已在登记库中", "serial %s is already in the registry",
				   row->serial);
	return sq_fail(sq, st, "insert certificate");
}

static char *col_text(sqlite3_stmt *s, int i, bool *oom)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	if (!t)
		return NULL;
	char *d = gxca__strdup((const char *)t);
	if (!d)
		*oom = true;
	return d;
}

static int64_t col_time(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, i);
}

static bool read_row(sqlite3_stmt *s, struct gxca__cert_row *row, bool with_der)
{
	bool oom = false;
	memset(row, 0, sizeof *row);
	snprintf(row->serial, sizeof row->serial, "%s", (const char *)sqlite3_column_text(s, 0));
	row->subject = col_text(s, 1, &oom);
	row->holder_id = col_text(s, 2, &oom);
	row->application_id = col_text(s, 3, &oom);
	row->business = sqlite3_column_int(s, 4);
	row->token_serial = col_text(s, 5, &oom);
	row->master = sqlite3_column_int(s, 6) != 0;
	row->usage = sqlite3_column_int(s, 7);
	row->key_alg = sqlite3_column_int(s, 8);
	row->not_before = sqlite3_column_int64(s, 9);
	row->not_after = sqlite3_column_int64(s, 10);
	row->issued_at = sqlite3_column_int64(s, 11);
	row->status = sqlite3_column_int(s, 12);
	row->replaces = col_text(s, 13, &oom);
	row->reason = sqlite3_column_type(s, 14) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 14);
	row->incident_at = col_time(s, 15);
	row->requested_at = col_time(s, 16);
	row->request_deadline = col_time(s, 17);
	row->approved_at = col_time(s, 18);
	row->revoke_deadline = col_time(s, 19);
	row->revoked_at = col_time(s, 20);
	int n = with_der ? sqlite3_column_bytes(s, COL_DER) : 0;
	if (n > 0 && (row->der = gxca__malloc((size_t)n))) {
		memcpy(row->der, sqlite3_column_blob(s, COL_DER), (size_t)n);
		row->der_len = (size_t)n;
	} else if (n > 0) {
		oom = true;
	}
	if (oom)
		gxca__cert_row_clear(row);
	return !oom;
}

void gxca__cert_row_clear(struct gxca__cert_row *row)
{
	if (!row)
		return;
	gxca__free(row->subject);
	gxca__free(row->holder_id);
	gxca__free(row->application_id);
	gxca__free(row->token_serial);
	gxca__free(row->replaces);
	gxca__free(row->der);
	memset(row, 0, sizeof *row);
	row->reason = -1;
}

static int sq_cert_get(struct gxca__registry *r, const char *serial, bool with_der,
		       struct gxca__cert_row *row)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_CERT_GET, &rc);
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, with_der);
	int st = sqlite3_step(s);
	if (st == SQLITE_ROW)
		rc = read_row(s, row, with_der) ? GXCA_OK : gxca__oom(r->ctx);
	else if (st == SQLITE_DONE)
		rc = gxca__failf(r->ctx, GXCA_ENOTFOUND, "serial", "登记库中没有序列号为 %s 的证书",
				 "no certificate with serial %s in the registry", serial);
	else
		rc = sq_fail(sq, st, "read certificate");
	done(s);
	return rc;
}

/* A statement returning one integer (count or flag); *out 0 when no row. */
static int one_int(struct sq *sq, sqlite3_stmt *s, int64_t *out, const char *what)
{
	int st = sqlite3_step(s);
	*out = st == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	done(s);
	return st == SQLITE_ROW || st == SQLITE_DONE ? GXCA_OK : sq_fail(sq, st, what);
}

static int sq_cert_count(struct gxca__registry *r, const char *app_id, int business, int usage,
			 int64_t *count)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_CERT_COUNT, &rc);
	if (!s)
		return rc;
	bind_text(s, 1, app_id);
	sqlite3_bind_int(s, 2, business);
	sqlite3_bind_int(s, 3, usage);
	return one_int(sq, s, count, "count certificates");
}

static int sq_holder_has_master(struct gxca__registry *r, const char *holder, int usage, int64_t now,
				bool *has)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_HOLDER_MASTER, &rc);
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, holder, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, usage);
	sqlite3_bind_int64(s, 3, now);
	int64_t v = 0;
	rc = one_int(sq, s, &v, "find master certificate");
	*has = v != 0;
	return rc;
}

static int sq_cert_foreach(struct gxca__registry *r, const struct gxca__cert_filter *f, gxca__cert_cb cb,
			   void *arg)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_CERT_LIST, &rc);
	if (!s)
		return rc;
	bind_text(s, 1, f->application_id);
	bind_text(s, 2, f->holder_id);
	sqlite3_bind_int(s, 3, f->status);
	sqlite3_bind_int64(s, 4, f->overdue_at);
	sqlite3_bind_int(s, 5, f->revoked_only);
	int st;
	while (!rc && (st = sqlite3_step(s)) == SQLITE_ROW) {
		struct gxca__cert_row row;
		if (!read_row(s, &row, false)) {
			rc = gxca__oom(r->ctx);
			break;
		}
		rc = cb(&row, arg);
		gxca__cert_row_clear(&row);
	}
	if (!rc && st != SQLITE_DONE)
		rc = sq_fail(sq, st, "list certificates");
	done(s);
	return rc;
}

static int sq_revocation_put(struct gxca__registry *r, const struct gxca__cert_row *row)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_REV_PUT, &rc);
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, row->serial, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, row->reason < 0 ? 0 : row->reason);
	bind_time(s, 3, row->incident_at);
	bind_time(s, 4, row->requested_at);
	bind_time(s, 5, row->request_deadline);
	bind_time(s, 6, row->approved_at);
	bind_time(s, 7, row->revoke_deadline);
	bind_time(s, 8, row->revoked_at);
	if ((rc = step_done(sq, s, "record revocation")))
		return rc;
	if (!(s = stmt(sq, S_STATUS_SET, &rc)))
		return rc;
	sqlite3_bind_text(s, 1, row->serial, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, row->status);
	return step_done(sq, s, "set status");
}

static int sq_crl_next(struct gxca__registry *r, int64_t this_update, int64_t next_update, int64_t entries,
		       int64_t *number)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_CRL_NEXT, &rc);
	if (!s || (rc = one_int(sq, s, number, "CRL number")))
		return rc;
	if (!(s = stmt(sq, S_CRL_INSERT, &rc)))
		return rc;
	sqlite3_bind_int64(s, 1, *number);
	sqlite3_bind_int64(s, 2, this_update);
	sqlite3_bind_int64(s, 3, next_update);
	sqlite3_bind_int64(s, 4, entries);
	return step_done(sq, s, "record CRL");
}

static int sq_event_add(struct gxca__registry *r, const struct gxca__event *ev)
{
	struct sq *sq = SQ(r);
	int rc;
	sqlite3_stmt *s = stmt(sq, S_EVENT, &rc);
	if (!s)
		return rc;
	sqlite3_bind_int64(s, 1, ev->at);
	bind_text(s, 2, ev->serial);
	bind_text(s, 3, ev->application_id);
	sqlite3_bind_int(s, 4, ev->business);
	bind_text(s, 5, ev->token_serial);
	bind_text(s, 6, ev->note);
	return step_done(sq, s, "record event");
}

static void sq_close(struct gxca__registry *r)
{
	struct sq *sq = SQ(r);
	if (sq->pid == getpid() || sq->memory) /* a forked child leaves its parent's alone */
		sq_disconnect(sq);
	gxca__free(sq->location);
	gxca__free(sq);
}

static const struct gxca__registry_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.txn = sq_txn,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.cert_insert = sq_cert_insert,
	.cert_get = sq_cert_get,
	.cert_count = sq_cert_count,
	.holder_has_master = sq_holder_has_master,
	.cert_foreach = sq_cert_foreach,
	.revocation_put = sq_revocation_put,
	.crl_next = sq_crl_next,
	.event_add = sq_event_add,
};

/* ---- open, schema and migrations ---------------------------------------------- */

/* Version of the schema in the store: 0 for an empty database; a database
 * holding other tables is not ours. */
static int read_version(struct gxca__registry *r, void *arg)
{
	struct sq *sq = SQ(r);
	int64_t *version = arg, n = 0;
	sqlite3_stmt *s = NULL;
	int st = sqlite3_prepare_v2(sq->db, "SELECT (SELECT count(*) FROM sqlite_master WHERE name = "
				    "'schema_version'), (SELECT count(*) FROM sqlite_master WHERE name "
				    "NOT LIKE 'sqlite_%')", -1, &s, NULL);
	if (st == SQLITE_OK && (st = sqlite3_step(s)) == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 1);
		*version = sqlite3_column_int64(s, 0) ? -1 : 0;
		st = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (st != SQLITE_OK)
		return sq_fail(sq, st, "read schema");
	if (*version == 0 && n > 0)
		return gxca__fail(r->ctx, GXCA_EREG_CORRUPT, "registry", "该数据库不是证书登记库",
				  "the database is not a certificate registry");
	if (*version == 0)
		return GXCA_OK;
	if ((st = sqlite3_prepare_v2(sq->db, "SELECT max(version) FROM schema_version", -1, &s, NULL)) == SQLITE_OK)
		st = sqlite3_step(s);
	*version = st == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	if (st != SQLITE_ROW)
		return sq_fail(sq, st, "read schema version");
	return GXCA_OK;
}

static int too_new(gxca_ctx *ctx, int64_t v)
{
	return gxca__failf(ctx, GXCA_EREG_SCHEMA, "registry", "登记库版本 %lld 高于本库支持的 %d",
			   "registry schema version %lld is newer than this library's %d", (long long)v,
			   GXCA__REG_SCHEMA_VERSION);
}

static int migrate(struct gxca__registry *r, void *arg)
{
	struct sq *sq = SQ(r);
	int64_t v = 0;
	int rc = read_version(r, &v); /* again: another process may have migrated meanwhile */
	if (rc || v == GXCA__REG_SCHEMA_VERSION)
		return rc;
	if (v > GXCA__REG_SCHEMA_VERSION || v < 0)
		return too_new(r->ctx, v);
	for (; v < GXCA__REG_SCHEMA_VERSION; v++)
		if ((rc = exec(sq, migrations[v])))
			return rc;
	char sql[96];
	snprintf(sql, sizeof sql, "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
		 GXCA__REG_SCHEMA_VERSION);
	(void)arg;
	return exec(sq, sql);
}

/* PRAGMAs; journal_mode may be busy while another connection recovers. */
static int configure(struct sq *sq)
{
	const char *sync = sqlite3_uri_parameter(sqlite3_db_filename(sq->db, "main"), "sync");
	const char *sync_sql = sync && strcmp(sync, "full") == 0 ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
	int64_t deadline = now_ms() + GXCA__REG_BUSY_LIMIT_MS;
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = exec(sq, "PRAGMA journal_mode=WAL");
		if (!rc || !sq->busy || now_ms() > deadline)
			break;
		back_off(sq, attempt);
	}
	if (!rc)
		rc = exec(sq, "PRAGMA foreign_keys=ON");
	if (!rc)
		rc = exec(sq, sync_sql);
	if (!rc)
		rc = exec(sq, "PRAGMA wal_autocheckpoint=" GXCA__STR(WAL_CHECKPOINT_PAGES));

	return rc;
}

static int open_schema(struct sq *sq)
{
	int64_t v = 0;
	int rc = configure(sq);
	if (!rc)
		rc = sq_txn(&sq->base, false, read_version, &v);
	if (rc || v == GXCA__REG_SCHEMA_VERSION)
		return rc;
	if (v > GXCA__REG_SCHEMA_VERSION || v < 0)
		return too_new(sq->base.ctx, v);
	return sq_txn(&sq->base, true, migrate, NULL);
}

/* Open sq->db on sq->location (the PRAGMAs are configure()'s). */
static int sq_connect(struct sq *sq)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	int st = sqlite3_open_v2(sq->location, &sq->db, flags, NULL);
	if (st != SQLITE_OK)
		return sq_fail(sq, st, sq->location);
	sqlite3_extended_result_codes(sq->db, 1);
	sqlite3_busy_timeout(sq->db, BUSY_TIMEOUT_MS);
	return GXCA_OK;
}

int gxca__registry_open(gxca_ctx *ctx, const char *location, struct gxca__registry **out)
{
	*out = NULL;
	if (strstr(location, "://") && strncmp(location, "file:", 5) != 0)
		return gxca__failf(ctx, GXCA_EUNSUPPORTED, "registry", "不支持的登记库地址 %s（只支持 SQLite）",
				   "unsupported registry location %s (only SQLite is built in)", location);
	struct sq *sq = gxca__calloc(1, sizeof *sq);
	if (!sq)
		return gxca__oom(ctx);
	sq->base.ops = &sqlite_ops;
	sq->base.ctx = ctx;
	sq->jitter = (uint32_t)(uintptr_t)sq ^ (uint32_t)now_ms();
	sq->pid = getpid();
	sq->location = gxca__strdup(location);
	int rc = sq->location ? sq_connect(sq) : gxca__oom(ctx);
	if (!rc) {
		const char *file = sqlite3_db_filename(sq->db, "main");
		sq->memory = !file || !*file;
		rc = open_schema(sq);
	}
	if (rc) {
		sq_close(&sq->base);
		return rc;
	}
	*out = &sq->base;
	return GXCA_OK;
}

void gxca__registry_close(struct gxca__registry *reg)
{
	if (reg)
		reg->ops->close(reg);
}
