# gxca/eseal.py — electronic seals (GB/T 38540 SESeal) and electronic
# signatures (SES_Signature), and their verification results.

from collections import namedtuple
from ctypes import byref, c_size_t, c_void_p

from . import errors
from .core import Handle, error_name
from ._lib import (EResultP, ESealP, ESignP, VerifyOptions, lib, blob_in, borrowed_bytes, bytes_in,
                   opt_text_in, take_bytes, text_in, text_out)

KINDS = {0: None, 1: "SEAL", 2: "SIGNATURE"}                     # gxca_eseal_kind_value
TIME_ENCODINGS = {0: None, 1: "UTC", 2: "GENERALIZED", 3: "TEXT"}  # gxca_eseal_time_format
CERTLIST_TYPES = {0: None, 1: "CERTS", 2: "DIGESTS"}             # GXCA_ESEAL_CERTLIST_*
VERIFY_STRICT = 0x1                                              # GXCA_ESEAL_VERIFY_STRICT


def _bit_names(name_of):
    """The bits the library names, from the library itself."""
    names = {}
    for k in range(32):
        name = text_out(name_of(1 << k))
        if name:
            names[1 << k] = name
    return names


CHECKS = _bit_names(lib.gxca_eseal_check_name)   # bit -> "signature", ...
QUIRKS = _bit_names(lib.gxca_eseal_quirk_name)   # bit -> "raw-rs", ...


def bits_out(value, names):
    return [name for bit, name in names.items() if value & bit]


def kind(der):
    """What DER bytes hold: "SEAL", "SIGNATURE" or None."""
    der = bytes_in(der, "der")
    return KINDS.get(lib.gxca_eseal_kind(der, len(der)))


Ext = namedtuple("Ext", "oid critical value")
Check = namedtuple("Check", "name status message_zh message_en quirks")


class VerifyResult:
    """The outcome of a verification, copied out of the library: .code and
    .name of the call, .ok, .ran and .failed (check names), .checks (one
    Check per check that ran), .time (the time the validity checks used)."""

    def __init__(self, ptr, code):
        try:
            self.code, self.name = code, error_name(code)
            self.ran = bits_out(lib.gxca_eseal_result_ran(ptr), CHECKS)
            self.failed = bits_out(lib.gxca_eseal_result_failed(ptr), CHECKS)
            self.quirks = bits_out(lib.gxca_eseal_result_quirks(ptr, 0), QUIRKS)
            self.time = lib.gxca_eseal_result_time(ptr)
            ran = lib.gxca_eseal_result_ran(ptr)
            self.checks = [Check(name, error_name(lib.gxca_eseal_result_status(ptr, bit)),
                                 text_out(lib.gxca_eseal_result_message(ptr, bit, 0)),
                                 text_out(lib.gxca_eseal_result_message(ptr, bit, 1)),
                                 bits_out(lib.gxca_eseal_result_quirks(ptr, bit), QUIRKS))
                           for bit, name in CHECKS.items() if ran & bit]
        finally:
            lib.gxca_eseal_result_free(ptr)

    @property
    def ok(self):
        return self.code == 0

    def __repr__(self):
        return "<gxca.VerifyResult %s failed=%s>" % (self.name, self.failed)


def _verify(obj, fn, at=0, anchors=None, data=None, digest=None, strict=False):
    opts = VerifyOptions()
    rc = lib.gxca_eseal_verify_options_init(byref(opts), 1)
    if rc < 0:
        raise errors.from_code(rc)
    opts.at = at
    if anchors is not None:
        anchors = blob_in(anchors, "anchors")
        opts.anchors, opts.anchors_len = anchors, len(anchors)
    if data is not None:
        data = bytes_in(data)
        opts.data, opts.data_len = data, len(data)
    if digest is not None:
        digest = bytes_in(digest, "digest")
        opts.digest, opts.digest_len = digest, len(digest)
    opts.flags = VERIFY_STRICT if strict else 0
    ptr = EResultP()
    rc = fn(obj._p, byref(opts), byref(ptr))
    if ptr:
        return VerifyResult(ptr, rc)
    obj._check(rc)
    raise errors.from_code(-1)  # success without the promised result


