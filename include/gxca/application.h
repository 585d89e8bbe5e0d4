/*
 * libgxca — application forms (附件1 单位 / 附件2 个人) and their workflow
 * (domain.md §5 and §7).
 *
 * A gxca_application is one filled-in form of one applicant kind (ORG or
 * PERSON): string fields addressed by gxca_app_field, typed flags (seal and
 * signature collection, by proxy, consent), business lines, and the workflow
 * state with its history. It is saved and loaded as JSON (schema
 * "gxca-application/1", doc/application-json.md).
 *
 * Ownership: an application borrows the context it was made with; the
 * context must outlive it, and failures of application calls are reported on
 * that context (gxca_ctx_last_error()). Returned strings are borrowed from
 * the application and stay valid until the next call that changes it.
 *
 * Editing: fields, flags and lines can be changed in the DRAFT and REJECTED
 * states only (the applicant fixes a rejected form and resubmits); in any
 * other state a setter fails with GXCA_ESTATE and changes nothing.
 *
 * Threads: as the context (one thread at a time per context and application).
 * @since 1.0
 */
#ifndef GXCA_APPLICATION_H
#define GXCA_APPLICATION_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/report.h>
#include <gxca/policy.h>

GXCA_BEGIN_DECLS

typedef struct gxca_application gxca_application;

/** String fields of the forms. Values are stable (append only). */
typedef enum {
	GXCA_APP_PLATFORM = 1,        /**< both: 申请平台 (default: the policy code, "056") */
	GXCA_APP_ORG_NAME = 2,        /**< ORG: 单位名称 */
	GXCA_APP_USCC = 3,            /**< ORG: 统一社会信用代码 */
	GXCA_APP_REG_PROVINCE = 4,    /**< ORG: 单位注册地 省 */
	GXCA_APP_REG_CITY = 5,        /**< ORG: 单位注册地 市 */
	GXCA_APP_REG_COUNTY = 6,      /**< ORG: 单位注册地 区/县 */
	GXCA_APP_LEGAL_REP_NAME = 7,  /**< ORG: 法人姓名 */
	GXCA_APP_ORG_PHONE = 8,       /**< ORG: 单位电话 */
	GXCA_APP_PERSON_NAME = 9,     /**< PERSON: 个人名称 */
	GXCA_APP_ID_TYPE = 10,        /**< PERSON: 证件类型, "RESIDENT_ID" or "OTHER" */
	GXCA_APP_ID_NUMBER = 11,      /**< PERSON: 证件号码 */
	GXCA_APP_PERSON_PHONE = 12,   /**< PERSON: 手机号码 */
	GXCA_APP_AFFILIATION = 13,    /**< PERSON: 所属单位名称 (optional) */
	GXCA_APP_AGENT_NAME = 14,     /**< both: 经办人姓名 */
	GXCA_APP_AGENT_ID_NUMBER = 15,/**< both: 经办人身份证号 */
	GXCA_APP_AGENT_MOBILE = 16,   /**< both: 经办人手机号码 */
	GXCA_APP_INVOICE_EMAIL = 17,  /**< both: 收发票的电子邮箱 */
	GXCA_APP_RETURN_ADDRESS = 18, /**< both: 回寄收件地址 */
	GXCA_APP_FORM_DATE = 19,      /**< both: 日期, "YYYY-MM-DD" */
	GXCA_APP_ID_TYPE_OTHER = 20   /**< PERSON: name of the other document type
				       *   (e.g. "护照"), required when id_type is OTHER */
} gxca_app_field;

/** 证件类型 of a PERSON form. */
typedef enum {
	GXCA_ID_RESIDENT = 1, /**< 居民身份证, "RESIDENT_ID" */
	GXCA_ID_OTHER = 2     /**< another document type, "OTHER" */
} gxca_id_type;

/** What has been collected on the paper form (seal and signature boxes). */
typedef enum {
	GXCA_COLLECT_OFFICIAL_SEAL = 1,       /**< ORG: 单位公章, count 0..2 */
	GXCA_COLLECT_LEGAL_REP_SEAL = 2,      /**< ORG: 法人私章, 0 or 1 */
	GXCA_COLLECT_LEGAL_REP_SIGNATURE = 3, /**< ORG: 法人签字, 0 or 1 */
	GXCA_COLLECT_SIGNATURES = 4,          /**< PERSON: 签名 collected, count 0..3 */
	GXCA_COLLECT_BEST_SIGNATURE = 5       /**< PERSON: the ticked best signature,
					       *   1..3, 0 = none ticked */
} gxca_app_collect;

