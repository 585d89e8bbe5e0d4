# gxca/envelope.py — bid-file envelopes (CMS), streamed.

from ctypes import byref

from .core import Handle
from ._lib import EnvelopeP, lib, blob_in, text_in, text_out


def cipher_in(cipher):
    if isinstance(cipher, int) and not isinstance(cipher, bool):
        return cipher
    value = lib.gxca_envelope_cipher_from_name(text_in(cipher, "cipher"))
    if not value:
        raise ValueError("unknown cipher %r" % (cipher,))
    return value


def _fd(f):
    return f if isinstance(f, int) else f.fileno()


class Envelope(Handle):
    """Encryption settings: the recipients' certificates and the cipher
    ("AES-256-GCM" by default, "AES-256-CBC", "SM4-CBC")."""

    _free_name = "gxca_envelope_free"

    def __init__(self, ctx, recipients=(), cipher=None):
        ptr = EnvelopeP()
        ctx._check(lib.gxca_envelope_new(byref(ptr), ctx._p))
        super().__init__(ctx, ptr)
        if cipher is not None:
            self.set_cipher(cipher)
        for cert in recipients:
            self.add_recipient(cert)

    def set_cipher(self, cipher):
        self._check(lib.gxca_envelope_set_cipher(self._p, cipher_in(cipher)))

    def add_recipient(self, cert):
        data = blob_in(cert)
        self._check(lib.gxca_envelope_add_recipient(self._p, data, len(data)))

    def __len__(self):
        return lib.gxca_envelope_recipient_count(self._p)

    def encrypt_file(self, in_path, out_path):
        self._check(lib.gxca_envelope_encrypt_file(self._p, text_in(in_path, "in_path"),
                                                   text_in(out_path, "out_path")))

    def encrypt_fd(self, infile, outfile):
        """Encrypt between file descriptors (or objects with fileno())."""
        self._check(lib.gxca_envelope_encrypt_fd(self._p, _fd(infile), _fd(outfile)))

    @staticmethod
    def decrypt_file(key, cert, in_path, out_path):
        """Decrypt with a key (software or token) and its certificate."""
        data = blob_in(cert)
        key._check(lib.gxca_envelope_decrypt_file(key._p, data, len(data),
                                                  text_in(in_path, "in_path"),
                                                  text_in(out_path, "out_path")))

    @staticmethod
    def decrypt_fd(key, cert, infile, outfile):
        data = blob_in(cert)
        key._check(lib.gxca_envelope_decrypt_fd(key._p, data, len(data), _fd(infile),
                                                _fd(outfile)))


def cipher_name(cipher):
    return text_out(lib.gxca_envelope_cipher_name(cipher_in(cipher)))
