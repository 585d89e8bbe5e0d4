/*
 * tests/unit/test-login.c — platform login (CA登录): challenge, response,
 * verification; replay, expiry, forgery, other platform, bad signature,
 * untrusted and revoked certificates; a login with each SoftHSM token.
 */
#include "token-helper.h"

static bool have_softhsm;

struct fixture {
	gxca_ctx *ctx;
	gxca_login_nonce_store *store;
	gxca_login_server *srv;
	gxca_key *key;
	uint8_t *cert;
	size_t cert_len;
};

static const uint8_t secret[] = "0123456789abcdef0123456789abcdef";

/* A software key with a certificate carrying uscc or idnum. */
static void soft_holder(gxca_ctx *ctx, long serial, const char *uscc, const char *idnum, gxca_key **key, uint8_t **cert,
			size_t *cert_len)
{
	ck_assert_int_eq(gxca_key_generate(key, ctx, GXCA_KEY_EC_P256), GXCA_OK);
	uint8_t *csr = NULL;
	size_t csr_len = 0;
	ck_assert_int_eq(gxca_token_csr(*key, "/C=CN/CN=ignored", &csr, &csr_len), GXCA_OK);
	*cert = th_issue(csr, csr_len, "南通某某建设有限公司", uscc, idnum, serial, cert_len);
	gxca_free(csr);
}

static void fx_init(struct fixture *f)
{
	char uscc[19];
	th_uscc(uscc);
	f->ctx = test_ctx();
	ck_assert_int_eq(gxca_login_nonce_store_new(&f->store, f->ctx), GXCA_OK);
	ck_assert_int_eq(gxca_login_server_new(&f->srv, f->ctx, "056", secret, 32, f->store), GXCA_OK);
	size_t n = 0;
	uint8_t *ca = th_ca_der(&n);
	ck_assert_int_eq(gxca_login_server_add_trust(f->srv, ca, n), GXCA_OK);
	free(ca);
	soft_holder(f->ctx, 301, uscc, NULL, &f->key, &f->cert, &f->cert_len);
}

static void fx_free(struct fixture *f)
{
	gxca_login_server_free(f->srv);
	gxca_login_nonce_store_free(f->store);
	gxca_key_free(f->key);
	free(f->cert);
	gxca_ctx_free(f->ctx);
}

/* challenge at t, response by key/cert; caller frees. */
static char *respond(struct fixture *f, int64_t t, const gxca_key *key)
{
	char *ch = NULL, *resp = NULL;
	size_t n = 0, rn = 0;
	ck_assert_int_eq(gxca_login_challenge(f->srv, t, &ch, &n), GXCA_OK);
	ck_assert_int_eq(gxca_login_respond(key, f->cert, f->cert_len, ch, n, "056", &resp, &rn), GXCA_OK);
	ck_assert_uint_eq(strlen(resp), rn);
	gxca_free(ch);
	return resp;
}

static int role_of(const char *serial, int *role, void *payload)
{
	*role = strcmp(serial, (const char *)payload) == 0 ? GXCA_TOKEN_ROLE_MASTER : GXCA_TOKEN_ROLE_SECONDARY;
	return GXCA_OK;
}

