/*
 * lib/login.c — platform login with a token (CA登录): stateless challenges
 * (HMAC-SHA256 of the server), a seen-nonce store against replay, and the
 * verification of the signature, chain, revocation and freshness.
 */
#include "cert-private.h"
#include "json-private.h"
#include "key-private.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define NONCE_BYTES 32
#define MAC_BYTES 32
#define MSG_MAX (64u * 1024u)
#define DEFAULT_LIFETIME 120
#define CLOCK_SKEW 60

struct nonce_entry {
	char nonce[2 * NONCE_BYTES + 1];
	int64_t exp;
};

struct gxca_login_nonce_store {
	gxca_ctx *ctx;
	struct nonce_entry *e;
	size_t n, cap;
};

struct gxca_login_server {
	gxca_ctx *ctx;
	char *platform;
	uint8_t secret[64];
	size_t secret_len;
	int lifetime;
	gxca_login_nonce_store *store;
	gxca_cert **trust;
	size_t n_trust;
	gxca_crl *crl;
	gxca_login_revoked_fn revoked_fn;
	void *revoked_payload;
	gxca_login_role_fn role_fn;
	void *role_payload;
};

struct gxca_login_identity {
	char *name, *number, *serial, *subject;
	int kind, role;
};

static int64_t now_or(int64_t now) { return now ? now : (int64_t)time(NULL); }

/* ---- nonce store ------------------------------------------------------------ */

int gxca_login_nonce_store_new(gxca_login_nonce_store **out, gxca_ctx *ctx)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	gxca__clear(ctx);
	if (!(*out = gxca__calloc(1, sizeof **out)))
		return gxca__oom(ctx);
	(*out)->ctx = ctx;
	return GXCA_OK;
}

void gxca_login_nonce_store_free(gxca_login_nonce_store *s)
{
	if (!s)
		return;
	gxca__free(s->e);
	gxca__free(s);
}

size_t gxca_login_nonce_store_count(const gxca_login_nonce_store *s) { return s ? s->n : 0; }

/* Drop expired entries; true when nonce is still remembered. */
static bool store_seen(gxca_login_nonce_store *s, const char *nonce, int64_t now)
{
	size_t k = 0;
	bool seen = false;
	for (size_t i = 0; i < s->n; i++) {
		if (s->e[i].exp < now - CLOCK_SKEW)
			continue;
		if (strcmp(s->e[i].nonce, nonce) == 0)
			seen = true;
		s->e[k++] = s->e[i];
	}
	s->n = k;
	return seen;
}

static int store_add(gxca_login_nonce_store *s, gxca_ctx *ctx, const char *nonce, int64_t exp)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct nonce_entry *e = gxca__realloc(s->e, cap * sizeof *e);
		if (!e)
			return gxca__oom(ctx);
		s->e = e;
		s->cap = cap;
	}
	snprintf(s->e[s->n].nonce, sizeof s->e[s->n].nonce, "%s", nonce);
	s->e[s->n++].exp = exp;
	return GXCA_OK;
}

/* ---- server ------------------------------------------------------------------ */

int gxca_login_server_new(gxca_login_server **out, gxca_ctx *ctx, const char *platform_id, const uint8_t *secret,
			  size_t secret_len, gxca_login_nonce_store *store)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	int rc = gxca__check_str(ctx, "platform_id", platform_id, 64);
	if (rc)
		return rc;
	if (!store)
		return gxca__fail(ctx, GXCA_EINVAL, "store", "缺少防重放存储", "the nonce store is missing");
	if (secret ? (secret_len < 16 || secret_len > 64) : secret_len != 0)
		return gxca__fail(ctx, GXCA_EINVAL, "secret", "密钥应为 16 至 64 字节", "the secret must have 16 to 64 bytes");
	gxca_login_server *s = gxca__calloc(1, sizeof *s);
	if (!s || !(s->platform = gxca__strdup(platform_id))) {
		gxca__free(s);
		return gxca__oom(ctx);
	}
	s->ctx = ctx;
	s->store = store;
	s->lifetime = DEFAULT_LIFETIME;
	s->secret_len = secret ? secret_len : 32;
	if (secret)
		memcpy(s->secret, secret, secret_len);
	else if (RAND_bytes(s->secret, 32) != 1) {
		gxca_login_server_free(s);
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "随机数生成失败", "random generation failed");
	}
	*out = s;
	return GXCA_OK;
}

