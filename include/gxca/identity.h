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
 * Check a unified social credit code (18 characters, upper case).
 *
 * Errors (the call returns GXCA_EUSCC): length other than 18, a character
 * outside 0-9 A-Z without I O S V Z, a region code (characters 3-8) that is
 * not six digits of a known province-level region (or 100000, national), a
 * wrong check character (character 18). Warnings (the call still returns
 * GXCA_OK): a wrong check character of the embedded GB 11714 organisation
 * code (characters 9-17), a registration-authority / category pair
 * (characters 1-2) outside the published lists — real codes exist outside
 * both. Problem ids: "uscc.length", "uscc.alphabet", "uscc.region",
 * "uscc.check_char", "uscc.org_code_check", "uscc.category"; the field is
 * "uscc". Every problem is reported at once; gxca_identity(3) has the tables.
 *
 * code: borrowed, NUL-terminated UTF-8 of any length (an over-long value is
 *   a wrong length).
 * report: if not NULL, receives every problem found (caller frees with
 *   gxca_report_free()), also when the code is valid (warnings, or empty);
 *   set to NULL when the call fails before examining the code. Without a
 *   report the call allocates nothing.
 * Returns GXCA_OK, GXCA_EUSCC, GXCA_EINVAL (NULL ctx or code),
 * GXCA_EENCODING (not UTF-8) or GXCA_ENOMEM; the ctx last error (field
 * "uscc") carries the message of the first error.
 * Thread-safety: one ctx per thread at a time. @since 1.0
 */
GXCA_API int gxca_identity_check_uscc(gxca_ctx *ctx, const char *code,
				      gxca_report **report) GXCA_WARN_UNUSED;

/**
 * Check an 18-character resident identity card number: 17 digits, the
 * address code of a known province (first two digits), a real birth date
 * (characters 7-14, YYYYMMDD) from 1900-01-01 on and not after today
 * (Asia/Shanghai), the ISO 7064 MOD 11-2 check character ('X' upper or lower
 * case). Problem ids: "id.length", "id.digits", "id.region",
 * "id.birth_date", "id.future", "id.check_char"; the field is "id_number".
 * A 15-digit legacy number returns GXCA_EIDNUM_LEGACY with the single
 * problem "id.legacy" (it must be replaced by the 18-digit number).
 * Returns GXCA_OK, GXCA_EIDNUM, GXCA_EIDNUM_LEGACY, GXCA_EINVAL,
 * GXCA_EENCODING or GXCA_ENOMEM; id and report as for
 * gxca_identity_check_uscc(). @since 1.0
 */
GXCA_API int gxca_identity_check_id_number(gxca_ctx *ctx, const char *id,
					   gxca_report **report) GXCA_WARN_UNUSED;

/**
 * The check character (character 18) that the first 17 characters of a
 * USCC call for; characters after the 17th are ignored. 0 if first17 is
 * NULL, shorter than 17 or has a character outside the USCC alphabet.
 * Thread-safe. @since 1.0
 */
GXCA_API char gxca_identity_uscc_check_char(const char *first17);

/**
 * The check character ('0'-'9' or 'X') that the first 17 digits of an ID
 * number call for; characters after the 17th are ignored. 0 if first17 is
 * NULL or its first 17 characters are not all digits. Thread-safe. @since 1.0
 */
GXCA_API char gxca_identity_id_check_char(const char *first17);

GXCA_END_DECLS

#endif /* GXCA_IDENTITY_H */
