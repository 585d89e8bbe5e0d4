/*
 * tests/unit/test-envelope.c — bid-file envelopes: software and token keys,
 * every cipher, several recipients, refusal for a non-recipient, tampering,
 * and interoperability with the openssl command both ways.
 */
#include "token-helper.h"

#include <fcntl.h>
#include <sys/stat.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool have_softhsm;
static char work[] = "/tmp/gxca-env-XXXXXX";

static char *path_of(const char *name)
{
	static char buf[8][512];
	static int i;
	char *p = buf[i++ % 8];
	snprintf(p, 512, "%s/%s", work, name);
	return p;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void same_file(const char *a, const char *b)
{
	size_t na = 0, nb = 0;
	char *x = test_read_file(a, &na), *y = test_read_file(b, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(x, y, na);
	free(x);
	free(y);
}

/* A software key and a test-CA certificate for it (DER). */
static gxca_key *soft_recipient(gxca_ctx *ctx, int alg, long serial, uint8_t **cert, size_t *cert_len)
{
	gxca_key *k = NULL;
	ck_assert_int_eq(gxca_key_generate(&k, ctx, alg), GXCA_OK);
	uint8_t *spki = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_key_public_der(k, &spki, &n), GXCA_OK);
	const unsigned char *p = spki;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)n);
	ck_assert_ptr_nonnull(pub);
	th_ca_init();
	X509 *x = th_make_cert(pub, "bidder", serial, NULL, NULL, 0, 365);
	*cert = th_der(x, cert_len);
	X509_free(x);
	EVP_PKEY_free(pub);
	gxca_free(spki);
	return k;
}

static void make_plain(const char *path, size_t n)
{
	uint8_t *d = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 131 + (i >> 9));
	write_file(path, d, n);
	free(d);
}

START_TEST(test_null_and_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_envelope *e = NULL;
	ck_assert_int_eq(gxca_envelope_new(NULL, ctx), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_new(&e, NULL), GXCA_EINVAL);
	gxca_envelope_free(NULL);
	ck_assert_int_eq(gxca_envelope_set_cipher(NULL, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_add_recipient(NULL, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_uint_eq(gxca_envelope_recipient_count(NULL), 0);
	ck_assert_int_eq(gxca_envelope_encrypt_fd(NULL, 0, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_encrypt_file(NULL, "a", "b"), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_decrypt_fd(NULL, (const uint8_t *)"x", 1, 0, 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_decrypt_file(NULL, (const uint8_t *)"x", 1, "a", "b"), GXCA_EINVAL);
	ck_assert_str_eq(gxca_envelope_cipher_name(GXCA_ENVELOPE_SM4_CBC), "SM4-CBC");
	ck_assert_ptr_null(gxca_envelope_cipher_name(0));
	ck_assert_int_eq(gxca_envelope_cipher_from_name("aes-256-gcm"), GXCA_ENVELOPE_AES256_GCM);
	ck_assert_int_eq(gxca_envelope_cipher_from_name(NULL), 0);

	ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_envelope_set_cipher(e, 9), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, NULL, 0), GXCA_EINVAL);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, (const uint8_t *)"garbage", 7), GXCA_ECERT_PARSE);
	ck_assert_int_eq(gxca_envelope_encrypt_fd(e, 0, 1), GXCA_ESTATE); /* no recipient */
	ck_assert_int_eq(gxca_envelope_encrypt_fd(e, -1, 1), GXCA_EINVAL);
	/* SM2 recipients cannot be enveloped by OpenSSL 3.0. */
	gxca_key *sm2 = NULL;
	ck_assert_int_eq(gxca_key_generate(&sm2, ctx, GXCA_KEY_SM2), GXCA_OK);
	uint8_t *spki = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_key_public_der(sm2, &spki, &n), GXCA_OK);
	const unsigned char *p = spki;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)n);
	th_ca_init();
	X509 *x = th_make_cert(pub, "sm2", 9, NULL, NULL, 0, 30);
	size_t der_len = 0;
	uint8_t *der = th_der(x, &der_len);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, der, der_len), GXCA_EENVELOPE_RECIPIENT);
	uint8_t *c = NULL;
	size_t cl = 0;
	gxca_key *k = soft_recipient(ctx, GXCA_KEY_EC_P256, 10, &c, &cl);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, c, cl), GXCA_OK);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, c, cl), GXCA_EEXISTS);
	ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("missing"), path_of("x.env")), GXCA_EIO);
	ck_assert_int_eq(gxca_envelope_decrypt_file(k, c, cl, path_of("missing"), path_of("x.out")), GXCA_EIO);
	ck_assert_int_eq(gxca_envelope_decrypt_fd(k, NULL, 0, 0, 1), GXCA_EINVAL);
	/* Not an envelope at all. */
	write_file(path_of("junk"), "hello, not CMS", 14);
	ck_assert_int_eq(gxca_envelope_decrypt_file(k, c, cl, path_of("junk"), path_of("junk.out")),
			 GXCA_EENVELOPE_FORMAT);
	ck_assert_int_eq(access(path_of("junk.out"), F_OK), -1); /* nothing left behind */
	/* A tag number that never ends, filling the whole first read: the header
	 * parser must stay inside the buffer (seen with make memcheck). */
	static unsigned char endless[300 * 1024];
	memset(endless, 0x80, sizeof endless);
	endless[0] = 0x3f;
	write_file(path_of("endless"), endless, sizeof endless);
	ck_assert_int_eq(gxca_envelope_decrypt_file(k, c, cl, path_of("endless"), path_of("endless.out")),
			 GXCA_EENVELOPE_FORMAT);
	free(der);
	free(c);
	X509_free(x);
	EVP_PKEY_free(pub);
	gxca_free(spki);
	gxca_key_free(k);
	gxca_key_free(sm2);
	gxca_envelope_free(e);
	gxca_ctx_free(ctx);
}
END_TEST