void gxca_login_server_free(gxca_login_server *s)
{
	if (!s)
		return;
	gxca_cert_chain_free(s->trust, s->n_trust);
	gxca_crl_free(s->crl);
	gxca__free(s->platform);
	OPENSSL_cleanse(s->secret, sizeof s->secret);
	gxca__free(s);
}

int gxca_login_server_set_lifetime(gxca_login_server *s, int seconds)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	if (seconds < 10 || seconds > 3600)
		return gxca__fail(s->ctx, GXCA_ERANGE, "seconds", "有效期应为 10 至 3600 秒", "the lifetime must be 10 .. 3600 s");
	s->lifetime = seconds;
	return GXCA_OK;
}

/* DER, else PEM. */
static int cert_parse(gxca_ctx *ctx, const uint8_t *p, size_t n, gxca_cert **out)
{
	if (!p || !n)
		return gxca__fail(ctx, GXCA_EINVAL, "cert", "证书为空", "empty certificate");
	int rc = gxca_cert_from_der(out, ctx, p, n);
	if (rc == GXCA_ECERT_PARSE)
		rc = gxca_cert_from_pem(out, ctx, (const char *)p, n);
	return rc;
}

int gxca_login_server_add_trust(gxca_login_server *s, const uint8_t *cert, size_t len)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	gxca_cert *c = NULL;
	int rc = cert_parse(s->ctx, cert, len, &c);
	if (rc)
		return rc;
	gxca_cert **t = gxca__realloc(s->trust, (s->n_trust + 1) * sizeof *t);
	if (!t) {
		gxca_cert_free(c);
		return gxca__oom(s->ctx);
	}
	t[s->n_trust++] = c;
	s->trust = t;
	return GXCA_OK;
}

int gxca_login_server_set_crl(gxca_login_server *s, const uint8_t *crl, size_t len)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	if (!crl || !len)
		return gxca__fail(s->ctx, GXCA_EINVAL, "crl", "CRL 为空", "empty CRL");
	gxca_crl *c = NULL;
	int rc = gxca_crl_from_der(&c, s->ctx, crl, len);
	if (rc == GXCA_ECRL_PARSE)
		rc = gxca_crl_from_pem(&c, s->ctx, (const char *)crl, len);
	if (rc)
		return rc;
	gxca_crl_free(s->crl);
	s->crl = c;
	return GXCA_OK;
}

int gxca_login_server_set_revocation_cb(gxca_login_server *s, gxca_login_revoked_fn fn, void *payload)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	s->revoked_fn = fn;
	s->revoked_payload = payload;
	return GXCA_OK;
}

int gxca_login_server_set_role_cb(gxca_login_server *s, gxca_login_role_fn fn, void *payload)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	s->role_fn = fn;
	s->role_payload = payload;
	return GXCA_OK;
}

/* ---- challenge ------------------------------------------------------------------ */

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* HMAC over the fields in a fixed order (the JSON text itself is not canonical). */
static bool challenge_mac(const gxca_login_server *s, const char *platform, const char *nonce, int64_t iat,
			  int64_t exp, char out[2 * MAC_BYTES + 1])
{
	char msg[512];
	uint8_t mac[MAC_BYTES];
	size_t mac_len = 0;
	int n = snprintf(msg, sizeof msg, "gxca-login-v1|%s|%s|%lld|%lld", platform, nonce, (long long)iat,
			 (long long)exp);
	if (n < 0 || (size_t)n >= sizeof msg ||
	    !EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, s->secret, s->secret_len, (const unsigned char *)msg,
		       (size_t)n, mac, sizeof mac, &mac_len))
		return false;
	hex(out, mac, mac_len);
	return true;
}

