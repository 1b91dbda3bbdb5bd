import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { keepValid, oneOf, shortString } from './persisted';

export type Lang = 'en' | 'zh';
export type ThemeChoice = 'system' | 'light' | 'dark' | 'contrast';
const LANGS: readonly Lang[] = ['en', 'zh'];
const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark', 'contrast'];
/** Where the engine computes: chosen for the reader ('auto'), or the reader's override. */
export type ComputeOn = 'auto' | 'webgpu' | 'wasm';
export const COMPUTE_ON: readonly ComputeOn[] = ['auto', 'webgpu', 'wasm'];

interface SettingsState {
  lang: Lang;
  theme: ThemeChoice;
  setLang: (lang: Lang) => void;
  setTheme: (theme: ThemeChoice) => void;
  /** Preferred language of code listings ('ts' or 'python'). */
  codeLang: string;
  setCodeLang: (lang: string) => void;
  /** The training view's "Compute on" menu; the page's engine follows it too when it starts. */
  computeOn: ComputeOn;
  setComputeOn: (c: ComputeOn) => void;
}

/** The remembered compute choice, 'auto' for anything unknown (an old or edited setting). */
export function computeOnSetting(): ComputeOn {
  const c = useSettings.getState().computeOn;
  return COMPUTE_ON.includes(c) ? c : 'auto';
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
      computeOn: 'auto',
      setComputeOn: (computeOn) => set({ computeOn: COMPUTE_ON.includes(computeOn) ? computeOn : 'auto' }),
    }),
    {
      name: 'cnn-book-settings',
      version: 1,
      merge: keepValid<SettingsState>({ lang: oneOf(LANGS), theme: oneOf(THEMES), codeLang: shortString, computeOn: oneOf(COMPUTE_ON) }),
    },
  ),
);

// A shared link's `?lang=` wins over the remembered choice from the very first render
// (App also follows it when the address changes later).
if (typeof location !== 'undefined') {
  const fromLink = new URLSearchParams(location.search).get('lang');
  if (fromLink === 'en' || fromLink === 'zh') useSettings.setState({ lang: fromLink });
}
