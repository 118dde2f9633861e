import { z } from "@hono/zod-openapi";
import { SUSPEND_FOR } from "../web/console/agent-controls";

const lengths = SUSPEND_FOR.map(([value]) => value) as [string, ...string[]];

/** The kill switch's form: a reason and one of the offered lengths ("" = until resumed). */
export const SuspendForm = z.object({
  reason: z.string().trim().max(500, "The reason is at most 500 characters").optional(),
  for: z.enum(lengths, { error: "Choose one of the offered lengths" }).default(""),
});

/** When the suspension ends (null = until resumed); lengths, not dates, so no time zone is guessed. */
export const suspendUntil = (deps: { clock: { now(): number } }, f: z.infer<typeof SuspendForm>) => (f.for ? deps.clock.now() + Number(f.for) * 1000 : null);
