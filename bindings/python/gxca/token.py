# gxca/token.py — CA tokens (USB keys) through PKCS#11.

from collections import namedtuple
from ctypes import byref, c_int, c_size_t, c_void_p

from .core import Handle, enum_in
from .key import Key
from ._lib import (KeyP, TokenInfoP, TokenModuleP, TokenP, lib, blob_in, bytes_in, opt_text_in,
                   take_bytes, text_in, text_out)

# Mirrors of header constants the library gives no names for.
TOKEN_FLAGS = {                                                   # GXCA_TOKEN_*
    "INITIALIZED": 0x1, "LOGIN_REQUIRED": 0x2, "USER_PIN_SET": 0x4, "READ_ONLY": 0x8,
    "PIN_COUNT_LOW": 0x10, "PIN_FINAL_TRY": 0x20, "PIN_LOCKED": 0x40, "PIN_MUST_CHANGE": 0x80,
    "SO_PIN_LOCKED": 0x100, "REMOVABLE": 0x200, "PROTECTED_PATH": 0x400, "LOGGED_IN": 0x800,
}
ROLES = {"UNSET": 0, "MASTER": 1, "SECONDARY": 2}                  # gxca_token_role
_ROLE_NAMES = {v: k for k, v in ROLES.items()}
SEAL_ORDERED = 0x1                                                # GXCA_TOKEN_SEAL_ORDERED
ENOTFOUND = -4

TokenInfo = namedtuple("TokenInfo", "label serial manufacturer model flags slot_id")


def _info(ptr):
    flags = lib.gxca_token_info_flags(ptr)
    return TokenInfo(text_out(lib.gxca_token_info_label(ptr)),
                     text_out(lib.gxca_token_info_serial(ptr)),
                     text_out(lib.gxca_token_info_manufacturer(ptr)),
                     text_out(lib.gxca_token_info_model(ptr)),
                     [name for name, bit in TOKEN_FLAGS.items() if flags & bit],
                     lib.gxca_token_info_slot_id(ptr))


def role_in(role):
    if isinstance(role, str):
        if role not in ROLES:
            raise ValueError("unknown token role %r" % role)
        return ROLES[role]
    return role


def _opt_id(key_id):
    if key_id is None:
        return None, 0
    key_id = bytes_in(key_id, "id")
    return key_id, len(key_id)


class TokenModule(Handle):
    """A PKCS#11 module (path None: $GXCA_PKCS11_MODULE, else p11-kit's proxy)."""

    _free_name = "gxca_token_module_close"

    def __init__(self, ctx, path=None):
        ptr = TokenModuleP()
        ctx._check(lib.gxca_token_module_open(byref(ptr), ctx._p, opt_text_in(path, "path")))
        super().__init__(ctx, ptr)

    @property
    def path(self):
        return text_out(lib.gxca_token_module_path(self._p))

    def set_timeout(self, timeout_ms):
        self._check(lib.gxca_token_module_set_timeout(self._p, timeout_ms))

    def refresh(self):
        self._check(lib.gxca_token_module_refresh(self._p))

    @property
    def tokens(self):
        """The tokens present at the last refresh (TokenInfo, copied)."""
        return [_info(lib.gxca_token_module_info(self._p, k))
                for k in range(lib.gxca_token_module_count(self._p))]

    def open(self, which=None):
        """The token with that serial number or label (None: the only one)."""
        return Token(self, which)


class Token(Handle):
    """One token of a module: login, PINs, keys, certificates, the seal, the role."""

    _free_name = "gxca_token_close"

    def __init__(self, module, which=None):
        ptr = TokenP()
        module._check(lib.gxca_token_open(byref(ptr), module._p, opt_text_in(which, "which")))
        super().__init__(module.ctx, ptr)
        self._module = module

    def info(self):
        """Fresh information read from the token."""
        ptr = TokenInfoP()
        self._check(lib.gxca_token_get_info(self._p, byref(ptr)))
        return _info(ptr)

    def login(self, pin):
        self._check(lib.gxca_token_login(self._p, text_in(pin, "pin")))

    def logout(self):
        self._check(lib.gxca_token_logout(self._p))

    def change_pin(self, old_pin, new_pin):
        self._check(lib.gxca_token_change_pin(self._p, text_in(old_pin, "old_pin"),
                                              text_in(new_pin, "new_pin")))

    def unlock(self, so_pin, new_pin=None):
        self._check(lib.gxca_token_unlock(self._p, text_in(so_pin, "so_pin"),
                                          opt_text_in(new_pin, "new_pin")))

    def keygen(self, alg, label, key_id):
        """Generate a key pair on the token ("EC_P256", "RSA2048", ...)."""
        key_id, n = _opt_id(key_id)
        self._check(lib.gxca_token_keygen(self._p, enum_in("key_alg", alg),
                                          text_in(label, "label"), key_id, n))

    def get_key(self, label=None, key_id=None):
        """The private key by id (else label) as a Key that signs on the token.
        Close it when done: the token refuses logout and PIN changes while
        one of its keys is alive."""
        key_id, n = _opt_id(key_id)
        ptr = KeyP()
        self._check(lib.gxca_token_get_key(byref(ptr), self._p, opt_text_in(label, "label"),
                                           key_id, n))
        return Key(self._ctx, ptr)

    def sign(self, key, data):
        data = bytes_in(data)
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_token_sign(self._p, key._p, data, len(data), byref(out), byref(n)))
        return take_bytes(out, n)

    def store_cert(self, cert, label=None):
        der = blob_in(cert)
        self._check(lib.gxca_token_store_cert(self._p, der, len(der),
                                              opt_text_in(label, "label")))

    def find_cert(self, label=None, key_id=None):
        """A certificate (DER) by id, else label, else the first; None when absent."""
        key_id, n = _opt_id(key_id)
        out, length = c_void_p(), c_size_t()
        rc = lib.gxca_token_find_cert(self._p, opt_text_in(label, "label"), key_id, n,
                                      byref(out), byref(length))
        if rc == ENOTFOUND:
            return None
        self._check(rc)
        return take_bytes(out, length)

    @property
    def role(self):
        out = c_int()
        self._check(lib.gxca_token_get_role(self._p, byref(out)))
        return _ROLE_NAMES.get(out.value, out.value)

    @role.setter
    def role(self, role):
        self._check(lib.gxca_token_set_role(self._p, role_in(role)))

    def store_seal(self, seal, ordered=False):
        """Store the electronic seal (an ESeal or its DER bytes)."""
        der = blob_in(seal, "seal")
        self._check(lib.gxca_token_store_seal(self._p, der, len(der),
                                              SEAL_ORDERED if ordered else 0))

    def read_seal(self):
        """The stored seal (DER), or None."""
        out, n = c_void_p(), c_size_t()
        rc = lib.gxca_token_read_seal(self._p, byref(out), byref(n))
        if rc == ENOTFOUND:
            return None
        self._check(rc)
        return take_bytes(out, n)
