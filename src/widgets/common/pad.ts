import { cat, full, type Tensor } from '../../engine';

/**
 * Pads an [N, C, H, W] tensor with `value` (zero by default): `top` rows above,
 * `bottom` below, `left` columns before and `right` after, as the widgets draw it.
 */
export function pad2d(x: Tensor, top: number, bottom: number, left: number, right: number, value = 0): Tensor {
  const [n, c, h] = x.shape;
  const band = (shape: number[], size: number) => (size ? [full(shape, value)] : []);
  let out = x;
  if (left || right) out = cat([...band([n, c, h, left], left), out, ...band([n, c, h, right], right)], 3);
  const wide = out.shape[3];
  if (top || bottom) out = cat([...band([n, c, top, wide], top), out, ...band([n, c, bottom, wide], bottom)], 2);
  return out;
}
