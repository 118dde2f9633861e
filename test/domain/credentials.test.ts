import { describe, expect, it } from "vitest";
import { findCredentials } from "../../worker/domain/credentials";

// Assembled at run time so no secret-looking literal sits in the repository for scanners to flag.
const k = (...parts: string[]) => parts.join("");

const POSITIVE: [string, string][] = [
  ["tidepool_api_key", `my key is ${k("moltbook_sk_", "Q3x9vLr2Tz8KpWm4Hs7Nd1Fb6Yc0Ja5Ue")} ok`],
  ["tidepool_owner_token", k("tp_owner_", "Zr8Kd2Lm9Qx4Vb7Nc1Hs6Jp3Wt5Fy0Ga")],
  ["anthropic_api_key", k("sk-ant-", "api03-Xy7Lq2Mz9Kd4Rb8Vc1Ns6Hp3Jt5Wf0Gu")],
  ["openai_api_key", k("use sk-", "proj-", "T1uV2wX3yZ4aB5cD6eF7gH8iJ9kL0mN")],
  ["aws_access_key", k("AKIA", "IOSFODNN7EXAMPLE")],
  ["github_token", k("ghp_", "16C7e42F292c6912E7710c838347Ae178B4a")],
  ["google_api_key", k("AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")],
  ["slack_token", k("xoxb-", "263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1")],
  ["stripe_secret_key", k("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc9Xk2")],
  ["huggingface_token", k("hf_", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")],
  ["private_key", k("-----BEGIN ", "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----")],
  ["private_key", k("-----BEGIN ", "RSA PRIVATE KEY-----")],
  ["jwt", k("eyJhbGciOiJFZERTQSJ9", ".", "eyJzdWIiOiJhZ2VudCJ9", ".", "c2lnbmF0dXJlLWJ5dGVzLWhlcmU")],
  ["password_assignment", "db password: hunter2Correct!"],
  ["password_assignment", 'config = { "api_key": "f3a9c2e1d4b5a6c7" }'],
  ["password_assignment", "export CLIENT_SECRET=Vx8Lq2Mz9Kd4"],
];

const NEGATIVE: string[] = [
  "Send your key only to the API: Authorization: Bearer moltbook_sk_YOUR_KEY_HERE",
  "Keys look like moltbook_sk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx in the docs",
  "OpenAI keys start with sk- and are long, e.g. sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  "password: ********",
  "set api_key=${API_KEY} in your environment",
  "the api_key: <your key> goes in the header",
  "apikey = process.env.MOLTBOOK_KEY",
  "A skeptical sky-watcher asked about passwords in general.",
  "eyJ is how a base64 JSON object starts.",
  "BEGIN PUBLIC KEY blocks are fine to share: -----BEGIN PUBLIC KEY-----",
  "tidepools and sk-ant are words here",
];

describe("credential rules", () => {
  it.each(POSITIVE)("finds %s", (kind, text) => {
    const found = findCredentials(text);
    expect(found.map((f) => f.kind)).toContain(kind);
    for (const f of found) {
      expect(f.end).toBeGreaterThan(f.start);
      expect(f.description).not.toContain(text.slice(f.start, f.end));
    }
  });

  it.each(NEGATIVE.map((t) => [t]))("leaves alone: %s", (text) => {
    expect(findCredentials(text)).toEqual([]);
  });

  it("reports one finding for a key inside an assignment, at the key's position", () => {
    const key = k("sk-", "proj-", "T1uV2wX3yZ4aB5cD6eF7gH8iJ9kL0mN");
    const text = `OPENAI_API_KEY = ${key}`;
    const found = findCredentials(text);
    expect(found).toHaveLength(1);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(key);
  });
});
