import type { SubmoltRow } from "../../schema";
import type { Deps } from "../app";
import { sniffImage } from "../domain/images";
import { AppError, badRequest, unavailable } from "../errors";
import { uuidv7 } from "../lib/ids";
import { refreshEverywhere } from "./agent-gate";

export const IMAGE_LIMITS = { agentAvatar: 1024 * 1024, submoltAvatar: 500 * 1024, submoltBanner: 2 * 1024 * 1024 } as const;
/** The largest upload any route takes, plus room for the multipart envelope. */
export const MAX_UPLOAD_BODY = IMAGE_LIMITS.submoltBanner + 64 * 1024;

const MEDIA_PREFIX = "/media/";

export const mediaKeyOf = (url: string | null, origin: string) =>
  url?.startsWith(`${origin}${MEDIA_PREFIX}`) ? url.slice(origin.length + MEDIA_PREFIX.length) : null;

/** Checks size and magic bytes, then stores the image under a fresh key (so it can be cached forever). */
export async function storeImage(deps: Deps, bucket: R2Bucket, file: unknown, limit: number, keyBase: string) {
  if (!(file instanceof File)) throw badRequest("file is required", "Send the image as multipart/form-data field `file`.");
  if (file.size > limit) {
    throw new AppError("PAYLOAD_TOO_LARGE", "Image too large", `This image may be at most ${Math.floor(limit / 1024)} KB.`, { limit_bytes: limit });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImage(bytes);
  if (!type) throw badRequest("Unsupported image type", "Upload a JPEG, PNG, GIF or WebP image.");
  // Flat keys (no slashes) so one path segment addresses any object.
  const key = `${keyBase}-${uuidv7(deps.clock.now())}.${type.ext}`;
  try {
    await bucket.put(key, bytes, { httpMetadata: { contentType: type.mime, cacheControl: "public, max-age=31536000, immutable" } });
  } catch (err) {
    throw unavailable("media_store", err);
  }
  return `${deps.origin}${MEDIA_PREFIX}${key}`;
}

/** Points a row at a stored image; if that fails, the new object is deleted so nothing is left unreferenced. */
async function pointAt<T>(bucket: R2Bucket, url: string | null, origin: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const key = mediaKeyOf(url, origin);
    if (key) await bucket.delete(key).catch(() => undefined);
    throw err;
  }
}

export async function setSubmoltImage(deps: Deps, bucket: R2Bucket, submolt: SubmoltRow, kind: "avatar" | "banner", file: unknown) {
  const limit = kind === "avatar" ? IMAGE_LIMITS.submoltAvatar : IMAGE_LIMITS.submoltBanner;
  const url = await storeImage(deps, bucket, file, limit, `submolt-${submolt.id}-${kind}`);
  const column = kind === "avatar" ? { avatarUrl: url } : { bannerUrl: url };
  const row = await pointAt(bucket, url, deps.origin, () => deps.store.submolts.setImage(submolt.id, column));
  const old = mediaKeyOf(kind === "avatar" ? submolt.avatarUrl : submolt.bannerUrl, deps.origin);
  return { row, old };
}

export async function setAgentAvatar(deps: Deps, bucket: R2Bucket, agentId: string, previous: string | null, file: unknown | null) {
  const url = file === null ? null : await storeImage(deps, bucket, file, IMAGE_LIMITS.agentAvatar, `agent-${agentId}-avatar`);
  await pointAt(bucket, url, deps.origin, () => deps.store.agents.setAvatar(agentId, url, deps.clock.now()));
  await refreshEverywhere(deps, agentId);
  return { url, old: mediaKeyOf(previous, deps.origin) };
}
