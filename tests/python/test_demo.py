# The demo path of `gxca demo` (tools/cmd-demo.c), domain part: one ORG by
# mail and one PERSON on site — validate, checklist, mail package, quote,
# then review, payment, issue and delivery, saved and reloaded as JSON.
import io
import json
import os
import zipfile

import pytest

import gxca
from conftest import data_path, make_org, make_person


def mail_package(ctx, app, name, t0, outdir):
    with gxca.Checklist(ctx, app.applicant, "NEW", by_proxy=app.by_proxy) as cl:
        assert len(cl) == len(cl.items) >= 2
        pkg = cl.mail_package(name)
    # the package copied the checklist: it outlives it
    assert cl.closed and not pkg.closed
    with pytest.raises(ValueError):
        cl.items
    scans = []
    with gxca.Checklist(ctx, app.applicant, "NEW", by_proxy=app.by_proxy) as cl:
        for item in cl.items:
            if item.flags & gxca.MATFLAGS["PHYSICAL"]:
                with pytest.raises(gxca.MaterialError) as e:
                    pkg.add_scan(item.material, "scan.pdf", b"%PDF")
                assert e.value.name == "GXCA_EMATERIAL_PHYSICAL"
                continue
            pkg.add_scan(item.material, "scan.pdf",
                         ("%%PDF-1.4\n%% scan of %s\n%%%%EOF\n" % item.material).encode())
            scans.append(item.material)
        assert cl.check(scans + ["TOKEN"]).ok
    assert pkg.filename == name + ".zip"
    zip_bytes = pkg.build(t0)
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        names = z.namelist()
        assert names[0] == "清单.txt" and len(names) == len(scans) + 1
        assert z.read(names[0]).startswith(b"\xef\xbb\xbf")
    path = pkg.write(t0, str(outdir))
    assert path == os.path.join(str(outdir), pkg.filename)
    with open(path, "rb") as f:
        assert f.read() == zip_bytes
    pkg.close()


def quote(ctx, app):
    with gxca.Quote(ctx) as q:
        for line in app.lines:
            q.add_order(app.applicant, line.business, line.count, line.years)
        assert q.total == sum(l.amount_fen for l in q.lines) > 0
        assert json.loads(q.to_json())["total_fen"] == q.total
        return q.lines


def workflow(app, channel, t0):
    h = 3600
    app.submit(channel, "applicant", t0)
    app.approve("reviewer", t0 + h)
    app.request_payment("reviewer", t0 + 2 * h)
    app.mark_paid("applicant", t0 + 3 * h)
    app.mark_issued("operator", t0 + 4 * h)
    app.deliver("operator", t0 + 5 * h, "SF1234567890" if channel == "MAIL" else None)
    assert app.state == "DELIVERED" and app.channel == channel
    assert [e.state for e in app.history] == ["SUBMITTED", "APPROVED", "PAYMENT_REQUESTED",
                                              "PAID", "ISSUED", "DELIVERED"]
    assert app.history[0].note == channel and app.paid_at == t0 + 3 * h
    # 2026-09-28 (Mon) + 5 working days, across the National Day holiday
    assert app.invoice_due() > "2026-10-07"


def test_org_by_mail(ctx, t0, tmp_path):
    with make_org(ctx) as app:
        report = app.validate()
        assert report.ok and report.errors == 0, report.problems
        mail_package(ctx, app, "南通示例建设工程有限公司", t0, tmp_path)
        lines = quote(ctx, app)
        assert [(l.item, l.quantity, l.years) for l in lines][0] == ("CERT", 2, 4)
        assert lines[1].item == "SEAL" and lines[0].discount_fen > 0
        workflow(app, "MAIL", t0)
        assert app.tracking_no == "SF1234567890"
        assert app.mail_due() > "2026-10-01"
        text = app.to_json()
        again = gxca.Application.from_json(ctx, text)
        assert again.to_json() == text and again.id == app.id and again.state == "DELIVERED"
        with pytest.raises(gxca.GxcaError) as e:
            again.set("org_name", "x")
        assert e.value.name == "GXCA_ESTATE"


def test_person_on_site(ctx, t0, tmp_path):
    with make_person(ctx) as app:
        assert app.id_type == "RESIDENT_ID"
        assert app.collected("best_signature") == 2
        assert app.validate().ok
        mail_package(ctx, app, "陈静", t0, tmp_path)
        quote(ctx, app)
        workflow(app, "ONSITE", t0)
        assert app.tracking_no == ""
        with pytest.raises(gxca.GxcaError) as e:
            app.mail_due()
        assert e.value.name == "GXCA_ESTATE"


def test_invalid_form_is_reported_whole(ctx, t0):
    with open(data_path("app-invalid.json"), encoding="utf-8") as f:
        app = gxca.Application.from_json(ctx, f.read())
    report = app.validate()
    assert not report.ok and report.name == "GXCA_EINVALID" and report.errors >= 5
    fields = {p.field for p in report}
    assert {"org_name", "uscc", "agent_mobile", "invoice_email"} <= fields
    with pytest.raises(gxca.GxcaError) as e:
        app.submit("MAIL", "applicant", t0)
    assert e.value.name == "GXCA_EINVALID"
    assert e.value.report.errors == report.errors
    assert app.last_report.errors == report.errors
    assert app.state == "DRAFT"


