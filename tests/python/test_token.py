# Tokens on SoftHSM2 (tests/softhsm/setup.sh): the demo's master and
# secondary tokens — PIN change, keys on the token, certificates, the seal,
# a bid file encrypted to both tokens and opened by each, login.
import os
import subprocess

import pytest

import gxca
from conftest import make_org, paid

SETUP = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "softhsm", "setup.sh")
PIN, SO_PIN, NEW_PIN = "123456", "12345678", "24681357"


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("hsm"))
    proc = subprocess.run(["sh", SETUP, d, "master", "secondary"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    if proc.returncode == 77:
        pytest.skip("SoftHSM2 is not installed")
    assert proc.returncode == 0, proc.stderr
    os.environ["SOFTHSM2_CONF"] = os.path.join(d, "softhsm2.conf")
    with gxca.Context(lang="en") as ctx:
        yield gxca.TokenModule(ctx, proc.stdout.decode().strip())


def ready(module, label):
    """Open a token, change its initial PIN, make a P-256 key on it."""
    tok = module.open(label)
    tok.login(PIN)
    assert "PIN_MUST_CHANGE" in tok.info().flags
    with pytest.raises(gxca.TokenError) as e:
        tok.keygen("EC_P256", "sign", b"\x01")
    assert e.value.name == "GXCA_ETOKEN_PIN_MUST_CHANGE"
    with pytest.raises(gxca.TokenError) as e:
        tok.change_pin(PIN, PIN)
    assert e.value.name == "GXCA_ETOKEN_PIN_POLICY"
    tok.change_pin(PIN, NEW_PIN)
    tok.keygen("EC_P256", "sign", b"\x01")
    return tok


def test_tokens_through_the_demo(module, tmp_path):
    ctx = module.ctx
    labels = sorted(t.label for t in module.tokens if "INITIALIZED" in t.flags)
    assert labels == ["master", "secondary"]
    with pytest.raises(gxca.TokenError) as e:
        module.open("nowhere")
    assert e.value.name == "GXCA_ETOKEN_NOT_FOUND"
    t0 = ctx.time_of("2026-09-28") + 9 * 3600
    ca = gxca.CA.create(ctx, None, "SM2", ":memory:")
    app = paid(make_org(ctx), t0)
    certs, keys, toks = [], [], []
    for label, role in (("master", "MASTER"), ("secondary", "SECONDARY")):
        tok = ready(module, label)
        key = tok.get_key(key_id=b"\x01")
        assert key.algorithm == "EC_P256"
        serial = tok.info().serial
        cert = ca.issue(app, key.csr("/C=CN/CN=x"), token_serial=serial, now=t0 + 600)
        tok.store_cert(cert, "sign")
        assert tok.find_cert(key_id=b"\x01") == cert.to_der()
        assert tok.find_cert(label="none") is None
        tok.role = role
        assert tok.role == role
        sig = tok.sign(key, b"bid")
        assert key.verify(b"bid", sig)
        assert ca.status(cert.serial).token_serial == serial
        certs.append(cert), keys.append(key), toks.append(tok)
    master, secondary = toks
    seal = b"0\x03\x02\x01\x04"  # the bytes of an eseal; the token does not parse them
    master.store_seal(seal)
    assert master.read_seal() == seal
    assert secondary.read_seal() is None
    with pytest.raises(gxca.TokenError) as e:
        secondary.store_seal(seal)
    assert e.value.name == "GXCA_ETOKEN_SEAL_SECONDARY"

    bid, enc = tmp_path / "bid.pdf", tmp_path / "bid.p7m"
    bid.write_bytes(b"%PDF-1.7 " + os.urandom(50000))
    gxca.Envelope(ctx, certs).encrypt_file(str(bid), str(enc))
    for k, (key, cert) in enumerate(zip(keys, certs)):
        out = tmp_path / ("open%d" % k)
        gxca.Envelope.decrypt_file(key, cert, str(enc), str(out))
        assert out.read_bytes() == bid.read_bytes()

    server = gxca.LoginServer(ctx, "056", gxca.NonceStore(ctx))
    for c in ca.chain():
        server.add_trust(c)
    who = server.verify(gxca.login_respond(keys[0], certs[0], server.challenge(t0 + 700)),
                        t0 + 701)
    assert who.serial == certs[0].serial and who.role == "UNSET"

    with pytest.raises(gxca.TokenError) as e:
        master.logout()  # a key of the token is alive
    assert e.value.name == "GXCA_ETOKEN_BUSY"
    for key in keys:
        key.close()
    master.logout()
    with pytest.raises(gxca.TokenError) as e:
        master.login("000000")
    assert e.value.name in ("GXCA_ETOKEN_PIN_INCORRECT", "GXCA_ETOKEN_PIN_COUNT_LOW")
    assert "000000" not in str(e.value)
    master.unlock(SO_PIN, NEW_PIN)
    master.login(NEW_PIN)
    for tok in toks:
        tok.close()
