import { useId, useState, type InputHTMLAttributes, type KeyboardEvent } from 'react';
import { groupDigits } from './format';
import { useTr } from './i18n';
import './number-field.css';

type Rest = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue' | 'onChange' | 'type' | 'min' | 'max' | 'step'>;

export interface NumberFieldProps extends Rest {
  value: number;
  /** Called with every number typed that the field accepts (and with the clamped one on leaving). */
  onCommit: (value: number) => void;
  min?: number;
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** How the value reads while it is not being typed (e.g. rounded). */
  format?: (value: number) => string;
  /** Leaves out the visible explanation (aria-invalid still marks a refused number). */
  quiet?: boolean;
  /** Told after each key why the text is refused (null: accepted), e.g. to explain it elsewhere. */
  onProblem?: (problem: FieldProblem | null, text: string) => void;
}

export type FieldProblem = 'empty' | 'nan' | 'whole' | 'range';

/** Why `text` is not a number the field accepts, or null. */
export function fieldProblem(text: string, { min, max, integer }: Pick<NumberFieldProps, 'min' | 'max' | 'integer'>): FieldProblem | null {
  if (text.trim() === '') return 'empty';
  const n = Number(text);
  if (!Number.isFinite(n)) return 'nan';
  if (integer && !Number.isInteger(n)) return 'whole';
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) return 'range';
  return null;
}

/** The accepted number nearest to a finite `n` (rounded and clamped). */
export function nearestAccepted(n: number, { min, max, integer }: Pick<NumberFieldProps, 'min' | 'max' | 'integer'>): number {
  let v = integer ? Math.round(n) : n;
  if (min !== undefined) v = Math.max(min, v);
  if (max !== undefined) v = Math.min(max, v);
  return v;
}

/**
 * A number input that keeps what the reader types. A browser reports a half-typed number
 * ('-', '1.', '1e') as '', so an input that shows its state's value would turn it into
 * something else at the next key. Here the text stays as typed; each number the field
 * accepts is committed at once, anything else is explained beside the field (and marked
 * aria-invalid) and changes nothing. Leaving the field (or Enter) settles it: a number out
 * of range becomes the nearest accepted one, an unreadable text goes back to the value.
 * A value set from elsewhere (a button, a preset) replaces a draft that says another number.
 */
export function NumberField({ value, onCommit, min, max, integer, format = String, quiet, onProblem, onBlur, onKeyDown, ...rest }: NumberFieldProps) {
  const t = useTr();
  const hintId = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const limits = { min, max, integer };
  const problem = draft === null ? null : fieldProblem(draft, limits);
  // A draft is shown while it is refused or still says the value (so '1.' and '0.50' stay).
  const keep = draft !== null && (problem !== null || format(Number(draft)) === format(value));
  const text = keep ? draft : format(value);
  const bad = keep && problem !== null;

  const settle = () => {
    if (draft === null) return;
    const n = Number(draft);
    if (problem !== null && draft.trim() !== '' && Number.isFinite(n)) onCommit(nearestAccepted(n, limits));
    setDraft(null);
  };

  const explain = (): string => {
    const range =
      min !== undefined && max !== undefined
        ? t(` from ${groupDigits(min)} to ${groupDigits(max)}`, `（${groupDigits(min)} 到 ${groupDigits(max)}）`)
        : min !== undefined
          ? t(` of at least ${groupDigits(min)}`, `（不小于 ${groupDigits(min)}）`)
          : max !== undefined
            ? t(` of at most ${groupDigits(max)}`, `（不大于 ${groupDigits(max)}）`)
            : '';
    return integer ? t(`Type a whole number${range}.`, `请输入整数${range}。`) : t(`Type a number${range}.`, `请输入数字${range}。`);
  };

  return (
    <>
      <input
        {...rest}
        type="number"
        min={min}
        max={max}
        step={integer ? 1 : 'any'}
        value={text}
        aria-invalid={bad || undefined}
        aria-describedby={bad && !quiet ? hintId : rest['aria-describedby']}
        onChange={(e) => {
          const next = e.target.value;
          setDraft(next);
          const why = fieldProblem(next, limits);
          onProblem?.(why, next);
          if (why === null) onCommit(Number(next));
        }}
        onBlur={(e) => {
          settle();
          onBlur?.(e);
        }}
        onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
          if (e.key === 'Enter') settle();
          onKeyDown?.(e);
        }}
      />
      {quiet ? null : (
        <span id={hintId} className="field-hint" aria-live="polite">
          {bad ? explain() : ''}
        </span>
      )}
    </>
  );
}
