// What `npm run soak` reads of a server's processes: each one's resident memory, and which owns the port.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { slope, treeMemory } from "../../scripts/lib/process-memory.mjs";

// A child that holds 64 MB of touched memory and listens on a port it prints.
const child = spawn(
  process.execPath,
  ["-e", "const b = Buffer.alloc(64 * 1024 * 1024, 1); const s = require('node:http').createServer(() => {}).listen(0, '127.0.0.1', () => console.log(s.address().port)); setInterval(() => b[0]++, 1000);"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
afterAll(() => void child.kill());

describe("process memory sampling", () => {
  it("finds every process below the root with its RSS, and names the one listening on the port", async () => {
    const [line] = await once(child.stdout!, "data");
    const port = Number(String(line).trim());
    const tree = treeMemory(process.pid, port);
    expect(tree[0]).toMatchObject({ pid: process.pid });
    const held = tree.find((p) => p.pid === child.pid);
    expect(held?.rssMb).toBeGreaterThan(60);
    expect(held?.name).toBe(`node (port ${port})`);
    expect(tree.filter((p) => p.name.includes(`(port ${port})`))).toHaveLength(1);
  });

  it("reads a trend as MB per minute by least squares", () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 100 + 2 * x })))).toBeCloseTo(2, 10);
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: x % 2 ? 110 : 90 })))).toBeCloseTo(4, 10);
    expect(slope([{ x: 5, y: 300 }])).toBe(0);
  });
});
