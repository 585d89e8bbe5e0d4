# gxca/pki.py — certificates, CRLs and the certification authority.

from collections import namedtuple
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_void_p, pointer

from . import errors
from .core import Handle, enum_in, enum_out
from ._lib import (CAP, ApplicationP, CertP, CrlP, IssueOptions, RecordP, RecordsP, lib, bytes_in,
                   opt_text_in, take_bytes, text_in, text_out)

# Mirrors of header enumerations the library gives no names for.
USAGES = {"SIGN": 1, "ENCRYPT": 2, "CA": 3}                    # gxca_usage
DN_FIELDS = {"C": 1, "ST": 2, "L": 3, "O": 4, "OU": 5, "CN": 6}  # gxca_dn_field
CERT_STATUSES = {1: "VALID", 2: "REVOKED"}                     # gxca_cert_status
_USAGE_NAMES = {v: k for k, v in USAGES.items()}
ECERT_REVOKED = -603


def reason_in(reason):
    """A revocation reason by its RFC 5280 name ("keyCompromise") or value."""
    if isinstance(reason, int) and not isinstance(reason, bool):
        return reason
    value = lib.gxca_revocation_reason_from_name(text_in(reason, "reason"))
    if value < 0:
        raise ValueError("unknown revocation reason %r" % (reason,))
    return value


def reason_out(value):
    return text_out(lib.gxca_revocation_reason_name(value)) if value >= 0 else None


def _named(table, value, what):
    if isinstance(value, str):
        if value not in table:
            raise ValueError("unknown %s %r" % (what, value))
        return table[value]
    return value


class Cert(Handle):
    """An X.509 certificate (immutable). Cert.from_der(), .from_pem(), .load()."""

    _free_name = "gxca_cert_free"

    def __init__(self, ctx, _ptr):
        super().__init__(ctx, _ptr)

    @classmethod
    def _parse(cls, fn, ctx, *args):
        ptr = CertP()
        ctx._check(fn(byref(ptr), ctx._p, *args))
        return cls(ctx, ptr)

    @classmethod
    def from_der(cls, ctx, der):
        der = bytes_in(der, "der")
        return cls._parse(lib.gxca_cert_from_der, ctx, der, len(der))

    @classmethod
    def from_pem(cls, ctx, pem):
        pem = text_in(pem, "pem", sized=True)
        return cls._parse(lib.gxca_cert_from_pem, ctx, pem, len(pem))

    @classmethod
    def load(cls, ctx, path):
        """A certificate file, DER or PEM."""
        return cls._parse(lib.gxca_cert_load_file, ctx, text_in(path, "path"))

    @staticmethod
    def chain_from_pem(ctx, pem):
        """Every certificate of PEM text, in order."""
        pem = text_in(pem, "pem", sized=True)
        return _chain(ctx, lambda arr, n: lib.gxca_cert_chain_from_pem(arr, n, ctx._p, pem,
                                                                       len(pem)))

    @staticmethod
    def chain_load(ctx, path):
        path = text_in(path, "path")
        return _chain(ctx, lambda arr, n: lib.gxca_cert_chain_load_file(arr, n, ctx._p, path))

    def _bytes(self, fn):
        out, n = c_void_p(), c_size_t()
        self._check(fn(self._p, byref(out), byref(n)))
        return take_bytes(out, n)

    def to_der(self):
        return self._bytes(lib.gxca_cert_to_der)

    def to_pem(self):
        return self._bytes(lib.gxca_cert_to_pem).decode("ascii")

    def public_der(self):
        """The subject public key as DER SubjectPublicKeyInfo."""
        return self._bytes(lib.gxca_cert_public_der)

    @property
    def subject(self):
        return text_out(lib.gxca_cert_subject(self._p))

    @property
    def issuer(self):
        return text_out(lib.gxca_cert_issuer(self._p))

    def subject_field(self, field):
        """The first value of a subject attribute ("C", "ST", "L", "O", "OU", "CN"), or None."""
        return text_out(lib.gxca_cert_subject_field(self._p, _named(DN_FIELDS, field, "field")))

    @property
    def serial(self):
        return text_out(lib.gxca_cert_serial(self._p))

    @property
    def not_before(self):
        return lib.gxca_cert_not_before(self._p)

    @property
    def not_after(self):
        return lib.gxca_cert_not_after(self._p)

    @property
    def key_algorithm(self):
        return enum_out("key_alg", lib.gxca_cert_key_algorithm(self._p))

    @property
    def usage(self):
        """"SIGN", "ENCRYPT", "CA" or None."""
        return _USAGE_NAMES.get(lib.gxca_cert_usage(self._p))

    @property
    def uscc(self):
        return text_out(lib.gxca_cert_uscc(self._p))

    @property
    def id_number(self):
        return text_out(lib.gxca_cert_id_number(self._p))

    def verify(self, chain, crl=None, at=0):
        """Verify against trusted CA certificates (and a CRL) at a time (0 =
        now): True, or raise CertError. GXCA_ECERT_REVOKED carries
        .revoked_reason and .revoked_at."""
        chain = list(chain)
        arr = (CertP * max(len(chain), 1))(*[c._p for c in chain])
        reason, when = c_int(), c_int64()
        rc = lib.gxca_cert_verify(self._p, arr, len(chain), crl._p if crl is not None else None, at,
                                  byref(reason), byref(when))
        if rc < 0:
            exc = errors.from_ctx(self._ctx._p, rc)
            if rc == ECERT_REVOKED:
                exc.revoked_reason, exc.revoked_at = reason_out(reason.value), when.value
            raise exc
        return True

    def __repr__(self):
        return "<gxca.Cert %s>" % (self.subject if not self.closed else "closed")