/** Workflow states (domain.md §5). Values are stable. */
typedef enum {
	GXCA_APP_DRAFT = 1,
	GXCA_APP_SUBMITTED = 2,
	GXCA_APP_REJECTED = 3,
	GXCA_APP_APPROVED = 4,
	GXCA_APP_PAYMENT_REQUESTED = 5,
	GXCA_APP_PAID = 6,
	GXCA_APP_ISSUED = 7,
	GXCA_APP_DELIVERED = 8
} gxca_app_state;

/** Channels (domain.md §2). */
typedef enum {
	GXCA_CHANNEL_MAIL = 1,  /**< 邮寄申领 */
	GXCA_CHANNEL_ONSITE = 2 /**< 现场申领 */
} gxca_channel;

/* ---- names ---- */

/** Stable field name ("org_name"); NULL if unknown. */
GXCA_API const char *gxca_app_field_name(int field);
/** Parse a field name (exact, lower case); 0 if unknown. */
GXCA_API int gxca_app_field_from_name(const char *name);
/** Label of a field as printed on the form ("单位名称" / "organisation name"); NULL if unknown. */
GXCA_API const char *gxca_app_field_label(int field, int lang);
/** 1 if the field belongs to the form of that applicant kind, else 0. */
GXCA_API int gxca_app_field_applies(int applicant, int field);
/** State name ("DRAFT", "PAYMENT_REQUESTED", ...); NULL if unknown. */
GXCA_API const char *gxca_app_state_name(int state);
/** Parse a state name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_app_state_from_name(const char *name);
/** Channel name ("MAIL", "ONSITE"); NULL if unknown. */
GXCA_API const char *gxca_channel_name(int channel);
/** Parse a channel name (case-insensitive); 0 if unknown. */
GXCA_API int gxca_channel_from_name(const char *name);

/* ---- life ---- */

/**
 * Make an empty DRAFT form of an applicant kind (gxca_applicant), with the
 * platform set to the policy's code and a new unique id ("GX" followed by
 * 16 upper-case hex digits from the OpenSSL RNG).
 * Returns GXCA_OK, GXCA_EINVAL (NULL out or ctx, unknown applicant),
 * GXCA_ECRYPTO (RNG failure) or GXCA_ENOMEM; *out is NULL on failure.
 * The caller frees it with gxca_application_free().
 */
GXCA_API int gxca_application_new(gxca_application **out, gxca_ctx *ctx,
				  int applicant) GXCA_WARN_UNUSED;

/** Free an application; NULL is a no-op. */
GXCA_API void gxca_application_free(gxca_application *app);

/** Applicant kind (gxca_applicant); 0 for NULL. */
GXCA_API int gxca_application_applicant(const gxca_application *app);

/** The application id, borrowed; "" for NULL. Kept through JSON. */
GXCA_API const char *gxca_application_id(const gxca_application *app);

/* ---- fields ---- */

/**
 * Set a string field. value must be UTF-8 (GXCA_EENCODING), at most 512
 * bytes (GXCA_ETOOBIG); "" clears the field. The content is checked by
 * gxca_application_validate(), not here, so that a form with mistakes can be
 * kept and reported completely — except GXCA_APP_ID_TYPE, which takes only
 * "RESIDENT_ID", "OTHER" or "" (GXCA_EINVAL).
 * Returns GXCA_OK, GXCA_EINVAL (NULL app or value, unknown field),
 * GXCA_EAPP_FIELD (the field is not on this kind of form), GXCA_ESTATE (not
 * editable in this state), GXCA_EENCODING, GXCA_ETOOBIG or GXCA_ENOMEM.
 */
GXCA_API int gxca_application_set(gxca_application *app, int field,
				  const char *value) GXCA_WARN_UNUSED;

/** A string field, borrowed; "" when unset, unknown or not on this form, or app NULL. */
GXCA_API const char *gxca_application_get(const gxca_application *app, int field);

/** Typed access to GXCA_APP_ID_TYPE (gxca_id_type; 0 clears / means unset). */
GXCA_API int gxca_application_set_id_type(gxca_application *app, int id_type) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_id_type(const gxca_application *app);

/**
 * Record what was collected on the paper form (gxca_app_collect); the range
 * of value is given with each constant. GXCA_EAPP_FIELD when the item is not
 * on this kind of form, GXCA_ERANGE when value is out of range, GXCA_ESTATE
 * when not editable. A best signature beyond the number collected is
 * accepted here and reported by validation.
 */
GXCA_API int gxca_application_set_collected(gxca_application *app, int what,
					    int value) GXCA_WARN_UNUSED;
