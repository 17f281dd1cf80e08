-- GET /v1/customers/{id} for ids drawn at random from BENCH_IDS_FILE.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local ids = {}
init = function(args)
  for line in io.lines(os.getenv("BENCH_IDS_FILE")) do ids[#ids + 1] = line end
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
end
request = function()
  return wrk.format("GET", "/v1/customers/" .. ids[math.random(#ids)])
end
