/**
 * A zustand `persist` merge that takes a remembered field only where its check accepts it,
 * field by field: storage written by an older version, edited by hand or damaged falls back
 * to the defaults instead of reaching the page as it is (a `read` of null would throw while
 * the contents render; a language of 'fr' would leave every label empty).
 */
export function keepValid<S>(checks: { [K in keyof S]?: (v: unknown) => S[K] | undefined }) {
  return (persisted: unknown, current: S): S => {
    const out = { ...current };
    if (!persisted || typeof persisted !== 'object') return out;
    for (const key of Object.keys(checks) as (keyof S)[]) {
      const value = checks[key]?.((persisted as Record<string, unknown>)[key as string]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}

/** A check that accepts one of `values`. */
export const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): T | undefined =>
    values.includes(v as T) ? (v as T) : undefined;

/** A check that accepts a short string (a name, not a document). */
export const shortString = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 40 ? v : undefined);

/** A check that accepts a record of fractions from 0 to 1, keeping the entries that are. */
export function fractions(v: unknown): Record<string, number> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, f] of Object.entries(v)) if (typeof f === 'number' && f >= 0 && f <= 1) out[k] = f;
  return out;
}
