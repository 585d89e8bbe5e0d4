/*
 * libgxca — required materials (申领材料), checks and the mail package.
 */
#ifndef GXCA_MATERIAL_H
#define GXCA_MATERIAL_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/report.h>

GXCA_BEGIN_DECLS

/** Material ids (domain.md §4); stable API values. */
typedef enum {
	GXCA_MAT_LICENSE_COPY = 1,      /**< 营业执照副本复印件 (stamped) */
	GXCA_MAT_AGENT_ID_COPY = 2,     /**< 授权申领人身份证复印件 (stamped) */
	GXCA_MAT_FORM_ORG = 3,          /**< 附件1 申请表 (stamped) */
	GXCA_MAT_LOSS_STATEMENT = 4,    /**< 丢失说明 (stamped) */
	GXCA_MAT_TOKEN = 5,             /**< the token itself (physical) */
	GXCA_MAT_CHANGE_NOTICE = 6,     /**< 工商变更通知书, original and copy */
	GXCA_MAT_APPLICANT_ID_COPY = 7, /**< 申请人身份证复印件 */
	GXCA_MAT_PROXY_ID_COPY = 8,     /**< 代办人身份证复印件 */
	GXCA_MAT_FORM_PERSON = 9        /**< 附件2 申请表 (signed) */
} gxca_material;

/** Stable name of a material id ("LICENSE_COPY"); NULL if unknown. */
GXCA_API const char *gxca_material_name(int material);
/** Parse a material name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_material_from_name(const char *name);

/** Flags of a checklist item (gxca_checklist_flags()). */
#define GXCA_MATFLAG_STAMPED  0x1u /**< copy bearing the organisation's official seal (加盖公章) */
#define GXCA_MATFLAG_SIGNED   0x2u /**< signed by the applicant in person (本人签字) */
#define GXCA_MATFLAG_ORIGINAL 0x4u /**< the original is required as well as a copy (原件) */
#define GXCA_MATFLAG_PHYSICAL 0x8u /**< a thing, not a paper: cannot be scanned (the token) */

/* ---- checklist ---------------------------------------------------------- */

/** The materials one applicant needs for one business; immutable once made. */
typedef struct gxca_checklist gxca_checklist;

/**
 * Make the checklist of domain.md §4 from the policy in force in ctx.
 *
 * applicant: GXCA_APPLICANT_*; business: GXCA_BIZ_*.
 * change_flags: GXCA_CHANGE_* OR-ed; only for GXCA_BIZ_CHANGE, 0 otherwise.
 *   ORG CHANGE needs at least one change kind (CHANGE_NOTICE is dropped
 *   when SEAL_TEMPLATE is the only one). PERSON CHANGE: 0 is allowed, NAME
 *   and SEAL_TEMPLATE are accepted and change nothing in the list,
 *   LEGAL_REP is refused (a person has no legal representative).
 * by_proxy: 0 or 1; 1 when someone applies on a PERSON's behalf (adds
 *   PROXY_ID_COPY). An ORG always applies through an authorised agent, so
 *   by_proxy changes nothing for an ORG.
 *
 * The checklist keeps ctx (for the errors of later calls; it must outlive
 * the checklist) and a reference to the policy (a later
 * gxca_ctx_load_policy() does not change it). Caller frees with
 * gxca_checklist_free().
 * Returns GXCA_OK, GXCA_EINVAL (NULL out or ctx, a bad enum, flags or
 * by_proxy, missing change kind) or GXCA_ENOMEM; *out is NULL on failure.
 * @since 1.0
 */
GXCA_API int gxca_checklist_new(gxca_checklist **out, gxca_ctx *ctx, int applicant,
				int business, uint32_t change_flags,
				int by_proxy) GXCA_WARN_UNUSED;

/** Free a checklist; NULL is a no-op. */
GXCA_API void gxca_checklist_free(gxca_checklist *cl);

/** Number of items; 0 for NULL. */
GXCA_API size_t gxca_checklist_count(const gxca_checklist *cl);
/** Material id (gxca_material) of item i, in the order of domain.md §4; 0 when out of range. */
GXCA_API int gxca_checklist_material(const gxca_checklist *cl, size_t i);
/** Label of item i in a language (GXCA_LANG_ZH/EN), borrowed from the checklist; NULL when out of range. */
GXCA_API const char *gxca_checklist_label(const gxca_checklist *cl, size_t i, int lang);
/** GXCA_MATFLAG_* of item i; 0 when out of range. */
GXCA_API uint32_t gxca_checklist_flags(const gxca_checklist *cl, size_t i);
/**
 * The warning to show the applicant for this business: the re-bid warning
 * (正在进行招投标的用户…) for RENEW, REISSUE and CHANGE under the default
 * policy; NULL when there is none or for a bad argument. Borrowed.
 */
GXCA_API const char *gxca_checklist_warning(const gxca_checklist *cl, int lang);

