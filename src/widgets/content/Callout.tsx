import type { ReactNode } from 'react';
import { useTr } from '../common/i18n';

type Kind = 'note' | 'tip' | 'warning';

export function Callout({ kind = 'note', children }: { kind?: Kind; children?: ReactNode }) {
  const t = useTr();
  const titles: Record<Kind, string> = { note: t('Note', '说明'), tip: t('Tip', '提示'), warning: t('Warning', '警告') };
  const k: Kind = Object.prototype.hasOwnProperty.call(titles, kind) ? kind : 'note';
  return (
    <aside className={`callout callout-${k}`} aria-label={titles[k]}>
      <p className="callout-title">{titles[k]}</p>
      {children}
    </aside>
  );
}
