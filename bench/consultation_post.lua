-- wrk script for bench/run.py: POST the consultation form, one pre-built body per request.
-- args: <file with one urlencoded body per line> <number of threads> <Cookie header value>
-- Each body carries its own signed form token (a second use of a token is a repeat, not a
-- new request), so every successful POST must store exactly one row. Success is the
-- redirect to the confirmation page; anything else counts as failed.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  local n = 0
  local nthreads = tonumber(args[2])
  for line in io.lines(args[1]) do
    if n % nthreads == id - 1 then
      table.insert(bodies, line)
    end
    n = n + 1
  end
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = args[3],
  }
  next_body = 1
  stored = 0
  failed = 0
  exhausted = 0
  failures = {}  -- status code -> count, for the answers that were not the confirmation
end

function request()
  local body = bodies[next_body]
  if body == nil then
    exhausted = exhausted + 1
    body = bodies[#bodies]
  end
  next_body = next_body + 1
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == 302 and headers["Location"] == "/consultation/thanks/" then
    stored = stored + 1
  else
    failed = failed + 1
    failures[status] = (failures[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local s, f, e, by_status = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    s = s + t:get("stored")
    f = f + t:get("failed")
    e = e + t:get("exhausted")
    for status, count in pairs(t:get("failures")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  io.write(string.format("POSTS stored=%d failed=%d exhausted=%d\n", s, f, e))
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format("%d=%d", status, count))
  end
  table.sort(parts)
  io.write("POSTS failed by status: " .. (#parts > 0 and table.concat(parts, " ") or "none") .. "\n")
end
