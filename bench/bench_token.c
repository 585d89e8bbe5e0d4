/*
 * bench/bench_token.c — token and envelope figures (prints, never asserts):
 *  1. signatures per second through the library (gxca_key_sign on a token
 *     key) beside the same key through libp11 directly, same run (goal >= 0.95x);
 *  2. envelope MB/s beside OpenSSL's raw cipher on the same data, each way
 *     (goal >= 0.8x), and beside read() of the same file + the raw cipher
 *     (what any file cipher pays: the copy out of the page cache);
 *  3. peak resident memory of a 1 GB envelope, encrypted from a generator
 *     and decrypted again (goal < 16 MB), in a child process.
 * Needs SoftHSM2 (tests/softhsm/setup.sh); temporary files go to /tmp.
 */
#include <gxca/gxca.h>

#include "bench.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libp11.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define PIN "24681357"
#define DATA_MB 256
#define BIG_MB 1024
#define CHUNK (64 * 1024)

static char dir[] = "/tmp/gxca-bench-XXXXXX";
static char module[512];

static void die(const char *what, gxca_ctx *ctx)
{
	fprintf(stderr, "bench_token: %s: %s %s\n", what, gxca_error_name(gxca_ctx_last_error(ctx)),
		gxca_error_message_lang(gxca_ctx_last_error(ctx), GXCA_LANG_EN));
	exit(1);
}

static int setup_softhsm(void)
{
	char cmd[1024], conf[600];
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof cmd, "sh '%s/tests/softhsm/setup.sh' '%s/hsm' bench", BENCH_SRCDIR, dir);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(module, sizeof module, p) || pclose(p) != 0)
		return -1;
	module[strcspn(module, "\n")] = '\0';
	snprintf(conf, sizeof conf, "%s/hsm/softhsm2.conf", dir);
	setenv("SOFTHSM2_CONF", conf, 1);
	return 0;
}

/* ---- 1. signatures ---- */

static const uint8_t msg[32] = "bid document digest input......";

static int sign_lib(void *arg, long n)
{
	for (long i = 0; i < n; i++) {
		uint8_t *sig = NULL;
		size_t len = 0;
		if (gxca_key_sign(arg, msg, sizeof msg, &sig, &len))
			return 1;
		gxca_free(sig);
	}
	return 0;
}

static int sign_p11(void *arg, long n)
{
	EVP_PKEY *pk = arg;
	unsigned char sig[512];
	for (long i = 0; i < n; i++) {
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		size_t len = sizeof sig;
		int ok = m && EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, pk) == 1 &&
			 EVP_DigestSign(m, sig, &len, msg, sizeof msg) == 1;
		EVP_MD_CTX_free(m);
		if (!ok)
			return 1;
	}
	return 0;
}

/* The same token key through libp11 directly (a second CTX on the module; never unloaded). */
static EVP_PKEY *p11_key(const char *label, unsigned char id)
{
	PKCS11_CTX *c = PKCS11_CTX_new();
	PKCS11_SLOT *slots = NULL;
	unsigned int ns = 0, nk = 0;
	PKCS11_KEY *keys = NULL;
	if (!c || PKCS11_CTX_load(c, module) || PKCS11_enumerate_slots(c, &slots, &ns))
		return NULL;
	PKCS11_SLOT *s = PKCS11_find_token(c, slots, ns);
	while (s && strcmp(s->token->label, label) != 0)
		s = PKCS11_find_next_token(c, slots, ns, s);
	/* No PKCS11_open_session here: it would close the library's sessions (C_CloseAllSessions). */
	if (!s || PKCS11_login(s, 0, PIN) || PKCS11_enumerate_keys(s->token, &keys, &nk))
		return NULL;
	for (unsigned int i = 0; i < nk; i++)
		if (keys[i].id_len == 1 && keys[i].id[0] == id)
			return PKCS11_get_private_key(&keys[i]);
	return NULL;
}

static void bench_sign(gxca_ctx *ctx, gxca_token *t, int alg, unsigned char id, const char *name)
{
	gxca_key *k = NULL;
	if (gxca_token_keygen(t, alg, name, &id, 1) || gxca_token_get_key(&k, t, NULL, &id, 1))
		die("keygen", ctx);
	EVP_PKEY *pk = p11_key("bench", id);
	if (!pk) {
		fprintf(stderr, "bench_token: libp11 direct key not found\n");
		exit(1);
	}
	double lib = bench_rate(sign_lib, k, 5, 0.3), raw = bench_rate(sign_p11, pk, 5, 0.3);
	printf("%-8s sign on SoftHSM: library %8.0f /s   libp11 direct %8.0f /s   ratio %.3f\n", name, lib, raw,
	       raw > 0 ? lib / raw : 0);
	EVP_PKEY_free(pk);
	gxca_key_free(k);
}

/* ---- 2. envelope throughput ---- */

struct cipher_arg {
	const EVP_CIPHER *c;
	uint8_t *buf;
	int enc; /* 1 encrypt, 0 decrypt */
};

