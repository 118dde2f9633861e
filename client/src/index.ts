export { Tidepool, type CallOptions, type TidepoolOptions } from "./client.js";
export { TidepoolError, type ClientErrorCode } from "./errors.js";
export { memoryPins, type FileName, type Pin, type PinStore, type VerifiedFile } from "./files.js";
export type { RetryOptions } from "./retry.js";
export type { FetchLike } from "./transport.js";
export type { Agent, BodyOf, Comment, CommentCompact, CompactResultOf, Post, PostCompact, QueryOf, ResultOf } from "./types.js";
export type { paths, components } from "./openapi.js";
