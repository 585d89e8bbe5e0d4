/*
 * tests/unit/test-registry.c — the SQLite registry: schema and migrations,
 * corrupt / foreign / newer / read-only stores, and the two promises of
 * issue 3:
 *   - crash safety: a child issuing in a loop is killed with SIGKILL at
 *     random moments, many times (every other round issuing in batches of
 *     8); afterwards every certificate it handed out
 *     has its row, every row holds a certificate with its serial, no serial
 *     is duplicated, and the file passes integrity_check;
 *   - concurrency: threads (each with its own ctx and CA) and processes
 *     issuing into one file, and a writer holding the lock: no BUSY error,
 *     no lost row, no duplicate.
 */
#include "ca-util.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <sqlite3.h>

#define KILL_ROUNDS 30
#define THREADS 4
#define PROCS 3
#define PER_WORKER 40

static char dir[64], reg_path[128], chain_path[128], key_path[128];

static void setup(void)
{
	tu_tmpdir(dir, sizeof dir);
	snprintf(reg_path, sizeof reg_path, "%s/registry.db", dir);
	snprintf(chain_path, sizeof chain_path, "%s/chain.pem", dir);
	snprintf(key_path, sizeof key_path, "%s/ca.key", dir);
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = NULL;
	ck_assert_int_eq(gxca_ca_create(&ca, ctx, dir, GXCA_KEY_SM2, reg_path), GXCA_OK);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

/* A holder without a count limit, for issuing in loops (internal entry). */
static const struct gxca__issue_subject loop_subject = {
	.applicant = GXCA_APPLICANT_ORG, .application_id = "GXLOOP", .org_name = "压力测试有限公司",
	.uscc = ORG_USCC, .province = "江苏省", .city = "南通市", .years = 1};

static int issue_one(gxca_ca *ca, const gxca_issue_options *o, gxca_cert **out)
{
	return gxca__ca_issue_subject(ca, GXCA_BIZ_NEW, &loop_subject, NULL, o, out);
}

static gxca_ca *open_ca(gxca_ctx *ctx)
{
	gxca_ca *ca = NULL;
	return gxca_ca_open(&ca, ctx, chain_path, key_path, NULL, reg_path) == GXCA_OK ? ca : NULL;
}

static sqlite3 *raw_open(void)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(reg_path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* integrity, no duplicate serial, every row's DER is a certificate with that serial. */
static int64_t check_registry(void)
{
	sqlite3 *db = raw_open();
	sqlite3_stmt *s = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) - count(DISTINCT serial) FROM certificates"), 0);
	gxca_ctx *ctx = test_ctx();
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT serial, der FROM certificates", -1, &s, NULL), SQLITE_OK);
	int64_t rows = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		gxca_cert *c = NULL;
		ck_assert_int_eq(gxca_cert_from_der(&c, ctx, sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1)),
				 GXCA_OK);
		ck_assert_str_eq(gxca_cert_serial(c), (const char *)sqlite3_column_text(s, 0));
		gxca_cert_free(c);
		rows++;
	}
	sqlite3_finalize(s);
	gxca_ctx_free(ctx);
	sqlite3_close(db);
	return rows;
}

static bool has_serial(sqlite3 *db, const char *serial)
{
	sqlite3_stmt *s = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT 1 FROM certificates WHERE serial = ?1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/* ---- kill -9 ------------------------------------------------------------------------ */

/* Issue one batch of KILL_BATCH and write the serials handed out. */
#define KILL_BATCH 8
static bool issue_batch_report(gxca_ca *ca, const gxca_issue_options *o, int fd)
{
	const struct gxca__issue_subject *si[KILL_BATCH];
	const gxca_issue_options *opts[KILL_BATCH];
	gxca_cert *out[KILL_BATCH];
	for (int i = 0; i < KILL_BATCH; i++) {
		si[i] = &loop_subject;
		opts[i] = o;
	}
	if (gxca__ca_issue_batch(ca, KILL_BATCH, si, opts, out) != GXCA_OK)
		return false;
	char lines[KILL_BATCH * 80];
	size_t n = 0;
	for (int i = 0; i < KILL_BATCH; i++) {
		n += (size_t)snprintf(lines + n, sizeof lines - n, "%s\n", gxca_cert_serial(out[i]));
		gxca_cert_free(out[i]);
	}
	return write(fd, lines, n) == (ssize_t)n;
}

/* The child: issue forever, one by one or in batches, reporting each
 * certificate it was handed. */
static void crash_child(int fd, bool batches)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK)
		_exit(3);
	gxca_ca *ca = open_ca(ctx);
	if (!ca)
		_exit(4);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	if (write(fd, "R\n", 2) != 2)
		_exit(5);
	for (;;) {
		if (batches) {
			if (!issue_batch_report(ca, &o, fd))
				_exit(8);
			continue;
		}
		gxca_cert *c = NULL;
		if (issue_one(ca, &o, &c) != GXCA_OK)
			_exit(6);
		char line[80];
		int n = snprintf(line, sizeof line, "%s\n", gxca_cert_serial(c));
		gxca_cert_free(c);
		if (write(fd, line, (size_t)n) != n)
			_exit(7);
	}
}

