import { useEffect, useId, useRef, useState } from 'react';
import { search, type SearchEntry, type SearchHit } from './search';
import { hrefFor, navigate } from './router';
import { useSettings } from '../stores/settings';

const T = {
  label: { en: 'Search the book', zh: '搜索全书' },
  placeholder: { en: 'Search…', zh: '搜索…' },
  none: { en: 'No section matches.', zh: '没有匹配的小节。' },
  count: { en: (n: number) => `${n} results`, zh: (n: number) => `${n} 个结果` },
} as const;

let index: Promise<SearchEntry[]> | null = null;
const loadIndex = () => (index ??= import('virtual:search-index').then((m) => m.default));

/** Client-side search across every chapter; the index loads on first focus. */
export function Search() {
  const lang = useSettings((s) => s.lang);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const id = useId();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    if (!query.trim()) {
      setHits([]);
      return;
    }
    loadIndex().then((entries) => {
      if (!live) return;
      setHits(search(entries, query, lang));
      setActive(0);
    });
    return () => {
      live = false;
    };
  }, [query, lang]);

  useEffect(() => {
    const close = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, []);

  const go = (h: SearchHit) => {
    setOpen(false);
    setQuery('');
    navigate(hrefFor(h.slug, h.id));
  };

  const showList = open && query.trim() !== '';
  return (
    <div className="search" role="search" ref={box}>
      <label htmlFor={id} className="visually-hidden">
        {T.label[lang]}
      </label>
      <input
        id={id}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-activedescendant={showList && hits[active] ? `${id}-hit-${active}` : undefined}
        aria-autocomplete="list"
        placeholder={T.placeholder[lang]}
        value={query}
        onFocus={() => {
          setOpen(true);
          void loadIndex();
        }}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, hits.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && hits[active]) {
            e.preventDefault();
            go(hits[active]);
          } else if (e.key === 'Escape') {
            setOpen(false);
          }
        }}
      />
      {showList ? (
        <div className="search-results">
          <p className="visually-hidden" role="status">
            {hits.length ? T.count[lang](hits.length) : T.none[lang]}
          </p>
          <ul id={`${id}-list`} role="listbox" aria-label={T.label[lang]}>
            {hits.length === 0 ? <li className="search-none">{T.none[lang]}</li> : null}
            {hits.map((h, i) => (
              <li
                key={`${h.slug}#${h.id}`}
                id={`${id}-hit-${i}`}
                role="option"
                aria-selected={i === active}
                onPointerDown={(e) => e.preventDefault()}
                onClick={() => go(h)}
              >
                <span className="search-title">
                  {h.chapter}
                  {h.title !== h.chapter ? ` › ${h.title}` : ''}
                </span>
                <span className="search-snippet">{h.snippet}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
