/*
 * libgxca — common definitions: export macro, attributes, base enumerations.
 *
 * Every public header includes this one. Nothing here names a type of
 * OpenSSL, json-c, SQLite, libp11 or libpng: those are private to the library.
 */
#ifndef GXCA_COMMON_H
#define GXCA_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <gxca/version.h>

#ifdef __cplusplus
#define GXCA_BEGIN_DECLS extern "C" {
#define GXCA_END_DECLS }
#else
#define GXCA_BEGIN_DECLS
#define GXCA_END_DECLS
#endif

#if defined(GXCA_STATIC)
#define GXCA_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#define GXCA_API __attribute__((visibility("default")))
#else
#define GXCA_API
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define GXCA_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define GXCA_WARN_UNUSED
#endif

GXCA_BEGIN_DECLS

/** Message language of a context. */
typedef enum {
	GXCA_LANG_ZH = 0, /**< Simplified Chinese (default) */
	GXCA_LANG_EN = 1  /**< English */
} gxca_lang;

/** Applicant kind (domain.md §1). */
typedef enum {
	GXCA_APPLICANT_ORG = 1,    /**< 单位用户 */
	GXCA_APPLICANT_PERSON = 2  /**< 个人用户 */
} gxca_applicant;

/** Business (domain.md §1). */
typedef enum {
	GXCA_BIZ_NEW = 1,     /**< 新办 */
	GXCA_BIZ_REISSUE = 2, /**< 补办 */
	GXCA_BIZ_RENEW = 3,   /**< 延期/年审 */
	GXCA_BIZ_CHANGE = 4,  /**< 变更 */
	GXCA_BIZ_UNLOCK = 5   /**< 解锁 */
} gxca_business;

/** Item sold (domain.md §1). */
typedef enum {
	GXCA_ITEM_CERT = 1, /**< CA数字证书 */
	GXCA_ITEM_SEAL = 2  /**< 电子签章 */
} gxca_item;

/** Change kinds of an ORG CHANGE, OR-able flags. */
#define GXCA_CHANGE_NAME          0x1u /**< 单位名称变更 */
#define GXCA_CHANGE_LEGAL_REP     0x2u /**< 法人变更 */
#define GXCA_CHANGE_SEAL_TEMPLATE 0x4u /**< 章模变更 */

/** Key algorithms. */
typedef enum {
	GXCA_KEY_SM2 = 1,
	GXCA_KEY_EC_P256 = 2,
	GXCA_KEY_RSA2048 = 3,
	GXCA_KEY_RSA3072 = 4
} gxca_key_alg;

/**
 * Free memory the library handed to the caller (bytes and strings returned
 * through out-parameters documented as "caller frees with gxca_free()").
 * NULL is a no-op.
 */
GXCA_API void gxca_free(void *ptr);

/** The library version string, e.g. "1.0.0"; static, never NULL. */
GXCA_API const char *gxca_version(void);

/** Stable English name of an enumeration value ("ORG", "NEW", "CERT"); NULL if unknown. */
GXCA_API const char *gxca_applicant_name(int applicant);
GXCA_API const char *gxca_business_name(int business);
GXCA_API const char *gxca_item_name(int item);
/** Parse those names back (case-insensitive); 0 when unknown. */
GXCA_API int gxca_applicant_from_name(const char *name);
GXCA_API int gxca_business_from_name(const char *name);
GXCA_API int gxca_item_from_name(const char *name);

GXCA_END_DECLS

#endif /* GXCA_COMMON_H */
