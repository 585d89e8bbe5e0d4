# gxca — Python binding of libgxca (ctypes, no compiled code).
#
#     import gxca
#     with gxca.Context(lang="en") as ctx:
#         app = gxca.Application(ctx, "ORG")
#         app["org_name"] = "南通示例建设工程有限公司"
#         report = app.validate()
#
# The library is loaded by its SONAME, libgxca.so.1; the environment variable
# GXCA_LIBRARY names another file (a build tree's lib/.libs/libgxca.so.1).
# Enumerations are given and returned as the names the library uses ("ORG",
# "NEW", "CERT", "SUBMITTED"); failures raise GxcaError or a subclass.
# See gxca-python(3).

from ._lib import lib as _lib_handle
from .errors import (GxcaError, PolicyError, IdentityError, TariffError, MaterialError,
                     ApplicationError, CAError, CertError, SealError, ESealError, TokenError,
                     EnvelopeError, LoginError, error_class)
from .core import (Context, Report, Problem, Site, version, strerror, error_name,
                   policy_default_json, date_of, uscc_check_char, id_check_char)
from .domain import (Quote, QuoteLine, Checklist, ChecklistItem, MailPackage, Application,
                     AppLine, HistoryEntry, CHANGES, MATFLAGS, COLLECT, ID_TYPES,
                     field_name, field_label, field_applies)
from .key import Key
from .pki import Cert, Crl, CrlEntry, CA, Record, USAGES, DN_FIELDS
from .seal import Image, SealSpec, SEAL_TEXTS, SEAL_PARAMS, SEAL_FONTS
from .eseal import ESeal, ESign, VerifyResult, Check, Ext, CHECKS, QUIRKS, kind as eseal_kind
from .token import TokenModule, Token, TokenInfo, TOKEN_FLAGS, ROLES
from .envelope import Envelope, cipher_name
from .login import NonceStore, LoginServer, Identity, respond as login_respond

__all__ = [
    "GxcaError", "PolicyError", "IdentityError", "TariffError", "MaterialError",
    "ApplicationError", "CAError", "CertError", "SealError", "ESealError", "TokenError",
    "EnvelopeError", "LoginError", "error_class",
    "Context", "Report", "Problem", "Site", "version", "strerror", "error_name",
    "policy_default_json", "date_of", "uscc_check_char", "id_check_char",
    "Quote", "QuoteLine", "Checklist", "ChecklistItem", "MailPackage", "Application", "AppLine",
    "HistoryEntry", "CHANGES", "MATFLAGS", "COLLECT", "ID_TYPES", "field_name", "field_label",
    "field_applies", "Key", "Cert", "Crl", "CrlEntry", "CA", "Record", "USAGES", "DN_FIELDS",
    "Image", "SealSpec", "SEAL_TEXTS", "SEAL_PARAMS", "SEAL_FONTS",
    "ESeal", "ESign", "VerifyResult", "Check", "Ext", "CHECKS", "QUIRKS", "eseal_kind",
    "TokenModule", "Token", "TokenInfo", "TOKEN_FLAGS", "ROLES", "Envelope", "cipher_name",
    "NonceStore", "LoginServer", "Identity", "login_respond", "LIBRARY_PATH",
]

LIBRARY_PATH = _lib_handle.path
__version__ = version()
