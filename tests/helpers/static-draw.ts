/**
 * A widget drawn once to static markup, in a chosen language and with widget settings in the
 * page's link, for tests of what a reader sees before any effect runs.
 *
 * A static rendering reads the language store's initial state, so a test file mocks the i18n
 * module with this helper's language:
 *
 *   vi.mock('../../src/widgets/common/i18n', (orig) => import('../helpers/static-draw').then((m) => m.i18nWithDrawLanguage(orig)));
 */
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type * as I18n from '../../src/widgets/common/i18n';

const lang = { current: 'en' as 'en' | 'zh' };

/** The i18n module whose hooks answer in the language `draw` was given. */
export async function i18nWithDrawLanguage(importOriginal: <T>() => Promise<T>) {
  const i18n = await importOriginal<typeof I18n>();
  return { ...i18n, useTr: () => i18n.trIn(lang.current), useLang: () => lang.current };
}

/** The widget as first drawn, in a language, with these widget settings in the page's link (`?w.<key>=<json>`). */
export function draw(el: ReactElement, { lang: language = 'en', link = {} }: { lang?: 'en' | 'zh'; link?: Record<string, unknown> } = {}): string {
  const url = new URL('http://localhost/');
  for (const [key, value] of Object.entries(link)) url.searchParams.set(`w.${key}`, JSON.stringify(value));
  vi.stubGlobal('window', { location: { href: url.href } });
  lang.current = language;
  try {
    return renderToStaticMarkup(el);
  } finally {
    lang.current = 'en';
  }
}
