import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useSettings } from '../../stores/settings';

interface Props {
  id: string;
  children?: ReactNode;
  /** Numeric answer, or the 0-based index of the right choice. */
  answer: number | string;
  tolerance?: number;
  choices?: string[];
}

const T = {
  exercise: { en: 'Exercise', zh: '练习' },
  check: { en: 'Check', zh: '检查' },
  answer: { en: 'Your answer', zh: '你的答案' },
  right: { en: 'Correct.', zh: '正确。' },
  wrong: { en: 'Not quite — try again.', zh: '不对，再试一次。' },
  invalid: { en: 'Enter a number.', zh: '请输入一个数字。' },
  reveal: { en: 'Show the answer', zh: '显示答案' },
  is: { en: 'Answer: ', zh: '答案：' },
} as const;

/** An exercise whose answer the page checks: a number (with tolerance) or a multiple choice. */
export function Exercise({ id, children, answer, tolerance = 0, choices }: Props) {
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const [value, setValue] = useState('');
  const [verdict, setVerdict] = useState<'right' | 'wrong' | 'invalid' | null>(null);
  const [revealed, setRevealed] = useState(false);
  const check = (e: FormEvent) => {
    e.preventDefault();
    if (choices) {
      setVerdict(value === '' ? 'invalid' : Number(value) === Number(answer) ? 'right' : 'wrong');
      return;
    }
    const x = Number(value.trim().replace(/,/g, ''));
    if (value.trim() === '' || !Number.isFinite(x)) return setVerdict('invalid');
    if (typeof answer === 'string' && !Number.isFinite(Number(answer))) {
      return setVerdict(value.trim().toLowerCase() === answer.toLowerCase() ? 'right' : 'wrong');
    }
    setVerdict(Math.abs(x - Number(answer)) <= tolerance ? 'right' : 'wrong');
  };
  const shown = choices ? choices[Number(answer)] : String(answer);
  return (
    <form className="exercise" id={id} onSubmit={check} aria-labelledby={`${uid}-q`} data-exercise={id}>
      <div id={`${uid}-q`} className="exercise-question">
        <strong>{T.exercise[lang]}. </strong>
        {children}
      </div>
      {choices ? (
        <fieldset>
          <legend className="visually-hidden">{T.answer[lang]}</legend>
          {choices.map((c, i) => (
            <label key={i} className="choice">
              <input type="radio" name={`${uid}-choice`} value={i} checked={value === String(i)} onChange={() => setValue(String(i))} /> {c}
            </label>
          ))}
        </fieldset>
      ) : (
        <label>
          {T.answer[lang]}{' '}
          <input type="text" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
        </label>
      )}
      <div className="exercise-actions">
        <button type="submit">{T.check[lang]}</button>
        <button type="button" className="link-button" onClick={() => setRevealed(true)} aria-expanded={revealed}>
          {T.reveal[lang]}
        </button>
      </div>
      <p role="status" aria-live="polite" className={`verdict verdict-${verdict ?? 'none'}`}>
        {verdict ? T[verdict][lang] : ''}
      </p>
      {revealed && (
        <p className="exercise-answer">
          {T.is[lang]}
          {shown}
        </p>
      )}
    </form>
  );
}