def test_rejection_and_resubmission(ctx, t0):
    app = make_org(ctx)
    app.submit("MAIL", "李明", t0)
    with pytest.raises(gxca.ApplicationError) as e:
        app.mark_paid("staff", t0 + 60)
    assert e.value.name == "GXCA_EAPP_TRANSITION"
    app.reject("staff-017", t0 + 60, "营业执照复印件未加盖公章")
    assert app.history[-1] == ("REJECTED", t0 + 60, "staff-017", "营业执照复印件未加盖公章")
    app["org_phone"] = "0513-81000001"  # editable again
    with pytest.raises(gxca.ApplicationError) as e:
        app.submit("MAIL", "李明", t0)  # earlier than the rejection
    assert e.value.name == "GXCA_EAPP_TIME"
    app.submit("MAIL", "李明", t0 + 120)
    assert app.state == "SUBMITTED"


def test_fixture_json_round_trip(ctx):
    for name in ("app-org.json", "app-person.json"):
        with open(data_path(name), encoding="utf-8") as f:
            app = gxca.Application.from_json(ctx, f.read())
        assert gxca.Application.from_json(ctx, app.to_json()).to_json() == app.to_json()
    with pytest.raises(gxca.GxcaError) as e:
        gxca.Application.from_json(ctx, '{"schema": "gxca-application/1", "kind": 7}')
    assert e.value.name == "GXCA_EJSON" and e.value.field.startswith("$")


def test_application_fields(ctx):
    app = gxca.Application(ctx, "PERSON")
    assert app.applicant == "PERSON" and app.id.startswith("GX") and app.state == "DRAFT"
    assert app["platform"] == "056"
    with pytest.raises(gxca.ApplicationError) as e:
        app["org_name"] = "not on a person's form"
    assert e.value.name == "GXCA_EAPP_FIELD" and e.value.field
    with pytest.raises(ValueError):
        app["no_such_field"] = "x"
    with pytest.raises(gxca.GxcaError) as e:
        app["person_name"] = "x" * 600
    assert e.value.name == "GXCA_ETOOBIG"
    app.by_proxy = True
    assert app.by_proxy
    app.add_line("CHANGE", 1, 0, ["NAME"])
    assert app.lines == [("CHANGE", 1, 0, ["NAME"])]
    app.clear_lines()
    assert app.lines == []
    assert app.id_type is None
    app.id_type = "OTHER"
    assert app.id_type == "OTHER" and app["id_type"] == "OTHER"
    app.id_type = None
    assert app.id_type is None
    assert gxca.field_label("org_name", "zh") == "单位名称"
    assert gxca.field_applies("ORG", "uscc") and not gxca.field_applies("PERSON", "uscc")
    assert gxca.field_name(3) == "uscc"


def test_checklist(ctx):
    cl = gxca.Checklist(ctx, "ORG", "CHANGE", changes=["NAME"])
    mats = [i.material for i in cl.items]
    assert "CHANGE_NOTICE" in mats
    assert cl.warning("en") and cl.warning("zh") != cl.warning("en")
    r = cl.check([])
    assert r.name == "GXCA_EMATERIAL_MISSING" and r.errors == len(mats)
    r = cl.check(mats + [99])
    assert r.name == "GXCA_EMATERIAL_UNKNOWN"
    with pytest.raises(gxca.GxcaError):
        gxca.Checklist(ctx, "ORG", "CHANGE")  # an ORG change needs a change kind
    with pytest.raises(ValueError):
        gxca.Checklist(ctx, "ORG", "CHANGE", changes=["COLOUR"])
    assert gxca.Checklist(ctx, "PERSON", "NEW").warning() is None


def test_mail_package_refuses_what_it_must(ctx, t0):
    cl = gxca.Checklist(ctx, "PERSON", "NEW")
    pkg = cl.mail_package("陈静")
    with pytest.raises(gxca.MaterialError) as e:
        pkg.build(t0)
    assert e.value.name == "GXCA_EMATERIAL_MISSING"
    with pytest.raises(TypeError):
        pkg.add_scan("FORM_PERSON", "a.pdf", "text is not bytes")
    with pytest.raises(gxca.GxcaError) as e:
        pkg.add_scan("LICENSE_COPY", "a.pdf", b"x")  # not on a person's list
    assert e.value.name == "GXCA_EINVAL"
    with pytest.raises(gxca.GxcaError):
        cl.mail_package("")


def test_quote_errors(ctx):
    q = gxca.Quote(ctx)
    with pytest.raises(gxca.TariffError) as e:
        q.add("PERSON", "CHANGE", "CERT", 1)
    assert e.value.name == "GXCA_ETARIFF_NOT_OFFERED"
    with pytest.raises(gxca.GxcaError):
        q.add("ORG", "NEW", "CERT", 0, 1)
    assert len(q) == 0 and q.total == 0
    with pytest.raises(IndexError):
        q.line(0)