class _Signed(Handle):
    """What seals and signatures share: construction, DER, extensions, the
    signature fields. _fn names the C prefix ("gxca_eseal" / "gxca_esign")."""

    _fn = None

    def __init__(self, ctx, _ptr=None):
        if _ptr is None:
            _ptr = self._ptype()
            ctx._check(getattr(lib, self._fn + "_new")(byref(_ptr), ctx._p))
        super().__init__(ctx, _ptr)

    def _get(self, name, *args):
        return getattr(lib, "%s_%s" % (self._fn, name))(self._p, *args)

    def _bytes(self, name, *args):
        n = c_size_t()
        return borrowed_bytes(self._get(name, *args, byref(n)), n)

    @classmethod
    def parse(cls, ctx, der):
        der = bytes_in(der, "der")
        ptr = cls._ptype()
        ctx._check(getattr(lib, cls._fn + "_parse")(byref(ptr), ctx._p, der, len(der)))
        return cls(ctx, ptr)

    def to_der(self):
        out, n = c_void_p(), c_size_t()
        self._check(self._get("to_der", byref(out), byref(n)))
        return take_bytes(out, n)

    def add_ext(self, oid, value, critical=False):
        value = bytes_in(value, "value")
        self._check(self._get("add_ext", text_in(oid, "oid"), int(bool(critical)), value,
                              len(value)))

    @property
    def exts(self):
        return [Ext(text_out(self._get("ext_oid", k)), bool(self._get("ext_critical", k)),
                    self._bytes("ext_value", k)) for k in range(self._get("ext_count"))]

    def sign(self, key, cert):
        """Sign with an SM2 key and its certificate (a Cert or DER bytes)."""
        der = blob_in(cert)
        self._check(self._get("sign", key._p, der, len(der)))

    @property
    def version(self):
        return self._get("version")

    @property
    def sign_alg(self):
        return text_out(self._get("sign_alg"))

    @property
    def signature(self):
        return self._bytes("signature")

    @property
    def timestamp(self):
        return self._bytes("timestamp")

    @property
    def quirks(self):
        return bits_out(self._get("quirks"), QUIRKS)


