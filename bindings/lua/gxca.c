/*
 * bindings/lua/gxca.c — the Lua 5.4 module "gxca" over libgxca.
 *
 *   local gxca = require "gxca"
 *   local ctx = assert(gxca.new "en")
 *   local app = assert(ctx:application "ORG")
 *   local ok, msg, code = app:set("uscc", "91320600MA1MX2K79C")
 *
 * Conventions (gxca-lua(3)):
 *  - Every object is a full userdata holding one pointer, made zeroed and
 *    given its metatable BEFORE the C object is created, so that a Lua error
 *    can never leak it. __gc, __close and :close() share one idempotent
 *    function. Objects made from a context pin it (user value 1); the context
 *    keeps a weak table of its children and closes them before itself.
 *  - Expected failures return nil, message, code_name, field; misuse (wrong
 *    type, unknown enumeration name, closed object) raises an argument error.
 *    All arguments are checked before a gxca call, and results the library
 *    allocates are held by a "box" userdata while they are pushed, so no Lua
 *    error ever unwinds through the library or leaks what it returned.
 *  - Enumerations are given and returned as the library's names ("ORG",
 *    "NEW", "CERT", "SUBMITTED"); integers are accepted too. Lists are
 *    1-based. No mutable C statics: all state lives in userdata and the
 *    registry.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <gxca/gxca.h>

#define MT_CTX "gxca.ctx"
#define MT_QUOTE "gxca.quote"
#define MT_CHECKLIST "gxca.checklist"
#define MT_MAILPKG "gxca.mail_package"
#define MT_APP "gxca.application"
#define MT_KEY "gxca.key"
#define MT_CERT "gxca.cert"
#define MT_CRL "gxca.crl"
#define MT_CA "gxca.ca"
#define MT_IMAGE "gxca.image"
#define MT_SEALSPEC "gxca.seal_spec"
#define MT_ESEAL "gxca.eseal"
#define MT_ESIGN "gxca.esign"
#define MT_TOKMOD "gxca.token_module"
#define MT_TOKEN "gxca.token"
#define MT_ENVELOPE "gxca.envelope"
#define MT_NONCES "gxca.nonce_store"
#define MT_SERVER "gxca.login_server"
#define MT_MEM "gxca.mem"       /* box: bytes or text to gxca_free() */
#define MT_REPORT "gxca.report" /* box: a gxca_report */
#define MT_RECORD "gxca.record"   /* box: a gxca_ca_record */
#define MT_RECORDS "gxca.records" /* box: a gxca_ca_records */
#define MT_ERESULT "gxca.eresult" /* box: a gxca_eseal_result */
#define MT_IDENTITY "gxca.identity" /* box: a gxca_login_identity */
#define MT_CHAINBOX "gxca.chainbox" /* box: a certificate array and its length */
#define MT_WEAKK "gxca.weakk"   /* metatable of the children tables */

/* ---- arguments ------------------------------------------------------------ */

/* A size hint for lua_createtable(). */
static int narr(size_t n) { return n > INT_MAX ? INT_MAX : (int)n; }

/* Argument tables are read raw (no __index or __len): a metamethod runs
 * script code, which could close an object the call has already fetched. */
static int raw_field(lua_State *L, int idx, const char *key)
{
	idx = lua_absindex(L, idx);
	lua_pushstring(L, key);
	return lua_rawget(L, idx);
}

static int check_int(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);
	luaL_argcheck(L, v >= INT_MIN && v <= INT_MAX, idx, "integer out of range");
	return (int)v;
}

static unsigned check_uint(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);
	luaL_argcheck(L, v >= 0 && (lua_Unsigned)v <= UINT_MAX, idx, "integer out of range");
	return (unsigned)v;
}

static int opt_int(lua_State *L, int idx, int def)
{
	return lua_isnoneornil(L, idx) ? def : check_int(L, idx);
}

/* A string for a const char * parameter: no NUL inside (it would cut it). */
static const char *check_text(lua_State *L, int idx)
{
	size_t n;
	const char *s = luaL_checklstring(L, idx, &n);
	luaL_argcheck(L, strlen(s) == n, idx, "string contains a NUL byte");
	return s;
}

static const char *opt_text(lua_State *L, int idx)
{
	return lua_isnoneornil(L, idx) ? NULL : check_text(L, idx);
}

static int check_lang(lua_State *L, int idx)
{
	static const char *const langs[] = {"zh", "en", NULL}; /* GXCA_LANG_ZH, _EN */
	return luaL_checkoption(L, idx, "zh", langs);
}

/* An enumeration by name (the library's from_name) or by number. */
static int check_enum(lua_State *L, int idx, int (*from_name)(const char *), const char *what)
{
	if (lua_type(L, idx) == LUA_TNUMBER)
		return check_int(L, idx);
	const char *s = luaL_checkstring(L, idx);
	int v = from_name(s);
	if (v == 0)
		return luaL_argerror(L, idx, lua_pushfstring(L, "unknown %s '%s'", what, s));
	return v;
}

#define CHECK_APPLICANT(L, i) check_enum(L, i, gxca_applicant_from_name, "applicant")
#define CHECK_BUSINESS(L, i) check_enum(L, i, gxca_business_from_name, "business")
#define CHECK_ITEM(L, i) check_enum(L, i, gxca_item_from_name, "item")
#define CHECK_MATERIAL(L, i) check_enum(L, i, gxca_material_from_name, "material")
#define CHECK_FIELD(L, i) check_enum(L, i, gxca_app_field_from_name, "field")
#define CHECK_CHANNEL(L, i) check_enum(L, i, gxca_channel_from_name, "channel")
#define CHECK_KEY_ALG(L, i) check_enum(L, i, gxca_key_alg_from_name, "key algorithm")

/* Names the library does not spell itself: mirrors of header constants. */
struct named {
	const char *name;
	int value;
};
static const struct named change_names[] = {
	{"NAME", GXCA_CHANGE_NAME}, {"LEGAL_REP", GXCA_CHANGE_LEGAL_REP},
	{"SEAL_TEMPLATE", GXCA_CHANGE_SEAL_TEMPLATE}, {NULL, 0}};
static const struct named matflag_names[] = {
	{"STAMPED", GXCA_MATFLAG_STAMPED}, {"SIGNED", GXCA_MATFLAG_SIGNED},
	{"ORIGINAL", GXCA_MATFLAG_ORIGINAL}, {"PHYSICAL", GXCA_MATFLAG_PHYSICAL}, {NULL, 0}};
static const struct named collect_names[] = {
	{"official_seal", GXCA_COLLECT_OFFICIAL_SEAL}, {"legal_rep_seal", GXCA_COLLECT_LEGAL_REP_SEAL},
	{"legal_rep_signature", GXCA_COLLECT_LEGAL_REP_SIGNATURE},
	{"signatures", GXCA_COLLECT_SIGNATURES}, {"best_signature", GXCA_COLLECT_BEST_SIGNATURE},
	{NULL, 0}};
static const struct named id_type_names[] = {
	{"RESIDENT_ID", GXCA_ID_RESIDENT}, {"OTHER", GXCA_ID_OTHER}, {NULL, 0}};

static int check_named(lua_State *L, int idx, const struct named *tab, const char *what)
{
	if (lua_type(L, idx) == LUA_TNUMBER)
		return check_int(L, idx);
	const char *s = luaL_checkstring(L, idx);
	for (; tab->name; tab++)
		if (strcmp(tab->name, s) == 0)
			return tab->value;
	return luaL_argerror(L, idx, lua_pushfstring(L, "unknown %s '%s'", what, s));
}

static const char *name_of(const struct named *tab, int value)
{
	for (; tab->name; tab++)
		if (tab->value == value)
			return tab->name;
	return NULL;
}

/* Change kinds: an integer of GXCA_CHANGE_* bits or a list of their names. */
static uint32_t opt_changes(lua_State *L, int idx)
{
	if (lua_isnoneornil(L, idx))
		return 0;
	if (lua_type(L, idx) == LUA_TNUMBER)
		return (uint32_t)check_uint(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	uint32_t flags = 0;
	for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {
		flags |= (uint32_t)check_named(L, lua_gettop(L), change_names, "change kind");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return flags;
}

static void push_changes(lua_State *L, uint32_t flags)
{
	lua_newtable(L);
	int n = 0;
	for (const struct named *c = change_names; c->name; c++)
		if (flags & (uint32_t)c->value) {
			lua_pushstring(L, c->name);
			lua_rawseti(L, -2, ++n);
		}
}

/* ---- objects and boxes ---------------------------------------------------- */

/*
 * A new zeroed userdata of one pointer with its metatable; pushed. User
 * value 1 is the pinned ctx of a child (a ctx: its table of children); user
 * value 2 is free for a type's own use (the login server's callbacks).
 */
static void **new_obj(lua_State *L, const char *mt)
{
	void **ud = lua_newuserdatauv(L, sizeof *ud, 2);
	*ud = NULL;
	luaL_setmetatable(L, mt);
	return ud;
}

/* The same for an object made from the context at ctx_idx: it pins the ctx
 * and is listed in the ctx's table of children. */
static void **new_child(lua_State *L, int ctx_idx, const char *mt)
{
	ctx_idx = lua_absindex(L, ctx_idx);
	void **ud = new_obj(L, mt);
	lua_pushvalue(L, ctx_idx);
	lua_setiuservalue(L, -2, 1);
	lua_getiuservalue(L, ctx_idx, 1);
	lua_pushvalue(L, -2);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	return ud;
}

/* The C object of a live userdata of type mt; a closed one is misuse. */
static void *check_obj(lua_State *L, int idx, const char *mt)
{
	void **ud = luaL_checkudata(L, idx, mt);
	if (*ud == NULL)
		luaL_argerror(L, idx, lua_pushfstring(L, "%s is closed", mt));
	return *ud;
}

/* The ctx userdata pinned by the child at idx, pushed; returns its pointer. */
static gxca_ctx *push_ctx_of(lua_State *L, int idx)
{
	lua_getiuservalue(L, idx, 1);
	void **ud = luaL_testudata(L, -1, MT_CTX);
	return ud ? *ud : NULL;
}

static gxca_ctx *ctx_of(lua_State *L, int idx)
{
	gxca_ctx *ctx = push_ctx_of(L, idx);
	lua_pop(L, 1);
	return ctx;
}

/* Free the content of the box or object at idx now (its __close). */
static void release(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (luaL_getmetafield(L, idx, "__close") == LUA_TNIL)
		return;
	lua_pushvalue(L, idx);
	lua_call(L, 1, 0);
}

/* ---- results ---------------------------------------------------------------- */

/* nil, message, code name, field: an expected failure. */
static int fail(lua_State *L, const gxca_ctx *ctx, int rc)
{
	const gxca_error *err = gxca_ctx_last_error(ctx);
	int described = ctx && gxca_error_code(err) == rc;
	luaL_pushfail(L);
	lua_pushstring(L, described ? gxca_error_message(err)
				    : gxca_strerror(rc, ctx ? gxca_ctx_lang(ctx) : GXCA_LANG_ZH));
	lua_pushstring(L, gxca_error_name_of(rc));
	lua_pushstring(L, described ? gxca_error_field(err) : "");
	return 4;
}

static int done(lua_State *L, const gxca_ctx *ctx, int rc)
{
	if (rc)
		return fail(L, ctx, rc);
	lua_pushboolean(L, 1);
	return 1;
}

static void set_str(lua_State *L, const char *key, const char *value)
{
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, lua_Integer value)
{
	lua_pushinteger(L, value);
	lua_setfield(L, -2, key);
}

/* Text the library allocated, held by the box at box_idx; then freed. */
static int text_result(lua_State *L, const gxca_ctx *ctx, int rc, int box_idx)
{
	if (rc)
		return fail(L, ctx, rc);
	lua_pushstring(L, *(char **)lua_touserdata(L, box_idx));
	release(L, box_idx);
	return 1;
}

static int bytes_result(lua_State *L, const gxca_ctx *ctx, int rc, int box_idx, size_t len)
{
	if (rc)
		return fail(L, ctx, rc);
	lua_pushlstring(L, *(char **)lua_touserdata(L, box_idx), len);
	release(L, box_idx);
	return 1;
}

/*
 * A report as a table: code (the status name of the call), ok, errors,
 * warnings, json, and [1..n] = {severity, code, id, field, zh, en}.
 */
static int push_report(lua_State *L, const gxca_report *r, int rc)
{
	char **json = (char **)new_obj(L, MT_MEM);
	int jrc = gxca_report_to_json(r, json);
	if (jrc)
		return fail(L, NULL, jrc);
	size_t n = gxca_report_count(r);
	lua_createtable(L, narr(n), 6);
	set_str(L, "code", gxca_error_name_of(rc));
	lua_pushboolean(L, rc == GXCA_OK);
	lua_setfield(L, -2, "ok");
	set_int(L, "errors", (lua_Integer)gxca_report_error_count(r));
	set_int(L, "warnings", (lua_Integer)gxca_report_warning_count(r));
	set_str(L, "json", *json);
	for (size_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 6);
		set_str(L, "severity", gxca_report_severity(r, i) == GXCA_SEVERITY_ERROR ? "error" : "warning");
		set_str(L, "code", gxca_error_name_of(gxca_report_code(r, i)));
		set_str(L, "id", gxca_report_id(r, i));
		set_str(L, "field", gxca_report_field(r, i));
		set_str(L, "zh", gxca_report_message(r, i, GXCA_LANG_ZH));
		set_str(L, "en", gxca_report_message(r, i, GXCA_LANG_EN));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_remove(L, -2); /* the json box: collected later, freed now */
	return 1;
}

/* The answer of a call that makes a report: the report table whatever the
 * status when it made one (held by the box at box_idx), else the failure. */
static int report_result(lua_State *L, const gxca_ctx *ctx, int rc, int box_idx)
{
	gxca_report *r = *(gxca_report **)lua_touserdata(L, box_idx);
	if (!r)
		return fail(L, ctx, rc);
	int n = push_report(L, r, rc);
	release(L, box_idx);
	return n;
}

/* ---- closing -------------------------------------------------------------- */

struct gx_type {
	const char *name;
	void (*free)(void *);
	const luaL_Reg *methods;
	const luaL_Reg *meta;
};

static void close_children(lua_State *L, int idx)
{
	if (lua_getiuservalue(L, idx, 1) != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		release(L, -1);
	}
	lua_pop(L, 1);
}

/* __gc, __close and :close() of every type; upvalue 1 is its gx_type. */
/* Objects a running call uses while it calls back into Lua (a login
 * server, its nonce store, their context): counts in a weak-keyed registry
 * table. Closing one from the callback would free it under the call. */
#define BUSY_KEY "gxca.busy"

/* Push the busy table (made first if create); false: none, nothing pushed. */
static bool push_busy(lua_State *L, bool create)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, BUSY_KEY) == LUA_TTABLE)
		return true;
	lua_pop(L, 1);
	if (!create)
		return false;
	lua_newtable(L);
	luaL_setmetatable(L, MT_WEAKK);
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, BUSY_KEY);
	return true;
}

