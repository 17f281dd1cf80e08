-- POST pre-signed webhooks from BENCH_HOOKS_FILE (one per line: path<TAB>topic<TAB>hmac<TAB>id<TAB>body),
-- each once; after the last one it starts again (redeliveries: answered "duplicate").
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local lines = {}
local n = 0
init = function(args)
  for line in io.lines(os.getenv("BENCH_HOOKS_FILE")) do lines[#lines + 1] = line end
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  n = n + 1
  local line = lines[((n - 1) % #lines) + 1]
  local path, topic, sig, id, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  return wrk.format("POST", path, {
    ["X-Shopify-Topic"] = topic,
    ["X-Shopify-Hmac-Sha256"] = sig,
    ["X-Shopify-Webhook-Id"] = id,
    ["Content-Type"] = "application/json",
  }, body)
end
