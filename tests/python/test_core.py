# The context, errors, reports, policy, calendar, sites, identity numbers.
import gc
import json

import pytest

import gxca


def test_version_and_names():
    assert gxca.version() == gxca.__version__
    assert gxca.version().count(".") == 2
    assert gxca.error_name(-3) == "GXCA_EINVAL"
    assert gxca.error_name(12345) == "GXCA_EUNKNOWN"
    assert gxca.strerror(-2, "en") != gxca.strerror(-2, "zh")


def test_error_classes_follow_code_blocks():
    assert gxca.error_class(-3) is gxca.GxcaError
    assert gxca.error_class(-12) is gxca.PolicyError
    assert gxca.error_class(-100) is gxca.IdentityError
    assert gxca.error_class(-201) is gxca.TariffError
    assert gxca.error_class(-302) is gxca.MaterialError
    assert gxca.error_class(-499) is gxca.ApplicationError
    assert gxca.error_class(-700) is gxca.CAError
    assert gxca.error_class(-606) is gxca.CertError
    assert gxca.error_class(-1002) is gxca.TokenError
    assert gxca.error_class(-1206) is gxca.LoginError
    assert issubclass(gxca.TokenError, gxca.GxcaError)


def test_context_lang_and_last_error(ctx):
    assert ctx.lang == "en"
    ctx.lang = "zh"
    assert ctx.lang == "zh"
    with pytest.raises(ValueError):
        ctx.lang = "fr"
    assert ctx.last_error() is None
    with pytest.raises(gxca.TariffError) as e:
        ctx.tariff_price("ORG", "NEW", "CERT", 0)
    assert e.value.code == -201 and e.value.name == "GXCA_ETARIFF_YEARS"
    assert e.value.field == "years"
    assert "年" in e.value.message  # the ctx language
    last = ctx.last_error()
    assert last.code == -201 and last.message == e.value.message
    assert str(e.value).startswith("GXCA_ETARIFF_YEARS: ")


def test_closed_context_refuses(ctx):
    c = gxca.Context()
    c.close()
    c.close()  # idempotent
    assert c.closed
    with pytest.raises(ValueError):
        c.lang
    with pytest.raises(ValueError):
        gxca.Quote(c)


def test_closing_context_closes_children():
    c = gxca.Context()
    q = gxca.Quote(c)
    app = gxca.Application(c, "ORG")
    c.close()
    assert q.closed and app.closed
    with pytest.raises(ValueError):
        q.total


def test_children_keep_their_context_alive():
    q = gxca.Quote(gxca.Context(lang="en"))
    gc.collect()
    q.add("ORG", "NEW", "CERT", 1, 1)
    assert q.ctx.lang == "en" and q.total > 0
    q.close()


def test_log_callback_is_kept_alive(ctx):
    seen = []
    ctx.set_log(lambda level, msg: seen.append((level, msg)), 4)
    gc.collect()  # the C callback must survive: the ctx keeps it
    with pytest.raises(gxca.TariffError):
        ctx.tariff_price("ORG", "NEW", "CERT", 0)
    assert seen and seen[-1][0] == 4 and seen[-1][1].startswith("GXCA_ETARIFF_YEARS")

    def broken(level, msg):
        raise RuntimeError("must not cross the C library")
    ctx.set_log(broken, 4)
    with pytest.raises(gxca.TariffError):  # the library's error, not the callback's
        ctx.tariff_price("ORG", "NEW", "CERT", 0)
    ctx.set_log(None)
    n = len(seen)
    with pytest.raises(gxca.TariffError):
        ctx.tariff_price("ORG", "NEW", "CERT", 0)
    assert len(seen) == n


def test_policy(ctx, tmp_path):
    assert ctx.platform_code == "056"
    assert ctx.hotline and ctx.mailbox and ctx.initial_pin
    policy = json.loads(gxca.policy_default_json())
    policy["platform"]["code"] = "099" if "platform" in policy else None
    ctx.load_policy_json(json.dumps(policy, ensure_ascii=False))
    assert ctx.platform_code == "099"
    ctx.reset_policy()
    assert ctx.platform_code == "056"
    with pytest.raises(gxca.GxcaError) as e:
        ctx.load_policy_json('{"tariff": 1}')
    assert e.value.name in ("GXCA_EPOLICY", "GXCA_EJSON")
    with pytest.raises(gxca.GxcaError) as e:
        ctx.load_policy(str(tmp_path / "missing.json"))
    assert e.value.name == "GXCA_EIO"
    assert ctx.platform_code == "056"