static void busy_add(lua_State *L, int idx, int delta)
{
	idx = lua_absindex(L, idx);
	push_busy(L, true);
	lua_pushvalue(L, idx);
	lua_pushvalue(L, idx);
	lua_rawget(L, -3);
	lua_Integer n = lua_tointeger(L, -1) + delta;
	lua_pop(L, 1);
	if (n > 0)
		lua_pushinteger(L, n);
	else
		lua_pushnil(L);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

static bool is_busy(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (!push_busy(L, false))
		return false;
	lua_pushvalue(L, idx);
	bool busy = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	return busy;
}

/* close, __close and __gc (upvalue 2 true): a busy object is never garbage
 * (the running call holds it), so only an explicit close can meet one. */
static int obj_close(lua_State *L)
{
	const struct gx_type *t = lua_touserdata(L, lua_upvalueindex(1));
	void **ud = luaL_checkudata(L, 1, t->name);
	if (*ud == NULL)
		return 0;
	if (!lua_toboolean(L, lua_upvalueindex(2)) && is_busy(L, 1))
		return luaL_error(L, "%s is in use by a running call (a callback cannot close it)", t->name);
	if (strcmp(t->name, MT_CTX) == 0)
		close_children(L, 1);
	void *p = *ud;
	*ud = NULL;
	t->free(p);
	return 0;
}

static void free_ctx(void *p) { gxca_ctx_free(p); }
static void free_quote(void *p) { gxca_quote_free(p); }
static void free_checklist(void *p) { gxca_checklist_free(p); }
static void free_mailpkg(void *p) { gxca_mail_package_free(p); }
static void free_app(void *p) { gxca_application_free(p); }
static void free_key(void *p) { gxca_key_free(p); }
static void free_report(void *p) { gxca_report_free(p); }
static void free_cert(void *p) { gxca_cert_free(p); }
static void free_crl(void *p) { gxca_crl_free(p); }
static void free_ca(void *p) { gxca_ca_free(p); }
static void free_image(void *p) { gxca_image_free(p); }
static void free_sealspec(void *p) { gxca_seal_spec_free(p); }
static void free_eseal(void *p) { gxca_eseal_free(p); }
static void free_esign(void *p) { gxca_esign_free(p); }
static void free_tokmod(void *p) { gxca_token_module_close(p); }
static void free_token(void *p) { gxca_token_close(p); }
static void free_envelope(void *p) { gxca_envelope_free(p); }
static void free_nonces(void *p) { gxca_login_nonce_store_free(p); }
static void free_server(void *p) { gxca_login_server_free(p); }
static void free_record(void *p) { gxca_ca_record_free(p); }
static void free_records(void *p) { gxca_ca_records_free(p); }
static void free_eresult(void *p) { gxca_eseal_result_free(p); }
static void free_identity(void *p) { gxca_login_identity_free(p); }

/* ---- module functions ----------------------------------------------------- */

static int l_version(lua_State *L)
{
	lua_pushstring(L, gxca_version());
	return 1;
}

static int l_strerror(lua_State *L)
{
	int code = check_int(L, 1), lang = check_lang(L, 2);
	lua_pushstring(L, gxca_strerror(code, (gxca_lang)lang));
	return 1;
}

static int l_error_name(lua_State *L)
{
	lua_pushstring(L, gxca_error_name_of(check_int(L, 1)));
	return 1;
}

static int l_policy_default_json(lua_State *L)
{
	lua_pushstring(L, gxca_policy_default_json());
	return 1;
}

static int l_date_of(lua_State *L)
{
	int64_t t = (int64_t)luaL_checkinteger(L, 1);
	char out[GXCA_DATE_SIZE];
	int rc = gxca_calendar_date_of(t, out);
	if (rc)
		return fail(L, NULL, rc);
	lua_pushstring(L, out);
	return 1;
}

static int push_check_char(lua_State *L, char c)
{
	if (c == 0)
		luaL_pushfail(L);
	else
		lua_pushlstring(L, &c, 1);
	return 1;
}

static int l_uscc_check_char(lua_State *L)
{
	return push_check_char(L, gxca_identity_uscc_check_char(check_text(L, 1)));
}

static int l_id_check_char(lua_State *L)
{
	return push_check_char(L, gxca_identity_id_check_char(check_text(L, 1)));
}

static int l_field_label(lua_State *L)
{
	int field = CHECK_FIELD(L, 1), lang = check_lang(L, 2);
	lua_pushstring(L, gxca_app_field_label(field, lang));
	return 1;
}

static int l_field_applies(lua_State *L)
{
	int applicant = CHECK_APPLICANT(L, 1), field = CHECK_FIELD(L, 2);
	lua_pushboolean(L, gxca_app_field_applies(applicant, field));
	return 1;
}

/* gxca.new([lang]) -> ctx */
static int l_new(lua_State *L)
{
	int lang = lua_isnoneornil(L, 1) ? -1 : check_lang(L, 1);
	gxca_ctx **ud = (gxca_ctx **)new_obj(L, MT_CTX);
	lua_newtable(L); /* weak-keyed table of the children */
	luaL_setmetatable(L, MT_WEAKK);
	lua_setiuservalue(L, -2, 1);
	int rc = gxca_ctx_new(ud);
	if (rc)
		return fail(L, NULL, rc);
	if (lang >= 0 && (rc = gxca_ctx_set_lang(*ud, lang)) != GXCA_OK)
		return fail(L, *ud, rc);
	return 1;
}

/* ---- ctx ------------------------------------------------------------------ */

#define CTX(L) ((gxca_ctx *)check_obj(L, 1, MT_CTX))

static int ctx_lang(lua_State *L)
{
	lua_pushstring(L, gxca_ctx_lang(CTX(L)) == GXCA_LANG_EN ? "en" : "zh");
	return 1;
}

static int ctx_set_lang(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int lang = check_lang(L, 2);
	return done(L, ctx, gxca_ctx_set_lang(ctx, lang));
}

/* ctx:last_error() -> message, code_name, field, detail (nil after success) */
static int ctx_last_error(lua_State *L)
{
	const gxca_error *err = gxca_ctx_last_error(CTX(L));
	if (gxca_error_code(err) == GXCA_OK) {
		luaL_pushfail(L);
		return 1;
	}
	lua_pushstring(L, gxca_error_message(err));
	lua_pushstring(L, gxca_error_name(err));
	lua_pushstring(L, gxca_error_field(err));
	lua_pushstring(L, gxca_error_detail(err));
	return 4;
}

static int ctx_load_policy(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = check_text(L, 2);
	return done(L, ctx, gxca_ctx_load_policy(ctx, path));
}

static int ctx_load_policy_json(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const char *json = luaL_checklstring(L, 2, &n);
	return done(L, ctx, gxca_ctx_load_policy_json(ctx, json, n));
}

static int ctx_reset_policy(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	return done(L, ctx, gxca_ctx_reset_policy(ctx));
}

static int ctx_policy(lua_State *L)
{
	static const char *const keys[] = {"platform_code", "platform_name", "hotline", "mailbox",
					    "initial_pin", NULL};
	gxca_ctx *ctx = CTX(L);
	switch (luaL_checkoption(L, 2, NULL, keys)) {
	case 0: lua_pushstring(L, gxca_policy_platform_code(ctx)); break;
	case 1: lua_pushstring(L, gxca_policy_platform_name(ctx)); break;
	case 2: lua_pushstring(L, gxca_policy_hotline(ctx)); break;
	case 3: lua_pushstring(L, gxca_policy_mailbox(ctx)); break;
	default: lua_pushstring(L, gxca_policy_initial_pin(ctx)); break;
	}
	return 1;
}

static int ctx_time_of(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *date = check_text(L, 2);
	int64_t t;
	int rc = gxca_calendar_time_of(ctx, date, &t);
	if (rc)
		return fail(L, ctx, rc);
	lua_pushinteger(L, (lua_Integer)t);
	return 1;
}

static int ctx_is_working_day(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *date = check_text(L, 2);
	int yes;
	int rc = gxca_calendar_is_working_day(ctx, date, &yes);
	if (rc)
		return fail(L, ctx, rc);
	lua_pushboolean(L, yes);
	return 1;
}

static int ctx_add_working_days(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *date = check_text(L, 2);
	int n = check_int(L, 3);
	char out[GXCA_DATE_SIZE];
	int rc = gxca_calendar_add_working_days(ctx, date, n, out);
	if (rc)
		return fail(L, ctx, rc);
	lua_pushstring(L, out);
	return 1;
}

/* Sites are copied into tables: the library's live only as long as the policy. */
static void push_site(lua_State *L, const gxca_site *s)
{
	lua_createtable(L, 0, 5);
	set_str(L, "id", gxca_site_id(s));
	set_str(L, "region_zh", gxca_site_region(s, GXCA_LANG_ZH));
	set_str(L, "region_en", gxca_site_region(s, GXCA_LANG_EN));
	set_str(L, "address", gxca_site_address(s));
	set_str(L, "phone", gxca_site_phone(s));
}

static int ctx_sites(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n = gxca_site_count(ctx);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		push_site(L, gxca_site_get(ctx, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int ctx_site(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const gxca_site *s = gxca_site_find(ctx, check_text(L, 2));
	if (!s)
		luaL_pushfail(L);
	else
		push_site(L, s);
	return 1;
}

static int ctx_site_hours(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *id = check_text(L, 2);
	int month = check_int(L, 3);
	char **out = (char **)new_obj(L, MT_MEM);
	int rc = gxca_site_hours(ctx, gxca_site_find(ctx, id), month, out);
	return text_result(L, ctx, rc, -1);
}

static int ctx_site_is_open(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *id = check_text(L, 2);
	int64_t t = (int64_t)luaL_checkinteger(L, 3);
	int open;
	int rc = gxca_site_is_open(ctx, gxca_site_find(ctx, id), t, &open);
	if (rc)
		return fail(L, ctx, rc);
	lua_pushboolean(L, open);
	return 1;
}

static int ctx_check_uscc(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *code = check_text(L, 2);
	gxca_report **r = (gxca_report **)new_obj(L, MT_REPORT);
	int rc = gxca_identity_check_uscc(ctx, code, r);
	return report_result(L, ctx, rc, -1);
}

static int ctx_check_id_number(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *id = check_text(L, 2);
	gxca_report **r = (gxca_report **)new_obj(L, MT_REPORT);
	int rc = gxca_identity_check_id_number(ctx, id, r);
	return report_result(L, ctx, rc, -1);
}

static int ctx_tariff_price(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int applicant = CHECK_APPLICANT(L, 2), business = CHECK_BUSINESS(L, 3);
	int item = CHECK_ITEM(L, 4), years = check_int(L, 5);
	int64_t fen;
	int rc = gxca_tariff_price(ctx, applicant, business, item, years, &fen);
	if (rc)
		return fail(L, ctx, rc);
	lua_pushinteger(L, (lua_Integer)fen);
	return 1;
}

static int ctx_quote(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	gxca_quote **q = (gxca_quote **)new_child(L, 1, MT_QUOTE);
	int rc = gxca_quote_new(q, ctx);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_checklist(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int applicant = CHECK_APPLICANT(L, 2), business = CHECK_BUSINESS(L, 3);
	uint32_t changes = opt_changes(L, 4);
	int by_proxy = lua_toboolean(L, 5);
	gxca_checklist **cl = (gxca_checklist **)new_child(L, 1, MT_CHECKLIST);
	int rc = gxca_checklist_new(cl, ctx, applicant, business, changes, by_proxy);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_application(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int applicant = CHECK_APPLICANT(L, 2);
	gxca_application **app = (gxca_application **)new_child(L, 1, MT_APP);
	int rc = gxca_application_new(app, ctx, applicant);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_application_from_json(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const char *json = luaL_checklstring(L, 2, &n);
	gxca_application **app = (gxca_application **)new_child(L, 1, MT_APP);
	int rc = gxca_application_from_json(app, ctx, json, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_generate_key(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int alg = CHECK_KEY_ALG(L, 2);
	gxca_key **key = (gxca_key **)new_child(L, 1, MT_KEY);
	int rc = gxca_key_generate(key, ctx, alg);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_load_key(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const char *data = luaL_checklstring(L, 2, &n);
	const char *password = opt_text(L, 3);
	gxca_key **key = (gxca_key **)new_child(L, 1, MT_KEY);
	int rc = gxca_key_load(key, ctx, (const uint8_t *)data, n, password);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_load_key_file(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = check_text(L, 2), *password = opt_text(L, 3);
	gxca_key **key = (gxca_key **)new_child(L, 1, MT_KEY);
	int rc = gxca_key_load_file(key, ctx, path, password);
	return rc ? fail(L, ctx, rc) : 1;
}


/* ---- quote ------------------------------------------------------------------ */

#define QUOTE(L) ((gxca_quote *)check_obj(L, 1, MT_QUOTE))

static int quote_add(lua_State *L)
{
	gxca_quote *q = QUOTE(L);
	int applicant = CHECK_APPLICANT(L, 2), business = CHECK_BUSINESS(L, 3);
	int item = CHECK_ITEM(L, 4);
	unsigned count = lua_isnoneornil(L, 5) ? 1 : check_uint(L, 5);
	int years = opt_int(L, 6, 0);
	return done(L, ctx_of(L, 1), gxca_quote_add(q, applicant, business, item, count, years));
}

static int quote_add_order(lua_State *L)
{
	gxca_quote *q = QUOTE(L);
	int applicant = CHECK_APPLICANT(L, 2), business = CHECK_BUSINESS(L, 3);
	unsigned tokens = check_uint(L, 4);
	int years = opt_int(L, 5, 0), seals = opt_int(L, 6, -1);
	return done(L, ctx_of(L, 1),
		    gxca_quote_add_order(q, applicant, business, tokens, years, seals));
}

static int quote_total(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_quote_total(QUOTE(L)));
	return 1;
}

static int quote_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_quote_line_count(QUOTE(L)));
	return 1;
}

static void push_quote_line(lua_State *L, const gxca_quote *q, size_t i)
{
	lua_createtable(L, 0, 11);
	set_str(L, "applicant", gxca_applicant_name(gxca_quote_line_applicant(q, i)));
	set_str(L, "business", gxca_business_name(gxca_quote_line_business(q, i)));
	set_str(L, "item", gxca_item_name(gxca_quote_line_item(q, i)));
	set_int(L, "quantity", gxca_quote_line_quantity(q, i));
	set_int(L, "years", gxca_quote_line_years(q, i));
	set_int(L, "unit_fen", gxca_quote_line_unit_fen(q, i));
	set_int(L, "amount_fen", gxca_quote_line_amount_fen(q, i));
	set_int(L, "list_fen", gxca_quote_line_list_fen(q, i));
	set_int(L, "discount_fen", gxca_quote_line_discount_fen(q, i));
	set_str(L, "zh", gxca_quote_line_text(q, i, GXCA_LANG_ZH));
	set_str(L, "en", gxca_quote_line_text(q, i, GXCA_LANG_EN));
}

/* q:line(i) with 1 <= i <= #q; q:lines() -> the list */
static int quote_line(lua_State *L)
{
	gxca_quote *q = QUOTE(L);
	lua_Integer i = luaL_checkinteger(L, 2);
	luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= gxca_quote_line_count(q), 2, "no such line");
	push_quote_line(L, q, (size_t)i - 1);
	return 1;
}

static int quote_lines(lua_State *L)
{
	gxca_quote *q = QUOTE(L);
	size_t n = gxca_quote_line_count(q);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		push_quote_line(L, q, i);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int quote_to_json(lua_State *L)
{
	gxca_quote *q = QUOTE(L);
	char **out = (char **)new_obj(L, MT_MEM);
	int rc = gxca_quote_to_json(q, out);
	return text_result(L, ctx_of(L, 1), rc, -1);
}

static const luaL_Reg quote_methods[] = {
	{"add", quote_add},     {"add_order", quote_add_order}, {"total", quote_total},
	{"count", quote_len},   {"line", quote_line},           {"lines", quote_lines},
	{"to_json", quote_to_json}, {NULL, NULL}};
static const luaL_Reg quote_meta[] = {{"__len", quote_len}, {NULL, NULL}};

/* ---- checklist and mail package ------------------------------------------------ */

#define CHECKLIST(L) ((gxca_checklist *)check_obj(L, 1, MT_CHECKLIST))

static int checklist_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_checklist_count(CHECKLIST(L)));
	return 1;
}

static void push_checklist_item(lua_State *L, const gxca_checklist *cl, size_t i)
{
	uint32_t flags = gxca_checklist_flags(cl, i);
	lua_createtable(L, 0, 8);
	set_str(L, "material", gxca_material_name(gxca_checklist_material(cl, i)));
	set_str(L, "zh", gxca_checklist_label(cl, i, GXCA_LANG_ZH));
	set_str(L, "en", gxca_checklist_label(cl, i, GXCA_LANG_EN));
	set_int(L, "flags", flags);
	for (const struct named *f = matflag_names; f->name; f++) {
		lua_pushboolean(L, (flags & (uint32_t)f->value) != 0);
		lua_setfield(L, -2, f->name);
	}
}

static int checklist_item(lua_State *L)
{
	gxca_checklist *cl = CHECKLIST(L);
	lua_Integer i = luaL_checkinteger(L, 2);
	luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= gxca_checklist_count(cl), 2, "no such item");
	push_checklist_item(L, cl, (size_t)i - 1);
	return 1;
}

static int checklist_items(lua_State *L)
{
	gxca_checklist *cl = CHECKLIST(L);
	size_t n = gxca_checklist_count(cl);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		push_checklist_item(L, cl, i);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int checklist_warning(lua_State *L)
{
	gxca_checklist *cl = CHECKLIST(L);
	const char *w = gxca_checklist_warning(cl, check_lang(L, 2));
	if (w)
		lua_pushstring(L, w);
	else
		luaL_pushfail(L);
	return 1;
}

/* cl:check{ "LICENSE_COPY", ... } -> report */
static int checklist_check(lua_State *L)
{
	gxca_checklist *cl = CHECKLIST(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
	luaL_argcheck(L, n >= 0 && n <= 4096, 2, "too many materials");
	int *ids = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *ids, 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 2, i);
		ids[i - 1] = CHECK_MATERIAL(L, lua_gettop(L));
		lua_pop(L, 1);
	}
	gxca_report **r = (gxca_report **)new_obj(L, MT_REPORT);
	int rc = gxca_checklist_check(cl, ids, (size_t)n, r);
	return report_result(L, ctx_of(L, 1), rc, -1);
}

static int checklist_mail_package(lua_State *L)
{
	gxca_checklist *cl = CHECKLIST(L);
	const char *name = check_text(L, 2);
	gxca_ctx *ctx = push_ctx_of(L, 1); /* the package pins the checklist's ctx */
	gxca_mail_package **pkg = (gxca_mail_package **)new_child(L, -1, MT_MAILPKG);
	int rc = gxca_mail_package_new(pkg, cl, name);
	return rc ? fail(L, ctx, rc) : 1;
}

static const luaL_Reg checklist_methods[] = {
	{"count", checklist_len},         {"item", checklist_item},
	{"items", checklist_items},       {"warning", checklist_warning},
	{"check", checklist_check},       {"mail_package", checklist_mail_package},
	{NULL, NULL}};
static const luaL_Reg checklist_meta[] = {{"__len", checklist_len}, {NULL, NULL}};

#define MAILPKG(L) ((gxca_mail_package *)check_obj(L, 1, MT_MAILPKG))

static int mailpkg_add_scan(lua_State *L)
{
	gxca_mail_package *pkg = MAILPKG(L);
	int material = CHECK_MATERIAL(L, 2);
	const char *filename = check_text(L, 3);
	size_t n;
	const char *data = luaL_checklstring(L, 4, &n);
	return done(L, ctx_of(L, 1),
		    gxca_mail_package_add_scan(pkg, material, filename, (const uint8_t *)data, n));
}

static int mailpkg_filename(lua_State *L)
{
	lua_pushstring(L, gxca_mail_package_filename(MAILPKG(L)));
	return 1;
}

static int mailpkg_build(lua_State *L)
{
	gxca_mail_package *pkg = MAILPKG(L);
	int64_t t = (int64_t)luaL_checkinteger(L, 2);
	uint8_t **zip = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_mail_package_build(pkg, t, zip, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int mailpkg_write(lua_State *L)
{
	gxca_mail_package *pkg = MAILPKG(L);
	int64_t t = (int64_t)luaL_checkinteger(L, 2);
	const char *dir = check_text(L, 3);
	char **path = (char **)new_obj(L, MT_MEM);
	int rc = gxca_mail_package_write(pkg, t, dir, path);
	return text_result(L, ctx_of(L, 1), rc, -1);
}

static const luaL_Reg mailpkg_methods[] = {
	{"add_scan", mailpkg_add_scan}, {"filename", mailpkg_filename},
	{"build", mailpkg_build},       {"write", mailpkg_write},
	{NULL, NULL}};

/* ---- application ------------------------------------------------------------- */

#define APP(L) ((gxca_application *)check_obj(L, 1, MT_APP))

static int app_done(lua_State *L, int rc) { return done(L, ctx_of(L, 1), rc); }

static int app_id(lua_State *L)
{
	lua_pushstring(L, gxca_application_id(APP(L)));
	return 1;
}

static int app_applicant(lua_State *L)
{
	lua_pushstring(L, gxca_applicant_name(gxca_application_applicant(APP(L))));
	return 1;
}

static int app_set(lua_State *L)
{
	gxca_application *app = APP(L);
	int field = CHECK_FIELD(L, 2);
	const char *value = check_text(L, 3);
	return app_done(L, gxca_application_set(app, field, value));
}

static int app_get(lua_State *L)
{
	gxca_application *app = APP(L);
	lua_pushstring(L, gxca_application_get(app, CHECK_FIELD(L, 2)));
	return 1;
}

static int app_id_type(lua_State *L)
{
	lua_pushstring(L, name_of(id_type_names, gxca_application_id_type(APP(L))));
	return 1;
}

static int app_set_id_type(lua_State *L)
{
	gxca_application *app = APP(L);
	int t = lua_isnoneornil(L, 2) ? 0 : check_named(L, 2, id_type_names, "id type");
	return app_done(L, gxca_application_set_id_type(app, t));
}

static int app_collected(lua_State *L)
{
	gxca_application *app = APP(L);
	int what = check_named(L, 2, collect_names, "collected item");
	lua_pushinteger(L, gxca_application_collected(app, what));
	return 1;
}

static int app_set_collected(lua_State *L)
{
	gxca_application *app = APP(L);
	int what = check_named(L, 2, collect_names, "collected item"), value = check_int(L, 3);
	return app_done(L, gxca_application_set_collected(app, what, value));
}

static int app_by_proxy(lua_State *L)
{
	lua_pushboolean(L, gxca_application_by_proxy(APP(L)));
	return 1;
}

static int app_set_by_proxy(lua_State *L)
{
	gxca_application *app = APP(L);
	return app_done(L, gxca_application_set_by_proxy(app, lua_toboolean(L, 2)));
}

static int app_consent(lua_State *L)
{
	lua_pushboolean(L, gxca_application_consent(APP(L)));
	return 1;
}

static int app_set_consent(lua_State *L)
{
	gxca_application *app = APP(L);
	return app_done(L, gxca_application_set_consent(app, lua_toboolean(L, 2)));
}

/* app:add_line(business, count, years, changes) */
static int app_add_line(lua_State *L)
{
	gxca_application *app = APP(L);
	int business = CHECK_BUSINESS(L, 2);
	unsigned count = lua_isnoneornil(L, 3) ? 1 : check_uint(L, 3);
	int years = opt_int(L, 4, 0);
	uint32_t changes = opt_changes(L, 5);
	return app_done(L, gxca_application_add_line(app, business, count, years, changes));
}

static int app_lines(lua_State *L)
{
	gxca_application *app = APP(L);
	size_t n = gxca_application_line_count(app);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		int business = 0, years = 0;
		unsigned count = 0;
		uint32_t changes = 0;
		if (gxca_application_line_get(app, i, &business, &count, &years, &changes))
			break; /* cannot happen: i < count */
		lua_createtable(L, 0, 4);
		set_str(L, "business", gxca_business_name(business));
		set_int(L, "count", count);
		set_int(L, "years", years);
		push_changes(L, changes);
		lua_setfield(L, -2, "changes");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int app_clear_lines(lua_State *L)
{
	return app_done(L, gxca_application_clear_lines(APP(L)));
}

static int app_validate(lua_State *L)
{
	gxca_application *app = APP(L);
	gxca_report **r = (gxca_report **)new_obj(L, MT_REPORT);
	int rc = gxca_application_validate(app, r);
	return report_result(L, ctx_of(L, 1), rc, -1);
}

static int app_to_json(lua_State *L)
{
	gxca_application *app = APP(L);
	char **out = (char **)new_obj(L, MT_MEM);
	int rc = gxca_application_to_json(app, out);
	return text_result(L, ctx_of(L, 1), rc, -1);
}

static int app_state(lua_State *L)
{
	lua_pushstring(L, gxca_app_state_name(gxca_application_state(APP(L))));
	return 1;
}

static int app_submit(lua_State *L)
{
	gxca_application *app = APP(L);
	int channel = CHECK_CHANNEL(L, 2);
	const char *actor = check_text(L, 3);
	int64_t when = (int64_t)luaL_checkinteger(L, 4);
	return app_done(L, gxca_application_submit(app, channel, actor, when));
}

/* The transitions that take (actor, when). */
static int app_step(lua_State *L, int (*fn)(gxca_application *, const char *, int64_t))
{
	gxca_application *app = APP(L);
	const char *actor = check_text(L, 2);
	int64_t when = (int64_t)luaL_checkinteger(L, 3);
	return app_done(L, fn(app, actor, when));
}

static int app_approve(lua_State *L) { return app_step(L, gxca_application_approve); }
static int app_request_payment(lua_State *L) { return app_step(L, gxca_application_request_payment); }
static int app_mark_paid(lua_State *L) { return app_step(L, gxca_application_mark_paid); }
static int app_mark_issued(lua_State *L) { return app_step(L, gxca_application_mark_issued); }

static int app_reject(lua_State *L)
{
	gxca_application *app = APP(L);
	const char *actor = check_text(L, 2);
	int64_t when = (int64_t)luaL_checkinteger(L, 3);
	const char *reason = check_text(L, 4);
	return app_done(L, gxca_application_reject(app, actor, when, reason));
}

static int app_deliver(lua_State *L)
{
	gxca_application *app = APP(L);
	const char *actor = check_text(L, 2);
	int64_t when = (int64_t)luaL_checkinteger(L, 3);
	const char *tracking = opt_text(L, 4);
	return app_done(L, gxca_application_deliver(app, actor, when, tracking));
}

static int app_last_report(lua_State *L)
{
	const gxca_report *r = gxca_application_last_report(APP(L));
	if (!r) {
		luaL_pushfail(L);
		return 1;
	}
	return push_report(L, r, GXCA_EINVALID);
}

static int app_history(lua_State *L)
{
	gxca_application *app = APP(L);
	size_t n = gxca_application_history_count(app);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		int state = 0;
		int64_t when = 0;
		const char *actor = "", *note = "";
		if (gxca_application_history_get(app, i, &state, &when, &actor, &note))
			break; /* cannot happen: i < count */
		lua_createtable(L, 0, 4);
		set_str(L, "state", gxca_app_state_name(state));
		set_int(L, "when", (lua_Integer)when);
		set_str(L, "actor", actor);
		set_str(L, "note", note);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int app_channel(lua_State *L)
{
	lua_pushstring(L, gxca_channel_name(gxca_application_channel(APP(L))));
	return 1;
}

static int app_paid_at(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_application_paid_at(APP(L)));
	return 1;
}

static int app_tracking_no(lua_State *L)
{
	lua_pushstring(L, gxca_application_tracking_no(APP(L)));
	return 1;
}

static int app_due(lua_State *L, int (*fn)(const gxca_application *, char *))
{
	gxca_application *app = APP(L);
	char out[GXCA_DATE_SIZE];
	int rc = fn(app, out);
	if (rc)
		return fail(L, ctx_of(L, 1), rc);
	lua_pushstring(L, out);
	return 1;
}

static int app_invoice_due(lua_State *L) { return app_due(L, gxca_application_invoice_due); }
static int app_mail_due(lua_State *L) { return app_due(L, gxca_application_mail_due); }

static const luaL_Reg app_methods[] = {
	{"id", app_id},
	{"applicant", app_applicant},
	{"set", app_set},
	{"get", app_get},
	{"id_type", app_id_type},
	{"set_id_type", app_set_id_type},
	{"collected", app_collected},
	{"set_collected", app_set_collected},
	{"by_proxy", app_by_proxy},
	{"set_by_proxy", app_set_by_proxy},
	{"consent", app_consent},
	{"set_consent", app_set_consent},
	{"add_line", app_add_line},
	{"lines", app_lines},
	{"clear_lines", app_clear_lines},
	{"validate", app_validate},
	{"to_json", app_to_json},
	{"state", app_state},
	{"submit", app_submit},
	{"approve", app_approve},
	{"reject", app_reject},
	{"request_payment", app_request_payment},
	{"mark_paid", app_mark_paid},
	{"mark_issued", app_mark_issued},
	{"deliver", app_deliver},
	{"last_report", app_last_report},
	{"history", app_history},
	{"channel", app_channel},
	{"paid_at", app_paid_at},
	{"tracking_no", app_tracking_no},
	{"invoice_due", app_invoice_due},
	{"mail_due", app_mail_due},
	{NULL, NULL}};

/* ---- key ------------------------------------------------------------------------ */

#define KEY(L) ((gxca_key *)check_obj(L, 1, MT_KEY))

static int key_algorithm(lua_State *L)
{
	lua_pushstring(L, gxca_key_alg_name(gxca_key_algorithm(KEY(L))));
	return 1;
}

static int key_save_pem(lua_State *L)
{
	gxca_key *key = KEY(L);
	const char *path = check_text(L, 2), *password = opt_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_key_save_pem(key, path, password));
}

static int key_public_der(lua_State *L)
{
	gxca_key *key = KEY(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_key_public_der(key, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int key_sign(lua_State *L)
{
	gxca_key *key = KEY(L);
	size_t n;
	const char *data = luaL_checklstring(L, 2, &n);
	uint8_t **sig = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_key_sign(key, (const uint8_t *)data, n, sig, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int key_verify(lua_State *L)
{
	gxca_key *key = KEY(L);
	size_t n, sn;
	const char *data = luaL_checklstring(L, 2, &n), *sig = luaL_checklstring(L, 3, &sn);
	return done(L, ctx_of(L, 1),
		    gxca_key_verify(key, (const uint8_t *)data, n, (const uint8_t *)sig, sn));
}


/* ---- shared by the modules below -------------------------------------------- */

/* Bytes the library lends (a const uint8_t * getter with its length); nil when absent. */
static int push_blob(lua_State *L, const uint8_t *p, size_t len)
{
	if (p)
		lua_pushlstring(L, (const char *)p, len);
	else
		luaL_pushfail(L);
	return 1;
}

/* Names of the set bits of flags, from the library's name function. */
static void push_bit_names(lua_State *L, uint32_t flags, const char *(*bit_name)(uint32_t))
{
	lua_newtable(L);
	int n = 0;
	for (int k = 0; k < 32; k++) {
		const char *name = bit_name(1u << k);
		if (name && (flags & (1u << k))) {
			lua_pushstring(L, name);
			lua_rawseti(L, -2, ++n);
		}
	}
}

/* A string argument holding bytes (DER, PEM, data): no NUL check. */
static const uint8_t *check_bytes(lua_State *L, int idx, size_t *len)
{
	return (const uint8_t *)luaL_checklstring(L, idx, len);
}

static const uint8_t *opt_bytes(lua_State *L, int idx, size_t *len)
{
	*len = 0;
	return lua_isnoneornil(L, idx) ? NULL : check_bytes(L, idx, len);
}

/* A certificate argument: a gxca.cert userdata (its DER, anchored on the
 * stack) or a string of DER or PEM bytes. */
static const uint8_t *check_cert_bytes(lua_State *L, int idx, size_t *len)
{
	gxca_cert **ud = luaL_testudata(L, idx, MT_CERT);
	if (!ud)
		return check_bytes(L, idx, len);
	if (!*ud)
		luaL_argerror(L, idx, MT_CERT " is closed");
	uint8_t **der = (uint8_t **)new_obj(L, MT_MEM);
	if (gxca_cert_to_der(*ud, der, len) != GXCA_OK)
		luaL_error(L, "cannot encode the certificate");
	lua_pushlstring(L, (const char *)*der, *len);
	release(L, -2);
	lua_replace(L, idx); /* the DER string takes the argument's place */
	lua_pop(L, 1);       /* the emptied box */
	return (const uint8_t *)lua_tostring(L, idx);
}

/* ---- certificates and CRLs --------------------------------------------------- */

static const struct named usage_names[] = {
	{"SIGN", GXCA_CERT_SIGN}, {"ENCRYPT", GXCA_CERT_ENCRYPT}, {"CA", GXCA_CERT_CA}, {NULL, 0}};
static const struct named dn_names[] = {
	{"C", GXCA_DN_C}, {"ST", GXCA_DN_ST}, {"L", GXCA_DN_L}, {"O", GXCA_DN_O},
	{"OU", GXCA_DN_OU}, {"CN", GXCA_DN_CN}, {NULL, 0}};

static int check_reason(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TNUMBER)
		return check_int(L, idx);
	const char *s = luaL_checkstring(L, idx);
	int v = gxca_revocation_reason_from_name(s);
	if (v < 0)
		return luaL_argerror(L, idx, lua_pushfstring(L, "unknown revocation reason '%s'", s));
	return v;
}

static void set_reason(lua_State *L, const char *key, int reason)
{
	if (reason >= 0)
		set_str(L, key, gxca_revocation_reason_name(reason));
}

#define CERT(L) ((gxca_cert *)check_obj(L, 1, MT_CERT))

/* A new cert userdata (a child of the ctx at ctx_idx) holding a copy of c. */
static int push_cert_copy(lua_State *L, int ctx_idx, gxca_ctx *ctx, const gxca_cert *c)
{
	ctx_idx = lua_absindex(L, ctx_idx);
	uint8_t **der = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_cert_to_der(c, der, &len);
	if (rc)
		return rc;
	gxca_cert **out = (gxca_cert **)new_child(L, ctx_idx, MT_CERT);
	rc = gxca_cert_from_der(out, ctx, *der, len);
	release(L, -2);
	lua_remove(L, -2);
	return rc;
}

/* A table of certificates made from a library array (copied; the array freed). */
static int push_cert_array(lua_State *L, int ctx_idx, gxca_ctx *ctx, gxca_cert **certs, size_t n)
{
	int rc = GXCA_OK;
	ctx_idx = lua_absindex(L, ctx_idx);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n && rc == GXCA_OK; i++) {
		rc = push_cert_copy(L, ctx_idx, ctx, certs[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return rc;
}

/* The array of a chain call, held by a box until it is copied. */
struct chain_box {
	gxca_cert **certs;
	size_t n;
};

static int chain_result(lua_State *L, int ctx_idx, gxca_ctx *ctx, int rc, struct chain_box *b)
{
	ctx_idx = lua_absindex(L, ctx_idx);
	if (rc == GXCA_OK)
		rc = push_cert_array(L, ctx_idx, ctx, b->certs, b->n);
	gxca_cert_chain_free(b->certs, b->n);
	b->certs = NULL;
	b->n = 0;
	return rc ? fail(L, ctx, rc) : 1;
}

/* A chain box: a userdata whose __gc frees the array should a Lua error
 * interrupt the copy. */
static struct chain_box *new_chain_box(lua_State *L)
{
	struct chain_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->certs = NULL;
	b->n = 0;
	luaL_setmetatable(L, MT_CHAINBOX);
	return b;
}

static int chainbox_gc(lua_State *L)
{
	struct chain_box *b = luaL_checkudata(L, 1, MT_CHAINBOX);
	gxca_cert_chain_free(b->certs, b->n);
	b->certs = NULL;
	b->n = 0;
	return 0;
}

static int ctx_cert_parse(lua_State *L, int pem)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const uint8_t *data = check_bytes(L, 2, &n);
	gxca_cert **out = (gxca_cert **)new_child(L, 1, MT_CERT);
	int rc = pem ? gxca_cert_from_pem(out, ctx, (const char *)data, n)
		     : gxca_cert_from_der(out, ctx, data, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_cert_from_der(lua_State *L) { return ctx_cert_parse(L, 0); }
static int ctx_cert_from_pem(lua_State *L) { return ctx_cert_parse(L, 1); }

static int ctx_cert_load(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = check_text(L, 2);
	gxca_cert **out = (gxca_cert **)new_child(L, 1, MT_CERT);
	int rc = gxca_cert_load_file(out, ctx, path);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_cert_chain_from_pem(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const char *pem = luaL_checklstring(L, 2, &n);
	struct chain_box *b = new_chain_box(L);
	int rc = gxca_cert_chain_from_pem(&b->certs, &b->n, ctx, pem, n);
	return chain_result(L, 1, ctx, rc, b);
}

static int ctx_cert_chain_load(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = check_text(L, 2);
	struct chain_box *b = new_chain_box(L);
	int rc = gxca_cert_chain_load_file(&b->certs, &b->n, ctx, path);
	return chain_result(L, 1, ctx, rc, b);
}

static int cert_bytes(lua_State *L, int (*fn)(const gxca_cert *, uint8_t **, size_t *))
{
	gxca_cert *c = CERT(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = fn(c, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int cert_to_pem_fn(const gxca_cert *c, uint8_t **out, size_t *len)
{
	return gxca_cert_to_pem(c, (char **)out, len);
}

static int cert_to_der(lua_State *L) { return cert_bytes(L, gxca_cert_to_der); }
static int cert_to_pem(lua_State *L) { return cert_bytes(L, cert_to_pem_fn); }
static int cert_public_der(lua_State *L) { return cert_bytes(L, gxca_cert_public_der); }

static int cert_subject(lua_State *L)
{
	lua_pushstring(L, gxca_cert_subject(CERT(L)));
	return 1;
}

static int cert_issuer(lua_State *L)
{
	lua_pushstring(L, gxca_cert_issuer(CERT(L)));
	return 1;
}

static int cert_subject_field(lua_State *L)
{
	gxca_cert *c = CERT(L);
	lua_pushstring(L, gxca_cert_subject_field(c, check_named(L, 2, dn_names, "name attribute")));
	return 1;
}

static int cert_serial(lua_State *L)
{
	lua_pushstring(L, gxca_cert_serial(CERT(L)));
	return 1;
}

static int cert_validity(lua_State *L)
{
	gxca_cert *c = CERT(L);
	lua_pushinteger(L, (lua_Integer)gxca_cert_not_before(c));
	lua_pushinteger(L, (lua_Integer)gxca_cert_not_after(c));
	return 2;
}

static int cert_key_algorithm(lua_State *L)
{
	lua_pushstring(L, gxca_key_alg_name(gxca_cert_key_algorithm(CERT(L))));
	return 1;
}

static int cert_usage(lua_State *L)
{
	lua_pushstring(L, name_of(usage_names, gxca_cert_usage(CERT(L))));
	return 1;
}

static int cert_uscc(lua_State *L)
{
	lua_pushstring(L, gxca_cert_uscc(CERT(L)));
	return 1;
}

static int cert_id_number(lua_State *L)
{
	lua_pushstring(L, gxca_cert_id_number(CERT(L)));
	return 1;
}

/* cert:verify({ca, ...}, crl|nil, at|nil) -> true | nil, msg, code, field, reason, revoked_at */
static int cert_verify(lua_State *L)
{
	gxca_cert *c = CERT(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
	luaL_argcheck(L, n >= 0 && n <= 64, 2, "at most 64 certificates");
	const gxca_crl *crl = lua_isnoneornil(L, 3) ? NULL : check_obj(L, 3, MT_CRL);
	int64_t at = (int64_t)luaL_optinteger(L, 4, 0);
	const gxca_cert **chain = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *chain, 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 2, i);
		chain[i - 1] = check_obj(L, -1, MT_CERT);
		lua_pop(L, 1); /* the table keeps it alive */
	}
	int reason = -1;
	int64_t revoked_at = 0;
	int rc = gxca_cert_verify(c, chain, (size_t)n, crl, at, &reason, &revoked_at);
	if (rc == GXCA_OK)
		return done(L, NULL, rc);
	int k = fail(L, ctx_of(L, 1), rc);
	if (rc != GXCA_ECERT_REVOKED)
		return k;
	lua_pushstring(L, gxca_revocation_reason_name(reason));
	lua_pushinteger(L, (lua_Integer)revoked_at);
	return k + 2;
}

static const luaL_Reg cert_methods[] = {
	{"to_der", cert_to_der},
	{"to_pem", cert_to_pem},
	{"public_der", cert_public_der},
	{"subject", cert_subject},
	{"issuer", cert_issuer},
	{"subject_field", cert_subject_field},
	{"serial", cert_serial},
	{"validity", cert_validity},
	{"key_algorithm", cert_key_algorithm},
	{"usage", cert_usage},
	{"uscc", cert_uscc},
	{"id_number", cert_id_number},
	{"verify", cert_verify},
	{NULL, NULL}};

#define CRL(L) ((gxca_crl *)check_obj(L, 1, MT_CRL))

static int ctx_crl_parse(lua_State *L, int pem)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const uint8_t *data = check_bytes(L, 2, &n);
	gxca_crl **out = (gxca_crl **)new_child(L, 1, MT_CRL);
	int rc = pem ? gxca_crl_from_pem(out, ctx, (const char *)data, n)
		     : gxca_crl_from_der(out, ctx, data, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_crl_from_der(lua_State *L) { return ctx_crl_parse(L, 0); }
static int ctx_crl_from_pem(lua_State *L) { return ctx_crl_parse(L, 1); }

static int ctx_crl_load(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = check_text(L, 2);
	gxca_crl **out = (gxca_crl **)new_child(L, 1, MT_CRL);
	int rc = gxca_crl_load_file(out, ctx, path);
	return rc ? fail(L, ctx, rc) : 1;
}

static int crl_encode(lua_State *L, int pem)
{
	gxca_crl *crl = CRL(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = pem ? gxca_crl_to_pem(crl, (char **)out, &len) : gxca_crl_to_der(crl, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int crl_to_der(lua_State *L) { return crl_encode(L, 0); }
static int crl_to_pem(lua_State *L) { return crl_encode(L, 1); }

/* crl:info() -> {issuer, number, this_update, next_update, count} */
static int crl_info(lua_State *L)
{
	gxca_crl *crl = CRL(L);
	lua_createtable(L, 0, 5);
	set_str(L, "issuer", gxca_crl_issuer(crl));
	set_int(L, "number", gxca_crl_number(crl));
	set_int(L, "this_update", gxca_crl_this_update(crl));
	set_int(L, "next_update", gxca_crl_next_update(crl));
	set_int(L, "count", (lua_Integer)gxca_crl_count(crl));
	return 1;
}

static int crl_entries(lua_State *L)
{
	gxca_crl *crl = CRL(L);
	size_t n = gxca_crl_count(crl);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		const char *serial = "";
		int reason = -1;
		int64_t at = 0;
		if (gxca_crl_entry(crl, i, &serial, &reason, &at))
			break; /* cannot happen: i < count */
		lua_createtable(L, 0, 3);
		set_str(L, "serial", serial);
		set_reason(L, "reason", reason);
		set_int(L, "revoked_at", at);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* crl:find(serial) -> reason, revoked_at | false when not listed */
static int crl_find(lua_State *L)
{
	gxca_crl *crl = CRL(L);
	const char *serial = check_text(L, 2);
	int reason = -1;
	int64_t at = 0;
	int rc = gxca_crl_find(crl, serial, &reason, &at);
	if (rc == GXCA_ENOTFOUND) {
		lua_pushboolean(L, 0);
		return 1;
	}
	if (rc)
		return fail(L, ctx_of(L, 1), rc);
	lua_pushstring(L, gxca_revocation_reason_name(reason));
	lua_pushinteger(L, (lua_Integer)at);
	return 2;
}

static int crl_verify(lua_State *L)
{
	gxca_crl *crl = CRL(L);
	gxca_cert *issuer = check_obj(L, 2, MT_CERT);
	return done(L, ctx_of(L, 1), gxca_crl_verify(crl, issuer));
}

static const luaL_Reg crl_methods[] = {
	{"to_der", crl_to_der}, {"to_pem", crl_to_pem}, {"info", crl_info},
	{"entries", crl_entries}, {"find", crl_find}, {"verify", crl_verify},
	{NULL, NULL}};

/* ---- the CA ------------------------------------------------------------------------ */

#define CA(L) ((gxca_ca *)check_obj(L, 1, MT_CA))

static int ctx_ca_create(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *dir = opt_text(L, 2);
	int alg = lua_isnoneornil(L, 3) ? 0 : CHECK_KEY_ALG(L, 3);
	const char *registry = lua_isnoneornil(L, 4) ? ":memory:" : check_text(L, 4);
	gxca_ca **out = (gxca_ca **)new_child(L, 1, MT_CA);
	int rc = gxca_ca_create(out, ctx, dir, alg, registry);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_ca_open(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *chain = opt_text(L, 2), *key = check_text(L, 3), *password = opt_text(L, 4);
	const char *registry = lua_isnoneornil(L, 5) ? ":memory:" : check_text(L, 5);
	gxca_ca **out = (gxca_ca **)new_child(L, 1, MT_CA);
	int rc = gxca_ca_open(out, ctx, chain, key, password, registry);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ca_chain(lua_State *L)
{
	gxca_ca *ca = CA(L);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	struct chain_box *b = new_chain_box(L);
	int rc = gxca_ca_chain(ca, &b->certs, &b->n);
	return chain_result(L, -2, ctx, rc, b);
}

/* The options table of an issuance: request (required), usage, token_serial,
 * accepted_at, now, change_reason. */
static void check_issue_options(lua_State *L, int idx, gxca_issue_options *o)
{
	luaL_checktype(L, idx, LUA_TTABLE);
	if (gxca_issue_options_init(o, GXCA_ISSUE_OPTIONS_VERSION) != GXCA_OK)
		luaL_error(L, "gxca_issue_options version mismatch");
	if (raw_field(L, idx, "request") != LUA_TSTRING)
		luaL_error(L, "issue options: request (a CSR or public key) must be a string");
	o->request = (const uint8_t *)lua_tolstring(L, -1, &o->request_len); /* kept on the stack */
	raw_field(L, idx, "usage");
	o->usage = lua_isnil(L, -1) ? 0 : check_named(L, lua_gettop(L), usage_names, "usage");
	raw_field(L, idx, "token_serial");
	o->token_serial = opt_text(L, lua_gettop(L));
	raw_field(L, idx, "accepted_at");
	o->accepted_at = (int64_t)luaL_optinteger(L, -1, 0);
	raw_field(L, idx, "now");
	o->now = (int64_t)luaL_optinteger(L, -1, 0);
	raw_field(L, idx, "change_reason");
	o->change_reason = lua_isnil(L, -1) ? 0 : check_reason(L, lua_gettop(L));
	/* the values stay on the stack until the call returns */
}

/* ca:issue(app, opts) / ca:renew(app, old_serial, opts) / reissue / change */
static int ca_issue_with(lua_State *L, int has_old,
			 int (*fn)(gxca_ca *, const gxca_application *, const char *,
				   const gxca_issue_options *, gxca_cert **))
{
	gxca_ca *ca = CA(L);
	const gxca_application *app = check_obj(L, 2, MT_APP);
	const char *old = has_old ? check_text(L, 3) : NULL;
	gxca_issue_options o;
	check_issue_options(L, has_old ? 4 : 3, &o);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_cert **out = (gxca_cert **)new_child(L, -1, MT_CERT);
	int rc = fn(ca, app, old, &o, out);
	return rc ? fail(L, ctx, rc) : 1;
}

static int issue_new(gxca_ca *ca, const gxca_application *app, const char *old,
		     const gxca_issue_options *o, gxca_cert **out)
{
	(void)old;
	return gxca_ca_issue(ca, app, o, out);
}

static int ca_issue(lua_State *L) { return ca_issue_with(L, 0, issue_new); }
static int ca_renew(lua_State *L) { return ca_issue_with(L, 1, gxca_ca_renew); }
static int ca_reissue(lua_State *L) { return ca_issue_with(L, 1, gxca_ca_reissue); }
static int ca_change(lua_State *L) { return ca_issue_with(L, 1, gxca_ca_change); }

/* ca:issue_batch({{app = a, request = r, <issue options>}, ...}) -> {cert, ...}:
 * NEW for every request in one transaction, all or none. */
static int ca_issue_batch(lua_State *L)
{
	gxca_ca *ca = CA(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
	luaL_argcheck(L, n >= 1 && n <= GXCA_CA_BATCH_MAX, 2, "1 to 1024 requests");
	luaL_checkstack(L, (int)n * 8 + 8, "issue_batch");
	size_t k = (size_t)n;
	const gxca_application **apps = lua_newuserdatauv(L, k * sizeof *apps, 0);
	gxca_issue_options *opts = lua_newuserdatauv(L, k * sizeof *opts, 0);
	const gxca_issue_options **op = lua_newuserdatauv(L, k * sizeof *op, 0);
	gxca_cert **certs = lua_newuserdatauv(L, k * sizeof *certs, 0);
	void ***slots = lua_newuserdatauv(L, k * sizeof *slots, 0);
	for (size_t i = 0; i < k; i++) {
		lua_rawgeti(L, 2, (lua_Integer)i + 1);
		int item = lua_gettop(L);
		luaL_checktype(L, item, LUA_TTABLE);
		raw_field(L, item, "app");
		apps[i] = check_obj(L, lua_gettop(L), MT_APP);
		check_issue_options(L, item, &opts[i]); /* its values stay on the stack */
		op[i] = &opts[i];
	}
	gxca_ctx *ctx = push_ctx_of(L, 1);
	int ctx_idx = lua_gettop(L);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < k; i++) { /* made first: nothing can fail after the call */
		slots[i] = new_child(L, ctx_idx, MT_CERT);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	int rc = gxca_ca_issue_batch(ca, k, apps, op, certs);
	if (rc)
		return fail(L, ctx, rc);
	for (size_t i = 0; i < k; i++)
		*slots[i] = certs[i];
	return 1;
}

static int ca_unlock(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const gxca_application *app = check_obj(L, 2, MT_APP);
	const char *serial = check_text(L, 3), *token = opt_text(L, 4);
	int64_t at = (int64_t)luaL_optinteger(L, 5, 0);
	return done(L, ctx_of(L, 1), gxca_ca_unlock(ca, app, serial, token, at));
}

static int ca_revoke_request(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const char *serial = check_text(L, 2);
	int reason = check_reason(L, 3);
	int64_t incident = (int64_t)luaL_optinteger(L, 4, 0), requested = (int64_t)luaL_optinteger(L, 5, 0);
	return done(L, ctx_of(L, 1), gxca_ca_revoke_request(ca, serial, reason, incident, requested));
}

static int ca_revoke_approve(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const char *serial = check_text(L, 2);
	int64_t at = (int64_t)luaL_optinteger(L, 3, 0);
	return done(L, ctx_of(L, 1), gxca_ca_revoke_approve(ca, serial, at));
}

static int ca_revoke(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const char *serial = check_text(L, 2);
	int reason = lua_isnoneornil(L, 3) ? -1 : check_reason(L, 3);
	int64_t at = (int64_t)luaL_optinteger(L, 4, 0);
	return done(L, ctx_of(L, 1), gxca_ca_revoke(ca, serial, reason, at));
}

static int ca_crl(lua_State *L)
{
	gxca_ca *ca = CA(L);
	int64_t now = (int64_t)luaL_optinteger(L, 2, 0);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_crl **out = (gxca_crl **)new_child(L, -1, MT_CRL);
	int rc = gxca_ca_crl(ca, now, out);
	return rc ? fail(L, ctx, rc) : 1;
}

static void push_record(lua_State *L, const gxca_ca_record *r)
{
	int reason = -1;
	int64_t t[6] = {0};
	lua_createtable(L, 0, 22);
	set_str(L, "serial", gxca_ca_record_serial(r));
	set_str(L, "subject", gxca_ca_record_subject(r));
	set_str(L, "holder", gxca_ca_record_holder(r));
	set_str(L, "application_id", gxca_ca_record_application_id(r));
	set_str(L, "token_serial", gxca_ca_record_token_serial(r));
	set_str(L, "replaces", gxca_ca_record_replaces(r));
	set_str(L, "business", gxca_business_name(gxca_ca_record_business(r)));
	set_str(L, "usage", name_of(usage_names, gxca_ca_record_usage(r)));
	set_str(L, "key_algorithm", gxca_key_alg_name(gxca_ca_record_key_algorithm(r)));
	lua_pushboolean(L, gxca_ca_record_is_master(r));
	lua_setfield(L, -2, "is_master");
	set_str(L, "status", gxca_ca_record_status(r) == GXCA_CERT_REVOKED ? "REVOKED" : "VALID");
	set_int(L, "not_before", gxca_ca_record_not_before(r));
	set_int(L, "not_after", gxca_ca_record_not_after(r));
	set_int(L, "issued_at", gxca_ca_record_issued_at(r));
	if (gxca_ca_record_revocation(r, &reason, &t[0], &t[1], &t[2], &t[3]) == GXCA_OK &&
	    gxca_ca_record_deadlines(r, &t[4], &t[5]) == GXCA_OK) {
		static const char *const keys[] = {"incident_at", "requested_at", "approved_at",
						    "revoked_at", "request_deadline", "revoke_deadline"};
		set_reason(L, "reason", reason);
		for (int k = 0; k < 6; k++)
			set_int(L, keys[k], t[k]);
	}
}

/* ca:status(serial) -> record table with .cert */
static int ca_status(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const char *serial = check_text(L, 2);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	int ctx_idx = lua_gettop(L);
	gxca_ca_record **rec = (gxca_ca_record **)new_obj(L, MT_RECORD);
	int rc = gxca_ca_status(ca, serial, rec);
	if (rc)
		return fail(L, ctx, rc);
	push_record(L, *rec);
	gxca_cert **cert = (gxca_cert **)new_child(L, ctx_idx, MT_CERT);
	rc = gxca_ca_record_cert(*rec, cert);
	if (rc)
		return fail(L, ctx, rc);
	lua_setfield(L, -2, "cert");
	release(L, -2);
	return 1;
}

static int records_result(lua_State *L, gxca_ctx *ctx, int rc, int box_idx)
{
	if (rc)
		return fail(L, ctx, rc);
	const gxca_ca_records *list = *(gxca_ca_records **)lua_touserdata(L, box_idx);
	size_t n = gxca_ca_records_count(list);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		push_record(L, gxca_ca_records_get(list, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	release(L, box_idx);
	return 1;
}

static int ca_list(lua_State *L)
{
	gxca_ca *ca = CA(L);
	const char *app_id = opt_text(L, 2);
	gxca_ca_records **out = (gxca_ca_records **)new_obj(L, MT_RECORDS);
	int rc = gxca_ca_list(ca, app_id, out);
	return records_result(L, ctx_of(L, 1), rc, lua_gettop(L));
}

static int ca_overdue(lua_State *L)
{
	gxca_ca *ca = CA(L);
	int64_t now = (int64_t)luaL_optinteger(L, 2, 0);
	gxca_ca_records **out = (gxca_ca_records **)new_obj(L, MT_RECORDS);
	int rc = gxca_ca_overdue(ca, now, out);
	return records_result(L, ctx_of(L, 1), rc, lua_gettop(L));
}

static const luaL_Reg ca_methods[] = {
	{"chain", ca_chain},
	{"issue", ca_issue},
	{"issue_batch", ca_issue_batch},
	{"renew", ca_renew},
	{"reissue", ca_reissue},
	{"change", ca_change},
	{"unlock", ca_unlock},
	{"revoke_request", ca_revoke_request},
	{"revoke_approve", ca_revoke_approve},
	{"revoke", ca_revoke},
	{"crl", ca_crl},
	{"status", ca_status},
	{"list", ca_list},
	{"overdue", ca_overdue},
	{NULL, NULL}};

/* ---- images and seal specs ------------------------------------------------------- */

static const struct named seal_text_names[] = {
	{"name", GXCA_SEAL_TEXT_NAME}, {"line", GXCA_SEAL_TEXT_LINE}, {"code", GXCA_SEAL_TEXT_CODE},
	{"tax_id", GXCA_SEAL_TEXT_TAX_ID}, {"serial", GXCA_SEAL_TEXT_SERIAL}, {NULL, 0}};
static const struct named seal_font_names[] = {
	{"text", GXCA_SEAL_FONT_TEXT}, {"digits", GXCA_SEAL_FONT_DIGITS}, {NULL, 0}};
static const struct named seal_param_names[] = {
	{"width", GXCA_SEAL_P_WIDTH}, {"height", GXCA_SEAL_P_HEIGHT},
	{"border", GXCA_SEAL_P_BORDER}, {"star", GXCA_SEAL_P_STAR}, {"star_y", GXCA_SEAL_P_STAR_Y},
	{"name_size", GXCA_SEAL_P_NAME_SIZE}, {"name_scale", GXCA_SEAL_P_NAME_SCALE},
	{"name_gap", GXCA_SEAL_P_NAME_GAP}, {"name_span", GXCA_SEAL_P_NAME_SPAN},
	{"line_size", GXCA_SEAL_P_LINE_SIZE}, {"line_scale", GXCA_SEAL_P_LINE_SCALE},
	{"line_y", GXCA_SEAL_P_LINE_Y}, {"line_width", GXCA_SEAL_P_LINE_WIDTH},
	{"code_size", GXCA_SEAL_P_CODE_SIZE}, {"code_scale", GXCA_SEAL_P_CODE_SCALE},
	{"code_gap", GXCA_SEAL_P_CODE_GAP}, {"code_span", GXCA_SEAL_P_CODE_SPAN},
	{"tax_height", GXCA_SEAL_P_TAX_HEIGHT}, {"tax_digit_width", GXCA_SEAL_P_TAX_DIGIT_WIDTH},
	{"tax_width", GXCA_SEAL_P_TAX_WIDTH}, {"tax_y", GXCA_SEAL_P_TAX_Y},
	{"serial_size", GXCA_SEAL_P_SERIAL_SIZE}, {"serial_y", GXCA_SEAL_P_SERIAL_Y},
	{"embolden", GXCA_SEAL_P_EMBOLDEN}, {"yin", GXCA_SEAL_P_YIN}, {NULL, 0}};

static uint32_t check_u32(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);
	luaL_argcheck(L, v >= 0 && v <= (lua_Integer)UINT32_MAX, idx, "integer out of range");
	return (uint32_t)v;
}

#define IMAGE(L) ((gxca_image *)check_obj(L, 1, MT_IMAGE))

static int ctx_image(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	uint32_t w = check_u32(L, 2), h = check_u32(L, 3);
	uint32_t dpi = lua_isnoneornil(L, 4) ? 0 : check_u32(L, 4);
	gxca_image **out = (gxca_image **)new_child(L, 1, MT_IMAGE);
	int rc = gxca_image_new(out, ctx, w, h, dpi);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_image_from_png(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const uint8_t *png = check_bytes(L, 2, &n);
	gxca_image **out = (gxca_image **)new_child(L, 1, MT_IMAGE);
	int rc = gxca_image_from_png(out, ctx, png, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int image_to_png(lua_State *L)
{
	gxca_image *img = IMAGE(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_image_to_png(img, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

/* img:size() -> width, height, dpi, origin_x, origin_y */
static int image_size(lua_State *L)
{
	gxca_image *img = IMAGE(L);
	lua_pushinteger(L, gxca_image_width(img));
	lua_pushinteger(L, gxca_image_height(img));
	lua_pushinteger(L, gxca_image_dpi(img));
	lua_pushinteger(L, gxca_image_origin_x(img));
	lua_pushinteger(L, gxca_image_origin_y(img));
	return 5;
}

static int image_set_dpi(lua_State *L)
{
	gxca_image *img = IMAGE(L);
	return done(L, ctx_of(L, 1), gxca_image_set_dpi(img, check_u32(L, 2)));
}

/* img:pixels() -> string of height rows of stride bytes, stride */
static int image_pixels(lua_State *L)
{
	gxca_image *img = IMAGE(L);
	size_t stride = 0;
	const uint8_t *p = gxca_image_pixels(img, &stride);
	lua_pushlstring(L, (const char *)p, stride * gxca_image_height(img));
	lua_pushinteger(L, (lua_Integer)stride);
	return 2;
}

static int image_set_pixels(lua_State *L)
{
	gxca_image *img = IMAGE(L);
	size_t n, stride = 0;
	const char *data = luaL_checklstring(L, 2, &n);
	uint8_t *p = gxca_image_pixels(img, &stride);
	luaL_argcheck(L, n == stride * gxca_image_height(img), 2, "wrong length: stride * height bytes");
	memcpy(p, data, n);
	lua_pushboolean(L, 1);
	return 1;
}

static int image_extract(lua_State *L, int (*fn)(gxca_image **, const gxca_image *, uint32_t,
						 uint32_t, uint32_t, uint32_t))
{
	gxca_image *img = IMAGE(L);
	uint32_t x = lua_isnoneornil(L, 2) ? 0 : check_u32(L, 2);
	uint32_t y = lua_isnoneornil(L, 3) ? 0 : check_u32(L, 3);
	uint32_t w = lua_isnoneornil(L, 4) ? 0 : check_u32(L, 4);
	uint32_t h = lua_isnoneornil(L, 5) ? 0 : check_u32(L, 5);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_image **out = (gxca_image **)new_child(L, -1, MT_IMAGE);
	int rc = fn(out, img, x, y, w, h);
	return rc ? fail(L, ctx, rc) : 1;
}

static int image_extract_stamp(lua_State *L) { return image_extract(L, gxca_image_extract_stamp); }
static int image_extract_signature(lua_State *L) { return image_extract(L, gxca_image_extract_signature); }

static const luaL_Reg image_methods[] = {
	{"to_png", image_to_png},
	{"size", image_size},
	{"set_dpi", image_set_dpi},
	{"pixels", image_pixels},
	{"set_pixels", image_set_pixels},
	{"extract_stamp", image_extract_stamp},
	{"extract_signature", image_extract_signature},
	{NULL, NULL}};

#define SPEC(L) ((gxca_seal_spec *)check_obj(L, 1, MT_SEALSPEC))

static int ctx_seal_spec(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	int preset = check_enum(L, 2, gxca_seal_preset_from_name, "seal preset");
	gxca_seal_spec **out = (gxca_seal_spec **)new_child(L, 1, MT_SEALSPEC);
	int rc = gxca_seal_spec_new(out, ctx, preset);
	return rc ? fail(L, ctx, rc) : 1;
}

static int spec_preset(lua_State *L)
{
	lua_pushstring(L, gxca_seal_preset_name(gxca_seal_spec_preset(SPEC(L))));
	return 1;
}

static int spec_set_text(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	int field = check_named(L, 2, seal_text_names, "text field");
	const char *text = opt_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_seal_spec_set_text(spec, field, text));
}

static int spec_text(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	lua_pushstring(L, gxca_seal_spec_text(spec, check_named(L, 2, seal_text_names, "text field")));
	return 1;
}

static int spec_set_param(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	int param = check_named(L, 2, seal_param_names, "parameter");
	double value = (double)luaL_checknumber(L, 3);
	return done(L, ctx_of(L, 1), gxca_seal_spec_set_param(spec, param, value));
}

static int spec_param(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	int param = check_named(L, 2, seal_param_names, "parameter");
	double value = 0;
	int rc = gxca_seal_spec_param(spec, param, &value);
	if (rc)
		return fail(L, ctx_of(L, 1), rc);
	lua_pushnumber(L, (lua_Number)value);
	return 1;
}

static int spec_set_dpi(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	return done(L, ctx_of(L, 1), gxca_seal_spec_set_dpi(spec, check_u32(L, 2)));
}

static uint8_t check_byte(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);
	luaL_argcheck(L, v >= 0 && v <= 255, idx, "0..255 expected");
	return (uint8_t)v;
}

static int spec_set_color(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	uint8_t r = check_byte(L, 2), g = check_byte(L, 3), b = check_byte(L, 4);
	uint8_t a = lua_isnoneornil(L, 5) ? 255 : check_byte(L, 5);
	return done(L, ctx_of(L, 1), gxca_seal_spec_set_color(spec, r, g, b, a));
}

static int spec_set_font(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	int role = check_named(L, 2, seal_font_names, "font role");
	const char *path = opt_text(L, 3);
	int face = opt_int(L, 4, 0);
	return done(L, ctx_of(L, 1), gxca_seal_spec_set_font(spec, role, path, face));
}

static int spec_render(lua_State *L)
{
	gxca_seal_spec *spec = SPEC(L);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_image **out = (gxca_image **)new_child(L, -1, MT_IMAGE);
	int rc = gxca_seal_render(out, spec);
	return rc ? fail(L, ctx, rc) : 1;
}

static const luaL_Reg spec_methods[] = {
	{"preset", spec_preset},     {"set_text", spec_set_text}, {"text", spec_text},
	{"set_param", spec_set_param}, {"param", spec_param},     {"set_dpi", spec_set_dpi},
	{"set_color", spec_set_color}, {"set_font", spec_set_font}, {"render", spec_render},
	{NULL, NULL}};

/* ---- electronic seals and signatures ------------------------------------------------- */

#define ESEAL(L) ((gxca_eseal *)check_obj(L, 1, MT_ESEAL))
#define ESIGN(L) ((gxca_esign *)check_obj(L, 1, MT_ESIGN))

static const char *eseal_time_name(int t)
{
	static const char *const names[] = {NULL, "UTC", "GENERALIZED", "TEXT"};
	return t > 0 && t < 4 ? names[t] : NULL;
}

static int l_eseal_kind(lua_State *L)
{
	static const char *const kinds[] = {NULL, "SEAL", "SIGNATURE"};
	size_t n;
	const uint8_t *der = check_bytes(L, 1, &n);
	int k = gxca_eseal_kind(der, n);
	lua_pushstring(L, k > 0 && k < 3 ? kinds[k] : NULL);
	return 1;
}

static int ctx_eseal(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	gxca_eseal **out = (gxca_eseal **)new_child(L, 1, MT_ESEAL);
	int rc = gxca_eseal_new(out, ctx);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_eseal_parse(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const uint8_t *der = check_bytes(L, 2, &n);
	gxca_eseal **out = (gxca_eseal **)new_child(L, 1, MT_ESEAL);
	int rc = gxca_eseal_parse(out, ctx, der, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_esign(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	gxca_esign **out = (gxca_esign **)new_child(L, 1, MT_ESIGN);
	int rc = gxca_esign_new(out, ctx);
	return rc ? fail(L, ctx, rc) : 1;
}

static int ctx_esign_parse(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	size_t n;
	const uint8_t *der = check_bytes(L, 2, &n);
	gxca_esign **out = (gxca_esign **)new_child(L, 1, MT_ESIGN);
	int rc = gxca_esign_parse(out, ctx, der, n);
	return rc ? fail(L, ctx, rc) : 1;
}

/* Setters taking one string. */
static int eseal_set_str(lua_State *L, int (*fn)(gxca_eseal *, const char *))
{
	gxca_eseal *s = ESEAL(L);
	const char *v = check_text(L, 2);
	return done(L, ctx_of(L, 1), fn(s, v));
}

static int eseal_set_vid(lua_State *L) { return eseal_set_str(L, gxca_eseal_set_vid); }
static int eseal_set_id(lua_State *L) { return eseal_set_str(L, gxca_eseal_set_id); }
static int eseal_set_name(lua_State *L) { return eseal_set_str(L, gxca_eseal_set_name); }

static int eseal_set_type(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	return done(L, ctx_of(L, 1), gxca_eseal_set_type(s, (int64_t)luaL_checkinteger(L, 2)));
}

static int eseal_add_cert(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	size_t n;
	const uint8_t *der = check_cert_bytes(L, 2, &n);
	return done(L, ctx_of(L, 1), gxca_eseal_add_cert(s, der, n));
}

static int eseal_set_validity(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	int64_t c = (int64_t)luaL_checkinteger(L, 2), a = (int64_t)luaL_checkinteger(L, 3);
	int64_t b = (int64_t)luaL_checkinteger(L, 4);
	return done(L, ctx_of(L, 1), gxca_eseal_set_validity(s, c, a, b));
}

/* seal:set_picture(data, width_mm, height_mm, type|nil) */
static int eseal_set_picture(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	size_t n;
	const uint8_t *data = check_bytes(L, 2, &n);
	uint32_t w = check_u32(L, 3), h = check_u32(L, 4);
	const char *type = opt_text(L, 5);
	return done(L, ctx_of(L, 1), gxca_eseal_set_picture(s, type, data, n, w, h));
}

/* x:add_ext(oid, value, critical) for seals and signatures */
static int add_ext(lua_State *L, const char *mt)
{
	void *obj = check_obj(L, 1, mt);
	const char *oid = check_text(L, 2);
	size_t n;
	const uint8_t *value = check_bytes(L, 3, &n);
	int critical = lua_toboolean(L, 4);
	int rc = strcmp(mt, MT_ESEAL) == 0 ? gxca_eseal_add_ext(obj, oid, critical, value, n)
					   : gxca_esign_add_ext(obj, oid, critical, value, n);
	return done(L, ctx_of(L, 1), rc);
}

static int eseal_add_ext(lua_State *L) { return add_ext(L, MT_ESEAL); }
static int esign_add_ext(lua_State *L) { return add_ext(L, MT_ESIGN); }

static int eseal_sign(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	const gxca_key *key = check_obj(L, 2, MT_KEY);
	size_t n;
	const uint8_t *cert = check_cert_bytes(L, 3, &n);
	return done(L, ctx_of(L, 1), gxca_eseal_sign(s, key, cert, n));
}

static int eseal_to_der(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_eseal_to_der(s, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

/* The extensions of a seal or signature as {oid=, critical=, value=} tables. */
static void push_exts(lua_State *L, size_t n, const char *(*oid)(const void *, size_t),
		      int (*crit)(const void *, size_t),
		      const uint8_t *(*val)(const void *, size_t, size_t *), const void *obj)
{
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		const uint8_t *v = val(obj, i, &len);
		lua_createtable(L, 0, 3);
		set_str(L, "oid", oid(obj, i));
		lua_pushboolean(L, crit(obj, i));
		lua_setfield(L, -2, "critical");
		push_blob(L, v, len);
		lua_setfield(L, -2, "value");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static const char *seal_ext_oid(const void *o, size_t i) { return gxca_eseal_ext_oid(o, i); }
static int seal_ext_crit(const void *o, size_t i) { return gxca_eseal_ext_critical(o, i); }
static const uint8_t *seal_ext_val(const void *o, size_t i, size_t *n) { return gxca_eseal_ext_value(o, i, n); }
static const char *sign_ext_oid(const void *o, size_t i) { return gxca_esign_ext_oid(o, i); }
static int sign_ext_crit(const void *o, size_t i) { return gxca_esign_ext_critical(o, i); }
static const uint8_t *sign_ext_val(const void *o, size_t i, size_t *n) { return gxca_esign_ext_value(o, i, n); }

static void set_blob(lua_State *L, const char *key, const uint8_t *p, size_t len)
{
	push_blob(L, p, len);
	lua_setfield(L, -2, key);
}

/* seal:info() -> every field of a signed or parsed seal */
static int eseal_info(lua_State *L)
{
	const gxca_eseal *s = ESEAL(L);
	size_t len = 0, n = gxca_eseal_cert_count(s);
	lua_createtable(L, 0, 24);
	set_int(L, "version", gxca_eseal_version(s));
	set_int(L, "header_version", gxca_eseal_header_version(s));
	set_str(L, "vid", gxca_eseal_vid(s));
	set_str(L, "id", gxca_eseal_id(s));
	set_int(L, "type", gxca_eseal_type(s));
	set_str(L, "name", gxca_eseal_name(s));
	int clt = gxca_eseal_cert_list_type(s);
	set_str(L, "cert_list_type", clt == GXCA_ESEAL_CERTLIST_CERTS ? "CERTS"
				     : clt == GXCA_ESEAL_CERTLIST_DIGESTS ? "DIGESTS" : NULL);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *c = gxca_eseal_cert(s, i, &len);
		push_blob(L, c, len);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "certs");
	set_int(L, "create_date", gxca_eseal_create_date(s));
	set_int(L, "valid_start", gxca_eseal_valid_start(s));
	set_int(L, "valid_end", gxca_eseal_valid_end(s));
	set_str(L, "time_encoding", eseal_time_name(gxca_eseal_time_encoding(s)));
	set_str(L, "picture_type", gxca_eseal_picture_type(s));
	const uint8_t *p = gxca_eseal_picture(s, &len);
	set_blob(L, "picture", p, len);
	set_int(L, "picture_width", gxca_eseal_picture_width(s));
	set_int(L, "picture_height", gxca_eseal_picture_height(s));
	push_exts(L, gxca_eseal_ext_count(s), seal_ext_oid, seal_ext_crit, seal_ext_val, s);
	lua_setfield(L, -2, "exts");
	p = gxca_eseal_maker_cert(s, &len);
	set_blob(L, "maker_cert", p, len);
	set_str(L, "sign_alg", gxca_eseal_sign_alg(s));
	p = gxca_eseal_signature(s, &len);
	set_blob(L, "signature", p, len);
	p = gxca_eseal_timestamp(s, &len);
	set_blob(L, "timestamp", p, len);
	push_bit_names(L, gxca_eseal_quirks(s), gxca_eseal_quirk_name);
	lua_setfield(L, -2, "quirks");
	return 1;
}

static int eseal_write_picture(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	const char *path = check_text(L, 2);
	return done(L, ctx_of(L, 1), gxca_eseal_write_picture(s, path));
}

/* Verify options from a table: at, anchors (string or list of certs/strings,
 * concatenated), data, digest, strict. Values stay anchored on the stack. */
static void check_verify_options(lua_State *L, int idx, gxca_eseal_verify_options *o)
{
	if (gxca_eseal_verify_options_init(o, GXCA_ESEAL_VERIFY_OPTIONS_VERSION) != GXCA_OK)
		luaL_error(L, "gxca_eseal_verify_options version mismatch");
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	raw_field(L, idx, "at");
	o->at = (int64_t)luaL_optinteger(L, -1, 0);
	if (raw_field(L, idx, "anchors") == LUA_TTABLE) {
		int t = lua_gettop(L);
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		for (lua_Integer i = 1; lua_rawgeti(L, t, i) != LUA_TNIL; i++) {
			size_t n;
			check_cert_bytes(L, lua_gettop(L), &n); /* DER string in place */
			luaL_addvalue(&b);
		}
		lua_pop(L, 1);
		luaL_pushresult(&b);
	}
	o->anchors = opt_bytes(L, lua_gettop(L), &o->anchors_len);
	raw_field(L, idx, "data");
	o->data = opt_bytes(L, lua_gettop(L), &o->data_len);
	raw_field(L, idx, "digest");
	o->digest = opt_bytes(L, lua_gettop(L), &o->digest_len);
	raw_field(L, idx, "strict");
	o->flags = lua_toboolean(L, -1) ? GXCA_ESEAL_VERIFY_STRICT : 0;
}

/* A verification result as a table: code, ok, ran, failed, quirks, time,
 * checks = { [name] = {status=, zh=, en=, quirks=} }. */
static int result_result(lua_State *L, const gxca_ctx *ctx, int rc, int box_idx)
{
	const gxca_eseal_result *r = *(gxca_eseal_result **)lua_touserdata(L, box_idx);
	if (!r)
		return fail(L, ctx, rc);
	uint32_t ran = gxca_eseal_result_ran(r);
	lua_createtable(L, 0, 7);
	set_str(L, "code", gxca_error_name_of(rc));
	lua_pushboolean(L, rc == GXCA_OK);
	lua_setfield(L, -2, "ok");
	push_bit_names(L, ran, gxca_eseal_check_name);
	lua_setfield(L, -2, "ran");
	push_bit_names(L, gxca_eseal_result_failed(r), gxca_eseal_check_name);
	lua_setfield(L, -2, "failed");
	push_bit_names(L, gxca_eseal_result_quirks(r, 0), gxca_eseal_quirk_name);
	lua_setfield(L, -2, "quirks");
	set_int(L, "time", gxca_eseal_result_time(r));
	lua_newtable(L);
	for (int k = 0; k < 32; k++) {
		uint32_t bit = 1u << k;
		const char *name = gxca_eseal_check_name(bit);
		if (!name || !(ran & bit))
			continue;
		lua_createtable(L, 0, 4);
		set_str(L, "status", gxca_error_name_of(gxca_eseal_result_status(r, bit)));
		set_str(L, "zh", gxca_eseal_result_message(r, bit, GXCA_LANG_ZH));
		set_str(L, "en", gxca_eseal_result_message(r, bit, GXCA_LANG_EN));
		push_bit_names(L, gxca_eseal_result_quirks(r, bit), gxca_eseal_quirk_name);
		lua_setfield(L, -2, "quirks");
		lua_setfield(L, -2, name);
	}
	lua_setfield(L, -2, "checks");
	release(L, box_idx);
	return 1;
}

static int eseal_verify(lua_State *L)
{
	gxca_eseal *s = ESEAL(L);
	gxca_eseal_verify_options o;
	check_verify_options(L, 2, &o);
	gxca_eseal_result **r = (gxca_eseal_result **)new_obj(L, MT_ERESULT);
	int rc = gxca_eseal_verify(s, &o, r);
	return result_result(L, ctx_of(L, 1), rc, lua_gettop(L));
}

static const luaL_Reg eseal_methods[] = {
	{"set_vid", eseal_set_vid},
	{"set_id", eseal_set_id},
	{"set_type", eseal_set_type},
	{"set_name", eseal_set_name},
	{"add_cert", eseal_add_cert},
	{"set_validity", eseal_set_validity},
	{"set_picture", eseal_set_picture},
	{"add_ext", eseal_add_ext},
	{"sign", eseal_sign},
	{"to_der", eseal_to_der},
	{"info", eseal_info},
	{"write_picture", eseal_write_picture},
	{"verify", eseal_verify},
	{NULL, NULL}};

static int esign_set_seal(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	const gxca_eseal *s = check_obj(L, 2, MT_ESEAL);
	return done(L, ctx_of(L, 1), gxca_esign_set_seal(g, s));
}

static int esign_set_bytes(lua_State *L, int (*fn)(gxca_esign *, const uint8_t *, size_t))
{
	gxca_esign *g = ESIGN(L);
	size_t n;
	const uint8_t *data = check_bytes(L, 2, &n);
	return done(L, ctx_of(L, 1), fn(g, data, n));
}

static int esign_set_data(lua_State *L) { return esign_set_bytes(L, gxca_esign_set_data); }
static int esign_set_digest(lua_State *L) { return esign_set_bytes(L, gxca_esign_set_digest); }

static int esign_set_property_info(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	const char *info = check_text(L, 2);
	return done(L, ctx_of(L, 1), gxca_esign_set_property_info(g, info));
}

static int esign_set_time(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	return done(L, ctx_of(L, 1), gxca_esign_set_time(g, (int64_t)luaL_checkinteger(L, 2)));
}

static int esign_sign(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	const gxca_key *key = check_obj(L, 2, MT_KEY);
	size_t n;
	const uint8_t *cert = check_cert_bytes(L, 3, &n);
	return done(L, ctx_of(L, 1), gxca_esign_sign(g, key, cert, n));
}

static int esign_to_der(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_esign_to_der(g, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

/* sig:seal() -> the embedded seal, as its own seal object (parsed from a copy) */
static int esign_seal(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	const gxca_eseal *s = gxca_esign_seal(g);
	if (!s) {
		luaL_pushfail(L);
		return 1;
	}
	gxca_ctx *ctx = push_ctx_of(L, 1);
	int ctx_idx = lua_gettop(L);
	uint8_t **der = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_eseal_to_der(s, der, &len);
	if (rc)
		return fail(L, ctx, rc);
	gxca_eseal **out = (gxca_eseal **)new_child(L, ctx_idx, MT_ESEAL);
	rc = gxca_eseal_parse(out, ctx, *der, len);
	return rc ? fail(L, ctx, rc) : 1;
}

static int esign_info(lua_State *L)
{
	const gxca_esign *g = ESIGN(L);
	size_t len = 0;
	lua_createtable(L, 0, 14);
	set_int(L, "version", gxca_esign_version(g));
	set_int(L, "tbs_version", gxca_esign_tbs_version(g));
	set_int(L, "time", gxca_esign_time(g));
	set_str(L, "time_encoding", eseal_time_name(gxca_esign_time_encoding(g)));
	set_str(L, "time_text", gxca_esign_time_text(g));
	const uint8_t *p = gxca_esign_data_hash(g, &len);
	set_blob(L, "data_hash", p, len);
	set_str(L, "property_info", gxca_esign_property_info(g));
	p = gxca_esign_signer_cert(g, &len);
	set_blob(L, "signer_cert", p, len);
	set_str(L, "sign_alg", gxca_esign_sign_alg(g));
	p = gxca_esign_signature(g, &len);
	set_blob(L, "signature", p, len);
	p = gxca_esign_timestamp(g, &len);
	set_blob(L, "timestamp", p, len);
	push_exts(L, gxca_esign_ext_count(g), sign_ext_oid, sign_ext_crit, sign_ext_val, g);
	lua_setfield(L, -2, "exts");
	push_bit_names(L, gxca_esign_quirks(g), gxca_eseal_quirk_name);
	lua_setfield(L, -2, "quirks");
	return 1;
}

static int esign_verify(lua_State *L)
{
	gxca_esign *g = ESIGN(L);
	gxca_eseal_verify_options o;
	check_verify_options(L, 2, &o);
	gxca_eseal_result **r = (gxca_eseal_result **)new_obj(L, MT_ERESULT);
	int rc = gxca_esign_verify(g, &o, r);
	return result_result(L, ctx_of(L, 1), rc, lua_gettop(L));
}

static const luaL_Reg esign_methods[] = {
	{"set_seal", esign_set_seal},
	{"set_data", esign_set_data},
	{"set_digest", esign_set_digest},
	{"set_property_info", esign_set_property_info},
	{"set_time", esign_set_time},
	{"add_ext", esign_add_ext},
	{"sign", esign_sign},
	{"to_der", esign_to_der},
	{"seal", esign_seal},
	{"info", esign_info},
	{"verify", esign_verify},
	{NULL, NULL}};

/* ---- tokens ------------------------------------------------------------------------ */

static const struct named token_flag_names[] = {
	{"INITIALIZED", GXCA_TOKEN_INITIALIZED}, {"LOGIN_REQUIRED", GXCA_TOKEN_LOGIN_REQUIRED},
	{"USER_PIN_SET", GXCA_TOKEN_USER_PIN_SET}, {"READ_ONLY", GXCA_TOKEN_READ_ONLY},
	{"PIN_COUNT_LOW", GXCA_TOKEN_PIN_COUNT_LOW}, {"PIN_FINAL_TRY", GXCA_TOKEN_PIN_FINAL_TRY},
	{"PIN_LOCKED", GXCA_TOKEN_PIN_LOCKED}, {"PIN_MUST_CHANGE", GXCA_TOKEN_PIN_MUST_CHANGE},
	{"SO_PIN_LOCKED", GXCA_TOKEN_SO_PIN_LOCKED}, {"REMOVABLE", GXCA_TOKEN_REMOVABLE},
	{"PROTECTED_PATH", GXCA_TOKEN_PROTECTED_PATH}, {"LOGGED_IN", GXCA_TOKEN_LOGGED_IN},
	{NULL, 0}};
static const struct named role_names[] = {
	{"UNSET", GXCA_TOKEN_ROLE_UNSET}, {"MASTER", GXCA_TOKEN_ROLE_MASTER},
	{"SECONDARY", GXCA_TOKEN_ROLE_SECONDARY}, {NULL, 0}};

#define TOKMOD(L) ((gxca_token_module *)check_obj(L, 1, MT_TOKMOD))
#define TOKEN(L) ((gxca_token *)check_obj(L, 1, MT_TOKEN))

/* Token info as {label, serial, manufacturer, model, slot_id, flags = {NAME = true}}. */
static void push_token_info(lua_State *L, const gxca_token_info *info)
{
	uint32_t flags = gxca_token_info_flags(info);
	lua_createtable(L, 0, 6);
	set_str(L, "label", gxca_token_info_label(info));
	set_str(L, "serial", gxca_token_info_serial(info));
	set_str(L, "manufacturer", gxca_token_info_manufacturer(info));
	set_str(L, "model", gxca_token_info_model(info));
	set_int(L, "slot_id", (lua_Integer)gxca_token_info_slot_id(info));
	lua_newtable(L);
	for (const struct named *f = token_flag_names; f->name; f++)
		if (flags & (uint32_t)f->value) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, f->name);
		}
	lua_setfield(L, -2, "flags");
}

static int ctx_token_module(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *path = opt_text(L, 2);
	gxca_token_module **out = (gxca_token_module **)new_child(L, 1, MT_TOKMOD);
	int rc = gxca_token_module_open(out, ctx, path);
	return rc ? fail(L, ctx, rc) : 1;
}

static int tokmod_path(lua_State *L)
{
	lua_pushstring(L, gxca_token_module_path(TOKMOD(L)));
	return 1;
}

static int tokmod_set_timeout(lua_State *L)
{
	gxca_token_module *m = TOKMOD(L);
	return done(L, ctx_of(L, 1), gxca_token_module_set_timeout(m, check_int(L, 2)));
}

static int tokmod_refresh(lua_State *L)
{
	return done(L, ctx_of(L, 1), gxca_token_module_refresh(TOKMOD(L)));
}

static int tokmod_tokens(lua_State *L)
{
	gxca_token_module *m = TOKMOD(L);
	size_t n = gxca_token_module_count(m);
	lua_createtable(L, narr(n), 0);
	for (size_t i = 0; i < n; i++) {
		push_token_info(L, gxca_token_module_info(m, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int tokmod_open(lua_State *L)
{
	gxca_token_module *m = TOKMOD(L);
	const char *which = opt_text(L, 2);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_token **out = (gxca_token **)new_child(L, -1, MT_TOKEN);
	int rc = gxca_token_open(out, m, which);
	return rc ? fail(L, ctx, rc) : 1;
}

static const luaL_Reg tokmod_methods[] = {
	{"path", tokmod_path},     {"set_timeout", tokmod_set_timeout},
	{"refresh", tokmod_refresh}, {"tokens", tokmod_tokens},
	{"open", tokmod_open},     {NULL, NULL}};

static int token_info(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const gxca_token_info *info = NULL;
	int rc = gxca_token_get_info(t, &info);
	if (rc)
		return fail(L, ctx_of(L, 1), rc);
	push_token_info(L, info);
	return 1;
}

static int token_login(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const char *pin = check_text(L, 2);
	return done(L, ctx_of(L, 1), gxca_token_login(t, pin));
}

static int token_logout(lua_State *L)
{
	return done(L, ctx_of(L, 1), gxca_token_logout(TOKEN(L)));
}

static int token_change_pin(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const char *old_pin = check_text(L, 2), *new_pin = check_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_token_change_pin(t, old_pin, new_pin));
}

static int token_unlock(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const char *so_pin = check_text(L, 2), *new_pin = opt_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_token_unlock(t, so_pin, new_pin));
}

/* tok:keygen(alg, label, id) */
static int token_keygen(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	int alg = CHECK_KEY_ALG(L, 2);
	const char *label = check_text(L, 3);
	size_t n;
	const uint8_t *id = check_bytes(L, 4, &n);
	return done(L, ctx_of(L, 1), gxca_token_keygen(t, alg, label, id, n));
}

/* tok:get_key(label|nil, id|nil) -> key */
static int token_get_key(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const char *label = opt_text(L, 2);
	size_t n;
	const uint8_t *id = opt_bytes(L, 3, &n);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	gxca_key **out = (gxca_key **)new_child(L, -1, MT_KEY);
	int rc = gxca_token_get_key(out, t, label, id, n);
	return rc ? fail(L, ctx, rc) : 1;
}

static int token_sign(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const gxca_key *key = check_obj(L, 2, MT_KEY);
	size_t n;
	const uint8_t *data = check_bytes(L, 3, &n);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_token_sign(t, key, data, n, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int token_store_cert(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	size_t n;
	const uint8_t *der = check_cert_bytes(L, 2, &n);
	const char *label = opt_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_token_store_cert(t, der, n, label));
}

/* tok:find_cert(label|nil, id|nil) -> DER | false when absent */
static int token_find_cert(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	const char *label = opt_text(L, 2);
	size_t n;
	const uint8_t *id = opt_bytes(L, 3, &n);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_token_find_cert(t, label, id, n, out, &len);
	if (rc == GXCA_ENOTFOUND) {
		lua_pushboolean(L, 0);
		return 1;
	}
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static int token_set_role(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	int role = check_named(L, 2, role_names, "role");
	return done(L, ctx_of(L, 1), gxca_token_set_role(t, role));
}

static int token_role(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	int role = 0;
	int rc = gxca_token_get_role(t, &role);
	if (rc)
		return fail(L, ctx_of(L, 1), rc);
	lua_pushstring(L, name_of(role_names, role));
	return 1;
}

/* tok:store_seal(der | seal, ordered) */
static int token_store_seal(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	size_t n = 0;
	const uint8_t *der;
	gxca_eseal **s = luaL_testudata(L, 2, MT_ESEAL);
	if (s) {
		if (!*s)
			return luaL_argerror(L, 2, MT_ESEAL " is closed");
		uint8_t **box = (uint8_t **)new_obj(L, MT_MEM);
		int rc = gxca_eseal_to_der(*s, box, &n);
		if (rc)
			return fail(L, ctx_of(L, 1), rc);
		der = *box;
	} else {
		der = check_bytes(L, 2, &n);
	}
	uint32_t flags = lua_toboolean(L, 3) ? GXCA_TOKEN_SEAL_ORDERED : 0;
	return done(L, ctx_of(L, 1), gxca_token_store_seal(t, der, n, flags));
}

static int token_read_seal(lua_State *L)
{
	gxca_token *t = TOKEN(L);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_token_read_seal(t, out, &len);
	if (rc == GXCA_ENOTFOUND) {
		lua_pushboolean(L, 0);
		return 1;
	}
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static const luaL_Reg token_methods[] = {
	{"info", token_info},
	{"login", token_login},
	{"logout", token_logout},
	{"change_pin", token_change_pin},
	{"unlock", token_unlock},
	{"keygen", token_keygen},
	{"get_key", token_get_key},
	{"sign", token_sign},
	{"store_cert", token_store_cert},
	{"find_cert", token_find_cert},
	{"set_role", token_set_role},
	{"role", token_role},
	{"store_seal", token_store_seal},
	{"read_seal", token_read_seal},
	{NULL, NULL}};

/* key:csr(subject) -> DER (gxca_token_csr: any key) */
static int key_csr(lua_State *L)
{
	gxca_key *key = KEY(L);
	const char *subject = check_text(L, 2);
	uint8_t **out = (uint8_t **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_token_csr(key, subject, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

/* ---- envelopes ---------------------------------------------------------------------- */

#define ENVELOPE(L) ((gxca_envelope *)check_obj(L, 1, MT_ENVELOPE))

static int ctx_envelope(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	gxca_envelope **out = (gxca_envelope **)new_child(L, 1, MT_ENVELOPE);
	int rc = gxca_envelope_new(out, ctx);
	return rc ? fail(L, ctx, rc) : 1;
}

static int envelope_set_cipher(lua_State *L)
{
	gxca_envelope *e = ENVELOPE(L);
	int cipher = check_enum(L, 2, gxca_envelope_cipher_from_name, "cipher");
	return done(L, ctx_of(L, 1), gxca_envelope_set_cipher(e, cipher));
}

static int envelope_add_recipient(lua_State *L)
{
	gxca_envelope *e = ENVELOPE(L);
	size_t n;
	const uint8_t *cert = check_cert_bytes(L, 2, &n);
	return done(L, ctx_of(L, 1), gxca_envelope_add_recipient(e, cert, n));
}

static int envelope_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_envelope_recipient_count(ENVELOPE(L)));
	return 1;
}

static int envelope_encrypt_file(lua_State *L)
{
	gxca_envelope *e = ENVELOPE(L);
	const char *in = check_text(L, 2), *out = check_text(L, 3);
	return done(L, ctx_of(L, 1), gxca_envelope_encrypt_file(e, in, out));
}

/* key:decrypt_file(cert, in_path, out_path): gxca_envelope_decrypt_file() */
static int key_decrypt_file(lua_State *L)
{
	gxca_key *key = KEY(L);
	size_t n;
	const uint8_t *cert = check_cert_bytes(L, 2, &n);
	const char *in = check_text(L, 3), *out = check_text(L, 4);
	return done(L, ctx_of(L, 1), gxca_envelope_decrypt_file(key, cert, n, in, out));
}

static const luaL_Reg envelope_methods[] = {
	{"set_cipher", envelope_set_cipher},
	{"add_recipient", envelope_add_recipient},
	{"count", envelope_len},
	{"encrypt_file", envelope_encrypt_file},
	{NULL, NULL}};
static const luaL_Reg envelope_meta[] = {{"__len", envelope_len}, {NULL, NULL}};

/* ---- login ------------------------------------------------------------------------------ */

#define NONCES(L) ((gxca_login_nonce_store *)check_obj(L, 1, MT_NONCES))
#define SERVER(L) ((gxca_login_server *)check_obj(L, 1, MT_SERVER))

static int ctx_nonce_store(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	gxca_login_nonce_store **out = (gxca_login_nonce_store **)new_child(L, 1, MT_NONCES);
	int rc = gxca_login_nonce_store_new(out, ctx);
	return rc ? fail(L, ctx, rc) : 1;
}

static int nonces_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)gxca_login_nonce_store_count(NONCES(L)));
	return 1;
}

static const luaL_Reg nonces_methods[] = {{"count", nonces_len}, {NULL, NULL}};
static const luaL_Reg nonces_meta[] = {{"__len", nonces_len}, {NULL, NULL}};

/*
 * ctx:login_server(platform_id, store, secret|nil). The server keeps user
 * value 2: a table {store = <pinned>, role = fn, revoked = fn}. Callbacks are
 * installed only for the duration of server:verify(), with a payload on the C
 * stack naming the running lua_State, and run under lua_pcall: a Lua error
 * never crosses the library.
 */
static int ctx_login_server(lua_State *L)
{
	gxca_ctx *ctx = CTX(L);
	const char *platform = check_text(L, 2);
	gxca_login_nonce_store *store = check_obj(L, 3, MT_NONCES);
	size_t n;
	const uint8_t *secret = opt_bytes(L, 4, &n);
	gxca_login_server **out = (gxca_login_server **)new_child(L, 1, MT_SERVER);
	lua_createtable(L, 0, 3);
	lua_pushvalue(L, 3);
	lua_setfield(L, -2, "store");
	lua_setiuservalue(L, -2, 2);
	int rc = gxca_login_server_new(out, ctx, platform, secret, n, store);
	return rc ? fail(L, ctx, rc) : 1;
}

static int server_set_lifetime(lua_State *L)
{
	gxca_login_server *s = SERVER(L);
	return done(L, ctx_of(L, 1), gxca_login_server_set_lifetime(s, check_int(L, 2)));
}

static int server_add_trust(lua_State *L)
{
	gxca_login_server *s = SERVER(L);
	size_t n;
	const uint8_t *cert = check_cert_bytes(L, 2, &n);
	return done(L, ctx_of(L, 1), gxca_login_server_add_trust(s, cert, n));
}

static int server_set_crl(lua_State *L)
{
	gxca_login_server *s = SERVER(L);
	size_t n = 0;
	const uint8_t *crl;
	gxca_crl **c = luaL_testudata(L, 2, MT_CRL);
	if (c) {
		if (!*c)
			return luaL_argerror(L, 2, MT_CRL " is closed");
		uint8_t **box = (uint8_t **)new_obj(L, MT_MEM);
		int rc = gxca_crl_to_der(*c, box, &n);
		if (rc)
			return fail(L, ctx_of(L, 1), rc);
		crl = *box;
	} else {
		crl = check_bytes(L, 2, &n);
	}
	return done(L, ctx_of(L, 1), gxca_login_server_set_crl(s, crl, n));
}

/* server:set_role_cb(fn(serial) -> role name) / set_revocation_cb(fn(issuer, serial) -> bool) */
static int server_set_cb(lua_State *L, const char *which)
{
	SERVER(L);
	if (!lua_isnil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_getiuservalue(L, 1, 2);
	lua_pushvalue(L, 2);
	lua_setfield(L, -2, which);
	lua_pushboolean(L, 1);
	return 1;
}

static int server_set_role_cb(lua_State *L) { return server_set_cb(L, "role"); }
static int server_set_revocation_cb(lua_State *L) { return server_set_cb(L, "revoked"); }

static int server_challenge(lua_State *L)
{
	gxca_login_server *s = SERVER(L);
	int64_t now = (int64_t)luaL_optinteger(L, 2, 0);
	char **out = (char **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_login_challenge(s, now, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

/* What a callback needs: the running state and the server's callback table. */
struct cb_payload {
	lua_State *L;
	int table; /* absolute index of the callback table */
};

/* One callback call, run by cb_protected() under lua_pcall. */
struct cb_call {
	const char *which, *a, *b; /* callback name, string arguments (b may be NULL) */
	int out;                   /* role value, or revoked 0/1 */
	int rc;
};

static int cb_protected(lua_State *L)
{
	struct cb_call *c = lua_touserdata(L, 1);
	raw_field(L, 2, c->which);
	lua_pushstring(L, c->a);
	if (c->b)
		lua_pushstring(L, c->b);
	lua_call(L, c->b ? 2 : 1, 1);
	if (!c->b) {
		const char *name = lua_tostring(L, -1);
		c->rc = GXCA_EUSER;
		for (const struct named *r = role_names; name && r->name; r++)
			if (strcmp(r->name, name) == 0) {
				c->out = r->value;
				c->rc = GXCA_OK;
			}
	} else {
		c->out = lua_toboolean(L, -1);
		c->rc = GXCA_OK;
	}
	return 0;
}

/*
 * Run a callback from inside the library: only pushes that cannot fail (a
 * light C function, a light userdata, a copy; the stack space was reserved
 * by server_verify()), then lua_pcall, so nothing raises through the
 * library. A Lua error or a bad answer refuses the login (GXCA_EUSER).
 */
static int run_cb(struct cb_payload *p, struct cb_call *c)
{
	lua_State *L = p->L;
	lua_pushcfunction(L, cb_protected);
	lua_pushlightuserdata(L, c);
	lua_pushvalue(L, p->table);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		lua_pop(L, 1);
		return GXCA_EUSER;
	}
	return c->rc;
}

static int role_trampoline(const char *serial, int *role, void *payload)
{
	struct cb_call c = {"role", serial, NULL, 0, GXCA_EUSER};
	int rc = run_cb(payload, &c);
	if (rc == GXCA_OK)
		*role = c.out;
	return rc;
}

static int revoked_trampoline(const char *issuer, const char *serial, int *revoked, void *payload)
{
	struct cb_call c = {"revoked", issuer, serial, 0, GXCA_EUSER};
	int rc = run_cb(payload, &c);
	if (rc == GXCA_OK)
		*revoked = c.out;
	return rc;
}

/* server:verify(response, now) -> {name, number, kind, serial, subject, role} */
static int server_verify(lua_State *L)
{
	gxca_login_server *s = SERVER(L);
	size_t n;
	const char *response = luaL_checklstring(L, 2, &n);
	int64_t now = (int64_t)luaL_optinteger(L, 3, 0);
	luaL_checkstack(L, 12, "login callbacks");
	lua_getiuservalue(L, 1, 2);
	struct cb_payload p = {L, lua_gettop(L)};
	if (is_busy(L, 1))
		return luaL_error(L, "the login server is already verifying (a callback called it again)");
	raw_field(L, p.table, "store"); /* borrowed by the server: must be open */
	void **store = luaL_checkudata(L, -1, MT_NONCES);
	if (!*store)
		return luaL_error(L, "the server's nonce store is closed");
	int store_idx = lua_gettop(L);
	int has_role = raw_field(L, p.table, "role") == LUA_TFUNCTION;
	int has_revoked = raw_field(L, p.table, "revoked") == LUA_TFUNCTION;
	lua_pop(L, 2);
	gxca_login_identity **id = (gxca_login_identity **)new_obj(L, MT_IDENTITY);
	int id_idx = lua_gettop(L);
	gxca_ctx *ctx = push_ctx_of(L, 1);
	int ctx_idx = lua_gettop(L);
	int rc = gxca_login_server_set_role_cb(s, has_role ? role_trampoline : NULL, &p);
	if (!rc)
		rc = gxca_login_server_set_revocation_cb(s, has_revoked ? revoked_trampoline : NULL, &p);
	const int in_use[] = {1, store_idx, ctx_idx};
	for (size_t i = 0; i < 3; i++)
		busy_add(L, in_use[i], 1);
	if (!rc)
		rc = gxca_login_verify(s, response, n, now, id);
	for (size_t i = 0; i < 3; i++)
		busy_add(L, in_use[i], -1);
	/* the payload lives on this C stack only: uninstall before returning */
	int rc2 = gxca_login_server_set_role_cb(s, NULL, NULL);
	int rc3 = gxca_login_server_set_revocation_cb(s, NULL, NULL);
	if (rc || (rc = rc2) || (rc = rc3))
		return fail(L, ctx, rc);
	lua_createtable(L, 0, 6);
	set_str(L, "name", gxca_login_identity_name(*id));
	set_str(L, "number", gxca_login_identity_number(*id));
	set_str(L, "kind", gxca_applicant_name(gxca_login_identity_kind(*id)));
	set_str(L, "serial", gxca_login_identity_serial(*id));
	set_str(L, "subject", gxca_login_identity_subject(*id));
	set_str(L, "role", name_of(role_names, gxca_login_identity_role(*id)));
	release(L, id_idx);
	return 1;
}

static const luaL_Reg server_methods[] = {
	{"set_lifetime", server_set_lifetime},
	{"add_trust", server_add_trust},
	{"set_crl", server_set_crl},
	{"set_role_cb", server_set_role_cb},
	{"set_revocation_cb", server_set_revocation_cb},
	{"challenge", server_challenge},
	{"verify", server_verify},
	{NULL, NULL}};

/* key:login_respond(cert, challenge, expected_platform|nil) -> response text */
static int key_login_respond(lua_State *L)
{
	gxca_key *key = KEY(L);
	size_t n, cn;
	const uint8_t *cert = check_cert_bytes(L, 2, &n);
	const char *challenge = luaL_checklstring(L, 3, &cn);
	const char *platform = opt_text(L, 4);
	char **out = (char **)new_obj(L, MT_MEM);
	size_t len = 0;
	int rc = gxca_login_respond(key, cert, n, challenge, cn, platform, out, &len);
	return bytes_result(L, ctx_of(L, 1), rc, -1, len);
}

static const luaL_Reg ctx_methods[] = {
	{"lang", ctx_lang},
	{"set_lang", ctx_set_lang},
	{"last_error", ctx_last_error},
	{"load_policy", ctx_load_policy},
	{"load_policy_json", ctx_load_policy_json},
	{"reset_policy", ctx_reset_policy},
	{"policy", ctx_policy},
	{"time_of", ctx_time_of},
	{"is_working_day", ctx_is_working_day},
	{"add_working_days", ctx_add_working_days},
	{"sites", ctx_sites},
	{"site", ctx_site},
	{"site_hours", ctx_site_hours},
	{"site_is_open", ctx_site_is_open},
	{"check_uscc", ctx_check_uscc},
	{"check_id_number", ctx_check_id_number},
	{"tariff_price", ctx_tariff_price},
	{"quote", ctx_quote},
	{"checklist", ctx_checklist},
	{"application", ctx_application},
	{"application_from_json", ctx_application_from_json},
	{"generate_key", ctx_generate_key},
	{"load_key", ctx_load_key},
	{"load_key_file", ctx_load_key_file},
	{"cert_from_der", ctx_cert_from_der},
	{"cert_from_pem", ctx_cert_from_pem},
	{"cert_load", ctx_cert_load},
	{"cert_chain_from_pem", ctx_cert_chain_from_pem},
	{"cert_chain_load", ctx_cert_chain_load},
	{"crl_from_der", ctx_crl_from_der},
	{"crl_from_pem", ctx_crl_from_pem},
	{"crl_load", ctx_crl_load},
	{"ca_create", ctx_ca_create},
	{"ca_open", ctx_ca_open},
	{"image", ctx_image},
	{"image_from_png", ctx_image_from_png},
	{"seal_spec", ctx_seal_spec},
	{"eseal", ctx_eseal},
	{"eseal_parse", ctx_eseal_parse},
	{"esign", ctx_esign},
	{"esign_parse", ctx_esign_parse},
	{"token_module", ctx_token_module},
	{"envelope", ctx_envelope},
	{"nonce_store", ctx_nonce_store},
	{"login_server", ctx_login_server},
	{NULL, NULL}};

static const luaL_Reg key_methods[] = {
	{"algorithm", key_algorithm},
	{"save_pem", key_save_pem},
	{"public_der", key_public_der},
	{"sign", key_sign},
	{"verify", key_verify},
	{"csr", key_csr},
	{"decrypt_file", key_decrypt_file},
	{"login_respond", key_login_respond},
	{NULL, NULL}};

/* ---- registration ------------------------------------------------------------------ */

static const struct gx_type types[] = {
	{MT_CTX, free_ctx, ctx_methods, NULL},
	{MT_QUOTE, free_quote, quote_methods, quote_meta},
	{MT_CHECKLIST, free_checklist, checklist_methods, checklist_meta},
	{MT_MAILPKG, free_mailpkg, mailpkg_methods, NULL},
	{MT_APP, free_app, app_methods, NULL},
	{MT_KEY, free_key, key_methods, NULL},
	{MT_MEM, gxca_free, NULL, NULL},
	{MT_REPORT, free_report, NULL, NULL},
	{MT_CERT, free_cert, cert_methods, NULL},
	{MT_CRL, free_crl, crl_methods, NULL},
	{MT_CA, free_ca, ca_methods, NULL},
	{MT_IMAGE, free_image, image_methods, NULL},
	{MT_SEALSPEC, free_sealspec, spec_methods, NULL},
	{MT_ESEAL, free_eseal, eseal_methods, NULL},
	{MT_ESIGN, free_esign, esign_methods, NULL},
	{MT_TOKMOD, free_tokmod, tokmod_methods, NULL},
	{MT_TOKEN, free_token, token_methods, NULL},
	{MT_ENVELOPE, free_envelope, envelope_methods, envelope_meta},
	{MT_NONCES, free_nonces, nonces_methods, nonces_meta},
	{MT_SERVER, free_server, server_methods, NULL},
	{MT_RECORD, free_record, NULL, NULL},
	{MT_RECORDS, free_records, NULL, NULL},
	{MT_ERESULT, free_eresult, NULL, NULL},
	{MT_IDENTITY, free_identity, NULL, NULL},
};

static void register_type(lua_State *L, const struct gx_type *t)
{
	luaL_newmetatable(L, t->name);
	lua_pushlightuserdata(L, (void *)t);
	lua_pushboolean(L, 1);
	lua_pushcclosure(L, obj_close, 2);
	lua_setfield(L, -2, "__gc");
	lua_pushlightuserdata(L, (void *)t);
	lua_pushboolean(L, 0);
	lua_pushcclosure(L, obj_close, 2);
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, "__close");
	lua_newtable(L); /* methods */
	lua_insert(L, -2);
	lua_setfield(L, -2, "close");
	if (t->methods)
		luaL_setfuncs(L, t->methods, 0);
	lua_setfield(L, -2, "__index");
	if (t->meta)
		luaL_setfuncs(L, t->meta, 0);
	/* getmetatable() gives the type name: a script that could replace
	 * __close or __gc could keep a child alive past its context */
	lua_pushstring(L, t->name);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

static void push_names(lua_State *L, const struct named *tab)
{
	lua_newtable(L);
	for (; tab->name; tab++) {
		lua_pushinteger(L, tab->value);
		lua_setfield(L, -2, tab->name);
	}
}

static const luaL_Reg module_functions[] = {
	{"new", l_new},
	{"version", l_version},
	{"strerror", l_strerror},
	{"error_name", l_error_name},
	{"policy_default_json", l_policy_default_json},
	{"date_of", l_date_of},
	{"uscc_check_char", l_uscc_check_char},
	{"id_check_char", l_id_check_char},
	{"field_label", l_field_label},
	{"field_applies", l_field_applies},
	{"eseal_kind", l_eseal_kind},
	{NULL, NULL}};

int luaopen_gxca(lua_State *L);

int luaopen_gxca(lua_State *L)
{
	luaL_checkversion(L);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		register_type(L, &types[i]);
	luaL_newmetatable(L, MT_CHAINBOX);
	lua_pushcfunction(L, chainbox_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	luaL_newmetatable(L, MT_WEAKK);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_pop(L, 1);
	luaL_newlib(L, module_functions);
	push_names(L, change_names);
	lua_setfield(L, -2, "CHANGE");
	push_names(L, matflag_names);
	lua_setfield(L, -2, "MATFLAG");
	lua_pushstring(L, gxca_version());
	lua_setfield(L, -2, "_VERSION");
	return 1;
}