/**
 * Check the materials handed in (submitted: n material ids, may be NULL when
 * n is 0) against the checklist. *report (caller frees with
 * gxca_report_free()) lists every problem:
 *   error "material.missing" (GXCA_EMATERIAL_MISSING, field = material name)
 *     for each required material not submitted;
 *   error "material.unknown" (GXCA_EMATERIAL_UNKNOWN, field "submitted[i]")
 *     for an id that is no material;
 *   warning "material.not_needed" (field = material name) for a material
 *     this business does not need;
 *   warning "material.duplicate" (field = material name) for a repeat.
 * Returns GXCA_OK (all required present; warnings may remain),
 * GXCA_EMATERIAL_MISSING (some missing; takes precedence),
 * GXCA_EMATERIAL_UNKNOWN (none missing but unknown ids), with *report set in
 * those three cases; or GXCA_EINVAL / GXCA_ENOMEM with *report NULL.
 * Errors are recorded on the checklist's ctx.
 */
GXCA_API int gxca_checklist_check(const gxca_checklist *cl, const int *submitted, size_t n,
				  gxca_report **report) GXCA_WARN_UNUSED;

/* ---- mail package (邮寄申领) -------------------------------------------- */

/**
 * One archive to email for a MAIL application: the scans of the checklist's
 * materials plus a manifest "清单.txt" (UTF-8 with BOM, CRLF lines, Chinese
 * and English): applicant, business, each material with its file (the
 * token "随件寄送 / to be sent with the package"), the re-bid warning, the
 * service mailbox, the turnaround in working days and the hotline.
 */
typedef struct gxca_mail_package gxca_mail_package;

/**
 * Start a package for the checklist (copied: cl may be freed afterwards;
 * its ctx must outlive the package). applicant_name: 单位名称 or 姓名,
 * UTF-8, at most 200 bytes; the archive is named "<applicant_name>.zip"
 * with / \ : * ? " < > | and control characters replaced by '_' and
 * leading/trailing dots and spaces dropped (Chinese is kept).
 * Returns GXCA_OK, GXCA_EINVAL (NULL argument, empty or unusable name),
 * GXCA_EENCODING, GXCA_ETOOBIG or GXCA_ENOMEM. Free with
 * gxca_mail_package_free().
 */
GXCA_API int gxca_mail_package_new(gxca_mail_package **out, const gxca_checklist *cl,
				   const char *applicant_name) GXCA_WARN_UNUSED;

/** Free a package; NULL is a no-op. */
GXCA_API void gxca_mail_package_free(gxca_mail_package *pkg);

/**
 * Add the scan of a material (bytes copied and compressed now). filename
 * only gives the extension kept in the archive; the member is named
 * "NN-<中文材料名>.<ext>", NN being the material's position in the
 * checklist (01, 02, …). Several scans of one material (both sides of an
 * identity card) are kept as "NN-<名>-2.<ext>", "-3", ….
 * Returns GXCA_OK; GXCA_EINVAL (NULL argument, empty data, a material not
 * on the checklist), GXCA_EMATERIAL_UNKNOWN (not a material id),
 * GXCA_EMATERIAL_PHYSICAL (the token cannot be scanned), GXCA_EENCODING,
 * GXCA_ETOOBIG (4 GiB or more) or GXCA_ENOMEM.
 */
GXCA_API int gxca_mail_package_add_scan(gxca_mail_package *pkg, int material,
					const char *filename, const uint8_t *data,
					size_t len) GXCA_WARN_UNUSED;

/** The archive's file name "<applicant>.zip" (sanitized); borrowed; NULL for NULL. */
GXCA_API const char *gxca_mail_package_filename(const gxca_mail_package *pkg);

/**
 * Build the ZIP archive (manifest first, then the scans in checklist
 * order; deflated unless that would not shrink a file; UTF-8 names), every
 * member dated unix_time (Asia/Shanghai). *zip (caller frees with
 * gxca_free()) and *zip_len.
 * Returns GXCA_OK; GXCA_EMATERIAL_MISSING when a required material other
 * than the token has no scan (the error names every one: field = names
 * joined by ',', message = labels); GXCA_ERANGE (time before 1980 or after
 * 2107); GXCA_ETOOBIG (the archive would reach 4 GiB); GXCA_EINVAL;
 * GXCA_ENOMEM.
 */
GXCA_API int gxca_mail_package_build(const gxca_mail_package *pkg, int64_t unix_time,
				     uint8_t **zip, size_t *zip_len) GXCA_WARN_UNUSED;

/**
 * Build as above and write <dir>/<filename> (mode 0644): written to a
 * temporary file in dir, flushed, then renamed over any existing file, so a
 * reader never sees a partial archive. path_out (may be NULL): the path
 * written, caller frees with gxca_free().
 * Returns what gxca_mail_package_build() returns, or GXCA_EIO (detail: the
 * system error).
 */
GXCA_API int gxca_mail_package_write(const gxca_mail_package *pkg, int64_t unix_time,
				     const char *dir, char **path_out) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_MATERIAL_H */
