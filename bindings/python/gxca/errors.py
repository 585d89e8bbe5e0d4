# gxca/errors.py — exceptions built from the ctx's last error.
#
# A negative status raises GxcaError or the subclass of the module whose
# block of codes it belongs to (lib/errors.def): -100.. identity, -200..
# tariff, and so on. The exception keeps the code, its stable name, the
# message in the ctx language, the field (or JSON path) and the detail of a
# lower library.

from ._lib import lib, text_out


class GxcaError(Exception):
    """A libgxca failure: code (negative int), name ("GXCA_EINVAL"),
    message (in the context's language), field ("" when none), detail
    (OpenSSL / PKCS#11 / SQLite text, "" when none), report (the validation
    report behind the failure, or None)."""

    def __init__(self, code, name, message, field="", detail="", report=None):
        super().__init__(code, name, message, field)
        self.code = code
        self.name = name
        self.message = message
        self.field = field
        self.detail = detail
        self.report = report

    def __str__(self):
        text = "%s: %s" % (self.name, self.message)
        if self.field:
            text += " [%s]" % self.field
        if self.detail:
            text += " (%s)" % self.detail
        return text


class PolicyError(GxcaError):
    """Policy data and calendar (GXCA_EPOLICY, GXCA_ECALENDAR_UNKNOWN)."""


class IdentityError(GxcaError):
    """-100..-199: USCC and identity card numbers."""


class TariffError(GxcaError):
    """-200..-299: prices and quotes."""


class MaterialError(GxcaError):
    """-300..-399: materials and the mail package."""


class ApplicationError(GxcaError):
    """-400..-499: application forms and their workflow."""


class CAError(GxcaError):
    """-500..-599 (the CA) and -700..-799 (its registry)."""


class CertError(GxcaError):
    """-600..-699: certificates and CRLs."""


class SealError(GxcaError):
    """-800..-899: seal images."""


class ESealError(GxcaError):
    """-900..-999: electronic seals and signatures."""


class TokenError(GxcaError):
    """-1000..-1099: tokens (PKCS#11)."""


class EnvelopeError(GxcaError):
    """-1100..-1199: envelopes (CMS)."""


class LoginError(GxcaError):
    """-1200..-1299: platform login."""


_BLOCKS = {
    1: IdentityError, 2: TariffError, 3: MaterialError, 4: ApplicationError,
    5: CAError, 6: CertError, 7: CAError, 8: SealError, 9: ESealError,
    10: TokenError, 11: EnvelopeError, 12: LoginError,
}
_POLICY_CODES = (-12, -13)  # GXCA_EPOLICY, GXCA_ECALENDAR_UNKNOWN


def error_class(code):
    """The exception class of a status code."""
    if code in _POLICY_CODES:
        return PolicyError
    return _BLOCKS.get(-code // 100, GxcaError) if code <= -100 else GxcaError


def from_code(code, lang=0):
    """An exception from a status code alone (calls without a ctx)."""
    return error_class(code)(code, text_out(lib.gxca_error_name_of(code)),
                             text_out(lib.gxca_strerror(code, lang)))


def from_ctx(ctxp, code):
    """An exception from the last error of a ctx; falls back to the code
    alone when the ctx does not describe that code."""
    err = lib.gxca_ctx_last_error(ctxp)
    if lib.gxca_error_code(err) != code:
        return from_code(code, lib.gxca_ctx_lang(ctxp))
    return error_class(code)(code, text_out(lib.gxca_error_name(err)),
                             text_out(lib.gxca_error_message(err)),
                             text_out(lib.gxca_error_field(err)),
                             text_out(lib.gxca_error_detail(err)))
