/*
 * bench/bench_ca.c — certificates per second, issued and committed to a
 * registry file (WAL, the default durability), for SM2, EC P-256 and
 * RSA-2048 CAs, one transaction per certificate (gxca_ca_issue) and one per
 * batch of 64 or 1024 (gxca_ca_issue_batch), beside the raw OpenSSL signature
 * rate of the same CA key over the same TBSCertificate bytes, measured in
 * the same run. Issuance takes a bare public key (a CSR would add one
 * signature verification per certificate).
 *
 *   ratio = issued/s ÷ raw sign/s     goals: SM2 >= 0.9, P-256 >= 0.5
 *   (batched: the kill -9 test of test-registry holds for batches too)
 *
 * Beside each, the registry alone: the same transactions with the same rows
 * (a real certificate's DER and subject, a fresh random serial each, the
 * same holders), nothing signed or encoded. Its time per row bounds the
 * ratio from above, whatever the library does about the certificate:
 *   best ratio = 1 / (1 + raw sign/s × registry s/row)
 * The two are timed in alternate runs of the same size through the same
 * registry connection, so that both see the registry at the same size (every
 * row makes the next one dearer: random serials and holders spread the
 * index writes over more pages). The registry is first filled with
 * PREFILL rows: an empty registry flatters everything.
 *
 * Every timed run ends with a checkpoint of the WAL into the database (from
 * a second connection), so that a run pays for all the writing it caused
 * and not only for what the library's automatic checkpoints did meanwhile.
 *
 * Prints figures, never asserts them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ca-private.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include "bench.h"

#define PREFILL 65536
#define BATCH_MAX 1024
#define RUNS 5

struct job {
	gxca_ca *ca;
	sqlite3 *db; /* a second connection, for the checkpoints */
	gxca_issue_options opts;
	EVP_MD_CTX *tmpl;
	unsigned char *tbs;
	int tbs_len;
	const char *subject; /* of a real certificate, for the registry alone */
	uint8_t *der;
	size_t der_len;
	size_t batch; /* certificates per transaction */
};

static const struct gxca__issue_subject subject = {
	.applicant = GXCA_APPLICANT_ORG, .application_id = "GXBENCH", .org_name = "南通通达建设工程有限公司",
	.uscc = "91320600MA1MX2K79C", .province = "江苏省", .city = "南通市", .years = 4};

/* Holders and applications all different, as in a real registry (each
 * index then grows at random places, not only the serials'), visited in a
 * scattered order. */
#define HOLDERS 4096
static struct holder {
	struct gxca__issue_subject si;
	char uscc[24], app[16], name[64];
} holders[HOLDERS];
static unsigned next_holder;

static void make_holders(void)
{
	for (unsigned i = 0; i < HOLDERS; i++) {
		struct holder *h = &holders[i];
		snprintf(h->uscc, sizeof h->uscc, "91320600MA%08X", i * 2654435761u);
		snprintf(h->app, sizeof h->app, "GX%08X", i * 40503u + 7u);
		snprintf(h->name, sizeof h->name, "南通第%u建设工程有限公司", i);
		h->si = subject;
		h->si.uscc = h->uscc;
		h->si.application_id = h->app;
		h->si.org_name = h->name;
	}
}

static const struct gxca__issue_subject *some_holder(void)
{
	next_holder = (next_holder + 1543) % HOLDERS; /* 1543 is prime to 4096 */
	return &holders[next_holder].si;
}

/* A connection that has not read the database yet does not know it is in
 * WAL mode, and its checkpoint is a no-op (the log size comes back as -1):
 * bench_alg reads the schema first, and a checkpoint that did nothing fails. */
static int checkpoint(struct job *j)
{
	int log = -1, done = -1;
	int rc = sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	return rc != SQLITE_OK || log < 0;
}

/* n certificates through the library, j->batch per transaction. */
static int issue_n(void *arg, long n)
{
	struct job *j = arg;
	static const struct gxca__issue_subject *si[BATCH_MAX];
	static const gxca_issue_options *opts[BATCH_MAX];
	static gxca_cert *out[BATCH_MAX];
	for (long done = 0; done < n; done += (long)j->batch) {
		size_t k = (size_t)(n - done) < j->batch ? (size_t)(n - done) : j->batch;
		for (size_t i = 0; i < k; i++) {
			si[i] = some_holder();
			opts[i] = &j->opts;
		}
		int rc = j->batch == 1 ? gxca__ca_issue_subject(j->ca, GXCA_BIZ_NEW, si[0], NULL, &j->opts, out)
				       : gxca__ca_issue_batch(j->ca, k, si, opts, out);
		if (rc)
			return 1;
		for (size_t i = 0; i < k; i++)
			gxca_cert_free(out[i]);
	}
	return checkpoint(j);
}

