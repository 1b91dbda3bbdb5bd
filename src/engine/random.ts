/**
 * The engine's seedable random number generator: xoshiro128** (Blackman & Vigna),
 * seeded through splitmix32. All random tensors (rand, randn, init) are drawn on the
 * host from this generator and uploaded, so a given seed gives the same numbers on
 * every backend. Normal numbers use the Box-Muller transform. Dropout masks are the
 * one exception: they are made by the backend's `dropoutMask(size, p, seed)`, with a
 * seed drawn from this generator (so they are deterministic per backend).
 *
 * Without `manualSeed` the generator starts from a seed taken from Math.random().
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export interface GeneratorState {
  a: number;
  b: number;
  c: number;
  d: number;
  spare: number | null;
}

export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    const st = { s: Math.floor(seed) | 0 };
    // Mix in the high bits of seeds beyond 32 bits.
    st.s ^= Math.floor(seed / 4294967296) | 0;
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spare = null;
  }

  /** The generator's whole state, to put back with `setState` (draws in between are undone). */
  getState(): GeneratorState {
    return { a: this.a, b: this.b, c: this.c, d: this.d, spare: this.spare };
  }

  setState(s: GeneratorState): void {
    ({ a: this.a, b: this.b, c: this.c, d: this.d, spare: this.spare } = s);
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal N(0, 1) (Box-Muller; the second value of each pair is kept). */
  nextNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The global generator used by rand, randn, init and dropout. */
export const globalGenerator = new Generator(Math.floor(Math.random() * 4294967296));

/** Seeds the global generator (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  globalGenerator.seed(seed);
}

/** A random permutation of 0..n-1 drawn from the global generator (Fisher-Yates). */
export function randperm(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = globalGenerator.nextInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** 32-bit integer hash (murmur3's finaliser); the backends' dropout masks hash element indices with it. */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The CPU backend's dropout test (its `dropoutUniform(seed, i) >= p`) in integers, for
 * kernels that hash in 32-bit lanes (WebGPU, wasm): element i keeps (value `scale`) when
 * hash32((i * 0x9E3779B1) ^ seedHash) >= threshold, which is that test exactly (threshold
 * = ceil(p 2^32), 2^32 being a power of two); `dropAll` when no element keeps (p >= 1, or
 * p so close to 1 that no hash reaches the threshold).
 */
export function dropoutTest(p: number, seed: number): { seedHash: number; threshold: number; dropAll: boolean; scale: number } {
  const threshold = Math.ceil(Math.max(0, p) * 4294967296);
  const dropAll = p >= 1 || threshold > 0xffffffff;
  return { seedHash: hash32(seed >>> 0), threshold: dropAll ? 0 : threshold, dropAll, scale: dropAll ? 0 : 1 / (1 - p) };
}
