/**
 * The WGSL template step. WGSL has no #include and no macros, and a register block
 * (WGSL cannot index registers) is a list of statements that differ only in their
 * indices, so shaders/*.wgsl (and the fragments in shaders/lib) may use two directives,
 * each a comment line; a file without them is passed on unchanged. Every shader load goes
 * through `wgsl()` (import the file with ?raw, pass the text on once at module load).
 *
 *   //#include "name"                   the text of shaders/lib/name.wgsl, itself expanded
 *                                        (a fragment such as an entry point's
 *                                        preamble or a helper, never a whole kernel);
 *   //#include "name" (A = text, ...)    the same, with {A} ... standing for the texts;
 *   //#for v in A..B                     the lines up to the matching `//#end`, once for each
 *     ...                                integer v = A, A + 1, ..., B - 1 (loops nest);
 *   //#end
 *
 * A placeholder `{expr}` (no blanks) in a line is replaced when every name in it is bound
 * by an enclosing `//#for`, an include's arguments or `vars`: `{i}`, `{i+1}`, `{4*q+j}`,
 * `{(i+1)%4}` (integers, + - * / % with / dividing whole numbers, parentheses), a bound
 * name's text as is (`{N}` -> `u.n`), and `{xyzw[q]}`, letter q of the word (x y z or w).
 * Anything else in braces (`{ return; }`, a comment's `a{i}` outside a loop over i) stays.
 * Expressions are parsed here, never evaluated as script (the page's CSP forbids eval).
 */

/** The fragments in shaders/lib, by name (read lazily: plain Node has no import.meta.glob). */
let fragments: Record<string, string> | undefined;
function libFragments(): Record<string, string> {
  if (!fragments) {
    const files = import.meta.glob<string>('../../../shaders/lib/*.wgsl', { query: '?raw', import: 'default', eager: true });
    fragments = Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace(/^.*\/|\.wgsl$/g, ''), text]));
  }
  return fragments;
}

/** Expands a shader's directives against the fragments in shaders/lib (see the header). */
export function wgsl(source: string, vars: Record<string, string | number> = {}): string {
  return expandWgsl(source, libFragments(), vars);
}

type Bindings = ReadonlyMap<string, string>;

/** Expands `source` with the given fragments (name -> text); `vars` are bound throughout. */
export function expandWgsl(source: string, fragments: Record<string, string>, vars: Record<string, string | number> = {}): string {
  const bound = new Map(Object.entries(vars).map(([k, v]) => [k, String(v)]));
  return expandLines(source.split('\n'), bound, fragments, []).join('\n');
}

const DIRECTIVE = /^\s*\/\/#(\w+)\s*(.*?)\s*$/;
const INCLUDE = /^"([\w-]+)"(?:\s*\((.*)\))?$/;
const FOR = /^([A-Za-z_]\w*)\s+in\s+(\S+?)\s*\.\.\s*(\S+)$/;

function expandLines(lines: string[], bound: Bindings, fragments: Record<string, string>, stack: string[]): string[] {
  const out: string[] = [];
  const where = (i: number) => (stack.length ? ` in lib/${stack[stack.length - 1]}.wgsl` : '') + ` at line ${i + 1}`;
  for (let i = 0; i < lines.length; i++) {
    const d = DIRECTIVE.exec(lines[i]);
    if (!d) {
      out.push(substitute(lines[i], bound));
      continue;
    }
    const [, name, rest] = d;
    if (name === 'include') {
      const m = INCLUDE.exec(rest);
      if (!m) throw new Error(`wgsl: bad //#include${where(i)}: ${rest}`);
      const [, file, args] = m;
      const text = fragments[file];
      if (text === undefined) throw new Error(`wgsl: no fragment shaders/lib/${file}.wgsl${where(i)}`);
      if (stack.includes(file)) throw new Error(`wgsl: lib/${file}.wgsl includes itself (${[...stack, file].join(' -> ')})`);
      const inner = new Map(bound);
      for (const [k, v] of parseArgs(args ?? '', where(i))) inner.set(k, substitute(v, bound));
      out.push(...expandLines(text.replace(/\n$/, '').split('\n'), inner, fragments, [...stack, file]));
    } else if (name === 'for') {
      const m = FOR.exec(rest);
      if (!m) throw new Error(`wgsl: bad //#for${where(i)}: ${rest} (want: //#for v in A..B)`);
      const end = matchingEnd(lines, i);
      if (end < 0) throw new Error(`wgsl: //#for without //#end${where(i)}`);
      const [from, to] = [evaluate(m[2], bound), evaluate(m[3], bound)];
      const body = lines.slice(i + 1, end);
      for (let v = from; v < to; v++) {
        out.push(...expandLines(body, new Map(bound).set(m[1], String(v)), fragments, stack));
      }
      i = end;
    } else if (name === 'end') {
      throw new Error(`wgsl: //#end without //#for${where(i)}`);
    } else {
      throw new Error(`wgsl: unknown directive //#${name}${where(i)}`);
    }
  }
  return out;
}

