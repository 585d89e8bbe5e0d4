# gxca/seal.py — seal images: specs, rendering, PNG, stamp and signature
# extraction.

from ctypes import byref, c_double, c_size_t, c_void_p, memmove, string_at

from .core import Handle
from ._lib import ImageP, SealSpecP, lib, bytes_in, opt_text_in, take_bytes, text_in, text_out

# Mirrors of header enumerations the library gives no names for.
SEAL_TEXTS = {"name": 1, "line": 2, "code": 3, "tax_id": 4, "serial": 5}  # gxca_seal_text
SEAL_FONTS = {"text": 1, "digits": 2}                                    # gxca_seal_font
SEAL_PARAMS = {                                                          # gxca_seal_param
    "width": 1, "height": 2, "border": 3, "star": 4, "star_y": 5, "name_size": 6,
    "name_scale": 7, "name_gap": 8, "name_span": 9, "line_size": 10, "line_scale": 11,
    "line_y": 12, "line_width": 13, "code_size": 14, "code_scale": 15, "code_gap": 16,
    "code_span": 17, "tax_height": 18, "tax_digit_width": 19, "tax_width": 20, "tax_y": 21,
    "serial_size": 22, "serial_y": 23, "embolden": 24, "yin": 25,
}


def _named(table, value, what):
    if isinstance(value, str):
        if value not in table:
            raise ValueError("unknown %s %r" % (what, value))
        return table[value]
    return value


def preset_in(preset):
    if isinstance(preset, int) and not isinstance(preset, bool):
        return preset
    value = lib.gxca_seal_preset_from_name(text_in(preset, "preset"))
    if not value:
        raise ValueError("unknown seal preset %r" % (preset,))
    return value


class Image(Handle):
    """An 8-bit RGBA image with a resolution (dpi) and an origin."""

    _free_name = "gxca_image_free"

    def __init__(self, ctx, width=None, height=None, dpi=0, _ptr=None):
        if _ptr is None:
            _ptr = ImageP()
            ctx._check(lib.gxca_image_new(byref(_ptr), ctx._p, width, height, dpi))
        super().__init__(ctx, _ptr)

    @classmethod
    def from_png(cls, ctx, png):
        png = bytes_in(png, "png")
        ptr = ImageP()
        ctx._check(lib.gxca_image_from_png(byref(ptr), ctx._p, png, len(png)))
        return cls(ctx, _ptr=ptr)

    def to_png(self):
        out, n = c_void_p(), c_size_t()
        self._check(lib.gxca_image_to_png(self._p, byref(out), byref(n)))
        return take_bytes(out, n)

    @property
    def width(self):
        return lib.gxca_image_width(self._p)

    @property
    def height(self):
        return lib.gxca_image_height(self._p)

    @property
    def dpi(self):
        return lib.gxca_image_dpi(self._p)

    @dpi.setter
    def dpi(self, dpi):
        self._check(lib.gxca_image_set_dpi(self._p, dpi))

    @property
    def origin(self):
        return (lib.gxca_image_origin_x(self._p), lib.gxca_image_origin_y(self._p))

    @property
    def stride(self):
        stride = c_size_t()
        lib.gxca_image_pixels(self._p, byref(stride))
        return stride.value

    def pixels(self):
        """A copy of the pixels: height rows of stride bytes (R, G, B, A)."""
        stride = c_size_t()
        ptr = lib.gxca_image_pixels(self._p, byref(stride))
        return string_at(ptr, stride.value * self.height)

    def set_pixels(self, data):
        """Replace the pixels with data of exactly stride * height bytes."""
        data = bytes_in(data)
        stride = c_size_t()
        ptr = lib.gxca_image_pixels(self._p, byref(stride))
        if len(data) != stride.value * self.height:
            raise ValueError("pixels must be %d bytes" % (stride.value * self.height))
        memmove(ptr, data, len(data))

    def _extract(self, fn, x, y, w, h):
        ptr = ImageP()
        self._check(fn(byref(ptr), self._p, x, y, w, h))
        return Image(self._ctx, _ptr=ptr)

    def extract_stamp(self, x=0, y=0, w=0, h=0):
        """The red stamp impression of a scan region (0, 0: the whole image)."""
        return self._extract(lib.gxca_image_extract_stamp, x, y, w, h)

    def extract_signature(self, x=0, y=0, w=0, h=0):
        """The dark-ink signature of a scan region."""
        return self._extract(lib.gxca_image_extract_signature, x, y, w, h)


class SealSpec(Handle):
    """What a seal looks like: a preset ("ORG_ROUND_42", ...), texts,
    dimensions in mm, dpi, colour and fonts. render() draws it."""

    _free_name = "gxca_seal_spec_free"

    def __init__(self, ctx, preset="ORG_ROUND_42", **texts):
        ptr = SealSpecP()
        ctx._check(lib.gxca_seal_spec_new(byref(ptr), ctx._p, preset_in(preset)))
        super().__init__(ctx, ptr)
        for field, text in texts.items():
            self.set_text(field, text)

    @property
    def preset(self):
        return text_out(lib.gxca_seal_preset_name(lib.gxca_seal_spec_preset(self._p)))

    def set_text(self, field, text):
        """Set ("name", "line", "code", "tax_id", "serial") or remove (None) a text."""
        self._check(lib.gxca_seal_spec_set_text(self._p, _named(SEAL_TEXTS, field, "text field"),
                                                opt_text_in(text, "text")))

    def text(self, field):
        return text_out(lib.gxca_seal_spec_text(self._p, _named(SEAL_TEXTS, field, "text field")))

    def set_param(self, param, value):
        self._check(lib.gxca_seal_spec_set_param(self._p, _named(SEAL_PARAMS, param, "parameter"),
                                                 float(value)))

    def param(self, param):
        out = c_double()
        self._check(lib.gxca_seal_spec_param(self._p, _named(SEAL_PARAMS, param, "parameter"),
                                             byref(out)))
        return out.value

    def set_dpi(self, dpi):
        self._check(lib.gxca_seal_spec_set_dpi(self._p, dpi))

    def set_color(self, r, g, b, a=255):
        self._check(lib.gxca_seal_spec_set_color(self._p, r, g, b, a))

    def set_font(self, role, path, face=0):
        """Use a font file for "text" or "digits"; None goes back to the default."""
        self._check(lib.gxca_seal_spec_set_font(self._p, _named(SEAL_FONTS, role, "font role"),
                                                opt_text_in(path, "path"), face))

    def render(self):
        ptr = ImageP()
        self._check(lib.gxca_seal_render(byref(ptr), self._p))
        return Image(self._ctx, _ptr=ptr)
