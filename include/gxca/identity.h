/*
 * libgxca — identity numbers: the unified social credit code (统一社会信用代码,
 * GB 32100-2015) and the resident identity card number (居民身份证号码,
 * GB 11643-1999).
 */
#ifndef GXCA_IDENTITY_H
#define GXCA_IDENTITY_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/report.h>

GXCA_BEGIN_DECLS

/**
 * Check a unified social credit code.
 *
 * Errors (the call returns GXCA_EUSCC): length other than 18, a character
 * outside 0-9 A-Z without I O S V Z, a region code (characters 3-8) that is
 * not six digits of a known province-level region, a wrong check character
 * (character 18). Warnings (the call still returns GXCA_OK): a wrong check
 * character of the embedded GB 11714 organisation code (characters 9-17), a
 * registration-authority / category pair (characters 1-2) outside the
 * published lists — real codes exist outside both.
 *
 * report: if not NULL, receives every problem found (caller frees with
 * gxca_report_free()), also when the code is valid (warnings, or empty).
 * Returns GXCA_OK, GXCA_EUSCC, GXCA_EINVAL (NULL ctx or code) or GXCA_ENOMEM.
 */
GXCA_API int gxca_identity_check_uscc(gxca_ctx *ctx, const char *code,
				      gxca_report **report) GXCA_WARN_UNUSED;

/**
 * Check an 18-character resident identity card number: the six-digit
 * address code of a known province, a real birth date (YYYYMMDD) not after
 * today (Asia/Shanghai), the ISO 7064 MOD 11-2 check character ('X' upper
 * or lower case). A 15-digit legacy number returns GXCA_EIDNUM_LEGACY.
 * Returns GXCA_OK, GXCA_EIDNUM, GXCA_EIDNUM_LEGACY, GXCA_EINVAL or GXCA_ENOMEM;
 * report as for gxca_identity_check_uscc().
 */
GXCA_API int gxca_identity_check_id_number(gxca_ctx *ctx, const char *id,
					   gxca_report **report) GXCA_WARN_UNUSED;

/** The check character a USCC's first 17 characters call for; 0 if they are not valid. */
GXCA_API char gxca_identity_uscc_check_char(const char *first17);
/** The check character an ID number's first 17 digits call for; 0 if not 17 digits. */
GXCA_API char gxca_identity_id_check_char(const char *first17);

GXCA_END_DECLS

#endif /* GXCA_IDENTITY_H */
