import { useEffect, useRef } from 'react';

/** A 28x28 (or any) grayscale image drawn pixel-exact and scaled up. */
export function GrayImage({ pixels, width = 28, height = 28, scale = 3, label, max = 255 }: { pixels: ArrayLike<number>; width?: number; height?: number; scale?: number; label: string; max?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const cv = ref.current;
    const ctx = cv?.getContext('2d');
    if (!cv || !ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = Math.max(0, Math.min(255, Math.round((pixels[i] / max) * 255)));
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, width, height, max]);
  return <canvas ref={ref} width={width} height={height} role="img" aria-label={label} style={{ width: width * scale, height: height * scale, imageRendering: 'pixelated' }} />;
}
