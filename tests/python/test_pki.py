# The PKI part of the demo path: issue, verify, seal image, electronic seal
# and signature, revocation and CRL, envelopes and login with software keys.
import os

import pytest

import gxca
from conftest import make_org, make_person, paid


def issue(ca, app, t, alg="SM2"):
    """A key and its certificate, for a fresh paid copy of app's form (a
    form's lines limit how many certificates it gets)."""
    app = paid(gxca.Application.from_json(app.ctx, app.to_json()), t - 600) \
        if app.state == "DRAFT" else paid(make_org(app.ctx), t - 600)
    key = gxca.Key.generate(app.ctx, alg)
    return key, ca.issue(app, key.csr("/C=CN/CN=ignored"), now=t)


def test_issue_and_verify(pki):
    ctx, ca, app, t0 = pki
    chain = ca.chain()
    assert len(chain) == 2 and chain[0].usage == "CA"
    key, cert = issue(ca, app, t0 + 300)
    assert cert.uscc == "91320600MA1MX2K79C" and cert.id_number is None
    assert cert.subject_field("CN") == "南通示例建设工程有限公司" and cert.issuer == chain[0].subject
    assert cert.key_algorithm == "SM2" and cert.usage == "SIGN"
    assert cert.public_der() == key.public_der()
    assert cert.verify(chain, at=t0 + 3600)
    with pytest.raises(gxca.CertError) as e:
        cert.verify(chain[1:2] and [], at=t0 + 3600)
    assert e.value.name in ("GXCA_ECERT_UNKNOWN_ISSUER", "GXCA_ECERT_CHAIN")
    again = gxca.Cert.from_pem(ctx, cert.to_pem())
    assert again.serial == cert.serial and gxca.Cert.from_der(ctx, cert.to_der()).serial == cert.serial
    pem = "".join(c.to_pem() for c in chain)
    assert [c.serial for c in gxca.Cert.chain_from_pem(ctx, pem)] == [c.serial for c in chain]
    rec = ca.status(cert.serial)
    assert rec.status == "VALID" and rec.business == "NEW" and rec.application_id.startswith("GX")
    assert rec.cert.serial == cert.serial
    assert cert.serial in [r.serial for r in ca.list(rec.application_id)]
    assert cert.serial in [r.serial for r in ca.list()]
    with pytest.raises(gxca.CertError):
        gxca.Cert.from_der(ctx, b"\x30\x03garbage")
    with pytest.raises(gxca.GxcaError) as e:
        ca.status("ABCDEF")
    assert e.value.name == "GXCA_ENOTFOUND"


def test_issue_batch(pki):
    """Two tokens of one application in one transaction (the second is not
    the master); a batch with a bad request writes nothing."""
    ctx, ca, app, t0 = pki
    fresh = paid(make_org(ctx), t0 - 600)
    keys = [gxca.Key.generate(ctx, alg) for alg in ("SM2", "EC_P256")]
    with pytest.raises(gxca.CAError) as e:
        ca.issue_batch([(fresh, keys[0].public_der()), (fresh, b"junk", {"now": t0})])
    assert e.value.name == "GXCA_ECA_REQUEST" and e.value.field == "requests[1].request"
    certs = ca.issue_batch([(fresh, k.public_der(), {"now": t0 + 60, "token_serial": "TK%d" % i})
                            for i, k in enumerate(keys)])
    assert [c.key_algorithm for c in certs] == ["SM2", "EC_P256"]
    recs = [ca.status(c.serial) for c in certs]
    assert not recs[1].is_master and recs[0].holder == recs[1].holder
    assert [r.token_serial for r in recs] == ["TK0", "TK1"]
    assert len(ca.list(fresh.id)) == 2


def test_issue_refuses_unpaid(pki):
    ctx, ca, _, t0 = pki
    person = make_person(ctx)
    key = gxca.Key.generate(ctx, "EC_P256")
    with pytest.raises(gxca.CAError) as e:
        ca.issue(person, key.public_der(), now=t0)
    assert e.value.name == "GXCA_ECA_APP_STATE"
    with pytest.raises(ValueError):
        ca.issue(person, key.public_der(), usage="BOTH")


