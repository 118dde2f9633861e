/**
 * An object built on first use. A request's store is a few hundred closures and prepared SQL
 * fragments (and drizzle's instance): built for every request, it was a fifth of the CPU of one
 * that never touches the database (a warm GET /agents/me, measured with a CPU profile).
 * @example
 * const store = lazy(() => d1Store(d1));
 */
export function lazy<T extends object>(build: () => T): T {
  let built: T | undefined;
  const target = () => (built ??= build());
  return new Proxy({} as T, {
    get: (_, prop) => Reflect.get(target(), prop),
    has: (_, prop) => Reflect.has(target(), prop),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, prop) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), prop);
      return d && { ...d, configurable: true };
    },
  });
}
