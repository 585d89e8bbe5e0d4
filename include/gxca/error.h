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
	GXCA_EMATERIAL_PHYSICAL = -302,

	GXCA_EAPP_TRANSITION = -400,
	GXCA_EAPP_FIELD = -401,
	GXCA_EAPP_CHANNEL = -402,
	GXCA_EAPP_TIME = -403,

	GXCA_ECA_APP_STATE = -500,
	GXCA_ECA_REQUEST = -501,
	GXCA_ECA_REQUEST_SIGNATURE = -502,
	GXCA_ECA_KEY_ALG = -503,
	GXCA_ECA_SERIAL_COLLISION = -504,
	GXCA_ECA_BUSINESS = -505,
	GXCA_ECA_CERT_STATE = -506,
	GXCA_ECA_HOLDER = -507,
	GXCA_ECA_KEY_MISMATCH = -508,
	GXCA_ECA_NOT_CA = -509,
	GXCA_ECA_SUBJECT = -510,
	GXCA_ECA_REVOKED = -511,

	GXCA_ECERT_PARSE = -600,
	GXCA_ECERT_EXPIRED = -601,
	GXCA_ECERT_NOT_YET_VALID = -602,
	GXCA_ECERT_REVOKED = -603,
	GXCA_ECERT_BAD_SIGNATURE = -604,
	GXCA_ECERT_UNKNOWN_ISSUER = -605,
	GXCA_ECERT_CHAIN = -606,
	GXCA_ECRL_PARSE = -607,
	GXCA_ECRL_BAD_SIGNATURE = -608,
	GXCA_ECRL_ISSUER = -609,
	GXCA_ECRL_STALE = -610,

	GXCA_EREG_OPEN = -700,
	GXCA_EREG_CORRUPT = -701,
	GXCA_EREG_READONLY = -702,
	GXCA_EREG_SCHEMA = -703,
	GXCA_EREG_BUSY = -704,
	GXCA_EREG_IO = -705,
	GXCA_EREG_OTHER_CA = -706,

	GXCA_ESEAL_GLYPH_MISSING = -800,
	GXCA_ESEAL_FONT = -801,
	GXCA_ESEAL_PNG = -802,
	GXCA_ESEAL_LAYOUT = -803,
	GXCA_ESEAL_NO_INK = -804,

	GXCA_EESEAL_MALFORMED = -900,
	GXCA_EESEAL_UNSUPPORTED = -901,
	GXCA_EESEAL_SEAL_EXPIRED = -902,
	GXCA_EESEAL_SEAL_NOT_YET_VALID = -903,
	GXCA_EESEAL_SIGNER_NOT_IN_SEAL = -904,
	GXCA_EESEAL_CERT_EXPIRED = -905,
	GXCA_EESEAL_CERT_NOT_YET_VALID = -906,
	GXCA_EESEAL_CHAIN = -907,
	GXCA_EESEAL_DATA_MISMATCH = -908,
	GXCA_EESEAL_QUIRK = -909,
	GXCA_EESEAL_KEY_MISMATCH = -910,

	GXCA_ETOKEN_MODULE = -1000,
	GXCA_ETOKEN_NOT_FOUND = -1001,
	GXCA_ETOKEN_PIN_INCORRECT = -1002,
	GXCA_ETOKEN_PIN_COUNT_LOW = -1003,
	GXCA_ETOKEN_PIN_LOCKED = -1004,
	GXCA_ETOKEN_PIN_POLICY = -1005,
	GXCA_ETOKEN_PIN_MUST_CHANGE = -1006,
	GXCA_ETOKEN_NOT_LOGGED_IN = -1007,
	GXCA_ETOKEN_REMOVED = -1008,
	GXCA_ETOKEN_SESSION = -1009,
	GXCA_ETOKEN_TIMEOUT = -1010,
	GXCA_ETOKEN_DEVICE = -1011,
	GXCA_ETOKEN_NO_KEY = -1012,
	GXCA_ETOKEN_SEAL_SECONDARY = -1013,
	GXCA_ETOKEN_ROLE = -1014,
	GXCA_ETOKEN_UNINITIALIZED = -1015,
	GXCA_ETOKEN_BUSY = -1016,

	GXCA_EENVELOPE_NOT_RECIPIENT = -1100,
	GXCA_EENVELOPE_FORMAT = -1101,
	GXCA_EENVELOPE_INTEGRITY = -1102,
	GXCA_EENVELOPE_RECIPIENT = -1103,

	GXCA_ELOGIN_FORMAT = -1200,
	GXCA_ELOGIN_FORGED = -1201,
	GXCA_ELOGIN_PLATFORM = -1202,
	GXCA_ELOGIN_EXPIRED = -1203,
	GXCA_ELOGIN_REPLAY = -1204,
	GXCA_ELOGIN_CERT = -1205,
	GXCA_ELOGIN_REVOKED = -1206
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
