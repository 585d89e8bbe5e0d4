/*
 * lib/envelope.c — bid-file envelopes: CMS (Auth)EnvelopedData, streamed.
 *
 * Encrypting streams through OpenSSL (BIO_new_CMS: indefinite-length BER).
 * Decrypting cannot: OpenSSL 3.0 parses a whole CMS file in memory (the
 * research measured 315 MB of RSS for a 100 MB file). So the header is read
 * here, TLV by TLV (ASN1_get_object), and the small parts (version,
 * originator, recipients, content algorithm) are re-assembled into a
 * "detached" ContentInfo without the encrypted content. OpenSSL parses that,
 * recovers the content key with the caller's key (on the token for a token
 * key) and gives the cipher BIO (CMS_dataInit with our content BIO); the
 * encrypted content is then fed from the file through a custom source BIO
 * that strips the OCTET STRING chunk headers. For AES-GCM the tag (the
 * `mac` after the content) is read when the content ends and set on the
 * cipher before it finishes.
 */
#include "key-private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define IO_BUF (256u * 1024u)
/* The output buffer gathers the small writes of the CMS header and the
 * chunk headers; content chunks, larger, then go past it without a copy. */
#define SMALL_WRITES 4096
#define PART_MAX (1u << 20) /* a header element (recipient infos...) */
#define MAX_RECIPIENTS 64
#define DUMMY_TAG_LEN 16

struct gxca_envelope {
	gxca_ctx *ctx;
	int cipher;
	STACK_OF(X509) *certs;
};

static const char *const cipher_names[] = {NULL, "AES-256-GCM", "AES-256-CBC", "SM4-CBC"};

const char *gxca_envelope_cipher_name(int c)
{
	return c > 0 && (size_t)c < GXCA_ARRAY_LEN(cipher_names) ? cipher_names[c] : NULL;
}

int gxca_envelope_cipher_from_name(const char *name)
{
	for (size_t i = 1; name && i < GXCA_ARRAY_LEN(cipher_names); i++)
		if (strcasecmp(cipher_names[i], name) == 0)
			return (int)i;
	return 0;
}

static const EVP_CIPHER *cipher_of(int c)
{
	switch (c) {
	case GXCA_ENVELOPE_AES256_GCM: return EVP_aes_256_gcm();
	case GXCA_ENVELOPE_AES256_CBC: return EVP_aes_256_cbc();
	case GXCA_ENVELOPE_SM4_CBC: return EVP_sm4_cbc();
	default: return NULL;
	}
}

/* DER, else PEM. */
static X509 *parse_cert(gxca_ctx *ctx, const uint8_t *der, size_t len)
{
	if (!der || !len || len > PART_MAX) {
		gxca__fail(ctx, GXCA_EINVAL, "cert", "证书为空或过大", "certificate empty or too large");
		return NULL;
	}
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	if (!x) {
		BIO *b = BIO_new_mem_buf(der, (int)len);
		x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	}
	if (!x)
		gxca__fail_ossl(ctx, GXCA_ECERT_PARSE, "cert", "无法解析证书", "cannot parse the certificate");
	ERR_clear_error();
	return x;
}

int gxca_envelope_new(gxca_envelope **out, gxca_ctx *ctx)
{
	if (!ctx || !out)
		return gxca__fail(ctx, GXCA_EINVAL, NULL, "参数为空", "NULL argument");
	*out = NULL;
	gxca__clear(ctx);
	gxca_envelope *e = gxca__calloc(1, sizeof *e);
	if (!e || !(e->certs = sk_X509_new_null())) {
		gxca__free(e);
		return gxca__oom(ctx);
	}
	e->ctx = ctx;
	e->cipher = GXCA_ENVELOPE_AES256_GCM;
	*out = e;
	return GXCA_OK;
}

void gxca_envelope_free(gxca_envelope *e)
{
	if (!e)
		return;
	sk_X509_pop_free(e->certs, X509_free);
	gxca__free(e);
}

int gxca_envelope_set_cipher(gxca_envelope *e, int cipher)
{
	if (!e)
		return GXCA_EINVAL;
	gxca__clear(e->ctx);
	if (!gxca_envelope_cipher_name(cipher))
		return gxca__failf(e->ctx, GXCA_EINVAL, "cipher", "未知加密算法 %d", "unknown cipher %d", cipher, cipher);
	e->cipher = cipher;
	return GXCA_OK;
}

size_t gxca_envelope_recipient_count(const gxca_envelope *e)
{
	return e ? (size_t)sk_X509_num(e->certs) : 0;
}