class ESeal(_Signed):
    """An electronic seal (SESeal): ESeal(ctx) to make a v4 seal, or
    ESeal.parse(ctx, der) for v1/v4/v5."""

    _free_name = "gxca_eseal_free"
    _fn = "gxca_eseal"
    _ptype = ESealP

    def set_vid(self, vid):
        self._check(lib.gxca_eseal_set_vid(self._p, text_in(vid, "vid")))

    def set_id(self, es_id):
        self._check(lib.gxca_eseal_set_id(self._p, text_in(es_id, "es_id")))

    def set_type(self, seal_type):
        self._check(lib.gxca_eseal_set_type(self._p, seal_type))

    def set_name(self, name):
        self._check(lib.gxca_eseal_set_name(self._p, text_in(name, "name")))

    def add_cert(self, cert):
        """Add a holder certificate (a Cert or DER bytes)."""
        der = blob_in(cert)
        self._check(lib.gxca_eseal_add_cert(self._p, der, len(der)))

    def set_validity(self, create_date, valid_start, valid_end):
        self._check(lib.gxca_eseal_set_validity(self._p, create_date, valid_start, valid_end))

    def set_picture(self, data, width_mm, height_mm, picture_type=None):
        data = bytes_in(data)
        self._check(lib.gxca_eseal_set_picture(self._p, opt_text_in(picture_type, "type"), data,
                                               len(data), width_mm, height_mm))

    @property
    def header_version(self):
        return lib.gxca_eseal_header_version(self._p)

    @property
    def vid(self):
        return text_out(lib.gxca_eseal_vid(self._p))

    @property
    def id(self):
        return text_out(lib.gxca_eseal_id(self._p))

    @property
    def type(self):
        return lib.gxca_eseal_type(self._p)

    @property
    def name(self):
        return text_out(lib.gxca_eseal_name(self._p))

    @property
    def cert_list_type(self):
        return CERTLIST_TYPES.get(lib.gxca_eseal_cert_list_type(self._p))

    @property
    def certs(self):
        """The holder certificates (DER), or their digests for a DIGESTS list."""
        return [self._bytes("cert", k) for k in range(lib.gxca_eseal_cert_count(self._p))]

    @property
    def cert_digest_types(self):
        return [text_out(lib.gxca_eseal_cert_digest_type(self._p, k))
                for k in range(lib.gxca_eseal_cert_count(self._p))]

    @property
    def create_date(self):
        return lib.gxca_eseal_create_date(self._p)

    @property
    def valid_start(self):
        return lib.gxca_eseal_valid_start(self._p)

    @property
    def valid_end(self):
        return lib.gxca_eseal_valid_end(self._p)

    @property
    def time_encoding(self):
        return TIME_ENCODINGS.get(lib.gxca_eseal_time_encoding(self._p))

    @property
    def picture_type(self):
        return text_out(lib.gxca_eseal_picture_type(self._p))

    @property
    def picture(self):
        return self._bytes("picture")

    @property
    def picture_size(self):
        """(width, height) in mm."""
        return (lib.gxca_eseal_picture_width(self._p), lib.gxca_eseal_picture_height(self._p))

    def write_picture(self, path):
        self._check(lib.gxca_eseal_write_picture(self._p, text_in(path, "path")))

    @property
    def maker_cert(self):
        return self._bytes("maker_cert")

    def verify(self, at=0, anchors=None, strict=False):
        """A VerifyResult (whatever the outcome); anchors: PEM bundle or DER."""
        return _verify(self, lib.gxca_eseal_verify, at=at, anchors=anchors, strict=strict)


class ESign(_Signed):
    """An electronic signature (SES_Signature): ESign(ctx) to make one, or
    ESign.parse(ctx, der)."""

    _free_name = "gxca_esign_free"
    _fn = "gxca_esign"
    _ptype = ESignP

    def set_seal(self, seal):
        self._check(lib.gxca_esign_set_seal(self._p, seal._p))

    def set_data(self, data):
        data = bytes_in(data)
        self._check(lib.gxca_esign_set_data(self._p, data, len(data)))

    def set_digest(self, digest):
        digest = bytes_in(digest, "digest")
        self._check(lib.gxca_esign_set_digest(self._p, digest, len(digest)))

    def set_property_info(self, info):
        self._check(lib.gxca_esign_set_property_info(self._p, text_in(info, "info")))

    def set_time(self, when):
        self._check(lib.gxca_esign_set_time(self._p, when))

    @property
    def tbs_version(self):
        return lib.gxca_esign_tbs_version(self._p)

    @property
    def seal(self):
        """The embedded seal, as its own ESeal (parsed from a copy)."""
        ptr = lib.gxca_esign_seal(self._p)
        if not ptr:
            return None
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_eseal_to_der(ptr, byref(out), byref(n)))
        return ESeal.parse(self._ctx, take_bytes(out, n))

    @property
    def time(self):
        return lib.gxca_esign_time(self._p)

    @property
    def time_encoding(self):
        return TIME_ENCODINGS.get(lib.gxca_esign_time_encoding(self._p))

    @property
    def time_text(self):
        return text_out(lib.gxca_esign_time_text(self._p))

    @property
    def data_hash(self):
        return self._bytes("data_hash")

    @property
    def property_info(self):
        return text_out(lib.gxca_esign_property_info(self._p))

    @property
    def signer_cert(self):
        return self._bytes("signer_cert")

    def verify(self, data=None, digest=None, anchors=None, strict=False):
        """A VerifyResult; data (or its SM3 digest) is checked against dataHash."""
        return _verify(self, lib.gxca_esign_verify, data=data, digest=digest, anchors=anchors,
                       strict=strict)
