import { useEffect, useRef, useState } from 'react';
import { PRESENTER_CHANNEL, type PresenterMessage } from '../stores/presenter';
import { useT } from './i18n';
import { clock } from './presenter-clock';

type State = Extract<PresenterMessage, { type: 'state' }>;

/** The teacher's second window: notes for the step on the projector and what comes next. */
export function TeacherPage() {
  const t = useT();
  const [state, setState] = useState<State | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const channel = useRef<BroadcastChannel | null>(null);

  // The clock: the time since the presentation started, which the projected window keeps
  // across its own reloads (it says so again in every state it sends).
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

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
      <h1>{t('teacherView')}</h1>
      {!state || !current ? (
        <>
          <p role="status">{t('teacherWaiting')}</p>
          <section aria-labelledby="teacher-how">
            <h2 id="teacher-how">{t('teacherHowTitle')}</h2>
            <ol>
              <li>{t('teacherHow1')}</li>
              <li>{t('teacherHow2')}</li>
              <li>{t('teacherHow3')}</li>
            </ol>
          </section>
        </>
      ) : (
        <>
          <p className="teacher-position" role="status" data-step={state.step} data-total={state.steps.length}>
            {state.slug} · {state.step + 1} / {state.steps.length}
            {state.pages > 1 ? ` · ${t('teacherPage')} ${state.page + 1} / ${state.pages}` : ''}
          </p>
          <p className="teacher-clock">
            {t('teacherElapsed')}:{' '}
            <time data-testid="teacher-elapsed" dateTime={`PT${Math.max(0, Math.floor((now - (state.startedAt ?? now)) / 1000))}S`}>
              {clock(now - (state.startedAt ?? now))}
            </time>
            {state.on ? null : <span className="teacher-off"> · {t('teacherNotPresenting')}</span>}
          </p>
          <section aria-labelledby="teacher-now">
            <h2 id="teacher-now">
              {t('teacherNow')}: {current.title}
              {current.kind === 'widget' ? ` (${t('teacherWidget')})` : ''}
            </h2>
            <h3 className="teacher-notes-title">{t('teacherNotes')}</h3>
            <p className="teacher-notes" data-testid="teacher-notes">
              {current.text || t('teacherNoNotes')}
            </p>
          </section>
          <section aria-labelledby="teacher-next">
            <h2 id="teacher-next">{t('teacherNext')}</h2>
            <p data-testid="teacher-next">
              {upcoming ? upcoming.title : state.nextChapter ? `${t('teacherNextChapter')}: ${state.nextChapter}` : t('teacherEnd')}
            </p>
          </section>
          <div className="teacher-actions">
            <button type="button" onClick={() => send({ type: 'move', direction: -1 })}>
              ← {t('teacherPrev')}
            </button>
            <button type="button" onClick={() => send({ type: 'move', direction: 1 })}>
              {t('teacherFwd')} →
            </button>
          </div>
          <nav aria-label={t('teacherSteps')}>
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
