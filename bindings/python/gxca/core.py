# gxca/core.py — the context, problem reports, policy, calendar, sites,
# identity numbers, enumeration names and the base of every handle class.

import contextlib
import weakref
from collections import namedtuple
from ctypes import byref, c_int, c_int64, c_void_p, create_string_buffer

from . import errors
from ._lib import (LOG_FN, CtxP, ReportP, lib, take_text, text_in, text_out)

LANGS = {"zh": 0, "en": 1}               # gxca_lang
SEVERITIES = {1: "error", 2: "warning"}  # gxca_severity
DATE_SIZE = 11                           # GXCA_DATE_SIZE

# Enumerations the library names itself: (name -> value, value -> name).
_NAMED = {
    "applicant": (lib.gxca_applicant_from_name, lib.gxca_applicant_name),
    "business": (lib.gxca_business_from_name, lib.gxca_business_name),
    "item": (lib.gxca_item_from_name, lib.gxca_item_name),
    "material": (lib.gxca_material_from_name, lib.gxca_material_name),
    "field": (lib.gxca_app_field_from_name, lib.gxca_app_field_name),
    "state": (lib.gxca_app_state_from_name, lib.gxca_app_state_name),
    "channel": (lib.gxca_channel_from_name, lib.gxca_channel_name),
    "key_alg": (lib.gxca_key_alg_from_name, lib.gxca_key_alg_name),
}