/** The recorded value; 0 when unset, not on this form, or bad arguments. */
GXCA_API int gxca_application_collected(const gxca_application *app, int what);

/**
 * PERSON only: the form is filed by someone else on the person's behalf
 * (代办); the 经办人 block then names that person. An ORG always files through
 * its 经办人: GXCA_EAPP_FIELD.
 */
GXCA_API int gxca_application_set_by_proxy(gxca_application *app, int by_proxy) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_by_proxy(const gxca_application *app);

/**
 * The applicant accepts 《国信CA数字证书服务协议》 and 《国信CA电子认证业务规则》
 * (signing the form does); validation requires it.
 */
GXCA_API int gxca_application_set_consent(gxca_application *app, int consent) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_consent(const gxca_application *app);

/* ---- business lines ---- */

/** At most this many lines on a form. */
#define GXCA_APP_MAX_LINES 16

/**
 * Append a business line: business (gxca_business), count of tokens
 * (0..1000), years (0..100; a term for NEW and RENEW, 0 otherwise) and
 * change_flags (GXCA_CHANGE_*, for CHANGE). Whether the line makes sense
 * (count >= 1, years within the tariff's max_years, change kinds present,
 * ...) is checked by gxca_application_validate().
 * Returns GXCA_OK, GXCA_EINVAL (NULL app, unknown business or change bits),
 * GXCA_ERANGE (count or years out of the ranges above, or more than
 * GXCA_APP_MAX_LINES lines), GXCA_ESTATE or GXCA_ENOMEM.
 */
GXCA_API int gxca_application_add_line(gxca_application *app, int business, unsigned count,
				       int years, uint32_t change_flags) GXCA_WARN_UNUSED;
/** Number of lines; 0 for NULL. */
GXCA_API size_t gxca_application_line_count(const gxca_application *app);
/**
 * Line i (0-based). Any out pointer may be NULL.
 * Returns GXCA_OK or GXCA_EINVAL (NULL app, i out of range).
 */
GXCA_API int gxca_application_line_get(const gxca_application *app, size_t i, int *business,
				       unsigned *count, int *years,
				       uint32_t *change_flags) GXCA_WARN_UNUSED;
/** Remove every line. GXCA_OK, GXCA_EINVAL or GXCA_ESTATE. */
GXCA_API int gxca_application_clear_lines(gxca_application *app) GXCA_WARN_UNUSED;

/* ---- validation ---- */

/**
 * Check the whole form and report every problem at once (doc/man
 * gxca_application(3) lists the problem ids: "required", "uscc.check_char",
 * "mobile.format", "email.format", "line.years", ...; each names the field
 * by its gxca_app_field_name(), or "lines[i]" for a line).
 * Returns GXCA_OK when there is no error (the report may hold warnings),
 * GXCA_EINVALID when there is at least one error, GXCA_EINVAL (NULL app or
 * report) or GXCA_ENOMEM. On GXCA_OK and GXCA_EINVALID *report is set; the
 * caller frees it with gxca_report_free(). The identity numbers are checked
 * against today's date (birth dates in the future).
 */
GXCA_API int gxca_application_validate(const gxca_application *app,
				       gxca_report **report) GXCA_WARN_UNUSED;

/* ---- JSON ---- */

/**
 * Load an application from JSON text of len bytes (doc/application-json.md).
 * Unknown members, wrong types, members of the other form kind, bad UTF-8
 * and a history that is not a legal path through the workflow are rejected:
 * GXCA_EJSON (the error's field is the JSON path, e.g. "$.lines[1].years"),
 * GXCA_EENCODING, GXCA_ETOOBIG; also GXCA_EINVAL (NULL argument) and
 * GXCA_ENOMEM. The form content itself is not validated (a saved draft may
 * have mistakes). *out is NULL on failure; the caller frees it with
 * gxca_application_free().
 */
GXCA_API int gxca_application_from_json(gxca_application **out, gxca_ctx *ctx,
					const char *json, size_t len) GXCA_WARN_UNUSED;

/**
 * The application as JSON text (pretty-printed, stable member order), with
 * its state and history. Loading it gives an application whose JSON is the
 * same text. Caller frees *out with gxca_free().
 * Returns GXCA_OK, GXCA_EINVAL or GXCA_ENOMEM.
 */
GXCA_API int gxca_application_to_json(const gxca_application *app, char **out) GXCA_WARN_UNUSED;

/* ---- workflow ---- */

/** Current state (gxca_app_state); 0 for NULL. */
GXCA_API int gxca_application_state(const gxca_application *app);

