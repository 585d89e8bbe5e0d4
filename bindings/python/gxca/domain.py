# gxca/domain.py — quotes, checklists, mail packages and applications.

from collections import namedtuple
from ctypes import byref, c_int, c_int64, c_size_t, c_uint, c_uint32, c_void_p, c_char_p
from ctypes import create_string_buffer

from . import errors
from .core import DATE_SIZE, Handle, Report, enum_in, enum_out, flags_in, lang_in
from ._lib import (ApplicationP, ChecklistP, MailPackageP, QuoteP, lib, bytes_in,
                   opt_text_in, take_bytes, take_text, text_in, text_out)

# Mirrors of the header constants the library gives no names for.
CHANGES = {"NAME": 0x1, "LEGAL_REP": 0x2, "SEAL_TEMPLATE": 0x4}          # GXCA_CHANGE_*
MATFLAGS = {"STAMPED": 0x1, "SIGNED": 0x2, "ORIGINAL": 0x4, "PHYSICAL": 0x8}  # GXCA_MATFLAG_*
COLLECT = {"official_seal": 1, "legal_rep_seal": 2, "legal_rep_signature": 3,
           "signatures": 4, "best_signature": 5}                         # gxca_app_collect
EINVALID = -18  # GXCA_EINVALID, the status behind a last_report
ID_TYPES = {"RESIDENT_ID": 1, "OTHER": 2}                                # gxca_id_type
_ID_TYPE_NAMES = {v: k for k, v in ID_TYPES.items()}


def changes_in(changes):
    return flags_in(changes, CHANGES, "change kind")


def changes_out(value):
    """Change flags as the list of their names."""
    return [name for name, bit in CHANGES.items() if value & bit]


# ---- quotes ----------------------------------------------------------------

QuoteLine = namedtuple("QuoteLine", "applicant business item quantity years unit_fen "
                                    "amount_fen list_fen discount_fen zh en")


class Quote(Handle):
    """A quote: lines priced from the context's tariff when they are added."""

    _free_name = "gxca_quote_free"

    def __init__(self, ctx):
        ptr = QuoteP()
        ctx._check(lib.gxca_quote_new(byref(ptr), ctx._p))
        super().__init__(ctx, ptr)

    def add(self, applicant, business, item, count=1, years=0):
        """Add count items of one kind for one business and term."""
        self._check(lib.gxca_quote_add(self._p, enum_in("applicant", applicant),
                                       enum_in("business", business), enum_in("item", item),
                                       count, years))

    def add_order(self, applicant, business, tokens, years=0, seals=-1):
        """Add tokens with their certificates and seals (-1: the policy default)."""
        self._check(lib.gxca_quote_add_order(self._p, enum_in("applicant", applicant),
                                             enum_in("business", business), tokens, years,
                                             seals))

    @property
    def total(self):
        """Total in fen."""
        return lib.gxca_quote_total(self._p)

    def __len__(self):
        return lib.gxca_quote_line_count(self._p)

    def line(self, i):
        if not 0 <= i < len(self):
            raise IndexError("quote line %d out of range" % i)
        p = self._p
        return QuoteLine(enum_out("applicant", lib.gxca_quote_line_applicant(p, i)),
                         enum_out("business", lib.gxca_quote_line_business(p, i)),
                         enum_out("item", lib.gxca_quote_line_item(p, i)),
                         lib.gxca_quote_line_quantity(p, i), lib.gxca_quote_line_years(p, i),
                         lib.gxca_quote_line_unit_fen(p, i), lib.gxca_quote_line_amount_fen(p, i),
                         lib.gxca_quote_line_list_fen(p, i), lib.gxca_quote_line_discount_fen(p, i),
                         text_out(lib.gxca_quote_line_text(p, i, 0)),
                         text_out(lib.gxca_quote_line_text(p, i, 1)))

    @property
    def lines(self):
        return [self.line(i) for i in range(len(self))]

    def to_json(self):
        out = c_void_p()
        self._check(lib.gxca_quote_to_json(self._p, byref(out)))
        return take_text(out)


# ---- checklists and mail packages --------------------------------------------

ChecklistItem = namedtuple("ChecklistItem", "material zh en flags")


