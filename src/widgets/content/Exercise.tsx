import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTr } from '../common/i18n';

interface Props {
  id: string;
  children?: ReactNode;
  /** Numeric answer, or the 0-based index of the right choice. */
  answer: number | string;
  tolerance?: number;
  choices?: string[];
}

/** An exercise whose answer the page checks: a number (with tolerance) or a multiple choice. */
export function Exercise({ id, children, answer, tolerance = 0, choices }: Props) {
  const t = useTr();
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
  const verdicts = { right: t('Correct.', '正确。'), wrong: t('Not quite — try again.', '不对，再试一次。'), invalid: t('Enter a number.', '请输入一个数字。') };
  const yourAnswer = t('Your answer', '你的答案');
  return (
    <form className="exercise" id={id} onSubmit={check} aria-labelledby={`${uid}-q`} data-exercise={id}>
      <div id={`${uid}-q`} className="exercise-question">
        <strong>{t('Exercise', '练习')}. </strong>
        {children}
      </div>
      {choices ? (
        <fieldset>
          <legend className="visually-hidden">{yourAnswer}</legend>
          {choices.map((c, i) => (
            <label key={i} className="choice">
              <input type="radio" name={`${uid}-choice`} value={i} checked={value === String(i)} onChange={() => setValue(String(i))} /> {c}
            </label>
          ))}
        </fieldset>
      ) : (
        <label>
          {yourAnswer}{' '}
          <input type="text" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
        </label>
      )}
      <div className="exercise-actions">
        <button type="submit">{t('Check', '检查')}</button>
        <button type="button" className="link-button" onClick={() => setRevealed(true)} aria-expanded={revealed}>
          {t('Show the answer', '显示答案')}
        </button>
      </div>
      <p role="status" aria-live="polite" className={`verdict verdict-${verdict ?? 'none'}`}>
        {verdict ? verdicts[verdict] : ''}
      </p>
      {revealed && (
        <p className="exercise-answer">
          {t('Answer: ', '答案：')}
          {shown}
        </p>
      )}
    </form>
  );
}
