// The public port of `npm run dev`: a small HTTP proxy in the launcher's own Node process in front
// of workerd, so that workerd can be restarted (after a code change, or when its memory passes a
// bound) without a client seeing a refused connection or a cut response. While held, new requests
// wait at the door; the ones already inside finish first; then the runtime is swapped and the queue
// goes through. State lives on disk, so a restarted workerd answers exactly as the old one would.
import http from "node:http";

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "transfer-encoding"]);

// What only the edge may set: a client-sent client address is not trusted.
const EDGE_SET = new Set([...HOP_BY_HOP, "cf-connecting-ip"]);

/** rawHeaders minus the `dropped` ones, as [name, value, name, value, …]. */
function without(rawHeaders, dropped) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!dropped.has(rawHeaders[i].toLowerCase())) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

/** An error answered by the door itself, in the API's error shape. */
function answer(res, status, error, hint) {
  const body = JSON.stringify({ success: false, error, hint });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const EDGE_BODY_LIMIT = 100 * 1024 * 1024;

function unavailable(res, err) {
  if (res.headersSent) return res.destroy(err);
  answer(res, 502, "The local Worker runtime did not answer", `${err.code ?? err.message}; npm run dev's output says why. The request may or may not have been carried out.`);
}

/**
 * Listens on host:port and forwards each request to `target()` (a URL read per request, so a
 * restarted runtime on another port takes over at once). `hold(fn)` runs fn with no request inside.
 * @example
 * const door = await openFrontDoor({ host: "127.0.0.1", port: 8787, target: () => runtimeUrl });
 * await door.hold(() => restartRuntime());
 */
export async function openFrontDoor({ host, port, target }) {
  // A connection per request to workerd: with pooled ones the door, as workerd's client, now and then
  // reused a socket workerd was closing (ECONNRESET, a 502 for a write the benchmark had sent; 4-40
  // per run). A loopback connection costs far less than a request.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  let inside = 0;
  let held = null; // a promise while a hold runs
  let emptied = null;

  const server = http.createServer(async (req, res) => {
    // workerd's own handler triggers (the local cron) are for the launcher, never for clients.
    if (req.url?.startsWith("/cdn-cgi/")) return answer(res, 404, "Not found", "/cdn-cgi/ paths belong to the runtime, not to clients.");
    // Cloudflare's edge answers 413 itself past 100 MB (Free and Pro plans); so does the door.
    if (Number(req.headers["content-length"] ?? 0) > EDGE_BODY_LIMIT) {
      res.once("finish", () => req.destroy());
      return answer(res, 413, "Request body too large", "Cloudflare's edge refuses bodies over 100 MB before they reach the Worker.");
    }
    while (held) await held;
    inside++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (--inside === 0) emptied?.();
    };
    res.once("close", leave);

    const url = target();
    // The client's address as Cloudflare's edge would give it.
    const headers = without(req.rawHeaders, EDGE_SET);
    headers.push("CF-Connecting-IP", (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""));
    if (req.headers["transfer-encoding"]) headers.push("Transfer-Encoding", req.headers["transfer-encoding"]);

    const upstream = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, without(answer.rawHeaders, HOP_BY_HOP));
      answer.pipe(res);
      answer.once("error", (err) => res.destroy(err));
    });
    upstream.once("error", (err) => unavailable(res, err));
    req.once("error", () => upstream.destroy());
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  // Idle connections outlive the client's own idle timeout (undici 4 s, curl and Python reuse at
  // once), so the client is the side that closes them: a server closing one just as the client
  // sends on it is a reset the client cannot tell from a crash (2 in a 12-minute soak on workerd's
  // own listener).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    /** Waits for the requests inside to finish (at most `drainMs`), runs fn, then lets the queue in. */
    async hold(fn, drainMs = 30_000) {
      while (held) await held;
      let release;
      held = new Promise((r) => (release = r));
      try {
        if (inside > 0) {
          await new Promise((resolve) => {
            emptied = resolve;
            setTimeout(resolve, drainMs).unref();
          });
          emptied = null;
        }
        return await fn();
      } finally {
        held = null;
        release();
      }
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
