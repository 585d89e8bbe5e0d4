/*
 * tools/cmd-seal.c — gxca seal …, gxca eseal …, gxca esign … (gxca_seal(3),
 * gxca_image(3), gxca_eseal(3)).
 *
 *   gxca seal render --preset PRESET --text NAME [--line TEXT] [--code CODE] [--tax-id ID]
 *                    [--serial TEXT] [--dpi N] [--font PATH [--face N]] [--color RRGGBB] --out FILE.png
 *   gxca seal extract stamp|signature IN.png [--region x,y,w,h] --out FILE.png
 *   gxca eseal make --key KEY [--password PW] --cert MAKER.der|pem --holder-cert CERT [--holder-cert CERT ...]
 *                   --name NAME --picture P.png --width-mm W --height-mm H --from YYYY-MM-DD --to YYYY-MM-DD
 *                   [--id ESID] [--vid VID] [--type N] --out SEAL.esl
 *   gxca eseal show FILE [--picture-out P.png]
 *   gxca eseal verify FILE [--ca ANCHOR] [--at T] [--strict]
 *   gxca esign make --key KEY [--password PW] --cert CERT --seal SEAL.esl (--data FILE | --digest HEX)
 *                   [--property-info TEXT] [--at T] --out SIG.dat
 *   gxca esign show FILE
 *   gxca esign verify FILE [--data FILE | --digest HEX] [--ca ANCHOR] [--strict]
 *
 * Dates YYYY-MM-DD and times T (YYYY-MM-DD or YYYY-MM-DDTHH:MM) are
 * Asia/Shanghai; --to is inclusive (the seal ends at 23:59:59 that day).
 * Times printed are UTC. verify exits 0 when every check that ran passed,
 * 1 when one failed: the failing check and its code tell a bad signature
 * (GXCA_EBADSIG) from an expired or not-yet-valid seal or certificate
 * (GXCA_EESEAL_SEAL_EXPIRED, GXCA_EESEAL_CERT_NOT_YET_VALID, ...).
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"


#define MAX_HOLDERS 64

enum {
	O_PRESET = 256, O_TEXT, O_LINE, O_CODE, O_TAX, O_SERIAL, O_DPI, O_FONT, O_FACE, O_COLOR, O_OUT,
	O_REGION, O_KEY, O_PASSWORD, O_CERT, O_HOLDER, O_NAME, O_PICTURE, O_WMM, O_HMM, O_FROM, O_TO,
	O_ID, O_VID, O_TYPE, O_PICOUT, O_CA, O_AT, O_STRICT, O_SEAL, O_DATA, O_DIGEST, O_PROP
};

struct seal_opts {
	const char *preset, *text, *line, *code, *tax, *serial, *font, *out, *key, *password, *cert;
	const char *name, *picture, *from, *to, *id, *vid, *picout, *ca, *seal, *data, *digest, *prop;
	const char *holders[MAX_HOLDERS];
	size_t n_holders;
	long dpi, face, wmm, hmm, type;
	bool has_color, has_region, has_at, has_type, strict;
	uint8_t rgb[3];
	uint32_t region[4];
	int64_t at;
};

/* ---- options ------------------------------------------------------------------- */

static bool parse_region(const char *s, uint32_t r[4])
{
	unsigned long v[4];
	char *end = NULL;
	const char *p = s;
	for (int i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9')
			return false;
		v[i] = strtoul(p, &end, 10);
		if (v[i] > GXCA_IMAGE_MAX_SIDE || (i < 3 && *end != ',') || (i == 3 && *end))
			return false;
		r[i] = (uint32_t)v[i];
		p = end + 1;
	}
	return true;
}

static bool parse_color(const char *s, uint8_t rgb[3])
{
	if (*s == '#')
		s++;
	if (strlen(s) != 6 || strspn(s, "0123456789abcdefABCDEF") != 6)
		return false;
	unsigned long v = strtoul(s, NULL, 16);
	rgb[0] = (uint8_t)(v >> 16);
	rgb[1] = (uint8_t)(v >> 8);
	rgb[2] = (uint8_t)v;
	return true;
}

static int parse_value(struct cli *c, int ch, struct seal_opts *o)
{
	switch (ch) {
	case O_PRESET: o->preset = optarg; break;
	case O_TEXT: o->text = optarg; break;
	case O_LINE: o->line = optarg; break;
	case O_CODE: o->code = optarg; break;
	case O_TAX: o->tax = optarg; break;
	case O_SERIAL: o->serial = optarg; break;
	case O_FONT: o->font = optarg; break;
	case O_OUT: o->out = optarg; break;
	case O_KEY: o->key = optarg; break;
	case O_PASSWORD: o->password = optarg; break;
	case O_CERT: o->cert = optarg; break;
	case O_NAME: o->name = optarg; break;
	case O_PICTURE: o->picture = optarg; break;
	case O_FROM: o->from = optarg; break;
	case O_TO: o->to = optarg; break;
	case O_ID: o->id = optarg; break;
	case O_VID: o->vid = optarg; break;
	case O_PICOUT: o->picout = optarg; break;
	case O_CA: o->ca = optarg; break;
	case O_SEAL: o->seal = optarg; break;
	case O_DATA: o->data = optarg; break;
	case O_DIGEST: o->digest = optarg; break;
	case O_PROP: o->prop = optarg; break;
	case O_STRICT: o->strict = true; break;
	case O_HOLDER:
		if (o->n_holders == MAX_HOLDERS)
			return cli_usage("at most %d --holder-cert", MAX_HOLDERS);
		o->holders[o->n_holders++] = optarg;
		break;
	case O_DPI: return cli_parse_int("--dpi", optarg, 72, 1200, &o->dpi) ? CLI_OK : CLI_USAGE;
	case O_FACE: return cli_parse_int("--face", optarg, 0, 65535, &o->face) ? CLI_OK : CLI_USAGE;
	case O_WMM: return cli_parse_int("--width-mm", optarg, 1, 1000, &o->wmm) ? CLI_OK : CLI_USAGE;
	case O_HMM: return cli_parse_int("--height-mm", optarg, 1, 1000, &o->hmm) ? CLI_OK : CLI_USAGE;
	case O_TYPE:
		o->has_type = true;
		return cli_parse_int("--type", optarg, 0, INT32_MAX, &o->type) ? CLI_OK : CLI_USAGE;
	case O_COLOR:
		if (!(o->has_color = parse_color(optarg, o->rgb)))
			return cli_usage("--color takes RRGGBB (hex)");
		break;
	case O_REGION:
		if (!(o->has_region = parse_region(optarg, o->region)))
			return cli_usage("--region takes x,y,w,h in pixels");
		break;
	case O_AT:
		if (!(o->has_at = cli_parse_time(c, optarg, true, &o->at)))
			return cli_usage("--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM (Asia/Shanghai)");
		break;
	default: return cli_usage("unknown option or missing value (see gxca(1))");
	}
	return CLI_OK;
}