class Checklist(Handle):
    """The materials one applicant needs for one business."""

    _free_name = "gxca_checklist_free"

    def __init__(self, ctx, applicant, business, changes=0, by_proxy=False):
        ptr = ChecklistP()
        ctx._check(lib.gxca_checklist_new(byref(ptr), ctx._p, enum_in("applicant", applicant),
                                          enum_in("business", business), changes_in(changes),
                                          int(by_proxy)))
        super().__init__(ctx, ptr)

    def __len__(self):
        return lib.gxca_checklist_count(self._p)

    def item(self, i):
        if not 0 <= i < len(self):
            raise IndexError("checklist item %d out of range" % i)
        p = self._p
        return ChecklistItem(enum_out("material", lib.gxca_checklist_material(p, i)),
                             text_out(lib.gxca_checklist_label(p, i, 0)),
                             text_out(lib.gxca_checklist_label(p, i, 1)),
                             lib.gxca_checklist_flags(p, i))

    @property
    def items(self):
        return [self.item(i) for i in range(len(self))]

    def warning(self, lang="zh"):
        """The warning to show for this business, or None."""
        return text_out(lib.gxca_checklist_warning(self._p, lang_in(lang)))

    def check(self, submitted):
        """Check the materials handed in (names or ids): a Report whose code
        is 0, GXCA_EMATERIAL_MISSING or GXCA_EMATERIAL_UNKNOWN."""
        ids = [enum_in("material", m) for m in submitted]
        arr = (c_int * max(len(ids), 1))(*ids)
        return self._ctx._report_call(lib.gxca_checklist_check, self._p, arr, len(ids))

    def mail_package(self, applicant_name):
        return MailPackage(self, applicant_name)


class MailPackage(Handle):
    """The archive of scans to email for a MAIL application."""

    _free_name = "gxca_mail_package_free"

    def __init__(self, checklist, applicant_name):
        ptr = MailPackageP()
        checklist._check(lib.gxca_mail_package_new(byref(ptr), checklist._p,
                                                   text_in(applicant_name, "applicant_name")))
        super().__init__(checklist.ctx, ptr)

    def add_scan(self, material, filename, data):
        data = bytes_in(data)
        self._check(lib.gxca_mail_package_add_scan(self._p, enum_in("material", material),
                                                   text_in(filename, "filename"), data,
                                                   len(data)))

    @property
    def filename(self):
        return text_out(lib.gxca_mail_package_filename(self._p))

    def build(self, unix_time):
        """The ZIP archive as bytes, members dated unix_time."""
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_mail_package_build(self._p, unix_time, byref(out), byref(n)))
        return take_bytes(out, n)

    def write(self, unix_time, directory):
        """Write <directory>/<filename> atomically; returns its path."""
        out = c_void_p()
        self._check(lib.gxca_mail_package_write(self._p, unix_time,
                                                text_in(directory, "directory"), byref(out)))
        return take_text(out)


# ---- applications --------------------------------------------------------------

def field_name(field):
    return enum_out("field", enum_in("field", field))


def field_label(field, lang="zh"):
    return text_out(lib.gxca_app_field_label(enum_in("field", field), lang_in(lang)))


def field_applies(applicant, field):
    return bool(lib.gxca_app_field_applies(enum_in("applicant", applicant),
                                           enum_in("field", field)))


AppLine = namedtuple("AppLine", "business count years changes")
HistoryEntry = namedtuple("HistoryEntry", "state when actor note")