def _chain(ctx, call):
    """Certificates of a library array (call(&array, &n) makes it), each
    copied into its own Cert: the array and its certificates are freed
    together."""
    arr, n = POINTER(CertP)(), c_size_t()
    ctx._check(call(byref(arr), byref(n)))
    try:
        result = []
        for k in range(n.value):
            out, length = c_void_p(), c_size_t()
            ctx._check(lib.gxca_cert_to_der(arr[k], byref(out), byref(length)))
            result.append(Cert.from_der(ctx, take_bytes(out, length)))
        return result
    finally:
        lib.gxca_cert_chain_free(arr, n.value)


CrlEntry = namedtuple("CrlEntry", "serial reason revoked_at")


class Crl(Handle):
    """An X.509 v2 CRL. Crl.from_der(), .from_pem(), .load(), or CA.crl()."""

    _free_name = "gxca_crl_free"

    def __init__(self, ctx, _ptr):
        super().__init__(ctx, _ptr)

    @classmethod
    def _parse(cls, fn, ctx, *args):
        ptr = CrlP()
        ctx._check(fn(byref(ptr), ctx._p, *args))
        return cls(ctx, ptr)

    @classmethod
    def from_der(cls, ctx, der):
        der = bytes_in(der, "der")
        return cls._parse(lib.gxca_crl_from_der, ctx, der, len(der))

    @classmethod
    def from_pem(cls, ctx, pem):
        pem = text_in(pem, "pem", sized=True)
        return cls._parse(lib.gxca_crl_from_pem, ctx, pem, len(pem))

    @classmethod
    def load(cls, ctx, path):
        return cls._parse(lib.gxca_crl_load_file, ctx, text_in(path, "path"))

    def to_der(self):
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_crl_to_der(self._p, byref(out), byref(n)))
        return take_bytes(out, n)

    def to_pem(self):
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_crl_to_pem(self._p, byref(out), byref(n)))
        return take_bytes(out, n).decode("ascii")

    @property
    def issuer(self):
        return text_out(lib.gxca_crl_issuer(self._p))

    @property
    def number(self):
        """The cRLNumber, or -1."""
        return lib.gxca_crl_number(self._p)

    @property
    def this_update(self):
        return lib.gxca_crl_this_update(self._p)

    @property
    def next_update(self):
        return lib.gxca_crl_next_update(self._p)

    def __len__(self):
        return lib.gxca_crl_count(self._p)

    @property
    def entries(self):
        result = []
        for k in range(len(self)):
            serial, reason, when = c_char_p(), c_int(), c_int64()
            self._check(lib.gxca_crl_entry(self._p, k, byref(serial), byref(reason),
                                           byref(when)))
            result.append(CrlEntry(text_out(serial.value), reason_out(reason.value), when.value))
        return result

    def find(self, serial):
        """The entry of a serial (hex, any case), or None when it is not listed."""
        reason, when = c_int(), c_int64()
        rc = lib.gxca_crl_find(self._p, text_in(serial, "serial"), byref(reason), byref(when))
        if rc == -4:  # GXCA_ENOTFOUND: the answer "not listed"
            return None
        self._check(rc)
        return CrlEntry(text_out(text_in(serial)), reason_out(reason.value), when.value)

    def verify(self, issuer):
        """Check the CRL's signature with the issuer's certificate: True or raise."""
        self._check(lib.gxca_crl_verify(self._p, issuer._p))
        return True


