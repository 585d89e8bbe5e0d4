-- The demo path of `gxca demo` (tools/cmd-demo.c), domain part: one ORG by
-- mail and one PERSON on site through validation, checklist, mail package,
-- quote and the whole workflow, saved and reloaded as JSON.
local T = require "testlib"
local gxca = require "gxca"

local make_org, make_person = T.make_org, T.make_person

local function mail_package(ctx, app, name, t0)
  local cl <close> = assert(ctx:checklist(app:applicant(), "NEW", nil, app:by_proxy()))
  local pkg = assert(cl:mail_package(name))
  local scans = {}
  for _, item in ipairs(cl:items()) do
    if item.PHYSICAL then
      T.fails("GXCA_EMATERIAL_PHYSICAL", pkg:add_scan(item.material, "scan.pdf", "%PDF"))
    else
      assert(pkg:add_scan(item.material, "scan.pdf", "%PDF-1.4\n% scan of " .. item.material .. "\n%%EOF\n"))
      scans[#scans + 1] = item.material
    end
  end
  T.eq(cl:check(scans).ok, true, "all scanned materials")
  T.eq(pkg:filename(), name .. ".zip")
  local zip = assert(pkg:build(t0))
  T.eq(zip:sub(1, 4), "PK\3\4", "zip magic")
  local path = assert(pkg:write(t0, T.TMP))
  T.eq(path, T.TMP .. "/" .. pkg:filename())
  T.eq(T.read(path), zip, "written archive")
  pkg:close()
end

local function quote(ctx, app)
  local q <close> = assert(ctx:quote())
  for _, line in ipairs(app:lines()) do
    assert(q:add_order(app:applicant(), line.business, line.count, line.years))
  end
  local sum = 0
  for i = 1, #q do sum = sum + q:line(i).amount_fen end
  T.eq(q:total(), sum, "total")
  assert(q:to_json():find('"total_fen"', 1, true))
  return q:lines()
end

local function workflow(app, channel, t0)
  local h = 3600
  assert(app:submit(channel, "applicant", t0))
  assert(app:approve("reviewer", t0 + h))
  assert(app:request_payment("reviewer", t0 + 2 * h))
  assert(app:mark_paid("applicant", t0 + 3 * h))
  assert(app:mark_issued("operator", t0 + 4 * h))
  assert(app:deliver("operator", t0 + 5 * h, channel == "MAIL" and "SF1234567890" or nil))
  T.eq(app:state(), "DELIVERED"); T.eq(app:channel(), channel)
  local hist = app:history()
  T.eq(#hist, 6); T.eq(hist[1].state, "SUBMITTED"); T.eq(hist[1].note, channel)
  T.eq(hist[6].state, "DELIVERED"); T.eq(app:paid_at(), t0 + 3 * h)
  assert(app:invoice_due() > "2026-10-07")
end

T.test("ORG by mail", function()
  local ctx = assert(gxca.new("en"))
  local t0 = ctx:time_of("2026-09-28") + 9 * 3600 + 1800
  local app = make_org(ctx)
  local r = assert(app:validate())
  T.eq(r.ok, true, "valid"); T.eq(r.errors, 0)
  mail_package(ctx, app, "南通示例建设工程有限公司", t0)
  local lines = quote(ctx, app)
  T.eq(lines[1].item, "CERT"); T.eq(lines[1].quantity, 2); T.eq(lines[1].years, 4)
  T.eq(lines[2].item, "SEAL")
  workflow(app, "MAIL", t0)
  T.eq(app:tracking_no(), "SF1234567890")
  assert(app:mail_due() > "2026-10-01")
  local json = assert(app:to_json())
  local again = assert(ctx:application_from_json(json))
  T.eq(again:to_json(), json, "JSON round trip"); T.eq(again:id(), app:id())
  T.fails("GXCA_ESTATE", again:set("org_name", "x"))
end)

T.test("PERSON on site", function()
  local ctx = assert(gxca.new("en"))
  local t0 = ctx:time_of("2026-09-28") + 9 * 3600 + 1800
  local app = make_person(ctx)
  T.eq(app:id_type(), "RESIDENT_ID"); T.eq(app:collected("best_signature"), 2)
  T.eq(app:validate().ok, true)
  mail_package(ctx, app, "陈静", t0)
  quote(ctx, app)
  workflow(app, "ONSITE", t0)
  T.eq(app:tracking_no(), "")
  T.fails("GXCA_ESTATE", app:mail_due())
end)

T.test("an invalid form is reported whole", function()
  local ctx = assert(gxca.new("en"))
  local app = assert(ctx:application_from_json(T.read(T.DATA .. "/app-invalid.json")))
  local r = assert(app:validate())
  T.eq(r.ok, false); T.eq(r.code, "GXCA_EINVALID"); assert(r.errors >= 5)
  local fields = {}
  for _, p in ipairs(r) do fields[p.field] = true end
  assert(fields.org_name and fields.uscc and fields.agent_mobile and fields.invoice_email)
  T.eq(app:last_report(), nil)
  T.fails("GXCA_EINVALID", app:submit("MAIL", "applicant", 1790559000))
  T.eq(app:last_report().errors, r.errors)
  T.eq(app:state(), "DRAFT")
end)

T.test("rejection and resubmission", function()
  local ctx = assert(gxca.new("en"))
  local t0 = ctx:time_of("2026-09-28") + 9 * 3600
  local app = make_org(ctx)
  assert(app:submit("MAIL", "李明", t0))
  T.fails("GXCA_EAPP_TRANSITION", app:mark_paid("staff", t0 + 60))
  assert(app:reject("staff-017", t0 + 60, "营业执照复印件未加盖公章"))
  T.eq(app:history()[2].note, "营业执照复印件未加盖公章")
  assert(app:set("org_phone", "0513-81000001"))
  T.fails("GXCA_EAPP_TIME", app:submit("MAIL", "李明", t0))
  assert(app:submit("MAIL", "李明", t0 + 120))
end)

T.test("application fields and lines", function()
  local ctx = assert(gxca.new("en"))
  local app = assert(ctx:application("PERSON"))
  assert(app:id():find("^GX")); T.eq(app:get("platform"), "056"); T.eq(app:state(), "DRAFT")
  local _, field = T.fails("GXCA_EAPP_FIELD", app:set("org_name", "x"))
  assert(#field > 0)
  T.raises("unknown field", app.set, app, "no_such_field", "x")
  T.fails("GXCA_ETOOBIG", app:set("person_name", string.rep("x", 600)))
  assert(app:set_by_proxy(true)); T.eq(app:by_proxy(), true)
  assert(app:add_line("CHANGE", 1, 0, {"NAME"}))
  local l = app:lines()[1]
  T.eq(l.business, "CHANGE"); T.eq(l.changes[1], "NAME"); T.eq(#l.changes, 1)
  T.raises("unknown change kind", app.add_line, app, "CHANGE", 1, 0, {"COLOUR"})
  assert(app:clear_lines()); T.eq(#app:lines(), 0)
  T.eq(app:id_type(), nil)
  assert(app:set_id_type("OTHER")); T.eq(app:id_type(), "OTHER")
  for _, name in ipairs{"app-org.json", "app-person.json"} do
    local a = assert(ctx:application_from_json(T.read(T.DATA .. "/" .. name)))
    T.eq(assert(ctx:application_from_json(a:to_json())):to_json(), a:to_json(), name)
  end
  local _, f = T.fails("GXCA_EJSON", ctx:application_from_json('{"schema": "gxca-application/1", "kind": 7}'))
  assert(f:find("^%$"))
end)

T.test("checklists and quotes refuse what they must", function()
  local ctx = assert(gxca.new("en"))
  local cl = assert(ctx:checklist("ORG", "CHANGE", {"NAME"}))
  local mats = {}
  for i = 1, #cl do mats[i] = cl:item(i).material end
  T.eq(cl:check({}).code, "GXCA_EMATERIAL_MISSING")
  mats[#mats + 1] = 99
  T.eq(cl:check(mats).code, "GXCA_EMATERIAL_UNKNOWN")
  assert(cl:warning("en") ~= cl:warning("zh"))
  T.raises("no such item", cl.item, cl, 0)
  T.fails("GXCA_EINVAL", ctx:checklist("ORG", "CHANGE"))
  T.eq(assert(ctx:checklist("PERSON", "NEW")):warning("en"), nil)
  local pcl = assert(ctx:checklist("PERSON", "NEW"))
  local pkg = assert(pcl:mail_package("陈静"))
  T.fails("GXCA_EMATERIAL_MISSING", pkg:build(1790559000))
  T.fails("GXCA_EINVAL", pkg:add_scan("LICENSE_COPY", "a.pdf", "x"))
  T.fails("GXCA_EINVAL", pcl:mail_package(""))
  local q = assert(ctx:quote())
  T.fails("GXCA_ETARIFF_NOT_OFFERED", q:add("PERSON", "CHANGE", "CERT", 1))
  T.eq(#q, 0); T.eq(q:total(), 0)
  T.raises("no such line", q.line, q, 1)
end)

T.done()
