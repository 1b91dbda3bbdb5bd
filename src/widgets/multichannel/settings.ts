import { intIn } from '../common/useUrlState';
import { MC_LIMITS, MCP_CHANNELS, MCP_MAX_K, nearestChannels, reshapeValues, type MCParamSettings, type MCSettings } from './compute';

function finiteOrUndefined(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.max(-MC_LIMITS.maxAbs, Math.min(MC_LIMITS.maxAbs, n)) : undefined;
}

/** Nested arrays of unknown content -> arrays of finite numbers or holes (refilled by the pattern). */
function cleanNested(raw: unknown, depth: number): unknown {
  if (depth === 0) return finiteOrUndefined(raw);
  if (!Array.isArray(raw)) return [];
  return raw.slice(0, 8).map((r) => cleanNested(r, depth - 1));
}

/** Turns anything into valid multichannel settings (never throws). */
export function sanitizeMC(raw: unknown, d: MCSettings): MCSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  const ci = intIn(o.ci, 1, MC_LIMITS.maxCi, d.ci);
  const co = intIn(o.co, 1, MC_LIMITS.maxCo, d.co);
  const h = intIn(o.h, MC_LIMITS.minSide, MC_LIMITS.maxSide, d.h);
  const w = intIn(o.w, MC_LIMITS.minSide, MC_LIMITS.maxSide, d.w);
  const kh = intIn(o.kh, 1, Math.min(MC_LIMITS.maxK, h), Math.min(d.kh, h));
  const kw = intIn(o.kw, 1, Math.min(MC_LIMITS.maxK, w), Math.min(d.kw, w));
  const shape = { ci, co, h, w, kh, kw };
  const old = {
    X: cleanNested(o.X, 3) as number[][][],
    K: cleanNested(o.K, 4) as number[][][][],
    b: cleanNested(o.b, 1) as number[],
  };
  const values = reshapeValues(shape, old);
  const pickRaw = Array.isArray(o.pick) ? o.pick : d.pick;
  const pick: [number, number, number] = [intIn(pickRaw[0], 0, co - 1, 0), intIn(pickRaw[1], 0, h - kh, 0), intIn(pickRaw[2], 0, w - kw, 0)];
  return { ...shape, ...values, pick };
}

/** Settings of the 1×1 part (URL key 'mc1'): as sanitizeMC, with the kernels always 1 × 1 (the part has no kernel sliders). */
export function sanitizeMC1(raw: unknown, d: MCSettings): MCSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  return sanitizeMC({ ...raw, kh: 1, kw: 1 }, d);
}

/** Changes the shape, keeping the values that still have a place and clamping the picked cell. */
export function withShape(s: MCSettings, patch: Partial<Pick<MCSettings, 'ci' | 'co' | 'h' | 'w' | 'kh' | 'kw'>>): MCSettings {
  const next = { ...s, ...patch };
  next.kh = Math.min(next.kh, next.h);
  next.kw = Math.min(next.kw, next.w);
  const shape = { ci: next.ci, co: next.co, h: next.h, w: next.w, kh: next.kh, kw: next.kw };
  // Values still on the original chapter’s pattern follow the pattern in the new shape; edited values stay where they were.
  const pattern = reshapeValues(s);
  const keepX = JSON.stringify(pattern.X) !== JSON.stringify(s.X);
  const keepK = JSON.stringify(pattern.K) !== JSON.stringify(s.K);
  const values = reshapeValues(shape, { X: keepX ? s.X : undefined, K: keepK ? s.K : undefined, b: s.b });
  const pick: [number, number, number] = [Math.min(s.pick[0], next.co - 1), Math.min(s.pick[1], next.h - next.kh), Math.min(s.pick[2], next.w - next.kw)];
  return { ...shape, ...values, pick };
}

/** Turns anything into valid settings of the parameter-count part: channel counts from its list, kernel sides 1 to 7. */
export function sanitizeMCP(raw: unknown, d: MCParamSettings): MCParamSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  const maxC = MCP_CHANNELS[MCP_CHANNELS.length - 1];
  return {
    ci: nearestChannels(intIn(o.ci, 1, maxC, d.ci)),
    co: nearestChannels(intIn(o.co, 1, maxC, d.co)),
    kh: intIn(o.kh, 1, MCP_MAX_K, d.kh),
    kw: intIn(o.kw, 1, MCP_MAX_K, d.kw),
  };
}
