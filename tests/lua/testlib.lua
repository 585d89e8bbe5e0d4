-- tests/lua/testlib.lua — a tiny test runner: T.test(name, fn), T.done().
local T = {failed = 0, run = 0}

function T.test(name, fn)
  T.run = T.run + 1
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    print("ok " .. T.run .. " - " .. name)
  else
    T.failed = T.failed + 1
    print("not ok " .. T.run .. " - " .. name)
    print("# " .. tostring(err):gsub("\n", "\n# "))
  end
end

function T.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end

-- A call that must fail the expected way: nil, message, code_name, field.
function T.fails(code, ...)
  local v, msg, name, field = ...
  if v ~= nil or name ~= code then
    error(string.format("want nil, msg, %s; got %s, %s, %s", code, tostring(v), tostring(msg),
                        tostring(name)), 2)
  end
  assert(type(msg) == "string" and #msg > 0, "no message")
  return msg, field
end

-- A call that must raise (misuse).
function T.raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("no error raised", 2) end
  if pattern and not tostring(err):find(pattern) then
    error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2)
  end
end

function T.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- The demo's forms (tools/cmd-demo.c fills in the same values).
local ORG = {
  org_name = "南通示例建设工程有限公司", uscc = "91320600MA1MX2K79C",
  reg_province = "江苏省", reg_city = "南通市", reg_county = "崇川区",
  legal_rep_name = "王建国", org_phone = "0513-81000000", agent_name = "李明",
  agent_id_number = "320602198807150023", agent_mobile = "13912345678",
  invoice_email = "invoice@example.com", return_address = "南通市崇川区工农南路150号",
  form_date = "2026-09-28",
}
local PERSON = {
  person_name = "陈静", id_type = "RESIDENT_ID", id_number = "320602198807150023",
  person_phone = "13800001111", agent_name = "陈静", agent_id_number = "320602198807150023",
  agent_mobile = "13800001111", invoice_email = "chenjing@example.com",
  return_address = "南通市通州区碧华路197号", form_date = "2026-09-28",
}

local function fill(ctx, kind, fields)
  local app = assert(ctx:application(kind))
  for k, v in pairs(fields) do assert(app:set(k, v)) end
  return app
end

function T.make_org(ctx)
  local app = fill(ctx, "ORG", ORG)
  assert(app:add_line("NEW", 2, 4))
  assert(app:set_collected("official_seal", 2))
  assert(app:set_collected("legal_rep_seal", 1))
  assert(app:set_collected("legal_rep_signature", 1))
  assert(app:set_consent(true))
  return app
end

function T.make_person(ctx)
  local app = fill(ctx, "PERSON", PERSON)
  assert(app:add_line("NEW", 1, 1))
  assert(app:set_collected("signatures", 3))
  assert(app:set_collected("best_signature", 2))
  assert(app:set_consent(true))
  return app
end

-- Take a valid application to PAID (what issuance requires).
function T.paid(app, t)
  assert(app:submit("MAIL", "applicant", t))
  assert(app:approve("reviewer", t + 60))
  assert(app:request_payment("reviewer", t + 120))
  assert(app:mark_paid("applicant", t + 180))
  return app
end

function T.done()
  print(string.format("1..%d", T.run))
  os.exit(T.failed == 0 and 0 or 1, true) -- close the state: every __gc runs
end

T.DATA = os.getenv("GXCA_TEST_DATA") or "tests/data"
T.TMP = os.getenv("GXCA_TEST_TMP") or "/tmp"
return T
