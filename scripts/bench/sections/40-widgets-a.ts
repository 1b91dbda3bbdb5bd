/**
 * Input-to-paint latency of the corr2d, learn-kernel, padding-stride and pooling
 * widgets: each widget is mounted on the bench page as in the book, then 100 input
 * changes are made (a typed cell, a slider, a button) at the start of a frame, as
 * Chromium delivers a dragging pointer, then 100 more at random moments, as key presses
 * arrive. For each change we time (a) the DOM showing the new engine result and
 * (b) the end of the rendering of the first frame that shows it (see _dom.ts).
 */
import { createElement, type ComponentType } from 'react';
import { Corr2d } from '../../../src/widgets/corr2d';
import { LearnKernel } from '../../../src/widgets/learn-kernel';
import { PaddingStride } from '../../../src/widgets/padding-stride';
import { Pooling } from '../../../src/widgets/pooling';
import { measureMounted, setValue, slider, timeChanges, until, widgetSection } from './_dom';
import type { SectionRow } from './types';

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
    if (!figs.length) return false;
    return (figs[0] as HTMLElement).dataset.resultSeq !== before;
  };
}
const seqOf = (root: HTMLElement) => (root.querySelector('figure[data-result-seq]') as HTMLElement | null)?.dataset.resultSeq ?? '';
const settledNow = (root: HTMLElement) => !!root.querySelector('figure[data-result-seq] table');

/** A case that sets one input of the widget to `even` on even changes and to `odd` on odd ones. */
function inputCase(label: string, component: ComponentType, input: (root: HTMLElement) => HTMLInputElement, [even, odd]: [number, number]): Case {
  return {
    label,
    component: component as ComponentType<Record<string, unknown>>,
    ready: settledNow,
    change(root, i) {
      const before = seqOf(root);
      setValue(input(root), String(i % 2 ? odd : even));
      return resultShown(root, before);
    },
  };
}

const CASES: Case[] = [
  inputCase('corr2d: type a value into X', Corr2d, (root) => root.querySelector<HTMLInputElement>('table[aria-label="Input X"] td[data-row="0"][data-col="2"] input')!, [1, 0]),
  inputCase('padding-stride: move the stride slider', PaddingStride, (root) => slider(root, 'Stride s_w'), [2, 1]),
  inputCase('pooling: move the stride slider', Pooling, (root) => slider(root, 'Stride across'), [1, 2]),
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

function measure(c: Case, tag: string): Promise<SectionRow> {
  return measureMounted(`${c.label} [${tag}]`, createElement(c.component, { stateKey: `bench-${tag}-${c.label.split(':')[0]}` }), async (host) => {
    await until(host, () => c.ready(host), 60_000);
    const between = async (i: number) => {
      if (c.label.startsWith('learn-kernel') && i > 0 && i % 50 === 0) {
        // Start again before the epoch limit (not timed).
        [...host.querySelectorAll('button')].find((b) => b.textContent === 'Reset')!.click();
        await until(host, () => host.querySelector<HTMLElement>('figure[data-epoch]')?.dataset.epoch === '0' && !!host.querySelector('table[aria-label="Learned kernel"]'));
      }
    };
    return timeChanges(host, CHANGES, (i) => c.change(host, i), between);
  });
}

export default widgetSection(
  `Widgets A: input change to output painted (${CHANGES} changes each)`,
  CASES,
  measure,
  "these widgets compute on the engine's CPU backend by choice (small tensors), synchronously, as the app does",
);