def test_seal_image(ctx, tmp_path):
    spec = gxca.SealSpec(ctx, "ORG_ROUND_42", name="南通示例建设工程有限公司")
    assert spec.preset == "ORG_ROUND_42" and spec.text("name").startswith("南通")
    assert spec.param("width") == 42.0
    spec.set_dpi(150)
    img = spec.render()
    assert img.width == img.height == round(42 * 150 / 25.4) and img.dpi == 150
    png = img.to_png()
    back = gxca.Image.from_png(ctx, png)
    assert back.pixels() == img.pixels() and back.dpi == 150
    scan = gxca.Image(ctx, img.width, img.height, 150)
    scan.set_pixels(on_white(img.pixels()))  # a "scan": the seal printed on paper
    stamp = scan.extract_stamp()
    assert 0 < stamp.width <= scan.width and stamp.dpi == 150
    with pytest.raises(gxca.SealError) as e:
        gxca.Image.from_png(ctx, b"not a png")
    assert e.value.name == "GXCA_ESEAL_PNG"
    with pytest.raises(gxca.SealError) as e:
        gxca.Image(ctx, 50, 50).extract_stamp()
    assert e.value.name == "GXCA_ESEAL_NO_INK"
    bad = gxca.SealSpec(ctx, "PERSON_SQUARE_20")
    with pytest.raises(gxca.GxcaError) as e:
        bad.render()  # no name
    assert e.value.name == "GXCA_EINVAL"
    with pytest.raises(gxca.GxcaError) as e:
        spec.set_param("width", -1)
    assert e.value.name == "GXCA_ERANGE"
    with pytest.raises(ValueError):
        gxca.SealSpec(ctx, "HEXAGON")
    img2 = gxca.Image(ctx, 2, 1)
    img2.set_pixels(b"\xff\0\0\xff" * 2)
    assert gxca.Image.from_png(ctx, img2.to_png()).pixels() == b"\xff\0\0\xff" * 2


def on_white(rgba):
    """RGBA pixels composited over white paper (test data, not library logic)."""
    out = bytearray(rgba)
    for k in range(0, len(out), 4):
        a = out[k + 3]
        for c in range(3):
            out[k + c] = (out[k + c] * a + 255 * (255 - a)) // 255
        out[k + 3] = 255
    return bytes(out)


def make_eseal(pki, t):
    ctx, ca, app, t0 = pki
    signer_key, signer = issue(ca, app, t)
    maker_key, maker = issue(ca, app, t + 1)
    png = gxca.SealSpec(ctx, "ORG_ROUND_42", name="南通示例建设工程有限公司").render().to_png()
    seal = gxca.ESeal(ctx)
    seal.set_vid("GXCA")
    seal.set_id("32060000000001")
    seal.set_type(1)
    seal.set_name("南通示例建设工程有限公司公章")
    seal.add_cert(signer)
    seal.set_validity(t, t, t + 365 * 86400)
    seal.set_picture(png, 42, 42)
    seal.sign(maker_key, maker)
    return seal, signer_key, signer


