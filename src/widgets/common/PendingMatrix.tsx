import type { CSSProperties } from 'react';

/**
 * Holds the room of a MatrixGrid whose numbers the engine has not returned yet: the same
 * rows, columns and cell size, so nothing around it moves when the numbers arrive. The
 * empty table is hidden from assistive technology and has no data-value (tests wait for
 * the real one); `text`, when given, says what is happening.
 */
export function PendingMatrix({ rows, cols, cellSize, text }: { rows: number; cols: number; cellSize?: number; text?: string }) {
  const style = cellSize ? ({ '--cell-size': `${cellSize}px` } as CSSProperties) : undefined;
  const table = (
    <table className="matrix matrix-pending" aria-hidden="true" style={style}>
      <tbody>
        {Array.from({ length: rows }, (_, r) => (
          <tr key={r}>
            {Array.from({ length: cols }, (_, c) => (
              <td key={c} className="cell">
                …
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (text === undefined) return table;
  return (
    <div className="w-wait" data-pending-matrix={`${rows}x${cols}`}>
      <span className="visually-hidden">{text}</span>
      {table}
    </div>
  );
}
