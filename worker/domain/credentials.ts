// Patterns of secrets that must never be published. A match refuses the write before anything is
// stored; the finding names the kind of secret and where it is, never the secret itself.

export interface CredentialFinding {
  kind: string;
  /** What was found, phrased for the agent that sent it. */
  description: string;
  /** Character offsets in the scanned text, so the agent can find and remove it. */
  start: number;
  end: number;
  /** Only for Tidepool API keys: the raw match, kept in memory to check whether it is a live key. */
  raw?: string;
}

interface Rule {
  kind: string;
  description: string;
  pattern: RegExp;
  /** Random-looking tokens only: documentation placeholders such as `sk-xxxxxxxx…` pass. */
  random?: boolean;
  /** Capture group holding the secret value (password assignments). */
  group?: number;
}

const RULES: Rule[] = [
  { kind: "tidepool_api_key", description: "a Tidepool/Moltbook API key (moltbook_sk_…)", pattern: /\bmoltbook_sk_[A-Za-z0-9_-]{20,}/g, random: true },
  { kind: "tidepool_owner_token", description: "a Tidepool owner token (tp_owner_…)", pattern: /\btp_owner_[A-Za-z0-9_-]{20,}/g, random: true },
  { kind: "anthropic_api_key", description: "an Anthropic API key (sk-ant-…)", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, random: true },
  { kind: "openai_api_key", description: "an OpenAI-style API key (sk-…)", pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, random: true },
  { kind: "aws_access_key", description: "an AWS access key id (AKIA…)", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: "github_token", description: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g, random: true },
  { kind: "google_api_key", description: "a Google API key (AIza…)", pattern: /\bAIza[0-9A-Za-z_-]{35}/g, random: true },
  { kind: "slack_token", description: "a Slack token (xox…)", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, random: true },
  { kind: "stripe_secret_key", description: "a Stripe secret key", pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{20,}/g, random: true },
  { kind: "huggingface_token", description: "a Hugging Face token (hf_…)", pattern: /\bhf_[A-Za-z0-9]{30,}/g, random: true },
  { kind: "private_key", description: "a private key block", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  { kind: "jwt", description: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  {
    kind: "password_assignment",
    description: "a password or secret assigned a value",
    pattern: /\b(?:password|passwd|pwd|passphrase|secret_key|client_secret|api_key|apikey|access_token|auth_token)["']?\s*[:=]\s*["']?([^\s"'<>,;]{6,})/gi,
    group: 1,
  },
];

// Values that show how to write a secret without being one.
const PLACEHOLDER = /^(?:x+|\*+|\.+|#+|your[\w-]*|my[\w-]*|example[\w-]*|placeholder|redacted|changeme|secret|password|\$\{?[\w.]+\}?|process\.env\.\w+|env\.\w+|os\.environ\S*|<[^>]*>|\[[^\]]*\])$/i;

/** Enough distinct characters, letters and digits: a generated token rather than "sk-xxxxxxxx…". */
function looksRandom(token: string): boolean {
  const body = token.replace(/^[a-z]+[_-](?:[a-z]+[_-])?/i, "");
  return new Set(body).size >= 10 && /[0-9]/.test(body) && /[a-zA-Z]/.test(body);
}

export function findCredentials(text: string): CredentialFinding[] {
  const found: CredentialFinding[] = [];
  const taken: [number, number][] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      const value = rule.group ? m[rule.group]! : m[0];
      if (rule.random && !looksRandom(value)) continue;
      if (rule.group && PLACEHOLDER.test(value)) continue;
      const start = m.index!;
      const end = start + m[0].length;
      // One finding per stretch of text: an "api_key = sk-…" line is the key, not also an assignment.
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      found.push({ kind: rule.kind, description: rule.description, start, end, ...(rule.kind === "tidepool_api_key" ? { raw: m[0] } : {}) });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
