/**
 * SQL with named parameters (`$name`), numbered in order of first use: a statement assembled from
 * parts sends only the values it uses (PostgreSQL cannot type a parameter no clause mentions).
 * @example
 * sql().unsafe(...named("SELECT * FROM posts WHERE id = $id", { id }))
 */
export function named(text: string, values: Record<string, unknown>): [string, never[]] {
  const order: string[] = [];
  const numbered = text.replace(/\$([a-z_][a-z0-9_]*)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for $${name}`);
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return [numbered, order.map((n) => values[n]) as never[]];
}
