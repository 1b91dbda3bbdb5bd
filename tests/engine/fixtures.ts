import { fixtureFile } from '../helpers/fixture-file';
import { tensor, type Tensor } from '../../src/engine/index';

export interface Packed {
  shape: number[];
  data: number[];
}

export interface OpCase {
  name: string;
  op: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  attrs: any;
  inputs: Packed[];
  out: Packed;
  gy?: Packed;
  grads?: (Packed | null)[];
}

export interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: any;
  param: Packed;
  grads: Packed[];
  after: Packed[];
}

export function loadFixture<T>(file: string): { torch: string; cases: T[] } {
  return JSON.parse(fixtureFile(file, '/usr/bin/python3 scripts/make-fixtures.py').toString('utf8'));
}

export function fromPacked(p: Packed, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(p.data), p.shape, { requiresGrad });
}
