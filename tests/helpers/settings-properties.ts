/**
 * Property checks shared by the tests of the widgets whose settings live in the URL: what
 * a hand-edited link can hold, and what one control can be moved to, never gives settings
 * the widget cannot run.
 */
import { expect } from 'vitest';
import fc from 'fast-check';

/** Every setting anywhere within its inclusive [min, max] (each slider over its whole range). */
export function withinLimits<F extends string>(fields: readonly F[], limits: Record<F, readonly [number, number]>): fc.Arbitrary<Record<F, number>> {
  return fc.record(Object.fromEntries(fields.map((f) => [f, fc.integer({ min: limits[f][0], max: limits[f][1] })])) as Record<F, fc.Arbitrary<number>>) as fc.Arbitrary<Record<F, number>>;
}

/** Each reason for refusing settings is a real sentence in both languages. */
export function expectExplained(problems: readonly { en: string; zh: string }[]): void {
  for (const p of problems) {
    expect(p.en.length).toBeGreaterThan(20);
    expect(p.zh.length).toBeGreaterThan(5);
  }
}

/**
 * For all settings drawn, either `validate` finds no problem and `computed` (the widget's
 * result against a reference) passes, or every problem explains itself and `refused`
 * confirms that such settings really cannot work.
 */
export async function expectComputedOrExplained<S>(
  settings: fc.Arbitrary<S>,
  validate: (s: S) => readonly { en: string; zh: string }[],
  check: { refused: (s: S) => void; computed: (s: S) => Promise<void> },
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(settings, async (s) => {
      const problems = validate(s);
      if (problems.length) {
        expectExplained(problems);
        check.refused(s);
      } else {
        await check.computed(s);
      }
    }),
    { numRuns },
  );
}

/** Whatever JSON a link holds, `sanitize` turns it into settings that `validate` accepts. */
export function expectSanitizeAlwaysValid<S>(sanitize: (raw: unknown) => S, validate: (s: S) => readonly unknown[], numRuns = 300): void {
  fc.assert(
    fc.property(fc.jsonValue(), (raw) => {
      expect(validate(sanitize(raw))).toEqual([]);
    }),
    { numRuns },
  );
}

interface Refusal<F> {
  field: F;
  en: string;
  zh: string;
}

export interface MoveCheck<S, F extends string> {
  /** Raw settings to start from (sanitized first). */
  settings: fc.Arbitrary<unknown>;
  fields: readonly F[];
  /** The values a control is asked for, in range or not. */
  values: { min: number; max: number };
  sanitize: (raw: unknown) => S;
  validate: (s: S) => readonly unknown[];
  tryChange: (s: S, field: F, value: number) => { next: S; problem: Refusal<F> | null };
  /** What else a refusal must say. */
  explains: (problem: Refusal<F>) => void;
  numRuns?: number;
}

/**
 * From any valid settings, moving one control to any value ends in valid settings; a
 * refused move keeps the settings as they were and explains itself from the point of
 * view of the control that was moved.
 */
export function expectMovesStayValid<S, F extends string>(c: MoveCheck<S, F>): void {
  fc.assert(
    fc.property(c.settings, fc.constantFrom(...c.fields), fc.integer(c.values), (raw, f, v) => {
      const s = c.sanitize(raw);
      expect(c.validate(s)).toEqual([]);
      const { next, problem } = c.tryChange(s, f, v);
      expect(c.validate(next)).toEqual([]);
      if (problem) {
        expect(next).toEqual(s);
        expect(problem.field).toBe(f);
        c.explains(problem);
      }
    }),
    { numRuns: c.numRuns ?? 500 },
  );
}
