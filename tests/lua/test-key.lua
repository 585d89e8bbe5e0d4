-- Software keys.
local T = require "testlib"
local gxca = require "gxca"

T.test("sign and verify", function()
  local ctx = assert(gxca.new("en"))
  for _, alg in ipairs{"SM2", "EC_P256"} do
    local key <close> = assert(ctx:generate_key(alg))
    T.eq(key:algorithm(), alg)
    local sig = assert(key:sign("bid document"))
    assert(key:verify("bid document", sig))
    T.fails("GXCA_EBADSIG", key:verify("another document", sig))
    T.eq(key:public_der():byte(1), 0x30)
  end
  T.raises("unknown key algorithm", ctx.generate_key, ctx, "DSA")
end)

T.test("save and load", function()
  local ctx = assert(gxca.new("en"))
  local key = assert(ctx:generate_key("SM2"))
  local path = T.TMP .. "/key.pem"
  assert(key:save_pem(path, "秘密"))
  T.fails("GXCA_EEXISTS", key:save_pem(path))
  local again = assert(ctx:load_key_file(path, "秘密"))
  T.eq(again:public_der(), key:public_der())
  T.eq(assert(ctx:load_key(T.read(path), "秘密")):algorithm(), "SM2")
  local msg = T.fails("GXCA_ECRYPTO", ctx:load_key(T.read(path), "wrong"))
  assert(not msg:find("秘密"))
  T.eq((select(3, ctx:load_key("garbage"))) ~= nil, true)
  os.remove(path)
end)

T.done()
