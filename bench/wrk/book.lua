-- wrk script for bench/pages.py: booking a visit. Each line of the file given
-- after "--" is one booking, "path<TAB>cookie<TAB>form body", all different
-- and free when the bench wrote them; the second argument is the number of
-- wrk threads. Thread n sends lines n, n + threads, ... once each, then
-- stops (the bench writes more lines than a run can send, and fails if a
-- thread ran out). The JSON line at the end is report.lua's, plus the
-- answers counted by status.

local threads = {}
local made = 0

function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

function init(args)
  local step = tonumber(args[2])
  lines = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % step == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(lines, { path = path, cookie = cookie, body = body })
    end
    i = i + 1
  end
  line_count = #lines
  next_line = 0
  redirects = 0
  others = 0
  ran_out = 0
end

function request()
  next_line = next_line + 1
  local line = lines[next_line]
  if line == nil then
    ran_out = 1
    line = lines[#lines]
  end
  return wrk.format("POST", line.path, {
    ["Host"] = wrk.headers["Host"],
    ["Cookie"] = line.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, line.body)
end

function response(status, headers, body)
  if status == 302 then
    redirects = redirects + 1
  else
    others = others + 1
  end
  if next_line >= #lines then
    ran_out = 1
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local redirected, other, stopped, sent = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + math.min(thread:get("next_line"), thread:get("line_count"))
    redirected = redirected + thread:get("redirects")
    other = other + thread:get("others")
    stopped = stopped + thread:get("ran_out")
  end
  io.write(string.format(
    'KITH_WRK {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d,' ..
    '"sent":%d,"redirects":%d,"other_answers":%d,"stopped_early":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, sent, redirected, other, stopped))
end