/* n x 1 MB through the raw cipher, 64 KB at a time, in place (the final
 * block is left out: a decryption has no tag or padding to check here). */
static int raw_cipher(void *arg, long n)
{
	struct cipher_arg *a = arg;
	static const unsigned char key[32], iv[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len = 0, ok = EVP_CipherInit_ex(c, a->c, NULL, key, iv, a->enc) == 1;
	for (long i = 0; ok && i < n * 16; i++)
		ok = EVP_CipherUpdate(c, a->buf, &len, a->buf, CHUNK) == 1;
	EVP_CIPHER_CTX_free(c);
	return !ok;
}

static void write_data(const char *path, long mb)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	uint8_t *b = malloc(1 << 20);
	for (int i = 0; i < (1 << 20); i++)
		b[i] = (uint8_t)(i * 2654435761u >> 13);
	for (long i = 0; i < mb; i++)
		if (write(fd, b, 1 << 20) != 1 << 20)
			exit(1);
	free(b);
	close(fd);
}

/* One timed pass: encrypt (e != NULL) or decrypt in_path into out_path; MB/s. */
static double pass(gxca_ctx *ctx, gxca_envelope *e, const gxca_key *key, const uint8_t *cert, size_t cert_len,
		   const char *in_path, const char *out_path)
{
	int fi = open(in_path, O_RDONLY), fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	double t0 = bench_now();
	int rc = e ? gxca_envelope_encrypt_fd(e, fi, fo) : gxca_envelope_decrypt_fd(key, cert, cert_len, fi, fo);
	double dt = bench_now() - t0;
	close(fi);
	close(fo);
	if (rc)
		die(e ? "encrypt" : "decrypt", ctx);
	return DATA_MB / dt;
}

/* The floor of a file cipher: read() the file and run the raw cipher on it
 * in place, 256 KB at a time (no format, no output); MB/s, median of 3. */
static double read_raw_rate(const char *path, const EVP_CIPHER *cipher, int enc)
{
	static const unsigned char key[32], iv[16];
	uint8_t *buf = malloc(256 * 1024);
	double r[3];
	for (int i = 0; i < 3; i++) {
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int fd = open(path, O_RDONLY), len = 0;
		ssize_t got;
		double t0 = bench_now();
		EVP_CipherInit_ex(c, cipher, NULL, key, iv, enc);
		while ((got = read(fd, buf, 256 * 1024)) > 0)
			EVP_CipherUpdate(c, buf, &len, buf, (int)got);
		r[i] = DATA_MB / (bench_now() - t0);
		close(fd);
		EVP_CIPHER_CTX_free(c);
	}
	free(buf);
	qsort(r, 3, sizeof *r, bench_cmp_double);
	return r[1];
}

/* Median of 3 passes each way; the output goes to /dev/null so that the disk is not measured. */
static double envelope_rate(gxca_ctx *ctx, gxca_envelope *e, const char *in, const char *env, const gxca_key *key,
			    const uint8_t *cert, size_t cert_len, double *dec_rate)
{
	double enc[3], dec[3];
	for (int i = 0; i < 3; i++)
		enc[i] = pass(ctx, e, NULL, NULL, 0, in, "/dev/null");
	(void)pass(ctx, e, NULL, NULL, 0, in, env);
	int fd = open(env, O_RDONLY); /* its write-back must not run during the timed passes */
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	for (int i = 0; i < 3; i++)
		dec[i] = pass(ctx, NULL, key, cert, cert_len, env, "/dev/null");
	qsort(enc, 3, sizeof *enc, bench_cmp_double);
	qsort(dec, 3, sizeof *dec, bench_cmp_double);
	*dec_rate = dec[1];
	return enc[1];
}

/* A software recipient and its self-signed certificate (DER). */
static gxca_key *recipient(gxca_ctx *ctx, uint8_t **cert, size_t *cert_len)
{
	gxca_key *k = NULL;
	uint8_t *spki = NULL;
	size_t n = 0;
	if (gxca_key_generate(&k, ctx, GXCA_KEY_EC_P256) || gxca_key_public_der(k, &spki, &n))
		die("key", ctx);
	const unsigned char *p = spki;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)n);
	EVP_PKEY *ca = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)"bench", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pub);
	X509_sign(x, ca, EVP_sha256());
	unsigned char *der = NULL;
	int dl = i2d_X509(x, &der);
	*cert = malloc((size_t)dl);
	memcpy(*cert, der, (size_t)dl);
	*cert_len = (size_t)dl;
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ca);
	gxca_free(spki);
	return k;
}