START_TEST(test_null_and_garbage)
{
	gxca_ctx *ctx = test_ctx();
	gxca_login_nonce_store *st = NULL;
	gxca_login_server *srv = NULL;
	gxca_login_identity *id = NULL;
	char *out = NULL;
	size_t n = 0;
	ck_assert_int_eq(gxca_login_nonce_store_new(NULL, ctx), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_nonce_store_new(&st, NULL), GXCA_EINVAL);
	gxca_login_nonce_store_free(NULL);
	ck_assert_uint_eq(gxca_login_nonce_store_count(NULL), 0);
	ck_assert_int_eq(gxca_login_server_new(NULL, ctx, "056", NULL, 0, st), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_nonce_store_new(&st, ctx), GXCA_OK);
	ck_assert_int_eq(gxca_login_server_new(&srv, ctx, NULL, NULL, 0, st), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_new(&srv, ctx, "056", NULL, 0, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_new(&srv, ctx, "056", secret, 3, st), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_new(&srv, ctx, "\xff", NULL, 0, st), GXCA_EENCODING);
	gxca_login_server_free(NULL);
	ck_assert_int_eq(gxca_login_server_set_lifetime(NULL, 60), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_add_trust(NULL, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_set_crl(NULL, (const uint8_t *)"x", 1), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_set_revocation_cb(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_server_set_role_cb(NULL, NULL, NULL), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_challenge(NULL, 0, &out, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_respond(NULL, NULL, 0, "x", 1, NULL, &out, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_verify(NULL, "x", 1, 0, &id), GXCA_EINVAL);
	gxca_login_identity_free(NULL);
	ck_assert_str_eq(gxca_login_identity_name(NULL), "");
	ck_assert_str_eq(gxca_login_identity_number(NULL), "");
	ck_assert_str_eq(gxca_login_identity_serial(NULL), "");
	ck_assert_str_eq(gxca_login_identity_subject(NULL), "");
	ck_assert_int_eq(gxca_login_identity_kind(NULL), 0);
	ck_assert_int_eq(gxca_login_identity_role(NULL), 0);

	ck_assert_int_eq(gxca_login_server_new(&srv, ctx, "056", NULL, 0, st), GXCA_OK);
	ck_assert_int_eq(gxca_login_server_set_lifetime(srv, 5), GXCA_ERANGE);
	ck_assert_int_eq(gxca_login_server_add_trust(srv, (const uint8_t *)"garbage", 7), GXCA_ECERT_PARSE);
	ck_assert_int_eq(gxca_login_server_set_crl(srv, (const uint8_t *)"garbage", 7), GXCA_ECRL_PARSE);
	ck_assert_int_eq(gxca_login_challenge(srv, 0, NULL, &n), GXCA_EINVAL);
	ck_assert_int_eq(gxca_login_verify(srv, NULL, 0, 0, &id), GXCA_EINVAL);
	static const char *const junk[] = {"{", "[]", "{\"v\":1}", "{\"v\":2,\"challenge\":\"\",\"sig\":\"\",\"cert\":\"\"}",
					   "{\"v\":1,\"challenge\":\"{}\",\"sig\":\"!!\",\"cert\":\"AAAA\"}",
					   "{\"v\":1,\"challenge\":\"{}\",\"sig\":\"AAAA\",\"cert\":\"AAAA\",\"x\":1}",
					   "{\"v\":1,\"challenge\":\"{}\",\"sig\":\"AAAA\",\"cert\":\"AAAA\"}"};
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
		ck_assert_int_eq(gxca_login_verify(srv, junk[i], strlen(junk[i]), 0, &id), GXCA_ELOGIN_FORMAT);
		ck_assert_ptr_null(id);
	}
	gxca_key *k = NULL;
	ck_assert_int_eq(gxca_key_generate(&k, ctx, GXCA_KEY_EC_P256), GXCA_OK);
	ck_assert_int_eq(gxca_login_respond(k, (const uint8_t *)"x", 1, "{}", 2, NULL, &out, &n), GXCA_ECERT_PARSE);
	gxca_key_free(k);
	gxca_login_server_free(srv);
	gxca_login_nonce_store_free(st);
	gxca_ctx_free(ctx);
}
END_TEST

START_TEST(test_login_and_replay)
{
	struct fixture f;
	fx_init(&f);
	char serial[64] = "";
	char *resp = respond(&f, 0, f.key);
	gxca_login_identity *id = NULL;
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_OK);
	ck_assert_str_eq(gxca_login_identity_name(id), "南通某某建设有限公司");
	char uscc[19];
	th_uscc(uscc);
	ck_assert_str_eq(gxca_login_identity_number(id), uscc);
	ck_assert_int_eq(gxca_login_identity_kind(id), GXCA_APPLICANT_ORG);
	ck_assert_str_eq(gxca_login_identity_serial(id), "012D"); /* 301 */
	ck_assert_ptr_nonnull(strstr(gxca_login_identity_subject(id), "CN="));
	ck_assert_int_eq(gxca_login_identity_role(id), GXCA_TOKEN_ROLE_UNSET);
	snprintf(serial, sizeof serial, "%s", gxca_login_identity_serial(id));
	gxca_login_identity_free(id);
	ck_assert_uint_eq(gxca_login_nonce_store_count(f.store), 1);
	/* The same response again: refused. */
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_ELOGIN_REPLAY);
	ck_assert_ptr_null(id);
	gxca_free(resp);
	/* The role lookup. */
	ck_assert_int_eq(gxca_login_server_set_role_cb(f.srv, role_of, serial), GXCA_OK);
	resp = respond(&f, 0, f.key);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_OK);
	ck_assert_int_eq(gxca_login_identity_role(id), GXCA_TOKEN_ROLE_MASTER);
	gxca_login_identity_free(id);
	gxca_free(resp);
	fx_free(&f);
}
END_TEST

START_TEST(test_refusals)
{
	struct fixture f;
	fx_init(&f);
	gxca_login_identity *id = NULL;
	int64_t t0 = (int64_t)time(NULL);
	/* Expired. */
	char *resp = respond(&f, t0 - 1000, f.key);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), t0, &id), GXCA_ELOGIN_EXPIRED);
	gxca_free(resp);
	/* Forged: a changed field breaks the server's MAC (signed by the holder anyway). */
	char *ch = NULL, *r2 = NULL;
	size_t n = 0, rn = 0;
	ck_assert_int_eq(gxca_login_challenge(f.srv, 0, &ch, &n), GXCA_OK);
	char *exp = strstr(ch, "\"exp\":");
	ck_assert_ptr_nonnull(exp);
	exp[6] = exp[6] == '9' ? '8' : '9';
	ck_assert_int_eq(gxca_login_respond(f.key, f.cert, f.cert_len, ch, n, NULL, &r2, &rn), GXCA_OK);
	ck_assert_int_eq(gxca_login_verify(f.srv, r2, rn, 0, &id), GXCA_ELOGIN_FORGED);
	gxca_free(r2);
	/* A NUL inside the challenge: refused, nothing read past the copy (ASan). */
	char padded[4096];
	ck_assert_uint_lt(n + 1000, sizeof padded);
	memcpy(padded, ch, n);
	padded[n] = '\0';
	memset(padded + n + 1, ' ', 999);
	r2 = NULL;
	ck_assert_int_eq(gxca_login_respond(f.key, f.cert, f.cert_len, padded, n + 1000, NULL, &r2, &rn),
			 GXCA_ELOGIN_FORMAT);
	ck_assert_str_eq(gxca_error_field(gxca_ctx_last_error(f.ctx)), "challenge");
	ck_assert_ptr_null(r2);
	gxca_free(ch);
	/* Another platform (same secret): the client refuses it, so does the server. */
	gxca_login_server *other = NULL;
	ck_assert_int_eq(gxca_login_server_new(&other, f.ctx, "099", secret, 32, f.store), GXCA_OK);
	ck_assert_int_eq(gxca_login_challenge(other, 0, &ch, &n), GXCA_OK);
	ck_assert_int_eq(gxca_login_respond(f.key, f.cert, f.cert_len, ch, n, "056", &r2, &rn), GXCA_ELOGIN_PLATFORM);
	ck_assert_int_eq(gxca_login_respond(f.key, f.cert, f.cert_len, ch, n, NULL, &r2, &rn), GXCA_OK);
	ck_assert_int_eq(gxca_login_verify(f.srv, r2, rn, 0, &id), GXCA_ELOGIN_PLATFORM);
	gxca_free(ch);
	gxca_free(r2);
	gxca_login_server_free(other);
	/* A signature by another key than the certificate's. */
	gxca_key *k2 = NULL;
	ck_assert_int_eq(gxca_key_generate(&k2, f.ctx, GXCA_KEY_EC_P256), GXCA_OK);
	resp = respond(&f, 0, k2);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_EBADSIG);
	gxca_free(resp);
	gxca_key_free(k2);
	/* A server that does not trust the CA. */
	gxca_login_server *bare = NULL;
	ck_assert_int_eq(gxca_login_server_new(&bare, f.ctx, "056", secret, 32, f.store), GXCA_OK);
	resp = respond(&f, 0, f.key);
	ck_assert_int_eq(gxca_login_verify(bare, resp, strlen(resp), 0, &id), GXCA_ELOGIN_CERT);
	ck_assert_str_ne(gxca_error_detail(gxca_ctx_last_error(f.ctx)), "");
	gxca_login_server_free(bare);
	/* Nothing of the refused logins was remembered; this one still works. */
	ck_assert_uint_eq(gxca_login_nonce_store_count(f.store), 0);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_OK);
	gxca_login_identity_free(id);
	gxca_free(resp);
	fx_free(&f);
}
END_TEST