/* What issue_one() does in the write transaction for a NEW certificate. */
static int floor_row(struct gxca__registry *reg, const struct job *j)
{
	const struct gxca__issue_subject *si = some_holder();
	unsigned char r[16];
	if (RAND_bytes(r, sizeof r) != 1)
		return 1;
	struct gxca__cert_row row = {.business = GXCA_BIZ_NEW, .usage = GXCA_CERT_SIGN, .status = GXCA__ST_VALID,
				     .issued_at = 1790000000, .reason = -1, .not_before = 1790000000,
				     .not_after = 1916000000, .subject = (char *)j->subject, .key_alg = GXCA_KEY_EC_P256,
				     .holder_id = (char *)si->uscc, .application_id = (char *)si->application_id,
				     .der = j->der, .der_len = j->der_len};
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(row.serial + 2 * i, 3, "%02X", r[i] & (i ? 0xff : 0x7f));
	int64_t count = 0;
	bool has = false;
	if (reg->ops->cert_count(reg, si->application_id, GXCA_BIZ_NEW, GXCA_CERT_SIGN, &count) ||
	    reg->ops->holder_has_master(reg, si->uscc, GXCA_CERT_SIGN, 1790000000, &has))
		return 1;
	row.master = !has;
	return reg->ops->cert_insert(reg, &row);
}

static long floor_left; /* rows of the current transaction */

static int floor_txn(struct gxca__registry *reg, void *arg)
{
	for (long i = 0; i < floor_left; i++)
		if (floor_row(reg, arg))
			return GXCA_EGENERIC;
	return GXCA_OK;
}

/* n rows through the CA's own registry connection, j->batch per transaction. */
static int floor_n(void *arg, long n)
{
	struct job *j = arg;
	for (long done = 0; done < n; done += (long)j->batch) {
		floor_left = (size_t)(n - done) < j->batch ? n - done : (long)j->batch;
		if (gxca__registry_txn(j->ca->reg, true, floor_txn, j))
			return 1;
	}
	return checkpoint(j);
}

/* The same signature the CA makes: a copy of a prepared context, one DigestSign. */
static int raw_sign_n(void *arg, long n)
{
	struct job *j = arg;
	unsigned char sig[512];
	for (long i = 0; i < n; i++) {
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		size_t len = sizeof sig;
		int ok = m && EVP_MD_CTX_copy_ex(m, j->tmpl) == 1 &&
			 EVP_DigestSign(m, sig, &len, j->tbs, (size_t)j->tbs_len) == 1;
		EVP_MD_CTX_free(m);
		if (!ok)
			return 1;
	}
	return 0;
}

static long long rows_of(struct job *j)
{
	sqlite3_stmt *count = NULL;
	long long rows = -1;
	if (sqlite3_prepare_v2(j->db, "SELECT count(*) FROM certificates", -1, &count, NULL) == SQLITE_OK &&
	    sqlite3_step(count) == SQLITE_ROW)
		rows = sqlite3_column_int64(count, 0);
	sqlite3_finalize(count);
	return rows;
}

/* RUNS alternate runs of n certificates and n rows, j->batch per
 * transaction; medians in *issued and *alone (per second, 0 on failure). */
static void alternate(struct job *j, long n, double *issued, double *alone)
{
	double a[RUNS], b[RUNS];
	*issued = *alone = 0;
	for (int r = 0; r < RUNS; r++) {
		double t0 = bench_now();
		if (issue_n(j, n))
			return;
		double t1 = bench_now();
		if (floor_n(j, n))
			return;
		a[r] = (double)n / (t1 - t0);
		b[r] = (double)n / (bench_now() - t1);
	}
	qsort(a, RUNS, sizeof a[0], bench_cmp_double);
	qsort(b, RUNS, sizeof b[0], bench_cmp_double);
	*issued = a[RUNS / 2];
	*alone = b[RUNS / 2];
}