int gxca_login_challenge(gxca_login_server *s, int64_t now, char **out, size_t *out_len)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	if (!out || !out_len)
		return gxca__fail(s->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	*out_len = 0;
	now = now_or(now);
	uint8_t raw[NONCE_BYTES];
	char nonce[2 * NONCE_BYTES + 1], mac[2 * MAC_BYTES + 1];
	if (RAND_bytes(raw, sizeof raw) != 1)
		return gxca__fail_ossl(s->ctx, GXCA_ECRYPTO, NULL, "随机数生成失败", "random generation failed");
	hex(nonce, raw, sizeof raw);
	int64_t exp = now + s->lifetime;
	if (!challenge_mac(s, s->platform, nonce, now, exp, mac))
		return gxca__fail_ossl(s->ctx, GXCA_ECRYPTO, NULL, "无法计算挑战校验码", "cannot compute the challenge MAC");
	json_object *o = json_object_new_object();
	if (o && !json_object_object_add(o, "v", json_object_new_int(1)) &&
	    !json_object_object_add(o, "platform", json_object_new_string(s->platform)) &&
	    !json_object_object_add(o, "nonce", json_object_new_string(nonce)) &&
	    !json_object_object_add(o, "iat", json_object_new_int64(now)) &&
	    !json_object_object_add(o, "exp", json_object_new_int64(exp)) &&
	    !json_object_object_add(o, "mac", json_object_new_string(mac)))
		*out = gxca__json_dump(o, false);
	json_object_put(o);
	if (!*out)
		return gxca__oom(s->ctx);
	*out_len = strlen(*out);
	return GXCA_OK;
}

struct challenge {
	char *platform, *nonce, *mac;
	int64_t iat, exp;
};

static void challenge_free(struct challenge *c)
{
	gxca__free(c->platform);
	gxca__free(c->nonce);
	gxca__free(c->mac);
}

/* JSON syntax, encoding and size failures of a login message are format errors
 * (the message of the JSON reader is kept: it says where). */
static int as_format(gxca_ctx *ctx, int rc)
{
	if (rc == GXCA_EJSON || rc == GXCA_EENCODING || rc == GXCA_ETOOBIG) {
		ctx->err.code = GXCA_ELOGIN_FORMAT;
		return GXCA_ELOGIN_FORMAT;
	}
	return rc;
}

/* Open a login message: a JSON object of version 1 with only these keys.
 * *o is set (caller puts it) even on failure. */
static int message_open(gxca__jr *j, gxca_ctx *ctx, const char *text, size_t len, const char *const *keys,
			const char *zh, const char *en, json_object **o)
{
	int64_t v = 0;
	gxca__jr_init(j, ctx, GXCA_ELOGIN_FORMAT);
	*o = NULL;
	int rc = as_format(ctx, gxca__jr_parse(j, text, len, o));
	if (!rc && !json_object_is_type(*o, json_type_object))
		rc = gxca__jr_fail(j, zh, en);
	if (!rc)
		rc = gxca__jr_only(j, *o, keys);
	return rc ? rc : gxca__jr_int(j, *o, "v", true, 1, 1, &v);
}

static int challenge_parse(gxca_ctx *ctx, const char *text, size_t len, struct challenge *c)
{
	static const char *const keys[] = {"v", "platform", "nonce", "iat", "exp", "mac", NULL};
	gxca__jr j;
	json_object *o = NULL;
	int rc = message_open(&j, ctx, text, len, keys, "挑战应为 JSON 对象", "the challenge must be a JSON object", &o);
	if (!rc)
		rc = gxca__jr_str(&j, o, "platform", true, 64, &c->platform);
	if (!rc)
		rc = gxca__jr_str(&j, o, "nonce", true, 2 * NONCE_BYTES, &c->nonce);
	if (!rc)
		rc = gxca__jr_int(&j, o, "iat", true, 0, INT64_MAX / 2, &c->iat);
	if (!rc)
		rc = gxca__jr_int(&j, o, "exp", true, 0, INT64_MAX / 2, &c->exp);
	if (!rc)
		rc = gxca__jr_str(&j, o, "mac", true, 2 * MAC_BYTES, &c->mac);
	json_object_put(o);
	return rc;
}

/* ---- base64 ------------------------------------------------------------------------ */

