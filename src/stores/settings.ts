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
