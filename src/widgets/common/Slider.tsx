import { useId } from 'react';
import { notation } from './Notation';

interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange: (value: number) => void;
  /** Spoken and shown value, e.g. "3 × 3" or "stride 2". Defaults to the number. */
  format?: (value: number) => string;
  disabled?: boolean;
  /** Shown under the slider, e.g. why a value is not allowed. */
  hint?: string;
  /** 'problem' (default): the hint says what is wrong; 'note': it only explains the range. */
  hintTone?: 'problem' | 'note';
}

/**
 * A labelled range input. The native control gives role="slider", arrow keys,
 * Home/End and PageUp/PageDown, pointer and touch; we add aria-valuetext and a
 * visible readout.
 */
export function Slider({ label, value, min, max, step = 1, onChange, format, disabled, hint, hintTone = 'problem' }: SliderProps) {
  const id = useId();
  const text = format ? format(value) : String(value);
  return (
    <div className="slider">
      <label htmlFor={id}>{notation(label)}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-valuetext={text}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <output htmlFor={id} aria-hidden="true">
        {text}
      </output>
      {hint ? (
        <p id={`${id}-hint`} className={hintTone === 'note' ? 'slider-hint slider-note' : 'slider-hint'}>
          {notation(hint)}
        </p>
      ) : null}
    </div>
  );
}
