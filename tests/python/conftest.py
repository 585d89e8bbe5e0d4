# Fixtures of the gxca Python tests: a context, the test data directory and
# the demo's forms (tools/cmd-demo.c fills in the same values).
import os

import pytest

import gxca

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "data")

ORG_FIELDS = {
    "org_name": "南通示例建设工程有限公司", "uscc": "91320600MA1MX2K79C",
    "reg_province": "江苏省", "reg_city": "南通市", "reg_county": "崇川区",
    "legal_rep_name": "王建国", "org_phone": "0513-81000000", "agent_name": "李明",
    "agent_id_number": "320602198807150023", "agent_mobile": "13912345678",
    "invoice_email": "invoice@example.com", "return_address": "南通市崇川区工农南路150号",
    "form_date": "2026-09-28",
}
PERSON_FIELDS = {
    "person_name": "陈静", "id_type": "RESIDENT_ID", "id_number": "320602198807150023",
    "person_phone": "13800001111", "agent_name": "陈静",
    "agent_id_number": "320602198807150023", "agent_mobile": "13800001111",
    "invoice_email": "chenjing@example.com", "return_address": "南通市通州区碧华路197号",
    "form_date": "2026-09-28",
}


def data_path(name):
    return os.path.join(DATA, name)


@pytest.fixture
def ctx():
    with gxca.Context(lang="en") as c:
        yield c


@pytest.fixture
def t0(ctx):
    """2026-09-28 09:30 Asia/Shanghai, the demo's start."""
    return ctx.time_of("2026-09-28") + 9 * 3600 + 1800


def make_org(ctx):
    app = gxca.Application(ctx, "ORG")
    for name, value in ORG_FIELDS.items():
        app[name] = value
    app.add_line("NEW", count=2, years=4)
    app.set_collected("official_seal", 2)
    app.set_collected("legal_rep_seal", 1)
    app.set_collected("legal_rep_signature", 1)
    app.consent = True
    return app


def make_person(ctx):
    app = gxca.Application(ctx, "PERSON")
    for name, value in PERSON_FIELDS.items():
        app[name] = value
    app.add_line("NEW", count=1, years=1)
    app.set_collected("signatures", 3)
    app.set_collected("best_signature", 2)
    app.consent = True
    return app


def paid(app, t0):
    """Take a valid application to PAID (what issuance requires)."""
    app.submit("MAIL", "applicant", t0)
    app.approve("reviewer", t0 + 60)
    app.request_payment("reviewer", t0 + 120)
    app.mark_paid("applicant", t0 + 180)
    return app


@pytest.fixture(scope="module")
def pki():
    """A context, a CA in memory and a paid ORG application (made once per
    module: CA keys take a moment)."""
    with gxca.Context(lang="en") as c:
        t0 = c.time_of("2026-09-28") + 9 * 3600
        ca = gxca.CA.create(c, None, "SM2", ":memory:")
        yield c, ca, paid(make_org(c), t0), t0
