/*
 * lib/report.c — lists of problems (errors and warnings) found by checks.
 */
#include "gxca-private.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

struct problem {
	int severity, code;
	char *id, *field, *zh, *en;
};

struct gxca_report {
	struct problem *p;
	size_t n, cap;
};

int gxca__report_new(gxca_report **out)
{
	*out = gxca__calloc(1, sizeof **out);
	return *out ? GXCA_OK : GXCA_ENOMEM;
}

void gxca_report_free(gxca_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		gxca__free(r->p[i].id);
		gxca__free(r->p[i].field);
		gxca__free(r->p[i].zh);
		gxca__free(r->p[i].en);
	}
	gxca__free(r->p);
	gxca__free(r);
}

int gxca__report_add(gxca_report *r, int severity, int code, const char *id,
		     const char *field, const char *zh, const char *en)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct problem *p = gxca__realloc(r->p, cap * sizeof *p);
		if (!p)
			return GXCA_ENOMEM;
		r->p = p;
		r->cap = cap;
	}
	struct problem *p = &r->p[r->n];
	p->severity = severity;
	p->code = code;
	p->id = gxca__strdup(id ? id : "");
	p->field = gxca__strdup(field ? field : "");
	p->zh = gxca__strdup(zh ? zh : gxca_strerror(code, GXCA_LANG_ZH));
	p->en = gxca__strdup(en ? en : gxca_strerror(code, GXCA_LANG_EN));
	if (!p->id || !p->field || !p->zh || !p->en) {
		gxca__free(p->id);
		gxca__free(p->field);
		gxca__free(p->zh);
		gxca__free(p->en);
		return GXCA_ENOMEM;
	}
	r->n++;
	return GXCA_OK;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int gxca__report_addf(gxca_report *r, int severity, int code, const char *id,
		      const char *field, const char *zh_fmt, const char *en_fmt, ...)
{
	char zh[512], en[512];
	va_list ap, ap2;
	va_start(ap, en_fmt);
	va_copy(ap2, ap);
	vsnprintf(zh, sizeof zh, zh_fmt, ap);
	vsnprintf(en, sizeof en, en_fmt, ap2);
	va_end(ap2);
	va_end(ap);
	return gxca__report_add(r, severity, code, id, field, zh, en);
}
#pragma GCC diagnostic pop

size_t gxca_report_count(const gxca_report *r) { return r ? r->n : 0; }

static size_t count_severity(const gxca_report *r, int severity)
{
	size_t n = 0;
	for (size_t i = 0; r && i < r->n; i++)
		n += r->p[i].severity == severity;
	return n;
}

size_t gxca_report_error_count(const gxca_report *r) { return count_severity(r, GXCA_SEVERITY_ERROR); }
size_t gxca_report_warning_count(const gxca_report *r) { return count_severity(r, GXCA_SEVERITY_WARNING); }

static const struct problem *at(const gxca_report *r, size_t i)
{
	return r && i < r->n ? &r->p[i] : NULL;
}

int gxca_report_severity(const gxca_report *r, size_t i) { return at(r, i) ? at(r, i)->severity : 0; }
int gxca_report_code(const gxca_report *r, size_t i) { return at(r, i) ? at(r, i)->code : 0; }
const char *gxca_report_id(const gxca_report *r, size_t i) { return at(r, i) ? at(r, i)->id : ""; }
const char *gxca_report_field(const gxca_report *r, size_t i) { return at(r, i) ? at(r, i)->field : ""; }

const char *gxca_report_message(const gxca_report *r, size_t i, int lang)
{
	const struct problem *p = at(r, i);
	if (!p)
		return "";
	return lang == GXCA_LANG_EN ? p->en : p->zh;
}

int gxca_report_to_json(const gxca_report *r, char **out)
{
	if (!out)
		return GXCA_EINVAL;
	*out = NULL;
	if (!r)
		return GXCA_EINVAL;
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return GXCA_ENOMEM;
	}
	json_object_object_add(root, "errors", json_object_new_int64((int64_t)gxca_report_error_count(r)));
	json_object_object_add(root, "warnings", json_object_new_int64((int64_t)gxca_report_warning_count(r)));
	for (size_t i = 0; i < r->n; i++) {
		const struct problem *p = &r->p[i];
		json_object *o = json_object_new_object();
		if (!o)
			break;
		json_object_object_add(o, "severity", json_object_new_string(
			p->severity == GXCA_SEVERITY_ERROR ? "error" : "warning"));
		json_object_object_add(o, "code", json_object_new_string(gxca_error_name_of(p->code)));
		json_object_object_add(o, "id", json_object_new_string(p->id));
		json_object_object_add(o, "field", json_object_new_string(p->field));
		json_object_object_add(o, "zh", json_object_new_string(p->zh));
		json_object_object_add(o, "en", json_object_new_string(p->en));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "problems", arr);
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	*out = s ? gxca__strdup(s) : NULL;
	json_object_put(root);
	return *out ? GXCA_OK : GXCA_ENOMEM;
}
