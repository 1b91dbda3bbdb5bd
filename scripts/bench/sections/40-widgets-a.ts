/**
 * Input-to-paint latency of the corr2d, learn-kernel, padding-stride and pooling
 * widgets: each widget is mounted on the bench page as in the book, then 100 input
 * changes are made (a typed cell, a slider, a button), each at a random moment within
 * a frame. For each change we time (a) the DOM showing the new engine result and
 * (b) the next frame after it, when the browser paints it. p50 and p95 in ms.
 */
import { createElement, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { Corr2d } from '../../../src/widgets/corr2d';
import { LearnKernel } from '../../../src/widgets/learn-kernel';
import { PaddingStride } from '../../../src/widgets/padding-stride';
import { Pooling } from '../../../src/widgets/pooling';
import { startEngine } from '../../../src/widgets/common/engine';
import { setBackend } from '../../../src/engine';
import { nextPaint, pct, setValue, sleep, until } from './_dom';
import type { BenchSection, SectionRow } from './types';

const CHANGES = 100;

interface Case {
  label: string;
  component: ComponentType<Record<string, unknown>>;
  /** Makes change i; returns a predicate that is true once its result is shown. */
  change(root: HTMLElement, i: number): () => boolean;
  ready(root: HTMLElement): boolean;
}

/** The widget's result figures have caught up with its settings (and their number changed). */
function resultShown(root: HTMLElement, before: string): () => boolean {
  return () => {
    const figs = root.querySelectorAll('figure[data-result-seq]');
    if (!figs.length || root.querySelector('figure[data-pending]')) return false;
    return (figs[0] as HTMLElement).dataset.resultSeq !== before;
  };
}
const seqOf = (root: HTMLElement) => (root.querySelector('figure[data-result-seq]') as HTMLElement | null)?.dataset.resultSeq ?? '';
const settledNow = (root: HTMLElement) => !!root.querySelector('figure[data-result-seq] table') && !root.querySelector('figure[data-pending]');

function slider(root: HTMLElement, name: string): HTMLInputElement {
  const label = [...root.querySelectorAll('label')].find((l) => l.textContent === name);
  const el = label ? (document.getElementById(label.htmlFor) as HTMLInputElement | null) : null;
  if (!el) throw new Error(`no slider '${name}'`);
  return el;
}

const CASES: Case[] = [
  {
    label: 'corr2d: type a value into X',
    component: Corr2d as ComponentType<Record<string, unknown>>,
    ready: settledNow,
    change(root, i) {
      const before = seqOf(root);
      const cell = root.querySelector<HTMLInputElement>('table[aria-label="Input X"] td[data-row="0"][data-col="2"] input')!;
      setValue(cell, String(i % 2 ? 0 : 1));
      return resultShown(root, before);
    },
  },
  {
    label: 'padding-stride: move the stride slider',
    component: PaddingStride as ComponentType<Record<string, unknown>>,
    ready: settledNow,
    change(root, i) {
      const before = seqOf(root);
      setValue(slider(root, 'Stride s_w'), String(i % 2 ? 1 : 2));
      return resultShown(root, before);
    },
  },
  {
    label: 'pooling: move the stride slider',
    component: Pooling as ComponentType<Record<string, unknown>>,
    ready: settledNow,
    change(root, i) {
      const before = seqOf(root);
      setValue(slider(root, 'Stride across'), String(i % 2 ? 2 : 1));
      return resultShown(root, before);
    },
  },
  {
    label: 'learn-kernel: train one epoch',
    component: LearnKernel as ComponentType<Record<string, unknown>>,
    ready: (root) => !!root.querySelector('table[aria-label="Learned kernel"]'),
    change(root) {
      const fig = root.querySelector<HTMLElement>('figure[data-epoch]')!;
      const before = fig.dataset.epoch;
      const button = [...root.querySelectorAll('button')].find((b) => b.textContent === 'One epoch')!;
      button.click();
      return () => root.querySelector<HTMLElement>('figure[data-epoch]')?.dataset.epoch !== before;
    },
  },
];

async function measure(c: Case, tag: string): Promise<SectionRow> {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  root.render(createElement(c.component, { stateKey: `bench-${tag}-${c.label.split(':')[0]}` }));
  try {
    await until(host, () => c.ready(host), 60_000);
    const commit: number[] = [];
    const paint: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      if (c.label.startsWith('learn-kernel') && i > 0 && i % 50 === 0) {
        // Start again before the epoch limit (not timed).
        [...host.querySelectorAll('button')].find((b) => b.textContent === 'Reset')!.click();
        await until(host, () => host.querySelector<HTMLElement>('figure[data-epoch]')?.dataset.epoch === '0' && !!host.querySelector('table[aria-label="Learned kernel"]'));
      }
      // A random moment within the frame, like a real hand on the slider.
      await nextPaint();
      await sleep(Math.random() * 14);
      const t0 = performance.now();
      const shown = c.change(host, i);
      const t1 = await until(host, shown);
      const t2 = await nextPaint();
      commit.push(t1 - t0);
      paint.push(t2 - t0);
    }
    return {
      label: `${c.label} [${tag}]`,
      values: { 'result p50': pct(commit, 50), 'result p95': pct(commit, 95), 'painted p50': pct(paint, 50), 'painted p95': pct(paint, 95) },
    };
  } catch (e) {
    return { label: `${c.label} [${tag}]`, values: { error: (e as Error).message } };
  } finally {
    root.unmount();
    host.remove();
  }
}

const section: BenchSection = {
  title: `Widgets A: input change to output painted (${CHANGES} changes each)`,
  async run() {
    const status = await startEngine();
    const rows: SectionRow[] = [];
    for (const c of CASES) rows.push(await measure(c, status.name ?? 'page'));
    // For comparison only: the same widgets with the whole engine on the CPU backend
    // (the app cannot do this per widget until the engine offers a per-call backend).
    await setBackend('cpu');
    try {
      for (const c of CASES) rows.push(await measure(c, 'cpu'));
    } finally {
      if (status.name === 'webgpu') await setBackend('webgpu').catch(() => setBackend('cpu'));
    }
    return {
      title: this.title,
      rows,
      notes: [
        `page backend: ${status.name}${status.reason ? ` (${status.reason})` : ''}; [cpu] rows: the same widgets with the engine switched to its CPU backend, for comparison`,
        "ms from the input event to the DOM showing the engine's result, and to the next painted frame after it",
        'target: painted p95 ≤ 16 ms on SwiftShader (a frame is 16.7 ms, so "painted" includes waiting for the frame)',
      ],
    };
  },
};

export default section;