/* Options after the verb; positional arguments are left at argv[optind..]. */
static int parse_opts(struct cli *c, int argc, char **argv, struct seal_opts *o)
{
	static const struct option opts[] = {
		{"preset", required_argument, NULL, O_PRESET},	 {"text", required_argument, NULL, O_TEXT},
		{"line", required_argument, NULL, O_LINE},	 {"code", required_argument, NULL, O_CODE},
		{"tax-id", required_argument, NULL, O_TAX},	 {"serial", required_argument, NULL, O_SERIAL},
		{"dpi", required_argument, NULL, O_DPI},	 {"font", required_argument, NULL, O_FONT},
		{"face", required_argument, NULL, O_FACE},	 {"color", required_argument, NULL, O_COLOR},
		{"out", required_argument, NULL, O_OUT},	 {"region", required_argument, NULL, O_REGION},
		{"key", required_argument, NULL, O_KEY},	 {"password", required_argument, NULL, O_PASSWORD},
		{"cert", required_argument, NULL, O_CERT},	 {"holder-cert", required_argument, NULL, O_HOLDER},
		{"name", required_argument, NULL, O_NAME},	 {"picture", required_argument, NULL, O_PICTURE},
		{"width-mm", required_argument, NULL, O_WMM},	 {"height-mm", required_argument, NULL, O_HMM},
		{"from", required_argument, NULL, O_FROM},	 {"to", required_argument, NULL, O_TO},
		{"id", required_argument, NULL, O_ID},		 {"vid", required_argument, NULL, O_VID},
		{"type", required_argument, NULL, O_TYPE},	 {"picture-out", required_argument, NULL, O_PICOUT},
		{"ca", required_argument, NULL, O_CA},		 {"at", required_argument, NULL, O_AT},
		{"strict", no_argument, NULL, O_STRICT},	 {"seal", required_argument, NULL, O_SEAL},
		{"data", required_argument, NULL, O_DATA},	 {"digest", required_argument, NULL, O_DIGEST},
		{"property-info", required_argument, NULL, O_PROP}, {NULL, 0, NULL, 0}};
	optind = 2;
	opterr = 0;
	int ch, rc = CLI_OK;
	while (!rc && (ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		rc = parse_value(c, ch, o);
	return rc;
}

/* Which options a verb takes: the others are refused. */
static int only(const struct seal_opts *o, const char *allowed, const char *usage)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
#define S(n, f) {n, offsetof(struct seal_opts, f)}
		S("preset", preset), S("text", text), S("line", line), S("code", code), S("tax-id", tax),
		S("serial", serial), S("font", font), S("out", out), S("key", key), S("password", password),
		S("cert", cert), S("name", name), S("picture", picture), S("from", from), S("to", to), S("id", id),
		S("vid", vid), S("picture-out", picout), S("ca", ca), S("seal", seal), S("data", data),
		S("digest", digest), S("property-info", prop)
#undef S
	};
	char key[40];
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		snprintf(key, sizeof key, " %s ", strs[i].name);
		if (*(const char *const *)((const char *)o + strs[i].off) && !strstr(allowed, key))
			return cli_usage("--%s does not go with this command; %s", strs[i].name, usage);
	}
	const struct {
		const char *name;
		bool set;
	} more[] = {{"holder-cert", o->n_holders > 0}, {"dpi", o->dpi != 0},	   {"face", o->face != 0},
		    {"width-mm", o->wmm != 0},	       {"height-mm", o->hmm != 0}, {"type", o->has_type},
		    {"color", o->has_color},	       {"region", o->has_region},  {"at", o->has_at},
		    {"strict", o->strict}};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
		snprintf(key, sizeof key, " %s ", more[i].name);
		if (more[i].set && !strstr(allowed, key))
			return cli_usage("--%s does not go with this command; %s", more[i].name, usage);
	}
	return CLI_OK;
}

/* ---- output -------------------------------------------------------------------- */

static void fmt_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "-");
}