static void bench_envelope(gxca_ctx *ctx)
{
	char in[600], env[600];
	snprintf(in, sizeof in, "%s/plain", dir);
	snprintf(env, sizeof env, "%s/plain.env", dir);
	write_data(in, DATA_MB);
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	gxca_key *k = recipient(ctx, &cert, &cert_len);
	struct cipher_arg a = {NULL, malloc(CHUNK), 1};
	memset(a.buf, 0x5a, CHUNK);
	static const struct {
		int id;
		const char *ossl;
	} ciphers[] = {{GXCA_ENVELOPE_AES256_GCM, "AES-256-GCM"}, {GXCA_ENVELOPE_AES256_CBC, "AES-256-CBC"},
		       {GXCA_ENVELOPE_SM4_CBC, "SM4-CBC"}};
	for (size_t i = 0; i < sizeof ciphers / sizeof *ciphers; i++) {
		gxca_envelope *e = NULL;
		if (gxca_envelope_new(&e, ctx) || gxca_envelope_set_cipher(e, ciphers[i].id) ||
		    gxca_envelope_add_recipient(e, cert, cert_len))
			die("envelope", ctx);
		a.c = EVP_get_cipherbyname(ciphers[i].ossl);
		a.enc = 1;
		double raw_enc = bench_rate(raw_cipher, &a, 3, 0.3), dec = 0;
		a.enc = 0;
		double raw_dec = bench_rate(raw_cipher, &a, 3, 0.3);
		double enc = envelope_rate(ctx, e, in, env, k, cert, cert_len, &dec);
		double floor_enc = read_raw_rate(in, a.c, 1), floor_dec = read_raw_rate(env, a.c, 0);
		printf("%-12s encrypt: envelope %5.0f MB/s, raw %5.0f MB/s, ratio %.2f (read()+raw %5.0f MB/s, %.2f)\n"
		       "%-12s decrypt: envelope %5.0f MB/s, raw %5.0f MB/s, ratio %.2f (read()+raw %5.0f MB/s, %.2f)"
		       "   (%d MB file)\n",
		       ciphers[i].ossl, enc, raw_enc, enc / raw_enc, floor_enc, enc / floor_enc, "", dec, raw_dec,
		       dec / raw_dec, floor_dec, dec / floor_dec, DATA_MB);
		gxca_envelope_free(e);
	}
	unlink(in);
	unlink(env);
	free(a.buf);
	free(cert);
	gxca_key_free(k);
}

/* ---- 3. peak memory of a 1 GB envelope, in a child ---- */

static void *generate(void *arg)
{
	int fd = *(int *)arg;
	uint8_t *b = malloc(CHUNK);
	for (long i = 0; i < (long)BIG_MB * 16; i++) {
		for (int j = 0; j < CHUNK; j += 64)
			b[j] = (uint8_t)(i + j);
		if (write(fd, b, CHUNK) != CHUNK)
			break;
	}
	free(b);
	close(fd);
	return NULL;
}

static int big_child(void)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx))
		return 1;
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	gxca_key *k = recipient(ctx, &cert, &cert_len);
	gxca_envelope *e = NULL;
	if (gxca_envelope_new(&e, ctx) || gxca_envelope_add_recipient(e, cert, cert_len))
		return 1;
	char env[600];
	snprintf(env, sizeof env, "%s/big.env", dir);
	int p[2];
	pthread_t th;
	if (pipe(p) || pthread_create(&th, NULL, generate, &p[1]))
		return 1;
	int fo = open(env, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	double t0 = bench_now();
	int rc = gxca_envelope_encrypt_fd(e, p[0], fo);
	double t1 = bench_now();
	pthread_join(th, NULL);
	close(p[0]);
	close(fo);
	int fi = open(env, O_RDONLY);
	fo = open("/dev/null", O_WRONLY);
	double t2 = bench_now();
	rc = rc ? rc : gxca_envelope_decrypt_fd(k, cert, cert_len, fi, fo);
	double t3 = bench_now();
	close(fi);
	close(fo);
	unlink(env);
	printf("1 GB envelope (AES-256-GCM): encrypt %.1f s from a generator, decrypt %.1f s, rc %d\n", t1 - t0, t3 - t2, rc);
	gxca_envelope_free(e);
	gxca_key_free(k);
	free(cert);
	gxca_ctx_free(ctx);
	return rc != 0;
}

static void bench_big(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(big_child());
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return;
	printf("1 GB envelope: peak resident memory of the process %.1f MB (goal < 16 MB), exit %d\n",
	       (double)ru.ru_maxrss / 1024.0, WEXITSTATUS(status));
}

int main(void)
{
	gxca_ctx *ctx = NULL;
	if (gxca_ctx_new(&ctx) || setup_softhsm()) {
		fprintf(stderr, "bench_token: SoftHSM2 not available\n");
		return 0;
	}
	gxca_token_module *m = NULL;
	gxca_token *t = NULL;
	if (gxca_token_module_open(&m, ctx, module) || gxca_token_open(&t, m, "bench") ||
	    gxca_token_change_pin(t, "123456", PIN))
		die("token", ctx);
	bench_sign(ctx, t, GXCA_KEY_EC_P256, 1, "EC P-256");
	bench_sign(ctx, t, GXCA_KEY_RSA2048, 2, "RSA-2048");
	bench_envelope(ctx);
	bench_big();
	gxca_token_close(t);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) != 0;
}
