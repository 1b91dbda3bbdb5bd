/** The CPU reference's cross-entropy from logits, forward (with the optional tally) and backward. */
import type { CrossEntropyParams } from '../backend';
import type { FArray, FArrayCtor } from './index';

/** Row r's maximum, first arg-maximum and log-sum-exp. */
function row(Z: FArray, r: number, c: number): { max: number; arg: number; lse: number } {
  let max = -Infinity;
  let arg = 0;
  for (let j = 0; j < c; j++) {
    const v = Z[r * c + j];
    if (v > max || (v !== v && max === max)) {
      max = v;
      arg = j;
    }
  }
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(Z[r * c + j] - max);
  return { max, arg, lse: max + Math.log(s) };
}

function labelOf(L: FArray, r: number, c: number): number {
  const l = L[r];
  return Number.isInteger(l) && l >= 0 && l < c ? l : -1;
}

export function crossEntropy(Arr: FArrayCtor, Z: FArray, L: FArray, p: CrossEntropyParams, tally: FArray | null): FArray {
  const per = new Float64Array(p.n);
  let total = 0;
  let correct = 0;
  for (let r = 0; r < p.n; r++) {
    const l = labelOf(L, r, p.c);
    if (l < 0) continue;
    const { arg, lse } = row(Z, r, p.c);
    per[r] = lse - Z[r * p.c + l];
    total += per[r];
    if (arg === l) correct++;
  }
  if (tally) {
    tally[0] += total;
    tally[1] += correct;
  }
  if (p.reduction === 'none') return Arr.from(per);
  return Arr.of(p.reduction === 'mean' ? total / p.n : total);
}

export function crossEntropyBackward(Arr: FArrayCtor, Z: FArray, L: FArray, G: FArray, p: CrossEntropyParams): FArray {
  const o = new Arr(p.n * p.c);
  for (let r = 0; r < p.n; r++) {
    const l = labelOf(L, r, p.c);
    if (l < 0) continue;
    const scale = p.reduction === 'none' ? G[r] : p.reduction === 'mean' ? G[0] / p.n : G[0];
    const { lse } = row(Z, r, p.c);
    for (let j = 0; j < p.c; j++) o[r * p.c + j] = (Math.exp(Z[r * p.c + j] - lse) - (j === l ? 1 : 0)) * scale;
  }
  return o;
}
