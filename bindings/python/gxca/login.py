# gxca/login.py — platform login with a CA token: challenge, response, verify.

from collections import namedtuple
from ctypes import byref, c_size_t, c_void_p

from .core import Handle, enum_out
from ._lib import (REVOKED_FN, ROLE_FN, IdentityP, LoginServerP, NonceStoreP, lib,
                   blob_in, bytes_in, opt_text_in, take_text, text_in, text_out)
from .token import _ROLE_NAMES, role_in

EUSER = -8  # what a failing callback answers (GXCA_EUSER)

Identity = namedtuple("Identity", "name number kind serial subject role")


class NonceStore(Handle):
    """The challenges already used (each logs in once)."""

    _free_name = "gxca_login_nonce_store_free"

    def __init__(self, ctx):
        ptr = NonceStoreP()
        ctx._check(lib.gxca_login_nonce_store_new(byref(ptr), ctx._p))
        super().__init__(ctx, ptr)

    def __len__(self):
        return lib.gxca_login_nonce_store_count(self._p)


class LoginServer(Handle):
    """The platform side: challenges and the verification of responses."""

    _free_name = "gxca_login_server_free"

    def __init__(self, ctx, platform_id, store, secret=None):
        secret = None if secret is None else bytes_in(secret, "secret")
        ptr = LoginServerP()
        ctx._check(lib.gxca_login_server_new(byref(ptr), ctx._p, text_in(platform_id, "platform_id"),
                                             secret, len(secret or b""), store._p))
        super().__init__(ctx, ptr)
        self._store = store  # borrowed by the server: must outlive it
        self._callbacks = {}

    def _release(self):
        super()._release()
        self._callbacks = {}

    def set_lifetime(self, seconds):
        self._check(lib.gxca_login_server_set_lifetime(self._p, seconds))

    def add_trust(self, cert):
        data = blob_in(cert)
        self._check(lib.gxca_login_server_add_trust(self._p, data, len(data)))

    def set_crl(self, crl):
        data = blob_in(crl, "crl")
        self._check(lib.gxca_login_server_set_crl(self._p, data, len(data)))

    def set_revocation_cb(self, fn):
        """fn(issuer, serial) -> True when revoked; an exception refuses the login."""
        def trampoline(issuer, serial, revoked, _payload):
            try:
                with self._ctx._callback():
                    revoked[0] = 1 if fn(text_out(issuer), text_out(serial)) else 0
                return 0
            except BaseException:  # SystemExit too: escaping into ctypes is no refusal
                return EUSER
        self._set_cb("revocation", lib.gxca_login_server_set_revocation_cb, REVOKED_FN,
                     fn and trampoline)

    def set_role_cb(self, fn):
        """fn(serial) -> "MASTER", "SECONDARY" or "UNSET"; an exception refuses the login."""
        def trampoline(serial, role, _payload):
            try:
                with self._ctx._callback():
                    role[0] = role_in(fn(text_out(serial)))
                return 0
            except BaseException:  # SystemExit too: escaping into ctypes is no refusal
                return EUSER
        self._set_cb("role", lib.gxca_login_server_set_role_cb, ROLE_FN, fn and trampoline)

    def _set_cb(self, which, setter, cftype, trampoline):
        cb = cftype(trampoline) if trampoline else cftype()
        self._check(setter(self._p, cb, None))
        self._callbacks[which] = cb  # the server calls it later: keep it alive

    def challenge(self, now=0):
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_login_challenge(self._p, now, byref(out), byref(n)))
        return take_text(out)

    def verify(self, response, now=0):
        """Who logged in (an Identity), or raise LoginError."""
        data = text_in(response, "response", sized=True)
        if self._store.closed:  # the server borrows its store
            raise ValueError("the server's NonceStore is closed")
        ptr = IdentityP()
        self._check(lib.gxca_login_verify(self._p, data, len(data), now, byref(ptr)))
        try:
            return Identity(text_out(lib.gxca_login_identity_name(ptr)),
                            text_out(lib.gxca_login_identity_number(ptr)),
                            enum_out("applicant", lib.gxca_login_identity_kind(ptr)),
                            text_out(lib.gxca_login_identity_serial(ptr)),
                            text_out(lib.gxca_login_identity_subject(ptr)),
                            _ROLE_NAMES.get(lib.gxca_login_identity_role(ptr)))
        finally:
            lib.gxca_login_identity_free(ptr)


def respond(key, cert, challenge, expected_platform=None):
    """The client side: sign a challenge with a (token) key and its certificate."""
    data = blob_in(cert)
    text = text_in(challenge, "challenge", sized=True)
    out, n = c_void_p(), c_size_t()
    key._check(lib.gxca_login_respond(key._p, data, len(data), text, len(text),
                                      opt_text_in(expected_platform, "expected_platform"),
                                      byref(out), byref(n)))
    return take_text(out)