int gxca_envelope_add_recipient(gxca_envelope *e, const uint8_t *cert, size_t len)
{
	if (!e)
		return GXCA_EINVAL;
	gxca__clear(e->ctx);
	X509 *x = parse_cert(e->ctx, cert, len);
	if (!x)
		return e->ctx->err.code;
	int alg = gxca__pkey_alg(X509_get0_pubkey(x)), rc = GXCA_OK;
	if (alg != GXCA_KEY_EC_P256 && alg != GXCA_KEY_RSA2048 && alg != GXCA_KEY_RSA3072)
		rc = gxca__fail(e->ctx, GXCA_EENVELOPE_RECIPIENT, "cert", "接收方证书须为 RSA 或 P-256 密钥（不支持 SM2 信封）",
				"the recipient certificate needs an RSA or P-256 key (SM2 envelopes are not supported)");
	for (int i = 0; !rc && i < sk_X509_num(e->certs); i++)
		if (X509_cmp(sk_X509_value(e->certs, i), x) == 0)
			rc = gxca__fail(e->ctx, GXCA_EEXISTS, "cert", "接收方已添加", "recipient already added");
	if (!rc && sk_X509_num(e->certs) >= MAX_RECIPIENTS)
		rc = gxca__fail(e->ctx, GXCA_ETOOBIG, "cert", "接收方过多", "too many recipients");
	if (!rc && !sk_X509_push(e->certs, x))
		rc = gxca__fail_ossl(e->ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	if (rc)
		X509_free(x);
	return rc;
}

/* ---- plain I/O ------------------------------------------------------------ */

static ssize_t read_full(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static bool write_full(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static int fail_io(gxca_ctx *ctx, const char *field)
{
	return gxca__failf(ctx, GXCA_EIO, field, "读写失败：%s", "input/output error: %s", strerror(errno),
			   strerror(errno));
}

/* ---- the input: a buffered reader, reading ahead for regular files ------------------- */

struct ahead;

struct rd {
	int fd;
	uint8_t *buf; /* the reader's own (IO_BUF), or a read-ahead slot */
	size_t pos, len, cap;
	bool eof, io_error, oom;
	struct ahead *ahead; /* NULL: read() here */
};

/* ---- reading ahead ---- */

/* A regular file is read ahead by a second thread into SLOTS slots, so that
 * copying it out of the page cache (a fifth of AES-GCM's time) overlaps the
 * cipher. Only regular files: a read there cannot block
 * for ever, so stopping always joins the thread. */
#define RD_HEAD 64u /* room in front of a slot for the bytes left of the last one */
#define SLOT_CAP (RD_HEAD + IO_BUF)
#define SLOTS 4

enum slot_state { SLOT_EMPTY, SLOT_FULL, SLOT_HELD };

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	uint8_t *mem[SLOTS];
	size_t n[SLOTS];         /* bytes read into mem[i] + RD_HEAD */
	enum slot_state state[SLOTS];
	int fill, take;          /* the next slot to fill, to take */
	bool stop, finished, io_error;
};

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;
	pthread_mutex_lock(&a->mu);
	while (!a->stop) {
		int i = a->fill;
		if (a->state[i] != SLOT_EMPTY) {
			pthread_cond_wait(&a->cv, &a->mu);
			continue;
		}
		pthread_mutex_unlock(&a->mu);
		ssize_t got = read_full(a->fd, a->mem[i] + RD_HEAD, IO_BUF);
		pthread_mutex_lock(&a->mu);
		a->n[i] = got > 0 ? (size_t)got : 0;
		a->io_error = got < 0;
		a->state[i] = SLOT_FULL;
		a->fill = (i + 1) % SLOTS;
		pthread_cond_broadcast(&a->cv);
		if (got < (ssize_t)IO_BUF)
			break; /* the end, or an error */
	}
	a->finished = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Free a; its mutex and condition too when inited. */
static void ahead_free(struct ahead *a, bool inited)
{
	if (inited) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
	}
	for (int i = 0; i < SLOTS; i++)
		if (a->mem[i]) {
			OPENSSL_cleanse(a->mem[i], SLOT_CAP); /* plaintext when encrypting */
			gxca__free(a->mem[i]);
		}
	gxca__free(a);
}

static void ahead_stop(struct ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	ahead_free(a, true);
}

/* Read the rest of a regular file ahead; false (and plain reads) otherwise. */
static bool ahead_start(struct rd *r)
{
	struct stat st;
	if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)(SLOTS * IO_BUF))
		return false;
	struct ahead *a = gxca__calloc(1, sizeof *a);
	if (!a)
		return false;
	a->fd = r->fd;
	bool mem = true;
	for (int i = 0; i < SLOTS; i++)
		mem = (a->mem[i] = gxca__malloc(SLOT_CAP)) && mem;
	bool inited = mem && pthread_mutex_init(&a->mu, NULL) == 0;
	if (inited && pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		inited = false;
	}
	if (inited && pthread_create(&a->thread, NULL, ahead_main, a) == 0) {
		r->ahead = a;
		return true;
	}
	ahead_free(a, inited);
	return false;
}

