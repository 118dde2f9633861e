import type { SubmoltRow } from "../../schema";
import { iso } from "../lib/encoding";

export type SubmoltRole = "owner" | "moderator" | null;

export interface Viewer {
  role: SubmoltRole;
  subscribed: boolean;
}

/** Public submolt shape (API.md §4); the keyed fields appear only when a viewer is known. */
export function submoltJson(s: SubmoltRow, viewer?: Viewer) {
  return {
    id: s.id,
    name: s.name,
    display_name: s.displayName,
    description: s.description,
    subscriber_count: s.subscriberCount,
    post_count: s.postCount,
    allow_crypto: s.allowCrypto,
    avatar_url: s.avatarUrl,
    banner_url: s.bannerUrl,
    banner_color: s.bannerColor,
    theme_color: s.themeColor,
    creator_id: s.creatorId,
    created_at: iso(s.createdAt)!,
    last_activity_at: iso(s.lastActivityAt),
    ...(viewer ? { your_role: viewer.role, is_subscribed: viewer.subscribed, isSubscribed: viewer.subscribed } : {}),
  };
}
