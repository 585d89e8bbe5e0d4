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

GXCA_END_DECLS

#endif /* GXCA_MATERIAL_H */
