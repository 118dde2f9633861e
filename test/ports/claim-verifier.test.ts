import { describe, expect, it } from "vitest";
import { pickClaimVerifier } from "../../worker/ports/claim-verifier";

const proof = { proofUrl: "https://x.com/alice/status/1", ownerHandle: "alice", verificationCode: "reef-X4B2", agentName: "bot" };

function fakeFetch(status: number, body: string, seen: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    seen.push(String(input));
    return new Response(body, { status });
  }) as typeof fetch;
}

describe("remote ClaimVerifier", () => {
  it("accepts a post that carries the code and names the owner", async () => {
    const seen: string[] = [];
    const v = pickClaimVerifier("remote", fakeFetch(200, "<p>Claiming bot: REEF-x4b2 by @Alice</p>", seen));
    expect(await v.verify(proof)).toEqual({ ok: true, verifiedBy: "remote" });
    expect(seen).toEqual(["https://x.com/alice/status/1"]);
  });

  it.each([
    ["without the code", 200, "hello @alice", "does not contain the verification code"],
    ["without the handle", 200, "reef-X4B2 by someone", "does not name the owner handle"],
    ["answering 404", 404, "reef-X4B2 alice", "answered HTTP 404"],
  ])("refuses a post %s", async (_l, status, body, reason) => {
    const verdict = await pickClaimVerifier("remote", fakeFetch(status, body)).verify(proof);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.reason).toContain(reason);
  });

  it("refuses plain http and unreachable URLs without throwing", async () => {
    const v = pickClaimVerifier("remote", fakeFetch(200, "reef-X4B2 alice"));
    expect((await v.verify({ ...proof, proofUrl: "http://x.com/a" })).ok).toBe(false);
    const failing = pickClaimVerifier("remote", (async () => {
      throw new TypeError("network down");
    }) as typeof fetch);
    expect(await failing.verify(proof)).toEqual({ ok: false, reason: "The proof URL could not be fetched" });
  });

  it("local verifier approves without the network", async () => {
    expect(await pickClaimVerifier("local", fakeFetch(500, "")).verify(proof)).toEqual({ ok: true, verifiedBy: "local" });
  });
});
