import type { ReactNode } from 'react';
import { useT, type StringKey } from './i18n';

/** A page of tools outside the chapters (the lab, the training page): a title, what the page is for, then the tools. */
export function ToolPage({ page, title, intro, children }: { page: string; title: StringKey; intro: StringKey; children: ReactNode }) {
  const t = useT();
  return (
    <article className={`chapter ${page}`} data-chapter={page}>
      <h1>{t(title)}</h1>
      <p>{t(intro)}</p>
      {children}
    </article>
  );
}
