/**
 * Values as a cell prints them: tensors the way PyTorch prints them
 * (`tensor([[19., 25.],\n        [37., 43.]])`), shapes as lists, everything else in a
 * short readable form. Pure functions, shared by the cell runtime and the tests.
 */

/** What the formatter needs of a tensor: its values on the host and its shape. */
export interface TensorLike {
  shape: readonly number[];
  values: ArrayLike<number>;
  requiresGrad?: boolean;
  gradFn?: string | null;
}

const EDGE = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 80;

/** PyTorch's choice of number style for a whole tensor: integers, fixed with 4 decimals, or scientific. */
function numberStyle(values: ArrayLike<number>): (v: number) => string {
  const style = baseStyle(values);
  // JavaScript drops the sign of -0 when it formats it; Python keeps it (`-0.0000`).
  return (v) => (Object.is(v, -0) ? `-${style(0)}` : style(v));
}

function baseStyle(values: ArrayLike<number>): (v: number) => string {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (finite.length === 0) return (v) => (Number.isFinite(v) ? String(v) : special(v));
  const abs = finite.map(Math.abs).filter((a) => a > 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const integral = finite.every((v) => Math.round(v) === v);
  if (integral) {
    if (max / min > 1000 || max > 1e8) return (v) => (Number.isFinite(v) ? sci(v) : special(v));
    return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return (v) => (Number.isFinite(v) ? sci(v) : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

/** `1.2346e+05`, as Python's `'{:.4e}'` writes it. */
function sci(v: number): string {
  const [m, e] = v.toExponential(4).split('e');
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Indices to print along one axis: all, or the first and last three around an ellipsis. */
function indices(n: number, summarise: boolean): (number | null)[] {
  if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, null, n - 3, n - 2, n - 1];
}

/** A tensor as PyTorch's `repr` writes it. */
export function formatTensor(t: TensorLike): string {
  const { shape, values } = t;
  const suffix = t.gradFn ? `, grad_fn=<${t.gradFn}>` : t.requiresGrad ? ', requires_grad=True' : '';
  const prefix = 'tensor(';
  if (values.length === 0) return `${prefix}[]${shape.length > 1 ? `, size=(${shape.join(', ')})` : ''}${suffix})`;
  const summarise = values.length > THRESHOLD;
  const shown: number[] = [];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const collect = (axis: number, offset: number) => {
    if (axis === shape.length) return void shown.push(values[offset]);
    for (const i of indices(shape[axis], summarise)) if (i !== null) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);
  const style = numberStyle(shown);
  // As PyTorch: the column width comes from the finite nonzero values only, so a -0, nan
  // or inf wider than them is printed unpadded.
  const width = Math.max(1, ...shown.filter((v) => Number.isFinite(v) && v !== 0).map((v) => style(v).length));
  const cell = (v: number) => style(v).padStart(width);
  if (shape.length === 0) return `${prefix}${style(values[0])}${suffix})`;
  const render = (axis: number, offset: number, indent: number): string => {
    const idx = indices(shape[axis], summarise);
    if (axis === shape.length - 1) {
      const items = idx.map((i) => (i === null ? ' ...' : cell(values[offset + i])));
      // Wrap a long row the way PyTorch does: as many items per line as fit the width.
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const rows: string[] = [];
      for (let i = 0; i < items.length; i += perLine) rows.push(items.slice(i, i + perLine).join(', '));
      return `[${rows.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const gap = `,${'\n'.repeat(shape.length - axis - 1)}${' '.repeat(indent + 1)}`;
    return `[${idx.map((i) => (i === null ? '...' : render(axis + 1, offset + i * strides[axis], indent + 1))).join(gap)}]`;
  };
  return `${prefix}${render(0, 0, prefix.length)}${suffix})`;
}

/** A short readable form of any value a cell prints. */
export function formatValue(v: unknown, asTensor: (v: unknown) => TensorLike | null, depth = 0): string {
  const t = asTensor(v);
  if (t) return formatTensor(t);
  if (typeof v === 'string') return depth === 0 ? v : JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'symbol') return String(v);
  if (typeof v === 'function') return `[Function ${v.name || '(anonymous)'}]`;
  if (depth > 3) return Array.isArray(v) ? '[…]' : '{…}';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number> & { constructor: { name: string } };
    const items = Array.from({ length: Math.min(a.length, 100) }, (_, i) => String(a[i]));
    return `${a.constructor.name}(${a.length}) [${items.join(', ')}${a.length > 100 ? ', …' : ''}]`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, asTensor, depth + 1)).join(', ')}]`;
  if (v instanceof Map) return `Map(${v.size}) {${[...v].map(([k, x]) => `${formatValue(k, asTensor, depth + 1)} => ${formatValue(x, asTensor, depth + 1)}`).join(', ')}}`;
  if (v instanceof Set) return `Set(${v.size}) {${[...v].map((x) => formatValue(x, asTensor, depth + 1)).join(', ')}}`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (v instanceof Promise) return 'Promise { <pending> } (add await to see its value)';
  const own = v as Record<string, unknown>;
  const custom = (own as { toString?: () => string }).toString;
  if (custom && custom !== Object.prototype.toString) {
    const s = String(v);
    if (s !== '[object Object]') return s;
  }
  const name = (v as object).constructor?.name;
  const body = Object.entries(own)
    .filter(([k]) => !k.startsWith('_'))
    .map(([k, x]) => `${k}: ${formatValue(x, asTensor, depth + 1)}`)
    .join(', ');
  return `${name && name !== 'Object' ? `${name} ` : ''}{${body ? ` ${body} ` : ''}}`;
}
