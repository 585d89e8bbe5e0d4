/*
 * libgxca — problem reports.
 *
 * Checks that find several problems at once (identity numbers, application
 * validation, materials checks) return a gxca_report: a list of problems,
 * each an error or a warning with a status code, the field it is about and
 * a message in Chinese and in English.
 */
#ifndef GXCA_REPORT_H
#define GXCA_REPORT_H

#include <gxca/common.h>
#include <gxca/error.h>

GXCA_BEGIN_DECLS

typedef struct gxca_report gxca_report;

typedef enum {
	GXCA_SEVERITY_ERROR = 1,
	GXCA_SEVERITY_WARNING = 2
} gxca_severity;

/** Free a report; NULL is a no-op. */
GXCA_API void gxca_report_free(gxca_report *report);

/** Number of problems (errors and warnings). NULL counts 0. */
GXCA_API size_t gxca_report_count(const gxca_report *report);
GXCA_API size_t gxca_report_error_count(const gxca_report *report);
GXCA_API size_t gxca_report_warning_count(const gxca_report *report);

/**
 * Problem i (0-based) of the report. Strings are borrowed from the report.
 * Out of range or NULL report: severity and code 0, strings "".
 */
GXCA_API int gxca_report_severity(const gxca_report *report, size_t i);
GXCA_API int gxca_report_code(const gxca_report *report, size_t i);
/** Stable problem identifier, e.g. "uscc.check_char"; "" when none. */
GXCA_API const char *gxca_report_id(const gxca_report *report, size_t i);
GXCA_API const char *gxca_report_field(const gxca_report *report, size_t i);
GXCA_API const char *gxca_report_message(const gxca_report *report, size_t i, int lang);

/**
 * The report as JSON text:
 * {"errors":N,"warnings":N,"problems":[{"severity":"error","code":"GXCA_EUSCC",
 *  "id":"...","field":"...","zh":"...","en":"..."}]}
 * Caller frees with gxca_free().
 */
GXCA_API int gxca_report_to_json(const gxca_report *report, char **out) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_REPORT_H */