/* Move to the next slot, the bytes left of the current buffer in front. */
static void ahead_take(struct rd *r)
{
	struct ahead *a = r->ahead;
	size_t rem = r->len - r->pos;
	pthread_mutex_lock(&a->mu);
	int i = a->take;
	while (a->state[i] != SLOT_FULL && !a->finished)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->state[i] != SLOT_FULL) { /* the file has ended */
		r->eof = true;
		r->io_error = r->io_error || a->io_error;
		pthread_mutex_unlock(&a->mu);
		return;
	}
	memcpy(a->mem[i] + RD_HEAD - rem, r->buf + r->pos, rem);
	int prev = (i + SLOTS - 1) % SLOTS;
	if (a->state[prev] == SLOT_HELD)
		a->state[prev] = SLOT_EMPTY; /* done with the slot read so far */
	a->state[i] = SLOT_HELD;
	a->take = (i + 1) % SLOTS;
	size_t n = a->n[i];
	if (!n) {
		r->eof = true;
		r->io_error = r->io_error || a->io_error;
	}
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	r->buf = a->mem[i];
	r->pos = RD_HEAD - rem;
	r->len = RD_HEAD + n;
	r->cap = SLOT_CAP;
}

/* Have at least need (<= RD_HEAD) bytes buffered unless the file ends. */
static size_t rd_avail(struct rd *r, size_t need)
{
	if (r->len - r->pos >= need)
		return r->len - r->pos;
	if (r->ahead) {
		while (r->len - r->pos < need && !r->eof)
			ahead_take(r);
		return r->len - r->pos;
	}
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < need && !r->eof) {
		ssize_t n = read_full(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0)
			r->io_error = true;
		if (n <= 0)
			r->eof = true;
		else
			r->len += (size_t)n;
	}
	return r->len - r->pos;
}

/* ---- encryption ------------------------------------------------------------ */

/* Free a BIO chain down to (not including) stop. */
static void free_upto(BIO *b, BIO *stop)
{
	while (b && b != stop) {
		BIO *next = BIO_pop(b);
		BIO_free(b);
		b = next;
	}
}

/* The CMS writer's cipher context and the BIO after the cipher BIO, or false. */
static bool cipher_stage(BIO *w, EVP_CIPHER_CTX **c, BIO **next)
{
	*c = NULL;
	*next = BIO_next(w);
	return BIO_method_type(w) == BIO_TYPE_CIPHER && BIO_get_cipher_ctx(w, c) > 0 && *c && *next;
}

/* Encrypt the rest of r. The content is encrypted here with the CMS
 * writer's own cipher context and written past its cipher BIO, up to IO_BUF
 * at a time: BIO_f_cipher works in 4 KB blocks, which costs a third of
 * AES-GCM's speed. The cipher BIO then only finishes the cipher when
 * flushed (padding, GCM tag). */
static int pump_encrypt(gxca_ctx *ctx, struct rd *r, BIO *w, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	BIO *next;
	bool direct = cipher_stage(w, &c, &next);
	for (;;) {
		size_t have = rd_avail(r, 1);
		if (r->io_error)
			return fail_io(ctx, "in");
		if (have == 0)
			return GXCA_OK;
		int n = (int)(have < IO_BUF ? have : IO_BUF), outl = 0;
		const uint8_t *in = r->buf + r->pos;
		r->pos += (size_t)n;
		if (direct && EVP_CipherUpdate(c, out, &outl, in, n) != 1)
			return gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "加密失败", "encryption failed");
		if (direct ? outl > 0 && BIO_write(next, out, outl) != outl : BIO_write(w, in, n) != n)
			return gxca__fail_ossl(ctx, GXCA_EIO, "out", "写入信封失败", "writing the envelope failed");
	}
}

/* OpenSSL's streaming writer fails on empty content (so does `openssl cms
 * -stream`): an empty file gets a plain DER envelope. */
static int encrypt_empty(gxca_ctx *ctx, CMS_ContentInfo *cms, BIO *out)
{
	BIO *none = BIO_new_mem_buf("", 0);
	int ok = none && CMS_final(cms, none, NULL, CMS_BINARY) == 1 && i2d_CMS_bio(out, cms) == 1;
	BIO_free(none);
	return ok ? GXCA_OK : gxca__fail_ossl(ctx, GXCA_EIO, "out", "写入信封失败", "writing the envelope failed");
}

/* Stream the content (its first bytes already read into r) into buf. */
static int encrypt_stream(gxca_ctx *ctx, CMS_ContentInfo *cms, BIO *buf, struct rd *r)
{
	BIO *w = BIO_new_CMS(buf, cms);
	uint8_t *out = gxca__malloc(IO_BUF + EVP_MAX_BLOCK_LENGTH);
	if (!out) {
		free_upto(w, buf);
		return gxca__oom(ctx);
	}
	ahead_start(r);
	int rc = w ? pump_encrypt(ctx, r, w, out)
		   : gxca__fail_ossl(ctx, GXCA_ECRYPTO, NULL, "无法构造数字信封", "cannot set up the envelope");
	if (!rc && BIO_flush(w) <= 0) /* writes the trailer (and the GCM tag) */
		rc = gxca__fail_ossl(ctx, GXCA_EIO, "out", "写入信封失败", "writing the envelope failed");
	ahead_stop(r->ahead);
	r->ahead = NULL;
	free_upto(w, buf);
	gxca__free(out);
	return rc;
}

