/**
 * Runs once before the suite: the backend probe, as a first visit runs it, and the
 * verdicts it remembers (the page's in localStorage, the training worker's in
 * IndexedDB) saved as the storage every other test starts from. A returning reader's
 * browser holds the same verdicts; without them each test would run the probe again
 * (about seven seconds of CPU on SwiftShader), and the probe itself is the subject of
 * backend-choice.spec.ts, which starts without them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test as setup, expect } from '@playwright/test';
import { PROBE_STATE } from './probe-state';
import { PROBE_KEY_PREFIX } from '../src/engine/choose';

/**
 * The keys under which a probe's verdict is remembered (probeCacheKey): in the worker's
 * IndexedDB as they are, in the page's localStorage behind the book's `cnn-book-` prefix.
 */
const isVerdict = (key: unknown) => typeof key === 'string' && (key.startsWith(PROBE_KEY_PREFIX) || key.startsWith(`cnn-book-${PROBE_KEY_PREFIX}`));

/** An origin's storage as `storageState({ indexedDB: true })` gives it (its type names only localStorage). */
interface Origin {
  origin: string;
  localStorage: { name: string; value: string }[];
  indexedDB?: { name: string; version: number; stores: { name: string; records: { key?: unknown }[] }[] }[];
}

setup('the backend probe runs once and its verdicts are kept for the suite', async ({ page, context }) => {
  setup.setTimeout(180_000);
  // The training worker probes when the training view mounts.
  await page.goto('./?c=train&lang=en');
  await expect(page.locator('[data-widget="train-model"] .widget-backend')).not.toHaveAttribute('data-computed-by', 'idle', { timeout: 120_000 });
  // The page's engine probes when the LeNet part of the receptive-field widget first needs the GPU.
  await page.goto('./?c=lenet&lang=en');
  const lenet = page.locator('.rf-lenet');
  for (let i = 0; i < 200 && !(await lenet.count()); i++) await page.mouse.wheel(0, 600);
  await lenet.scrollIntoViewIfNeeded();
  await expect(page.locator('[data-widget="receptive-field"] .widget-backend')).toHaveAttribute('data-computed-by', /^(webgpu|wasm|cpu)$/, { timeout: 120_000 });

  const state = (await context.storageState({ indexedDB: true })) as unknown as { origins: Origin[] };
  const origins = state.origins.map((o) => ({
    ...o,
    localStorage: o.localStorage.filter((e) => isVerdict(e.name)),
    // Every database and store is kept (the app opens them at their version), with only the verdicts in them.
    indexedDB: (o.indexedDB ?? []).map((db) => ({ ...db, stores: db.stores.map((s) => ({ ...s, records: s.records.filter((r) => isVerdict(r.key)) })) })),
  }));
  const kept = origins.reduce((n, o) => n + o.localStorage.length + o.indexedDB.reduce((m, db) => m + db.stores.reduce((k, s) => k + s.records.length, 0), 0), 0);
  // One verdict from the page, one from the worker.
  expect(kept).toBe(2);
  mkdirSync(dirname(PROBE_STATE), { recursive: true });
  writeFileSync(PROBE_STATE, JSON.stringify({ cookies: [], origins }));
});
