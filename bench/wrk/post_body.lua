-- POST the same JSON body to BENCH_PATH (the bare endpoint that only reads the body).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local body = ""
init = function(args)
  local f = io.open(os.getenv("BENCH_BODY_FILE"), "r")
  body = f:read("*a")
  f:close()
end
request = function()
  return wrk.format("POST", os.getenv("BENCH_PATH"), {["Content-Type"] = "application/json"}, body)
end
