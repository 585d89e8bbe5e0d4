-- The PKI part of the demo path: a CA, certificates, a seal image, an
-- electronic seal and signature, revocation and a CRL, an envelope, login.
local T = require "testlib"
local gxca = require "gxca"

local ctx = assert(gxca.new("en"))
local t0 = ctx:time_of("2026-09-28") + 9 * 3600
local ca = assert(ctx:ca_create(nil, "SM2", ":memory:"))

-- A fresh paid ORG form (a form's lines bound how many certificates it gets).
local function paid_org()
  return T.paid(T.make_org(ctx), t0)
end

local function issue(alg, t)
  local key = assert(ctx:generate_key(alg or "SM2"))
  local cert = assert(ca:issue(paid_org(), {request = assert(key:csr("/C=CN/CN=x")), now = t}))
  return key, cert
end

T.test("issue and verify", function()
  local chain = assert(ca:chain())
  T.eq(#chain, 2); T.eq(chain[1]:usage(), "CA")
  local key, cert = issue("SM2", t0 + 600)
  T.eq(cert:uscc(), "91320600MA1MX2K79C"); T.eq(cert:id_number(), nil)
  T.eq(cert:subject_field("CN"), "南通示例建设工程有限公司")
  T.eq(cert:issuer(), chain[1]:subject()); T.eq(cert:key_algorithm(), "SM2")
  T.eq(cert:public_der(), key:public_der())
  local nb, na = cert:validity(); assert(nb < na)
  assert(cert:verify(chain, nil, t0 + 3600))
  local _, name = select(2, cert:verify({}, nil, t0 + 3600))
  assert(name == "GXCA_ECERT_UNKNOWN_ISSUER" or name == "GXCA_ECERT_CHAIN", name)
  T.eq(assert(ctx:cert_from_pem(cert:to_pem())):serial(), cert:serial())
  T.eq(assert(ctx:cert_from_der(cert:to_der())):serial(), cert:serial())
  local got = assert(ctx:cert_chain_from_pem(chain[1]:to_pem() .. chain[2]:to_pem()))
  T.eq(#got, 2); T.eq(got[2]:serial(), chain[2]:serial())
  local rec = assert(ca:status(cert:serial()))
  T.eq(rec.status, "VALID"); T.eq(rec.business, "NEW"); T.eq(rec.cert:serial(), cert:serial())
  local found = false
  for _, r in ipairs(ca:list(rec.application_id)) do found = found or r.serial == cert:serial() end
  assert(found)
  T.fails("GXCA_ECERT_PARSE", ctx:cert_from_der("\48\3garbage"))
  T.fails("GXCA_ENOTFOUND", ca:status("ABCDEF"))
  T.raises("table expected", ca.issue, ca, paid_org(), nil)
  T.raises("unknown usage", ca.issue, ca, paid_org(), {request = "x", usage = "BOTH"})
  T.raises("gxca.application expected", ca.issue, ca, cert, {request = "x"})
  -- argument tables are read raw: a metamethod closing the certificate
  -- half-way through the call is never run (it was a use after free)
  local sneaky = setmetatable({}, {__len = function() return 1 end,
                                   __index = function() cert:close(); return chain[1] end})
  local _, name2 = select(2, cert:verify(sneaky, nil, t0 + 3600))
  assert(name2 == "GXCA_ECERT_UNKNOWN_ISSUER" or name2 == "GXCA_ECERT_CHAIN", name2)
  T.eq(cert:serial(), rec.cert:serial()) -- still open
  -- metatables are locked: __close cannot be swapped to outlive the context
  T.eq(getmetatable(cert), "gxca.cert")
  T.raises("index a string", function() getmetatable(cert).__close = function() end end)
end)

T.test("a batch: all or none", function()
  local app = paid_org()
  local k1, k2 = assert(ctx:generate_key("SM2")), assert(ctx:generate_key("EC_P256"))
  local _, _, name, field = ca:issue_batch({{app = app, request = k1:public_der()}, {app = app, request = "junk"}})
  T.eq(name, "GXCA_ECA_REQUEST"); T.eq(field, "requests[1].request")
  T.eq(#ca:list(app:id()), 0)
  local certs = assert(ca:issue_batch({{app = app, request = k1:public_der(), now = t0 + 60},
                                       {app = app, request = k2:public_der(), token_serial = "TK2"}}))
  T.eq(#certs, 2); T.eq(certs[1]:key_algorithm(), "SM2"); T.eq(certs[2]:key_algorithm(), "EC_P256")
  T.eq(assert(ca:status(certs[2]:serial())).token_serial, "TK2")
  T.eq(#ca:list(app:id()), 2)
  T.raises("1 to 1024", ca.issue_batch, ca, {})
end)

T.test("an unpaid form gets no certificate", function()
  local app = assert(ctx:application("PERSON"))
  local key = assert(ctx:generate_key("EC_P256"))
  T.fails("GXCA_ECA_APP_STATE", ca:issue(app, {request = key:public_der()}))
end)

local function on_white(rgba)
  return (rgba:gsub("(.)(.)(.)(.)", function(r, g, b, a)
    a = a:byte()
    local function mix(c) return string.char((c:byte() * a + 255 * (255 - a)) // 255) end
    return mix(r) .. mix(g) .. mix(b) .. "\255"
  end))
end

T.test("seal image", function()
  local spec = assert(ctx:seal_spec("ORG_ROUND_42"))
  assert(spec:set_text("name", "南通示例建设工程有限公司"))
  T.eq(spec:preset(), "ORG_ROUND_42"); T.eq(spec:param("width"), 42.0)
  assert(spec:set_dpi(150))
  local img = assert(spec:render())
  local w, h, dpi = img:size()
  T.eq(w, math.floor(42 * 150 / 25.4 + 0.5)); T.eq(h, w); T.eq(dpi, 150)
  local back = assert(ctx:image_from_png(img:to_png()))
  T.eq(back:pixels(), img:pixels())
  local scan = assert(ctx:image(w, h, 150))
  assert(scan:set_pixels(on_white(img:pixels())))
  local stamp = assert(scan:extract_stamp())
  assert(select(1, stamp:size()) <= w)
  T.fails("GXCA_ESEAL_PNG", ctx:image_from_png("not a png"))
  T.fails("GXCA_ESEAL_NO_INK", assert(ctx:image(50, 50)):extract_stamp())
  T.fails("GXCA_EINVAL", assert(ctx:seal_spec("PERSON_SQUARE_20")):render())
  T.fails("GXCA_ERANGE", spec:set_param("width", -1))
  T.raises("unknown seal preset", ctx.seal_spec, ctx, "HEXAGON")
  T.raises("wrong length", scan.set_pixels, scan, "x")
end)

local function make_seal(t)
  local key, cert = issue("SM2", t)
  local mkey, mcert = issue("SM2", t + 1)
  local spec = assert(ctx:seal_spec("ORG_ROUND_42"))
  assert(spec:set_text("name", "南通示例建设工程有限公司"))
  local seal = assert(ctx:eseal())
  assert(seal:set_vid("GXCA")); assert(seal:set_id("32060000000001")); assert(seal:set_type(1))
  assert(seal:set_name("南通示例建设工程有限公司公章")); assert(seal:add_cert(cert))
  assert(seal:set_validity(t, t, t + 365 * 86400))
  assert(seal:set_picture(assert(assert(spec:render()):to_png()), 42, 42))
  assert(seal:sign(mkey, mcert))
  return seal, key, cert
end

T.test("electronic seal and signature", function()
  local seal, key, cert = make_seal(t0 + 700)
  local info = seal:info()
  T.eq(info.version, 4); T.eq(info.certs[1], cert:to_der()); T.eq(info.picture_width, 42)
  local der = assert(seal:to_der())
  T.eq(gxca.eseal_kind(der), "SEAL")
  local parsed = assert(ctx:eseal_parse(der))
  T.eq(parsed:to_der(), der)
  local r = assert(parsed:verify{at = t0 + 3600, anchors = ca:chain()})
  T.eq(r.ok, true); T.eq(#r.failed, 0); assert(r.checks["maker-chain"])
  r = assert(parsed:verify{at = t0 + 2 * 366 * 86400})
  T.eq(r.code, "GXCA_EESEAL_SEAL_EXPIRED"); T.eq(r.failed[1], "seal-validity")
  T.eq(r.checks["seal-validity"].status, "GXCA_EESEAL_SEAL_EXPIRED")
  T.fails("GXCA_ESTATE", seal:set_name("again"))
  local bid = "%PDF-1.7 bid document"
  local sig = assert(ctx:esign())
  assert(sig:set_seal(parsed)); assert(sig:set_data(bid)); assert(sig:set_time(t0 + 3600))
  assert(sig:sign(key, cert))
  local sder = assert(sig:to_der())
  T.eq(gxca.eseal_kind(sder), "SIGNATURE")
  local back = assert(ctx:esign_parse(sder))
  T.eq(back:seal():to_der(), der); T.eq(back:info().signer_cert, cert:to_der())
  T.eq(back:info().time, t0 + 3600)
  r = assert(back:verify{data = bid, anchors = ca:chain()[1]:to_pem() .. ca:chain()[2]:to_pem()})
  T.eq(r.ok, true)
  r = assert(back:verify{data = bid .. "x"})
  T.eq(r.code, "GXCA_EESEAL_DATA_MISMATCH")
  T.fails("GXCA_EESEAL_MALFORMED", ctx:esign_parse(der))
  local s2 = assert(ctx:esign())
  assert(s2:set_seal(parsed)); assert(s2:set_data(bid))
  T.fails("GXCA_EESEAL_KEY_MISMATCH", s2:sign(assert(ctx:generate_key("SM2")), cert))
end)

T.test("revocation and CRL", function()
  local _, cert = issue("SM2", t0 + 800)
  local chain = ca:chain()
  assert(ca:revoke_request(cert:serial(), "keyCompromise", t0 + 850, t0 + 900))
  assert(ca:revoke_approve(cert:serial(), t0 + 1000))
  local rec = ca:status(cert:serial())
  T.eq(rec.reason, "keyCompromise"); T.eq(rec.request_deadline, t0 + 850 + 8 * 3600)
  assert(ca:revoke(cert:serial(), nil, t0 + 1100))
  T.fails("GXCA_ECA_REVOKED", ca:revoke(cert:serial(), "keyCompromise", t0 + 1200))
  local crl = assert(ca:crl(t0 + 1300))
  assert(crl:verify(chain[1])); assert(crl:info().number >= 1)
  local reason, at = crl:find(cert:serial():lower())
  T.eq(reason, "keyCompromise"); T.eq(at, t0 + 1100)
  T.eq(crl:find("01"), false)
  T.eq(assert(ctx:crl_from_pem(crl:to_pem())):to_der(), crl:to_der())
  local msg, code, field, why = select(2, cert:verify(chain, crl, t0 + 1400))
  T.eq(code, "GXCA_ECERT_REVOKED"); T.eq(why, "keyCompromise")
  T.raises("unknown revocation reason", ca.revoke, ca, cert:serial(), "lost")
end)

T.test("envelope and login", function()
  local k1, c1 = issue("EC_P256", t0 + 900)
  local k2, c2 = issue("EC_P256", t0 + 901)
  local bid = T.TMP .. "/bid.pdf"
  local f = assert(io.open(bid, "wb")); f:write("%PDF-1.7 ", string.rep("x", 100000)); f:close()
  local env = assert(ctx:envelope())
  assert(env:add_recipient(c1)); assert(env:add_recipient(c2:to_pem()))
  T.eq(#env, 2)
  assert(env:encrypt_file(bid, bid .. ".p7m"))
  for i, pair in ipairs{{k1, c1}, {k2, c2}} do
    local out = T.TMP .. "/open" .. i
    assert(pair[1]:decrypt_file(pair[2], bid .. ".p7m", out))
    T.eq(T.read(out), T.read(bid))
  end
  local k3, c3 = issue("EC_P256", t0 + 902)
  T.fails("GXCA_EENVELOPE_NOT_RECIPIENT", k3:decrypt_file(c3, bid .. ".p7m", T.TMP .. "/x"))
  T.fails("GXCA_ESTATE", assert(ctx:envelope()):encrypt_file(bid, T.TMP .. "/y"))
  T.raises("unknown cipher", env.set_cipher, env, "ROT13")
  assert(env:set_cipher("SM4-CBC"))

  local store = assert(ctx:nonce_store())
  local server = assert(ctx:login_server(ctx:policy("platform_code"), store))
  for _, c in ipairs(ca:chain()) do assert(server:add_trust(c)) end
  assert(server:set_role_cb(function(serial) return "MASTER" end))
  local now = t0 + 3600
  local response = assert(k1:login_respond(c1, assert(server:challenge(now)), "056"))
  local who = assert(server:verify(response, now + 5))
  T.eq(who.number, "91320600MA1MX2K79C"); T.eq(who.kind, "ORG"); T.eq(who.role, "MASTER")
  T.eq(who.serial, c1:serial()); T.eq(#store, 1)
  T.fails("GXCA_ELOGIN_REPLAY", server:verify(response, now + 6))
  assert(server:set_role_cb(function() error("registry down") end))
  response = assert(k1:login_respond(c1, server:challenge(now)))
  T.fails("GXCA_EUSER", server:verify(response, now + 1))
  assert(server:set_role_cb(function() return "CAPTAIN" end))
  response = assert(k1:login_respond(c1, server:challenge(now)))
  T.fails("GXCA_EUSER", server:verify(response, now + 1))
  -- a callback cannot close what the running call uses (a use after free),
  -- nor verify again on the same server
  for _, victim in ipairs{store, server, ctx} do
    assert(server:set_role_cb(function() victim:close(); return "MASTER" end))
    response = assert(k1:login_respond(c1, server:challenge(now)))
    T.fails("GXCA_EUSER", server:verify(response, now + 1))
  end
  assert(server:set_role_cb(function() return server:verify(response, now + 1) end))
  response = assert(k1:login_respond(c1, server:challenge(now)))
  T.fails("GXCA_EUSER", server:verify(response, now + 1))
  T.eq(#store, 1); T.eq(ctx:lang(), "en") -- all still open
  assert(server:set_role_cb(nil))
  assert(server:set_revocation_cb(function(issuer, serial) return serial == c1:serial() end))
  response = assert(k1:login_respond(c1, server:challenge(now)))
  T.fails("GXCA_ELOGIN_REVOKED", server:verify(response, now + 1))
  T.fails("GXCA_ELOGIN_PLATFORM", k1:login_respond(c1, server:challenge(now), "999"))
  store:close()
  T.raises("nonce store is closed", server.verify, server, response, now)
  T.raises("request", ca.issue, ca, T.paid(T.make_org(ctx), t0), {})
end)

T.done()
