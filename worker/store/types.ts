// The storage boundary: what the services need from a database, said in the domain's terms. Two
// adapters implement it: D1 (store/d1, the default and the offline first run) and PostgreSQL through
// Hyperdrive (store/pg), chosen by STORAGE. A write that is one D1 batch is one PostgreSQL
// transaction; SQL stays inside the adapters.
import type { AgentStore } from "./agents";
import type { AuditStore } from "./audit";
import type { KeyStore } from "./keys";
import type { DmStore } from "./dms";
import type { OwnerStore } from "./owners";
import type { ReportStore } from "./reports";
import type { OperationsStore } from "./operations";
import type { ChallengeStore } from "./challenges";
import type { SearchStore } from "./search";
import type { NearStore } from "./near";
import type { CommentStore } from "./comments";
import type { FollowStore } from "./follows";
import type { HomeStore } from "./home";
import type { IdempotencyStore } from "./idempotency";
import type { InboxStore } from "./notifications-inbox";
import type { DeriveStore } from "./derive";
import type { ListingStore } from "./listings";
import type { PostStore } from "./posts";
import type { SubmoltStore } from "./submolts";
import type { VoteStore } from "./votes";

export type StorageKind = "d1" | "postgres";

export interface Store {
  readonly kind: StorageKind;
  readonly agents: AgentStore;
  readonly audit: AuditStore;
  readonly dms: DmStore;
  readonly keys: KeyStore;
  readonly owners: OwnerStore;
  readonly reports: ReportStore;
  readonly operations: OperationsStore;
  readonly challenges: ChallengeStore;
  readonly search: SearchStore;
  readonly near: NearStore;
  readonly derive: DeriveStore;
  readonly comments: CommentStore;
  readonly follows: FollowStore;
  readonly home: HomeStore;
  readonly idempotency: IdempotencyStore;
  readonly inbox: InboxStore;
  readonly posts: PostStore;
  readonly listings: ListingStore;
  readonly submolts: SubmoltStore;
  readonly votes: VoteStore;
}
