/*
 * lib/key.c — key pairs on OpenSSL 3: generate, load, save 0600, sign, verify.
 * SM2 on OpenSSL 3.0 signs with an EMPTY distinguishing ID unless told
 * otherwise (research/ses.md §9): every SM2 sign/verify here sets it.
 */
#include "key-private.h"
#include "policy-private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>

#define GM_DEFAULT_SM2_ID "1234567812345678"
#define MAX_KEY_FILE (1u << 20)

static const char *const alg_names[] = {NULL, "SM2", "EC_P256", "RSA2048", "RSA3072"};

const char *gxca_key_alg_name(int alg)
{
	return alg > 0 && (size_t)alg < GXCA_ARRAY_LEN(alg_names) ? alg_names[alg] : NULL;
}

int gxca_key_alg_from_name(const char *name)
{
	for (size_t i = 1; name && i < GXCA_ARRAY_LEN(alg_names); i++)
		if (strcasecmp(alg_names[i], name) == 0)
			return (int)i;
	return 0;
}

const char *gxca__sm2_id(const gxca_ctx *ctx)
{
	if (ctx && ctx->policy && ctx->policy->ca.sm2_id)
		return ctx->policy->ca.sm2_id;
	return GM_DEFAULT_SM2_ID;
}

int gxca__pkey_alg(const EVP_PKEY *pkey)
{
	if (!pkey)
		return 0;
	if (EVP_PKEY_is_a(pkey, "SM2"))
		return GXCA_KEY_SM2;
	if (EVP_PKEY_is_a(pkey, "EC")) {
		char group[64] = "";
		size_t glen = 0;
		if (EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof group, &glen) != 1)
			return 0;
		if (strcmp(group, "SM2") == 0)
			return GXCA_KEY_SM2; /* an SM2-curve key typed EC (e.g. from a token) */
		return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0 ? GXCA_KEY_EC_P256 : 0;
	}
	if (EVP_PKEY_is_a(pkey, "RSA")) {
		int bits = EVP_PKEY_get_bits(pkey);
		return bits == 2048 ? GXCA_KEY_RSA2048 : bits == 3072 ? GXCA_KEY_RSA3072 : 0;
	}
	return 0;
}

int gxca__key_wrap(gxca_key **out, gxca_ctx *ctx, EVP_PKEY *pkey, bool on_token, void *owner,
		   void (*release)(void *owner))
{
	int alg = gxca__pkey_alg(pkey);
	if (!alg)
		return gxca__fail(ctx, GXCA_EUNSUPPORTED, "key", "不支持的密钥类型（支持 SM2、P-256、RSA 2048/3072）",
				  "unsupported key type (SM2, P-256, RSA 2048/3072 are supported)");
	gxca_key *k = gxca__calloc(1, sizeof *k);
	if (!k)
		return gxca__oom(ctx);
	k->ctx = ctx;
	k->pkey = pkey;
	k->alg = alg;
	k->on_token = on_token;
	k->owner = owner;
	k->release = release;
	*out = k;
	return GXCA_OK;
}

void gxca_key_free(gxca_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	if (key->release)
		key->release(key->owner);
	gxca__free(key);
}

int gxca_key_algorithm(const gxca_key *key) { return key ? key->alg : 0; }

static EVP_PKEY *generate(int alg)
{
	switch (alg) {
	case GXCA_KEY_SM2: return EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	case GXCA_KEY_EC_P256: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case GXCA_KEY_RSA2048: return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	case GXCA_KEY_RSA3072: return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	default: return NULL;
	}
}

int gxca_key_generate(gxca_key **out, gxca_ctx *ctx, int alg)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	if (!gxca_key_alg_name(alg))
		return gxca__failf(ctx, GXCA_EINVAL, "alg", "未知密钥算法 %d", "unknown key algorithm %d", alg, alg);
	EVP_PKEY *pkey = generate(alg);
	if (!pkey)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, "alg", "生成密钥失败", "key generation failed");
	int rc = gxca__key_wrap(out, ctx, pkey, false, NULL, NULL);
	if (rc)
		EVP_PKEY_free(pkey);
	return rc;
}

