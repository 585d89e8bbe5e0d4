/*
 * tests/unit/ca-util.h — helpers shared by test-ca.c, test-cert.c and
 * test-registry.c: applications from the JSON test data, keys and CSRs,
 * temporary directories.
 */
#ifndef GXCA_TESTS_CA_UTIL_H
#define GXCA_TESTS_CA_UTIL_H

#include "common.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca-private.h"

/* The acceptance (SUBMITTED) time tu_app() gives applications: 2026-09-23 Asia/Shanghai. */
#define ORG_ACCEPTED INT64_C(1790143200)
#define ORG_USCC "91320600MA1MX2K79C"
#define PERSON_ID "320602198807150023"

/* Submitted (accepted) at ORG_ACCEPTED, then approved and paid. */
#define TU_PAID_HISTORY                                                                           \
	"[{ \"state\": \"SUBMITTED\", \"time\": 1790143200, \"actor\": \"李明\", \"channel\": \"ONSITE\" }," \
	"{ \"state\": \"APPROVED\", \"time\": 1790146800, \"actor\": \"staff-1\" },"                \
	"{ \"state\": \"PAYMENT_REQUESTED\", \"time\": 1790150400, \"actor\": \"staff-1\" },"       \
	"{ \"state\": \"PAID\", \"time\": 1790154000, \"actor\": \"staff-1\" } ]"

static inline void tu_set_json(json_object *root, const char *key, const char *json)
{
	json_object *v = json_tokener_parse(json);
	ck_assert_msg(v != NULL, "bad test JSON for %s", key);
	json_object_object_add(root, key, v);
}

/*
 * An application from tests/data/<file> with its lines replaced by the JSON
 * array `lines` (NULL: as in the file), made PAID (accepted at ORG_ACCEPTED), and string members
 * overridden by (name, value) pairs ending with NULL.
 */
static inline gxca_application *tu_app(gxca_ctx *ctx, const char *file, const char *lines, ...)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/%s", TEST_SRCDIR, file);
	char *text = test_read_file(path, NULL);
	json_object *root = json_tokener_parse(text);
	ck_assert_ptr_nonnull(root);
	free(text);
	if (lines)
		tu_set_json(root, "lines", lines);
	tu_set_json(root, "history", TU_PAID_HISTORY);
	json_object_object_add(root, "state", json_object_new_string("PAID"));
	va_list ap;
	va_start(ap, lines);
	const char *key;
	while ((key = va_arg(ap, const char *)))
		json_object_object_add(root, key, json_object_new_string(va_arg(ap, const char *)));
	va_end(ap);
	const char *json = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	gxca_application *app = NULL;
	int rc = gxca_application_from_json(&app, ctx, json, strlen(json));
	ck_assert_msg(rc == GXCA_OK, "application: %s %s", gxca_error_message(gxca_ctx_last_error(ctx)),
		      gxca_error_field(gxca_ctx_last_error(ctx)));
	json_object_put(root);
	return app;
}

static inline EVP_PKEY *tu_keygen(int alg)
{
	EVP_PKEY *k = NULL;
	switch (alg) {
	case GXCA_KEY_SM2: k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2"); break;
	case GXCA_KEY_EC_P256: k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); break;
	case GXCA_KEY_RSA2048: k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048); break;
	default: k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024); break; /* 0: a key no policy allows */
	}
	ck_assert_ptr_nonnull(k);
	return k;
}

/* A DER PKCS#10 request for key, signed the right way (SM2: with the standard ID). */
static inline uint8_t *tu_csr(gxca_ctx *ctx, EVP_PKEY *key, size_t *len)
{
	X509_REQ *r = X509_REQ_new();
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(X509_REQ_set_pubkey(r, key), 1);
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "CN", MBSTRING_UTF8,
				   (const unsigned char *)"ignored", -1, -1, 0);
	EVP_MD_CTX *m = gxca__pkey_md_ctx(ctx, key, true);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_gt(X509_REQ_sign_ctx(r, m), 0);
	EVP_MD_CTX_free(m);
	unsigned char *der = NULL;
	int n = i2d_X509_REQ(r, &der);
	ck_assert_int_gt(n, 0);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	X509_REQ_free(r);
	*len = (size_t)n;
	return out;
}

/* DER SubjectPublicKeyInfo of key. */
static inline uint8_t *tu_spki(EVP_PKEY *key, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);
	ck_assert_int_gt(n, 0);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return out;
}

/* Options for a fresh key of alg as a bare public key; free opts->request with free(). */
static inline void tu_opts(gxca_issue_options *o, int alg)
{
	ck_assert_int_eq(gxca_issue_options_init(o, GXCA_ISSUE_OPTIONS_VERSION), GXCA_OK);
	EVP_PKEY *k = tu_keygen(alg);
	o->request = tu_spki(k, &o->request_len);
	EVP_PKEY_free(k);
}

static inline void tu_opts_free(gxca_issue_options *o)
{
	free((void *)o->request);
	o->request = NULL;
}

static inline gxca_ca *tu_ca(gxca_ctx *ctx, int alg, const char *registry)
{
	gxca_ca *ca = NULL;
	int rc = gxca_ca_create(&ca, ctx, NULL, alg, registry ? registry : ":memory:");
	ck_assert_msg(rc == GXCA_OK, "ca: %s %s", gxca_error_message(gxca_ctx_last_error(ctx)),
		      gxca_error_detail(gxca_ctx_last_error(ctx)));
	return ca;
}

/* A fresh temporary directory (path in buf). */
static inline const char *tu_tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/gxca-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
	return buf;
}

/* Remove a directory holding only plain files. */
static inline void tu_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[4200];
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

/* Issue for the ORG application with a fresh key; asserts success. */
static inline gxca_cert *tu_issue(gxca_ca *ca, gxca_ctx *ctx, const gxca_application *app, int alg)
{
	gxca_issue_options o;
	tu_opts(&o, alg);
	gxca_cert *c = NULL;
	int rc = gxca_ca_issue(ca, app, &o, &c);
	ck_assert_msg(rc == GXCA_OK, "issue: %s %s [%s]", gxca_error_name(gxca_ctx_last_error(ctx)),
		      gxca_error_message(gxca_ctx_last_error(ctx)), gxca_error_detail(gxca_ctx_last_error(ctx)));
	tu_opts_free(&o);
	return c;
}

static inline size_t tu_count(gxca_ca *ca, const char *app_id)
{
	gxca_ca_records *l = NULL;
	ck_assert_int_eq(gxca_ca_list(ca, app_id, &l), GXCA_OK);
	size_t n = gxca_ca_records_count(l);
	gxca_ca_records_free(l);
	return n;
}

#endif
