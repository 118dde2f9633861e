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

/** Fetches the public proof post and checks it carries the verification code and names the owner. */
export function remoteClaimVerifier(fetcher: typeof fetch): ClaimVerifier {
  return {
    async verify({ proofUrl, ownerHandle, verificationCode }) {
      const url = new URL(proofUrl);
      if (url.protocol !== "https:") return { ok: false, reason: "The proof URL must use https" };
      let res: Response;
      try {
        res = await fetcher(url.toString(), {
          headers: { accept: "text/html,text/plain,application/json" },
          redirect: "follow",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch {
        return { ok: false, reason: "The proof URL could not be fetched" };
      }
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
