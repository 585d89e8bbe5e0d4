/*
 * lib/json.c — strict JSON reading with paths, on json-c.
 */
#include "json-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void gxca__jr_init(gxca__jr *j, gxca_ctx *ctx, int code)
{
	j->ctx = ctx;
	j->code = code;
	strcpy(j->path, "$");
	j->len = 1;
}

size_t gxca__jr_key(gxca__jr *j, const char *key)
{
	size_t mark = j->len;
	int n = snprintf(j->path + j->len, sizeof j->path - j->len, ".%s", key);
	if (n > 0)
		j->len = j->len + (size_t)n < sizeof j->path ? j->len + (size_t)n : sizeof j->path - 1;
	return mark;
}

size_t gxca__jr_idx(gxca__jr *j, size_t i)
{
	size_t mark = j->len;
	int n = snprintf(j->path + j->len, sizeof j->path - j->len, "[%zu]", i);
	if (n > 0)
		j->len = j->len + (size_t)n < sizeof j->path ? j->len + (size_t)n : sizeof j->path - 1;
	return mark;
}

void gxca__jr_pop(gxca__jr *j, size_t mark)
{
	j->len = mark;
	j->path[mark] = '\0';
}

int gxca__jr_fail(gxca__jr *j, const char *zh, const char *en)
{
	char zh_msg[512], en_msg[512];
	snprintf(zh_msg, sizeof zh_msg, "%s：%s", j->path, zh);
	snprintf(en_msg, sizeof en_msg, "%s: %s", j->path, en);
	return gxca__fail(j->ctx, j->code, j->path, zh_msg, en_msg);
}

int gxca__jr_parse(gxca__jr *j, const char *text, size_t len, json_object **out)
{
	*out = NULL;
	if (!gxca__utf8_valid(text, len))
		return gxca__fail(j->ctx, GXCA_EENCODING, "$", "JSON 文本不是有效的 UTF-8",
				  "JSON text is not valid UTF-8");
	if (len > INT32_MAX)
		return gxca__fail(j->ctx, GXCA_ETOOBIG, "$", "JSON 文本过大", "JSON text too large");
	json_tokener *tok = json_tokener_new_ex(64);
	if (!tok)
		return gxca__oom(j->ctx);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *o = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || err != json_tokener_success) {
		json_object_put(o);
		return gxca__failf(j->ctx, GXCA_EJSON, "$", "JSON 语法错误（第 %zu 字节）：%s",
				   "JSON syntax error at byte %zu: %s", used,
				   json_tokener_error_desc(err), used, json_tokener_error_desc(err));
	}
	for (size_t i = used; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			json_object_put(o);
			return gxca__failf(j->ctx, GXCA_EJSON, "$", "JSON 值之后有多余内容（第 %zu 字节）",
					   "trailing data after the JSON value at byte %zu", i, i);
		}
	}
	*out = o;
	return GXCA_OK;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	case json_type_int: return "integer";
	case json_type_boolean: return "boolean";
	case json_type_double: return "number";
	default: return "null";
	}
}

int gxca__jr_get(gxca__jr *j, json_object *obj, const char *key, json_type type,
		 bool required, json_object **out)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v) {
		if (!required)
			return GXCA_OK;
		size_t mark = gxca__jr_key(j, key);
		int rc = gxca__jr_fail(j, "缺少必需成员", "required member missing");
		gxca__jr_pop(j, mark);
		return rc;
	}
	if (!json_object_is_type(v, type)) {
		size_t mark = gxca__jr_key(j, key);
		char zh[64], en[64];
		snprintf(zh, sizeof zh, "应为 %s", type_name(type));
		snprintf(en, sizeof en, "expected %s", type_name(type));
		int rc = gxca__jr_fail(j, zh, en);
		gxca__jr_pop(j, mark);
		return rc;
	}
	*out = v;
	return GXCA_OK;
}

int gxca__jr_str(gxca__jr *j, json_object *obj, const char *key, bool required,
		 size_t max_bytes, char **out)
{
	json_object *v = NULL;
	int rc = gxca__jr_get(j, obj, key, json_type_string, required, &v);
	if (rc || !v)
		return rc;
	size_t len = (size_t)json_object_get_string_len(v);
	const char *s = json_object_get_string(v);
	if (len > max_bytes || strlen(s) != len) {
		size_t mark = gxca__jr_key(j, key);
		rc = len > max_bytes ? gxca__jr_fail(j, "字符串过长", "string too long")
				     : gxca__jr_fail(j, "字符串含 NUL 字符", "string contains NUL");
		gxca__jr_pop(j, mark);
		return rc;
	}
	char *d = gxca__strdup(s);
	if (!d)
		return gxca__oom(j->ctx);
	gxca__free(*out);
	*out = d;
	return GXCA_OK;
}

int gxca__jr_int(gxca__jr *j, json_object *obj, const char *key, bool required,
		 int64_t min, int64_t max, int64_t *out)
{
	json_object *v = NULL;
	int rc = gxca__jr_get(j, obj, key, json_type_int, required, &v);
	if (rc || !v)
		return rc;
	errno = 0;
	int64_t x = json_object_get_int64(v);
	if (x < min || x > max || errno) {
		size_t mark = gxca__jr_key(j, key);
		char zh[128], en[128];
		snprintf(zh, sizeof zh, "应在 %lld 与 %lld 之间", (long long)min, (long long)max);
		snprintf(en, sizeof en, "must be between %lld and %lld", (long long)min, (long long)max);
		rc = gxca__jr_fail(j, zh, en);
		gxca__jr_pop(j, mark);
		return rc;
	}
	*out = x;
	return GXCA_OK;
}

int gxca__jr_bool(gxca__jr *j, json_object *obj, const char *key, bool required, bool *out)
{
	json_object *v = NULL;
	int rc = gxca__jr_get(j, obj, key, json_type_boolean, required, &v);
	if (!rc && v)
		*out = json_object_get_boolean(v);
	return rc;
}

int gxca__jr_only(gxca__jr *j, json_object *obj, const char *const *allowed)
{
	json_object_object_foreach(obj, key, val) {
		(void)val;
		bool ok = key[0] == '$'; /* "$comment" and friends are always allowed */
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			size_t mark = gxca__jr_key(j, key);
			int rc = gxca__jr_fail(j, "未知成员", "unknown member");
			gxca__jr_pop(j, mark);
			return rc;
		}
	}
	return GXCA_OK;
}

int gxca__jr_enum(gxca__jr *j, json_object *v, int (*from_name)(const char *), int *out)
{
	if (!json_object_is_type(v, json_type_string))
		return gxca__jr_fail(j, "应为字符串", "expected string");
	int x = from_name(json_object_get_string(v));
	if (!x)
		return gxca__jr_fail(j, "未知取值", "unknown value");
	*out = x;
	return GXCA_OK;
}

char *gxca__json_dump(json_object *o, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
	const char *s = json_object_to_json_string_ext(o, flags);
	return s ? gxca__strdup(s) : NULL;
}
