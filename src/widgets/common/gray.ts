/** Draws a rows x cols grayscale picture on a canvas context: pixel i gets the gray `value(i)` (0-255). */
export function putGray(ctx: CanvasRenderingContext2D, cols: number, rows: number, value: (i: number) => number): void {
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = value(i);
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
