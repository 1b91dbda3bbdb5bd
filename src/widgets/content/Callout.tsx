import type { ReactNode } from 'react';
import { useSettings } from '../../stores/settings';

const TITLES = {
  note: { en: 'Note', zh: '注意' },
  tip: { en: 'Tip', zh: '提示' },
  warning: { en: 'Warning', zh: '警告' },
} as const;

export function Callout({ kind = 'note', children }: { kind?: keyof typeof TITLES; children?: ReactNode }) {
  const lang = useSettings((s) => s.lang);
  const k = kind in TITLES ? kind : 'note';
  return (
    <aside className={`callout callout-${k}`} aria-label={TITLES[k][lang]}>
      <p className="callout-title">{TITLES[k][lang]}</p>
      {children}
    </aside>
  );
}