Record = namedtuple("Record", "serial subject holder application_id token_serial replaces "
                              "business usage key_algorithm is_master status not_before "
                              "not_after issued_at reason incident_at requested_at "
                              "approved_at revoked_at request_deadline revoke_deadline cert")


class CA(Handle):
    """An issuing CA bound to its registry. CA.create() or CA.open()."""

    _free_name = "gxca_ca_free"

    def __init__(self, ctx, _ptr):
        super().__init__(ctx, _ptr)

    @classmethod
    def create(cls, ctx, directory=None, key_alg=0, registry=":memory:"):
        """A new root and issuing CA (tests, the demo); files under directory
        when given; key_alg 0 = the policy's default (SM2)."""
        ptr = CAP()
        alg = enum_in("key_alg", key_alg) if key_alg else 0
        ctx._check(lib.gxca_ca_create(byref(ptr), ctx._p, opt_text_in(directory, "directory"),
                                      alg, text_in(registry, "registry")))
        return cls(ctx, ptr)

    @classmethod
    def open(cls, ctx, chain, key, password=None, registry=":memory:"):
        """An existing CA: chain PEM file (None: from a PKCS#12 key), key file
        or PKCS#11 URI."""
        ptr = CAP()
        ctx._check(lib.gxca_ca_open(byref(ptr), ctx._p, opt_text_in(chain, "chain"),
                                    text_in(key, "key"), opt_text_in(password, "password"),
                                    text_in(registry, "registry")))
        return cls(ctx, ptr)

    def chain(self):
        """The CA chain, issuing CA first."""
        return _chain(self._ctx, lambda arr, n: lib.gxca_ca_chain(self._p, arr, n))

    @staticmethod
    def _options(request, usage=0, token_serial=None, accepted_at=0, now=0, change_reason=0):
        opts = IssueOptions()
        rc = lib.gxca_issue_options_init(byref(opts), 1)
        if rc < 0:
            raise errors.from_code(rc)
        request = bytes_in(request, "request")
        opts.request, opts.request_len = request, len(request)
        opts.usage = _named(USAGES, usage, "usage")
        opts.token_serial = opt_text_in(token_serial, "token_serial")
        opts.accepted_at, opts.now = accepted_at, now
        opts.change_reason = reason_in(change_reason)
        return opts

    def _issue(self, fn, app, *args, **options):
        opts = self._options(**options)
        ptr = CertP()
        self._check(fn(self._p, app._p, *args, byref(opts), byref(ptr)))
        return Cert(self._ctx, ptr)

    def issue(self, app, request, **options):
        """NEW: a certificate for a request (CSR or SubjectPublicKeyInfo,
        DER or PEM). Options: usage, token_serial, accepted_at, now."""
        return self._issue(lib.gxca_ca_issue, app, request=request, **options)

    def issue_batch(self, requests):
        """NEW for several requests in one registry transaction, all or
        none: requests is a list of (app, request) or (app, request,
        {options}); returns the certificates in order. One application may
        come once per token (its first becomes the master)."""
        items = [r if len(r) == 3 else (r[0], r[1], {}) for r in requests]
        n = len(items)
        opts = [self._options(request=req, **o) for _, req, o in items]
        apps = (ApplicationP * n)(*[app._p for app, _, _ in items])
        optp = (POINTER(IssueOptions) * n)(*[pointer(o) for o in opts])
        out = (CertP * n)()
        self._check(lib.gxca_ca_issue_batch(self._p, n, apps, optp, out))
        return [Cert(self._ctx, out[i]) for i in range(n)]

    def renew(self, app, old_serial, request, **options):
        return self._issue(lib.gxca_ca_renew, app, text_in(old_serial, "old_serial"),
                           request=request, **options)

    def reissue(self, app, old_serial, request, **options):
        return self._issue(lib.gxca_ca_reissue, app, text_in(old_serial, "old_serial"),
                           request=request, **options)

    def change(self, app, old_serial, request, **options):
        """CHANGE; options also change_reason."""
        return self._issue(lib.gxca_ca_change, app, text_in(old_serial, "old_serial"),
                           request=request, **options)

    def unlock(self, app, serial, token_serial=None, at=0):
        self._check(lib.gxca_ca_unlock(self._p, app._p, text_in(serial, "serial"),
                                       opt_text_in(token_serial, "token_serial"), at))

    def revoke_request(self, serial, reason, incident_at=0, requested_at=0):
        self._check(lib.gxca_ca_revoke_request(self._p, text_in(serial, "serial"),
                                               reason_in(reason), incident_at, requested_at))

    def revoke_approve(self, serial, approved_at=0):
        self._check(lib.gxca_ca_revoke_approve(self._p, text_in(serial, "serial"), approved_at))

    def revoke(self, serial, reason=-1, revoked_at=0):
        """Revoke; reason -1 keeps the reason of the request."""
        self._check(lib.gxca_ca_revoke(self._p, text_in(serial, "serial"), reason_in(reason),
                                       revoked_at))

    def crl(self, now=0):
        ptr = CrlP()
        self._check(lib.gxca_ca_crl(self._p, now, byref(ptr)))
        return Crl(self._ctx, ptr)

    def status(self, serial):
        """The registry record of a serial, with its certificate (.cert)."""
        ptr = RecordP()
        self._check(lib.gxca_ca_status(self._p, text_in(serial, "serial"), byref(ptr)))
        try:
            cert = CertP()
            self._check(lib.gxca_ca_record_cert(ptr, byref(cert)))
            return _record(self, ptr, Cert(self._ctx, cert))
        finally:
            lib.gxca_ca_record_free(ptr)

    def _records(self, fn, arg):
        ptr = RecordsP()
        self._check(fn(self._p, arg, byref(ptr)))
        try:
            return [_record(self, lib.gxca_ca_records_get(ptr, k), None)
                    for k in range(lib.gxca_ca_records_count(ptr))]
        finally:
            lib.gxca_ca_records_free(ptr)

    def list(self, application_id=None):
        """Every record, or those of one application, in serial order."""
        return self._records(lib.gxca_ca_list, opt_text_in(application_id, "application_id"))

    def overdue(self, now=0):
        """Approved revocation requests past their 24-hour deadline."""
        return self._records(lib.gxca_ca_overdue, now)