int gxca_envelope_encrypt_fd(gxca_envelope *e, int in_fd, int out_fd)
{
	if (!e)
		return GXCA_EINVAL;
	gxca__clear(e->ctx);
	gxca_ctx *ctx = e->ctx;
	if (in_fd < 0 || out_fd < 0)
		return gxca__fail(ctx, GXCA_EINVAL, "fd", "文件描述符无效", "invalid file descriptor");
	if (sk_X509_num(e->certs) == 0)
		return gxca__fail(ctx, GXCA_ESTATE, "recipients", "请先添加接收方证书", "add a recipient certificate first");
	uint8_t *own = gxca__malloc(IO_BUF);
	if (!own)
		return gxca__oom(ctx);
	struct rd r = {.fd = in_fd, .buf = own, .cap = IO_BUF};
	int rc = GXCA_OK;
	BIO *fout = BIO_new_fd(out_fd, BIO_NOCLOSE), *buf = BIO_new(BIO_f_buffer());
	CMS_ContentInfo *cms = NULL;
	if (!fout || !buf || BIO_set_write_buffer_size(buf, SMALL_WRITES) <= 0)
		rc = gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	else
		BIO_push(buf, fout);
	/* CMS_STREAM: only the header now, content and trailer as written. */
	if (!rc && !(cms = CMS_encrypt(e->certs, NULL, cipher_of(e->cipher), CMS_BINARY | CMS_STREAM)))
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "recipients", "无法构造数字信封", "cannot set up the envelope");
	size_t first = rc ? 0 : rd_avail(&r, 1);
	if (!rc && r.io_error)
		rc = fail_io(ctx, "in");
	if (!rc)
		rc = first == 0 ? encrypt_empty(ctx, cms, buf) : encrypt_stream(ctx, cms, buf, &r);
	if (!rc && BIO_flush(buf) <= 0)
		rc = fail_io(ctx, "out");
	BIO_free(buf);
	BIO_free(fout);
	CMS_ContentInfo_free(cms);
	OPENSSL_cleanse(own, IO_BUF); /* plaintext */
	gxca__free(own);
	return rc;
}

/* ---- files: write to a temporary, rename on success ------------------------------ */

typedef int (*fd_job)(void *arg, int in_fd, int out_fd);

