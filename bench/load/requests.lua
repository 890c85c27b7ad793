-- wrk script for bench/load/load.py: POSTs the lines of an NDJSON file to one policy's evaluate
-- endpoint, with every tenth request malformed in one of five ways, and counts the answers by
-- status and by kind (decisions, an input's error line, a refused request).
-- Arguments (after `--`): POLICY NDJSON_FILE
counts = {}  -- global: done() reads each thread's with thread:get
local requests = {}
local n = 0
local threads = {}

local malformed = {
  -- text that is not JSON: answered 200 with the input's error line
  function(policy) return wrk.format("POST", "/v1/policies/" .. policy .. "/evaluate",
    {["Content-Type"] = "application/json"}, "{oops") end,
  -- a record without its fields: 200 with the input's error line
  function(policy) return wrk.format("POST", "/v1/policies/" .. policy .. "/evaluate",
    {["Content-Type"] = "application/json"}, '{"case": {}}') end,
  -- an unknown policy: 404
  function(policy) return wrk.format("POST", "/v1/policies/no.such.policy/evaluate",
    {["Content-Type"] = "application/json"}, '{"case": {}}') end,
  -- a body that is not JSON by its type: 415
  function(policy) return wrk.format("POST", "/v1/policies/" .. policy .. "/evaluate",
    {["Content-Type"] = "text/plain"}, "hello") end,
  -- a bad query parameter: 400
  function(policy) return wrk.format("POST", "/v1/policies/" .. policy .. "/evaluate?explain=maybe",
    {["Content-Type"] = "application/json"}, '{"case": {}}') end,
}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local policy, file = args[1], args[2]
  local lines = {}
  for line in io.lines(file) do
    if line:match("%S") then table.insert(lines, line) end
  end
  local k = 0
  for i, line in ipairs(lines) do
    if i % 10 == 0 then
      k = k + 1
      table.insert(requests, malformed[(k - 1) % #malformed + 1](policy))
    else
      table.insert(requests, wrk.format("POST", "/v1/policies/" .. policy .. "/evaluate",
        {["Content-Type"] = "application/json"}, line))
    end
  end
  n = math.random(#requests) - 1
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function response(status, headers, body)
  local kind
  if status == 200 then
    kind = body:sub(1, 9) == '{"error":' and "200 input error" or "200 decisions"
  else
    kind = tostring(status)
  end
  counts[kind] = (counts[kind] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do all[k] = (all[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(all) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "p999_us": %d, ' ..
    '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"answers": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, table.concat(parts, ", ")))
end