static char *hex_of(const uint8_t *p, size_t n)
{
	char *s = malloc(n * 2 + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

/* A flat list of (key, value) shown as "key: value" lines or one JSON object. */
struct out {
	struct cli *c;
	json_object *obj;
	const char *indent;
};

static void put_str(struct out *o, const char *k, const char *v)
{
	if (o->obj)
		json_object_object_add(o->obj, k, v ? json_object_new_string(v) : NULL);
	else
		printf("%s%-18s %s\n", o->indent, k, v ? v : "-");
}

static void put_int(struct out *o, const char *k, int64_t v)
{
	if (o->obj) {
		json_object_object_add(o->obj, k, json_object_new_int64(v));
	} else {
		printf("%s%-18s %lld\n", o->indent, k, (long long)v);
	}
}

static void put_time(struct out *o, const char *k, int64_t t)
{
	char buf[32];
	fmt_time(t, buf);
	if (o->obj)
		json_object_object_add(o->obj, k, json_object_new_int64(t));
	put_str(o, o->obj ? (strcmp(k, "create_date") == 0 ? "create_date_utc"
			     : strcmp(k, "valid_start") == 0 ? "valid_start_utc"
			     : strcmp(k, "valid_end") == 0   ? "valid_end_utc"
							     : "time_utc")
			  : k,
		buf);
}

static void put_hex(struct out *o, const char *k, const uint8_t *p, size_t n)
{
	char *h = p ? hex_of(p, n) : NULL;
	put_str(o, k, h);
	free(h);
}

static const char *time_enc_name(int e)
{
	return e == GXCA_ESEAL_TIME_UTC ? "UTCTime" : e == GXCA_ESEAL_TIME_GENERALIZED ? "GeneralizedTime"
						  : e == GXCA_ESEAL_TIME_TEXT		 ? "text"
											 : "none";
}

static void put_quirks(struct out *o, const char *k, uint32_t q)
{
	char buf[256] = "";
	json_object *arr = o->obj ? json_object_new_array() : NULL;
	for (uint32_t b = 1; b && b <= 0x80000000u; b <<= 1) {
		const char *n = (q & b) ? gxca_eseal_quirk_name(b) : NULL;
		if (!n)
			continue;
		if (arr)
			json_object_array_add(arr, json_object_new_string(n));
		else
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", *buf ? "," : "", n);
		if (b == 0x80000000u)
			break;
	}
	if (arr)
		json_object_object_add(o->obj, k, arr);
	else
		put_str(o, k, *buf ? buf : "none");
}

/* A DER certificate: subject, serial, validity; or "(unparseable)". */
static void put_cert(struct out *o, const char *k, const uint8_t *der, size_t len)
{
	gxca_cert *x = NULL;
	if (!der || gxca_cert_from_der(&x, o->c->ctx, der, len) != GXCA_OK) {
		put_str(o, k, der ? "(not a parseable certificate)" : NULL);
		return;
	}
	char nb[32], na[32];
	fmt_time(gxca_cert_not_before(x), nb);
	fmt_time(gxca_cert_not_after(x), na);
	if (o->obj) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "subject", json_object_new_string(gxca_cert_subject(x)));
		json_object_object_add(j, "issuer", json_object_new_string(gxca_cert_issuer(x)));
		json_object_object_add(j, "serial", json_object_new_string(gxca_cert_serial(x)));
		json_object_object_add(j, "not_before", json_object_new_int64(gxca_cert_not_before(x)));
		json_object_object_add(j, "not_after", json_object_new_int64(gxca_cert_not_after(x)));
		json_object_object_add(j, "der_len", json_object_new_int64((int64_t)len));
		if (json_object_is_type(o->obj, json_type_array))
			json_object_array_add(o->obj, j);
		else
			json_object_object_add(o->obj, k, j);
	} else {
		printf("%s%-18s %s\n%s%-18s   issuer %s\n%s%-18s   serial %s, %s .. %s, %zu bytes\n", o->indent, k,
		       gxca_cert_subject(x), o->indent, "", gxca_cert_issuer(x), o->indent, "", gxca_cert_serial(x), nb,
		       na, len);
	}
	gxca_cert_free(x);
}

