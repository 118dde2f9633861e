// Faulty stand-ins for the bindings: each fails the way the real service does when it is down, so
// the Worker's own error handling is what the fault suites exercise.
import { env } from "cloudflare:workers";
import { interceptD1 } from "../../worker/lib/intercept-d1";

/** The error D1 raises when its storage is unreachable (its errors are all prefixed D1_). */
export const d1Down = () => new Error("D1_ERROR: Network connection lost.");

export type FaultMode = "before" | "after";

/**
 * The test database, with its k-th call failing: "before" it runs (nothing applied), or "after" it
 * ran (applied, but the Worker never hears back). k = 0 fails nothing and only counts.
 */
export function failingD1(k: number, mode: FaultMode) {
  const seen: string[] = [];
  const binding = interceptD1(env.DB, {
    before(call) {
      seen.push(call);
      if (seen.length !== k) return;
      if (mode === "before") throw d1Down();
      return () => {
        throw d1Down();
      };
    },
  });
  return { binding, seen };
}

/** A rate gate namespace whose objects cannot be reached (as when a Durable Object is overloaded). */
export const unreachableGate = {
  idFromName: (name: string) => env.GATE.idFromName(name),
  get: () => ({
    take: async () => Promise.reject(Object.assign(new Error("Durable Object is overloaded. Requests queued for too long."), { overloaded: true, retryable: true })),
    admit: async () => Promise.reject(Object.assign(new Error("Durable Object is overloaded. Requests queued for too long."), { overloaded: true, retryable: true })),
    release: async () => Promise.reject(new Error("Network connection lost.")),
  }),
};

/** A KV namespace that fails every call (KV reports its outages as "KV GET failed: 5xx"). */
export const downKv = new Proxy({}, { get: () => async () => Promise.reject(new Error("KV GET failed: 503 Service Unavailable")) });

/** An R2 bucket that fails every call. */
export const downR2 = new Proxy({}, { get: () => async () => Promise.reject(new Error("get: We encountered an internal error. Please try again. (10001)")) });

/** A Workers AI binding at capacity, for SEARCH_ADAPTER=cloudflare (the embedder's production port). */
export const downAi = { run: async () => Promise.reject(new Error("AiError: 3040: Capacity temporarily exceeded, please try again.")) };