/* Every cipher, an RSA and an EC recipient, each opens; a third is refused. */
START_TEST(test_software_round_trip)
{
	gxca_ctx *ctx = test_ctx();
	uint8_t *c1, *c2, *c3;
	size_t l1, l2, l3;
	gxca_key *rsa = soft_recipient(ctx, GXCA_KEY_RSA2048, 11, &c1, &l1);
	gxca_key *ec = soft_recipient(ctx, GXCA_KEY_EC_P256, 12, &c2, &l2);
	gxca_key *other = soft_recipient(ctx, GXCA_KEY_EC_P256, 13, &c3, &l3);
	/* across the 256 KB read and write pieces: exactly one, several with a
	 * tail, and enough to be read ahead by a second thread */
	const size_t sizes[] = {0, 1, 100000, 262144, 600001, 1500007};
	for (int cipher = 1; cipher <= 3; cipher++)
		for (size_t s = 0; s < N_ELEM(sizes); s++) {
			make_plain(path_of("plain"), sizes[s]);
			gxca_envelope *e = NULL;
			ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
			ck_assert_int_eq(gxca_envelope_set_cipher(e, cipher), GXCA_OK);
			ck_assert_int_eq(gxca_envelope_add_recipient(e, c1, l1), GXCA_OK);
			ck_assert_int_eq(gxca_envelope_add_recipient(e, c2, l2), GXCA_OK);
			ck_assert_uint_eq(gxca_envelope_recipient_count(e), 2);
			ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("plain"), path_of("bid.env")), GXCA_OK);
			gxca_envelope_free(e);
			struct stat st;
			ck_assert_int_eq(stat(path_of("bid.env"), &st), 0);
			ck_assert_int_eq(st.st_mode & 0777, 0600);
			ck_assert_int_eq(gxca_envelope_decrypt_file(rsa, c1, l1, path_of("bid.env"), path_of("out1")), GXCA_OK);
			same_file(path_of("plain"), path_of("out1"));
			ck_assert_int_eq(gxca_envelope_decrypt_file(ec, c2, l2, path_of("bid.env"), path_of("out2")), GXCA_OK);
			same_file(path_of("plain"), path_of("out2"));
			ck_assert_int_eq(gxca_envelope_decrypt_file(other, c3, l3, path_of("bid.env"), path_of("out3")),
					 GXCA_EENVELOPE_NOT_RECIPIENT);
			ck_assert_last_error(ctx, GXCA_EENVELOPE_NOT_RECIPIENT);
			/* The wrong key for a certificate: refused before reading. */
			ck_assert_int_eq(gxca_envelope_decrypt_file(ec, c1, l1, path_of("bid.env"), path_of("out3")),
					 GXCA_EENVELOPE_NOT_RECIPIENT);
		}
	free(c1);
	free(c2);
	free(c3);
	gxca_key_free(rsa);
	gxca_key_free(ec);
	gxca_key_free(other);
	gxca_ctx_free(ctx);
}
END_TEST

