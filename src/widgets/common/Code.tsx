import { useMemo } from 'react';
import { codeLang, highlight, type CodeLang } from './highlight';

/**
 * A listing's code, coloured by syntax (highlight.ts): one span a line, which presenter
 * mode sets as blocks so that a listing taller than the screen can be cut between its
 * lines. Its text is the code exactly, so copying it copies the code.
 */
export function Code({ code, lang, className }: { code: string; lang?: CodeLang; className?: string }) {
  const lines = useMemo(() => {
    const all = highlight(code, lang ?? codeLang(className));
    // A listing's last line break ends its last line; it opens no empty line.
    if (all.length > 1 && all[all.length - 1].length === 0) all.pop();
    return all;
  }, [code, lang, className]);
  return (
    <code className={className ?? (lang ? `language-${lang}` : undefined)}>
      {lines.map((tokens, i) => (
        <span key={i} className="code-line">
          {tokens.map((t, k) => (t.kind ? <span key={k} className={`tok-${t.kind}`}>{t.text}</span> : t.text))}
          {i < lines.length - 1 || code.endsWith('\n') ? '\n' : null}
        </span>
      ))}
    </code>
  );
}