/*
 * Transitions. actor (who did it: a staff id, "applicant", ...) is a
 * non-empty UTF-8 string of at most 128 bytes; when is a Unix time
 * (seconds, > 0) not earlier than the previous step. Each success appends a
 * history entry. Every failure changes nothing:
 *   GXCA_EAPP_TRANSITION  not allowed from the current state (the message
 *                         names both states)
 *   GXCA_EAPP_TIME        when is earlier than the previous step
 *   GXCA_EINVAL           NULL app, empty actor, bad argument
 *   GXCA_ENOMEM
 *
 *   DRAFT, REJECTED --submit--> SUBMITTED --approve--> APPROVED
 *   SUBMITTED --reject--> REJECTED
 *   APPROVED --request_payment--> PAYMENT_REQUESTED --mark_paid--> PAID
 *   PAID --mark_issued--> ISSUED --deliver--> DELIVERED
 */

/**
 * Submit through a channel (gxca_channel). The form must validate: on errors
 * the call fails with GXCA_EINVALID (the message gives the number of errors
 * and the first one) and the full report is kept, see
 * gxca_application_last_report(). Every business line must be open on the
 * channel in the policy (GXCA_EAPP_CHANNEL).
 */
GXCA_API int gxca_application_submit(gxca_application *app, int channel, const char *actor,
				     int64_t when) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_approve(gxca_application *app, const char *actor,
				      int64_t when) GXCA_WARN_UNUSED;
/** Reject with a non-empty reason (UTF-8, at most 512 bytes), told to the applicant. */
GXCA_API int gxca_application_reject(gxca_application *app, const char *actor, int64_t when,
				     const char *reason) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_request_payment(gxca_application *app, const char *actor,
					      int64_t when) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_mark_paid(gxca_application *app, const char *actor,
					int64_t when) GXCA_WARN_UNUSED;
GXCA_API int gxca_application_mark_issued(gxca_application *app, const char *actor,
					  int64_t when) GXCA_WARN_UNUSED;
/**
 * Deliver: tracking_no is the courier's tracking number (ASCII letters,
 * digits and '-', 1..64) for a MAIL application and must be NULL for an
 * ONSITE one (handed over at the window); otherwise GXCA_EINVAL.
 */
GXCA_API int gxca_application_deliver(gxca_application *app, const char *actor, int64_t when,
				      const char *tracking_no) GXCA_WARN_UNUSED;

/**
 * The validation report of the last failed gxca_application_submit(),
 * borrowed (valid until the next submit or the application is freed); NULL
 * when the last submit did not fail validation.
 */
GXCA_API const gxca_report *gxca_application_last_report(const gxca_application *app);

/** Number of history entries (one per transition made); 0 for NULL. */
GXCA_API size_t gxca_application_history_count(const gxca_application *app);
/**
 * History entry i (0 = oldest): the state entered, the time, the actor and
 * a note (borrowed; "" when none): the channel name for SUBMITTED, the
 * reason for REJECTED, the tracking number for DELIVERED by mail. Any out
 * pointer may be NULL. Returns GXCA_OK or GXCA_EINVAL (NULL app, i out of
 * range).
 */
GXCA_API int gxca_application_history_get(const gxca_application *app, size_t i, int *state,
					  int64_t *when, const char **actor,
					  const char **note) GXCA_WARN_UNUSED;

/** Channel of the latest submission (gxca_channel); 0 before the first submit or for NULL. */
GXCA_API int gxca_application_channel(const gxca_application *app);
/** Time of payment (mark_paid); 0 when not paid or for NULL. */
GXCA_API int64_t gxca_application_paid_at(const gxca_application *app);
/** Tracking number of the delivery, borrowed; "" when none. */
GXCA_API const char *gxca_application_tracking_no(const gxca_application *app);

/**
 * Deadline of the electronic invoice: the policy's invoice_working_days (5)
 * working days after the Asia/Shanghai date of payment, into out.
 * Returns GXCA_OK, GXCA_ESTATE (not paid yet), GXCA_ECALENDAR_UNKNOWN (the
 * count crosses into a year without calendar data: nothing is guessed) or
 * GXCA_EINVAL.
 */
GXCA_API int gxca_application_invoice_due(const gxca_application *app,
					  char out[GXCA_DATE_SIZE]) GXCA_WARN_UNUSED;
/**
 * Deadline of a MAIL application: the policy's mail_working_days (3) working
 * days after the Asia/Shanghai date of the latest submission. GXCA_ESTATE
 * when not submitted or submitted ONSITE; otherwise as above.
 */
GXCA_API int gxca_application_mail_due(const gxca_application *app,
				       char out[GXCA_DATE_SIZE]) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_APPLICATION_H */
