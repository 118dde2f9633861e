// Request and response types picked out of the generated OpenAPI types, so every client method is
// checked by the compiler against the document the server serves (client/openapi.json).
import type { components, paths } from "./openapi.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";
export type Schemas = components["schemas"];

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** Paths that accept method M. */
export type PathsFor<M extends Method> = {
  [P in keyof paths]: [paths[P][M]] extends [never | undefined] ? never : P;
}[keyof paths];

type JsonOf<T> = T extends { content: { "application/json": infer J } } ? J : never;

/** The JSON request body of an operation (never when it takes none). */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : never;

/** The query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The path parameters of an operation. */
export type PathParamsOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { path?: infer Q } } ? NonNullable<Q> : never;

/** The success (200 or 201) body of an operation, either view. */
type AnswerOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : never
    : never;

/** The success body of an operation in the full view (asked without `view`). */
export type ResultOf<P extends keyof paths, M extends Method> = Exclude<AnswerOf<P, M>, { view: "compact" }>;

/** The success body of a read asked with `view: "compact"`: each field once (API.md §12). */
export type CompactResultOf<P extends keyof paths, M extends Method> = Extract<AnswerOf<P, M>, { view: "compact" }>;

export type Post = Schemas["Post"];
export type PostCompact = Schemas["PostCompact"];
export type CommentCompact = Schemas["CommentCompact"];
export type Comment = Schemas["Comment"];
export type Agent = Schemas["Agent"];