static void show_seal(struct out *o, const gxca_eseal *s)
{
	int v = gxca_eseal_version(s);
	put_str(o, "layout", v == GXCA_ESEAL_V1 ? "v1" : v == GXCA_ESEAL_V4 ? "v4" : v == GXCA_ESEAL_V5 ? "v5" : "?");
	put_int(o, "header_version", gxca_eseal_header_version(s));
	put_str(o, "vid", gxca_eseal_vid(s));
	put_str(o, "esID", gxca_eseal_id(s));
	put_int(o, "type", gxca_eseal_type(s));
	put_str(o, "name", gxca_eseal_name(s));
	int lt = gxca_eseal_cert_list_type(s);
	put_str(o, "cert_list_type", lt == GXCA_ESEAL_CERTLIST_CERTS ? "certs (1)"
				     : lt == GXCA_ESEAL_CERTLIST_DIGESTS ? "digests (2)"
									 : "none (v1)");
	size_t n = gxca_eseal_cert_count(s);
	json_object *arr = o->obj ? json_object_new_array() : NULL;
	struct out sub = {o->c, arr, o->indent};
	if (!arr)
		put_int(o, "certs", (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		const uint8_t *p = gxca_eseal_cert(s, i, &len);
		char k[32];
		snprintf(k, sizeof k, "  cert[%zu]", i);
		if (lt == GXCA_ESEAL_CERTLIST_DIGESTS) {
			char *h = hex_of(p, len);
			if (arr) {
				json_object *j = json_object_new_object();
				json_object_object_add(j, "digest_type", json_object_new_string(gxca_eseal_cert_digest_type(s, i)));
				json_object_object_add(j, "digest", json_object_new_string(h ? h : ""));
				json_object_array_add(arr, j);
			} else {
				printf("%s%-18s %s %s\n", o->indent, k, gxca_eseal_cert_digest_type(s, i), h ? h : "");
			}
			free(h);
		} else {
			put_cert(&sub, k, p, len);
		}
	}
	if (arr)
		json_object_object_add(o->obj, "certs", arr);
	put_time(o, "create_date", gxca_eseal_create_date(s));
	put_time(o, "valid_start", gxca_eseal_valid_start(s));
	put_time(o, "valid_end", gxca_eseal_valid_end(s));
	put_str(o, "time_encoding", time_enc_name(gxca_eseal_time_encoding(s)));
	size_t plen = 0;
	gxca_eseal_picture(s, &plen);
	put_str(o, "picture_type", gxca_eseal_picture_type(s));
	put_int(o, "picture_bytes", (int64_t)plen);
	put_int(o, "picture_width_mm", gxca_eseal_picture_width(s));
	put_int(o, "picture_height_mm", gxca_eseal_picture_height(s));
	size_t ne = gxca_eseal_ext_count(s);
	json_object *exts = o->obj ? json_object_new_array() : NULL;
	if (!exts)
		put_int(o, "extensions", (int64_t)ne);
	for (size_t i = 0; i < ne; i++) {
		size_t len = 0;
		const uint8_t *p = gxca_eseal_ext_value(s, i, &len);
		char *h = hex_of(p ? p : (const uint8_t *)"", p ? len : 0);
		if (exts) {
			json_object *j = json_object_new_object();
			json_object_object_add(j, "oid", json_object_new_string(gxca_eseal_ext_oid(s, i)));
			json_object_object_add(j, "critical", json_object_new_boolean(gxca_eseal_ext_critical(s, i)));
			json_object_object_add(j, "value", json_object_new_string(h ? h : ""));
			json_object_array_add(exts, j);
		} else {
			printf("%s  ext[%zu]%-10s %s%s %s\n", o->indent, i, "", gxca_eseal_ext_oid(s, i),
			       gxca_eseal_ext_critical(s, i) ? " critical" : "", h ? h : "");
		}
		free(h);
	}
	if (exts)
		json_object_object_add(o->obj, "extensions", exts);
	size_t len = 0;
	const uint8_t *p = gxca_eseal_maker_cert(s, &len);
	put_cert(o, "maker_cert", p, len);
	put_str(o, "sign_alg", gxca_eseal_sign_alg(s));
	p = gxca_eseal_signature(s, &len);
	put_hex(o, "signature", p, len);
	p = gxca_eseal_timestamp(s, &len);
	put_hex(o, "timestamp", p, len);
	put_quirks(o, "quirks", gxca_eseal_quirks(s));
}

static void show_sign(struct out *o, const gxca_esign *g)
{
	put_str(o, "layout", gxca_esign_version(g) == GXCA_ESEAL_V1 ? "v1" : "v4");
	put_int(o, "tbs_version", gxca_esign_tbs_version(g));
	put_str(o, "time_info", gxca_esign_time_text(g));
	put_time(o, "time", gxca_esign_time(g));
	put_str(o, "time_encoding", time_enc_name(gxca_esign_time_encoding(g)));
	size_t len = 0;
	const uint8_t *p = gxca_esign_data_hash(g, &len);
	put_hex(o, "data_hash", p, len);
	put_str(o, "property_info", gxca_esign_property_info(g));
	p = gxca_esign_signer_cert(g, &len);
	put_cert(o, "signer_cert", p, len);
	put_str(o, "sign_alg", gxca_esign_sign_alg(g));
	p = gxca_esign_signature(g, &len);
	put_hex(o, "signature", p, len);
	p = gxca_esign_timestamp(g, &len);
	put_hex(o, "timestamp", p, len);
	size_t ne = gxca_esign_ext_count(g);
	json_object *exts = o->obj ? json_object_new_array() : NULL;
	if (!exts)
		put_int(o, "extensions", (int64_t)ne);
	for (size_t i = 0; i < ne; i++) {
		const uint8_t *v = gxca_esign_ext_value(g, i, &len);
		char *h = hex_of(v ? v : (const uint8_t *)"", v ? len : 0);
		if (exts) {
			json_object *j = json_object_new_object();
			json_object_object_add(j, "oid", json_object_new_string(gxca_esign_ext_oid(g, i)));
			json_object_object_add(j, "critical", json_object_new_boolean(gxca_esign_ext_critical(g, i)));
			json_object_object_add(j, "value", json_object_new_string(h ? h : ""));
			json_object_array_add(exts, j);
		} else {
			printf("%s  ext[%zu]%-10s %s%s %s\n", o->indent, i, "", gxca_esign_ext_oid(g, i),
			       gxca_esign_ext_critical(g, i) ? " critical" : "", h ? h : "");
		}
		free(h);
	}
	if (exts)
		json_object_object_add(o->obj, "extensions", exts);
	put_quirks(o, "quirks", gxca_esign_quirks(g));
	if (o->obj) {
		json_object *so = json_object_new_object();
		struct out sub = {o->c, so, ""};
		show_seal(&sub, gxca_esign_seal(g));
		json_object_object_add(o->obj, "seal", so);
	} else {
		printf("seal:\n");
		struct out sub = {o->c, NULL, "  "};
		show_seal(&sub, gxca_esign_seal(g));
	}
}

static void print_obj(json_object *obj)
{
	cli_print_json(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char *status_word(int st)
{
	switch (st) {
	case GXCA_OK: return "ok";
	case GXCA_EBADSIG: return "BAD SIGNATURE";
	case GXCA_EESEAL_SEAL_EXPIRED:
	case GXCA_EESEAL_CERT_EXPIRED: return "EXPIRED";
	case GXCA_EESEAL_SEAL_NOT_YET_VALID:
	case GXCA_EESEAL_CERT_NOT_YET_VALID: return "NOT YET VALID";
	case GXCA_EESEAL_DATA_MISMATCH: return "DATA MISMATCH";
	case GXCA_EESEAL_SIGNER_NOT_IN_SEAL: return "SIGNER NOT IN SEAL";
	case GXCA_EESEAL_CHAIN: return "CHAIN FAILED";
	default: return "FAILED";
	}
}

/* Print every check (ran or not) and the verdict; the exit code of rc. */
static int report_result(struct cli *c, int rc, const gxca_eseal_result *r)
{
	if (!r)
		return cli_fail(c, rc);
	uint32_t ran = gxca_eseal_result_ran(r), failed = gxca_eseal_result_failed(r);
	bool sig_bad = (failed & (GXCA_ESEAL_CHECK_SIGNATURE | GXCA_ESEAL_CHECK_SEAL_SIGNATURE)) != 0;
	const char *verdict = !rc ? "valid" : sig_bad ? "bad-signature" : "invalid";
	if (!rc || rc == GXCA_EBADSIG)
		;
	else if (rc == GXCA_EESEAL_SEAL_EXPIRED || rc == GXCA_EESEAL_CERT_EXPIRED)
		verdict = sig_bad ? verdict : "expired";
	else if (rc == GXCA_EESEAL_SEAL_NOT_YET_VALID || rc == GXCA_EESEAL_CERT_NOT_YET_VALID)
		verdict = sig_bad ? verdict : "not-yet-valid";
	char tb[32];
	fmt_time(gxca_eseal_result_time(r), tb);
	json_object *obj = c->json ? json_object_new_object() : NULL, *checks = NULL;
	if (obj) {
		json_object_object_add(obj, "valid", json_object_new_boolean(rc == GXCA_OK));
		json_object_object_add(obj, "verdict", json_object_new_string(verdict));
		json_object_object_add(obj, "code", json_object_new_string(gxca_error_name_of(rc)));
		json_object_object_add(obj, "signatures_good", json_object_new_boolean(!sig_bad));
		json_object_object_add(obj, "time", json_object_new_int64(gxca_eseal_result_time(r)));
		checks = json_object_new_array();
	} else {
		printf("%s %s\n", cli_tr(c, "检查时间", "checked at"), tb);
	}
	for (uint32_t b = GXCA_ESEAL_CHECK_SIGNATURE; b <= GXCA_ESEAL_CHECK_MAKER_CHAIN; b <<= 1) {
		const char *name = gxca_eseal_check_name(b);
		int st = gxca_eseal_result_status(r, b);
		bool did = (ran & b) != 0;
		const char *msg = gxca_eseal_result_message(r, b, c->lang);
		char qb[128] = "";
		uint32_t q = gxca_eseal_result_quirks(r, b);
		for (uint32_t k = 1; k && k <= 0x40000000u; k <<= 1)
			if ((q & k) && gxca_eseal_quirk_name(k))
				snprintf(qb + strlen(qb), sizeof qb - strlen(qb), "%s%s", *qb ? "," : "", gxca_eseal_quirk_name(k));
		if (checks) {
			json_object *j = json_object_new_object();
			json_object_object_add(j, "check", json_object_new_string(name ? name : "?"));
			json_object_object_add(j, "ran", json_object_new_boolean(did));
			json_object_object_add(j, "status", json_object_new_string(did ? gxca_error_name_of(st) : "not-run"));
			if (did && st)
				json_object_object_add(j, "message", json_object_new_string(msg));
			if (*qb)
				json_object_object_add(j, "quirks", json_object_new_string(qb));
			json_object_array_add(checks, j);
		} else if (!did) {
			printf("  %-18s %s\n", name ? name : "?", cli_tr(c, "未检查", "not run"));
		} else {
			printf("  %-18s %s%s%s%s%s%s%s\n", name ? name : "?", status_word(st), st ? " " : "",
			       st ? gxca_error_name_of(st) : "", *msg ? ": " : "", msg, *qb ? " quirks: " : "", qb);
		}
	}
	if (obj) {
		json_object_object_add(obj, "checks", checks);
		print_obj(obj);
		json_object_put(obj);
	} else {
		printf("%s: %s%s\n", cli_tr(c, "结论", "result"), verdict,
		       rc && !sig_bad ? cli_tr(c, " (签名正确)", " (signatures good)") : "");
	}
	return rc ? cli_fail(c, rc) : CLI_OK;
}

/* ---- helpers ------------------------------------------------------------------- */

/* A certificate file (DER or PEM) as DER. */
static int cert_der(struct cli *c, const char *path, uint8_t **der, size_t *len)
{
	gxca_cert *x = NULL;
	int rc = gxca_cert_load_file(&x, c->ctx, path);
	if (!rc)
		rc = gxca_cert_to_der(x, der, len);
	gxca_cert_free(x);
	if (rc == GXCA_EIO)
		return cli_fail(c, rc), CLI_USAGE;
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int load_key(struct cli *c, const struct seal_opts *o, gxca_key **key)
{
	int rc = gxca_key_load_file(key, c->ctx, o->key, o->password);
	if (rc == GXCA_EIO)
		return cli_fail(c, rc), CLI_USAGE;
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static bool parse_digest(const char *s, uint8_t d[32])
{
	if (strlen(s) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		char b[3] = {s[2 * i], s[2 * i + 1], 0};
		d[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return true;
}

/* ---- gxca seal ----------------------------------------------------------------- */

static int seal_render(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca seal render --preset PRESET --text NAME [--line TEXT] [--code CODE] [--tax-id ID] "
			    "[--serial TEXT] [--dpi N] [--font PATH [--face N]] [--color RRGGBB] --out FILE.png";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " preset text name line code tax-id serial dpi font face color out ", usage);
	if (ex)
		return ex;
	if (optind != argc)
		return cli_usage("unexpected argument '%s'; %s", argv[optind], usage);
	const char *text = o.text ? o.text : o.name;
	if (!text || !o.out)
		return cli_usage("%s", usage);
	int preset = o.preset ? gxca_seal_preset_from_name(o.preset) : GXCA_SEAL_ORG_ROUND_42;
	if (!preset)
		return cli_usage("--preset ORG_ROUND_42|ORG_ROUND_40|ORG_ROUND_38|SPECIAL_ROUND_40|SPECIAL_ROUND_38|"
				 "INVOICE_OVAL_40X30|PERSON_SQUARE_20");
	gxca_seal_spec *spec = NULL;
	gxca_image *img = NULL;
	uint8_t *png = NULL;
	size_t png_len = 0;
	int rc = gxca_seal_spec_new(&spec, c->ctx, preset);
	if (!rc)
		rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_NAME, text);
	if (!rc && o.line)
		rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_LINE, o.line);
	if (!rc && o.code)
		rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_CODE, o.code);
	if (!rc && o.tax)
		rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_TAX_ID, o.tax);
	if (!rc && o.serial)
		rc = gxca_seal_spec_set_text(spec, GXCA_SEAL_TEXT_SERIAL, o.serial);
	if (!rc && o.dpi)
		rc = gxca_seal_spec_set_dpi(spec, (uint32_t)o.dpi);
	if (!rc && o.has_color)
		rc = gxca_seal_spec_set_color(spec, o.rgb[0], o.rgb[1], o.rgb[2], 255);
	if (!rc && o.font)
		rc = gxca_seal_spec_set_font(spec, GXCA_SEAL_FONT_TEXT, o.font, (int)o.face);
	if (!rc)
		rc = gxca_seal_render(&img, spec);
	if (!rc)
		rc = gxca_image_to_png(img, &png, &png_len);
	ex = rc ? cli_fail(c, rc) : cli_write_file(o.out, png, png_len) ? CLI_USAGE : CLI_OK;
	if (!ex && c->json) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "preset", json_object_new_string(gxca_seal_preset_name(preset)));
		json_object_object_add(j, "width", json_object_new_int64(gxca_image_width(img)));
		json_object_object_add(j, "height", json_object_new_int64(gxca_image_height(img)));
		json_object_object_add(j, "dpi", json_object_new_int64(gxca_image_dpi(img)));
		json_object_object_add(j, "out", json_object_new_string(o.out));
		json_object_object_add(j, "bytes", json_object_new_int64((int64_t)png_len));
		print_obj(j);
		json_object_put(j);
	} else if (!ex && strcmp(o.out, "-") != 0) {
		printf("%s %s: %s %ux%u px, %u dpi, %zu %s\n", cli_tr(c, "已写入", "wrote"), o.out,
		       gxca_seal_preset_name(preset), gxca_image_width(img), gxca_image_height(img), gxca_image_dpi(img),
		       png_len, cli_tr(c, "字节", "bytes"));
	}
	gxca_free(png);
	gxca_image_free(img);
	gxca_seal_spec_free(spec);
	return ex;
}