/* Read everything the child wrote until it died; returns the buffer. */
static char *drain(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (cap - n < 256)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void wait_ready(int fd)
{
	char c = 0;
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_int_eq(c, 'R');
	ck_assert_int_eq(read(fd, &c, 1), 1);
}

START_TEST(test_kill9)
{
	unsigned seed = (unsigned)time(NULL);
	int64_t reported = 0;
	sqlite3 *db = NULL;
	/* KILL_ROUNDS rounds, fewer (at least 5) when slow (valgrind): ~12 s at most */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int round = 0;
	for (; round < KILL_ROUNDS; round++) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (round >= 5 && now.tv_sec - start.tv_sec > 12)
			break;
		int p[2];
		ck_assert_int_eq(pipe(p), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(p[0]);
			crash_child(p[1], round % 2 == 1); /* every other round in batches */
		}
		close(p[1]);
		wait_ready(p[0]);
		struct timespec ts = {0, (long)(rand_r(&seed) % 25000) * 1000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status = 0;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status), "child exited by itself (%d)", WEXITSTATUS(status));
		size_t len = 0;
		char *serials = drain(p[0], &len);
		close(p[0]);
		/* every serial handed out (a complete line) has its row */
		db = raw_open();
		for (char *line = serials, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			ck_assert_msg(has_serial(db, line), "round %d: certificate %s has no row", round, line);
			reported++;
		}
		sqlite3_close(db);
		free(serials);
	}
	int64_t rows = check_registry();
	fprintf(stderr, "# kill -9: %d rounds, %lld certificates handed out, %lld rows\n", round,
		(long long)reported, (long long)rows);
	ck_assert_int_ge(rows, reported);
	ck_assert_int_gt(reported, 0);
	/* the CA still works on the file */
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = open_ca(ctx);
	ck_assert_ptr_nonnull(ca);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(issue_one(ca, &o, &c), GXCA_OK);
	gxca_cert_free(c);
	tu_opts_free(&o);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- concurrency -------------------------------------------------------------------- */

static void *thread_main(void *arg)
{
	int *failures = arg;
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) != GXCA_OK) {
		*failures = PER_WORKER;
		return NULL;
	}
	gxca_ca *ca = open_ca(ctx);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	for (int i = 0; i < PER_WORKER; i++) {
		gxca_cert *c = NULL;
		if (!ca || issue_one(ca, &o, &c) != GXCA_OK)
			(*failures)++;
		gxca_cert_free(c);
	}
	tu_opts_free(&o);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t t[THREADS];
	int failures[THREADS] = {0};
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_main, &failures[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(failures[i], 0);
	}
	ck_assert_int_eq(check_registry(), THREADS * PER_WORKER);
}
END_TEST

START_TEST(test_processes)
{
	pid_t pid[PROCS];
	for (int i = 0; i < PROCS; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			int failures = 0;
			thread_main(&failures);
			_exit(failures ? 1 : 0);
		}
	}
	int failures[THREADS] = {0};
	thread_main(&failures[0]); /* the parent issues too */
	ck_assert_int_eq(failures[0], 0);
	for (int i = 0; i < PROCS; i++) {
		int status = 0;
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(check_registry(), (PROCS + 1) * PER_WORKER);
}
END_TEST

/* A registry handle carried across fork(): the parent closes first, the
 * child writes after and ends without closing. With the parent's connection
 * reused in the child, the parent's close deleted the WAL the child then
 * committed into, and the commit was lost with the child. */
static int put_value(struct gxca__registry *r, void *arg)
{
	return r->ops->meta_set(r, "fork-test", arg);
}

static int get_value(struct gxca__registry *r, void *arg)
{
	char **out = arg;
	return r->ops->meta_get(r, "fork-test", out);
}

START_TEST(test_fork_child)
{
	gxca_ctx *ctx = test_ctx();
	struct gxca__registry *reg = NULL;
	ck_assert_int_eq(gxca__registry_open(ctx, reg_path, &reg), GXCA_OK);
	ck_assert_int_eq(gxca__registry_txn(reg, true, put_value, "parent"), GXCA_OK);
	int go[2];
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1) /* the parent has closed its connection */
			_exit(2);
		int rc = gxca__registry_txn(reg, true, put_value, "child");
		_exit(rc ? 1 : 0); /* a worker that ends without closing (or is killed) */
	}
	close(go[0]);
	gxca__registry_close(reg);
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	close(go[1]);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char *v = NULL;
	ck_assert_int_eq(gxca__registry_open(ctx, reg_path, &reg), GXCA_OK);
	ck_assert_int_eq(gxca__registry_txn(reg, false, get_value, &v), GXCA_OK);
	ck_assert_str_eq(v, "child"); /* the child's commit is there */
	gxca_free(v);
	gxca__registry_close(reg);
	gxca_ctx_free(ctx);
}
END_TEST

