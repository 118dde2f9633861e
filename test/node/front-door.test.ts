// npm run dev's front door against two stand-in runtimes: a hold lets the requests inside finish,
// keeps new ones waiting instead of refusing them, and sends them to whichever runtime the target
// names once the hold ends; headers cross as Cloudflare's edge would pass them.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFrontDoor } from "../../scripts/lib/front-door.mjs";

const PORT = 8799;
const base = `http://127.0.0.1:${PORT}`;

interface Seen {
  runtime: string;
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** What the stand-in runtimes answered, in order, and what the test did between. */
const events: string[] = [];

/** A stand-in runtime: echoes what it received; `/slow` answers after 400 ms. */
async function runtime(name: string, seen: Seen[]): Promise<{ server: Server; url: URL }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ runtime: name, method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const answer = () => {
        res.writeHead(201, { "content-type": "application/json", "x-runtime": name, connection: "close" });
        res.end(JSON.stringify({ runtime: name, body }));
        events.push(`${name} answered ${req.url}`);
      };
      if (req.url === "/slow") setTimeout(answer, 400);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

/** node:http rather than fetch, which refuses to send hop-by-hop headers at all. */
function send(path: string, method: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.once("error", reject);
    req.end(body);
  });
}

const seen: Seen[] = [];
let first: { server: Server; url: URL };
let second: { server: Server; url: URL };
let current: URL;
let door: Awaited<ReturnType<typeof openFrontDoor>>;

beforeAll(async () => {
  first = await runtime("first", seen);
  second = await runtime("second", seen);
  current = first.url;
  door = await openFrontDoor({ host: "127.0.0.1", port: PORT, target: () => current });
});

afterAll(async () => {
  await door?.close();
  for (const r of [first, second]) await new Promise((done) => r?.server.close(done));
});

describe("front door", () => {
  it("passes method, path, body and end-to-end headers; sets CF-Connecting-IP itself", async () => {
    const res = await send(
      "/api/v1/posts?x=1",
      "POST",
      { "content-type": "application/json", "x-custom": "kept", "cf-connecting-ip": "203.0.113.9", "keep-alive": "timeout=99" },
      JSON.stringify({ title: "through the door" }),
    );
    expect(res.status).toBe(201);
    expect(res.headers["x-runtime"]).toBe("first");
    // The runtime's "connection: close" is about its own socket, not the client's.
    expect(res.headers["connection"]).not.toBe("close");
    expect(JSON.parse(res.text)).toEqual({ runtime: "first", body: '{"title":"through the door"}' });
    const got = seen.at(-1)!;
    expect(got.method).toBe("POST");
    expect(got.url).toBe("/api/v1/posts?x=1");
    expect(got.headers["x-custom"]).toBe("kept");
    expect(got.headers["host"]).toBe(`127.0.0.1:${PORT}`);
    // A client cannot claim another address; hop-by-hop headers stay on their own connection.
    expect(got.headers["cf-connecting-ip"]).toBe("127.0.0.1");
    expect(got.headers["keep-alive"]).toBeUndefined();
  });

  it("answers 413 itself, as Cloudflare's edge does, for a body over 100 MB, without reaching the runtime", async () => {
    const before = seen.length;
    const head = await new Promise<string>((resolve, reject) => {
      // A raw socket: the client announces 200 MB and sends a little of it, as a slow uploader would.
      const socket = connect(PORT, "127.0.0.1", () => socket.write("POST /api/v1/agents/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n{\"name\":"));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("close", () => resolve(text));
      socket.on("error", (err) => (text ? resolve(text) : reject(err)));
    });
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large");
    expect(head).toContain('"error":"Request body too large"');
    expect(seen.length).toBe(before);
  });

  it("refuses workerd's handler triggers (/cdn-cgi/…): only the launcher's own cron calls them", async () => {
    const before = seen.length;
    const res = await send("/cdn-cgi/handler/scheduled?cron=*+*+*+*+*", "GET", {}, "");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ success: false, error: "Not found" });
    expect(seen.length).toBe(before);
  });

  it("a hold waits for the requests inside, queues new ones, then serves them from the new target", async () => {
    const slow = fetch(`${base}/slow`);
    await new Promise((r) => setTimeout(r, 100)); // the slow request is inside
    let queued: Promise<Response> | undefined;
    await door.hold(async () => {
      events.push("hold began");
      // A request arriving now waits at the door rather than being refused.
      queued = fetch(`${base}/after`);
      await new Promise((r) => setTimeout(r, 200));
      current = second.url;
      events.push("hold ended");
    });
    const [a, b] = await Promise.all([slow, queued!]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await a.json()).runtime).toBe("first");
    expect((await b.json()).runtime).toBe("second");
    expect(events.slice(-4)).toEqual(["first answered /slow", "hold began", "hold ended", "second answered /after"]);
    expect(seen.filter((s) => s.url === "/after").map((s) => s.runtime)).toEqual(["second"]);
  });

  it("answers 502 as JSON, not a dropped connection, when the runtime is gone", async () => {
    current = new URL("http://127.0.0.1:1");
    const res = await fetch(`${base}/anything`);
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.success).toBe(false);
    expect(body.error).toMatch(/did not answer/);
    expect(body.hint).toMatch(/ECONNREFUSED/);
    current = first.url;
  });
});