def test_integers_out_of_range_refused(ctx):
    # ctypes alone would wrap them: 2**32 + 1 working days became 1
    with pytest.raises(OverflowError):
        ctx.add_working_days("2026-09-30", 2**32 + 1)
    with pytest.raises(OverflowError):
        gxca.date_of(2**64)
    q = gxca.Quote(ctx)
    with pytest.raises(OverflowError):
        q.add("ORG", "NEW", "CERT", -1, 1)  # a count of 4294967295 before
    assert len(q) == 0


def test_calendar(ctx):
    t = ctx.time_of("2026-10-01")
    assert gxca.date_of(t) == "2026-10-01"
    assert gxca.date_of(t - 1) == "2026-09-30"
    assert not ctx.is_working_day("2026-10-01")  # National Day
    assert ctx.is_working_day("2026-09-30")
    assert ctx.add_working_days("2026-09-30", 1) > "2026-10-07"
    with pytest.raises(gxca.PolicyError) as e:
        ctx.is_working_day("1999-01-04")
    assert e.value.name == "GXCA_ECALENDAR_UNKNOWN"
    with pytest.raises(gxca.GxcaError):
        ctx.time_of("2026-02-30")


def test_sites(ctx, t0):
    sites = ctx.sites()
    assert len(sites) >= 4
    haian = ctx.site("haian")
    assert haian.region_zh == "海安" and haian.region_en == "Hai'an"
    assert "14:30-18:00" in ctx.site_hours(haian, 7)
    assert "14:00-17:30" in ctx.site_hours("haian", 10)
    assert ctx.site("nowhere") is None
    assert ctx.site_is_open("city-center", t0)           # Monday 09:30
    assert not ctx.site_is_open("city-center", t0 - 3600)  # 08:30
    with pytest.raises(gxca.GxcaError) as e:
        ctx.site_hours("nowhere", 1)
    assert e.value.name == "GXCA_EINVAL"


def test_identity(ctx):
    r = ctx.check_uscc("91320600MA1MX2K79C")
    assert r.ok and r.errors == 0 and len(r) == 0
    r = ctx.check_uscc("91320600MA1MX2K79D")
    assert not r.ok and r.name == "GXCA_EUSCC" and r.errors == 1
    (p,) = r.problems
    assert (p.severity, p.id, p.field, p.name) == ("error", "uscc.check_char", "uscc", "GXCA_EUSCC")
    assert "C" in p.en and p.zh
    assert json.loads(r.to_json())["errors"] == 1
    assert ctx.check_id_number("320602198807150023").ok
    assert ctx.check_id_number("320602880715002").name == "GXCA_EIDNUM_LEGACY"
    assert gxca.uscc_check_char("91320600MA1MX2K79") == "C"
    assert gxca.id_check_char("32060219880715002") == "3"
    assert gxca.id_check_char("short") is None
    with pytest.raises(gxca.GxcaError) as e:
        ctx.check_uscc(b"\xff\xfe")
    assert e.value.name == "GXCA_EENCODING"
    with pytest.raises(TypeError):
        ctx.check_uscc(None)
    with pytest.raises(ValueError):
        ctx.check_uscc("9132\0")


def test_tariff_price(ctx):
    assert ctx.tariff_price("ORG", "NEW", "CERT", 1) > 0
    assert ctx.tariff_price(1, 1, 1, 1) == ctx.tariff_price("org", "new", "cert", 1)
    with pytest.raises(ValueError):
        ctx.tariff_price("CLUB", "NEW", "CERT", 1)
    with pytest.raises(gxca.GxcaError) as e:
        ctx.tariff_price(9, "NEW", "CERT", 1)
    assert e.value.name == "GXCA_EINVAL"


def test_every_export_has_a_signature():
    """One table declares every exported function (lib/libgxca.map)."""
    import os
    import re
    from gxca._lib import SIGNATURES
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, os.pardir, os.pardir, "lib", "libgxca.map")) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    exported = set(re.findall(r"^\s*(gxca_[a-z0-9_]+);", text, re.M))
    assert exported and sorted(exported - set(SIGNATURES)) == []
    assert sorted(set(SIGNATURES) - exported) == []


def test_objects_left_open_at_exit_are_quiet():
    """__del__ only closes, and tolerates interpreter shutdown."""
    import subprocess
    import sys
    code = ("import gxca\n"
            "ctx = gxca.Context()\n"
            "q = gxca.Quote(ctx)\n"
            "app = gxca.Application(ctx, 'ORG')\n"
            "cycle = [ctx, q]\n"
            "cycle.append(cycle)\n")
    proc = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    assert proc.returncode == 0 and proc.stderr == b""
