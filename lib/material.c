/*
 * lib/material.c — required materials (申领材料): checklists, checks, and the
 * mail package (邮寄申领, domain.md §2 and §4).
 *
 * The checklist is computed from the policy's material rules (in rule
 * order, which is the order of domain.md §4), so a loaded policy can change
 * what is required without a code change.
 */
#include "gxca-private.h"
#include "policy-private.h"
#include "zip-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(GXCA_MATFLAG_STAMPED == GXCA__MAT_STAMPED && GXCA_MATFLAG_SIGNED == GXCA__MAT_SIGNED &&
		       GXCA_MATFLAG_ORIGINAL == GXCA__MAT_ORIGINAL &&
		       GXCA_MATFLAG_PHYSICAL == GXCA__MAT_PHYSICAL,
	       "public material flags are the policy's");

#define ALL_CHANGES (GXCA_CHANGE_NAME | GXCA_CHANGE_LEGAL_REP | GXCA_CHANGE_SEAL_TEMPLATE)
#define MAX_APPLICANT_NAME 200 /* bytes; "<name>.zip" stays under NAME_MAX */
#define MAX_FILENAME 4096
#define MAX_EXT 16
#define MAX_SCANS 1000
#define MANIFEST_NAME "清单.txt"
#define CRLF "\r\n"

static const char *const material_names[] = {
	NULL, "LICENSE_COPY", "AGENT_ID_COPY", "FORM_ORG", "LOSS_STATEMENT", "TOKEN",
	"CHANGE_NOTICE", "APPLICANT_ID_COPY", "PROXY_ID_COPY", "FORM_PERSON"};

const char *gxca_material_name(int m)
{
	return m > 0 && (size_t)m < GXCA_ARRAY_LEN(material_names) ? material_names[m] : NULL;
}

int gxca_material_from_name(const char *name)
{
	for (size_t i = 1; name && i < GXCA_ARRAY_LEN(material_names); i++)
		if (strcasecmp(material_names[i], name) == 0)
			return (int)i;
	return 0;
}

/* ---- checklist ------------------------------------------------------------ */

struct gxca_checklist {
	gxca_ctx *ctx;              /* borrowed: errors of later calls go here */
	struct gxca_policy *policy; /* referenced: labels outlive a policy reload */
	int applicant, business;
	uint32_t change_flags;
	bool by_proxy;
	size_t n;
	int mat[GXCA__N_MATERIAL];
};

static int check_checklist_args(gxca_ctx *ctx, int applicant, int business, uint32_t change,
				int by_proxy)
{
	if (!gxca__applicant_ok(applicant))
		return gxca__fail(ctx, GXCA_EINVAL, "applicant", "申请人类型无效", "invalid applicant kind");
	if (!gxca__business_ok(business))
		return gxca__fail(ctx, GXCA_EINVAL, "business", "业务类型无效", "invalid business");
	if (by_proxy != 0 && by_proxy != 1)
		return gxca__fail(ctx, GXCA_EINVAL, "by_proxy", "by_proxy 须为 0 或 1",
				  "by_proxy must be 0 or 1");
	if (change & ~ALL_CHANGES)
		return gxca__fail(ctx, GXCA_EINVAL, "change_flags", "未知的变更类型",
				  "unknown change kind");
	if (change && business != GXCA_BIZ_CHANGE)
		return gxca__fail(ctx, GXCA_EINVAL, "change_flags", "只有变更业务才有变更类型",
				  "change kinds apply to the CHANGE business only");
	if (business == GXCA_BIZ_CHANGE && applicant == GXCA_APPLICANT_ORG && !change)
		return gxca__fail(ctx, GXCA_EINVAL, "change_flags", "单位变更业务须至少指明一种变更类型",
				  "an organisation's CHANGE needs at least one change kind");
	if (applicant == GXCA_APPLICANT_PERSON && (change & GXCA_CHANGE_LEGAL_REP))
		return gxca__fail(ctx, GXCA_EINVAL, "change_flags", "个人用户没有法人变更",
				  "a person has no legal representative to change");
	return GXCA_OK;
}