static int via_files(gxca_ctx *ctx, const char *in_path, const char *out_path, fd_job job, void *arg)
{
	int rc = gxca__check_str(ctx, "in", in_path, 4096);
	if (!rc)
		rc = gxca__check_str(ctx, "out", out_path, 4000);
	if (rc)
		return rc;
	int in = open(in_path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return gxca__failf(ctx, GXCA_EIO, "in", "无法打开 %s：%s", "cannot open %s: %s", in_path, strerror(errno),
				   in_path, strerror(errno));
	size_t n = strlen(out_path);
	char *tmp = gxca__malloc(n + 8);
	if (!tmp) {
		close(in);
		return gxca__oom(ctx);
	}
	memcpy(tmp, out_path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	int out = mkstemp(tmp); /* mode 0600 */
	if (out < 0)
		rc = gxca__failf(ctx, GXCA_EIO, "out", "无法创建 %s：%s", "cannot create %s: %s", out_path, strerror(errno),
				 out_path, strerror(errno));
	if (!rc)
		rc = job(arg, in, out);
	if (out >= 0 && close(out) != 0 && !rc)
		rc = fail_io(ctx, "out");
	if (!rc && rename(tmp, out_path) != 0)
		rc = fail_io(ctx, "out");
	if (rc && out >= 0)
		unlink(tmp);
	close(in);
	gxca__free(tmp);
	return rc;
}

static int encrypt_job(void *arg, int in, int out) { return gxca_envelope_encrypt_fd(arg, in, out); }

int gxca_envelope_encrypt_file(gxca_envelope *e, const char *in_path, const char *out_path)
{
	if (!e)
		return GXCA_EINVAL;
	gxca__clear(e->ctx);
	return via_files(e->ctx, in_path, out_path, encrypt_job, e);
}

/* ---- decryption: parsing the header --------------------------------------------- */

/* Copy n bytes out (dst NULL: skip them). */
static bool rd_copy(struct rd *r, uint8_t *dst, size_t n)
{
	while (n) {
		size_t have = rd_avail(r, 1);
		if (!have)
			return false;
		size_t k = have < n ? have : n;
		if (dst) {
			memcpy(dst, r->buf + r->pos, k);
			dst += k;
		}
		r->pos += k;
		n -= k;
	}
	return true;
}

struct tlv {
	int tag, cls;
	bool cons, indef;
	size_t len, hlen;
	uint8_t hdr[16];
};

/* Read one TLV header. ASN1_get_object is given the bound of the whole
 * element (its content follows later), so the header is parsed from a
 * zero-padded copy: a high tag number stops at the first zero byte and a
 * length of lengths is at most 127 octets, so no read can leave `head`. */
static bool rd_tlv(struct rd *r, struct tlv *t)
{
	size_t have = rd_avail(r, sizeof t->hdr);
	if (have < 2)
		return false;
	unsigned char head[sizeof t->hdr + 1 + 1 + 127 + 15] = {0};
	size_t n = have < sizeof t->hdr ? have : sizeof t->hdr;
	memcpy(head, r->buf + r->pos, n);
	const unsigned char *p = head;
	long len = 0;
	int ret = ASN1_get_object(&p, &len, &t->tag, &t->cls, (long)have + LONG_MAX / 2);
	t->hlen = (size_t)(p - head);
	if ((ret & 0x80) || t->hlen > n || len < 0) {
		ERR_clear_error();
		return false;
	}
	t->cons = (ret & V_ASN1_CONSTRUCTED) != 0;
	t->indef = (ret & 1) != 0;
	t->len = (size_t)len;
	memcpy(t->hdr, r->buf + r->pos, t->hlen);
	r->pos += t->hlen;
	return true;
}

static bool is_eoc(const struct tlv *t) { return t->tag == 0 && t->cls == 0 && !t->cons && t->len == 0; }

/* Append a whole definite-length element (header already read) to b. */
static bool rd_capture(struct rd *r, const struct tlv *t, gxca__buf *b)
{
	if (t->indef || t->len > PART_MAX)
		return false;
	gxca__buf_append(b, t->hdr, t->hlen);
	uint8_t *tmp = b->failed ? NULL : gxca__malloc(t->len ? t->len : 1);
	bool ok = tmp && rd_copy(r, tmp, t->len);
	if (ok)
		gxca__buf_append(b, tmp, t->len);
	gxca__free(tmp);
	if (!tmp || b->failed)
		r->oom = true;
	return ok && !b->failed;
}

/* What the header gives: the parts of the detached ContentInfo. */
struct head {
	int nid; /* NID_pkcs7_enveloped or NID_id_smime_ct_authEnvelopedData */
	gxca__buf parts; /* version [originatorInfo] recipientInfos */
	gxca__buf eci;   /* contentType contentEncryptionAlgorithm */
	struct tlv content;
};

static int expect(struct rd *r, struct tlv *t, int tag, int cls, bool cons)
{
	return rd_tlv(r, t) && t->tag == tag && t->cls == cls && t->cons == cons;
}

static int read_oid_nid(struct rd *r, gxca__buf *keep)
{
	struct tlv t;
	uint8_t der[64];
	if (!expect(r, &t, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, false) || t.len + t.hlen > sizeof der)
		return NID_undef;
	memcpy(der, t.hdr, t.hlen);
	if (!rd_copy(r, der + t.hlen, t.len))
		return NID_undef;
	if (keep)
		gxca__buf_append(keep, der, t.hlen + t.len);
	const unsigned char *p = der;
	ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &p, (long)(t.hlen + t.len));
	int nid = o ? OBJ_obj2nid(o) : NID_undef;
	ASN1_OBJECT_free(o);
	return nid;
}

/* ContentInfo { type, [0] { (Auth)EnvelopedData { version, [0] orig, ris, eci { type, alg, [0] content ... */
static bool read_head(struct rd *r, struct head *h)
{
	struct tlv t;
	if (!expect(r, &t, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true))
		return false;
	h->nid = read_oid_nid(r, NULL);
	if (h->nid != NID_pkcs7_enveloped && h->nid != NID_id_smime_ct_authEnvelopedData)
		return false;
	if (!expect(r, &t, 0, V_ASN1_CONTEXT_SPECIFIC, true) || !expect(r, &t, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true))
		return false;
	if (!expect(r, &t, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, false) || !rd_capture(r, &t, &h->parts))
		return false;
	if (!rd_tlv(r, &t))
		return false;
	if (t.cls == V_ASN1_CONTEXT_SPECIFIC && t.tag == 0) { /* originatorInfo */
		if (!rd_capture(r, &t, &h->parts) || !rd_tlv(r, &t))
			return false;
	}
	if (t.tag != V_ASN1_SET || t.cls != V_ASN1_UNIVERSAL || !rd_capture(r, &t, &h->parts))
		return false;
	if (!expect(r, &t, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true) || read_oid_nid(r, &h->eci) == NID_undef)
		return false;
	if (!expect(r, &t, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true) || !rd_capture(r, &t, &h->eci))
		return false;
	/* encryptedContent [0] IMPLICIT OCTET STRING: primitive, or chunks. */
	return rd_tlv(r, &h->content) && h->content.cls == V_ASN1_CONTEXT_SPECIFIC && h->content.tag == 0;
}

static void put_hdr(gxca__buf *b, int cons, size_t len, int tag, int cls)
{
	unsigned char hdr[16], *p = hdr;
	ASN1_put_object(&p, cons, (int)len, tag, cls);
	gxca__buf_append(b, hdr, (size_t)(p - hdr));
}

/* The detached ContentInfo (definite lengths; a placeholder GCM tag). */
static CMS_ContentInfo *detached_cms(struct head *h, bool *oom)
{
	gxca__buf env = {0}, eci = {0}, ci = {0}, inner = {0};
	unsigned char *type_der = NULL;
	int tl = i2d_ASN1_OBJECT(OBJ_nid2obj(h->nid), &type_der);
	size_t type_len = tl > 0 ? (size_t)tl : 0;
	static const uint8_t zero_tag[DUMMY_TAG_LEN];
	put_hdr(&eci, 1, h->eci.len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	gxca__buf_append(&eci, h->eci.data, h->eci.len);
	gxca__buf_append(&inner, h->parts.data, h->parts.len);
	gxca__buf_append(&inner, eci.data, eci.len);
	if (h->nid == NID_id_smime_ct_authEnvelopedData) {
		put_hdr(&inner, 0, sizeof zero_tag, V_ASN1_OCTET_STRING, V_ASN1_UNIVERSAL);
		gxca__buf_append(&inner, zero_tag, sizeof zero_tag);
	}
	put_hdr(&env, 1, inner.len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	gxca__buf_append(&env, inner.data, inner.len);
	size_t body = type_len + (size_t)ASN1_object_size(1, (int)env.len, 0);
	put_hdr(&ci, 1, body, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	gxca__buf_append(&ci, type_der, type_len);
	put_hdr(&ci, 1, env.len, 0, V_ASN1_CONTEXT_SPECIFIC);
	gxca__buf_append(&ci, env.data, env.len);
	CMS_ContentInfo *cms = NULL;
	*oom = !type_len || ci.failed || env.failed || eci.failed || inner.failed;
	if (!*oom) {
		const unsigned char *p = (const unsigned char *)ci.data;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)ci.len);
	}
	gxca__buf_free(&env);
	gxca__buf_free(&eci);
	gxca__buf_free(&ci);
	gxca__buf_free(&inner);
	OPENSSL_free(type_der);
	return cms;
}

/* ---- decryption: the content ------------------------------------------------------------ */

struct dec {
	gxca_ctx *ctx;
	struct rd r;
	struct head h;
	BIO *cipher;        /* the cipher BIO from CMS_dataInit */
	bool chunked;       /* constructed [0]: OCTET STRING chunks */
	bool outer_indef;   /* chunked with an end-of-contents */
	size_t outer_left;  /* chunked, definite: bytes of chunks left */
	size_t left;        /* bytes left in the current (primitive) piece */
	bool done;
	int err;            /* GXCA_EENVELOPE_FORMAT / GXCA_EIO once failed */
	uint8_t mac[32];
	size_t mac_len;
};

static int dec_fail(struct dec *d)
{
	d->err = d->r.io_error ? GXCA_EIO : GXCA_EENVELOPE_FORMAT;
	return -1;
}

/* Next OCTET STRING chunk of a constructed content; sets done at the end. */
static bool next_chunk(struct dec *d)
{
	if (!d->chunked || (!d->outer_indef && d->outer_left == 0)) {
		d->done = true;
		return true;
	}
	struct tlv t;
	if (!rd_tlv(&d->r, &t))
		return false;
	if (!d->outer_indef) {
		if (t.hlen > d->outer_left || t.len > d->outer_left - t.hlen)
			return false;
		d->outer_left -= t.hlen + t.len;
	}
	if (d->outer_indef && is_eoc(&t)) {
		d->done = true;
		return true;
	}
	if (t.tag != V_ASN1_OCTET_STRING || t.cls != V_ASN1_UNIVERSAL || t.cons)
		return false; /* nested constructed chunks are not written by anyone we know */
	d->left = t.len;
	return true;
}

/* After the content: end-of-contents markers, [1]/[2] attributes, the GCM mac. */
static bool read_trailer(struct dec *d)
{
	struct tlv t;
	bool auth = d->h.nid == NID_id_smime_ct_authEnvelopedData;
	while (rd_avail(&d->r, 2) >= 2) {
		if (!rd_tlv(&d->r, &t) || t.indef)
			return false;
		if (is_eoc(&t))
			continue;
		if (auth && t.cls == V_ASN1_UNIVERSAL && t.tag == V_ASN1_OCTET_STRING && !t.cons && !d->mac_len) {
			if (t.len < 4 || t.len > sizeof d->mac || !rd_copy(&d->r, d->mac, t.len))
				return false;
			d->mac_len = t.len;
		} else if (t.cls == V_ASN1_CONTEXT_SPECIFIC && (t.tag == 1 || t.tag == 2)) {
			if (auth && t.tag == 1)
				return false; /* authenticated attributes: not supported by OpenSSL 3.0 either */
			if (!rd_copy(&d->r, NULL, t.len))
				return false;
		} else {
			return false;
		}
	}
	if (d->r.io_error || (auth && !d->mac_len))
		return false;
	if (auth) {
		EVP_CIPHER_CTX *c = NULL;
		if (BIO_get_cipher_ctx(d->cipher, &c) <= 0 ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)d->mac_len, d->mac) <= 0)
			return false;
	}
	return true;
}