static int seal_extract(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca seal extract stamp|signature IN.png [--region x,y,w,h] --out FILE.png";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " region out ", usage);
	if (ex)
		return ex;
	if (optind != argc - 2 || !o.out)
		return cli_usage("%s", usage);
	bool stamp = strcmp(argv[optind], "stamp") == 0;
	if (!stamp && strcmp(argv[optind], "signature") != 0)
		return cli_usage("%s", usage);
	size_t len = 0;
	char *buf = cli_read_file(argv[optind + 1], &len);
	if (!buf)
		return CLI_USAGE;
	gxca_image *scan = NULL, *img = NULL;
	uint8_t *png = NULL;
	size_t png_len = 0;
	uint32_t *r = o.region;
	int rc = gxca_image_from_png(&scan, c->ctx, (const uint8_t *)buf, len);
	if (!rc)
		rc = stamp ? gxca_image_extract_stamp(&img, scan, r[0], r[1], r[2], r[3])
			   : gxca_image_extract_signature(&img, scan, r[0], r[1], r[2], r[3]);
	if (!rc)
		rc = gxca_image_to_png(img, &png, &png_len);
	ex = rc ? cli_fail(c, rc) : cli_write_file(o.out, png, png_len) ? CLI_USAGE : CLI_OK;
	if (!ex && c->json) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "kind", json_object_new_string(stamp ? "stamp" : "signature"));
		json_object_object_add(j, "x", json_object_new_int64(gxca_image_origin_x(img)));
		json_object_object_add(j, "y", json_object_new_int64(gxca_image_origin_y(img)));
		json_object_object_add(j, "width", json_object_new_int64(gxca_image_width(img)));
		json_object_object_add(j, "height", json_object_new_int64(gxca_image_height(img)));
		json_object_object_add(j, "dpi", json_object_new_int64(gxca_image_dpi(img)));
		json_object_object_add(j, "out", json_object_new_string(o.out));
		print_obj(j);
		json_object_put(j);
	} else if (!ex && strcmp(o.out, "-") != 0) {
		printf("%s %s: %s %ux%u px at %u,%u\n", cli_tr(c, "已写入", "wrote"), o.out, stamp ? "stamp" : "signature",
		       gxca_image_width(img), gxca_image_height(img), gxca_image_origin_x(img), gxca_image_origin_y(img));
	}
	gxca_free(png);
	gxca_image_free(img);
	gxca_image_free(scan);
	free(buf);
	return ex;
}