/* PKCS#12: the key of the first key bag. */
static EVP_PKEY *load_p12(const uint8_t *data, size_t len, const char *password)
{
	const unsigned char *p = data;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	EVP_PKEY *pkey = NULL;
	if (p12 && PKCS12_parse(p12, password ? password : "", &pkey, NULL, NULL) != 1)
		pkey = NULL;
	PKCS12_free(p12);
	return pkey;
}

static EVP_PKEY *load_any(const uint8_t *data, size_t len, const char *password)
{
	EVP_PKEY *pkey = NULL;
	OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL,
							       OSSL_KEYMGMT_SELECT_PRIVATE_KEY, NULL, NULL);
	if (!dctx)
		return NULL;
	if (password)
		OSSL_DECODER_CTX_set_passphrase(dctx, (const unsigned char *)password, strlen(password));
	const unsigned char *p = data;
	size_t left = len;
	if (OSSL_DECODER_from_data(dctx, &p, &left) != 1)
		pkey = NULL;
	OSSL_DECODER_CTX_free(dctx);
	return pkey ? pkey : load_p12(data, len, password);
}

int gxca_key_load(gxca_key **out, gxca_ctx *ctx, const uint8_t *data, size_t len, const char *password)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	if (!data || !len || len > MAX_KEY_FILE || len > LONG_MAX)
		return gxca__fail(ctx, GXCA_EINVAL, "data", "密钥数据为空或过大", "key data empty or too large");
	EVP_PKEY *pkey = load_any(data, len, password);
	if (!pkey)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, "data", "无法读取私钥（格式不对或口令错误）",
				       "cannot read the private key (bad format or wrong password)");
	ERR_clear_error(); /* decoders leave harmless noise from the formats they tried */
	int rc = gxca__key_wrap(out, ctx, pkey, false, NULL, NULL);
	if (rc)
		EVP_PKEY_free(pkey);
	return rc;
}

int gxca_key_load_file(gxca_key **out, gxca_ctx *ctx, const char *path, const char *password)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	int rc = gxca__check_str(ctx, "path", path, 4096);
	gxca__buf b = {0};
	if (!rc)
		rc = gxca__read_file(ctx, path, MAX_KEY_FILE, &b);
	if (!rc)
		rc = gxca_key_load(out, ctx, (const uint8_t *)b.data, b.len, password);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	gxca__buf_free(&b);
	return rc;
}

int gxca_key_save_pem(const gxca_key *key, const char *path, const char *password)
{
	if (!key)
		return GXCA_EINVAL;
	gxca_ctx *ctx = key->ctx;
	gxca__clear(ctx);
	int rc = gxca__check_str(ctx, "path", path, 4096);
	if (rc)
		return rc;
	if (key->on_token)
		return gxca__fail(ctx, GXCA_EPERM, "key", "令牌中的私钥不能导出", "a token key cannot be exported");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return gxca__failf(ctx, errno == EEXIST ? GXCA_EEXISTS : GXCA_EIO, "path",
				   "无法创建 %s：%s", "cannot create %s: %s", path, strerror(errno), path,
				   strerror(errno));
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(path);
		return gxca__fail(ctx, GXCA_EIO, "path", "无法写入密钥文件", "cannot write the key file");
	}
	const EVP_CIPHER *cipher = password ? EVP_aes_256_cbc() : NULL;
	int ok = PEM_write_PKCS8PrivateKey(f, key->pkey, cipher, NULL, 0, NULL,
					   (void *)(password ? password : ""));
	ok = (fclose(f) == 0) && ok;
	if (!ok) {
		unlink(path);
		return gxca__fail_ossl(ctx, GXCA_EIO, "path", "写入密钥文件失败", "writing the key file failed");
	}
	return GXCA_OK;
}

