import { useEffect, useRef, useState } from 'react';
import { PRESENTER_CHANNEL, type PresenterMessage } from '../stores/presenter';
import { useSettings } from '../stores/settings';

type State = Extract<PresenterMessage, { type: 'state' }>;

const T = {
  title: { en: 'Teacher view', zh: '教师视图' },
  waiting: { en: 'Waiting for the projected window… Open a chapter there and press P.', zh: '等待投影窗口……请在那里打开一章并按 P。' },
  now: { en: 'Now showing', zh: '当前显示' },
  next: { en: 'Up next', zh: '接下来' },
  nextChapter: { en: 'Next chapter', zh: '下一章' },
  end: { en: 'End of the book.', zh: '全书结束。' },
  prev: { en: 'Previous step', zh: '上一步' },
  fwd: { en: 'Next step', zh: '下一步' },
  steps: { en: 'All steps', zh: '全部步骤' },
  widget: { en: 'widget', zh: '组件' },
} as const;

/** The teacher's second window: notes for the step on the projector and what comes next. */
export function TeacherPage() {
  const lang = useSettings((s) => s.lang);
  const [state, setState] = useState<State | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);

  useEffect(() => {
    const c = new BroadcastChannel(PRESENTER_CHANNEL);
    channel.current = c;
    c.onmessage = (e: MessageEvent<PresenterMessage>) => {
      if (e.data.type === 'state') setState(e.data);
    };
    c.postMessage({ type: 'hello' } satisfies PresenterMessage);
    return () => c.close();
  }, []);

  const send = (m: PresenterMessage) => channel.current?.postMessage(m);
  const current = state?.steps[state.step];
  const upcoming = state ? state.steps[state.step + 1] : undefined;

  return (
    <article className="chapter teacher" data-chapter="teacher">
      <h1>{T.title[lang]}</h1>
      {!state || !current ? (
        <p role="status">{T.waiting[lang]}</p>
      ) : (
        <>
          <p className="teacher-position" role="status" data-step={state.step} data-total={state.steps.length}>
            {state.slug} · {state.step + 1} / {state.steps.length}
          </p>
          <section aria-labelledby="teacher-now">
            <h2 id="teacher-now">
              {T.now[lang]}: {current.title}
              {current.kind === 'widget' ? ` (${T.widget[lang]})` : ''}
            </h2>
            <p className="teacher-notes">{current.text}</p>
          </section>
          <section aria-labelledby="teacher-next">
            <h2 id="teacher-next">{T.next[lang]}</h2>
            <p data-testid="teacher-next">
              {upcoming ? upcoming.title : state.nextChapter ? `${T.nextChapter[lang]}: ${state.nextChapter}` : T.end[lang]}
            </p>
          </section>
          <div className="teacher-actions">
            <button type="button" onClick={() => send({ type: 'move', direction: -1 })}>
              ← {T.prev[lang]}
            </button>
            <button type="button" onClick={() => send({ type: 'move', direction: 1 })}>
              {T.fwd[lang]} →
            </button>
          </div>
          <nav aria-label={T.steps[lang]}>
            <ol className="teacher-steps">
              {state.steps.map((s, i) => (
                <li key={i}>
                  <button type="button" aria-current={i === state.step ? 'step' : undefined} onClick={() => send({ type: 'go', step: i })}>
                    {s.title || '—'}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
        </>
      )}
    </article>
  );
}
