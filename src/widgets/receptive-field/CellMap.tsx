import { memo, useCallback, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { colon, useTr } from '../common/i18n';

export interface CellMapProps {
  /** Row-major values; each cell carries its value in data-value. */
  values: ArrayLike<number> | null;
  rows: number;
  cols: number;
  label: string;
  /** Marks a cell as highlighted (in the receptive field). */
  isHot?: (row: number, col: number) => boolean;
  selected?: { row: number; col: number } | null;
  onSelect?: (row: number, col: number) => void;
  /** Pixel size of a cell. */
  cellSize: number;
  /** Show the numbers inside the cells (only when they fit). */
  showNumbers?: boolean;
  digits?: number;
  /** Colour cells by value: 'abs' scales |v| to the largest |v|, 'range' maps min..max. */
  shade?: 'abs' | 'range' | 'none';
  /** Accessible description of a cell's value, e.g. "∂y/∂x = 4". */
  describe?: (v: number, row: number, col: number) => string;
  /** Grey levels (for images) instead of the accent colour. */
  gray?: boolean;
}

function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return v.toFixed(digits);
}

/**
 * A feature map as an ARIA grid with one tab stop: arrow keys move, Home/End go to
 * the row's ends, PageUp/PageDown to the first/last row, Enter or Space selects.
 * Pointer and touch select by clicking (tapping) a cell.
 */
export function CellMap({ values, rows, cols, label, isHot, selected, onSelect, cellSize, showNumbers, digits = 2, shade = 'none', describe, gray }: CellMapProps) {
  const t = useTr();
  const [focus, setFocus] = useState<{ row: number; col: number } | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const active = focus && focus.row < rows && focus.col < cols ? focus : selected && selected.row < rows && selected.col < cols ? selected : { row: 0, col: 0 };

  let scale = 0;
  let lo = Infinity;
  let hi = -Infinity;
  if (values && shade !== 'none') {
    for (let i = 0; i < rows * cols; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      scale = Math.max(scale, Math.abs(v));
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }

  const moveTo = (row: number, col: number) => {
    const r = Math.max(0, Math.min(rows - 1, row));
    const c = Math.max(0, Math.min(cols - 1, col));
    setFocus({ row: r, col: c });
    const el = ref.current?.querySelector<HTMLElement>(`[data-row="${r}"][data-col="${c}"]`);
    el?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { row, col } = active;
    let handled = true;
    switch (e.key) {
      case 'ArrowUp':
        moveTo(row - 1, col);
        break;
      case 'ArrowDown':
        moveTo(row + 1, col);
        break;
      case 'ArrowLeft':
        moveTo(row, col - 1);
        break;
      case 'ArrowRight':
        moveTo(row, col + 1);
        break;
      case 'Home':
        moveTo(e.ctrlKey ? 0 : row, 0);
        break;
      case 'End':
        moveTo(e.ctrlKey ? rows - 1 : row, cols - 1);
        break;
      case 'PageUp':
        moveTo(0, col);
        break;
      case 'PageDown':
        moveTo(rows - 1, col);
        break;
      case 'Enter':
      case ' ':
        onSelect?.(row, col);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  // Stable handlers, so cells whose own props did not change skip rendering (Cell is memoised).
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const pick = useCallback((row: number, col: number) => {
    setFocus({ row, col });
    onSelectRef.current?.(row, col);
  }, []);
  const focusCell = useCallback((row: number, col: number) => {
    setFocus((f) => (f && f.row === row && f.col === col ? f : { row, col }));
  }, []);

  const style = { '--rf-cell': `${cellSize}px`, gridTemplateColumns: `repeat(${cols}, var(--rf-cell))` } as CSSProperties;
  return (
    <div ref={ref} className="rf-map" role="grid" aria-label={label} aria-rowcount={rows} aria-colcount={cols} style={style} onKeyDown={onKeyDown}>
      {Array.from({ length: rows }, (_, r) => (
        <div role="row" key={r} className="rf-row">
          {Array.from({ length: cols }, (_, c) => {
            const i = r * cols + c;
            const v = values ? values[i] : NaN;
            const hot = isHot?.(r, c) ?? false;
            const sel = !!selected && selected.row === r && selected.col === c;
            const isActive = active.row === r && active.col === c;
            let level = 0;
            if (values && shade === 'abs' && scale > 0) level = Math.abs(v) / scale;
            else if (values && shade === 'range' && hi > lo) level = (v - lo) / (hi - lo);
            const text = values ? fmt(v, digits) : '';
            const where = t(`${label}, row ${r + 1}, column ${c + 1}`, `${label}，第 ${r + 1} 行第 ${c + 1} 列`);
            const aria = `${where}${values ? `${colon(t)}${describe ? describe(v, r, c) : text}` : ''}${hot ? t(' (in field)', '（在感受野内）') : ''}`;
            return (
              <Cell
                key={c}
                row={r}
                col={c}
                className={`rf-cell${hot ? ' rf-hot' : ''}${sel ? ' rf-selected' : ''}${shade !== 'none' ? (gray ? ' rf-gray' : ' rf-shaded') : ''}`}
                value={values ? v : undefined}
                hot={hot}
                selected={sel}
                label={aria}
                active={isActive}
                heat={shade !== 'none' ? (Number.isFinite(level) ? level.toFixed(3) : '0') : undefined}
                text={showNumbers && text ? text : null}
                onPick={pick}
                onFocusCell={focusCell}
              />
            );
          })}
        </div>
      ))}
    </div>
  );
}

interface CellProps {
  row: number;
  col: number;
  className: string;
  value: number | undefined;
  hot: boolean;
  selected: boolean;
  label: string;
  /** The grid's one tab stop. */
  active: boolean;
  /** Shading 0..1 as text for the --rf-heat property, when shaded. */
  heat: string | undefined;
  text: string | null;
  onPick: (row: number, col: number) => void;
  onFocusCell: (row: number, col: number) => void;
}

/** One cell; memoised, since a change usually touches a few of a map's hundreds of cells. */
const Cell = memo(function Cell({ row, col, className, value, hot, selected, label, active, heat, text, onPick, onFocusCell }: CellProps) {
  return (
    <div
      role="gridcell"
      className={className}
      data-row={row}
      data-col={col}
      data-value={value}
      data-hot={hot ? 'true' : undefined}
      aria-selected={selected}
      aria-label={label}
      tabIndex={active ? 0 : -1}
      style={heat !== undefined ? ({ '--rf-heat': heat } as CSSProperties) : undefined}
      onClick={() => onPick(row, col)}
      onFocus={() => onFocusCell(row, col)}
    >
      {text !== null ? <span className="rf-num">{text}</span> : null}
    </div>
  );
});
