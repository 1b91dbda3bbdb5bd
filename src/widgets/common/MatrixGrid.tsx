import { useState, type CSSProperties } from 'react';

export interface MatrixGridProps {
  /** Row-major values. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Accessible name, e.g. "Input X". */
  label: string;
  /** Flat indices to highlight (e.g. the window under the kernel). */
  highlight?: ReadonlySet<number>;
  /** Flat indices drawn as padding cells. */
  padding?: ReadonlySet<number>;
  /** Makes cells editable: called with the flat index and the new value. */
  onEdit?: (index: number, value: number) => void;
  /** Makes cells clickable (e.g. to pick an output cell). */
  onSelect?: (index: number) => void;
  selected?: number | null;
  /** Digits after the decimal point shown (data-value always holds the full number). */
  digits?: number;
  /** Colour cells by value (heat map) between min and max. */
  heat?: boolean;
  cellSize?: number;
}

function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'NaN';
  const s = Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return s.replace('-', '−');
}

/**
 * A number input that keeps what the reader is typing while it has focus, so a value
 * computed asynchronously from the edits (e.g. read back from the engine) cannot
 * overwrite a half-typed number such as "1." or "-".
 */
function EditableCell({ name, value, onEdit }: { name: string; value: number; onEdit: (n: number) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      type="number"
      step="any"
      aria-label={name}
      value={draft ?? (Number.isFinite(value) ? value : '')}
      onFocus={(e) => setDraft(e.target.value)}
      onBlur={() => setDraft(null)}
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(n)) onEdit(n);
      }}
    />
  );
}

/**
 * A matrix as a table of cells. Every cell carries its number in `data-value`
 * (tests read it) and in its accessible text. Editable cells are number inputs.
 */
export function MatrixGrid({ values, rows, cols, label, highlight, padding, onEdit, onSelect, selected = null, digits = 2, heat, cellSize }: MatrixGridProps) {
  let lo = Infinity;
  let hi = -Infinity;
  if (heat) {
    for (let i = 0; i < rows * cols; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  const style = cellSize ? ({ '--cell-size': `${cellSize}px` } as CSSProperties) : undefined;
  return (
    <table className="matrix" aria-label={label} style={style}>
      <tbody>
        {Array.from({ length: rows }, (_, r) => (
          <tr key={r}>
            {Array.from({ length: cols }, (_, c) => {
              const i = r * cols + c;
              const v = values[i];
              const classes = ['cell'];
              if (highlight?.has(i)) classes.push('cell-hot');
              if (padding?.has(i)) classes.push('cell-pad');
              if (selected === i) classes.push('cell-selected');
              const t = heat && hi > lo ? (v - lo) / (hi - lo) : null;
              const cellStyle = t !== null ? ({ '--heat': t.toFixed(3) } as CSSProperties) : undefined;
              const name = `${label}, row ${r + 1}, column ${c + 1}`;
              return (
                <td key={c} className={classes.join(' ')} data-value={v} data-row={r} data-col={c} style={cellStyle}>
                  {onEdit ? (
                    <EditableCell name={name} value={v} onEdit={(n) => onEdit(i, n)} />
                  ) : onSelect ? (
                    <button type="button" aria-label={`${name}: ${fmt(v, digits)}`} aria-pressed={selected === i} onClick={() => onSelect(i)}>
                      {fmt(v, digits)}
                    </button>
                  ) : (
                    fmt(v, digits)
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