def _record(ca, ptr, cert):
    reason = c_int()
    t = [c_int64() for _ in range(6)]
    ca._check(lib.gxca_ca_record_revocation(ptr, byref(reason), *[byref(x) for x in t[:4]]))
    ca._check(lib.gxca_ca_record_deadlines(ptr, byref(t[4]), byref(t[5])))
    g = lambda fn: text_out(fn(ptr))  # noqa: E731
    return Record(g(lib.gxca_ca_record_serial), g(lib.gxca_ca_record_subject),
                  g(lib.gxca_ca_record_holder), g(lib.gxca_ca_record_application_id),
                  g(lib.gxca_ca_record_token_serial), g(lib.gxca_ca_record_replaces),
                  enum_out("business", lib.gxca_ca_record_business(ptr)),
                  _USAGE_NAMES.get(lib.gxca_ca_record_usage(ptr)),
                  enum_out("key_alg", lib.gxca_ca_record_key_algorithm(ptr)),
                  bool(lib.gxca_ca_record_is_master(ptr)),
                  CERT_STATUSES.get(lib.gxca_ca_record_status(ptr)),
                  lib.gxca_ca_record_not_before(ptr), lib.gxca_ca_record_not_after(ptr),
                  lib.gxca_ca_record_issued_at(ptr), reason_out(reason.value),
                  *[x.value for x in t], cert)
