import { useEffect } from 'react';
import { chaptersFor, type Chapter } from './chapters';
import { closestChapters, type Named } from './closest';
import { ChapterView } from './ChapterView';
import { BackendBadge, CpuBanner } from './BackendBadge';
import { hrefFor, navigate, onLinkClick, useRoute } from './router';
import { useT, type StringKey } from './i18n';
import { useSettings, type Lang, type ThemeChoice } from '../stores/settings';
import { useProgress } from '../stores/progress';
import { useTheme } from './theme';
import { LabPage } from './LabPage';
import { Search } from './Search';
import { TeacherPage } from './TeacherPage';
import { TrainPage } from './TrainPage';
import { RenderBoundary } from '../mdx/boundary';
import { useMediaQuery } from '../widgets/common/useReducedMotion';

function Toc({ current }: { current: string }) {
  const lang = useSettings((s) => s.lang);
  const read = useProgress((s) => s.read);
  const t = useT();
  const chapters = chaptersFor(lang);
  return (
    <nav className="toc" aria-label={t('contents')}>
      <h2 className="toc-title">{t('contents')}</h2>
      <ol>
        {chapters.map((c) => (
          <li key={c.slug}>
            <a href={hrefFor(c.slug)} onClick={onLinkClick} aria-current={c.slug === current ? 'page' : undefined}>
              {c.title}
            </a>
            {read[c.slug] ? (
              <span
                className="toc-progress"
                role="progressbar"
                aria-label={`${t('readProgress')}${c.title}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(read[c.slug] * 100)}
              >
                <span style={{ width: `${Math.round(read[c.slug] * 100)}%` }} />
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <ul className="toc-extra">
        <li>
          <a href={hrefFor('lab')} onClick={onLinkClick} aria-current={current === 'lab' ? 'page' : undefined}>
            {t('lab')}
          </a>
        </li>
        <li>
          <a href={hrefFor('train')} onClick={onLinkClick} aria-current={current === 'train' ? 'page' : undefined}>
            {t('train')}
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** The theme menu's choices and their names. */
const THEMES: readonly (readonly [ThemeChoice, StringKey])[] = [
  ['system', 'themeSystem'],
  ['light', 'themeLight'],
  ['dark', 'themeDark'],
  ['contrast', 'themeContrast'],
];

function Controls() {
  const { lang, setLang, theme, setTheme } = useSettings();
  const t = useT();
  return (
    <div className="controls">
      <label>
        <span className="visually-hidden">{t('language')}</span>
        <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('language')}>
          <option value="en">English</option>
          <option value="zh">简体中文</option>
        </select>
      </label>
      <label>
        <span className="visually-hidden">{t('theme')}</span>
        <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} aria-label={t('theme')}>
          {THEMES.map(([value, label]) => (
            <option key={value} value={value}>
              {t(label)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/**
 * An address that names no chapter: one that names a chapter in another spelling
 * (`?c=13-resnet`, `?c=ResNet`) goes there; otherwise the page says what was asked for,
 * offers the nearest chapters (and the lab and training pages) by name, and leads back to
 * the start.
 */
function NotFound({ asked, chapters }: { asked: string; chapters: readonly Chapter[] }) {
  const t = useT();
  const pages: Named[] = [...chapters, { slug: 'lab', title: t('lab'), order: Infinity }, { slug: 'train', title: t('train'), order: Infinity }];
  const { exact, near } = closestChapters(asked, pages);
  const hash = useRoute().hash;
  useEffect(() => {
    if (exact) navigate(hrefFor(exact.slug, hash), true);
  }, [exact, hash]);
  if (exact) return null;
  return (
    <div className="not-found">
      <h1>{t('notFound')}</h1>
      <p>
        {t('notFoundAsked')}
        <code>{asked}</code>
        {t('notFoundEnd')}
      </p>
      {near.length ? (
        <>
          <p>{t('notFoundNear')}</p>
          <ul>
            {near.map((c) => (
              <li key={c.slug}>
                <a href={hrefFor(c.slug)} onClick={onLinkClick}>
                  {c.title}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href={hrefFor('')} onClick={onLinkClick}>
          {t('notFoundStart')}
        </a>
        {t('notFoundOr')}
      </p>
    </div>
  );
}

export function App() {
  const route = useRoute();
  const lang = useSettings((s) => s.lang);
  const t = useT();
  useTheme();
  // The one-column layout of styles.css (max-width: 48rem).
  const narrow = useMediaQuery('(max-width: 48rem)');
  const chapters = chaptersFor(lang);
  const page = route.page || chapters[0]?.slug || '';
  const index = chapters.findIndex((c) => c.slug === page);
  const chapter = chapters[index];

  // `?lang=zh` in a shared link opens the book in that language.
  const urlLang = route.params.get('lang');
  const setLang = useSettings((s) => s.setLang);
  useEffect(() => {
    if (urlLang === 'en' || urlLang === 'zh') setLang(urlLang);
  }, [urlLang, setLang]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    // Every page names itself in the tab (and in the history and bookmarks).
    const own = page === 'lab' ? t('labTitle') : page === 'train' ? t('train') : page === 'teacher' ? t('teacherView') : chapter ? chapter.title : t('notFound');
    document.title = `${own} · ${t('bookTitle')}`;
  }, [lang, page, chapter, t]);

  // Also on the layout, so that what widgets draw in their effects (which run before this
  // component's) already sees the reader's language in the DOM.
  return (
    <div className="layout" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <a className="skip-link" href="#main">
        {t('skip')}
      </a>
      <header className="site-header">
        <a className="site-title" href={hrefFor('')} onClick={onLinkClick}>
          {t('bookTitle')}
        </a>
        <BackendBadge />
        <Search />
        <Controls />
      </header>
      <CpuBanner />
      <aside className="sidebar">
        {narrow ? (
          // On a phone the contents come first in reading and tab order, folded to one line
          // (a new page opens with them folded again).
          <details className="toc-fold" key={page}>
            <summary>{t('contents')}</summary>
            <Toc current={page} />
          </details>
        ) : (
          <Toc current={page} />
        )}
      </aside>
      <main id="main" tabIndex={-1}>
        <RenderBoundary
          what="page"
          key={page}
          fallback={(retry) => (
            <div role="alert" className="error-box">
              <p>{t('pageError')}</p>
              <button onClick={retry}>{t('retry')}</button>
            </div>
          )}
        >
          {page === 'lab' ? (
            <LabPage />
          ) : page === 'train' ? (
            <TrainPage />
          ) : page === 'teacher' ? (
            <TeacherPage />
          ) : chapter ? (
            <ChapterView chapter={chapter} prev={chapters[index - 1]} next={chapters[index + 1]} anchor={route.hash} />
          ) : (
            <NotFound asked={page} chapters={chapters} />
          )}
        </RenderBoundary>
      </main>
    </div>
  );
}