static int revoke_all(const char *issuer, const char *serial, int *revoked, void *payload)
{
	(void)issuer, (void)serial, (void)payload;
	*revoked = 1;
	return GXCA_OK;
}

static int lookup_down(const char *issuer, const char *serial, int *revoked, void *payload)
{
	(void)issuer, (void)serial, (void)revoked, (void)payload;
	return GXCA_EIO;
}

/* A CRL of the test CA listing serial 301. */
static uint8_t *crl_with(long serial, size_t *len)
{
	th_ca_init();
	X509_CRL *crl = X509_CRL_new();
	X509_CRL_set_version(crl, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(th_ca_cert));
	ASN1_TIME *t = ASN1_TIME_adj(NULL, time(NULL), -1, 0);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_adj(t, time(NULL), 7, 0);
	X509_CRL_set1_nextUpdate(crl, t);
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *ai = ASN1_INTEGER_new();
	ASN1_INTEGER_set(ai, serial);
	X509_REVOKED_set_serialNumber(r, ai);
	ASN1_TIME_adj(t, time(NULL), -1, 0);
	X509_REVOKED_set_revocationDate(r, t);
	X509_CRL_add0_revoked(crl, r);
	ck_assert_int_gt(X509_CRL_sign(crl, th_ca_key, EVP_sha256()), 0);
	unsigned char *der = NULL;
	int n = i2d_X509_CRL(crl, &der);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	ASN1_INTEGER_free(ai);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return out;
}

