// The benchmark's workloads and the autocannon runner that measures one of them.
import autocannon from "autocannon";
import { percentile } from "./server.mjs";

// Names the seed gives (scripts/seed.mjs): index 0 is the largest submolt / most active agent.
export const seededAgent = (i, seed) => `seed_${i.toString(36)}_${seed}`;
export const seededSubmolt = (i, seed) => `seed${i.toString(36)}s${seed}`.slice(0, 24);

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Cycles through a list, one item per call. */
export function cycle(list) {
  let n = 0;
  return () => list[n++ % list.length];
}

/**
 * Runs one workload: `connections` concurrent clients for `duration` seconds (or `amount` requests).
 * `next()` returns {method, path, headers?, body?} for each request. Latency is taken from every
 * unmetered response at sub-millisecond resolution; D1 statements and calls from the server's X-Tidepool-D1-* headers
 * (PostgreSQL statements from X-Tidepool-Pg-Statements), Gate calls from X-Tidepool-Gate-Calls,
 * and D1's rows read and written from every METER_EVERY-th request, which asks the server to meter
 * them (it runs drizzle's reads a second time to learn their rows, so not every request is metered).
 */
export const METER_EVERY = 10;
export async function measure(base, spec) {
  const raw = newRaw();
  await collect(base, spec, raw);
  return summarize(raw);
}

/**
 * Runs several workloads in turn, `slices` times each for duration ÷ slices seconds, and reports each
 * over all its slices: two workloads compared this way meet the machine in the same states (its pace
 * drifts by a third over a run here), where one after the other they need not.
 * @example
 * const [health, me] = await measureInterleaved(base, [healthSpec, meSpec], { connections: 10, duration: 10, slices: 5 });
 */
export async function measureInterleaved(base, specs, { connections, duration, slices }) {
  const raws = specs.map(() => newRaw());
  for (let i = 0; i < slices; i++) {
    for (const [j, spec] of specs.entries()) await collect(base, { ...spec, connections, duration: duration / slices }, raws[j]);
  }
  return raws.map(summarize);
}

function newRaw() {
  return { latencies: [], meteredLatencies: [], statuses: {}, errors: 0, seconds: 0, counted: { statements: [], calls: [], "auth-calls": [], "rows-read": [], "rows-written": [], "gate-calls": [] } };
}

/** One autocannon run of a workload, its responses added to `raw`. */
async function collect(base, { next, connections, duration, amount, onBody }, raw) {
  const { latencies, meteredLatencies, statuses, counted } = raw;
  // A metered request runs its reads twice (see above): production never does, so the percentiles
  // leave those responses out; they still count in the throughput.
  let metered = false;
  let sent = 0;
  const started = performance.now();
  const instance = autocannon({
    url: base,
    connections,
    ...(amount ? { amount } : { duration }),
    requests: [
      {
        setupRequest: (req) => {
          const r = next();
          const headers = { ...(r.body ? { "content-type": "application/json" } : {}), ...(sent++ % METER_EVERY === 0 ? { "x-tidepool-meter": "rows" } : {}), ...(r.headers ?? {}) };
          return { ...req, method: r.method ?? "GET", path: r.path, headers, body: r.body ? JSON.stringify(r.body) : undefined };
        },
        onResponse: (status, body, _context, headers) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          // autocannon calls this just before the response event of the same response.
          metered = Object.keys(headers ?? {}).some((k) => k.toLowerCase() === "x-tidepool-d1-rows-read");
          for (const [k, v] of Object.entries(headers ?? {})) {
            // On PostgreSQL the server counts statements only (X-Tidepool-Pg-Statements).
            const m = /^x-tidepool-(?:d1-(statements|calls|auth-calls|rows-read|rows-written)|pg-(statements)|(gate-calls))$/i.exec(k);
            if (m) counted[(m[1] ?? m[2] ?? m[3]).toLowerCase()].push(Number(v));
          }
          if (onBody) onBody(status, body);
        },
      },
    ],
  });
  instance.on("response", (_client, _status, _bytes, ms) => (metered ? meteredLatencies : latencies).push(ms));
  const result = await instance;
  raw.seconds += (performance.now() - started) / 1000;
  raw.errors += result.errors;
}

function summarize({ latencies, meteredLatencies, statuses, errors, seconds, counted }) {
  const ok = Object.entries(statuses).reduce((n, [s, c]) => n + (s < 300 ? c : 0), 0);
  const requests = latencies.length + meteredLatencies.length;
  return {
    requests,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: requests - ok + errors,
    // The metered responses' own median, for the record.
    p50Metered: meteredLatencies.length ? percentile(meteredLatencies, 50) : null,
    statuses,
    statements: mean(counted.statements),
    calls: mean(counted.calls),
    // Keyed requests only: the part of `calls` authentication made (none for a warm credential).
    authCalls: mean(counted["auth-calls"]),
    rowsRead: mean(counted["rows-read"]),
    rowsWritten: mean(counted["rows-written"]),
    // Durable Object calls to the rate Gate before the response (X-Tidepool-Gate-Calls).
    gateCalls: mean(counted["gate-calls"]),
  };
}
