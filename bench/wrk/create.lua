-- POST /v1/customers with a unique email per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local n = 0
local run = os.getenv("BENCH_RUN") or "0"
init = function(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  n = n + 1
  local body = string.format(
    '{"email":"bench-%s-%d@example.com","first_name":"Bench","last_name":"User%d","phone":"+1 415 555 %04d","tags":["bench"]}',
    run, n, n, n % 10000)
  return wrk.format("POST", "/v1/customers", nil, body)
end
