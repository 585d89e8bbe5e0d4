/*
 * bench/bench_eseal.c — GB/T 38540 seals and signatures per second beside raw
 * SM2 (EVP, same messages, same distinguishing ID) measured in the same run:
 *   eseal sign    = setters + SES_SealInfo encoding + 1 SM2 sign   vs raw sign of SES_SealInfo
 *   eseal verify  = checks of a parsed seal, 1 SM2 verify          vs raw verify of SES_SealInfo
 *   esign sign    = seal copy + SM3 of the data + 1 SM2 sign       vs raw sign of TBS_Sign
 *   esign verify  = 2 SM2 verifies (signature and seal)            vs raw verify of TBS_Sign
 *                                                                     + raw verify of SES_SealInfo
 * The ratio is (ops/s) / (raw ops/s for the same SM2 work), the two measured in
 * alternating batches; goal >= 0.9.
 * The picture is the 15.7 KB PNG of the ofdrw test seal, as in real seals.
 */
#include <string.h>

#include <gxca/gxca.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bench.h"

#define DATA BENCH_SRCDIR "/tests/data/eseal/"
#define SM2_ID "1234567812345678"

static gxca_ctx *ctx;
static gxca_key *maker, *signer;
static EVP_PKEY *maker_pk, *signer_pk, *maker_pub, *signer_pub;
static uint8_t *maker_der, *signer_der, *png, *seal_der, *sign_der;
static size_t maker_len, signer_len, png_len, seal_len, sign_len;
static gxca_eseal *seal;
static gxca_esign *sig;
static const uint8_t *info, *tbs; /* the signed parts, inside seal_der / sign_der */
static size_t info_len, tbs_len;
static uint8_t info_sig[80], tbs_sig[80];
static size_t info_sig_len, tbs_sig_len;

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = b ? (size_t)n : 0;
	return b;
}

/* The first element of a DER SEQUENCE (the signed part), via ASN1_get_object. */
static const uint8_t *first_child(const uint8_t *der, size_t len, size_t *out_len)
{
	const unsigned char *p = der;
	long l = 0;
	int tag, cls;
	if (ASN1_get_object(&p, &l, &tag, &cls, (long)len) & 0x80)
		return NULL;
	const unsigned char *c = p;
	if (ASN1_get_object(&p, &l, &tag, &cls, (long)(len - (size_t)(p - der))) & 0x80)
		return NULL;
	*out_len = (size_t)(p - c) + (size_t)l;
	return c;
}

/* ---- raw SM2 with EVP ----------------------------------------------------- */

static EVP_MD_CTX *sm2_ctx(EVP_PKEY *pk, int sign)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok = sign ? EVP_DigestSignInit_ex(m, &pc, "SM3", NULL, NULL, pk, NULL)
		      : EVP_DigestVerifyInit_ex(m, &pc, "SM3", NULL, NULL, pk, NULL);
	if (ok != 1 || EVP_PKEY_CTX_set1_id(pc, SM2_ID, 16) <= 0) {
		EVP_MD_CTX_free(m);
		return NULL;
	}
	return m;
}

static int raw_sign(EVP_PKEY *pk, const uint8_t *msg, size_t len, uint8_t *sigbuf, size_t *siglen)
{
	EVP_MD_CTX *m = sm2_ctx(pk, 1);
	*siglen = 80;
	int ok = m && EVP_DigestSign(m, sigbuf, siglen, msg, len) == 1;
	EVP_MD_CTX_free(m);
	return !ok;
}

static int raw_verify(EVP_PKEY *pk, const uint8_t *msg, size_t len, const uint8_t *s, size_t slen)
{
	EVP_MD_CTX *m = sm2_ctx(pk, 0);
	int ok = m && EVP_DigestVerify(m, s, slen, msg, len) == 1;
	EVP_MD_CTX_free(m);
	return !ok;
}

static int do_raw_sign_info(void *a, long n)
{
	(void)a;
	uint8_t s[80];
	size_t l;
	for (long i = 0; i < n; i++)
		if (raw_sign(maker_pk, info, info_len, s, &l))
			return 1;
	return 0;
}

static int do_raw_verify_info(void *a, long n)
{
	(void)a;
	for (long i = 0; i < n; i++)
		if (raw_verify(maker_pub, info, info_len, info_sig, info_sig_len))
			return 1;
	return 0;
}