/* Set up the content reading from the [0] header read by read_head(). */
static bool content_init(struct dec *d)
{
	const struct tlv *c = &d->h.content;
	d->chunked = c->cons;
	d->outer_indef = c->indef;
	d->outer_left = c->cons && !c->indef ? c->len : 0;
	d->left = c->cons ? 0 : c->len;
	d->done = !c->cons && c->len == 0;
	return !(!c->cons && c->indef);
}

/* Is cert one of the recipients? (OpenSSL 3.0 does not always say why it failed.) */
static bool is_recipient(CMS_ContentInfo *cms, X509 *cert)
{
	STACK_OF(CMS_RecipientInfo) *ris = CMS_get0_RecipientInfos(cms);
	for (int i = 0; i < sk_CMS_RecipientInfo_num(ris); i++) {
		CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
		if (CMS_RecipientInfo_type(ri) == CMS_RECIPINFO_TRANS && CMS_RecipientInfo_ktri_cert_cmp(ri, cert) == 0)
			return true;
		if (CMS_RecipientInfo_type(ri) != CMS_RECIPINFO_AGREE)
			continue;
		STACK_OF(CMS_RecipientEncryptedKey) *reks = CMS_RecipientInfo_kari_get0_reks(ri);
		for (int j = 0; j < sk_CMS_RecipientEncryptedKey_num(reks); j++)
			if (CMS_RecipientEncryptedKey_cert_cmp(sk_CMS_RecipientEncryptedKey_value(reks, j), cert) == 0)
				return true;
	}
	return false;
}