static bool rule_applies(const struct gxca__material_rule *r, const gxca_checklist *cl)
{
	if (r->applicant != cl->applicant || !(r->business_mask & (1u << (cl->business - 1))))
		return false;
	if (r->when_proxy && !cl->by_proxy)
		return false;
	/* e.g. CHANGE_NOTICE: not needed when the changes are all exempt ones. */
	return !(r->unless_only_changes && cl->change_flags &&
		 !(cl->change_flags & ~r->unless_only_changes));
}

static void checklist_fill(gxca_checklist *cl)
{
	const struct gxca__materials_policy *m = &cl->policy->materials;
	for (size_t i = 0; i < m->n_rule; i++) {
		if (!rule_applies(&m->rule[i], cl))
			continue;
		size_t k = 0;
		while (k < cl->n && cl->mat[k] != m->rule[i].material)
			k++;
		if (k == cl->n) /* a policy may name a material twice: keep the first */
			cl->mat[cl->n++] = m->rule[i].material;
	}
}

int gxca_checklist_new(gxca_checklist **out, gxca_ctx *ctx, int applicant, int business,
		       uint32_t change_flags, int by_proxy)
{
	if (!ctx)
		return GXCA_EINVAL;
	gxca__clear(ctx);
	if (!out)
		return gxca__fail(ctx, GXCA_EINVAL, "out", NULL, NULL);
	*out = NULL;
	int rc = check_checklist_args(ctx, applicant, business, change_flags, by_proxy);
	if (rc)
		return rc;
	gxca_checklist *cl = gxca__calloc(1, sizeof *cl);
	if (!cl)
		return gxca__oom(ctx);
	cl->ctx = ctx;
	cl->policy = ctx->policy;
	gxca__policy_ref(cl->policy);
	cl->applicant = applicant;
	cl->business = business;
	cl->change_flags = change_flags;
	cl->by_proxy = by_proxy;
	checklist_fill(cl);
	*out = cl;
	return GXCA_OK;
}

void gxca_checklist_free(gxca_checklist *cl)
{
	if (!cl)
		return;
	gxca__policy_unref(cl->policy);
	gxca__free(cl);
}

static gxca_checklist *checklist_dup(const gxca_checklist *cl)
{
	gxca_checklist *c = gxca__malloc(sizeof *c);
	if (c) {
		*c = *cl;
		gxca__policy_ref(c->policy);
	}
	return c;
}

size_t gxca_checklist_count(const gxca_checklist *cl) { return cl ? cl->n : 0; }

int gxca_checklist_material(const gxca_checklist *cl, size_t i)
{
	return cl && i < cl->n ? cl->mat[i] : 0;
}

static const struct gxca__material_item *item_of(const gxca_checklist *cl, int material)
{
	return &cl->policy->materials.item[material - 1];
}

const char *gxca_checklist_label(const gxca_checklist *cl, size_t i, int lang)
{
	if (!cl || i >= cl->n || (lang != GXCA_LANG_ZH && lang != GXCA_LANG_EN))
		return NULL;
	const struct gxca__material_item *it = item_of(cl, cl->mat[i]);
	return lang == GXCA_LANG_EN ? it->en : it->zh;
}

uint32_t gxca_checklist_flags(const gxca_checklist *cl, size_t i)
{
	return cl && i < cl->n ? item_of(cl, cl->mat[i])->flags : 0;
}

const char *gxca_checklist_warning(const gxca_checklist *cl, int lang)
{
	if (!cl || (lang != GXCA_LANG_ZH && lang != GXCA_LANG_EN))
		return NULL;
	const struct gxca__materials_policy *m = &cl->policy->materials;
	if (!(m->rebid_business_mask & (1u << (cl->business - 1))))
		return NULL;
	return lang == GXCA_LANG_EN ? m->rebid_en : m->rebid_zh;
}

/* 1-based position of material in the checklist, 0 when absent. */
static size_t checklist_pos(const gxca_checklist *cl, int material)
{
	for (size_t i = 0; i < cl->n; i++)
		if (cl->mat[i] == material)
			return i + 1;
	return 0;
}

/*
 * Append s to the NUL-terminated dst (capacity cap) after sep, whole or not
 * at all (an error text must stay valid UTF-8); "…" marks what was dropped.
 */
