/**
 * The WGSL template step (src/engine/webgpu/wgsl.ts): its directives on small inputs, and
 * every shader in shaders/ expanded with the real fragments of shaders/lib. No GPU needed.
 */
import { describe, expect, it } from 'vitest';
import { expandWgsl, wgsl } from '../../src/engine/webgpu/wgsl';

const shaders = import.meta.glob<string>('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true });
const fragments = import.meta.glob<string>('../../shaders/lib/*.wgsl', { query: '?raw', import: 'default', eager: true });
const nameOf = (path: string) => path.replace(/^.*\/|\.wgsl$/g, '');

describe('wgsl template step', () => {
  const lib = {
    head: 'fn f{K}() -> u32 { return {N}; }\n',
    nested: '//#include "head" (K = 2, N = {M})\n',
    loop: '//#include "loop"\n',
  };
  const expand = (s: string, vars = {}) => expandWgsl(s, lib, vars);

  it('passes a file without directives through unchanged', () => {
    const s = 'struct P { n: u32 }\nfn g() { if (x) { return; } }\n// a{i}: not ours\n';
    expect(expand(s)).toBe(s);
  });

  it('repeats //#for blocks with their placeholders evaluated', () => {
    const s = ['//#for i in 0..3', '  let r{i} = min(row0 + {i}u, {i*4+1});', '//#end', 'done'].join('\n');
    expect(expand(s)).toBe(
      ['  let r0 = min(row0 + 0u, 1);', '  let r1 = min(row0 + 1u, 5);', '  let r2 = min(row0 + 2u, 9);', 'done'].join('\n'),
    );
  });

  it('nests loops, picks letters and divides whole numbers', () => {
    const s = ['//#for j in 0..2', '//#for q in 1..3', 'a{4*j+q} = t{j}.{xyzw[q]} + {(q+j)/2} + {7%q} - {-q};', '//#end', '//#end'].join('\n');
    expect(expand(s).split('\n')).toEqual([
      'a1 = t0.y + 0 + 0 - -1;',
      'a2 = t0.z + 1 + 1 - -2;',
      'a5 = t1.y + 1 + 0 - -1;',
      'a6 = t1.z + 1 + 1 - -2;',
    ]);
  });

  it('leaves braces alone unless every name in them is bound', () => {
    expect(expand('//#for i in 0..1\nif (c) { x = {i}; } {j} {i+j} {}\n//#end')).toBe('if (c) { x = 0; } {j} {i+j} {}');
  });

  it('includes fragments with arguments (commas inside parentheses kept), nested and with vars', () => {
    expect(expand('//#include "head" (K = 1, N = min(a, b))')).toBe('fn f1() -> u32 { return min(a, b); }\n'.trimEnd());
    expect(expand('//#include "nested" (M = {V})', { V: 'u.n' })).toBe('fn f2() -> u32 { return u.n; }');
    expect(expand('  //#for k in 0..2\n//#include "head" (K = {k}, N = {k*10})\n  //#end')).toBe(
      'fn f0() -> u32 { return 0; }\nfn f1() -> u32 { return 10; }',
    );
  });

  it('rejects what it does not understand', () => {
    expect(() => expand('//#if X')).toThrow(/unknown directive/);
    expect(() => expand('//#for i in 0..2\nx')).toThrow(/without \/\/#end/);
    expect(() => expand('//#end')).toThrow(/without \/\/#for/);
    expect(() => expand('//#for i from 0 to 2\n//#end')).toThrow(/bad \/\/#for/);
    expect(() => expand('//#include "none"')).toThrow(/no fragment shaders\/lib\/none.wgsl/);
    expect(() => expand('//#include head')).toThrow(/bad \/\/#include/);
    expect(() => expand('//#include "head" (K)')).toThrow(/bad include argument/);
    expect(() => expand('//#include "loop"')).toThrow(/includes itself/);
    expect(() => expand('//#for i in 0..N\n//#end', { N: 'u.n' })).toThrow(/not a number/);
    expect(() => expand('//#for i in 0..2\n{i/0}\n//#end')).toThrow(/division by zero/);
    expect(() => expand('//#for i in 0..2\n{xyzw[i+4]}\n//#end')).toThrow(/no letter/);
  });
});

describe('shaders/ through the template step', () => {
  it('finds the shaders and their fragments', () => {
    expect(Object.keys(shaders).length).toBeGreaterThan(30);
    expect(Object.keys(fragments).length).toBeGreaterThan(0);
  });

  /** Names a shader's template leaves to the backend, bound here to each of their values. */
  const tiled = [{ MH: 2 }, { MH: 1 }];
  const built: Record<string, Record<string, number>[]> = {
    'conv2d-backward-weight-rows': [{ KT: 3, KW: 3 }],
    'matmul-tiled-128': tiled,
    'conv2d-igemm': tiled,
    'conv2d-backward-input-igemm': tiled,
    'conv2d-backward-weight-igemm': tiled,
    'batchnorm-backward-dx': [{ ACT: 0 }, { ACT: 1 }],
  };
  for (const k of ['filter-input', 'dy-input', 'output', 'filter-grad']) built[`winograd-${k}`] = [{ A: 4, M: 2, R: 3 }, { A: 6, M: 4, R: 3 }, { A: 6, M: 2, R: 5 }];
  const cases = Object.keys(shaders).flatMap((file) => {
    const name = nameOf(file);
    return (built[name] ?? [{}]).map((vars) => [`${name}${Object.keys(vars).length ? ` ${JSON.stringify(vars)}` : ''}`, name, vars] as const);
  });
  it.each(cases)('%s expands to plain WGSL', (_label, name, vars) => {
    const out = wgsl(shaders[`../../shaders/${name}.wgsl`], vars);
    expect(out.split('\n').filter((l) => /^\s*\/\/#/.test(l))).toEqual([]);
    // No placeholder survives in code (comments may show braces).
    const code = out.replace(/\/\/.*$/gm, '');
    expect(code.match(/\{[\w+\-*/%()[\]]+\}/g) ?? []).toEqual([]);
  });

  it('uses every fragment in shaders/lib', () => {
    const all = [...Object.values(shaders), ...Object.values(fragments)].join('\n');
    for (const name of Object.keys(fragments).map(nameOf)) expect(all, name).toContain(`//#include "${name}"`);
  });
});
