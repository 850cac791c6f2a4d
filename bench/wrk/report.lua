-- wrk script for bench/pages.py: requests as given on the command line (its
-- -H headers), and at the end one line of JSON the bench reads: requests,
-- duration, errors (status = answers that were not 2xx or 3xx) and latency
-- percentiles in microseconds.

done = function(summary, latency, requests)
  io.write(string.format(
    'KITH_WRK {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d,"stopped_early":0}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