/* A flipped content byte fails the GCM tag / CBC padding; a cut file fails the structure. */
START_TEST(test_tamper)
{
	gxca_ctx *ctx = test_ctx();
	uint8_t *c;
	size_t l;
	gxca_key *k = soft_recipient(ctx, GXCA_KEY_EC_P256, 14, &c, &l);
	/* small, and large enough to be read ahead by a second thread (> 1 MB) */
	static const size_t sizes[] = {50000, 2500001};
	for (int run = 0; run < 4; run++) {
		int cipher = 1 + run % 2;
		make_plain(path_of("plain"), sizes[run / 2]);
		gxca_envelope *e = NULL;
		ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_set_cipher(e, cipher), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_add_recipient(e, c, l), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("plain"), path_of("t.env")), GXCA_OK);
		gxca_envelope_free(e);
		size_t n = 0;
		char *env = test_read_file(path_of("t.env"), &n);
		/* GCM: any content byte (the tag). CBC has no integrity check: only a
		 * change of the padding shows, i.e. of the last byte of the block
		 * before the last (the final block is a chunk of its own: 2-byte
		 * header, 16 bytes, then 5 end-of-contents). */
		size_t at = cipher == GXCA_ENVELOPE_AES256_GCM ? n - 100 : n - 29;
		env[at] ^= 0x5a;
		write_file(path_of("t2.env"), env, n);
		ck_assert_int_eq(gxca_envelope_decrypt_file(k, c, l, path_of("t2.env"), path_of("t.out")),
				 GXCA_EENVELOPE_INTEGRITY);
		ck_assert_int_eq(access(path_of("t.out"), F_OK), -1);
		env[at] ^= 0x5a;
		write_file(path_of("t3.env"), env, n / 2);
		ck_assert_int_eq(gxca_envelope_decrypt_file(k, c, l, path_of("t3.env"), path_of("t.out")),
				 GXCA_EENVELOPE_FORMAT);
		free(env);
	}
	free(c);
	gxca_key_free(k);
	gxca_ctx_free(ctx);
}
END_TEST

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* `openssl cms` opens ours; we open what it makes (DER, streamed BER, GCM). */
START_TEST(test_openssl_interop)
{
	gxca_ctx *ctx = test_ctx();
	uint8_t *c;
	size_t l;
	gxca_key *k = soft_recipient(ctx, GXCA_KEY_RSA2048, 15, &c, &l);
	ck_assert_int_eq(gxca_key_save_pem(k, path_of("k.pem"), NULL), GXCA_OK);
	write_file(path_of("c.der"), c, l);
	make_plain(path_of("plain"), 600001); /* several chunks each way */
	char cmd[2048];
	for (int cipher = 1; cipher <= 3; cipher++) {
		gxca_envelope *e = NULL;
		ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_set_cipher(e, cipher), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_add_recipient(e, c, l), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("plain"), path_of("ours.env")), GXCA_OK);
		gxca_envelope_free(e);
		snprintf(cmd, sizeof cmd,
			 "openssl x509 -inform DER -in %s -out %s && openssl cms -decrypt -binary -inform DER -in %s "
			 "-inkey %s -recip %s -out %s",
			 path_of("c.der"), path_of("c.pem"), path_of("ours.env"), path_of("k.pem"), path_of("c.pem"),
			 path_of("theirs.out"));
		ck_assert_int_eq(run(cmd), 0);
		same_file(path_of("plain"), path_of("theirs.out"));
	}
	static const char *const variants[] = {"-aes256", "-aes256 -stream", "-aes-256-gcm -stream", "-sm4-cbc"};
	for (size_t i = 0; i < N_ELEM(variants); i++) {
		snprintf(cmd, sizeof cmd, "openssl cms -encrypt -binary %s -outform DER -in %s -out %s %s", variants[i],
			 path_of("plain"), path_of("theirs.env"), path_of("c.pem"));
		ck_assert_int_eq(run(cmd), 0);
		ck_assert_msg(gxca_envelope_decrypt_file(k, c, l, path_of("theirs.env"), path_of("ours.out")) == GXCA_OK,
			      "openssl cms %s: %s (%s)", variants[i], gxca_error_message(gxca_ctx_last_error(ctx)),
			      gxca_error_detail(gxca_ctx_last_error(ctx)));
		same_file(path_of("plain"), path_of("ours.out"));
	}
	free(c);
	gxca_key_free(k);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_alloc_failure)
{
	gxca_ctx *ctx = test_ctx();
	uint8_t *c;
	size_t l;
	gxca_key *k = soft_recipient(ctx, GXCA_KEY_EC_P256, 16, &c, &l);
	make_plain(path_of("plain"), 3000);
	gxca_envelope *e = NULL;
	FOR_EACH_ALLOC_FAILURE(gxca_envelope_new(&e, ctx), (void)0);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, c, l), GXCA_OK);
	FOR_EACH_ALLOC_FAILURE(gxca_envelope_encrypt_file(e, path_of("plain"), path_of("a.env")), (void)0);
	FOR_EACH_ALLOC_FAILURE(gxca_envelope_decrypt_file(k, c, l, path_of("a.env"), path_of("a.out")), (void)0);
	same_file(path_of("plain"), path_of("a.out"));
	gxca_envelope_free(e);
	free(c);
	gxca_key_free(k);
	gxca_ctx_free(ctx);
}
END_TEST

