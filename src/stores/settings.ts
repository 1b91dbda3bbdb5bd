import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Lang = 'en' | 'zh';
export type ThemeChoice = 'system' | 'light' | 'dark' | 'contrast';

interface SettingsState {
  lang: Lang;
  theme: ThemeChoice;
  setLang: (lang: Lang) => void;
  setTheme: (theme: ThemeChoice) => void;
  /** Preferred language of code listings ('ts' or 'python'). */
  codeLang: string;
  setCodeLang: (lang: string) => void;
}

function initialLang(): Lang {
  if (typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language ?? '')) return 'zh';
  return 'en';
}

/** Reader preferences, remembered across visits. */
export const useSettings = create<SettingsState>()(
  persist(
    (set) => ({
      lang: initialLang(),
      theme: 'system',
      setLang: (lang) => set({ lang }),
      setTheme: (theme) => set({ theme }),
      codeLang: 'ts',
      setCodeLang: (codeLang) => set({ codeLang }),
    }),
    { name: 'cnn-book-settings', version: 1 },
  ),
);

// A shared link's `?lang=` wins over the remembered choice from the very first render
// (App also follows it when the address changes later).
if (typeof location !== 'undefined') {
  const fromLink = new URLSearchParams(location.search).get('lang');
  if (fromLink === 'en' || fromLink === 'zh') useSettings.setState({ lang: fromLink });
}