int cmd_seal(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "render") == 0)
		return seal_render(c, argc, argv);
	if (argc > 1 && strcmp(argv[1], "extract") == 0)
		return seal_extract(c, argc, argv);
	return cli_usage("gxca seal render|extract [options]");
}

/* ---- gxca eseal ---------------------------------------------------------------- */

static int load_seal(struct cli *c, const char *path, gxca_eseal **s)
{
	size_t len = 0;
	char *der = cli_read_file(path, &len);
	if (!der)
		return CLI_USAGE;
	int rc = gxca_eseal_parse(s, c->ctx, (const uint8_t *)der, len);
	if (rc && gxca_eseal_kind((const uint8_t *)der, len) == GXCA_ESEAL_KIND_SIGNATURE)
		fprintf(stderr, "gxca: %s: %s\n", path,
			cli_tr(c, "这是电子签章 (SES_Signature)，请用 gxca esign", "an SES_Signature: use gxca esign"));
	free(der);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static int load_sign(struct cli *c, const char *path, gxca_esign **g)
{
	size_t len = 0;
	char *der = cli_read_file(path, &len);
	if (!der)
		return CLI_USAGE;
	int rc = gxca_esign_parse(g, c->ctx, (const uint8_t *)der, len);
	if (rc && gxca_eseal_kind((const uint8_t *)der, len) == GXCA_ESEAL_KIND_SEAL)
		fprintf(stderr, "gxca: %s: %s\n", path,
			cli_tr(c, "这是电子印章 (SESeal)，请用 gxca eseal", "an SESeal: use gxca eseal"));
	free(der);
	return rc ? cli_fail(c, rc) : CLI_OK;
}

static void random_id(char out[33])
{
	uint8_t b[16] = {0};
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(b, 1, sizeof b, f) != sizeof b) {
		uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)clock();
		memcpy(b, &t, sizeof t);
	}
	if (f)
		fclose(f);
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int eseal_make(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca eseal make --key KEY [--password PW] --cert MAKER.der|pem --holder-cert CERT "
			    "[--holder-cert CERT ...] --name NAME --picture P.png --width-mm W --height-mm H "
			    "--from YYYY-MM-DD --to YYYY-MM-DD [--id ESID] [--vid VID] [--type N] --out SEAL.esl";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " key password cert holder-cert name picture width-mm height-mm from to id vid type out ",
			  usage);
	if (ex)
		return ex;
	if (optind != argc)
		return cli_usage("unexpected argument '%s'; %s", argv[optind], usage);
	if (!o.key || !o.cert || !o.n_holders || !o.name || !o.picture || !o.wmm || !o.hmm || !o.from || !o.to ||
	    !o.out)
		return cli_usage("%s", usage);
	int64_t from = 0, to = 0;
	if (strlen(o.from) != 10 || !cli_parse_time(c, o.from, true, &from) || strlen(o.to) != 10 || !cli_parse_time(c, o.to, true, &to))
		return cli_usage("--from and --to take YYYY-MM-DD (Asia/Shanghai)");
	to += 86399; /* the whole last day */
	char idbuf[33];
	if (!o.id)
		random_id(idbuf);
	gxca_key *key = NULL;
	gxca_eseal *s = NULL;
	uint8_t *maker = NULL, *der = NULL;
	size_t maker_len = 0, der_len = 0, pic_len = 0;
	char *pic = NULL;
	ex = load_key(c, &o, &key);
	if (!ex)
		ex = cert_der(c, o.cert, &maker, &maker_len);
	if (!ex && !(pic = cli_read_file(o.picture, &pic_len)))
		ex = CLI_USAGE;
	int rc = ex ? GXCA_OK : gxca_eseal_new(&s, c->ctx);
	if (!ex && !rc)
		rc = gxca_eseal_set_vid(s, o.vid ? o.vid : "GXCA");
	if (!ex && !rc)
		rc = gxca_eseal_set_id(s, o.id ? o.id : idbuf);
	if (!ex && !rc)
		rc = gxca_eseal_set_type(s, o.has_type ? o.type : 1);
	if (!ex && !rc)
		rc = gxca_eseal_set_name(s, o.name);
	for (size_t i = 0; !ex && !rc && i < o.n_holders; i++) {
		uint8_t *h = NULL;
		size_t hl = 0;
		ex = cert_der(c, o.holders[i], &h, &hl);
		if (!ex)
			rc = gxca_eseal_add_cert(s, h, hl);
		gxca_free(h);
	}
	if (!ex && !rc)
		rc = gxca_eseal_set_validity(s, (int64_t)time(NULL), from, to);
	if (!ex && !rc)
		rc = gxca_eseal_set_picture(s, NULL, (const uint8_t *)pic, pic_len, (uint32_t)o.wmm, (uint32_t)o.hmm);
	if (!ex && !rc)
		rc = gxca_eseal_sign(s, key, maker, maker_len);
	if (!ex && !rc)
		rc = gxca_eseal_to_der(s, &der, &der_len);
	if (!ex && rc)
		ex = cli_fail(c, rc);
	if (!ex && (ex = cli_write_file(o.out, der, der_len) ? CLI_USAGE : CLI_OK) == CLI_OK && strcmp(o.out, "-")) {
		if (c->json) {
			json_object *j = json_object_new_object();
			struct out out = {c, j, ""};
			put_str(&out, "out", o.out);
			put_int(&out, "bytes", (int64_t)der_len);
			show_seal(&out, s);
			print_obj(j);
			json_object_put(j);
		} else {
			printf("%s %s (%zu %s)\n", cli_tr(c, "已写入电子印章", "wrote seal"), o.out, der_len,
			       cli_tr(c, "字节", "bytes"));
			struct out out = {c, NULL, ""};
			show_seal(&out, s);
		}
	}
	gxca_free(der);
	free(pic);
	gxca_free(maker);
	gxca_eseal_free(s);
	gxca_key_free(key);
	return ex;
}