/* A bid file encrypted to two tokens opens with each; one for the master only is refused by the secondary. */
START_TEST(test_tokens)
{
	gxca_ctx *ctx = test_ctx();
	gxca_token_module *m = NULL;
	ck_assert_int_eq(gxca_token_module_open(&m, ctx, th_module), GXCA_OK);
	gxca_token *master = th_token_ready(m, "master"), *second = th_token_ready(m, "secondary");
	gxca_key *km = NULL, *ks = NULL;
	size_t lm = 0, ls = 0;
	uint8_t *cm = th_token_key_cert(master, GXCA_KEY_EC_P256, "enc", 0x21, NULL, NULL, 201, &km, &lm);
	uint8_t *cs = th_token_key_cert(second, GXCA_KEY_RSA2048, "enc", 0x22, NULL, NULL, 202, &ks, &ls);
	make_plain(path_of("bid"), 200000);
	for (int cipher = 1; cipher <= 3; cipher++) {
		gxca_envelope *e = NULL;
		ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_set_cipher(e, cipher), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_add_recipient(e, cm, lm), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_add_recipient(e, cs, ls), GXCA_OK);
		ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("bid"), path_of("both.env")), GXCA_OK);
		gxca_envelope_free(e);
		ck_assert_int_eq(gxca_envelope_decrypt_file(km, cm, lm, path_of("both.env"), path_of("m.out")), GXCA_OK);
		same_file(path_of("bid"), path_of("m.out"));
		ck_assert_int_eq(gxca_envelope_decrypt_file(ks, cs, ls, path_of("both.env"), path_of("s.out")), GXCA_OK);
		same_file(path_of("bid"), path_of("s.out"));
	}
	gxca_envelope *e = NULL;
	ck_assert_int_eq(gxca_envelope_new(&e, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_envelope_add_recipient(e, cm, lm), GXCA_OK);
	ck_assert_int_eq(gxca_envelope_encrypt_file(e, path_of("bid"), path_of("master.env")), GXCA_OK);
	gxca_envelope_free(e);
	ck_assert_int_eq(gxca_envelope_decrypt_file(ks, cs, ls, path_of("master.env"), path_of("s.out")),
			 GXCA_EENVELOPE_NOT_RECIPIENT);
	ck_assert_int_eq(gxca_envelope_decrypt_file(km, cm, lm, path_of("master.env"), path_of("m.out")), GXCA_OK);
	free(cm);
	free(cs);
	gxca_key_free(km);
	gxca_key_free(ks);
	gxca_token_close(master);
	gxca_token_close(second);
	gxca_token_module_close(m);
	gxca_ctx_free(ctx);
}
END_TEST

static Suite *envelope_suite(void)
{
	Suite *s = suite_create("envelope");
	TCase *tc = tcase_create("software");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_null_and_garbage);
	tcase_add_test(tc, test_software_round_trip);
	tcase_add_test(tc, test_tamper);
	tcase_add_test(tc, test_openssl_interop);
	tcase_add_test(tc, test_alloc_failure);
	suite_add_tcase(s, tc);
	if (have_softhsm) {
		tc = tcase_create("tokens");
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, test_tokens);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	if (!mkdtemp(work))
		return EXIT_FAILURE;
	have_softhsm = th_softhsm("master secondary");
	SRunner *sr = srunner_create(envelope_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	th_cleanup();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
	if (system(cmd) != 0)
		failed++;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