static void join(char *dst, size_t cap, const char *sep, const char *s)
{
	size_t used = strlen(dst), ell = strlen("…");
	const char *sp = used ? sep : "";
	if (used >= ell && strcmp(dst + used - ell, "…") == 0)
		return;
	if (used + strlen(sp) + strlen(s) + ell < cap)
		snprintf(dst + used, cap - used, "%s%s", sp, s);
	else if (used + ell < cap)
		snprintf(dst + used, cap - used, "…");
}

/* snprintf may cut a multibyte character at the end: drop what is left of it. */
static void utf8_trim(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char c = (unsigned char)s[i - 1];
	size_t want = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}

/*
 * zh = zp + z, en = ep + e. gxca__failf() and gxca__report_addf() give both
 * formats the same arguments, so a message quoting a Chinese label in one
 * language and an English one in the other is composed here.
 */
struct msg2 {
	char zh[512], en[512];
};

static const struct msg2 *msg2(struct msg2 *m, const char *zp, const char *z, const char *ep,
			       const char *e)
{
	snprintf(m->zh, sizeof m->zh, "%s%s", zp, z);
	snprintf(m->en, sizeof m->en, "%s%s", ep, e);
	utf8_trim(m->zh);
	utf8_trim(m->en);
	return m;
}

/* Report one submitted id; seen[] marks materials already counted. */
static int check_submitted(const gxca_checklist *cl, gxca_report *r, const int *sub, size_t i,
			   bool *seen, size_t *unknown)
{
	const char *name = gxca_material_name(sub[i]);
	if (!name) {
		char field[48];
		snprintf(field, sizeof field, "submitted[%zu]", i);
		++*unknown;
		return gxca__report_addf(r, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_UNKNOWN,
					 "material.unknown", field, "第 %zu 项不是有效的材料编号（%d）",
					 "item %zu is not a material id (%d)", i, sub[i], i, sub[i]);
	}
	const struct gxca__material_item *it = item_of(cl, sub[i]);
	struct msg2 m;
	if (seen[sub[i]]) {
		msg2(&m, "重复提交：", it->zh, "submitted more than once: ", it->en);
		return gxca__report_add(r, GXCA_SEVERITY_WARNING, GXCA_OK, "material.duplicate",
					name, m.zh, m.en);
	}
	seen[sub[i]] = true;
	if (checklist_pos(cl, sub[i]))
		return GXCA_OK;
	msg2(&m, "本业务不需要：", it->zh, "not needed for this business: ", it->en);
	return gxca__report_add(r, GXCA_SEVERITY_WARNING, GXCA_OK, "material.not_needed", name,
				m.zh, m.en);
}

static int check_fill(const gxca_checklist *cl, gxca_report *r, const int *sub, size_t n,
		      char *missing, size_t cap, size_t *n_missing, size_t *n_unknown)
{
	bool seen[GXCA__N_MATERIAL + 1] = {false};
	int rc = GXCA_OK;
	for (size_t i = 0; !rc && i < n; i++)
		rc = check_submitted(cl, r, sub, i, seen, n_unknown);
	for (size_t k = 0; !rc && k < cl->n; k++) {
		if (seen[cl->mat[k]])
			continue;
		const struct gxca__material_item *it = item_of(cl, cl->mat[k]);
		const char *name = gxca_material_name(cl->mat[k]);
		struct msg2 m;
		msg2(&m, "缺少材料：", it->zh, "missing material: ", it->en);
		rc = gxca__report_add(r, GXCA_SEVERITY_ERROR, GXCA_EMATERIAL_MISSING,
				      "material.missing", name, m.zh, m.en);
		join(missing, cap, ",", name);
		++*n_missing;
	}
	return rc;
}

