import { Children, isValidElement, useEffect, useId, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import { useSettings } from '../../stores/settings';
import { useTr } from '../common/i18n';
import { CodeCell } from '../code-cell/CodeCell';
import { listingKey } from '../code-cell/cells';
import { CopyButton } from '../common/CopyButton';

/** Tab names in English and Chinese, by fence language. */
const TYPESCRIPT: [string, string] = ['TypeScript (this engine)', 'TypeScript（本书引擎）'];
const PYTORCH: [string, string] = ['PyTorch', 'PyTorch'];
const LABELS: Record<string, [string, string]> = { ts: TYPESCRIPT, typescript: TYPESCRIPT, python: PYTORCH, py: PYTORCH };

function languageOf(node: ReactNode): string {
  // MDX renders a fenced block as <pre><code className="language-xx">.
  if (!isValidElement(node)) return 'text';
  const props = node.props as { className?: string; children?: ReactNode };
  const m = /language-(\w+)/.exec(props.className ?? '');
  if (m) return m[1];
  const child = Children.toArray(props.children)[0];
  return child ? languageOf(child) : 'text';
}

/** The text of a fenced block (`<pre><code>text</code></pre>`). */
export function codeText(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(codeText).join('');
  if (!isValidElement(node)) return '';
  return codeText((node.props as { children?: ReactNode }).children);
}

const RUNNABLE = new Set(['ts', 'typescript']);
const PYTHON = new Set(['python', 'py']);


interface Recorded {
  torch: string;
  outputs: Record<string, string>;
}
/** The recorded PyTorch outputs, fetched once, when a PyTorch tab is first shown. */
let recorded: Promise<Recorded> | null = null;
const loadRecorded = () => (recorded ??= import('../code-cell/pytorch-outputs.json').then((m) => m.default as Recorded));

/** What a PyTorch listing printed when the book was built (scripts/record-listings.py). */
function RecordedOutput({ code }: { code: string }) {
  const t = useTr();
  const [found, setFound] = useState<{ torch: string; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    loadRecorded().then(
      (r) => {
        const text = r.outputs[listingKey(code)];
        if (live && text) setFound({ torch: r.torch, text });
      },
      () => {
        recorded = null; // offline and not cached: try again next time
      },
    );
    return () => {
      live = false;
    };
  }, [code]);
  if (!found) return null;
  return (
    <div className="code-cell">
      <div className="cell-output cell-recorded">
        <p className="cell-note">{t(`Output (recorded with PyTorch ${found.torch})`, `输出（用 PyTorch ${found.torch} 记录）`)}</p>
        <pre className="cell-line cell-out">{found.text}</pre>
      </div>
    </div>
  );
}

/** Code listings in several languages as keyboard-operable tabs (WAI-ARIA tabs pattern). */
export function CodeTabs({ children }: { children?: ReactNode }) {
  const blocks = Children.toArray(children).filter(isValidElement) as ReactElement[];
  const langs = blocks.map(languageOf);
  // Each listing's code, without the line break that ends a fenced block.
  const codes = blocks.map((b) => codeText(b).replace(/\n$/, ''));
  const preferred = useSettings((s) => s.codeLang);
  const setPreferred = useSettings((s) => s.setCodeLang);
  const t = useTr();
  const initial = Math.max(0, langs.findIndex((l) => LABELS[l] === LABELS[preferred]));
  const [active, setActive] = useState(initial);
  const id = useId();
  const choose = (i: number) => {
    setActive(i);
    setPreferred(langs[i]);
  };
  const onKey = (e: KeyboardEvent) => {
    const last = blocks.length - 1;
    const next = { ArrowRight: active === last ? 0 : active + 1, ArrowLeft: active === 0 ? last : active - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    choose(next);
    document.getElementById(`${id}-tab-${next}`)?.focus();
  };
  return (
    <div className="code-tabs">
      <div role="tablist" aria-label={t('Code language', '代码语言')} onKeyDown={onKey}>
        {langs.map((l, i) => (
          <button
            key={i}
            role="tab"
            id={`${id}-tab-${i}`}
            aria-selected={i === active}
            aria-controls={`${id}-panel-${i}`}
            tabIndex={i === active ? 0 : -1}
            onClick={() => choose(i)}
          >
            {LABELS[l] ? t(...LABELS[l]) : l}
          </button>
        ))}
      </div>
      {blocks.map((b, i) => (
        <div key={i} role="tabpanel" id={`${id}-panel-${i}`} aria-labelledby={`${id}-tab-${i}`} hidden={i !== active}>
          {RUNNABLE.has(langs[i]) ? (
            <CodeCell code={codes[i]}>{b}</CodeCell>
          ) : PYTHON.has(langs[i]) ? (
            <>
              <div className="listing">
                {b}
                <div className="cell-toolbar" role="toolbar" aria-label={t('Code', '代码')}>
                  <CopyButton text={() => codes[i]} />
                </div>
              </div>
              {i === active && <RecordedOutput code={codes[i]} />}
            </>
          ) : (
            b
          )}
        </div>
      ))}
    </div>
  );
}
