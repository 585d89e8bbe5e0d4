/*
 * tools/cmd-token.c — gxca token …, gxca envelope …, gxca login …
 * (gxca_token(3), gxca_envelope(3), gxca_login(3)).
 *
 *   gxca token list       [--module PATH]
 *   gxca token info       [--module PATH] [--token LABEL|SERIAL]
 *   gxca token change-pin [--token T] PIN --new-pin-file F|--new-pin-env V
 *   gxca token unlock     [--token T] --so-pin-file F|--so-pin-env V [--new-pin-file F|--new-pin-env V]
 *   gxca token keygen     [--token T] PIN [--alg ec-p256|rsa2048|rsa3072] --id HEX --label L
 *   gxca token csr        [--token T] PIN (--id HEX|--label L) --subject /C=CN/O=…/CN=… [--out FILE] [--der]
 *   gxca token import-cert [--token T] PIN --in CERT [--label L]
 *   gxca token sign       [--token T] PIN (--id HEX|--label L) --in FILE [--out SIG]
 *   gxca envelope encrypt --to CERT [--to CERT…] [--cipher aes-256-gcm|aes-256-cbc|sm4-cbc] IN OUT
 *   gxca envelope decrypt (--key KEYFILE --cert CERT [--key-pass-file F]
 *                          | [--token T] PIN --id HEX [--cert CERT]) IN OUT
 *   gxca login challenge --secret FILE [--platform ID] [--lifetime S] [--out FILE] [--base64]
 *   gxca login respond   --challenge FILE (--key KEYFILE --cert CERT | [--token T] PIN (--id HEX|--label L) [--cert CERT])
 *                        [--platform ID] [--out FILE] [--base64]
 *   gxca login verify    --secret FILE --trust CERT [--trust CERT…] [--crl FILE] [--platform ID] --response FILE
 *
 * PIN is --pin-file FILE, --pin-env VAR or --pin-stdin (first line; never a
 * PIN on the command line). PINs are read into local buffers, wiped with
 * explicit_bzero() after use and never printed. --module PATH, else the
 * GXCA_PKCS11_MODULE environment variable, else p11-kit's proxy module.
 * Challenge and response files are JSON text, or the same in base64
 * (detected on input, written with --base64). `login verify` runs in a fresh
 * process with an empty nonce store: replay protection across calls is the
 * platform's job (the C API keeps a store).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_token(struct cli *c, int argc, char **argv);
int cmd_envelope(struct cli *c, int argc, char **argv);
int cmd_login(struct cli *c, int argc, char **argv);

#define PIN_MAX 256
#define MAX_TO 32

struct tk_opts {
	const char *module, *token, *pin_file, *pin_env, *new_pin_file, *new_pin_env, *so_pin_file, *so_pin_env;
	const char *label, *subject, *in, *out, *cert, *key, *key_pass_file, *secret, *crl, *platform;
	const char *challenge, *response;
	const char *to[MAX_TO], *trust[MAX_TO];
	size_t n_to, n_trust;
	bool pin_stdin, der, base64, has_id;
	int alg, cipher;
	long lifetime;
	uint8_t id[64];
	size_t id_len;
};

/* ---- small helpers ----------------------------------------------------------- */

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static bool parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);
	if (n == 0 || n % 2 || n / 2 > max)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		unsigned v = 0;
		for (size_t k = 0; k < 2; k++) {
			char ch = s[i + k];
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else
				return false;
		}
		out[i / 2] = (uint8_t)v;
	}
	*len = n / 2;
	return true;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 with a newline every 64 characters when wrap; NUL-terminated, free(). */
static char *b64_encode(const uint8_t *in, size_t len, bool wrap)
{
	size_t n = (len + 2) / 3 * 4;
	char *out = malloc(n + n / 64 + 2);
	if (!out)
		return NULL;
	size_t o = 0, col = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < len ? in[i + 2] : 0);
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64chars[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64chars[v & 63] : '=';
		if (wrap && (col += 4) == 64 && i + 3 < len) {
			out[o++] = '\n';
			col = 0;
		}
	}
	out[o] = '\0';
	return out;
}

/* Decode base64 in place-independent way, skipping blanks; false on bad input. */
static bool b64_decode(const char *in, size_t len, char **out, size_t *out_len)
{
	char *buf = malloc(len / 4 * 3 + 4);
	if (!buf)
		return false;
	uint32_t v = 0;
	size_t o = 0;
	int bits = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		const char *p = pad ? NULL : strchr(b64chars, ch);
		if (!p || !ch) {
			free(buf);
			return false;
		}
		v = v << 6 | (uint32_t)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (char)(v >> bits & 0xff);
		}
	}
	buf[o] = '\0';
	*out = buf;
	*out_len = o;
	return true;
}

