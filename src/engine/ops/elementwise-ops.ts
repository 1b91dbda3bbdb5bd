/**
 * The differentiable element-wise ops over the registry in elementwise.ts, and the
 * Tensor methods the registry's entries name (installed when this module loads; it is
 * loaded with the engine's index, after Tensor is defined).
 */
import { output, backendOf, fusedDerivative } from '../autograd';
import { asTensor, zerosLike } from '../creation';
import { broadcastShapes } from '../shape';
import { broadcastTo, sumTo } from './layout';
import { Tensor } from '../tensor';
import {
  BINARY_OPS,
  UNARY_OPS,
  binaryDef,
  unaryDef,
  type BinaryDef,
  type BinaryOp,
  type FusedDerivativeOp,
  type UnaryDef,
  type UnaryOp,
} from './elementwise';

// ---- the differentiable ops -------------------------------------------------------

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const be = backendOf(x);
  const def = unaryDef(op);
  const y: Tensor = output(be, be.unary(op, x._s), x.shape, op, [x], (g) => [unaryGrad(op, def, x, y, g)]);
  return y;
}

function unaryGrad(op: UnaryOp, def: UnaryDef, x: Tensor, y: Tensor, g: Tensor): Tensor | null {
  if (def.grad) return def.grad(g, x, y);
  if (!def.derivative) return null;
  return fusedDerivative(op as FusedDerivativeOp, def.derivative.of === 'x' ? x : y, g);
}

export function binary(op: BinaryOp, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const like = aIn instanceof Tensor ? aIn : (bIn as Tensor);
  const a = asTensor(aIn, like);
  const b = asTensor(bIn, like);
  const be = backendOf(a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const def = binaryDef(op);
  const grad = def.grad;
  const y: Tensor = output(be, be.binary(op, a._s, a.shape, b._s, b.shape, shape), shape, op, [a, b], grad
    ? (g) => {
        const [ga, gb] = grad(g, a, b, y, [a.requiresGrad, b.requiresGrad]);
        return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
      }
    : null);
  return y;
}

/** where(cond, a, b): a where cond != 0, else b (broadcasting all three). */
export function where(cond: Tensor, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const a = asTensor(aIn, cond);
  const b = asTensor(bIn, cond);
  const be = backendOf(cond, a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const c2 = broadcastTo(cond, shape);
  const a2 = broadcastTo(a, shape);
  const b2 = broadcastTo(b, shape);
  return output(be, be.where(c2._s, a2._s, b2._s), shape, 'where', [a2, b2], (g) => {
    const z = zerosLike(g);
    return [a2.requiresGrad ? where(c2, g, z) : null, b2.requiresGrad ? where(c2, z, g) : null];
  });
}

// ---- Tensor methods, typed from the tables ------------------------------------------

type MethodName<D, K extends string> = D extends { method: false } ? never : D extends { method: infer M extends string } ? M : K;
type UnaryMethods = { [K in UnaryOp as MethodName<(typeof UNARY_OPS)[K], K>]: () => Tensor };
type BinaryMethods = { [K in BinaryOp as MethodName<(typeof BINARY_OPS)[K], K>]: (other: Tensor | number) => Tensor };

declare module '../tensor' {
  interface Tensor extends UnaryMethods, BinaryMethods {}
}

function install(): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  for (const [op, def] of Object.entries(UNARY_OPS) as [UnaryOp, UnaryDef][]) {
    if (def.method === false) continue;
    proto[def.method ?? op] = function (this: Tensor) {
      return unary(op, this);
    };
  }
  for (const [op, def] of Object.entries(BINARY_OPS) as [BinaryOp, BinaryDef][]) {
    if (def.method === false) continue;
    proto[def.method ?? op] = function (this: Tensor, other: Tensor | number) {
      return binary(op, this, other);
    };
  }
}
install();
