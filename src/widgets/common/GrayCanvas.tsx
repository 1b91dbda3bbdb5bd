import { useId, useLayoutEffect, useRef, type ComponentProps } from 'react';
import { putGray } from './gray';

export interface GrayCanvasProps extends Omit<ComponentProps<'canvas'>, 'ref' | 'width' | 'height' | 'role' | 'children'> {
  rows: number;
  cols: number;
  /** The grays (0-255), row-major. */
  gray: ArrayLike<number>;
  /** The accessible name: what the picture is. */
  label: string;
  /** Its description (size, range of values), visually hidden. */
  summary: string;
}

/**
 * A rows x cols grayscale picture drawn pixel-exact on a canvas (scaled by CSS), named by
 * `label` and described by `summary`; other props (data attributes, style) go on the
 * canvas. It is drawn in the same commit as new grays, so it never lags its name.
 */
export function GrayCanvas({ rows, cols, gray, label, summary, ...canvas }: GrayCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const id = `gc${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  useLayoutEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    putGray(ctx, cols, rows, (i) => gray[i]);
  }, [gray, rows, cols]);
  return (
    <>
      <canvas ref={ref} width={cols} height={rows} role="img" aria-label={label} aria-describedby={id} {...canvas} />
      <span id={id} className="visually-hidden">
        {summary}
      </span>
    </>
  );
}
