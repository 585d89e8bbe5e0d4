-- Tokens on SoftHSM2 (run.sh makes the store): the demo's master and
-- secondary tokens — PIN change, keys, certificates, role, seal, a bid file
-- encrypted to both and opened by each, unlock.
local T = require "testlib"
local gxca = require "gxca"

local module_path = os.getenv("GXCA_TEST_P11")
if not module_path or module_path == "" then
  print("1..0 # SKIP SoftHSM2 is not installed")
  os.exit(0)
end
local PIN, SO_PIN, NEW_PIN = "123456", "12345678", "24681357"

local ctx = assert(gxca.new("en"))
local mod = assert(ctx:token_module(module_path))

local function ready(label)
  local tok = assert(mod:open(label))
  assert(tok:login(PIN))
  assert(tok:info().flags.PIN_MUST_CHANGE)
  T.fails("GXCA_ETOKEN_PIN_MUST_CHANGE", tok:keygen("EC_P256", "sign", "\1"))
  T.fails("GXCA_ETOKEN_PIN_POLICY", tok:change_pin(PIN, PIN))
  assert(tok:change_pin(PIN, NEW_PIN))
  assert(tok:keygen("EC_P256", "sign", "\1"))
  return tok
end

T.test("tokens through the demo", function()
  local labels = {}
  for _, t in ipairs(mod:tokens()) do
    if t.flags.INITIALIZED then labels[#labels + 1] = t.label end
  end
  table.sort(labels)
  T.eq(table.concat(labels, ","), "master,secondary")
  T.fails("GXCA_ETOKEN_NOT_FOUND", mod:open("nowhere"))
  local t0 = ctx:time_of("2026-09-28") + 9 * 3600
  local ca = assert(ctx:ca_create(nil, "SM2"))
  local app = T.paid(T.make_org(ctx), t0)
  local toks, keys, certs = {}, {}, {}
  for i, role in ipairs{"MASTER", "SECONDARY"} do
    local tok = ready(role:lower())
    local key = assert(tok:get_key(nil, "\1"))
    T.eq(key:algorithm(), "EC_P256")
    local serial = tok:info().serial
    local cert = assert(ca:issue(app, {request = assert(key:csr("/C=CN/CN=x")),
                                       token_serial = serial, now = t0 + 600}))
    assert(tok:store_cert(cert, "sign"))
    T.eq(tok:find_cert(nil, "\1"), cert:to_der())
    T.eq(tok:find_cert("none"), false)
    assert(tok:set_role(role)); T.eq(tok:role(), role)
    assert(key:verify("bid", assert(tok:sign(key, "bid"))))
    T.eq(ca:status(cert:serial()).token_serial, serial)
    toks[i], keys[i], certs[i] = tok, key, cert
  end
  local seal = "0\3\2\1\4" -- eseal bytes; the token does not parse them
  assert(toks[1]:store_seal(seal))
  T.eq(toks[1]:read_seal(), seal); T.eq(toks[2]:read_seal(), false)
  T.fails("GXCA_ETOKEN_SEAL_SECONDARY", toks[2]:store_seal(seal))

  local bid = T.TMP .. "/token-bid.pdf"
  local f = assert(io.open(bid, "wb")); f:write("%PDF-1.7 ", string.rep("y", 50000)); f:close()
  local env = assert(ctx:envelope())
  for _, c in ipairs(certs) do assert(env:add_recipient(c)) end
  assert(env:encrypt_file(bid, bid .. ".p7m"))
  for i = 1, 2 do
    local out = T.TMP .. "/token-open" .. i
    assert(keys[i]:decrypt_file(certs[i], bid .. ".p7m", out))
    T.eq(T.read(out), T.read(bid))
  end

  T.fails("GXCA_ETOKEN_BUSY", toks[1]:logout())
  for _, k in ipairs(keys) do k:close() end
  assert(toks[1]:logout())
  local msg, code = select(2, toks[1]:login("000000"))
  assert(code == "GXCA_ETOKEN_PIN_INCORRECT" or code == "GXCA_ETOKEN_PIN_COUNT_LOW", code)
  assert(not msg:find("000000"))
  assert(toks[1]:unlock(SO_PIN, NEW_PIN))
  assert(toks[1]:login(NEW_PIN))
end)

T.done()