/** The index of the `//#end` closing the `//#for` at `start`, or -1. */
function matchingEnd(lines: string[], start: number): number {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const name = DIRECTIVE.exec(lines[i])?.[1];
    if (name === 'for') depth++;
    else if (name === 'end' && --depth === 0) return i;
  }
  return -1;
}

/** `A = text, B = text` (commas inside parentheses belong to the text). */
function parseArgs(args: string, where: string): [string, string][] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= args.length; i++) {
    const c = args[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if ((c === ',' && depth === 0) || i === args.length) {
      if (args.slice(start, i).trim()) parts.push(args.slice(start, i));
      start = i + 1;
    }
  }
  return parts.map((p) => {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(p);
    if (!m) throw new Error(`wgsl: bad include argument${where}: ${p.trim()} (want: NAME = text)`);
    return [m[1], m[2]];
  });
}

const PLACEHOLDER = /\{([\w+\-*/%()[\]]+)\}/g;

function substitute(line: string, bound: Bindings): string {
  if (bound.size === 0 || !line.includes('{')) return line;
  return line.replace(PLACEHOLDER, (whole, expr: string) => {
    const text = bound.get(expr);
    if (text !== undefined) return text;
    // Names outside a letter pick's word must all be bound, else the braces are not ours.
    const names = expr.replace(/[A-Za-z_]\w*\[/g, '[').match(/[A-Za-z_]\w*/g) ?? [];
    if (!names.every((n) => bound.has(n))) return whole;
    return String(value(expr, bound));
  });
}

/** An integer expression over bound names (a `//#for` bound). */
function evaluate(expr: string, bound: Bindings): number {
  const v = value(expr, bound);
  if (typeof v !== 'number') throw new Error(`wgsl: {${expr}} is '${v}', not a number`);
  return v;
}

/** Integer arithmetic over bound names; `word[expr]` picks a letter of the word. */
function value(expr: string, bound: Bindings): number | string {
  const tokens = expr.match(/\d+|[A-Za-z_]\w*|\S/g) ?? [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`wgsl: cannot evaluate {${expr}}: ${why}`);
  };
  const peek = () => tokens[pos];
  const take = (t?: string) => {
    if (t !== undefined && tokens[pos] !== t) fail(`expected '${t}'`);
    return tokens[pos++];
  };
  const whole = (v: number | string): number => (typeof v === 'number' ? v : fail(`'${v}' is not a number`));
  const sum = (): number | string => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = take() === '+' ? whole(v) + whole(product()) : whole(v) - whole(product());
    return v;
  };
  const product = (): number | string => {
    let v = unary();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = take();
      const r = whole(unary());
      if (op !== '*' && r === 0) fail('division by zero');
      v = op === '*' ? whole(v) * r : op === '/' ? Math.trunc(whole(v) / r) : whole(v) % r;
    }
    return v;
  };
  const unary = (): number | string => (peek() === '-' ? (take(), -whole(unary())) : primary());
  const primary = (): number | string => {
    const t = take();
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (/^\d+$/.test(t)) return Number(t);
    if (!/^[A-Za-z_]/.test(t)) return fail(`unexpected '${t}'`);
    if (peek() === '[') {
      take('[');
      const k = whole(sum());
      take(']');
      return k >= 0 && k < t.length ? t[k] : fail(`no letter ${k} in '${t}'`);
    }
    const text = bound.get(t) ?? fail(`'${t}' is not bound`);
    return /^-?\d+$/.test(text) ? Number(text) : text;
  };
  const v = sum();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return v;
}
