-- GET of BENCH_PATH with the API key (list pages, constant endpoint).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
init = function(args)
  local key = os.getenv("BENCH_KEY")
  if key and #key > 0 then wrk.headers["Authorization"] = "Bearer " .. key end
end
request = function()
  return wrk.format("GET", os.getenv("BENCH_PATH"))
end