def enum_in(kind, value):
    """An enumeration value given as its stable name (as the library spells
    it) or as its int; an unknown name raises ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (str, bytes)):
        n = _NAMED[kind][0](text_in(value))
        if n:
            return n
        raise ValueError("unknown %s name %r" % (kind, value))
    raise TypeError("%s must be a name or an int, not %s" % (kind, type(value).__name__))


def enum_out(kind, value):
    """The stable name of an enumeration value, or None (0, unknown)."""
    return text_out(_NAMED[kind][1](value))


def lang_in(lang):
    if lang in LANGS:
        return LANGS[lang]
    if lang in LANGS.values():
        return lang
    raise ValueError("lang must be 'zh' or 'en', not %r" % (lang,))


def flags_in(names, table, what):
    """OR-able flags given as an int or an iterable of names of table."""
    if isinstance(names, int):
        return names
    if isinstance(names, str):
        names = [names]
    value = 0
    for name in names:
        if name not in table:
            raise ValueError("unknown %s %r" % (what, name))
        value |= table[name]
    return value


def version():
    """The library version, e.g. "1.0.0"."""
    return text_out(lib.gxca_version())


def strerror(code, lang="zh"):
    """The static message of a status code."""
    return text_out(lib.gxca_strerror(code, lang_in(lang)))


def error_name(code):
    """The name of a status code ("GXCA_EINVAL")."""
    return text_out(lib.gxca_error_name_of(code))


def policy_default_json():
    """The built-in policy as JSON text."""
    return text_out(lib.gxca_policy_default_json())


def date_of(unix_time):
    """The Asia/Shanghai date ("YYYY-MM-DD") of a Unix time."""
    out = create_string_buffer(DATE_SIZE)
    rc = lib.gxca_calendar_date_of(unix_time, out)
    if rc < 0:
        raise errors.from_code(rc)
    return out.value.decode("ascii")


def uscc_check_char(first17):
    """The check character the first 17 characters of a USCC call for, or None."""
    c = lib.gxca_identity_uscc_check_char(text_in(first17))
    return None if c == b"\0" else c.decode("ascii")


def id_check_char(first17):
    """The check character the first 17 digits of an ID number call for, or None."""
    c = lib.gxca_identity_id_check_char(text_in(first17))
    return None if c == b"\0" else c.decode("ascii")


class Handle:
    """An owned C object made from a Context. close() (or leaving a with
    block) frees it; so does the garbage collector. Every child keeps its
    context alive, and closing a context closes its children first."""

    _free_name = None

    def __init__(self, ctx, ptr):
        self._ptr = ptr
        self._free = getattr(lib, self._free_name)
        self._ctx = ctx
        ctx._adopt(self)

    @property
    def ctx(self):
        return self._ctx

    @property
    def _p(self):
        if self._ptr is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    @property
    def closed(self):
        return getattr(self, "_ptr", None) is None

    def close(self):
        self._ctx._refuse_in_callback(self)
        self._release()

    def _release(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            self._free(ptr)

    def _check(self, rc):
        return self._ctx._check(rc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # garbage is never what a running call uses: no callback check here
        try:
            self._release()
        except Exception:  # interpreter shutdown: the library may be gone
            pass


Problem = namedtuple("Problem", "severity code name id field zh en")


class Report:
    """A problem report, copied out of the library: .code and .name are the
    status of the call that made it, .problems its problems in order."""

    def __init__(self, ptr, code=0, owned=True):
        try:
            self.code = code
            self.name = error_name(code)
            self.errors = lib.gxca_report_error_count(ptr)
            self.warnings = lib.gxca_report_warning_count(ptr)
            self.problems = tuple(self._problem(ptr, i)
                                  for i in range(lib.gxca_report_count(ptr)))
            out = c_void_p()
            rc = lib.gxca_report_to_json(ptr, byref(out))
            if rc < 0:
                raise errors.from_code(rc)
            self._json = take_text(out)
        finally:
            if owned:
                lib.gxca_report_free(ptr)

    @staticmethod
    def _problem(ptr, i):
        code = lib.gxca_report_code(ptr, i)
        return Problem(SEVERITIES.get(lib.gxca_report_severity(ptr, i)), code, error_name(code),
                       text_out(lib.gxca_report_id(ptr, i)),
                       text_out(lib.gxca_report_field(ptr, i)),
                       text_out(lib.gxca_report_message(ptr, i, 0)),
                       text_out(lib.gxca_report_message(ptr, i, 1)))

    @property
    def ok(self):
        """The call succeeded (warnings may remain)."""
        return self.code == 0

    def to_json(self):
        return self._json

    def __len__(self):
        return len(self.problems)

    def __iter__(self):
        return iter(self.problems)

    def __repr__(self):
        return "<gxca.Report %s errors=%d warnings=%d>" % (self.name, self.errors, self.warnings)


Site = namedtuple("Site", "id region_zh region_en address phone")


def _site(ptr):
    return Site(text_out(lib.gxca_site_id(ptr)), text_out(lib.gxca_site_region(ptr, 0)),
                text_out(lib.gxca_site_region(ptr, 1)), text_out(lib.gxca_site_address(ptr)),
                text_out(lib.gxca_site_phone(ptr)))


class Context:
    """A gxca_ctx: language, policy, last error. Use one per thread.

        with gxca.Context(lang="en") as ctx:
            ...
    """

    def __init__(self, lang=None):
        self._children = weakref.WeakSet()
        self._log = None
        self._calling_back = 0
        ptr = CtxP()
        rc = lib.gxca_ctx_new(byref(ptr))
        if rc < 0:
            raise errors.from_code(rc)
        self._ptr = ptr
        self._free = lib.gxca_ctx_free
        if lang is not None:
            self.lang = lang

    @property
    def _p(self):
        if self._ptr is None:
            raise ValueError("Context is closed")
        return self._ptr

    @property
    def closed(self):
        return getattr(self, "_ptr", None) is None

    def _adopt(self, child):
        if self._ptr is None:
            raise ValueError("Context is closed")
        self._children.add(child)

    def _check(self, rc):
        """Raise the ctx's last error for a negative status; else return rc."""
        if rc < 0:
            raise errors.from_ctx(self._p, rc)
        return rc

    def close(self):
        """Free the context, after every object made from it."""
        self._refuse_in_callback(self)
        self._release()

    def _release(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if not ptr:
            return
        for child in list(self._children):
            child._release()
        self._free(ptr)

    # A callback (log, login role or revocation) runs inside a library call
    # that is using this context and some of its objects: closing any of them
    # from the callback would free memory under that call.
    @contextlib.contextmanager
    def _callback(self):
        self._calling_back += 1
        try:
            yield
        finally:
            self._calling_back -= 1

    def _refuse_in_callback(self, obj):
        if self._calling_back:
            raise RuntimeError("cannot close %s from a callback: a library call is using it"
                               % type(obj).__name__)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self._release()
        except Exception:  # interpreter shutdown
            pass

    # ---- language, log, last error ----

    @property
    def lang(self):
        return "en" if lib.gxca_ctx_lang(self._p) == 1 else "zh"

    @lang.setter
    def lang(self, lang):
        self._check(lib.gxca_ctx_set_lang(self._p, lang_in(lang)))

    def set_log(self, fn, max_level=4):
        """Call fn(level, message) for library log messages up to max_level
        (1 error .. 4 debug); None removes it. Exceptions in fn are dropped:
        they cannot cross the C library."""
        if fn is None:
            cb = LOG_FN()  # NULL
        else:
            def trampoline(level, message, _payload):
                try:
                    with self._callback():
                        fn(level, text_out(message))
                except Exception:
                    pass
            cb = LOG_FN(trampoline)
        self._check(lib.gxca_ctx_set_log(self._p, cb, max_level, None))
        self._log = cb  # keep the C callback alive while installed

    def last_error(self):
        """The failure of the last call as a GxcaError, or None."""
        err = lib.gxca_ctx_last_error(self._p)
        code = lib.gxca_error_code(err)
        return errors.from_ctx(self._p, code) if code else None

    # ---- policy ----

    def load_policy(self, path):
        self._check(lib.gxca_ctx_load_policy(self._p, text_in(path, "path")))

    def load_policy_json(self, text):
        data = text_in(text, "text", sized=True)
        self._check(lib.gxca_ctx_load_policy_json(self._p, data, len(data)))

    def reset_policy(self):
        self._check(lib.gxca_ctx_reset_policy(self._p))

    @property
    def platform_code(self):
        return text_out(lib.gxca_policy_platform_code(self._p))

    @property
    def platform_name(self):
        return text_out(lib.gxca_policy_platform_name(self._p))

    @property
    def hotline(self):
        return text_out(lib.gxca_policy_hotline(self._p))

    @property
    def mailbox(self):
        return text_out(lib.gxca_policy_mailbox(self._p))

    @property
    def initial_pin(self):
        return text_out(lib.gxca_policy_initial_pin(self._p))

    # ---- calendar ----

    def time_of(self, date):
        """Unix time of 00:00 Asia/Shanghai on date ("YYYY-MM-DD")."""
        out = c_int64()
        self._check(lib.gxca_calendar_time_of(self._p, text_in(date, "date"), byref(out)))
        return out.value

    def is_working_day(self, date):
        out = c_int()
        self._check(lib.gxca_calendar_is_working_day(self._p, text_in(date, "date"), byref(out)))
        return bool(out.value)

    def add_working_days(self, date, n):
        out = create_string_buffer(DATE_SIZE)
        self._check(lib.gxca_calendar_add_working_days(self._p, text_in(date, "date"), n, out))
        return out.value.decode("ascii")

    # ---- sites (copied: the library's sites live only as long as the policy) ----

    def sites(self):
        return [_site(lib.gxca_site_get(self._p, i)) for i in range(lib.gxca_site_count(self._p))]

    def site(self, site_id):
        """The site with that id, or None."""
        ptr = lib.gxca_site_find(self._p, text_in(site_id, "site_id"))
        return _site(ptr) if ptr else None

    def _site_ptr(self, site):
        return lib.gxca_site_find(self._p, text_in(getattr(site, "id", site), "site"))

    def site_hours(self, site, month):
        """Opening hours of a site (a Site or its id) in a month (1..12)."""
        out = c_void_p()
        self._check(lib.gxca_site_hours(self._p, self._site_ptr(site), month, byref(out)))
        return take_text(out)

    def site_is_open(self, site, unix_time):
        out = c_int()
        self._check(lib.gxca_site_is_open(self._p, self._site_ptr(site), unix_time, byref(out)))
        return bool(out.value)

    # ---- identity numbers ----

    def _report_call(self, fn, *args):
        """Calls that answer with a report: the Report (whatever the status)
        when the library made one, else raise."""
        ptr = ReportP()
        rc = fn(*args, byref(ptr))
        if ptr:
            return Report(ptr, rc)
        self._check(rc)
        raise errors.from_code(-1)  # GXCA_EGENERIC: success without the promised report

    def check_uscc(self, code):
        """Check a unified social credit code: a Report (.ok, .problems)."""
        return self._report_call(lib.gxca_identity_check_uscc, self._p, text_in(code, "code"))

    def check_id_number(self, number):
        """Check a resident identity card number: a Report."""
        return self._report_call(lib.gxca_identity_check_id_number, self._p,
                                 text_in(number, "number"))

    # ---- tariff ----

    def tariff_price(self, applicant, business, item, years):
        """Price in fen of one item for a term of years."""
        out = c_int64()
        self._check(lib.gxca_tariff_price(self._p, enum_in("applicant", applicant),
                                          enum_in("business", business),
                                          enum_in("item", item), years, byref(out)))
        return out.value
