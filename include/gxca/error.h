/*
 * libgxca — status codes and error details.
 *
 * Every call that can fail returns int: GXCA_OK (0) or a negative code below.
 * The detail of the last failure of a call made with a context is kept on
 * that context: gxca_ctx_last_error(). Codes are stable forever.
 */
#ifndef GXCA_ERROR_H
#define GXCA_ERROR_H

#include <gxca/common.h>

GXCA_BEGIN_DECLS

/** Status codes; the single source is lib/errors.def. */
typedef enum {
	GXCA_OK = 0,
	GXCA_EGENERIC = -1,
	GXCA_ENOMEM = -2,
	GXCA_EINVAL = -3,
	GXCA_ENOTFOUND = -4,
	GXCA_EIO = -5,
	GXCA_EENCODING = -6,
	GXCA_ERANGE = -7,
	GXCA_EUSER = -8,
	GXCA_ESTATE = -9,
	GXCA_EUNSUPPORTED = -10,
	GXCA_EJSON = -11,
	GXCA_EPOLICY = -12,
	GXCA_ECALENDAR_UNKNOWN = -13,
	GXCA_ETOOBIG = -14,
	GXCA_EEXISTS = -15,
	GXCA_EPERM = -16,
	GXCA_ECRYPTO = -17,
	GXCA_EINVALID = -18,
	GXCA_EBADSIG = -19,

	GXCA_EUSCC = -100,
	GXCA_EIDNUM = -101,
	GXCA_EIDNUM_LEGACY = -102,

	GXCA_ETARIFF_NOT_OFFERED = -200,
	GXCA_ETARIFF_YEARS = -201,

	GXCA_EMATERIAL_MISSING = -300,
	GXCA_EMATERIAL_UNKNOWN = -301,

	GXCA_EAPP_TRANSITION = -400,
	GXCA_EAPP_FIELD = -401
} gxca_status;

/** The detail of a failure; opaque, borrowed from its context. */
typedef struct gxca_error gxca_error;

/**
 * Static message for a code in a language; never NULL ("unknown error" for
 * a value not in the table). Thread-safe.
 */
GXCA_API const char *gxca_strerror(int code, gxca_lang lang);

/** Static code name such as "GXCA_ENOMEM"; never NULL ("GXCA_EUNKNOWN"). */
GXCA_API const char *gxca_error_name_of(int code);

/** Status code of the failure (GXCA_OK when the last call succeeded). */
GXCA_API int gxca_error_code(const gxca_error *err);
/** Code name, e.g. "GXCA_ETARIFF_NOT_OFFERED"; never NULL. */
GXCA_API const char *gxca_error_name(const gxca_error *err);
/** Message in the context language: what failed and why; never NULL. */
GXCA_API const char *gxca_error_message(const gxca_error *err);
/** The same message in a given language; never NULL. */
GXCA_API const char *gxca_error_message_lang(const gxca_error *err, gxca_lang lang);
/** Field name or JSON path the failure is about; "" when none. Never NULL. */
GXCA_API const char *gxca_error_field(const gxca_error *err);
/** Detail from a lower library (OpenSSL queue, SQLite, PKCS#11); "" when none. */
GXCA_API const char *gxca_error_detail(const gxca_error *err);
/** PKCS#11 CK_RV of the failure, 0 when none. */
GXCA_API unsigned long gxca_error_ck_rv(const gxca_error *err);

GXCA_END_DECLS

#endif /* GXCA_ERROR_H */