int gxca_checklist_check(const gxca_checklist *cl, const int *submitted, size_t n,
			 gxca_report **report)
{
	if (!cl)
		return GXCA_EINVAL;
	gxca_ctx *ctx = cl->ctx;
	gxca__clear(ctx);
	if (!report)
		return gxca__fail(ctx, GXCA_EINVAL, "report", NULL, NULL);
	*report = NULL;
	if (!submitted && n)
		return gxca__fail(ctx, GXCA_EINVAL, "submitted", "submitted 为空指针但 n 不为 0",
				  "submitted is NULL but n is not 0");
	gxca_report *r = NULL;
	char missing[128] = "";
	size_t n_missing = 0, n_unknown = 0;
	if (gxca__report_new(&r) ||
	    check_fill(cl, r, submitted, n, missing, sizeof missing, &n_missing, &n_unknown)) {
		gxca_report_free(r);
		return gxca__oom(ctx);
	}
	*report = r;
	if (n_missing)
		return gxca__failf(ctx, GXCA_EMATERIAL_MISSING, missing, "缺少 %zu 项必需材料",
				   "%zu required materials missing", n_missing, n_missing);
	if (n_unknown)
		return gxca__failf(ctx, GXCA_EMATERIAL_UNKNOWN, "submitted",
				   "%zu 项不是有效的材料编号", "%zu items are not material ids",
				   n_unknown, n_unknown);
	return GXCA_OK;
}

/* ---- mail package --------------------------------------------------------- */

struct scan {
	int material;
	size_t pos;   /* 1-based position of the material in the checklist */
	unsigned seq; /* 1 for the first scan of the material, 2 for the next… */
	struct gxca__zip_entry z;
};

struct gxca_mail_package {
	gxca_checklist *cl; /* own copy */
	char *applicant;    /* as given, controls replaced, for the manifest */
	char *filename;     /* "<sanitized applicant>.zip" */
	struct scan *scan;  /* sorted by (pos, seq): the archive order */
	size_t n, cap;
};

static bool is_control(const unsigned char *p, size_t *len)
{
	*len = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? 2 : 1; /* C1 controls */
	return *len == 2 || p[0] < 0x20 || p[0] == 0x7f;
}

/*
 * A copy of valid UTF-8 s with control characters replaced by '_'; for a
 * file name also / \ : * ? " < > | (illegal on Windows or Unix), and
 * leading/trailing dots and spaces dropped (hidden files, Windows trims
 * them). Other characters, Chinese included, are kept. NULL when out of memory.
 */