static int eseal_show(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca eseal show FILE [--picture-out P.png]";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " picture-out ", usage);
	if (ex)
		return ex;
	if (optind != argc - 1)
		return cli_usage("%s", usage);
	gxca_eseal *s = NULL;
	if ((ex = load_seal(c, argv[optind], &s)))
		return ex;
	json_object *j = c->json ? json_object_new_object() : NULL;
	struct out out = {c, j, ""};
	show_seal(&out, s);
	if (o.picout) {
		size_t len = 0;
		const uint8_t *p = gxca_eseal_picture(s, &len);
		if (cli_write_file(o.picout, p ? p : (const uint8_t *)"", len) != 0)
			ex = CLI_USAGE;
		else
			put_str(&out, "picture_out", o.picout);
	}
	if (j) {
		if (!ex)
			print_obj(j);
		json_object_put(j);
	}
	gxca_eseal_free(s);
	return ex;
}

static int read_anchors(const struct seal_opts *o, gxca_eseal_verify_options *vo, char **buf)
{
	if (!o->ca)
		return CLI_OK;
	size_t len = 0;
	if (!(*buf = cli_read_file(o->ca, &len)))
		return CLI_USAGE;
	vo->anchors = (const uint8_t *)*buf;
	vo->anchors_len = len;
	return CLI_OK;
}

static int eseal_verify(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca eseal verify FILE [--ca ANCHOR] [--at T] [--strict]";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " ca at strict ", usage);
	if (ex)
		return ex;
	if (optind != argc - 1)
		return cli_usage("%s", usage);
	gxca_eseal_verify_options vo = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	char *anchors = NULL;
	if ((ex = read_anchors(&o, &vo, &anchors)))
		return ex;
	vo.at = o.has_at ? o.at : 0;
	vo.flags = o.strict ? GXCA_ESEAL_VERIFY_STRICT : 0;
	gxca_eseal *s = NULL;
	ex = load_seal(c, argv[optind], &s);
	if (!ex) {
		gxca_eseal_result *r = NULL;
		int rc = gxca_eseal_verify(s, &vo, &r);
		ex = report_result(c, rc, r);
		gxca_eseal_result_free(r);
	}
	gxca_eseal_free(s);
	free(anchors);
	return ex;
}

