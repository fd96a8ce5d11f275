-- wrk script: every request submits one sealed bid (sealed beforehand, as a bidder's computer does) for a
-- (bidder token, notice) pair no other request uses. Lines: token TAB notice TAB device TAB envelope-json.
-- Each firm sends its own device id, so the one-firm-per-device check (koneps-rules §1.4) runs on every bid.
local pairs_file = os.getenv("JANGTER_BENCH_PAIRS")
local lines = {}
for line in io.lines(pairs_file) do lines[#lines + 1] = line end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  thread:set("nthreads", tonumber(os.getenv("JANGTER_BENCH_THREADS") or "2"))
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  idx = id
  created = 0
  refused = 0
  failed = 0
  wrapped = 0
end

function request()
  if idx >= #lines then wrapped = wrapped + 1 end
  local line = lines[(idx % #lines) + 1]
  idx = idx + nthreads
  local token, number, device, body = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)")
  return wrk.format("POST", "/api/v1/notices/" .. number .. "/bids",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
      ["X-Jangter-Device"] = device }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status < 500 then refused = refused + 1
  else failed = failed + 1 end
end

function done(summary, latency, requests)
  local c, r, f, w = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); r = r + t:get("refused"); f = f + t:get("failed"); w = w + t:get("wrapped")
  end
  io.write(string.format("JANGTER created=%d refused=%d failed=%d wrapped=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d errors_connect=%d errors_timeout=%d\n",
    c, r, f, w, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.timeout))
end
