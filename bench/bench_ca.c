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

#include <sqlite3.h>

#include "bench.h"

struct job {
	gxca_ca *ca;
	sqlite3 *db; /* a second connection, for the checkpoints */
	gxca_issue_options opts;
	EVP_PKEY *ca_key;
	EVP_MD_CTX *tmpl;
	size_t batch;  /* certificates per gxca_ca_issue_batch */
	unsigned char *tbs;
	int tbs_len;
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

static int checkpoint(struct job *j)
{
	return sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK;
}

static int issue_n(void *arg, long n)
{
	struct job *j = arg;
	for (long i = 0; i < n; i++) {
		gxca_cert *c = NULL;
		if (gxca__ca_issue_subject(j->ca, GXCA_BIZ_NEW, some_holder(), NULL, &j->opts, &c))
			return 1;
		gxca_cert_free(c);
	}
	return checkpoint(j);
}

#define BATCH_MAX 1024
/* Timed runs of at least ~0.5 s. The rates fall as the registry grows
 * (random serials spread the index writes over more pages, checkpoints
 * copy more): the number of rows at the end is printed with them. */
#define RUN_SECONDS 0.5

static int issue_batch_n(void *arg, long n)
{
	struct job *j = arg;
	static const struct gxca__issue_subject *si[BATCH_MAX];
	static const gxca_issue_options *opts[BATCH_MAX];
	static gxca_cert *out[BATCH_MAX];
	for (size_t i = 0; i < j->batch; i++)
		opts[i] = &j->opts;
	for (long done = 0; done < n; done += (long)j->batch) {
		size_t k = (size_t)(n - done) < j->batch ? (size_t)(n - done) : j->batch;
		for (size_t i = 0; i < k; i++)
			si[i] = some_holder();
		if (gxca__ca_issue_batch(j->ca, k, si, opts, out))
			return 1;
		for (size_t i = 0; i < k; i++)
			gxca_cert_free(out[i]);
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

static void bench_alg(int alg, const char *dir)
{
	gxca_ctx *ctx = NULL;
	char reg[512];
	snprintf(reg, sizeof reg, "%s/registry-%s.db", dir, gxca_key_alg_name(alg));
	unlink(reg);
	struct job j = {0};
	gxca_key *leaf = NULL;
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	if (gxca_ctx_new(&ctx) || gxca_ca_create(&j.ca, ctx, NULL, alg, reg) ||
	    gxca_key_generate(&leaf, ctx, alg) || gxca_key_public_der(leaf, &spki, &spki_len) ||
	    gxca_issue_options_init(&j.opts, GXCA_ISSUE_OPTIONS_VERSION)) {
		printf("%-8s setup failed: %s\n", gxca_key_alg_name(alg), gxca_error_message(gxca_ctx_last_error(ctx)));
		return;
	}
	j.opts.request = spki;
	j.opts.request_len = spki_len;
	if (sqlite3_open(reg, &j.db) != SQLITE_OK) {
		printf("%-8s cannot open %s\n", gxca_key_alg_name(alg), reg);
		return;
	}
	/* raw baseline: the TBS of a real certificate, the CA's own key */
	gxca_cert *c = NULL;
	if (gxca__ca_issue_subject(j.ca, GXCA_BIZ_NEW, &subject, NULL, &j.opts, &c)) {
		printf("%-8s issue failed: %s\n", gxca_key_alg_name(alg), gxca_error_message(gxca_ctx_last_error(ctx)));
		return;
	}
	X509 *x = gxca__cert_x509(c);
	j.tbs_len = x ? i2d_re_X509_tbs(x, &j.tbs) : -1;
	j.tmpl = gxca__pkey_md_ctx(ctx, j.ca->key->pkey, true);
	gxca_cert_free(c);
	double raw = bench_rate(raw_sign_n, &j, 5, 0.3);
	double issued = bench_rate(issue_n, &j, 5, RUN_SECONDS);
	j.batch = 64;
	double batched = bench_rate(issue_batch_n, &j, 5, RUN_SECONDS);
	j.batch = BATCH_MAX;
	double big = bench_rate(issue_batch_n, &j, 5, RUN_SECONDS);
	sqlite3_stmt *count = NULL;
	long long rows = -1;
	if (sqlite3_prepare_v2(j.db, "SELECT count(*) FROM certificates", -1, &count, NULL) == SQLITE_OK &&
	    sqlite3_step(count) == SQLITE_ROW)
		rows = sqlite3_column_int64(count, 0);
	sqlite3_finalize(count);
	printf("%-8s raw sign %6.0f /s   issued+committed: one by one %6.0f /s %.2f   batches of 64 %6.0f /s %.2f   "
	       "of %d %6.0f /s %.2f   (%lld rows at the end, TBS %d bytes)\n",
	       gxca_key_alg_name(alg), raw, issued, raw > 0 ? issued / raw : 0, batched, raw > 0 ? batched / raw : 0,
	       BATCH_MAX, big, raw > 0 ? big / raw : 0, rows, j.tbs_len);
	OPENSSL_free(j.tbs);
	EVP_MD_CTX_free(j.tmpl);
	gxca_free(spki);
	gxca_key_free(leaf);
	gxca_ca_free(j.ca);
	sqlite3_close(j.db);
	gxca_ctx_free(ctx);
	unlink(reg);
	char side[600];
	snprintf(side, sizeof side, "%s-wal", reg);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", reg);
	unlink(side);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	const char *only = argc > 2 ? argv[2] : NULL; /* an algorithm name, for profiling one */
	static const int algs[] = {GXCA_KEY_SM2, GXCA_KEY_EC_P256, GXCA_KEY_RSA2048};
	make_holders();
	printf("bench_ca: registry files in %s (WAL, synchronous=NORMAL), %d holders; medians of 5 runs\n", dir, HOLDERS);
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (!only || strcmp(only, gxca_key_alg_name(algs[i])) == 0)
			bench_alg(algs[i], dir);
	return 0;
}
