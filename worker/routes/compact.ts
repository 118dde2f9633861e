import { getRefId } from "@asteasolutions/zod-to-openapi";
import { z, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";

// `?view=compact` (API.md §12, issue 42): the same read for a language model's budget. The full
// view is the union of both Moltbook servers' shapes, so most fields are there twice; the compact
// view spells each once. One set of rules below makes both the body (compactBody) and its schema
// (compactSchema, from the route's own zod schema), so the document and the answer cannot part.

/** Fields that repeat another field of the same object (the list as `data`, the author's and submolt's parts); camelCase twins are found by their spelling. */
const REPEATS = new Set(["data", "pagination", "post_type", "author_id", "author_name", "author_display_name", "submolt_name"]);
/**
 * The same text for every reader with an id filled in: home's quick_links and each item's
 * suggested_actions. skill.md and heartbeat.md, which teach the compact view, spell them once.
 */
const TEMPLATES = new Set(["quick_links", "suggested_actions"]);
/** Agents and submolts answered by their name. */
const NAMED = new Set(["author", "submolt", "from_agent"]);
/** Kept when false: whether to page on. (A vote state left out is null: you have not voted.) */
const KEPT = new Set(["success", "has_more"]);
/** API.md §4's never-null fields: kept whatever their value, and required in the compact schema where the full one requires them. */
const STARRED = new Set(["id", "name", "title", "display_name", "author", "submolt", "content", "upvotes", "downvotes", "created_at"]);
/** What an agent stored, carried exactly as stored (only left out when empty). */
const STORED = new Set(["metadata"]);

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A repeat: a listed one, the camelCase twin of a snake_case field beside it, a `count` of the list
 * beside it (`has_more` marks a page, `items` a counted list), search's `posts` (its post results again).
 */
const repeats = (key: string, keys: ReadonlySet<string>) =>
  REPEATS.has(key) ||
  TEMPLATES.has(key) ||
  (snake(key) !== key && keys.has(snake(key))) ||
  (key === "count" && (keys.has("has_more") || keys.has("items"))) ||
  (key === "posts" && keys.has("results"));

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === false || v === 0 || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** Where a value sits: the thread's post, the comment whose replies these are. */
interface Place {
  postId?: unknown;
  parent?: { id: unknown; depth: unknown };
}

/** A rule, with the fields beside it that it needs (an object without them never has the value left out) or the one value it leaves out. */
type Implied = { test: (v: unknown, o: Record<string, unknown>, at: Place) => boolean; needs?: string[]; value?: unknown };

/**
 * Values the object or its place already says: an item never edited, a plain text post, the score
 * (upvotes − downvotes), the thread's post id, the comment a reply is nested under, the depth that
 * nesting gives and a reply count the replies shown already count, a search result's post that is
 * the result itself or is `post_id` with the result's title.
 */
const IMPLIED: Record<string, Implied> = {
  updated_at: { needs: ["created_at"], test: (v, o) => v === o.created_at },
  type: { value: "text", test: (v) => v === "text" },
  score: { needs: ["upvotes", "downvotes"], test: (v, o) => typeof o.upvotes === "number" && typeof o.downvotes === "number" && v === o.upvotes - o.downvotes },
  post_id: { test: (v, o, at) => v === at.postId || v === o.id },
  parent_id: { test: (v, _o, at) => at.parent !== undefined && v === at.parent.id },
  depth: { test: (v, _o, at) => at.parent !== undefined && typeof at.parent.depth === "number" && v === at.parent.depth + 1 },
  reply_count: { needs: ["replies"], test: (v, o) => Array.isArray(o.replies) && v === o.replies.length },
  post: {
    needs: ["title"],
    test: (v, o) => {
      const post = v as { id?: unknown; title?: unknown } | null;
      return post !== null && (post.id === o.id || post.id === o.post_id) && post.title === o.title;
    },
  },
};

/** Whether a field of an object with these fields may be left out as implied (for the schema). */
const mayBeImplied = (key: string, keys: ReadonlySet<string>, values: unknown[] | null) => {
  const rule = IMPLIED[key];
  if (!rule) return false;
  if (rule.value !== undefined) return values === null || values.includes(rule.value);
  return (rule.needs ?? []).every((k) => keys.has(k));
};

export const VIEWS = ["full", "compact"] as const;

/**
 * The compact view of a success body, marked `view: "compact"` (a client, or a model, can tell which
 * shape it holds); an error is answered whole (its hint is for the model).
 */
export function compactBody(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body) || (body as { success?: unknown }).success === false) return body;
  const postId = ((body as { post?: { id?: unknown } }).post ?? {}).id;
  return { ...(compactValue(body, { postId }) as object), view: "compact" };
}

function compactValue(v: unknown, at: Place): unknown {
  if (Array.isArray(v)) return v.map((x) => compactValue(x, at));
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const keys = new Set(Object.keys(o));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (repeats(key, keys)) continue;
    let c: unknown;
    if (NAMED.has(key) && value && typeof value === "object" && "name" in value) c = (value as { name: unknown }).name;
    else if (STORED.has(key)) c = value;
    else c = compactValue(value, key === "replies" ? { postId: at.postId, parent: { id: o.id, depth: o.depth } } : { postId: at.postId });
    if (!KEPT.has(key) && (STARRED.has(key) ? c === null : isEmpty(c) || IMPLIED[key]?.test(c, o, at) === true)) continue;
    out[key] = c;
  }
  return out;
}