static int do_raw_sign_tbs(void *a, long n)
{
	(void)a;
	uint8_t s[80];
	size_t l;
	for (long i = 0; i < n; i++)
		if (raw_sign(signer_pk, tbs, tbs_len, s, &l))
			return 1;
	return 0;
}

/* What an esign verify does in SM2: the TBS and the seal. */
static int do_raw_verify_both(void *a, long n)
{
	(void)a;
	for (long i = 0; i < n; i++)
		if (raw_verify(signer_pub, tbs, tbs_len, tbs_sig, tbs_sig_len) ||
		    raw_verify(maker_pub, info, info_len, info_sig, info_sig_len))
			return 1;
	return 0;
}

/* ---- the library ------------------------------------------------------------ */

static gxca_eseal *new_seal(void)
{
	gxca_eseal *s = NULL;
	if (gxca_eseal_new(&s, ctx) || gxca_eseal_set_vid(s, "GXCA") || gxca_eseal_set_id(s, "32060000000001") ||
	    gxca_eseal_set_type(s, 1) || gxca_eseal_set_name(s, "南通测试有限公司合同专用章") ||
	    gxca_eseal_add_cert(s, signer_der, signer_len) ||
	    gxca_eseal_set_validity(s, 1704067200, 1704067200, 1893456000) ||
	    gxca_eseal_set_picture(s, NULL, png, png_len, 40, 40) ||
	    gxca_eseal_sign(s, maker, maker_der, maker_len)) {
		gxca_eseal_free(s);
		return NULL;
	}
	return s;
}

static gxca_esign *new_sign(void)
{
	gxca_esign *g = NULL;
	if (gxca_esign_new(&g, ctx) || gxca_esign_set_seal(g, seal) ||
	    gxca_esign_set_data(g, (const uint8_t *)"bid document", 12) ||
	    gxca_esign_set_property_info(g, "/Doc_0/Signs/Sign_0/Signature.xml") ||
	    gxca_esign_set_time(g, 1748736000) || gxca_esign_sign(g, signer, signer_der, signer_len)) {
		gxca_esign_free(g);
		return NULL;
	}
	return g;
}

static int do_eseal_sign(void *a, long n)
{
	(void)a;
	for (long i = 0; i < n; i++) {
		gxca_eseal *s = new_seal();
		if (!s)
			return 1;
		gxca_eseal_free(s);
	}
	return 0;
}

static int do_eseal_verify(void *a, long n)
{
	gxca_eseal_verify_options *o = a;
	for (long i = 0; i < n; i++)
		if (gxca_eseal_verify(seal, o, NULL))
			return 1;
	return 0;
}

static int do_esign_sign(void *a, long n)
{
	(void)a;
	for (long i = 0; i < n; i++) {
		gxca_esign *g = new_sign();
		if (!g)
			return 1;
		gxca_esign_free(g);
	}
	return 0;
}

static int do_esign_verify(void *a, long n)
{
	gxca_eseal_verify_options *o = a;
	for (long i = 0; i < n; i++)
		if (gxca_esign_verify(sig, o, NULL))
			return 1;
	return 0;
}

static int do_esign_parse_verify(void *a, long n)
{
	gxca_eseal_verify_options *o = a;
	for (long i = 0; i < n; i++) {
		gxca_esign *g = NULL;
		int rc = gxca_esign_parse(&g, ctx, sign_der, sign_len);
		rc = rc ? rc : gxca_esign_verify(g, o, NULL);
		gxca_esign_free(g);
		if (rc)
			return 1;
	}
	return 0;
}

static EVP_PKEY *cert_key(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
	X509_free(x);
	return k;
}

static EVP_PKEY *key_file(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return k;
}

static int setup(void)
{
	size_t ofd_len = 0;
	uint8_t *ofd = slurp(DATA "ofdrw/seals/ofdrw_v4_UserV4.esl", &ofd_len);
	maker_der = slurp(DATA "maker.der", &maker_len);
	signer_der = slurp(DATA "signer.der", &signer_len);
	if (!ofd || !maker_der || !signer_der || gxca_ctx_new(&ctx) ||
	    gxca_key_load_file(&maker, ctx, DATA "maker.key", NULL) ||
	    gxca_key_load_file(&signer, ctx, DATA "signer.key", NULL))
		return 1;
	gxca_eseal *o = NULL;
	if (gxca_eseal_parse(&o, ctx, ofd, ofd_len))
		return 1;
	const uint8_t *p = gxca_eseal_picture(o, &png_len);
	png = malloc(png_len);
	memcpy(png, p, png_len);
	gxca_eseal_free(o);
	free(ofd);
	maker_pk = key_file(DATA "maker.key");
	signer_pk = key_file(DATA "signer.key");
	maker_pub = cert_key(maker_der, maker_len);
	signer_pub = cert_key(signer_der, signer_len);
	if (!maker_pk || !signer_pk || !maker_pub || !signer_pub || !(seal = new_seal()) || !(sig = new_sign()) ||
	    gxca_eseal_to_der(seal, &seal_der, &seal_len) || gxca_esign_to_der(sig, &sign_der, &sign_len))
		return 1;
	info = first_child(seal_der, seal_len, &info_len);
	tbs = first_child(sign_der, sign_len, &tbs_len);
	return !info || !tbs || raw_sign(maker_pk, info, info_len, info_sig, &info_sig_len) ||
	       raw_sign(signer_pk, tbs, tbs_len, tbs_sig, &tbs_sig_len);
}