static char *b64_encode(const uint8_t *p, size_t n)
{
	char *out = gxca__malloc(4 * ((n + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* Strict base64 (with padding) of member field into gxca__malloc memory. */
static int b64_decode(gxca_ctx *ctx, const char *field, const char *s, uint8_t **out, size_t *n)
{
	size_t len = strlen(s);
	if (len == 0 || len % 4 || len > MSG_MAX)
		return gxca__fail(ctx, GXCA_ELOGIN_FORMAT, field, "不是有效的 Base64", "not valid base64");
	if (!(*out = gxca__malloc(len / 4 * 3 + 1)))
		return gxca__oom(ctx);
	int k = EVP_DecodeBlock(*out, (const unsigned char *)s, (int)len);
	if (k < 0)
		return gxca__fail(ctx, GXCA_ELOGIN_FORMAT, field, "不是有效的 Base64", "not valid base64");
	size_t pad = (s[len - 1] == '=') + (s[len - 2] == '=');
	*n = (size_t)k - pad;
	return GXCA_OK;
}

/* ---- client ---------------------------------------------------------------------------- */

static int respond_json(gxca_ctx *ctx, const char *challenge, const uint8_t *sig, size_t sig_len,
			const uint8_t *cert, size_t cert_len, char **out)
{
	char *s64 = b64_encode(sig, sig_len), *c64 = b64_encode(cert, cert_len);
	json_object *o = s64 && c64 ? json_object_new_object() : NULL;
	if (o && !json_object_object_add(o, "v", json_object_new_int(1)) &&
	    !json_object_object_add(o, "challenge", json_object_new_string(challenge)) &&
	    !json_object_object_add(o, "sig", json_object_new_string(s64)) &&
	    !json_object_object_add(o, "cert", json_object_new_string(c64)))
		*out = gxca__json_dump(o, false);
	json_object_put(o);
	gxca__free(s64);
	gxca__free(c64);
	return *out ? GXCA_OK : gxca__oom(ctx);
}

int gxca_login_respond(const gxca_key *key, const uint8_t *cert, size_t cert_len, const char *challenge,
		       size_t challenge_len, const char *expected_platform, char **out, size_t *out_len)
{
	if (!key)
		return GXCA_EINVAL;
	gxca_ctx *ctx = key->ctx;
	gxca__clear(ctx);
	if (!out || !out_len || !challenge || !challenge_len || challenge_len > MSG_MAX)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空或过大", "NULL or too large argument");
	*out = NULL;
	*out_len = 0;
	gxca_cert *c = NULL;
	struct challenge ch = {0};
	uint8_t *der = NULL, *sig = NULL;
	size_t der_len = 0, sig_len = 0;
	char *text = gxca__strndup(challenge, challenge_len);
	int rc = text ? GXCA_OK : gxca__oom(ctx);
	/* the copy stops at a NUL: what is signed and parsed is the copy */
	if (!rc && strlen(text) != challenge_len)
		rc = gxca__fail(ctx, GXCA_ELOGIN_FORMAT, "challenge", "挑战中含有 NUL 字符", "the challenge contains a NUL byte");
	if (!rc)
		rc = cert_parse(ctx, cert, cert_len, &c);
	if (!rc)
		rc = challenge_parse(ctx, text, challenge_len, &ch);
	if (!rc && expected_platform && strcmp(expected_platform, ch.platform) != 0)
		rc = gxca__failf(ctx, GXCA_ELOGIN_PLATFORM, "platform", "挑战属于平台 %s，不是本平台",
				 "the challenge is for platform %s, not this one", ch.platform, ch.platform);
	if (!rc)
		rc = gxca_cert_to_der(c, &der, &der_len);
	if (!rc)
		rc = gxca__pkey_sign(ctx, key->pkey, (const uint8_t *)text, challenge_len, &sig, &sig_len);
	if (!rc)
		rc = respond_json(ctx, text, sig, sig_len, der, der_len, out);
	if (!rc)
		*out_len = strlen(*out);
	challenge_free(&ch);
	gxca__free(text);
	gxca__free(der);
	gxca__free(sig);
	gxca_cert_free(c);
	return rc;
}

/* ---- server: verification ------------------------------------------------------------------ */

struct response {
	char *challenge, *sig64, *cert64;
	uint8_t *sig, *cert;
	size_t sig_len, cert_len;
};

static void response_free(struct response *r)
{
	gxca__free(r->challenge);
	gxca__free(r->sig64);
	gxca__free(r->cert64);
	gxca__free(r->sig);
	gxca__free(r->cert);
}

static int response_parse(gxca_ctx *ctx, const char *text, size_t len, struct response *r)
{
	static const char *const keys[] = {"v", "challenge", "sig", "cert", NULL};
	gxca__jr j;
	json_object *o = NULL;
	int rc = message_open(&j, ctx, text, len, keys, "应答应为 JSON 对象", "the response must be a JSON object", &o);
	if (!rc)
		rc = gxca__jr_str(&j, o, "challenge", true, 4096, &r->challenge);
	if (!rc)
		rc = gxca__jr_str(&j, o, "sig", true, 4096, &r->sig64);
	if (!rc)
		rc = gxca__jr_str(&j, o, "cert", true, MSG_MAX, &r->cert64);
	json_object_put(o);
	if (!rc)
		rc = b64_decode(ctx, "sig", r->sig64, &r->sig, &r->sig_len);
	if (!rc)
		rc = b64_decode(ctx, "cert", r->cert64, &r->cert, &r->cert_len);
	return rc;
}

/* The challenge: ours (HMAC), this platform, fresh, not used. */
static int check_challenge(gxca_login_server *s, const struct challenge *c, int64_t now)
{
	char mac[2 * MAC_BYTES + 1];
	if (strlen(c->nonce) != 2 * NONCE_BYTES || strlen(c->mac) != 2 * MAC_BYTES ||
	    !challenge_mac(s, c->platform, c->nonce, c->iat, c->exp, mac) ||
	    CRYPTO_memcmp(mac, c->mac, 2 * MAC_BYTES) != 0)
		return gxca__fail(s->ctx, GXCA_ELOGIN_FORGED, "challenge", "挑战不是本服务器签发的或已被改动",
				  "the challenge was not issued by this server or was altered");
	if (strcmp(c->platform, s->platform) != 0)
		return gxca__fail(s->ctx, GXCA_ELOGIN_PLATFORM, "platform", "挑战属于其他平台", "challenge for another platform");
	if (now > c->exp || now + CLOCK_SKEW < c->iat)
		return gxca__fail(s->ctx, GXCA_ELOGIN_EXPIRED, "exp", "登录挑战已过期，请重新获取", "the challenge expired; get a new one");
	if (store_seen(s->store, c->nonce, now))
		return gxca__fail(s->ctx, GXCA_ELOGIN_REPLAY, "nonce", "登录挑战已被使用", "the challenge was already used");
	return GXCA_OK;
}

/* Chain, validity, CRL; then the revocation callback. */
static int check_cert(gxca_login_server *s, const gxca_cert *c, int64_t now)
{
	int reason = 0;
	int64_t at = 0;
	int rc = gxca_cert_verify(c, (const gxca_cert *const *)s->trust, s->n_trust, s->crl, now, &reason, &at);
	if (rc == GXCA_ECERT_REVOKED)
		return gxca__failf(s->ctx, GXCA_ELOGIN_REVOKED, "cert", "登录证书已吊销（%s）", "the login certificate is revoked (%s)",
				   gxca_revocation_reason_name(reason), gxca_revocation_reason_name(reason));
	if (rc) {
		char why[600];
		snprintf(why, sizeof why, "%s: %s", gxca_error_name_of(rc), gxca_error_message_lang(&s->ctx->err, GXCA_LANG_EN));
		gxca__fail(s->ctx, GXCA_ELOGIN_CERT, "cert", "登录证书无效", "the login certificate is not valid");
		gxca__set_detail(s->ctx, why);
		return GXCA_ELOGIN_CERT;
	}
	int revoked = 0;
	if (s->revoked_fn && (rc = s->revoked_fn(gxca_cert_issuer(c), gxca_cert_serial(c), &revoked, s->revoked_payload)))
		return gxca__fail(s->ctx, GXCA_EUSER, "cert", "吊销状态查询失败", "the revocation lookup failed");
	if (revoked)
		return gxca__fail(s->ctx, GXCA_ELOGIN_REVOKED, "cert", "登录证书已吊销", "the login certificate is revoked");
	return GXCA_OK;
}

/* The holder's number: GM/T 0015 extension, else an OU / CN that is a valid USCC or ID number. */
static const char *holder_number(gxca_ctx *ctx, const gxca_cert *c, int *kind)
{
	*kind = gxca_cert_uscc(c) ? GXCA_APPLICANT_ORG : gxca_cert_id_number(c) ? GXCA_APPLICANT_PERSON : 0;
	if (*kind)
		return *kind == GXCA_APPLICANT_ORG ? gxca_cert_uscc(c) : gxca_cert_id_number(c);
	const int fields[] = {GXCA_DN_OU, GXCA_DN_CN};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(fields); i++) {
		const char *v = gxca_cert_subject_field(c, fields[i]);
		if (v && gxca_identity_check_uscc(ctx, v, NULL) == GXCA_OK)
			*kind = GXCA_APPLICANT_ORG;
		else if (v && gxca_identity_check_id_number(ctx, v, NULL) == GXCA_OK)
			*kind = GXCA_APPLICANT_PERSON;
		if (*kind)
			return v;
	}
	gxca__clear(ctx);
	return "";
}

static int identity_make(gxca_login_server *s, const gxca_cert *c, gxca_login_identity **out)
{
	gxca_login_identity *id = gxca__calloc(1, sizeof *id);
	if (!id)
		return gxca__oom(s->ctx);
	const char *cn = gxca_cert_subject_field(c, GXCA_DN_CN);
	const char *num = holder_number(s->ctx, c, &id->kind);
	id->name = gxca__strdup(cn ? cn : "");
	id->number = gxca__strdup(num);
	id->serial = gxca__strdup(gxca_cert_serial(c));
	id->subject = gxca__strdup(gxca_cert_subject(c));
	if (!id->name || !id->number || !id->serial || !id->subject) {
		gxca_login_identity_free(id);
		return gxca__oom(s->ctx);
	}
	if (s->role_fn && s->role_fn(id->serial, &id->role, s->role_payload)) {
		gxca_login_identity_free(id);
		return gxca__fail(s->ctx, GXCA_EUSER, "role", "主副锁查询失败", "the role lookup failed");
	}
	*out = id;
	return GXCA_OK;
}

int gxca_login_verify(gxca_login_server *s, const char *response, size_t len, int64_t now, gxca_login_identity **out)
{
	if (!s)
		return GXCA_EINVAL;
	gxca__clear(s->ctx);
	if (!out || !response || !len || len > MSG_MAX)
		return gxca__fail(s->ctx, GXCA_EINVAL, "response", "应答为空或过大", "response empty or too large");
	*out = NULL;
	now = now_or(now);
	struct response r = {0};
	struct challenge ch = {0};
	gxca_cert *c = NULL;
	int rc = response_parse(s->ctx, response, len, &r);
	if (!rc)
		rc = challenge_parse(s->ctx, r.challenge, strlen(r.challenge), &ch);
	if (!rc)
		rc = check_challenge(s, &ch, now);
	if (!rc && (rc = gxca_cert_from_der(&c, s->ctx, r.cert, r.cert_len)) && rc != GXCA_ENOMEM)
		rc = gxca__fail(s->ctx, GXCA_ELOGIN_FORMAT, "cert", "应答中的证书无法解析", "the certificate of the response cannot be parsed");
	if (!rc)
		rc = gxca__pkey_verify(s->ctx, gxca__cert_pubkey(c), (const uint8_t *)r.challenge, strlen(r.challenge),
				       r.sig, r.sig_len);
	if (!rc)
		rc = check_cert(s, c, now);
	if (!rc)
		rc = identity_make(s, c, out);
	if (!rc && (rc = store_add(s->store, s->ctx, ch.nonce, ch.exp))) {
		gxca_login_identity_free(*out);
		*out = NULL;
	}
	if (!rc)
		gxca__clear(s->ctx); /* the subject lookups may have left a failure */
	challenge_free(&ch);
	response_free(&r);
	gxca_cert_free(c);
	return rc;
}

/* ---- identity ---------------------------------------------------------------------------- */

void gxca_login_identity_free(gxca_login_identity *id)
{
	if (!id)
		return;
	gxca__free(id->name);
	gxca__free(id->number);
	gxca__free(id->serial);
	gxca__free(id->subject);
	gxca__free(id);
}

const char *gxca_login_identity_name(const gxca_login_identity *id) { return id ? id->name : ""; }
const char *gxca_login_identity_number(const gxca_login_identity *id) { return id ? id->number : ""; }
int gxca_login_identity_kind(const gxca_login_identity *id) { return id ? id->kind : 0; }
const char *gxca_login_identity_serial(const gxca_login_identity *id) { return id ? id->serial : ""; }
const char *gxca_login_identity_subject(const gxca_login_identity *id) { return id ? id->subject : ""; }
int gxca_login_identity_role(const gxca_login_identity *id) { return id ? id->role : 0; }