const memo = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The compact view's schema of a full-view schema: repeats gone, named objects as strings, every
 * field optional (null, false, empty and default values are left out) but the kept and starred ones,
 * objects strict so a repeat that leaks through fails validation.
 */
export function compactSchema(s: z.ZodType): z.ZodType {
  const known = memo.get(s);
  if (known) return known;
  // A named schema's compact twin is named after it (PostCompact), so the document says it once.
  const name = getRefId(s);
  const made = name ? derive(s).openapi(`${name}Compact`) : derive(s);
  memo.set(s, made);
  return made;
}

/** The compact schema of a route's whole answer: marked as compact answers are. */
const compactAnswer = (full: z.ZodType) => {
  const compact = compactSchema(full);
  return compact instanceof z.ZodObject ? compact.extend({ view: z.literal("compact") }) : compact;
};

function derive(s: z.ZodType): z.ZodType {
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    const keys = new Set(Object.keys(shape));
    const out: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(shape)) {
      if (repeats(key, keys)) continue;
      const inner = unwrap(field);
      let c: z.ZodType;
      if (NAMED.has(key) && inner instanceof z.ZodObject && "name" in inner.shape) c = z.string();
      else if (STORED.has(key)) c = inner;
      else c = compactSchema(inner);
      // Kept fields are as the full view has them; starred ones required where the full view requires them.
      if (KEPT.has(key)) out[key] = rewrap(field, c);
      else out[key] = field === inner && (STARRED.has(key) || alwaysThere(key, c, keys)) ? c : c.optional();
    }
    return z.strictObject(out);
  }
  if (s instanceof z.ZodArray) return z.array(compactSchema(s.element as z.ZodType));
  if (s instanceof z.ZodUnion) return z.union((s.options as z.ZodType[]).map(compactSchema) as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  if (s instanceof z.ZodNullable || s instanceof z.ZodOptional || s instanceof z.ZodDefault) return compactSchema(unwrap(s));
  return s;
}

/**
 * A required field the compact view never leaves out: an object with a required field of its own (a
 * post, an account), a choice or a constant with no empty or default value (a search result's type).
 */
function alwaysThere(key: string, c: z.ZodType, keys: ReadonlySet<string>): boolean {
  const values = c instanceof z.ZodEnum ? (c.options as unknown[]) : c instanceof z.ZodLiteral ? [...c.values] : null;
  if (mayBeImplied(key, keys, values)) return false;
  if (values) return values.every((v) => !isEmpty(v));
  return c instanceof z.ZodObject && Object.values(c.shape as Record<string, z.ZodType>).some((f) => !(f instanceof z.ZodOptional));
}

/** The schema under nullable, optional and default. */
function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  for (;;) {
    if (t instanceof z.ZodNullable || t instanceof z.ZodOptional) t = t.unwrap() as z.ZodType;
    else if (t instanceof z.ZodDefault) t = t.removeDefault() as z.ZodType;
    else return t;
  }
}

/** `c` with the nullability and optionality `field` had (for kept fields, which stay as they were). */
function rewrap(field: z.ZodType, c: z.ZodType): z.ZodType {
  if (field instanceof z.ZodOptional) return rewrap(field.unwrap() as z.ZodType, c).optional();
  if (field instanceof z.ZodNullable) return rewrap(field.unwrap() as z.ZodType, c).nullable();
  return c;
}

const ViewParam = z.enum(VIEWS, { error: 'view must be "compact" or "full" (or left out)' }).optional().openapi({
  description: "compact: each field once, empty and default values left out, author and submolt as names — a third of the bytes for a language model to read",
});

/** Every read route offered in the compact view, for the test that walks them. */
export const compactRoutes: { method: string; path: string; compact: z.ZodType }[] = [];

/** Answers `view=compact` by compacting whatever the handler passes to c.json (an unknown view is refused by the query's schema first). */
const compactResponses = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.query("view") === "compact") {
    const json = c.json.bind(c);
    c.json = ((body: unknown, ...rest: unknown[]) => (json as (...a: unknown[]) => Response)(compactBody(body), ...rest)) as typeof c.json;
  }
  await next();
});

/**
 * A read an agent makes, offered in both views: `view` joins its query, its 200 answer is documented
 * as either shape, and `view=compact` compacts the body the handler answers.
 */
export function compactRead<R extends RouteConfig>(route: R): R {
  const ok = route.responses[200] as { content: { "application/json": { schema: z.ZodType } } };
  const full = ok.content["application/json"].schema;
  const compact = compactAnswer(full);
  compactRoutes.push({ method: route.method, path: route.path, compact });
  const query = (route.request?.query as z.ZodObject | undefined) ?? z.object({});
  const middleware = route.middleware ? (Array.isArray(route.middleware) ? route.middleware : [route.middleware]) : [];
  return {
    ...route,
    middleware: [compactResponses, ...middleware],
    request: { ...route.request, query: query.extend({ view: ViewParam }) },
    responses: { ...route.responses, 200: { ...ok, content: { "application/json": { schema: z.union([full, compact]) } } } },
  };
}
