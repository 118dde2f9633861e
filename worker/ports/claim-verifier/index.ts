import { localClaimVerifier } from "./local";
import { remoteClaimVerifier } from "./remote";

export interface ClaimProof {
  proofUrl: string;
  ownerHandle: string;
  verificationCode: string;
  agentName: string;
}

export type ClaimVerdict = { ok: true; verifiedBy: "local" | "remote" } | { ok: false; reason: string };

/**
 * Decides whether a human's public post proves the claim.
 * @example
 * const verdict = await pickClaimVerifier("remote").verify({ proofUrl, ownerHandle, verificationCode, agentName });
 * if (!verdict.ok) throw badRequest(verdict.reason, "...");
 */
export interface ClaimVerifier {
  verify(proof: ClaimProof): Promise<ClaimVerdict>;
}

export function pickClaimVerifier(kind: "local" | "remote", fetcher: typeof fetch = fetch, hosts?: readonly string[]): ClaimVerifier {
  return kind === "remote" ? remoteClaimVerifier(fetcher, hosts) : localClaimVerifier;
}