START_TEST(test_revoked)
{
	struct fixture f;
	fx_init(&f);
	gxca_login_identity *id = NULL;
	size_t n = 0;
	uint8_t *crl = crl_with(301, &n);
	ck_assert_int_eq(gxca_login_server_set_crl(f.srv, crl, n), GXCA_OK);
	char *resp = respond(&f, 0, f.key);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_ELOGIN_REVOKED);
	gxca_free(resp);
	free(crl);
	crl = crl_with(999, &n); /* someone else revoked */
	ck_assert_int_eq(gxca_login_server_set_crl(f.srv, crl, n), GXCA_OK);
	free(crl);
	ck_assert_int_eq(gxca_login_server_set_revocation_cb(f.srv, revoke_all, NULL), GXCA_OK);
	resp = respond(&f, 0, f.key);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_ELOGIN_REVOKED);
	ck_assert_int_eq(gxca_login_server_set_revocation_cb(f.srv, lookup_down, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_EUSER);
	ck_assert_int_eq(gxca_login_server_set_revocation_cb(f.srv, NULL, NULL), GXCA_OK);
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_OK);
	gxca_login_identity_free(id);
	gxca_free(resp);
	fx_free(&f);
}
END_TEST

/* A PERSON certificate: the resident ID number. */
START_TEST(test_person)
{
	struct fixture f;
	fx_init(&f);
	char idnum[19];
	th_id_number(idnum);
	gxca_key_free(f.key);
	free(f.cert);
	soft_holder(f.ctx, 302, NULL, idnum, &f.key, &f.cert, &f.cert_len);
	char *resp = respond(&f, 0, f.key);
	gxca_login_identity *id = NULL;
	ck_assert_int_eq(gxca_login_verify(f.srv, resp, strlen(resp), 0, &id), GXCA_OK);
	ck_assert_int_eq(gxca_login_identity_kind(id), GXCA_APPLICANT_PERSON);
	ck_assert_str_eq(gxca_login_identity_number(id), idnum);
	gxca_login_identity_free(id);
	gxca_free(resp);
	fx_free(&f);
}
END_TEST

