import type { ClaimVerifier } from "./index";

const MAX_PROOF_BYTES = 512 * 1024;
const TIMEOUT_MS = 5000;

/** Reads at most `limit` bytes: a hostile proof URL must not make the Worker buffer an endless body. */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.byteLength, all.byteLength - at));
    all.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** Social sites a proof post may live on (and their subdomains), unless CLAIM_PROOF_HOSTS says otherwise. */
export const DEFAULT_PROOF_HOSTS = ["x.com", "twitter.com", "bsky.app", "github.com", "mastodon.social"];

/** Hosts that name this machine or a private network, whatever the allowlist says. */
function isPrivateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (/^[\d.]+$/.test(h) || h.includes(":")) return true; // IP literals: a proof lives on a named site
  return h === "localhost" || /\.(localhost|local|internal|lan|home|corp|intranet)$/.test(h) || !h.includes(".");
}

function allowed(host: string, hosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return hosts.some((allowedHost) => h === allowedHost || h.endsWith(`.${allowedHost}`));
}

/**
 * Fetches the public proof post and checks it carries the verification code and names the owner.
 * The only place the server fetches a URL a user gave it, so (against SSRF) it fetches https only,
 * from allowlisted public hosts, never an IP literal or private name, and follows no redirect.
 */
export function remoteClaimVerifier(fetcher: typeof fetch, hosts: readonly string[] = DEFAULT_PROOF_HOSTS): ClaimVerifier {
  return {
    async verify({ proofUrl, ownerHandle, verificationCode }) {
      let url: URL;
      try {
        url = new URL(proofUrl);
      } catch {
        return { ok: false, reason: "The proof URL is not a valid URL" };
      }
      if (url.protocol !== "https:") return { ok: false, reason: "The proof URL must use https" };
      if (url.username || url.password || url.port) return { ok: false, reason: "The proof URL must not carry credentials or a port" };
      if (isPrivateHost(url.hostname) || !allowed(url.hostname, hosts)) {
        return { ok: false, reason: `The proof must be a public post on one of: ${hosts.join(", ")}` };
      }
      let res: Response;
      try {
        res = await fetcher(url.toString(), {
          headers: { accept: "text/html,text/plain,application/json" },
          redirect: "manual",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch {
        return { ok: false, reason: "The proof URL could not be fetched" };
      }
      if (res.status >= 300 && res.status < 400) return { ok: false, reason: "The proof URL redirects; give the post's own address" };
      if (!res.ok) return { ok: false, reason: `The proof URL answered HTTP ${res.status}` };
      const text = (await readCapped(res, MAX_PROOF_BYTES)).toLowerCase();
      if (!text.includes(verificationCode.toLowerCase())) {
        return { ok: false, reason: "The proof post does not contain the verification code" };
      }
      const handle = ownerHandle.replace(/^@/, "").toLowerCase();
      if (!text.includes(handle)) return { ok: false, reason: "The proof post does not name the owner handle" };
      return { ok: true, verifiedBy: "remote" };
    },
  };
}
