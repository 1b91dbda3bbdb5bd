import { Suspense, useCallback, useEffect, useMemo, useRef, type ComponentType } from 'react';
import { renewableLazy } from '../mdx/renewable-lazy';
import { RenderBoundary } from '../mdx/boundary';
import { usePresenterMode } from './presenter';
import { mdxComponents } from '../mdx/components';
import type { Chapter } from './chapters';
import { hrefFor, navigate, onLinkClick } from './router';
import { useT } from './i18n';
import { useProgress } from '../stores/progress';

type ChapterBody = ComponentType<{ components?: Record<string, unknown> }>;
const cache = new Map<string, ChapterBody>();
/** The chapter's body, loaded on first render (and again after a failed load, on "Try again"). */
function lazyChapter(c: Chapter) {
  const key = `${c.lang}/${c.slug}`;
  let comp = cache.get(key);
  if (!comp) {
    comp = renewableLazy(async () => (await c.load()).default);
    cache.set(key, comp);
  }
  return comp;
}

export function ChapterView({ chapter, prev, next, anchor }: { chapter: Chapter; prev?: Chapter; next?: Chapter; anchor: string }) {
  const t = useT();
  const Body = useMemo(() => lazyChapter(chapter), [chapter]);
  const ref = useRef<HTMLElement>(null);
  const markRead = useProgress((s) => s.markRead);
  const bodyRef = useRef<HTMLDivElement>(null);
  const goNext = useCallback(() => next && navigate(hrefFor(next.slug)), [next]);
  const goPrev = useCallback(() => prev && navigate(hrefFor(prev.slug)), [prev]);
  const presenter = usePresenterMode(bodyRef, chapter.slug, chapter.lang, next?.title ?? null, goNext, goPrev);

  // Scroll to the section named in the URL once the chapter has rendered.
  useEffect(() => {
    if (!anchor) {
      window.scrollTo(0, 0);
      return;
    }
    let tries = 0;
    const timer = window.setInterval(() => {
      const el = document.getElementById(anchor);
      if (el || ++tries > 50) {
        window.clearInterval(timer);
        el?.scrollIntoView({ block: 'start' });
      }
    }, 50);
    return () => window.clearInterval(timer);
  }, [chapter, anchor]);

  // Remember how far the reader got in this chapter.
  useEffect(() => {
    const onScroll = () => {
      const el = ref.current;
      if (!el) return;
      const rect = el.getBoundingClientRect();
      const seen = (window.innerHeight - rect.top) / Math.max(1, rect.height);
      markRead(chapter.slug, seen);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, [chapter, markRead]);

  return (
    <article ref={ref} className="chapter" lang={chapter.lang === 'zh' ? 'zh-CN' : 'en'} data-chapter={chapter.slug}>
      <RenderBoundary
        what="chapter"
        key={`${chapter.lang}/${chapter.slug}`}
        fallback={(retry) => (
          <div role="alert" className="error-box">
            <p>{t('chapterLoadError')}</p>
            <button onClick={retry}>{t('retry')}</button>
          </div>
        )}
      >
        <PresenterBar presenter={presenter} slug={chapter.slug} />
        <div className="chapter-body" ref={bodyRef}>
          <Suspense fallback={<p className="loading">{t('loading')}</p>}>
            <Body components={mdxComponents} />
          </Suspense>
        </div>
      </RenderBoundary>
      <nav className="prev-next" aria-label={`${t('previous')} / ${t('next')}`}>
        {prev ? (
          <a href={hrefFor(prev.slug)} onClick={onLinkClick} rel="prev">
            ← {t('previous')}{t('colon')}{prev.title}
          </a>
        ) : (
          <span />
        )}
        {next ? (
          <a href={hrefFor(next.slug)} onClick={onLinkClick} rel="next">
            {t('next')}{t('colon')}{next.title} →
          </a>
        ) : null}
      </nav>
    </article>
  );
}

function PresenterBar({ presenter, slug }: { presenter: ReturnType<typeof usePresenterMode>; slug: string }) {
  const t = useT();
  const openTeacher = () => window.open(hrefFor('teacher'), 'cnn-book-teacher', 'popup,width=900,height=700');
  return (
    <div className="presenter-bar" role="toolbar" aria-label={t('presenter')} data-slug={slug}>
      <button type="button" aria-pressed={presenter.on} onClick={() => presenter.setOn(!presenter.on)} aria-keyshortcuts="P">
        {presenter.on ? t('presentStop') : t('presentStart')}
      </button>
      <button type="button" onClick={openTeacher}>
        {t('teacherView')}
      </button>
      {presenter.on ? (
        <>
          <button type="button" className="presenter-move" onClick={() => presenter.move(-1)} aria-keyshortcuts="ArrowLeft PageUp" title={t('presentPrevKeys')}>
            <span aria-hidden="true">←</span> <span className="presenter-move-text">{t('teacherPrev')}</span>
          </button>
          <button type="button" className="presenter-move" onClick={() => presenter.move(1)} aria-keyshortcuts="ArrowRight PageDown Space" title={t('presentNextKeys')}>
            <span className="presenter-move-text">{t('teacherFwd')}</span> <span aria-hidden="true">→</span>
          </button>
          <span className="presenter-position" role="status" data-step={presenter.step}>
            {presenter.step + 1} / {presenter.total}
          </span>
        </>
      ) : null}
    </div>
  );
}