def test_eseal_and_esign(pki):
    ctx, ca, app, t0 = pki
    seal, key, cert = make_eseal(pki, t0 + 400)
    assert seal.version == 4 and seal.certs == [cert.to_der()] and seal.picture_size == (42, 42)
    der = seal.to_der()
    assert gxca.eseal_kind(der) == "SEAL"
    parsed = gxca.ESeal.parse(ctx, der)
    assert parsed.to_der() == der and parsed.name == seal.name
    anchors = "".join(c.to_pem() for c in ca.chain())
    r = parsed.verify(at=t0 + 3600, anchors=anchors)
    assert r.ok and "seal-signature" in r.ran and "maker-chain" in r.ran and not r.failed
    r = parsed.verify(at=t0 + 400 + 2 * 365 * 86400)
    assert r.name == "GXCA_EESEAL_SEAL_EXPIRED" and r.failed == ["seal-validity"]
    check = [c for c in r.checks if c.name == "seal-validity"][0]
    assert check.status == "GXCA_EESEAL_SEAL_EXPIRED" and check.message_en
    with pytest.raises(gxca.GxcaError) as e:
        seal.set_name("again")  # signed: frozen
    assert e.value.name == "GXCA_ESTATE"

    bid = b"%PDF-1.7 bid document"
    sig = gxca.ESign(ctx)
    sig.set_seal(parsed)
    sig.set_data(bid)
    sig.set_time(t0 + 3600)
    sig.set_property_info("/Doc_0/Signs/Sign_0/Signature.xml")
    sig.sign(key, cert)
    sder = sig.to_der()
    assert gxca.eseal_kind(sder) == "SIGNATURE"
    back = gxca.ESign.parse(ctx, sder)
    assert back.seal.to_der() == der and back.signer_cert == cert.to_der()
    assert back.time == t0 + 3600 and len(back.data_hash) == 32
    r = back.verify(data=bid, anchors=anchors)
    assert r.ok and "signer-chain" in r.ran and "data" in r.ran
    r = back.verify(data=bid + b"x")
    assert r.name == "GXCA_EESEAL_DATA_MISMATCH" and r.failed == ["data"]
    with pytest.raises(gxca.ESealError) as e:
        gxca.ESign.parse(ctx, der)  # a seal is no signature
    assert e.value.name == "GXCA_EESEAL_MALFORMED"
    other_key = gxca.Key.generate(ctx, "SM2")
    s2 = gxca.ESign(ctx)
    s2.set_seal(parsed)
    s2.set_data(bid)
    with pytest.raises(gxca.ESealError) as e:
        s2.sign(other_key, cert)
    assert e.value.name == "GXCA_EESEAL_KEY_MISMATCH"


def test_revocation_and_crl(pki):
    ctx, ca, app, t0 = pki
    _, cert = issue(ca, app, t0 + 500)
    chain = ca.chain()
    ca.revoke_request(cert.serial, "keyCompromise", t0 + 550, t0 + 600)
    ca.revoke_approve(cert.serial, t0 + 700)
    rec = ca.status(cert.serial)
    assert rec.reason == "keyCompromise" and rec.request_deadline == t0 + 550 + 8 * 3600
    ca.revoke(cert.serial, revoked_at=t0 + 800)
    with pytest.raises(gxca.CAError) as e:
        ca.revoke(cert.serial, "keyCompromise", t0 + 900)
    assert e.value.name == "GXCA_ECA_REVOKED"
    crl = ca.crl(t0 + 1000)
    assert crl.number >= 1 and crl.verify(chain[0]) and crl.issuer == chain[0].subject
    entry = crl.find(cert.serial.lower())
    assert entry.reason == "keyCompromise" and entry.revoked_at == t0 + 800
    assert crl.find("01") is None
    assert gxca.Crl.from_pem(ctx, crl.to_pem()).to_der() == crl.to_der()
    with pytest.raises(gxca.CertError) as e:
        cert.verify(chain, crl, at=t0 + 1100)
    assert e.value.name == "GXCA_ECERT_REVOKED" and e.value.revoked_reason == "keyCompromise"
    assert ca.status(cert.serial).status == "REVOKED"
    with pytest.raises(ValueError):
        ca.revoke(cert.serial, "lost")


def test_empty_crl_still_checked(pki):
    # an empty Crl is falsy (len 0) and was once passed as "no CRL"
    ctx, _, app, t0 = pki
    ca = gxca.CA.create(ctx, None, "SM2", ":memory:")  # nothing revoked yet
    _, cert = issue(ca, app, t0 + 500)
    chain = ca.chain()
    crl = ca.crl(t0 + 1000)
    assert len(crl) == 0 and not crl
    assert cert.verify(chain, crl, at=t0 + 1100)
    with pytest.raises(gxca.CertError) as e:
        cert.verify(chain, crl, at=t0 + 60 * 86400)
    assert e.value.name == "GXCA_ECRL_STALE"


