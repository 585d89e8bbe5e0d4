# Software keys.
import os

import pytest

import gxca


@pytest.mark.parametrize("alg", ["SM2", "EC_P256"])
def test_sign_verify(ctx, alg):
    with gxca.Key.generate(ctx, alg) as key:
        assert key.algorithm == alg
        sig = key.sign(b"bid document")
        assert key.verify(b"bid document", sig)
        with pytest.raises(gxca.GxcaError) as e:
            key.verify(b"another document", sig)
        assert e.value.name == "GXCA_EBADSIG"
        assert key.public_der()[0] == 0x30


def test_save_and_load(ctx, tmp_path):
    key = gxca.Key.generate(ctx, "SM2")
    path = str(tmp_path / "k.pem")
    key.save_pem(path, password="秘密")
    assert os.stat(path).st_mode & 0o777 == 0o600
    with pytest.raises(gxca.GxcaError) as e:
        key.save_pem(path)  # never overwrites
    again = gxca.Key.load_file(ctx, path, password="秘密")
    assert again.public_der() == key.public_der()
    with open(path, "rb") as f:
        pem = f.read()
    assert gxca.Key.load(ctx, pem, "秘密").algorithm == "SM2"
    with pytest.raises(gxca.GxcaError) as e:
        gxca.Key.load(ctx, pem, "wrong")
    assert e.value.name == "GXCA_ECRYPTO"
    assert "秘密" not in str(e.value)
    with pytest.raises(gxca.GxcaError):
        gxca.Key.load(ctx, b"garbage")
    with pytest.raises(ValueError):
        gxca.Key.generate(ctx, "DSA")