int gxca_key_public_der(const gxca_key *key, uint8_t **out, size_t *out_len)
{
	if (!key || !out || !out_len)
		return key ? gxca__fail(key->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument") : GXCA_EINVAL;
	gxca__clear(key->ctx);
	*out = NULL;
	*out_len = 0;
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key->pkey, &der);
	if (n <= 0)
		return gxca__fail_ossl(key->ctx, GXCA_ECRYPTO, "key", "公钥编码失败", "cannot encode the public key");
	*out = gxca__malloc((size_t)n);
	if (*out) {
		memcpy(*out, der, (size_t)n);
		*out_len = (size_t)n;
	}
	OPENSSL_free(der);
	return *out ? GXCA_OK : gxca__oom(key->ctx);
}

EVP_MD_CTX *gxca__pkey_md_ctx(gxca_ctx *ctx, EVP_PKEY *pkey, bool for_sign)
{
	int alg = gxca__pkey_alg(pkey);
	const char *md = alg == GXCA_KEY_SM2 ? "SM3" : "SHA256";
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	if (!mctx)
		return NULL;
	int ok = for_sign ? EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, pkey, NULL)
			  : EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, pkey, NULL);
	if (ok == 1 && alg == GXCA_KEY_SM2) {
		const char *id = gxca__sm2_id(ctx);
		ok = EVP_PKEY_CTX_set1_id(pctx, id, strlen(id)) > 0;
	}
	if (ok == 1 && alg >= GXCA_KEY_RSA2048)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
	if (ok != 1) {
		EVP_MD_CTX_free(mctx);
		return NULL;
	}
	return mctx;
}

int gxca__pkey_sign(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *data, size_t len, uint8_t **sig,
		    size_t *sig_len)
{
	EVP_MD_CTX *mctx = gxca__pkey_md_ctx(ctx, pkey, true);
	size_t n = 0;
	uint8_t *buf = NULL;
	int rc = GXCA_OK;
	if (!mctx || EVP_DigestSign(mctx, NULL, &n, data, len) != 1)
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "签名失败", "signing failed");
	else if (!(buf = gxca__malloc(n)))
		rc = gxca__oom(ctx);
	else if (EVP_DigestSign(mctx, buf, &n, data, len) != 1)
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "签名失败", "signing failed");
	EVP_MD_CTX_free(mctx);
	if (rc) {
		gxca__free(buf);
		return rc;
	}
	*sig = buf;
	*sig_len = n;
	return GXCA_OK;
}

int gxca__pkey_verify(gxca_ctx *ctx, EVP_PKEY *pkey, const uint8_t *data, size_t len,
		      const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *mctx = gxca__pkey_md_ctx(ctx, pkey, false);
	if (!mctx)
		return gxca__fail_ossl(ctx, GXCA_ECRYPTO, "key", "验签初始化失败", "cannot set up verification");
	int ok = EVP_DigestVerify(mctx, sig, sig_len, data, len);
	EVP_MD_CTX_free(mctx);
	if (ok != 1) {
		ERR_clear_error();
		return gxca__fail(ctx, GXCA_EBADSIG, "signature", "签名验证失败", "signature does not verify");
	}
	return GXCA_OK;
}

int gxca_key_sign(const gxca_key *key, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	if (!key)
		return GXCA_EINVAL;
	gxca__clear(key->ctx);
	if (!sig || !sig_len || (!data && len))
		return gxca__fail(key->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*sig = NULL;
	*sig_len = 0;
	return gxca__pkey_sign(key->ctx, key->pkey, data ? data : (const uint8_t *)"", len, sig, sig_len);
}

int gxca_key_verify(const gxca_key *key, const uint8_t *data, size_t len, const uint8_t *sig,
		    size_t sig_len)
{
	if (!key)
		return GXCA_EINVAL;
	gxca__clear(key->ctx);
	if ((!data && len) || !sig || !sig_len)
		return gxca__fail(key->ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	return gxca__pkey_verify(key->ctx, key->pkey, data ? data : (const uint8_t *)"", len, sig, sig_len);
}
