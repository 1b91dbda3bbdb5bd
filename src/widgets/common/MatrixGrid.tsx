import type { CSSProperties, KeyboardEvent } from 'react';
import { NumberField, type FieldProblem } from './NumberField';
import { colon, useTr, type Tr } from './i18n';

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
  /** The range an edited value must lie in (a number outside is refused while typed and clamped on leaving). */
  editMin?: number;
  editMax?: number;
  /** Told after each key typed in a cell why the text is refused (null: accepted). */
  onEditProblem?: (problem: FieldProblem | null, text: string) => void;
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

/** How an editable cell reads while it is not being typed: a few decimals, no float32 tail. */
const editText = (digits: number) => (v: number) => (Number.isFinite(v) ? String(Number(v.toFixed(Math.max(digits, 3)))) : '');

const ARROWS: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/** The cell a key moves to from (r, c) in a rows x cols grid, or null for other keys. */
export function gridMove(key: string, ctrl: boolean, r: number, c: number, rows: number, cols: number): [number, number] | null {
  const d = ARROWS[key];
  if (d) return [Math.max(0, Math.min(rows - 1, r + d[0])), Math.max(0, Math.min(cols - 1, c + d[1]))];
  if (key === 'Home') return ctrl ? [0, 0] : [r, 0];
  if (key === 'End') return ctrl ? [rows - 1, cols - 1] : [r, cols - 1];
  return null;
}

/** What a screen reader calls the cell at (r, c) of the grid `label` (0-based). */
export function cellName(t: Tr, label: string, r: number, c: number): string {
  return t(`${label}, row ${r + 1}, column ${c + 1}`, `${label}，第 ${r + 1} 行第 ${c + 1} 列`);
}

/** What a screen reader hears for a selectable cell: its name (cellName), then its value. */
export function cellWithValue(t: Tr, name: string, value: string): string {
  return `${name}${colon(t)}${value}`;
}

/**
 * A matrix as a table of cells. Every cell carries its number in `data-value`
 * (tests read it) and in its accessible text. Editable cells are number inputs that keep
 * what is typed (NumberField). Selectable cells make a grid with one Tab stop: the arrow
 * keys (Home/End along the row, with Ctrl to the corners) move the selection and the focus.
 */
export function MatrixGrid({ values, rows, cols, label, highlight, padding, onEdit, editMin, editMax, onEditProblem, onSelect, selected = null, digits = 2, heat, cellSize }: MatrixGridProps) {
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
  const t = useTr();
  const style = cellSize ? ({ '--cell-size': `${cellSize}px` } as CSSProperties) : undefined;
  // The one cell of a selectable grid that Tab reaches: the selected one, else the first.
  const stop = selected !== null && selected >= 0 && selected < rows * cols ? selected : 0;
  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const cell = (e.target as HTMLElement).closest('td');
    if (!onSelect || !cell) return;
    const to = gridMove(e.key, e.ctrlKey || e.metaKey, Number(cell.dataset.row), Number(cell.dataset.col), rows, cols);
    if (!to) return;
    e.preventDefault();
    onSelect(to[0] * cols + to[1]);
    e.currentTarget.querySelector<HTMLButtonElement>(`td[data-row="${to[0]}"][data-col="${to[1]}"] button`)?.focus();
  };
  return (
    <table className="matrix" aria-label={label} style={style} role={onSelect ? 'grid' : undefined} onKeyDown={onSelect ? onKeyDown : undefined}>
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
              const shade = heat && hi > lo ? (v - lo) / (hi - lo) : null;
              const cellStyle = shade !== null ? ({ '--heat': shade.toFixed(3) } as CSSProperties) : undefined;
              const name = cellName(t, label, r, c);
              return (
                <td key={c} className={classes.join(' ')} data-value={v} data-row={r} data-col={c} style={cellStyle}>
                  {onEdit ? (
                    <NumberField quiet aria-label={name} value={v} min={editMin} max={editMax} format={editText(digits)} onProblem={onEditProblem} onCommit={(n) => onEdit(i, n)} />
                  ) : onSelect ? (
                    <button type="button" tabIndex={i === stop ? 0 : -1} aria-label={cellWithValue(t, name, fmt(v, digits))} aria-pressed={selected === i} onClick={() => onSelect(i)}>
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
