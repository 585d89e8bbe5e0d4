# gxca/key.py — key pairs (software keys; token keys come from gxca.Token).

from ctypes import byref, c_size_t, c_void_p

from .core import Handle, enum_in, enum_out
from ._lib import KeyP, lib, bytes_in, opt_text_in, take_bytes, text_in


class Key(Handle):
    """A key pair. Make one with Key.generate(), Key.load() or Key.load_file()."""

    _free_name = "gxca_key_free"

    def __init__(self, ctx, _ptr):
        super().__init__(ctx, _ptr)

    @classmethod
    def generate(cls, ctx, alg="SM2"):
        """A new software key: "SM2", "EC_P256", "RSA2048" or "RSA3072"."""
        ptr = KeyP()
        ctx._check(lib.gxca_key_generate(byref(ptr), ctx._p, enum_in("key_alg", alg)))
        return cls(ctx, ptr)

    @classmethod
    def load(cls, ctx, data, password=None):
        """A private key from PEM, DER PKCS#8 or PKCS#12 bytes."""
        data = bytes_in(data)
        ptr = KeyP()
        ctx._check(lib.gxca_key_load(byref(ptr), ctx._p, data, len(data),
                                     opt_text_in(password, "password")))
        return cls(ctx, ptr)

    @classmethod
    def load_file(cls, ctx, path, password=None):
        ptr = KeyP()
        ctx._check(lib.gxca_key_load_file(byref(ptr), ctx._p, text_in(path, "path"),
                                          opt_text_in(password, "password")))
        return cls(ctx, ptr)

    @property
    def algorithm(self):
        return enum_out("key_alg", lib.gxca_key_algorithm(self._p))

    def save_pem(self, path, password=None):
        """Write the private key as PKCS#8 PEM (mode 0600, never overwrites)."""
        self._check(lib.gxca_key_save_pem(self._p, text_in(path, "path"),
                                          opt_text_in(password, "password")))

    def public_der(self):
        """The public key as DER SubjectPublicKeyInfo."""
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_key_public_der(self._p, byref(out), byref(n)))
        return take_bytes(out, n)

    def sign(self, data):
        data = bytes_in(data)
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_key_sign(self._p, data, len(data), byref(out), byref(n)))
        return take_bytes(out, n)

    def verify(self, data, signature):
        """Return True, or raise GxcaError (GXCA_EBADSIG when it does not verify)."""
        data, signature = bytes_in(data), bytes_in(signature, "signature")
        self._check(lib.gxca_key_verify(self._p, data, len(data), signature, len(signature)))
        return True

    def csr(self, subject):
        """A PKCS#10 request (DER) for this key, signed by it; subject
        "/C=CN/O=.../CN=..."."""
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_token_csr(self._p, text_in(subject, "subject"), byref(out),
                                       byref(n)))
        return take_bytes(out, n)