static int key_from_cms(gxca_ctx *ctx, CMS_ContentInfo *cms, EVP_PKEY *pkey, X509 *cert)
{
	if (!is_recipient(cms, cert))
		return gxca__fail(ctx, GXCA_EENVELOPE_NOT_RECIPIENT, "cert",
				  "该文件不是加密给此证书（CA 锁）的，请使用加密时指定的 CA 锁",
				  "the file was not encrypted to this certificate; use the token it was encrypted to");
	if (CMS_decrypt_set1_pkey_and_peer(cms, pkey, cert, NULL) == 1)
		return GXCA_OK;
	return gxca__fail_ossl(ctx, GXCA_EENVELOPE_INTEGRITY, "key", "无法用此密钥解开内容密钥（密钥与证书不符？）",
			       "cannot recover the content key with this key (key and certificate do not match?)");
}

static int damaged(struct dec *d)
{
	dec_fail(d);
	if (d->err == GXCA_EIO)
		return fail_io(d->ctx, "in");
	return gxca__fail(d->ctx, GXCA_EENVELOPE_FORMAT, "in", "信封文件结构损坏或被截断",
			  "the envelope is damaged or truncated");
}

static int not_authentic(gxca_ctx *ctx)
{
	ERR_clear_error();
	return gxca__fail(ctx, GXCA_EENVELOPE_INTEGRITY, "in", "解密校验失败：文件已损坏或被篡改",
			  "decryption check failed: the file is damaged or was altered");
}

/* Decrypt the content into out_fd with the cipher context of the cipher BIO
 * of CMS_dataInit, straight from the read buffer, up to IO_BUF at a time:
 * reading through BIO_f_cipher goes 4 KB at a time through two more copies,
 * a quarter of AES-GCM's speed. Then the trailer (the GCM tag) and the
 * final block, whose check tells a damaged or altered file. */
static int pump_decrypt(struct dec *d, int out_fd, uint8_t *out)
{
	EVP_CIPHER_CTX *c = NULL;
	if (BIO_get_cipher_ctx(d->cipher, &c) <= 0 || !c)
		return gxca__fail_ossl(d->ctx, GXCA_ECRYPTO, "in", "无法初始化解密", "cannot start the decryption");
	int outl = 0;
	for (;;) {
		while (!d->done && d->left == 0)
			if (!next_chunk(d))
				return damaged(d);
		if (d->done)
			break;
		size_t have = rd_avail(&d->r, 1);
		if (!have)
			return damaged(d);
		size_t k = have < d->left ? have : d->left;
		if (EVP_CipherUpdate(c, out, &outl, d->r.buf + d->r.pos, (int)k) != 1)
			return not_authentic(d->ctx);
		d->r.pos += k;
		d->left -= k;
		if (outl > 0 && !write_full(out_fd, out, (size_t)outl))
			return fail_io(d->ctx, "out");
	}
	if (!read_trailer(d))
		return damaged(d);
	if (EVP_CipherFinal_ex(c, out, &outl) != 1)
		return not_authentic(d->ctx);
	if (outl > 0 && !write_full(out_fd, out, (size_t)outl))
		return fail_io(d->ctx, "out");
	return GXCA_OK;
}

