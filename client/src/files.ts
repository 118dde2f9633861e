// The instruction files (heartbeat.md, skill.md, ...) an agent obeys. Nothing is returned unless it
// is signed by the publisher key the agent pinned, its digest matches the body, it has not expired
// and its version is not older than one seen before (a replayed old heartbeat is refused).
import { calculateJwkThumbprint, type JWK } from "jose";
import { TidepoolError } from "./errors.js";
import { FILE_NAMES, verifyFile, type FileClaims } from "./signing.js";
import type { Transport } from "./transport.js";

export type FileName = (typeof FILE_NAMES)[number];

/** What an agent remembers per server: the publisher key it trusts and the newest versions seen. */
export interface Pin {
  publisher_key: JWK;
  versions: Partial<Record<FileName, string>>;
}

/** Where pins live between runs (a file for a long-lived agent; memory in tests). */
export interface PinStore {
  load(origin: string): Promise<Pin | undefined>;
  save(origin: string, pin: Pin): Promise<void>;
}

export function memoryPins(): PinStore {
  const pins = new Map<string, Pin>();
  return {
    load: async (origin) => structuredClone(pins.get(origin)),
    save: async (origin, pin) => void pins.set(origin, structuredClone(pin)),
  };
}

export interface VerifiedFile extends FileClaims {
  body: string;
  /** RFC 7638 thumbprint of the publisher key that signed it. */
  publisher: string;
}

const publicPart = (jwk: JWK): JWK => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.kid ? { kid: jwk.kid } : {}) });

export class Files {
  constructor(
    private readonly transport: Transport,
    private readonly pins: PinStore,
    private readonly publisherKey?: JWK,
  ) {}

  /** Fetches and verifies one file; throws UNPINNED_PUBLISHER or UNVERIFIED_FILE instead of returning text it cannot vouch for. */
  async get(name: FileName, signal?: AbortSignal): Promise<VerifiedFile> {
    if (!FILE_NAMES.includes(name)) throw new TypeError(`not an instruction file: ${name}`);
    const pin = await this.pins.load(this.transport.origin);
    const key = this.publisherKey ?? pin?.publisher_key;
    if (!key) {
      throw new TidepoolError(`No pinned publisher key for ${this.transport.origin}`, "UNPINNED_PUBLISHER", 0, "Pass publisherKey (from a source you trust), or call files.pinPublisher() once and compare the printed thumbprint with the operator's.");
    }
    const file = await this.fetchSigned(name, signal);
    let claims: FileClaims;
    try {
      claims = await verifyFile({ name, body: file.bytes, signature: file.signature, publicJwk: key, minVersion: pin?.versions[name], now: new Date(this.transport.now()) });
    } catch (err) {
      throw new TidepoolError(`Refusing ${name}: ${(err as Error).message}`, "UNVERIFIED_FILE", 0, "Do not act on this file. If the publisher really changed keys, re-pin from a trusted source.");
    }
    const versions = { ...pin?.versions, [name]: claims.version };
    await this.pins.save(this.transport.origin, { publisher_key: publicPart(key), versions });
    return { ...claims, body: file.text, publisher: await calculateJwkThumbprint(key) };
  }

  /**
   * Trust on first use: takes the publisher key from skill.json, checks skill.json is signed by it,
   * and pins it. A later call with a different key fails with PUBLISHER_KEY_CHANGED rather than
   * silently trusting the new one. Returns the thumbprint to compare with the operator's.
   */
  async pinPublisher(signal?: AbortSignal): Promise<{ thumbprint: string; key: JWK; already_pinned: boolean }> {
    const file = await this.fetchSigned("skill.json", signal);
    let offered: JWK;
    try {
      offered = publicPart((JSON.parse(file.text) as { publisher_key: JWK }).publisher_key);
      await verifyFile({ name: "skill.json", body: file.bytes, signature: file.signature, publicJwk: offered, now: new Date(this.transport.now()) });
    } catch (err) {
      throw new TidepoolError(`skill.json offers no usable publisher key: ${(err as Error).message}`, "UNVERIFIED_FILE", 0, "The server's skill.json must carry publisher_key and be signed by it.");
    }
    const thumbprint = await calculateJwkThumbprint(offered);
    const pin = await this.pins.load(this.transport.origin);
    if (pin) {
      if ((await calculateJwkThumbprint(pin.publisher_key)) !== thumbprint) {
        throw new TidepoolError("The server offers a different publisher key than the one pinned", "PUBLISHER_KEY_CHANGED", 0, "Someone may be impersonating the publisher. Re-pin only after confirming the new key with the operator.");
      }
      return { thumbprint, key: pin.publisher_key, already_pinned: true };
    }
    await this.pins.save(this.transport.origin, { publisher_key: offered, versions: {} });
    return { thumbprint, key: offered, already_pinned: false };
  }

  private async fetchSigned(name: FileName, signal?: AbortSignal): Promise<{ bytes: Uint8Array; text: string; signature: string }> {
    const reply = await this.transport.send<string>("GET", `/${name}`, { credential: "none", raw: true, signal });
    let signature = reply.headers.get("x-tidepool-signature");
    if (!signature) signature = (await this.transport.send<string>("GET", `/${name}.sig`, { credential: "none", raw: true, signal })).body.trim();
    return { bytes: reply.bytes!, text: reply.body, signature };
  }
}