/* Another connection holds the write lock for a while: the CA waits, no BUSY. */
static void *hold_lock(void *arg)
{
	sqlite3 *db = arg;
	struct timespec ts = {0, 400 * 1000000L};
	nanosleep(&ts, NULL);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

START_TEST(test_lock_held)
{
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = open_ca(ctx);
	ck_assert_ptr_nonnull(ca);
	sqlite3 *db = raw_open();
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, hold_lock, db), 0);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(issue_one(ca, &o, &c), GXCA_OK);
	ck_assert_last_error(ctx, GXCA_OK);
	pthread_join(t, NULL);
	sqlite3_close(db);
	gxca_cert_free(c);
	tu_opts_free(&o);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
}
END_TEST

/* ---- broken stores: a clear error and nothing written ---------------------------------- */

static int create_on(const char *registry)
{
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = NULL;
	int rc = gxca_ca_open(&ca, ctx, chain_path, key_path, NULL, registry);
	ck_assert_int_eq(gxca_error_code(gxca_ctx_last_error(ctx)), rc);
	if (rc)
		ck_assert_str_ne(gxca_error_message(gxca_ctx_last_error(ctx)), "");
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
	return rc;
}

START_TEST(test_corrupt)
{
	char path[160];
	snprintf(path, sizeof path, "%s/garbage.db", dir);
	FILE *f = fopen(path, "wb");
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	ck_assert_int_eq(create_on(path), GXCA_EREG_CORRUPT);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 4096);
	/* a real SQLite database of something else */
	snprintf(path, sizeof path, "%s/other.db", dir);
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE invoices(id INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(create_on(path), GXCA_EREG_CORRUPT);
	/* an empty file is an empty database: migrated to the current schema */
	snprintf(path, sizeof path, "%s/empty.db", dir);
	fclose(fopen(path, "wb"));
	ck_assert_int_eq(create_on(path), GXCA_OK);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(raw_int(db, "SELECT version FROM schema_version"), GXCA__REG_SCHEMA_VERSION);
	sqlite3_close(db);
	ck_assert_int_eq(create_on("/nonexistent-dir/x/registry.db"), GXCA_EREG_OPEN);
	ck_assert_int_eq(create_on("postgresql://ca@db/gxca"), GXCA_EUNSUPPORTED);
}
END_TEST

START_TEST(test_schema_newer)
{
	sqlite3 *db = raw_open();
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE schema_version SET version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(create_on(reg_path), GXCA_EREG_SCHEMA);
}
END_TEST

START_TEST(test_read_only)
{
	char uri[256];
	snprintf(uri, sizeof uri, "file:%s?mode=ro", reg_path);
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = NULL;
	int rc = gxca_ca_open(&ca, ctx, chain_path, key_path, NULL, uri);
	if (rc == GXCA_OK) {
		/* reads work, writes are refused */
		gxca_ca_records *l = NULL;
		ck_assert_int_eq(gxca_ca_list(ca, NULL, &l), GXCA_OK);
		gxca_ca_records_free(l);
		gxca_issue_options o;
		tu_opts(&o, GXCA_KEY_SM2);
		gxca_cert *c = NULL;
		ck_assert_int_eq(issue_one(ca, &o, &c), GXCA_EREG_READONLY);
		ck_assert_ptr_null(c);
		tu_opts_free(&o);
		gxca_ca_free(ca);
	} else {
		ck_assert_int_eq(rc, GXCA_EREG_READONLY);
	}
	ck_assert_int_eq(check_registry(), 0);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_sync_full_uri)
{
	char uri[256];
	snprintf(uri, sizeof uri, "file:%s?sync=full", reg_path);
	gxca_ctx *ctx = test_ctx();
	gxca_ca *ca = NULL;
	ck_assert_int_eq(gxca_ca_open(&ca, ctx, chain_path, key_path, NULL, uri), GXCA_OK);
	gxca_issue_options o;
	tu_opts(&o, GXCA_KEY_SM2);
	gxca_cert *c = NULL;
	ck_assert_int_eq(issue_one(ca, &o, &c), GXCA_OK);
	gxca_cert_free(c);
	tu_opts_free(&o);
	gxca_ca_free(ca);
	gxca_ctx_free(ctx);
	ck_assert_int_eq(check_registry(), 1);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_schema_newer);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_sync_full_uri);
	tcase_add_test(tc, test_lock_held);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_processes);
	tcase_add_test(tc, test_fork_child);
	tcase_add_test(tc, test_kill9);
	suite_add_tcase(s, tc);
	return s;
}

MAIN(registry_suite)
