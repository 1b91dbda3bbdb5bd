import { useEffect, useId, useMemo, useRef } from 'react';
import { useTr } from './strings';
import { putGray } from '../common/gray';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/**
 * A 28x28 (or any) grayscale image drawn pixel-exact and scaled up. Its text alternative
 * is a short summary (aria-describedby) and, for the numbers themselves, a visually
 * hidden table of the pixel values row by row, tied to the canvas by
 * `data-text-alternative-for`. `data-pixels` carries the values (0-255) for tests.
 */
export function GrayImage({ pixels, width = 28, height = 28, scale = 3, label, max = 255 }: { pixels: ArrayLike<number>; width?: number; height?: number; scale?: number; label: string; max?: number }) {
  const tr = useTr();
  const id = `gi${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const ref = useRef<HTMLCanvasElement>(null);
  const bytes = useMemo(() => {
    const out = new Uint8ClampedArray(width * height);
    for (let i = 0; i < out.length; i++) out[i] = Math.round((pixels[i] / max) * 255);
    return out;
  }, [pixels, width, height, max]);
  useEffect(() => {
    const cv = ref.current;
    const ctx = cv?.getContext('2d');
    if (!cv || !ctx) return;
    putGray(ctx, width, height, (i) => bytes[i]);
  }, [bytes, width, height]);
  const values = Array.from({ length: width * height }, (_, i) => pixels[i]);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 0;
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  return (
    <>
      <canvas
        ref={ref}
        id={id}
        width={width}
        height={height}
        role="img"
        aria-label={label}
        aria-describedby={`${id}-sum`}
        data-pixels={Array.from(bytes).join(',')}
        style={{ width: width * scale, height: height * scale, imageRendering: 'pixelated' }}
      />
      <span id={`${id}-sum`} className="visually-hidden">
        {tr('pixelSummary', { w: width, h: height, lo: fmt(lo), hi: fmt(hi), mean: mean.toFixed(2), label })}
      </span>
      <table className="visually-hidden" data-text-alternative-for={id}>
        <caption>{label}</caption>
        <tbody>
          {Array.from({ length: height }, (_, r) => (
            <tr key={r}>
              <th scope="row">{tr('pixelRow', { r: r + 1 })}</th>
              <td>{values.slice(r * width, (r + 1) * width).map(fmt).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