/* Read a secret (first line, without the line end) from a file, a variable or stdin. */
static int read_pin(const char *file, const char *env, bool from_stdin, const char *what, char pin[PIN_MAX])
{
	pin[0] = '\0';
	if (env) {
		const char *v = getenv(env);
		if (!v)
			return cli_usage("%s: environment variable %s is not set", what, env);
		if (strlen(v) >= PIN_MAX)
			return cli_usage("%s: too long", what);
		memcpy(pin, v, strlen(v) + 1);
		return CLI_OK;
	}
	FILE *f = from_stdin ? stdin : fopen(file, "r");
	if (!f) {
		fprintf(stderr, "GXCA_EIO: %s: %s\n", file, strerror(errno));
		return CLI_USAGE;
	}
	bool got = fgets(pin, PIN_MAX, f) != NULL;
	if (f != stdin)
		fclose(f);
	if (!got) {
		explicit_bzero(pin, PIN_MAX);
		fprintf(stderr, "GXCA_EIO: cannot read the %s from %s\n", what, from_stdin ? "stdin" : file);
		return CLI_USAGE;
	}
	pin[strcspn(pin, "\r\n")] = '\0';
	return CLI_OK;
}

static int write_out(const char *path, const void *data, size_t len)
{
	if (!path || strcmp(path, "-") == 0)
		return fwrite(data, 1, len, stdout) == len ? CLI_OK : CLI_USAGE;
	return cli_write_file(path, data, len) == 0 ? CLI_OK : CLI_USAGE;
}

/* ---- options ------------------------------------------------------------------- */

static int parse_alg(const char *s)
{
	if (strcasecmp(s, "ec-p256") == 0 || strcasecmp(s, "ec_p256") == 0 || strcasecmp(s, "p256") == 0)
		return GXCA_KEY_EC_P256;
	if (strcasecmp(s, "rsa2048") == 0)
		return GXCA_KEY_RSA2048;
	if (strcasecmp(s, "rsa3072") == 0)
		return GXCA_KEY_RSA3072;
	if (strcasecmp(s, "sm2") == 0)
		return GXCA_KEY_SM2;
	return 0;
}

static int parse_opt(int ch, struct tk_opts *o)
{
	switch (ch) {
	case 'm': o->module = optarg; break;
	case 't': o->token = optarg; break;
	case 'p': o->pin_file = optarg; break;
	case 'P': o->pin_env = optarg; break;
	case 'S': o->pin_stdin = true; break;
	case 'n': o->new_pin_file = optarg; break;
	case 'N': o->new_pin_env = optarg; break;
	case 'o': o->so_pin_file = optarg; break;
	case 'O': o->so_pin_env = optarg; break;
	case 'l': o->label = optarg; break;
	case 's': o->subject = optarg; break;
	case 'i': o->in = optarg; break;
	case 'w': o->out = optarg; break;
	case 'c': o->cert = optarg; break;
	case 'k': o->key = optarg; break;
	case 'K': o->key_pass_file = optarg; break;
	case 'e': o->secret = optarg; break;
	case 'r': o->crl = optarg; break;
	case 'f': o->platform = optarg; break;
	case 'C': o->challenge = optarg; break;
	case 'R': o->response = optarg; break;
	case 'D': o->der = true; break;
	case 'B': o->base64 = true; break;
	case 'L':
		if (!cli_parse_int("--lifetime", optarg, 10, 3600, &o->lifetime))
			return CLI_USAGE;
		break;
	case 'T':
		if (o->n_to == MAX_TO)
			return cli_usage("at most %d --to", MAX_TO);
		o->to[o->n_to++] = optarg;
		break;
	case 'u':
		if (o->n_trust == MAX_TO)
			return cli_usage("at most %d --trust", MAX_TO);
		o->trust[o->n_trust++] = optarg;
		break;
	case 'a':
		if (!(o->alg = parse_alg(optarg)))
			return cli_usage("--alg ec-p256|rsa2048|rsa3072");
		break;
	case 'x':
		if (!parse_hex(optarg, o->id, sizeof o->id, &o->id_len))
			return cli_usage("--id takes 1 to 64 bytes in hexadecimal");
		o->has_id = true;
		break;
	case 'z':
		if (!(o->cipher = gxca_envelope_cipher_from_name(optarg)))
			return cli_usage("--cipher aes-256-gcm|aes-256-cbc|sm4-cbc");
		break;
	case 'Z':
		return cli_usage("never give a PIN on the command line: use --pin-file, --pin-env or --pin-stdin");
	default: return cli_usage("unknown option or missing value (see gxca(1))");
	}
	return CLI_OK;
}