START_TEST(test_alloc_failure)
{
	struct fixture f;
	fx_init(&f);
	char *resp = NULL;
	gxca_login_identity *id = NULL;
	char *ch = NULL;
	size_t n = 0, rn = 0;
	FOR_EACH_ALLOC_FAILURE(gxca_login_challenge(f.srv, 0, &ch, &n), (void)0);
	FOR_EACH_ALLOC_FAILURE(gxca_login_respond(f.key, f.cert, f.cert_len, ch, n, "056", &resp, &rn), (void)0);
	FOR_EACH_ALLOC_FAILURE(gxca_login_verify(f.srv, resp, rn, 0, &id), (void)0);
	ck_assert_str_ne(gxca_login_identity_number(id), "");
	gxca_login_identity_free(id);
	gxca_free(ch);
	gxca_free(resp);
	fx_free(&f);
}
END_TEST

/* A login with each SoftHSM token; the role comes from the CA's knowledge. */
START_TEST(test_tokens)
{
	struct fixture f;
	fx_init(&f);
	gxca_token_module *m = NULL;
	ck_assert_int_eq(gxca_token_module_open(&m, f.ctx, th_module), GXCA_OK);
	const char *labels[] = {"master", "secondary"};
	char uscc[19], master_serial[8];
	th_uscc(uscc);
	snprintf(master_serial, sizeof master_serial, "%s", "0191"); /* 401 */
	ck_assert_int_eq(gxca_login_server_set_role_cb(f.srv, role_of, master_serial), GXCA_OK);
	for (int i = 0; i < 2; i++) {
		gxca_token *t = th_token_ready(m, labels[i]);
		gxca_key *k = NULL;
		size_t cl = 0;
		uint8_t *cert = th_token_key_cert(t, GXCA_KEY_EC_P256, "login", (uint8_t)(0x30 + i), uscc, NULL, 401 + i,
						  &k, &cl);
		char *ch = NULL, *resp = NULL;
		size_t n = 0, rn = 0;
		ck_assert_int_eq(gxca_login_challenge(f.srv, 0, &ch, &n), GXCA_OK);
		ck_assert_int_eq(gxca_login_respond(k, cert, cl, ch, n, "056", &resp, &rn), GXCA_OK);
		gxca_login_identity *id = NULL;
		ck_assert_int_eq(gxca_login_verify(f.srv, resp, rn, 0, &id), GXCA_OK);
		ck_assert_str_eq(gxca_login_identity_number(id), uscc);
		ck_assert_int_eq(gxca_login_identity_role(id), i == 0 ? GXCA_TOKEN_ROLE_MASTER : GXCA_TOKEN_ROLE_SECONDARY);
		gxca_login_identity_free(id);
		ck_assert_int_eq(gxca_login_verify(f.srv, resp, rn, 0, &id), GXCA_ELOGIN_REPLAY);
		gxca_free(ch);
		gxca_free(resp);
		free(cert);
		gxca_key_free(k);
		gxca_token_close(t);
	}
	gxca_token_module_close(m);
	fx_free(&f);
}
END_TEST

static Suite *login_suite(void)
{
	Suite *s = suite_create("login");
	TCase *tc = tcase_create("software");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_null_and_garbage);
	tcase_add_test(tc, test_login_and_replay);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_revoked);
	tcase_add_test(tc, test_person);
	tcase_add_test(tc, test_alloc_failure);
	suite_add_tcase(s, tc);
	if (have_softhsm) {
		tc = tcase_create("tokens");
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, test_tokens);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	have_softhsm = th_softhsm("master secondary");
	SRunner *sr = srunner_create(login_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	th_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