static int decrypt_stream(struct dec *d, const gxca_key *key, X509 *cert, int out_fd)
{
	gxca_ctx *ctx = d->ctx;
	if (!read_head(&d->r, &d->h) || !content_init(d)) {
		ERR_clear_error();
		if (d->r.io_error)
			return fail_io(ctx, "in");
		if (d->r.oom || d->h.parts.failed || d->h.eci.failed)
			return gxca__oom(ctx);
		return gxca__fail(ctx, GXCA_EENVELOPE_FORMAT, "in", "不是 DER/BER 格式的 CMS 数字信封",
				  "not a CMS enveloped-data file in DER/BER");
	}
	bool oom = false;
	CMS_ContentInfo *cms = detached_cms(&d->h, &oom);
	if (oom) {
		CMS_ContentInfo_free(cms);
		return gxca__oom(ctx);
	}
	if (!cms)
		return gxca__fail_ossl(ctx, GXCA_EENVELOPE_FORMAT, "in", "数字信封头部无法解析",
				       "the envelope header cannot be parsed");
	int rc = key_from_cms(ctx, cms, key->pkey, cert);
	/* CMS_dataInit wants a content BIO; the content is fed to its cipher here. */
	BIO *src = rc ? NULL : BIO_new(BIO_s_null()), *cipher = NULL;
	uint8_t *chunk = rc ? NULL : gxca__malloc(IO_BUF + EVP_MAX_BLOCK_LENGTH);
	if (!rc && (!src || !chunk))
		rc = gxca__fail_ossl(ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	if (!rc && !(cipher = CMS_dataInit(cms, src)))
		rc = gxca__fail_ossl(ctx, GXCA_ECRYPTO, "in", "无法初始化解密", "cannot start the decryption");
	if (!rc) {
		d->cipher = cipher;
		ahead_start(&d->r); /* the rest is content and trailer */
		rc = pump_decrypt(d, out_fd, chunk);
		ahead_stop(d->r.ahead); /* d->r is not read again */
		d->r.ahead = NULL;
	}
	if (cipher) {
		BIO_pop(cipher);
		BIO_free(cipher);
	}
	BIO_free(src);
	if (chunk)
		OPENSSL_cleanse(chunk, IO_BUF + EVP_MAX_BLOCK_LENGTH);
	gxca__free(chunk);
	CMS_ContentInfo_free(cms);
	return rc;
}

int gxca_envelope_decrypt_fd(const gxca_key *key, const uint8_t *cert, size_t cert_len, int in_fd, int out_fd)
{
	if (!key)
		return GXCA_EINVAL;
	gxca_ctx *ctx = key->ctx;
	gxca__clear(ctx);
	if (in_fd < 0 || out_fd < 0)
		return gxca__fail(ctx, GXCA_EINVAL, "fd", "文件描述符无效", "invalid file descriptor");
	X509 *x = parse_cert(ctx, cert, cert_len);
	if (!x)
		return ctx->err.code;
	struct dec d = {.ctx = ctx, .r = {.fd = in_fd, .cap = IO_BUF}};
	int rc = GXCA_OK;
	uint8_t *own = d.r.buf = gxca__malloc(IO_BUF); /* the reader's buffer until it reads ahead */
	if (!own)
		rc = gxca__oom(ctx);
	else if (X509_check_private_key(x, key->pkey) != 1 && !key->on_token)
		rc = gxca__fail(ctx, GXCA_EENVELOPE_NOT_RECIPIENT, "key", "私钥与证书不匹配",
				"the private key does not match the certificate");
	ERR_clear_error();
	if (!rc)
		rc = decrypt_stream(&d, key, x, out_fd);
	gxca__buf_free(&d.h.parts);
	gxca__buf_free(&d.h.eci);
	gxca__free(own);
	X509_free(x);
	return rc;
}

struct dec_args {
	const gxca_key *key;
	const uint8_t *cert;
	size_t cert_len;
};

static int decrypt_job(void *arg, int in, int out)
{
	struct dec_args *a = arg;
	return gxca_envelope_decrypt_fd(a->key, a->cert, a->cert_len, in, out);
}

int gxca_envelope_decrypt_file(const gxca_key *key, const uint8_t *cert, size_t cert_len, const char *in_path,
			       const char *out_path)
{
	if (!key)
		return GXCA_EINVAL;
	gxca__clear(key->ctx);
	struct dec_args a = {key, cert, cert_len};
	return via_files(key->ctx, in_path, out_path, decrypt_job, &a);
}
