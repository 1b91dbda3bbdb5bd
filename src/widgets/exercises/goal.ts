import type { Bilingual } from '../common/i18n';

/**
 * A goal a reader reaches by setting a widget: it reads the widget's live settings (its
 * URL key, shared with the widget on the page, with the widget's own defaults and
 * sanitiser) and decides from the engine's own result whether the goal is met. It also
 * says where the reader stands now.
 */
export interface Goal<T extends object> {
  /** The widget's URL key. */
  key: string;
  defaults: T;
  sanitize: (raw: unknown, defaults: T) => T;
  judge: (s: T) => { met: boolean; now: Bilingual };
}

/** The judgement of settings a widget itself would refuse. */
export const INVALID: Bilingual = { en: 'The widget\'s settings are not valid yet.', zh: '组件当前的设置还不合法。' };
