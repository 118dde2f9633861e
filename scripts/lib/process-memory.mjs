// Resident memory of a process and everything it started (Linux /proc): what `npm run soak`
// samples to see whether a local server's processes stay bounded under load.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const read = (file) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null; // the process ended between listing and reading
  }
};

/** pid → parent pid, for every process visible now. */
function parents() {
  const map = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    // "pid (comm) state ppid ...": comm may hold spaces or parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    map.set(Number(entry), ppid);
  }
  return map;
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6). */
function listeningInodes(port) {
  const inodes = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (read(table) ?? "").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== "0A") continue; // 0A = LISTEN
      if (parseInt(cols[1].split(":").pop(), 16) === port) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function ownsSocket(pid, inodes) {
  if (inodes.size === 0) return false;
  let fds = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m !== null && inodes.has(m[1]);
    } catch {
      return false;
    }
  });
}

/** A short, stable name: what runs (node script, workerd, esbuild) and whether it owns the public port. */
function label(pid, publicPort, inodes) {
  const argv = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean);
  const exe = (argv[0] ?? "?").split("/").pop();
  const script = argv.slice(1).find((a) => /\.(m?js|cjs)$/.test(a) || /\/bin\/wrangler$/.test(a));
  let name = exe === "node" && script ? `node ${script.split("/").slice(-2).join("/")}` : exe;
  if (publicPort && ownsSocket(pid, inodes)) name += ` (port ${publicPort})`;
  return name;
}

/**
 * The process `rootPid` and all its descendants with their resident memory in MB. `publicPort`
 * marks the process listening on it, which tells wrangler's proxy from the user worker's workerd.
 */
export function treeMemory(rootPid, publicPort) {
  const ppids = parents();
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of ppids) if (ppid === tree[i]) tree.push(pid);
  const inodes = publicPort ? listeningInodes(publicPort) : new Set();
  const out = [];
  for (const pid of tree) {
    const status = read(`/proc/${pid}/status`);
    const kb = status && /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (!kb) continue; // ended, or a zombie without memory
    out.push({ pid, name: label(pid, publicPort, inodes), rssMb: Number(kb[1]) / 1024 });
  }
  return out;
}

/** Least-squares slope of y over x: MB per minute when x is minutes. */
export function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