/* Runs a tenth of a second of raw signing long, whole batches of 1024. */
static long run_size(double raw)
{
	long n = ((long)(raw / 10) + BATCH_MAX - 1) / BATCH_MAX * BATCH_MAX;
	return n > BATCH_MAX ? n : BATCH_MAX;
}

static void measure(struct job *j, const char *alg, double raw)
{
	static const size_t batches[] = {1, 64, BATCH_MAX};
	long n = run_size(raw);
	printf("%-8s raw sign %6.0f /s   runs of %ld certificates\n", alg, raw, n);
	for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++) {
		j->batch = batches[i];
		long long before = rows_of(j);
		double issued, alone;
		alternate(j, n, &issued, &alone);
		char what[32];
		snprintf(what, sizeof what, batches[i] == 1 ? "one by one" : "batches of %zu", batches[i]);
		printf("  %-16s issued+committed %6.0f /s  ratio %.2f   registry alone %5.1f us/row, "
		       "best ratio %.2f   (rows %lld to %lld)\n",
		       what, issued, issued / raw, alone > 0 ? 1e6 / alone : 0, 1 / (1 + raw / (alone > 0 ? alone : 1)),
		       before, rows_of(j));
	}
}

/* The CA, its registry file, the checkpoint connection and the baseline. */
static int setup(struct job *j, gxca_ctx *ctx, int alg, const char *reg, gxca_key **leaf, uint8_t **spki,
		 gxca_cert **c)
{
	size_t spki_len = 0;
	if (gxca_ca_create(&j->ca, ctx, NULL, alg, reg) || gxca_key_generate(leaf, ctx, alg) ||
	    gxca_key_public_der(*leaf, spki, &spki_len) ||
	    gxca_issue_options_init(&j->opts, GXCA_ISSUE_OPTIONS_VERSION))
		return 1;
	j->opts.request = *spki;
	j->opts.request_len = spki_len;
	if (gxca__ca_issue_subject(j->ca, GXCA_BIZ_NEW, &subject, NULL, &j->opts, c) ||
	    gxca_cert_to_der(*c, &j->der, &j->der_len))
		return 1;
	j->subject = gxca_cert_subject(*c);
	if (sqlite3_open(reg, &j->db) != SQLITE_OK ||
	    sqlite3_exec(j->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	/* raw baseline: the TBS of a real certificate, the CA's own key */
	X509 *x = gxca__cert_x509(*c);
	j->tbs_len = x ? i2d_re_X509_tbs(x, &j->tbs) : -1;
	j->tmpl = gxca__pkey_md_ctx(ctx, j->ca->key->pkey, true);
	return j->tbs_len <= 0 || !j->tmpl;
}

static void remove_registry(const char *path)
{
	char side[600];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

static void bench_alg(int alg, const char *dir)
{
	const char *name = gxca_key_alg_name(alg);
	char reg[512];
	snprintf(reg, sizeof reg, "%s/registry-%s.db", dir, name);
	remove_registry(reg);
	struct job j = {.batch = BATCH_MAX};
	gxca_ctx *ctx = NULL;
	gxca_key *leaf = NULL;
	gxca_cert *c = NULL;
	uint8_t *spki = NULL;
	if (gxca_ctx_new(&ctx) || setup(&j, ctx, alg, reg, &leaf, &spki, &c) || floor_n(&j, PREFILL))
		printf("%-8s setup failed: %s\n", name, gxca_error_message(gxca_ctx_last_error(ctx)));
	else
		measure(&j, name, bench_rate(raw_sign_n, &j, RUNS, 0.3));
	OPENSSL_free(j.tbs);
	EVP_MD_CTX_free(j.tmpl);
	gxca_free(j.der);
	gxca_cert_free(c);
	gxca_free(spki);
	gxca_key_free(leaf);
	gxca_ca_free(j.ca);
	sqlite3_close(j.db);
	gxca_ctx_free(ctx);
	remove_registry(reg);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	const char *only = argc > 2 ? argv[2] : NULL; /* an algorithm name, for profiling one */
	static const int algs[] = {GXCA_KEY_SM2, GXCA_KEY_EC_P256, GXCA_KEY_RSA2048};
	make_holders();
	printf("bench_ca: registry files in %s (WAL, synchronous=NORMAL), %d holders, %d rows first; "
	       "medians of %d runs\n", dir, HOLDERS, PREFILL, RUNS);
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (!only || strcmp(only, gxca_key_alg_name(algs[i])) == 0)
			bench_alg(algs[i], dir);
	return 0;
}
