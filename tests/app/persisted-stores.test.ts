import { afterEach, describe, expect, it, vi } from 'vitest';

/** A page's localStorage holding `items`, for a store module loaded afresh. */
function storageWith(items: Record<string, unknown>): Storage {
  const m = new Map(Object.entries(items).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
  };
}

async function loadWith(items: Record<string, unknown>) {
  vi.resetModules();
  // zustand reads window.localStorage.
  vi.stubGlobal('window', { localStorage: storageWith(items) });
  const [{ useProgress }, { useSettings }] = await Promise.all([import('../../src/stores/progress'), import('../../src/stores/settings')]);
  return { progress: useProgress.getState(), settings: useSettings.getState() };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('remembered state read back from storage', () => {
  it('reading progress keeps fractions from 0 to 1 and drops the rest', async () => {
    expect((await loadWith({ 'cnn-book-progress': { state: { read: null }, version: 1 } })).progress.read).toEqual({});
    expect((await loadWith({ 'cnn-book-progress': { state: { read: [0.5] }, version: 1 } })).progress.read).toEqual({});
    expect((await loadWith({ 'cnn-book-progress': { state: null, version: 1 } })).progress.read).toEqual({});
    const { progress } = await loadWith({ 'cnn-book-progress': { state: { read: { '08-lenet': 0.4, '13-resnet': 'half', x: 7, y: null, z: 1 } }, version: 1 } });
    expect(progress.read).toEqual({ '08-lenet': 0.4, z: 1 });
    expect(typeof progress.markRead).toBe('function');
  });

  it('settings take known languages, themes and compute choices only', async () => {
    const defaults = (await loadWith({})).settings;
    const bad = (await loadWith({ 'cnn-book-settings': { state: { lang: 'fr', theme: 'neon', codeLang: 7, computeOn: 'gpu' }, version: 1 } })).settings;
    expect([bad.lang, bad.theme, bad.codeLang, bad.computeOn]).toEqual([defaults.lang, defaults.theme, defaults.codeLang, defaults.computeOn]);
    const good = (await loadWith({ 'cnn-book-settings': { state: { lang: 'zh', theme: 'contrast', codeLang: 'python', computeOn: 'wasm', setLang: 'not a function' }, version: 1 } })).settings;
    expect([good.lang, good.theme, good.codeLang, good.computeOn]).toEqual(['zh', 'contrast', 'python', 'wasm']);
    expect(typeof good.setLang).toBe('function');
  });
});