static int parse_opts(int argc, char **argv, struct tk_opts *o)
{
	static const struct option opts[] = {
		{"module", required_argument, NULL, 'm'},	 {"token", required_argument, NULL, 't'},
		{"pin-file", required_argument, NULL, 'p'},	 {"pin-env", required_argument, NULL, 'P'},
		{"pin-stdin", no_argument, NULL, 'S'},		 {"new-pin-file", required_argument, NULL, 'n'},
		{"new-pin-env", required_argument, NULL, 'N'},	 {"so-pin-file", required_argument, NULL, 'o'},
		{"so-pin-env", required_argument, NULL, 'O'},	 {"label", required_argument, NULL, 'l'},
		{"subject", required_argument, NULL, 's'},	 {"in", required_argument, NULL, 'i'},
		{"out", required_argument, NULL, 'w'},		 {"cert", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'},		 {"key-pass-file", required_argument, NULL, 'K'},
		{"secret", required_argument, NULL, 'e'},	 {"crl", required_argument, NULL, 'r'},
		{"platform", required_argument, NULL, 'f'},	 {"challenge", required_argument, NULL, 'C'},
		{"response", required_argument, NULL, 'R'},	 {"der", no_argument, NULL, 'D'},
		{"base64", no_argument, NULL, 'B'},		 {"lifetime", required_argument, NULL, 'L'},
		{"to", required_argument, NULL, 'T'},		 {"trust", required_argument, NULL, 'u'},
		{"alg", required_argument, NULL, 'a'},		 {"id", required_argument, NULL, 'x'},
		{"cipher", required_argument, NULL, 'z'},	 {"pin", required_argument, NULL, 'Z'},
		{"so-pin", required_argument, NULL, 'Z'},	 {"new-pin", required_argument, NULL, 'Z'},
		{NULL, 0, NULL, 0}};
	optind = 2;
	opterr = 0;
	int ch, rc = CLI_OK;
	while (!rc && (ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		rc = parse_opt(ch, o);
	if (rc)
		return rc;
	int sources = (o->pin_file != NULL) + (o->pin_env != NULL) + o->pin_stdin;
	if (sources > 1)
		return cli_usage("give one of --pin-file, --pin-env, --pin-stdin");
	if (o->new_pin_file && o->new_pin_env)
		return cli_usage("give one of --new-pin-file, --new-pin-env");
	if (o->so_pin_file && o->so_pin_env)
		return cli_usage("give one of --so-pin-file, --so-pin-env");
	return CLI_OK;
}

static bool has_pin(const struct tk_opts *o)
{
	return o->pin_file || o->pin_env || o->pin_stdin;
}

/* ---- token session --------------------------------------------------------------- */

struct session {
	gxca_token_module *mod;
	gxca_token *tok;
	gxca_key *key;
};

static void session_end(struct session *s)
{
	gxca_key_free(s->key);
	gxca_token_close(s->tok);
	gxca_token_module_close(s->mod);
	memset(s, 0, sizeof *s);
}

/* Open the module and the token; log in when the options give a PIN (need_pin: required). */
static int session_open(struct cli *c, const struct tk_opts *o, bool need_pin, struct session *s)
{
	if (need_pin && !has_pin(o))
		return cli_usage("the user PIN is needed: --pin-file FILE, --pin-env VAR or --pin-stdin");
	int rc = gxca_token_module_open(&s->mod, c->ctx, o->module);
	if (!rc)
		rc = gxca_token_open(&s->tok, s->mod, o->token);
	if (rc) {
		int ex = cli_fail(c, rc);
		session_end(s);
		return ex;
	}
	if (!has_pin(o))
		return CLI_OK;
	char pin[PIN_MAX];
	int ex = read_pin(o->pin_file, o->pin_env, o->pin_stdin, "PIN", pin);
	if (!ex && (rc = gxca_token_login(s->tok, pin)) != GXCA_OK)
		ex = cli_fail(c, rc);
	explicit_bzero(pin, sizeof pin);
	if (ex)
		session_end(s);
	return ex;
}

static int session_key(struct cli *c, const struct tk_opts *o, struct session *s)
{
	if (!o->has_id && !o->label)
		return cli_usage("name the key: --id HEX or --label L");
	int rc = gxca_token_get_key(&s->key, s->tok, o->label, o->has_id ? o->id : NULL, o->id_len);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

/* ---- gxca token ------------------------------------------------------------------ */

static void print_info(struct cli *c, const gxca_token_info *i, bool last)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} names[] = {{GXCA_TOKEN_INITIALIZED, "initialized"},	  {GXCA_TOKEN_LOGIN_REQUIRED, "login-required"},
		     {GXCA_TOKEN_USER_PIN_SET, "user-pin-set"},	  {GXCA_TOKEN_READ_ONLY, "read-only"},
		     {GXCA_TOKEN_PIN_COUNT_LOW, "pin-count-low"}, {GXCA_TOKEN_PIN_FINAL_TRY, "pin-final-try"},
		     {GXCA_TOKEN_PIN_LOCKED, "pin-locked"},	  {GXCA_TOKEN_PIN_MUST_CHANGE, "pin-must-change"},
		     {GXCA_TOKEN_SO_PIN_LOCKED, "so-pin-locked"}, {GXCA_TOKEN_REMOVABLE, "removable"},
		     {GXCA_TOKEN_PROTECTED_PATH, "protected-path"}, {GXCA_TOKEN_LOGGED_IN, "logged-in"}};
	uint32_t fl = gxca_token_info_flags(i);
	if (c->json) {
		printf("{\"label\":");
		json_str(gxca_token_info_label(i));
		printf(",\"serial\":");
		json_str(gxca_token_info_serial(i));
		printf(",\"manufacturer\":");
		json_str(gxca_token_info_manufacturer(i));
		printf(",\"model\":");
		json_str(gxca_token_info_model(i));
		printf(",\"slot\":%llu,\"flags\":[", (unsigned long long)gxca_token_info_slot_id(i));
		bool first = true;
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (fl & names[k].flag) {
				printf("%s\"%s\"", first ? "" : ",", names[k].name);
				first = false;
			}
		printf("]}%s", last ? "" : ",");
		return;
	}
	printf("%s %s\n  %s %s\n  %s %s / %s\n  %s %llu\n  %s", cli_tr(c, "标签", "label"), gxca_token_info_label(i),
	       cli_tr(c, "序列号", "serial"), gxca_token_info_serial(i), cli_tr(c, "厂商/型号", "maker/model"),
	       gxca_token_info_manufacturer(i), gxca_token_info_model(i), cli_tr(c, "槽位", "slot"),
	       (unsigned long long)gxca_token_info_slot_id(i), cli_tr(c, "状态", "flags"));
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (fl & names[k].flag)
			printf(" %s", names[k].name);
	putchar('\n');
}

static int token_list(struct cli *c, const struct tk_opts *o)
{
	gxca_token_module *m = NULL;
	int rc = gxca_token_module_open(&m, c->ctx, o->module);
	if (rc)
		return cli_fail(c, rc);
	size_t n = gxca_token_module_count(m);
	if (c->json)
		putchar('[');
	for (size_t i = 0; i < n; i++)
		print_info(c, gxca_token_module_info(m, i), i + 1 == n);
	if (c->json)
		printf("]\n");
	else if (n == 0)
		printf("%s\n", cli_tr(c, "没有令牌", "no token"));
	gxca_token_module_close(m);
	return CLI_OK;
}

static int token_info(struct cli *c, const struct tk_opts *o)
{
	struct session s = {0};
	int ex = session_open(c, o, false, &s);
	if (ex)
		return ex;
	const gxca_token_info *i = NULL;
	int rc = gxca_token_get_info(s.tok, &i);
	if (rc)
		ex = cli_fail(c, rc);
	else {
		print_info(c, i, true);
		if (c->json)
			putchar('\n');
	}
	session_end(&s);
	return ex;
}

static int token_change_pin(struct cli *c, const struct tk_opts *o)
{
	if (!has_pin(o) || !(o->new_pin_file || o->new_pin_env))
		return cli_usage("gxca token change-pin [--token T] --pin-file F|--pin-env V|--pin-stdin "
				 "--new-pin-file F|--new-pin-env V");
	if (o->pin_stdin && o->new_pin_file && strcmp(o->new_pin_file, "-") == 0)
		return cli_usage("only one PIN can come from stdin");
	struct session s = {0};
	struct tk_opts nologin = *o;
	nologin.pin_file = nologin.pin_env = NULL;
	nologin.pin_stdin = false;
	int ex = session_open(c, &nologin, false, &s);
	if (ex)
		return ex;
	char old_pin[PIN_MAX], new_pin[PIN_MAX];
	ex = read_pin(o->pin_file, o->pin_env, o->pin_stdin, "PIN", old_pin);
	if (!ex) {
		bool nstdin = o->new_pin_file && strcmp(o->new_pin_file, "-") == 0;
		ex = read_pin(o->new_pin_file, o->new_pin_env, nstdin, "new PIN", new_pin);
	}
	int rc;
	if (!ex && (rc = gxca_token_change_pin(s.tok, old_pin, new_pin)) != GXCA_OK)
		ex = cli_fail(c, rc);
	explicit_bzero(old_pin, sizeof old_pin);
	explicit_bzero(new_pin, sizeof new_pin);
	if (!ex && !c->json)
		printf("%s\n", cli_tr(c, "PIN 码已修改", "PIN changed"));
	else if (!ex)
		printf("{\"changed\":true}\n");
	session_end(&s);
	return ex;
}

static int token_unlock(struct cli *c, const struct tk_opts *o)
{
	if (!(o->so_pin_file || o->so_pin_env) || has_pin(o))
		return cli_usage("gxca token unlock [--token T] --so-pin-file F|--so-pin-env V "
				 "[--new-pin-file F|--new-pin-env V]");
	struct session s = {0};
	int ex = session_open(c, o, false, &s);
	if (ex)
		return ex;
	char so_pin[PIN_MAX], new_pin[PIN_MAX];
	bool with_new = o->new_pin_file || o->new_pin_env;
	new_pin[0] = '\0';
	ex = read_pin(o->so_pin_file, o->so_pin_env, o->so_pin_file && strcmp(o->so_pin_file, "-") == 0, "SO PIN",
		      so_pin);
	if (!ex && with_new)
		ex = read_pin(o->new_pin_file, o->new_pin_env, o->new_pin_file && strcmp(o->new_pin_file, "-") == 0,
			      "new PIN", new_pin);
	int rc;
	if (!ex && (rc = gxca_token_unlock(s.tok, so_pin, with_new ? new_pin : NULL)) != GXCA_OK)
		ex = cli_fail(c, rc);
	explicit_bzero(so_pin, sizeof so_pin);
	explicit_bzero(new_pin, sizeof new_pin);
	if (!ex)
		printf(c->json ? "{\"unlocked\":true}\n" : "%s\n",
		       with_new ? cli_tr(c, "已解锁", "unlocked")
				: cli_tr(c, "已解锁，PIN 码为初始 PIN，须修改", "unlocked; the PIN is the initial PIN and must be changed"));
	session_end(&s);
	return ex;
}

static int token_keygen(struct cli *c, const struct tk_opts *o)
{
	if (!o->has_id || !o->label)
		return cli_usage("gxca token keygen PIN-OPTION --id HEX --label L [--alg ec-p256|rsa2048|rsa3072]");
	struct session s = {0};
	int ex = session_open(c, o, true, &s);
	if (ex)
		return ex;
	int alg = o->alg ? o->alg : GXCA_KEY_EC_P256;
	int rc = gxca_token_keygen(s.tok, alg, o->label, o->id, o->id_len);
	if (rc)
		ex = cli_fail(c, rc);
	else if (c->json) {
		printf("{\"label\":");
		json_str(o->label);
		printf(",\"algorithm\":\"%s\"}\n", gxca_key_alg_name(alg));
	} else
		printf("%s %s %s\n", cli_tr(c, "已生成密钥", "key generated"), gxca_key_alg_name(alg), o->label);
	session_end(&s);
	return ex;
}

static int token_csr(struct cli *c, const struct tk_opts *o)
{
	if (!o->subject)
		return cli_usage("gxca token csr PIN-OPTION --id HEX|--label L --subject /C=CN/O=…/CN=… [--out FILE] [--der]");
	struct session s = {0};
	int ex = session_open(c, o, true, &s);
	if (!ex)
		ex = session_key(c, o, &s);
	uint8_t *der = NULL;
	size_t len = 0;
	int rc;
	if (!ex && (rc = gxca_token_csr(s.key, o->subject, &der, &len)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex && o->der) {
		ex = write_out(o->out, der, len);
	} else if (!ex) {
		char *b = b64_encode(der, len, true);
		size_t cap = b ? strlen(b) + 100 : 0;
		char *pem = b ? malloc(cap) : NULL;
		if (!pem)
			ex = cli_fail(c, GXCA_ENOMEM);
		else {
			int n = snprintf(pem, cap, "-----BEGIN CERTIFICATE REQUEST-----\n%s\n-----END CERTIFICATE REQUEST-----\n", b);
			ex = write_out(o->out, pem, (size_t)n);
		}
		free(pem);
		free(b);
	}
	gxca_free(der);
	session_end(&s);
	return ex;
}

static int token_import_cert(struct cli *c, const struct tk_opts *o)
{
	if (!o->in)
		return cli_usage("gxca token import-cert PIN-OPTION --in CERT [--label L]");
	gxca_cert *x = NULL;
	int rc = gxca_cert_load_file(&x, c->ctx, o->in);
	if (rc)
		return rc == GXCA_EIO ? (cli_fail(c, rc), CLI_USAGE) : cli_fail(c, rc);
	uint8_t *der = NULL;
	size_t len = 0;
	struct session s = {0};
	int ex = (rc = gxca_cert_to_der(x, &der, &len)) ? cli_fail(c, rc) : session_open(c, o, true, &s);
	if (!ex && (rc = gxca_token_store_cert(s.tok, der, len, o->label)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex) {
		if (c->json) {
			printf("{\"stored\":true,\"serial\":");
			json_str(gxca_cert_serial(x));
			printf("}\n");
		} else
			printf("%s %s\n", cli_tr(c, "证书已写入令牌", "certificate stored"), gxca_cert_serial(x));
	}
	gxca_free(der);
	gxca_cert_free(x);
	session_end(&s);
	return ex;
}

static int token_sign(struct cli *c, const struct tk_opts *o)
{
	if (!o->in)
		return cli_usage("gxca token sign PIN-OPTION --id HEX|--label L --in FILE [--out SIG]");
	if (o->pin_stdin && strcmp(o->in, "-") == 0)
		return cli_usage("the PIN and the data cannot both come from stdin");
	size_t len = 0;
	char *data = cli_read_file(o->in, &len);
	if (!data)
		return CLI_USAGE;
	struct session s = {0};
	int ex = session_open(c, o, true, &s);
	if (!ex)
		ex = session_key(c, o, &s);
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	int rc;
	if (!ex && (rc = gxca_token_sign(s.tok, s.key, (const uint8_t *)data, len, &sig, &sig_len)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex && o->out && !o->base64)
		ex = write_out(o->out, sig, sig_len);
	else if (!ex) {
		char *b = b64_encode(sig, sig_len, false);
		if (!b)
			ex = cli_fail(c, GXCA_ENOMEM);
		else if (c->json)
			printf("{\"algorithm\":\"%s\",\"signature\":\"%s\"}\n", gxca_key_alg_name(gxca_key_algorithm(s.key)), b);
		else if (o->out) {
			size_t bl = strlen(b);
			b[bl] = '\n';
			ex = write_out(o->out, b, bl + 1);
		} else
			printf("%s\n", b);
		free(b);
	}
	gxca_free(sig);
	free(data);
	session_end(&s);
	return ex;
}

int cmd_token(struct cli *c, int argc, char **argv)
{
	static const char *const verbs[] = {"list", "info", "change-pin", "unlock", "keygen", "csr", "import-cert", "sign"};
	size_t v = 0, nv = sizeof verbs / sizeof verbs[0];
	while (argc > 1 && v < nv && strcmp(verbs[v], argv[1]) != 0)
		v++;
	if (argc < 2 || v == nv)
		return cli_usage("gxca token list|info|change-pin|unlock|keygen|csr|import-cert|sign [options]");
	struct tk_opts o = {0};
	int ex = parse_opts(argc, argv, &o);
	if (!ex && optind != argc)
		ex = cli_usage("unexpected argument '%s'", argv[optind]);
	if (ex)
		return ex;
	switch (v) {
	case 0: return token_list(c, &o);
	case 1: return token_info(c, &o);
	case 2: return token_change_pin(c, &o);
	case 3: return token_unlock(c, &o);
	case 4: return token_keygen(c, &o);
	case 5: return token_csr(c, &o);
	case 6: return token_import_cert(c, &o);
	default: return token_sign(c, &o);
	}
}

/* ---- keys and certificates for envelope and login ---------------------------------- */

/* A certificate file as bytes (DER or PEM, as the library takes both). */
static char *read_cert(const char *path, size_t *len)
{
	return cli_read_file(path, len);
}

/* A software key (--key, --key-pass-file) or a token key (PIN options, --id/--label);
 * the certificate from --cert, else the token's certificate of that id or label. */
static int load_key_cert(struct cli *c, const struct tk_opts *o, struct session *s, gxca_key **key, uint8_t **cert,
			 size_t *cert_len, bool *cert_lib)
{
	int rc, ex;
	*cert_lib = false;
	if (o->key) {
		if (!o->cert)
			return cli_usage("--key KEYFILE needs --cert CERT");
		char pass[PIN_MAX];
		ex = o->key_pass_file ? read_pin(o->key_pass_file, NULL, false, "key password", pass) : CLI_OK;
		if (!ex && (rc = gxca_key_load_file(key, c->ctx, o->key, o->key_pass_file ? pass : NULL)) != GXCA_OK)
			ex = rc == GXCA_EIO ? (cli_fail(c, rc), CLI_USAGE) : cli_fail(c, rc);
		explicit_bzero(pass, sizeof pass);
		if (ex)
			return ex;
	} else {
		if (!has_pin(o))
			return cli_usage("give --key KEYFILE --cert CERT, or a token key: --pin-file F|--pin-env V|--pin-stdin --id HEX");
		if ((ex = session_open(c, o, true, s)) || (ex = session_key(c, o, s)))
			return ex;
		*key = s->key;
		s->key = NULL;
	}
	if (o->cert) {
		*cert = (uint8_t *)read_cert(o->cert, cert_len);
		return *cert ? CLI_OK : CLI_USAGE;
	}
	*cert_lib = true;
	rc = gxca_token_find_cert(s->tok, o->has_id ? NULL : o->label, o->has_id ? o->id : NULL, o->id_len, cert, cert_len);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

/* ---- gxca envelope -------------------------------------------------------------------- */

static int envelope_encrypt(struct cli *c, const struct tk_opts *o, const char *in, const char *out)
{
	if (!o->n_to)
		return cli_usage("gxca envelope encrypt --to CERT [--to CERT…] [--cipher aes-256-gcm|aes-256-cbc|sm4-cbc] IN OUT");
	gxca_envelope *e = NULL;
	int rc = gxca_envelope_new(&e, c->ctx);
	if (!rc && o->cipher)
		rc = gxca_envelope_set_cipher(e, o->cipher);
	int ex = rc ? cli_fail(c, rc) : CLI_OK;
	for (size_t i = 0; !ex && i < o->n_to; i++) {
		size_t len = 0;
		char *cert = read_cert(o->to[i], &len);
		if (!cert)
			ex = CLI_USAGE;
		else if ((rc = gxca_envelope_add_recipient(e, (const uint8_t *)cert, len)) != GXCA_OK) {
			fprintf(stderr, "%s:\n", o->to[i]);
			ex = cli_fail(c, rc);
		}
		free(cert);
	}
	if (!ex && (rc = gxca_envelope_encrypt_file(e, in, out)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex) {
		const char *cn = gxca_envelope_cipher_name(o->cipher ? o->cipher : GXCA_ENVELOPE_AES256_GCM);
		if (c->json)
			printf("{\"cipher\":\"%s\",\"recipients\":%zu}\n", cn, gxca_envelope_recipient_count(e));
		else
			printf("%s %s, %zu %s\n", cli_tr(c, "已加密", "encrypted with"), cn, gxca_envelope_recipient_count(e),
			       cli_tr(c, "个接收者", "recipient(s)"));
	}
	gxca_envelope_free(e);
	return ex;
}

static int envelope_decrypt(struct cli *c, const struct tk_opts *o, const char *in, const char *out)
{
	struct session s = {0};
	gxca_key *key = NULL;
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	bool cert_lib = false;
	int ex = load_key_cert(c, o, &s, &key, &cert, &cert_len, &cert_lib);
	int rc;
	if (!ex && (rc = gxca_envelope_decrypt_file(key, cert, cert_len, in, out)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex)
		printf(c->json ? "{\"decrypted\":true}\n" : "%s\n", cli_tr(c, "已解密", "decrypted"));
	if (cert_lib)
		gxca_free(cert);
	else
		free(cert);
	gxca_key_free(key);
	session_end(&s);
	return ex;
}

int cmd_envelope(struct cli *c, int argc, char **argv)
{
	bool enc = argc > 1 && strcmp(argv[1], "encrypt") == 0, dec = argc > 1 && strcmp(argv[1], "decrypt") == 0;
	if (!enc && !dec)
		return cli_usage("gxca envelope encrypt --to CERT… [--cipher C] IN OUT | gxca envelope decrypt "
				 "(--key KEY --cert CERT | --token T PIN-OPTION --id HEX) IN OUT");
	struct tk_opts o = {0};
	int ex = parse_opts(argc, argv, &o);
	if (!ex && optind != argc - 2)
		ex = cli_usage("gxca envelope %s [options] IN OUT", argv[1]);
	if (ex)
		return ex;
	if (dec && o.pin_stdin && strcmp(argv[optind], "-") == 0)
		return cli_usage("the PIN and the envelope cannot both come from stdin");
	return enc ? envelope_encrypt(c, &o, argv[optind], argv[optind + 1])
		   : envelope_decrypt(c, &o, argv[optind], argv[optind + 1]);
}

/* ---- gxca login ------------------------------------------------------------------------ */

/* A challenge or response file: JSON text, or base64 of it. */
static char *read_message(const char *path, size_t *len)
{
	char *raw = cli_read_file(path, len);
	if (!raw)
		return NULL;
	size_t i = strspn(raw, " \t\r\n");
	if (raw[i] == '{')
		return raw;
	char *dec = NULL;
	if (!b64_decode(raw, *len, &dec, len) || dec[strspn(dec, " \t\r\n")] != '{') {
		fprintf(stderr, "GXCA_ELOGIN_FORMAT: %s is neither JSON nor base64 JSON\n", path);
		free(dec);
		free(raw);
		return NULL;
	}
	free(raw);
	return dec;
}

static int write_message(const struct tk_opts *o, const char *msg, size_t len)
{
	if (!o->base64) {
		int ex = write_out(o->out, msg, len);
		return ex ? ex : (o->out && strcmp(o->out, "-") != 0) ? CLI_OK : write_out(NULL, "\n", 1);
	}
	char *b = b64_encode((const uint8_t *)msg, len, false);
	if (!b)
		return CLI_USAGE;
	size_t bl = strlen(b);
	b[bl] = '\n';
	int ex = write_out(o->out, b, bl + 1);
	free(b);
	return ex;
}

static const char *platform_of(struct cli *c, const struct tk_opts *o)
{
	return o->platform ? o->platform : gxca_policy_platform_code(c->ctx);
}

/* The login server: secret, trust, CRL. */
static int make_server(struct cli *c, const struct tk_opts *o, gxca_login_nonce_store **st, gxca_login_server **srv)
{
	if (!o->secret)
		return cli_usage("--secret FILE (at least 16 bytes) is required");
	size_t slen = 0;
	char *secret = cli_read_file(o->secret, &slen);
	if (!secret)
		return CLI_USAGE;
	int rc = gxca_login_nonce_store_new(st, c->ctx);
	if (!rc)
		rc = gxca_login_server_new(srv, c->ctx, platform_of(c, o), (const uint8_t *)secret, slen, *st);
	explicit_bzero(secret, slen);
	free(secret);
	if (!rc && o->lifetime)
		rc = gxca_login_server_set_lifetime(*srv, (int)o->lifetime);
	int ex = rc ? cli_fail(c, rc) : CLI_OK;
	for (size_t i = 0; !ex && i < o->n_trust; i++) {
		size_t len = 0;
		char *cert = read_cert(o->trust[i], &len);
		if (!cert)
			ex = CLI_USAGE;
		else if ((rc = gxca_login_server_add_trust(*srv, (const uint8_t *)cert, len)) != GXCA_OK)
			ex = cli_fail(c, rc);
		free(cert);
	}
	if (!ex && o->crl) {
		size_t len = 0;
		char *crl = cli_read_file(o->crl, &len);
		if (!crl)
			ex = CLI_USAGE;
		else if ((rc = gxca_login_server_set_crl(*srv, (const uint8_t *)crl, len)) != GXCA_OK)
			ex = cli_fail(c, rc);
		free(crl);
	}
	return ex;
}

static int login_challenge(struct cli *c, const struct tk_opts *o)
{
	gxca_login_nonce_store *st = NULL;
	gxca_login_server *srv = NULL;
	char *ch = NULL;
	size_t len = 0;
	int ex = make_server(c, o, &st, &srv), rc;
	if (!ex && (rc = gxca_login_challenge(srv, 0, &ch, &len)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex)
		ex = write_message(o, ch, len);
	gxca_free(ch);
	gxca_login_server_free(srv);
	gxca_login_nonce_store_free(st);
	return ex;
}

static int login_respond(struct cli *c, const struct tk_opts *o)
{
	if (!o->challenge)
		return cli_usage("gxca login respond --challenge FILE (--key KEY --cert CERT | PIN-OPTION --id HEX) [--out FILE] [--base64]");
	if (o->pin_stdin && strcmp(o->challenge, "-") == 0)
		return cli_usage("the PIN and the challenge cannot both come from stdin");
	size_t len = 0;
	char *ch = read_message(o->challenge, &len);
	if (!ch)
		return CLI_USAGE;
	struct session s = {0};
	gxca_key *key = NULL;
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	bool cert_lib = false;
	char *resp = NULL;
	size_t rlen = 0;
	int rc, ex = load_key_cert(c, o, &s, &key, &cert, &cert_len, &cert_lib);
	if (!ex && (rc = gxca_login_respond(key, cert, cert_len, ch, len, platform_of(c, o), &resp, &rlen)) != GXCA_OK)
		ex = cli_fail(c, rc);
	if (!ex)
		ex = write_message(o, resp, rlen);
	gxca_free(resp);
	if (cert_lib)
		gxca_free(cert);
	else
		free(cert);
	gxca_key_free(key);
	session_end(&s);
	free(ch);
	return ex;
}

static int login_verify(struct cli *c, const struct tk_opts *o)
{
	if (!o->response || !o->n_trust)
		return cli_usage("gxca login verify --secret FILE --trust CERT [--trust CERT…] [--crl FILE] --response FILE");
	size_t len = 0;
	char *resp = read_message(o->response, &len);
	if (!resp)
		return CLI_USAGE;
	gxca_login_nonce_store *st = NULL;
	gxca_login_server *srv = NULL;
	gxca_login_identity *id = NULL;
	int rc, ex = make_server(c, o, &st, &srv);
	if (!ex && (rc = gxca_login_verify(srv, resp, len, 0, &id)) != GXCA_OK) {
		ex = cli_fail(c, rc);
		if (c->json)
			printf("{\"valid\":false,\"code\":\"%s\"}\n", gxca_error_name_of(rc));
	}
	if (!ex) {
		int kind = gxca_login_identity_kind(id);
		const char *k = kind == GXCA_APPLICANT_ORG ? "ORG" : kind == GXCA_APPLICANT_PERSON ? "PERSON" : NULL;
		if (c->json) {
			printf("{\"valid\":true,\"name\":");
			json_str(gxca_login_identity_name(id));
			printf(",\"kind\":");
			json_str(k);
			printf(",\"number\":");
			json_str(gxca_login_identity_number(id));
			printf(",\"serial\":");
			json_str(gxca_login_identity_serial(id));
			printf(",\"subject\":");
			json_str(gxca_login_identity_subject(id));
			printf("}\n");
		} else {
			printf("%s %s\n%s %s\n%s %s\n%s %s\n", cli_tr(c, "登录成功", "logged in:"), gxca_login_identity_name(id),
			       kind == GXCA_APPLICANT_PERSON ? cli_tr(c, "身份证号码", "ID number") : cli_tr(c, "统一社会信用代码", "USCC"),
			       *gxca_login_identity_number(id) ? gxca_login_identity_number(id) : "-",
			       cli_tr(c, "证书序列号", "certificate serial"), gxca_login_identity_serial(id),
			       cli_tr(c, "主题", "subject"), gxca_login_identity_subject(id));
		}
	}
	gxca_login_identity_free(id);
	gxca_login_server_free(srv);
	gxca_login_nonce_store_free(st);
	free(resp);
	return ex;
}

int cmd_login(struct cli *c, int argc, char **argv)
{
	static const char *const verbs[] = {"challenge", "respond", "verify"};
	size_t v = 0;
	while (argc > 1 && v < 3 && strcmp(verbs[v], argv[1]) != 0)
		v++;
	if (argc < 2 || v == 3)
		return cli_usage("gxca login challenge|respond|verify [options]");
	struct tk_opts o = {0};
	int ex = parse_opts(argc, argv, &o);
	if (!ex && optind != argc)
		ex = cli_usage("unexpected argument '%s'", argv[optind]);
	if (ex)
		return ex;
	return v == 0 ? login_challenge(c, &o) : v == 1 ? login_respond(c, &o) : login_verify(c, &o);
}