/* Batch size so that one batch of fn lasts about secs. */
static long calibrate(int (*fn)(void *, long), void *arg, double secs)
{
	long n = 1;
	for (;;) {
		double t0 = bench_now();
		if (fn(arg, n))
			return 0;
		if (bench_now() - t0 >= secs || n > (1L << 30))
			return n;
		n *= 2;
	}
}

/*
 * The library and its raw SM2 baseline alternate batch by batch, so that a
 * machine shared with other work slows both alike; prints the medians and
 * the median of the per-pair ratios.
 */
static int row(const char *what, int (*lib)(void *, long), void *arg, int (*raw)(void *, long))
{
	enum { PAIRS = 9 };
	double rl[PAIRS], rr[PAIRS], ratio[PAIRS];
	long nl = calibrate(lib, arg, 0.05), nr = calibrate(raw, NULL, 0.05);
	if (!nl || !nr)
		return 1;
	for (int i = 0; i < PAIRS; i++) {
		double t0 = bench_now();
		if (lib(arg, nl))
			return 1;
		double t1 = bench_now();
		if (raw(NULL, nr))
			return 1;
		double t2 = bench_now();
		rl[i] = (double)nl / (t1 - t0);
		rr[i] = (double)nr / (t2 - t1);
		ratio[i] = rl[i] / rr[i];
	}
	qsort(rl, PAIRS, sizeof rl[0], bench_cmp_double);
	qsort(rr, PAIRS, sizeof rr[0], bench_cmp_double);
	qsort(ratio, PAIRS, sizeof ratio[0], bench_cmp_double);
	printf("  %-32s %8.0f /s   raw SM2 %8.0f /s   ratio %.2f (goal >= 0.90)\n", what, rl[PAIRS / 2],
	       rr[PAIRS / 2], ratio[PAIRS / 2]);
	return 0;
}

int main(void)
{
	if (setup()) {
		fprintf(stderr, "bench_eseal: setup failed: %s\n", gxca_error_message(gxca_ctx_last_error(ctx)));
		return 1;
	}
	gxca_eseal_verify_options o = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	o.at = 1748736000;
	printf("eseal/esign, seal %zu bytes (SES_SealInfo %zu), signature %zu bytes (TBS_Sign %zu);\n"
	       "medians of 9 alternating batches of the library and of raw SM2 (EVP)\n",
	       seal_len, info_len, sign_len, tbs_len);
	int bad = row("eseal sign (make v4 seal)", do_eseal_sign, NULL, do_raw_sign_info) ||
		  row("eseal verify", do_eseal_verify, &o, do_raw_verify_info) ||
		  row("esign sign (make signature)", do_esign_sign, NULL, do_raw_sign_tbs) ||
		  row("esign verify (2 SM2 verifies)", do_esign_verify, &o, do_raw_verify_both) ||
		  row("esign parse + verify", do_esign_parse_verify, &o, do_raw_verify_both);
	if (bad)
		fprintf(stderr, "bench_eseal: a run failed: %s\n", gxca_error_message(gxca_ctx_last_error(ctx)));
	gxca_esign_free(sig);
	gxca_eseal_free(seal);
	gxca_free(seal_der);
	gxca_free(sign_der);
	EVP_PKEY_free(maker_pk);
	EVP_PKEY_free(signer_pk);
	EVP_PKEY_free(maker_pub);
	EVP_PKEY_free(signer_pub);
	gxca_key_free(maker);
	gxca_key_free(signer);
	free(maker_der);
	free(signer_der);
	free(png);
	gxca_ctx_free(ctx);
	return bad;
}
