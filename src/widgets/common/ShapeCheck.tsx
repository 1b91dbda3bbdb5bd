/**
 * The engine's output shape beside the formula's: `label = [h, w] ✓` when they agree
 * (≠ when not). The shape and the verdict are also in data attributes for tests.
 */
export function ShapeCheck({ label, shape, same }: { label: string; shape: readonly number[] | null; same: boolean | null }) {
  return (
    <span className="w-engine-shape" data-shape={shape ? shape.join('x') : ''} data-equal={same === null ? undefined : String(same)}>
      {shape ? `${label} = [${shape.join(', ')}] ${same === null ? '' : same ? '✓' : '≠'}` : ''}
    </span>
  );
}
