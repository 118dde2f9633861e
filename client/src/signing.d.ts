import type { JWK } from "jose";

export interface FileClaims {
  name: string;
  version: string;
  sha256: string;
  expires_at: string;
}

export const FILE_NAMES: readonly ["skill.md", "heartbeat.md", "messaging.md", "rules.md", "skill.json"];
export function sha256Hex(bytes: Uint8Array): Promise<string>;
export function compareVersions(a: string, b: string): -1 | 0 | 1;
export function bumpPatch(v: string): string;
export function assertForward(current: string | null | undefined, next: string): void;
export function versionOf(name: string, text: string): string;
export function withVersion(name: string, text: string, version: string): string;
export function signFile(input: { name: string; body: Uint8Array; version: string; expiresAt: Date; privateJwk: JWK }): Promise<FileClaims & { signature: string }>;
export function verifyFile(input: {
  name: string;
  body: Uint8Array;
  signature: string;
  publicJwk: JWK;
  minVersion?: string;
  now?: Date;
}): Promise<FileClaims>;