int cmd_eseal(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "make") == 0)
		return eseal_make(c, argc, argv);
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return eseal_show(c, argc, argv);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return eseal_verify(c, argc, argv);
	return cli_usage("gxca eseal make|show|verify [options]");
}

/* ---- gxca esign ---------------------------------------------------------------- */

static int esign_make(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca esign make --key KEY [--password PW] --cert CERT --seal SEAL.esl "
			    "(--data FILE | --digest HEX) [--property-info TEXT] [--at T] --out SIG.dat";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " key password cert seal data digest property-info at out ", usage);
	if (ex)
		return ex;
	uint8_t digest[32];
	if (optind != argc || !o.key || !o.cert || !o.seal || !o.out || !o.data == !o.digest)
		return cli_usage("%s", usage);
	if (o.digest && !parse_digest(o.digest, digest))
		return cli_usage("--digest takes 64 hex digits (SM3)");
	gxca_key *key = NULL;
	gxca_eseal *s = NULL;
	gxca_esign *g = NULL;
	uint8_t *cert = NULL, *der = NULL;
	size_t cert_len = 0, der_len = 0, data_len = 0;
	char *data = NULL;
	ex = load_key(c, &o, &key);
	if (!ex)
		ex = cert_der(c, o.cert, &cert, &cert_len);
	if (!ex)
		ex = load_seal(c, o.seal, &s);
	if (!ex && o.data && !(data = cli_read_file(o.data, &data_len)))
		ex = CLI_USAGE;
	int rc = ex ? GXCA_OK : gxca_esign_new(&g, c->ctx);
	if (!ex && !rc)
		rc = gxca_esign_set_seal(g, s);
	if (!ex && !rc)
		rc = data ? gxca_esign_set_data(g, (const uint8_t *)data, data_len) : gxca_esign_set_digest(g, digest, 32);
	if (!ex && !rc && o.prop)
		rc = gxca_esign_set_property_info(g, o.prop);
	if (!ex && !rc && o.has_at)
		rc = gxca_esign_set_time(g, o.at);
	if (!ex && !rc)
		rc = gxca_esign_sign(g, key, cert, cert_len);
	if (!ex && !rc)
		rc = gxca_esign_to_der(g, &der, &der_len);
	if (!ex && rc)
		ex = cli_fail(c, rc);
	if (!ex && (ex = cli_write_file(o.out, der, der_len) ? CLI_USAGE : CLI_OK) == CLI_OK && strcmp(o.out, "-")) {
		if (c->json) {
			json_object *j = json_object_new_object();
			struct out out = {c, j, ""};
			put_str(&out, "out", o.out);
			put_int(&out, "bytes", (int64_t)der_len);
			size_t hl = 0;
			const uint8_t *h = gxca_esign_data_hash(g, &hl);
			put_hex(&out, "data_hash", h, hl);
			put_str(&out, "time_info", gxca_esign_time_text(g));
			print_obj(j);
			json_object_put(j);
		} else {
			printf("%s %s (%zu %s), %s %s\n", cli_tr(c, "已写入电子签章", "wrote signature"), o.out, der_len,
			       cli_tr(c, "字节", "bytes"), cli_tr(c, "签章时间", "signed at"), gxca_esign_time_text(g));
		}
	}
	gxca_free(der);
	free(data);
	gxca_free(cert);
	gxca_esign_free(g);
	gxca_eseal_free(s);
	gxca_key_free(key);
	return ex;
}

static int esign_show(struct cli *c, int argc, char **argv)
{
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " ", "gxca esign show FILE");
	if (ex)
		return ex;
	if (optind != argc - 1)
		return cli_usage("gxca esign show FILE");
	gxca_esign *g = NULL;
	if ((ex = load_sign(c, argv[optind], &g)))
		return ex;
	json_object *j = c->json ? json_object_new_object() : NULL;
	struct out out = {c, j, ""};
	show_sign(&out, g);
	if (j) {
		print_obj(j);
		json_object_put(j);
	}
	gxca_esign_free(g);
	return CLI_OK;
}

static int esign_verify(struct cli *c, int argc, char **argv)
{
	const char *usage = "gxca esign verify FILE [--data FILE | --digest HEX] [--ca ANCHOR] [--strict]";
	struct seal_opts o = {0};
	int ex = parse_opts(c, argc, argv, &o);
	if (!ex)
		ex = only(&o, " data digest ca strict ", usage);
	if (ex)
		return ex;
	uint8_t digest[32];
	if (optind != argc - 1 || (o.data && o.digest))
		return cli_usage("%s", usage);
	if (o.digest && !parse_digest(o.digest, digest))
		return cli_usage("--digest takes 64 hex digits (SM3)");
	gxca_eseal_verify_options vo = GXCA_ESEAL_VERIFY_OPTIONS_INIT;
	char *anchors = NULL, *data = NULL;
	size_t data_len = 0;
	if ((ex = read_anchors(&o, &vo, &anchors)))
		return ex;
	if (o.data && !(data = cli_read_file(o.data, &data_len))) {
		free(anchors);
		return CLI_USAGE;
	}
	if (data) {
		vo.data = (const uint8_t *)data;
		vo.data_len = data_len;
	} else if (o.digest) {
		vo.digest = digest;
		vo.digest_len = 32;
	}
	vo.flags = o.strict ? GXCA_ESEAL_VERIFY_STRICT : 0;
	gxca_esign *g = NULL;
	ex = load_sign(c, argv[optind], &g);
	if (!ex) {
		gxca_eseal_result *r = NULL;
		int rc = gxca_esign_verify(g, &vo, &r);
		ex = report_result(c, rc, r);
		gxca_eseal_result_free(r);
	}
	gxca_esign_free(g);
	free(data);
	free(anchors);
	return ex;
}

int cmd_esign(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "make") == 0)
		return esign_make(c, argc, argv);
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return esign_show(c, argc, argv);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return esign_verify(c, argc, argv);
	return cli_usage("gxca esign make|show|verify [options]");
}
