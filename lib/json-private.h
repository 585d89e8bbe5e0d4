/*
 * lib/json-private.h — reading JSON documents (json-c) with the JSON path of
 * every bad element in the error: "$.tariff.prices.ORG.NEW.CERT.first_year".
 */
#ifndef GXCA_JSON_PRIVATE_H
#define GXCA_JSON_PRIVATE_H

#include "gxca-private.h"

#include <json-c/json.h>

typedef struct {
	gxca_ctx *ctx;
	int code;        /* status reported on failure: GXCA_EPOLICY, GXCA_EJSON... */
	char path[256];
	size_t len;
} gxca__jr;

void gxca__jr_init(gxca__jr *j, gxca_ctx *ctx, int code);
/* Push ".key" or "[i]" onto the path; pop back to the returned mark. */
size_t gxca__jr_key(gxca__jr *j, const char *key);
size_t gxca__jr_idx(gxca__jr *j, size_t i);
void gxca__jr_pop(gxca__jr *j, size_t mark);
/* Fail at the current path: "<path>: <why>". */
int gxca__jr_fail(gxca__jr *j, const char *zh, const char *en);

/* Parse text (at most max bytes, UTF-8, one JSON value, nothing after it). */
int gxca__jr_parse(gxca__jr *j, const char *text, size_t len, json_object **out);

/* Member access. A missing optional member leaves *out untouched and returns 0;
 * a missing required member or one of the wrong type fails at its path.
 * JSON null counts as missing. */
int gxca__jr_get(gxca__jr *j, json_object *obj, const char *key, json_type type,
		 bool required, json_object **out);
int gxca__jr_str(gxca__jr *j, json_object *obj, const char *key, bool required,
		 size_t max_bytes, char **out);
int gxca__jr_int(gxca__jr *j, json_object *obj, const char *key, bool required,
		 int64_t min, int64_t max, int64_t *out);
int gxca__jr_bool(gxca__jr *j, json_object *obj, const char *key, bool required, bool *out);
/* Reject members not in the NULL-terminated list (catches typos). */
int gxca__jr_only(gxca__jr *j, json_object *obj, const char *const *allowed);
/* A value must be a string naming an enum (gxca_*_from_name); returns it. */
int gxca__jr_enum(gxca__jr *j, json_object *v, int (*from_name)(const char *), int *out);

/* Build: json_object_to_json_string_ext into a gxca__malloc'd copy. */
char *gxca__json_dump(json_object *o, bool pretty);

#endif
