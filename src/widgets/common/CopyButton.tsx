import { useEffect, useRef, useState } from 'react';
import { useTr } from './i18n';

/**
 * Copies a listing's code to the clipboard and says so. Where the browser refuses (no
 * clipboard in an insecure page, permission denied), it selects the code instead, so that
 * the reader's own copy key takes it, and says that.
 */
export function CopyButton({ text }: { text: () => string }) {
  const t = useTr();
  const [said, setSaid] = useState<'copied' | 'select' | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!said) return;
    const timer = window.setTimeout(() => setSaid(null), 4000);
    return () => window.clearTimeout(timer);
  }, [said]);
  /** Selects the code of the listing this button belongs to (its editor's, or its block's). */
  const selectCode = () => {
    const box = button.current?.closest('.code-cell, .listing');
    const editor = box?.querySelector('textarea');
    if (editor) {
      editor.focus();
      editor.select();
      return;
    }
    const pre = box?.querySelector('pre');
    const selection = window.getSelection();
    if (!pre || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(pre);
    selection.removeAllRanges();
    selection.addRange(range);
  };
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text());
      setSaid('copied');
    } catch {
      selectCode();
      setSaid('select');
    }
  };
  return (
    <>
      <button type="button" ref={button} onClick={() => void copy()}>
        {t('Copy', '复制')}
      </button>
      <span role="status" className="copy-status">
        {said === 'copied' ? t('Copied.', '已复制。') : said === 'select' ? t('The browser would not copy: the code is selected, press Ctrl+C (⌘C on a Mac).', '浏览器未允许复制：代码已选中，请按 Ctrl+C（Mac 上按 ⌘C）。') : ''}
      </span>
    </>
  );
}
