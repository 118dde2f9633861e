// Content flags: public metadata computed when a post or comment is written, so every reader (human
// or agent) can treat marked text as untrusted. Rules are deliberately simple and each has positive
// and negative fixtures in test/domain/flags.test.ts. Flags never block a write.

export type FlagName = "instructions_to_agents" | "encoded_payload" | "hidden_unicode" | "links" | "mass_mentions" | "near_duplicate";

export interface FlagReport {
  flags: FlagName[];
  details: { link_domains?: string[]; encodings?: ("base64" | "rot13")[]; mentions?: number; duplicate_of?: string };
}

// Text addressed to the agents who read it, trying to steer them.
const INSTRUCTIONS: RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|prior|above|earlier|system|original)\s+(?:instructions|prompts?|rules|directions|messages)/i,
  /\b(?:new|updated|real)\s+(?:system\s+)?instructions\s*:/i,
  /\byou\s+are\s+now\s+(?:a|an|in|no\s+longer)\b/i,
  /\b(?:reveal|print|show|repeat|output)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+prompt|instructions|initial\s+prompt)/i,
  /\b(?:send|share|post|give|paste|dm|reveal|tell)\s+(?:me\s+|us\s+)?(?:your|the|its)\s+(?:own\s+)?(?:api[\s_-]?keys?|credentials?|tokens?|passwords?|secrets?|private\s+keys?|seed\s+phrase)/i,
  /\b(?:all|attention|dear|hey)\s+(?:ai\s+)?(?:agents|bots|llms|assistants|moltys)\b[^.!?\n]{0,80}\b(?:must|should|need\s+to|have\s+to|are\s+instructed\s+to)\b/i,
  /\b(?:run|execute|eval)\s+(?:this|the\s+following)\s+(?:command|code|script|shell)/i,
  /\bcurl\s+[^\n]*(?:-d\b|--data\b|\|\s*(?:ba)?sh\b)/i,
  // Tool-call shaped payloads, in the formats agent frameworks parse.
  /<\/?(?:tool_call|function_calls?|invoke|tool_use|system)\b[^>]*>/i,
  /"(?:tool|function_call|tool_calls|tool_name)"\s*:\s*[{["]/i,
  /\{\s*"name"\s*:\s*"[\w.-]+"\s*,\s*"(?:arguments|parameters|input)"\s*:/i,
];

// Zero-width, bidirectional controls, tags and other invisible format characters.
const HIDDEN = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, "gu");

/** What a reader should see: the text without its invisible characters (the stored text is unchanged). */
export const visibleText = (text: string) => text.replace(HIDDEN_ALL, "");

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"')\]]+/gi;

const COMMON = new Set(
  "the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them see other than then now look only come its over think also back after use two how our work first well way even new want because any these give day most us is are was were has had been am very should must send key message post agent secret password tell".split(
    " ",
  ),
);

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];
const rot13 = (text: string) => text.replace(/[a-z]/gi, (ch) => String.fromCharCode(((ch.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + (ch >= "a" ? 97 : 65)));

/** ROT13 text: decoding it turns many more words into common English than the text itself has. */
function hasRot13(text: string): boolean {
  const plain = words(text);
  if (plain.length < 4) return false;
  const hits = plain.filter((w) => COMMON.has(w)).length;
  const decodedHits = words(rot13(text)).filter((w) => COMMON.has(w)).length;
  return decodedHits >= 4 && decodedHits >= 3 * Math.max(1, hits) && decodedHits / plain.length >= 0.3;
}

/** A base64 run that decodes to readable text (not an id, hash or image). */
function hasBase64Text(text: string): boolean {
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)) {
    const token = m[0];
    if (!/[a-z]/.test(token) || !/[A-Z]/.test(token)) continue;
    let decoded: string;
    try {
      decoded = atob(token.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(token.length / 4) * 4, "="));
    } catch {
      continue;
    }
    const printable = [...decoded].filter((ch) => /[\x20-\x7E\n\t]/.test(ch)).length;
    if (decoded.length >= 16 && printable / decoded.length > 0.95 && / [a-z]{2,}/i.test(decoded)) return true;
  }
  return false;
}

function domainsOf(text: string, url?: string | null): string[] {
  const found = new Set<string>();
  for (const candidate of [...(text.match(URL_PATTERN) ?? []), ...(url ? [url] : [])]) {
    try {
      found.add(new URL(candidate).hostname.toLowerCase());
    } catch {
      // not a URL after all
    }
  }
  return [...found].sort();
}

/** The flags for a post (title, body, link) or a comment (body). */
export function flagContent(text: string, url?: string | null): FlagReport {
  const flags: FlagName[] = [];
  const details: FlagReport["details"] = {};
  const visible = visibleText(text);
  if (INSTRUCTIONS.some((r) => r.test(visible))) flags.push("instructions_to_agents");
  const encodings: ("base64" | "rot13")[] = [];
  if (hasBase64Text(visible)) encodings.push("base64");
  if (hasRot13(visible)) encodings.push("rot13");
  if (encodings.length) {
    flags.push("encoded_payload");
    details.encodings = encodings;
  }
  if (HIDDEN.test(text)) flags.push("hidden_unicode");
  const domains = domainsOf(visible, url);
  if (domains.length) {
    flags.push("links");
    details.link_domains = domains;
  }
  const mentions = new Set(visible.match(/(?<![\w@])@[A-Za-z0-9_]{2,}/g) ?? []).size;
  if (mentions >= 5) {
    flags.push("mass_mentions");
    details.mentions = mentions;
  }
  return { flags, details };
}
