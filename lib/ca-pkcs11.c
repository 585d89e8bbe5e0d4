/*
 * lib/ca-pkcs11.c — the CA key in an HSM: gxca_ca_open() with a PKCS#11 URI
 * (RFC 7512). The key never leaves the token: the token module (token.h,
 * libp11) hands out a gxca_key that signs on the token and keeps the token
 * session alive until it is freed; the CA signs through it like any key.
 *
 *   pkcs11:token=<label>;serial=<serial>;object=<key label>;id=%01%02
 *          ?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=<PIN>
 *
 * token or serial picks the token (neither: the only one present), object
 * and/or id the private key; module-path defaults to GXCA_PKCS11_MODULE or
 * p11-kit's proxy. The PIN given to gxca_ca_open() wins over pin-value.
 * Other attributes (type, manufacturer, model, library-*) are accepted and
 * not used.
 */
#include "ca-private.h"

#include <string.h>

#include <openssl/crypto.h>

struct p11_uri {
	char token[128], serial[128], object[256], module[1024], pin[256];
	uint8_t id[64];
	size_t id_len;
	bool has_id;
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decode n bytes of s into out (cap bytes, NUL added when text). */
static bool pct_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len, bool text)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return false;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return false;
			c = h * 16 + l;
			i += 2;
		}
		if (o + (text ? 1 : 0) >= cap || (text && c == 0))
			return false;
		out[o++] = (uint8_t)c;
	}
	if (text)
		out[o] = '\0';
	*len = o;
	return true;
}

static bool set_text(char *dst, size_t cap, const char *v, size_t n)
{
	size_t len = 0;
	return pct_decode(v, n, (uint8_t *)dst, cap, &len, true);
}

/* One name=value attribute of the URI. */
static bool attribute(struct p11_uri *u, const char *a, size_t n)
{
	const char *eq = memchr(a, '=', n);
	if (!eq)
		return n == 0; /* an empty attribute (";;") is harmless */
	size_t k = (size_t)(eq - a), vn = n - k - 1;
	const char *v = eq + 1;
#define IS(name) (k == sizeof name - 1 && memcmp(a, name, k) == 0)
	if (IS("token"))
		return set_text(u->token, sizeof u->token, v, vn);
	if (IS("serial"))
		return set_text(u->serial, sizeof u->serial, v, vn);
	if (IS("object"))
		return set_text(u->object, sizeof u->object, v, vn);
	if (IS("module-path"))
		return set_text(u->module, sizeof u->module, v, vn);
	if (IS("pin-value"))
		return set_text(u->pin, sizeof u->pin, v, vn);
	if (IS("id"))
		return (u->has_id = pct_decode(v, vn, u->id, sizeof u->id, &u->id_len, false)) && u->id_len > 0;
#undef IS
	return true;
}

static bool parse_uri(const char *uri, struct p11_uri *u)
{
	memset(u, 0, sizeof *u);
	const char *p = uri + strlen("pkcs11:");
	while (*p) {
		size_t n = strcspn(p, ";?&");
		if (!attribute(u, p, n))
			return false;
		p += n;
		if (*p)
			p++;
	}
	return true;
}

int gxca__ca_pkcs11_key(gxca_ctx *ctx, const char *uri, const char *pin, gxca_key **out)
{
	*out = NULL;
	struct p11_uri u;
	if (!parse_uri(uri, &u)) {
		OPENSSL_cleanse(&u, sizeof u);
		return gxca__fail(ctx, GXCA_EINVAL, "key", "PKCS#11 URI 格式错误", "malformed PKCS#11 URI");
	}
	if (!pin)
		pin = u.pin[0] ? u.pin : NULL;
	if (!u.object[0] && !u.has_id) {
		OPENSSL_cleanse(&u, sizeof u);
		return gxca__fail(ctx, GXCA_EINVAL, "key", "PKCS#11 URI 须指明密钥（object 或 id）",
				  "the PKCS#11 URI must name the key (object or id)");
	}
	gxca_token_module *mod = NULL;
	gxca_token *tok = NULL;
	int rc = gxca_token_module_open(&mod, ctx, u.module[0] ? u.module : NULL);
	if (!rc)
		rc = gxca_token_open(&tok, mod, u.serial[0] ? u.serial : u.token[0] ? u.token : NULL);
	if (!rc && pin)
		rc = gxca_token_login(tok, pin);
	if (!rc)
		rc = gxca_token_get_key(out, tok, u.object[0] ? u.object : NULL, u.has_id ? u.id : NULL, u.id_len);
	/* the key keeps its token (and module) open */
	gxca_token_close(tok);
	gxca_token_module_close(mod);
	OPENSSL_cleanse(&u, sizeof u);
	return rc;
}
