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

  it.each([
    "https://127.0.0.1/alice",
    "https://[::1]/alice",
    "https://169.254.169.254/latest/meta-data",
    "https://10.0.0.8/x",
    "https://localhost/x",
    "https://metadata.google.internal/x",
    "https://printer.local/x",
    "https://intranet/x",
    "https://evil.example/x.com",
    "https://x.com.evil.example/alice",
    "https://alice:pw@x.com/status/1",
    "https://x.com:8443/status/1",
    "not a url",
  ])("never fetches %s (SSRF: allowlisted public hosts only)", async (proofUrl) => {
    const seen: string[] = [];
    const verdict = await pickClaimVerifier("remote", fakeFetch(200, "reef-X4B2 alice", seen)).verify({ ...proof, proofUrl });
    expect(verdict.ok).toBe(false);
    expect(seen).toEqual([]);
  });

  it("allows subdomains of allowlisted hosts and an operator's own list, and follows no redirect", async () => {
    const seen: string[] = [];
    const v = pickClaimVerifier("remote", fakeFetch(200, "reef-X4B2 alice", seen));
    expect((await v.verify({ ...proof, proofUrl: "https://mobile.twitter.com/alice/status/1" })).ok).toBe(true);
    const custom = pickClaimVerifier("remote", fakeFetch(200, "reef-X4B2 alice", seen), ["proofs.example.org"]);
    expect((await custom.verify({ ...proof, proofUrl: "https://proofs.example.org/alice" })).ok).toBe(true);
    expect((await custom.verify(proof)).ok).toBe(false);
    expect(seen).toEqual(["https://mobile.twitter.com/alice/status/1", "https://proofs.example.org/alice"]);

    const modes: RequestInit["redirect"][] = [];
    const redirecting = pickClaimVerifier("remote", (async (_input: RequestInfo | URL, init?: RequestInit) => {
      modes.push(init?.redirect);
      return new Response(null, { status: 302, headers: { location: "http://169.254.169.254/" } });
    }) as typeof fetch);
    const verdict = await redirecting.verify(proof);
    expect(verdict).toEqual({ ok: false, reason: "The proof URL redirects; give the post's own address" });
    expect(modes).toEqual(["manual"]);
  });

  it("local verifier approves without the network", async () => {
    expect(await pickClaimVerifier("local", fakeFetch(500, "")).verify(proof)).toEqual({ ok: true, verifiedBy: "local" });
  });
});