static char *sanitize(const char *s, bool file_name)
{
	char *d = gxca__malloc(strlen(s) + 1), *o = d;
	if (!d)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t len;
		bool bad = is_control(p, &len) || (file_name && strchr("/\\:*?\"<>|", *p));
		if (bad) {
			*o++ = '_';
		} else {
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	*o = '\0';
	if (file_name) {
		size_t lead = strspn(d, " ."), n = (size_t)(o - d);
		while (n > lead && (d[n - 1] == ' ' || d[n - 1] == '.'))
			n--;
		memmove(d, d + lead, n - lead);
		d[n - lead] = '\0';
	}
	return d;
}

void gxca_mail_package_free(gxca_mail_package *pkg)
{
	if (!pkg)
		return;
	for (size_t i = 0; i < pkg->n; i++)
		gxca__zip_entry_clear(&pkg->scan[i].z);
	gxca__free(pkg->scan);
	gxca__free(pkg->applicant);
	gxca__free(pkg->filename);
	gxca_checklist_free(pkg->cl);
	gxca__free(pkg);
}

static int package_names(gxca_ctx *ctx, gxca_mail_package *pkg, const char *applicant_name)
{
	char *safe = sanitize(applicant_name, true);
	gxca__buf b = {0};
	pkg->applicant = sanitize(applicant_name, false);
	if (safe)
		gxca__buf_printf(&b, "%s.zip", safe);
	pkg->filename = gxca__buf_steal(&b);
	int rc = GXCA_OK;
	if (!safe || !pkg->applicant || !pkg->filename)
		rc = gxca__oom(ctx);
	else if (!*safe)
		rc = gxca__fail(ctx, GXCA_EINVAL, "applicant_name", "申请人名称中没有可用作文件名的字符",
				"the applicant name has no character usable in a file name");
	gxca__free(safe);
	return rc;
}

int gxca_mail_package_new(gxca_mail_package **out, const gxca_checklist *cl,
			  const char *applicant_name)
{
	gxca_ctx *ctx = cl ? cl->ctx : NULL;
	gxca__clear(ctx);
	if (out)
		*out = NULL;
	if (!out || !cl)
		return gxca__fail(ctx, GXCA_EINVAL, out ? "checklist" : "out", NULL, NULL);
	int rc = gxca__check_str(ctx, "applicant_name", applicant_name, MAX_APPLICANT_NAME);
	if (rc)
		return rc;
	if (!(cl->policy->channel_business_mask[0] & (1u << (cl->business - 1))))
		return gxca__failf(ctx, GXCA_EUNSUPPORTED, "business", "%s 业务不能邮寄申领",
				   "%s cannot be applied for by mail", gxca_business_name(cl->business),
				   gxca_business_name(cl->business));
	gxca_mail_package *pkg = gxca__calloc(1, sizeof *pkg);
	if (!pkg)
		return gxca__oom(ctx);
	pkg->cl = checklist_dup(cl);
	rc = pkg->cl ? package_names(ctx, pkg, applicant_name) : gxca__oom(ctx);
	if (rc) {
		gxca_mail_package_free(pkg);
		return rc;
	}
	*out = pkg;
	return GXCA_OK;
}

const char *gxca_mail_package_filename(const gxca_mail_package *pkg)
{
	return pkg ? pkg->filename : NULL;
}

/* ".pdf" from "D:\\扫描\\licence.pdf": ASCII letters and digits only; "" when none. */
static void scan_ext(const char *filename, char *ext, size_t cap)
{
	const char *base = filename;
	for (const char *p = filename; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	const char *dot = strrchr(base, '.');
	ext[0] = '\0';
	if (!dot || dot == base || !dot[1] || strlen(dot + 1) > MAX_EXT)
		return;
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
			return;
	snprintf(ext, cap, "%s", dot);
}

/* "01-单位营业执照副本复印件.pdf", "-2" before the extension for a further scan. */
static char *member_name(const gxca_mail_package *pkg, size_t pos, unsigned seq,
			 const char *filename)
{
	char ext[MAX_EXT + 2], suffix[16] = "";
	scan_ext(filename, ext, sizeof ext);
	if (seq > 1)
		snprintf(suffix, sizeof suffix, "-%u", seq);
	char *label = sanitize(item_of(pkg->cl, pkg->cl->mat[pos - 1])->zh, true);
	gxca__buf b = {0};
	if (label)
		gxca__buf_printf(&b, "%02zu-%s%s%s", pos, label, suffix, ext);
	gxca__free(label);
	return gxca__buf_steal(&b);
}

static int scan_args(const gxca_mail_package *pkg, int material, const char *filename,
		     const uint8_t *data, size_t len, size_t *pos)
{
	gxca_ctx *ctx = pkg->cl->ctx;
	int rc = gxca__check_str(ctx, "filename", filename, MAX_FILENAME);
	if (rc)
		return rc;
	if (!data || !len)
		return gxca__fail(ctx, GXCA_EINVAL, "data", "扫描件为空", "the scan is empty");
	const char *name = gxca_material_name(material);
	if (!name)
		return gxca__failf(ctx, GXCA_EMATERIAL_UNKNOWN, "material", "%d 不是有效的材料编号",
				   "%d is not a material id", material, material);
	const struct gxca__material_item *it = item_of(pkg->cl, material);
	struct msg2 m;
	if (!(*pos = checklist_pos(pkg->cl, material)))
		return gxca__fail(ctx, GXCA_EINVAL, "material",
				  msg2(&m, "本业务不需要：", it->zh, "not needed for this business: ",
				       it->en)->zh,
				  m.en);
	if (it->flags & GXCA__MAT_PHYSICAL)
		return gxca__fail(ctx, GXCA_EMATERIAL_PHYSICAL, "material",
				  msg2(&m, "实物无法扫描，请随件寄送：", it->zh,
				       "a physical item cannot be scanned; send it with the package: ",
				       it->en)->zh,
				  m.en);
	if (pkg->n >= MAX_SCANS)
		return gxca__fail(ctx, GXCA_ETOOBIG, "material", "扫描件过多", "too many scans");
	if (len > GXCA__ZIP_MAX_SIZE)
		return gxca__fail(ctx, GXCA_ETOOBIG, "data", "扫描件达到 4 GiB",
				  "a scan of 4 GiB or more cannot be packed (no ZIP64)");
	return GXCA_OK;
}

int gxca_mail_package_add_scan(gxca_mail_package *pkg, int material, const char *filename,
			       const uint8_t *data, size_t len)
{
	if (!pkg)
		return GXCA_EINVAL;
	gxca_ctx *ctx = pkg->cl->ctx;
	gxca__clear(ctx);
	size_t pos = 0;
	int rc = scan_args(pkg, material, filename, data, len, &pos);
	if (rc)
		return rc;
	if (pkg->n == pkg->cap) {
		size_t cap = pkg->cap ? pkg->cap * 2 : 8;
		struct scan *s = gxca__realloc(pkg->scan, cap * sizeof *s);
		if (!s)
			return gxca__oom(ctx);
		pkg->scan = s;
		pkg->cap = cap;
	}
	struct scan sc = {.material = material, .pos = pos, .seq = 1};
	size_t at = 0;
	for (; at < pkg->n && pkg->scan[at].pos <= pos; at++)
		sc.seq += pkg->scan[at].pos == pos;
	char *name = member_name(pkg, pos, sc.seq, filename);
	rc = name ? gxca__zip_entry_init(ctx, &sc.z, name, data, len) : gxca__oom(ctx);
	gxca__free(name);
	if (rc)
		return rc;
	memmove(&pkg->scan[at + 1], &pkg->scan[at], (pkg->n - at) * sizeof *pkg->scan);
	pkg->scan[at] = sc;
	pkg->n++;
	return GXCA_OK;
}

/* GXCA_EMATERIAL_MISSING naming every required material without a scan. */
static int check_scans(const gxca_mail_package *pkg)
{
	const gxca_checklist *cl = pkg->cl;
	char names[128] = "", zh[400] = "", en[400] = "";
	for (size_t k = 0, s = 0; k < cl->n; k++) {
		while (s < pkg->n && pkg->scan[s].pos < k + 1)
			s++;
		const struct gxca__material_item *it = item_of(cl, cl->mat[k]);
		if ((it->flags & GXCA__MAT_PHYSICAL) || (s < pkg->n && pkg->scan[s].pos == k + 1))
			continue;
		join(names, sizeof names, ",", gxca_material_name(cl->mat[k]));
		join(zh, sizeof zh, "、", it->zh);
		join(en, sizeof en, "; ", it->en);
	}
	if (!names[0])
		return GXCA_OK;
	struct msg2 m;
	msg2(&m, "缺少以下材料的扫描件：", zh, "no scan of: ", en);
	return gxca__fail(cl->ctx, GXCA_EMATERIAL_MISSING, names, m.zh, m.en);
}

static const char *const applicant_zh[] = {"", "单位用户", "个人用户"};
static const char *const applicant_en[] = {"", "organisation", "person"};
static const char *const business_zh[] = {"", "新办", "补办", "延期/年审", "变更", "解锁"};
static const char *const change_zh[] = {"单位名称变更", "法人变更", "章模变更"};
static const char *const change_en[] = {"NAME", "LEGAL_REP", "SEAL_TEMPLATE"};

/* "（加盖公章 / stamped）" and the like for an item's flags. */
static void manifest_flags(gxca__buf *b, unsigned flags)
{
	static const struct {
		unsigned flag;
		const char *zh, *en;
	} f[] = {{GXCA__MAT_STAMPED, "加盖公章", "stamped"},
		 {GXCA__MAT_SIGNED, "本人签字", "signed by the applicant"},
		 {GXCA__MAT_ORIGINAL, "原件及复印件", "original and copy"}};
	gxca__buf zh = {0}, en = {0};
	for (size_t i = 0; i < GXCA_ARRAY_LEN(f); i++) {
		if (!(flags & f[i].flag))
			continue;
		gxca__buf_printf(&zh, "%s%s", zh.len ? "、" : "", f[i].zh);
		gxca__buf_printf(&en, "%s%s", en.len ? ", " : "", f[i].en);
	}
	if (zh.failed || en.failed)
		b->failed = true;
	else if (zh.len)
		gxca__buf_printf(b, "（%s / %s）", zh.data, en.data);
	gxca__buf_free(&zh);
	gxca__buf_free(&en);
}

static void manifest_header(gxca__buf *b, const gxca_mail_package *pkg)
{
	const gxca_checklist *cl = pkg->cl;
	gxca__buf_printf(b, "\xef\xbb\xbf%s数字证书邮寄申领材料清单 / "
			    "digital certificate application by mail: list of materials" CRLF CRLF,
			 cl->policy->ca_short_name);
	gxca__buf_printf(b, "申请人 / Applicant: %s（%s / %s）" CRLF, pkg->applicant,
			 applicant_zh[cl->applicant], applicant_en[cl->applicant]);
	gxca__buf_printf(b, "业务 / Business: %s / %s" CRLF, business_zh[cl->business],
			 gxca_business_name(cl->business));
	if (cl->change_flags) {
		char zh[128] = "", en[128] = "";
		for (size_t i = 0; i < GXCA_ARRAY_LEN(change_zh); i++) {
			if (cl->change_flags & (1u << i)) {
				join(zh, sizeof zh, "、", change_zh[i]);
				join(en, sizeof en, ", ", change_en[i]);
			}
		}
		gxca__buf_printf(b, "变更事项 / Changes: %s / %s" CRLF, zh, en);
	}
	if (cl->applicant == GXCA_APPLICANT_PERSON)
		gxca__buf_printf(b, "代办 / By proxy: %s" CRLF, cl->by_proxy ? "是 / yes" : "否 / no");
}

static void manifest_items(gxca__buf *b, const gxca_mail_package *pkg)
{
	const gxca_checklist *cl = pkg->cl;
	gxca__buf_puts(b, CRLF "材料 / Materials:" CRLF);
	for (size_t k = 0; k < cl->n; k++) {
		const struct gxca__material_item *it = item_of(cl, cl->mat[k]);
		gxca__buf_printf(b, "%zu. %s / %s", k + 1, it->zh, it->en);
		manifest_flags(b, it->flags);
		gxca__buf_puts(b, CRLF);
		if (it->flags & GXCA__MAT_PHYSICAL)
			gxca__buf_puts(b, "   随件寄送 / to be sent with the package" CRLF);
		for (size_t s = 0; s < pkg->n; s++)
			if (pkg->scan[s].pos == k + 1)
				gxca__buf_printf(b, "   文件 / file: %s" CRLF, pkg->scan[s].z.name);
	}
}

static char *manifest_text(const gxca_mail_package *pkg, int64_t t)
{
	const struct gxca_policy *p = pkg->cl->policy;
	gxca__buf b = {0};
	manifest_header(&b, pkg);
	manifest_items(&b, pkg);
	const char *wzh = gxca_checklist_warning(pkg->cl, GXCA_LANG_ZH);
	if (wzh)
		gxca__buf_printf(&b, CRLF "注意 / Note: %s" CRLF "%s" CRLF, wzh,
				 gxca_checklist_warning(pkg->cl, GXCA_LANG_EN));
	gxca__buf_printf(&b, CRLF "请将本压缩包发送至 / Send this archive to: %s" CRLF, p->mailbox);
	gxca__buf_printf(&b, "办理时限 / Turnaround: 收到材料后 %d 个工作日内办结 / "
			     "done within %d working days of receipt" CRLF,
			 p->mail_working_days, p->mail_working_days);
	gxca__buf_puts(&b, "CA锁以快递寄回，运费到付 / the token is returned by courier, "
			   "paid on delivery" CRLF);
	gxca__buf_printf(&b, "咨询电话 / Hotline: %s" CRLF, p->hotline);
	int64_t local = t + GXCA_TZ_OFFSET_SECONDS, sec = local % 86400;
	int y, m, d;
	gxca__civil_from_days(local / 86400, &y, &m, &d); /* t >= 1980 was checked */
	gxca__buf_printf(&b, "生成时间 / Generated: %04d-%02d-%02d %02d:%02d（北京时间 / UTC+8）" CRLF,
			 y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60));
	return gxca__buf_steal(&b);
}

static int build_zip(const gxca_mail_package *pkg, int64_t t, uint8_t **zip, size_t *zip_len)
{
	gxca_ctx *ctx = pkg->cl->ctx;
	struct gxca__zip_entry manifest = {0};
	const struct gxca__zip_entry **e = gxca__calloc(pkg->n + 1, sizeof *e);
	char *text = manifest_text(pkg, t);
	int rc = e && text ? gxca__zip_entry_init(ctx, &manifest, MANIFEST_NAME,
						  (const uint8_t *)text, strlen(text))
			   : gxca__oom(ctx);
	if (!rc) {
		e[0] = &manifest;
		for (size_t i = 0; i < pkg->n; i++)
			e[i + 1] = &pkg->scan[i].z;
		rc = gxca__zip_write(ctx, e, pkg->n + 1, t, zip, zip_len);
	}
	gxca__zip_entry_clear(&manifest);
	gxca__free(text);
	gxca__free(e);
	return rc;
}

int gxca_mail_package_build(const gxca_mail_package *pkg, int64_t unix_time, uint8_t **zip,
			    size_t *zip_len)
{
	if (!pkg)
		return GXCA_EINVAL;
	gxca_ctx *ctx = pkg->cl->ctx;
	gxca__clear(ctx);
	if (!zip || !zip_len)
		return gxca__fail(ctx, GXCA_EINVAL, zip ? "zip_len" : "zip", NULL, NULL);
	*zip = NULL;
	*zip_len = 0;
	uint16_t dd, dt;
	if (gxca__zip_dos_time(unix_time, &dd, &dt))
		return gxca__fail(ctx, GXCA_ERANGE, "unix_time", "时间须在 1980 至 2107 年之间",
				  "the time must fall between 1980 and 2107");
	int rc = check_scans(pkg);
	return rc ? rc : build_zip(pkg, unix_time, zip, zip_len);
}

static int io_fail(gxca_ctx *ctx, const char *zh, const char *en, const char *path, int err)
{
	char z[512], e[512];
	snprintf(z, sizeof z, "%s %s：%s", zh, path, strerror(err));
	snprintf(e, sizeof e, "%s %s: %s", en, path, strerror(err));
	utf8_trim(z);
	utf8_trim(e);
	return gxca__fail(ctx, GXCA_EIO, "dir", z, e);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Write through a temporary file in the same directory, then rename: atomic. */
static int write_atomic(gxca_ctx *ctx, const char *path, const uint8_t *data, size_t len)
{
	gxca__buf b = {0};
	gxca__buf_printf(&b, "%s.XXXXXX", path);
	char *tmp = gxca__buf_steal(&b);
	if (!tmp)
		return gxca__oom(ctx);
	int fd = mkstemp(tmp), err = 0;
	if (fd < 0) {
		err = errno;
		gxca__free(tmp);
		return io_fail(ctx, "无法创建临时文件", "cannot create a temporary file for", path, err);
	}
	if (fchmod(fd, 0644) || (err = write_all(fd, data, len)) || fsync(fd))
		err = err ? err : errno;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	gxca__free(tmp);
	return err ? io_fail(ctx, "无法写入", "cannot write", path, err) : GXCA_OK;
}

int gxca_mail_package_write(const gxca_mail_package *pkg, int64_t unix_time, const char *dir,
			    char **path_out)
{
	if (!pkg)
		return GXCA_EINVAL;
	gxca_ctx *ctx = pkg->cl->ctx;
	gxca__clear(ctx);
	if (path_out)
		*path_out = NULL;
	int rc = gxca__check_str(ctx, "dir", dir, MAX_FILENAME);
	if (rc)
		return rc;
	if (!*dir)
		return gxca__fail(ctx, GXCA_EINVAL, "dir", "目录名为空", "the directory name is empty");
	uint8_t *zip = NULL;
	size_t len = 0;
	if ((rc = gxca_mail_package_build(pkg, unix_time, &zip, &len)))
		return rc;
	gxca__buf b = {0};
	gxca__buf_printf(&b, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", pkg->filename);
	char *path = gxca__buf_steal(&b);
	rc = path ? write_atomic(ctx, path, zip, len) : gxca__oom(ctx);
	gxca__free(zip);
	if (!rc && path_out)
		*path_out = path;
	else
		gxca__free(path);
	return rc;
}
