-- Present a different seeded session token on every request, so lookups spread over the table.
-- Arguments after `--`: the tokens file ("-": send no cookies at all, as a health probe does);
-- the rest of the Cookie header ("-" for none): Flask's own cookie, as a browser that has loaded
-- a page holds and sends it with every request; then optionally "htmx" and the HX-Current-URL
-- to send, as htmx does for a real swap.
local tokens = {}
local headers = {}
local other_cookies = ""
local next_token = 0

function init(args)
  if args[1] ~= "-" then
    for line in io.lines(args[1]) do
      tokens[#tokens + 1] = line
    end
  end
  if args[2] ~= "-" then
    other_cookies = "; " .. args[2]
  end
  if args[3] == "htmx" then
    headers["HX-Request"] = "true"
    headers["HX-Current-URL"] = args[4]
  end
end

function request()
  if #tokens > 0 then
    next_token = next_token % #tokens + 1
    headers["Cookie"] = "session_token=" .. tokens[next_token] .. other_cookies
  end
  return wrk.format(nil, nil, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