class Application(Handle):
    """An application form (ORG or PERSON) with its workflow state.

    Fields are addressed by their names ("org_name", "uscc", ...):
    app["org_name"] = "..." or app.set("org_name", "...")."""

    _free_name = "gxca_application_free"

    def __init__(self, ctx, applicant=None, _ptr=None):
        if _ptr is None:
            _ptr = ApplicationP()
            ctx._check(lib.gxca_application_new(byref(_ptr), ctx._p,
                                                enum_in("applicant", applicant)))
        super().__init__(ctx, _ptr)

    @classmethod
    def from_json(cls, ctx, text):
        data = text_in(text, "text", sized=True)
        ptr = ApplicationP()
        ctx._check(lib.gxca_application_from_json(byref(ptr), ctx._p, data, len(data)))
        return cls(ctx, _ptr=ptr)

    def to_json(self):
        out = c_void_p()
        self._check(lib.gxca_application_to_json(self._p, byref(out)))
        return take_text(out)

    @property
    def applicant(self):
        return enum_out("applicant", lib.gxca_application_applicant(self._p))

    @property
    def id(self):
        return text_out(lib.gxca_application_id(self._p))

    # fields
    def set(self, field, value):
        self._check(lib.gxca_application_set(self._p, enum_in("field", field),
                                             text_in(value, "value")))

    def get(self, field):
        return text_out(lib.gxca_application_get(self._p, enum_in("field", field)))

    __setitem__ = set
    __getitem__ = get

    @property
    def id_type(self):
        """"RESIDENT_ID", "OTHER" or None (unset)."""
        return _ID_TYPE_NAMES.get(lib.gxca_application_id_type(self._p))

    @id_type.setter
    def id_type(self, value):
        """A name, an int (gxca_id_type) or None (unset)."""
        if value is None:
            value = 0
        elif isinstance(value, str):
            if value not in ID_TYPES:
                raise ValueError("unknown id type %r" % value)
            value = ID_TYPES[value]
        self._check(lib.gxca_application_set_id_type(self._p, value))

    def set_collected(self, what, value):
        """Record a seal or signature box (official_seal, legal_rep_seal,
        legal_rep_signature, signatures, best_signature)."""
        self._check(lib.gxca_application_set_collected(self._p, _collect(what), value))

    def collected(self, what):
        return lib.gxca_application_collected(self._p, _collect(what))

    @property
    def by_proxy(self):
        return bool(lib.gxca_application_by_proxy(self._p))

    @by_proxy.setter
    def by_proxy(self, value):
        self._check(lib.gxca_application_set_by_proxy(self._p, int(bool(value))))

    @property
    def consent(self):
        return bool(lib.gxca_application_consent(self._p))

    @consent.setter
    def consent(self, value):
        self._check(lib.gxca_application_set_consent(self._p, int(bool(value))))

    # business lines
    def add_line(self, business, count=1, years=0, changes=0):
        self._check(lib.gxca_application_add_line(self._p, enum_in("business", business), count,
                                                  years, changes_in(changes)))

    @property
    def lines(self):
        result = []
        for i in range(lib.gxca_application_line_count(self._p)):
            biz, count, years, flags = c_int(), c_uint(), c_int(), c_uint32()
            self._check(lib.gxca_application_line_get(self._p, i, byref(biz), byref(count),
                                                      byref(years), byref(flags)))
            result.append(AppLine(enum_out("business", biz.value), count.value, years.value,
                                  changes_out(flags.value)))
        return result

    def clear_lines(self):
        self._check(lib.gxca_application_clear_lines(self._p))

    def validate(self):
        """A Report of every problem (code 0 or GXCA_EINVALID)."""
        return self._ctx._report_call(lib.gxca_application_validate, self._p)

    # workflow
    @property
    def state(self):
        return enum_out("state", lib.gxca_application_state(self._p))

    def submit(self, channel, actor, when):
        """Submit through MAIL or ONSITE; a form that does not validate
        raises GxcaError (GXCA_EINVALID) with .report set."""
        rc = lib.gxca_application_submit(self._p, enum_in("channel", channel),
                                          text_in(actor, "actor"), when)
        if rc < 0:
            exc = errors.from_ctx(self._ctx._p, rc)
            exc.report = self.last_report
            raise exc

    def approve(self, actor, when):
        self._check(lib.gxca_application_approve(self._p, text_in(actor, "actor"), when))

    def reject(self, actor, when, reason):
        self._check(lib.gxca_application_reject(self._p, text_in(actor, "actor"), when,
                                                text_in(reason, "reason")))

    def request_payment(self, actor, when):
        self._check(lib.gxca_application_request_payment(self._p, text_in(actor, "actor"), when))

    def mark_paid(self, actor, when):
        self._check(lib.gxca_application_mark_paid(self._p, text_in(actor, "actor"), when))

    def mark_issued(self, actor, when):
        self._check(lib.gxca_application_mark_issued(self._p, text_in(actor, "actor"), when))

    def deliver(self, actor, when, tracking_no=None):
        """Deliver; tracking_no for MAIL, None for ONSITE."""
        self._check(lib.gxca_application_deliver(self._p, text_in(actor, "actor"), when,
                                                 opt_text_in(tracking_no, "tracking_no")))

    @property
    def last_report(self):
        """The report of the last submit that failed validation, or None."""
        ptr = lib.gxca_application_last_report(self._p)
        return Report(ptr, EINVALID, owned=False) if ptr else None

    @property
    def history(self):
        result = []
        for i in range(lib.gxca_application_history_count(self._p)):
            state, when, actor, note = c_int(), c_int64(), c_char_p(), c_char_p()
            self._check(lib.gxca_application_history_get(self._p, i, byref(state), byref(when),
                                                         byref(actor), byref(note)))
            result.append(HistoryEntry(enum_out("state", state.value), when.value,
                                       text_out(actor.value), text_out(note.value)))
        return result

    @property
    def channel(self):
        return enum_out("channel", lib.gxca_application_channel(self._p))

    @property
    def paid_at(self):
        return lib.gxca_application_paid_at(self._p)

    @property
    def tracking_no(self):
        return text_out(lib.gxca_application_tracking_no(self._p))

    def invoice_due(self):
        out = create_string_buffer(DATE_SIZE)
        self._check(lib.gxca_application_invoice_due(self._p, out))
        return out.value.decode("ascii")

    def mail_due(self):
        out = create_string_buffer(DATE_SIZE)
        self._check(lib.gxca_application_mail_due(self._p, out))
        return out.value.decode("ascii")


def _collect(what):
    if isinstance(what, str):
        if what not in COLLECT:
            raise ValueError("unknown collected item %r" % what)
        return COLLECT[what]
    return what