def test_envelope_and_login(pki, tmp_path):
    ctx, ca, app, t0 = pki
    k1, c1 = issue(ca, app, t0 + 600, "EC_P256")
    k2, c2 = issue(ca, app, t0 + 601, "EC_P256")
    bid, enc = tmp_path / "bid.pdf", tmp_path / "bid.pdf.p7m"
    bid.write_bytes(b"%PDF-1.7 " + os.urandom(100000))
    with gxca.Envelope(ctx, [c1, c2.to_pem()]) as env:
        assert len(env) == 2
        env.encrypt_file(str(bid), str(enc))
    for key, cert, name in ((k1, c1, "a"), (k2, c2, "b")):
        out = tmp_path / name
        gxca.Envelope.decrypt_file(key, cert, str(enc), str(out))
        assert out.read_bytes() == bid.read_bytes()
    k3, c3 = issue(ca, app, t0 + 602, "EC_P256")
    with pytest.raises(gxca.EnvelopeError) as e:
        gxca.Envelope.decrypt_file(k3, c3, str(enc), str(tmp_path / "c"))
    assert e.value.name == "GXCA_EENVELOPE_NOT_RECIPIENT"
    with open(str(bid), "rb") as fin, open(str(tmp_path / "fd.p7m"), "wb") as fout:
        gxca.Envelope(ctx, [c1], cipher="SM4-CBC").encrypt_fd(fin, fout)
    assert gxca.cipher_name("sm4-cbc") == "SM4-CBC"
    with pytest.raises(gxca.GxcaError) as e:
        gxca.Envelope(ctx).encrypt_file(str(bid), str(tmp_path / "x"))
    assert e.value.name == "GXCA_ESTATE"
    sm2_key, sm2_cert = issue(ca, app, t0 + 603)
    with pytest.raises(gxca.EnvelopeError):
        gxca.Envelope(ctx, [sm2_cert])

    store = gxca.NonceStore(ctx)
    server = gxca.LoginServer(ctx, ctx.platform_code, store)
    for c in ca.chain():
        server.add_trust(c)
    server.set_role_cb(lambda serial: "MASTER")
    now = t0 + 3600
    challenge = server.challenge(now)
    response = gxca.login_respond(k1, c1, challenge, ctx.platform_code)
    who = server.verify(response, now + 5)
    assert (who.number, who.kind, who.serial, who.role) == (
        "91320600MA1MX2K79C", "ORG", c1.serial, "MASTER")
    assert len(store) == 1
    with pytest.raises(gxca.LoginError) as e:
        server.verify(response, now + 6)
    assert e.value.name == "GXCA_ELOGIN_REPLAY"

    def broken(serial):
        raise RuntimeError("registry down")
    server.set_role_cb(broken)
    response = gxca.login_respond(k1, c1, server.challenge(now), ctx.platform_code)
    with pytest.raises(gxca.GxcaError) as e:
        server.verify(response, now + 1)
    assert e.value.name == "GXCA_EUSER"
    with pytest.raises(gxca.LoginError) as e:
        gxca.login_respond(k1, c1, server.challenge(now), "999")
    assert e.value.name == "GXCA_ELOGIN_PLATFORM"

    # a callback cannot close what the running call uses (a use after free)
    for victim in (store, server, ctx):
        def closer(serial, victim=victim):
            victim.close()
            return "MASTER"
        server.set_role_cb(closer)
        response = gxca.login_respond(k1, c1, server.challenge(now), ctx.platform_code)
        with pytest.raises(gxca.GxcaError) as e:
            server.verify(response, now + 1)
        assert e.value.name == "GXCA_EUSER"
    assert len(store) == 1 and not server.closed and not ctx.closed

    def leaving(serial):
        raise SystemExit(0)
    server.set_role_cb(leaving)
    response = gxca.login_respond(k1, c1, server.challenge(now), ctx.platform_code)
    with pytest.raises(gxca.GxcaError) as e:
        server.verify(response, now + 1)
    assert e.value.name == "GXCA_EUSER"
    ctx.set_log(lambda level, message: ctx.close())
    with pytest.raises(gxca.GxcaError):
        ctx.is_working_day("1999-01-04")  # fails, so it logs
    assert not ctx.closed
    ctx.set_log(None)


def test_login_server_needs_its_store(ctx):
    store = gxca.NonceStore(ctx)
    server = gxca.LoginServer(ctx, "056", store)
    store.close()
    with pytest.raises(ValueError):
        server.verify("{}")
