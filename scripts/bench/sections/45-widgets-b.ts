/**
 * Input-to-paint latency of the receptive-field, multichannel, parameters and
 * dense-vs-conv widgets: each widget is mounted as in the book, then 100 input changes
 * are made (a slider, a clicked cell, a typed kernel value, a radio button), each at a
 * random moment within a frame. For each change we time (a) the DOM showing the new
 * engine result (the output region back to data-state="ready" with different numbers)
 * and (b) the next frame after it, when the browser paints it. p50 and p95 in ms.
 */
import { createElement, type ComponentType } from 'react';
import { ReceptiveField } from '../../../src/widgets/receptive-field';
import { MultiChannel } from '../../../src/widgets/multichannel';
import { Parameters } from '../../../src/widgets/parameters';
import { DenseVsConv } from '../../../src/widgets/dense-vs-conv';
import { measureMounted, setValue, slider, timeChanges, until, widgetSection } from './_dom';
import type { SectionRow } from './types';

const CHANGES = 100;

interface Case {
  label: string;
  component: ComponentType;
  /** The output region (carries data-state) and the cells whose numbers the change alters. */
  region: string;
  cells: string;
  /** Untimed set-up once the widget is ready. */
  setup?(root: HTMLElement): void;
  change(root: HTMLElement, i: number): void;
}

const signature = (root: HTMLElement, c: Case) => [...root.querySelectorAll(c.cells)].map((e) => e.getAttribute('data-value')).join(',');
const isReady = (root: HTMLElement, c: Case) => root.querySelector(c.region)?.getAttribute('data-state') === 'ready';

const CASES: Case[] = [
  {
    label: 'receptive-field: move the input-size slider',
    component: ReceptiveField,
    region: '.rf-maps',
    cells: '.rf-maps [role="gridcell"]',
    change(root, i) {
      setValue(slider(root, 'Input size'), String(i % 2 ? 3 : 4));
    },
  },
  {
    label: 'receptive-field: click a cell (three 3x3 convs on 7x7)',
    component: ReceptiveField,
    region: '.rf-maps',
    cells: '.rf-maps [data-map="0"] [role="gridcell"]',
    setup(root) {
      [...root.querySelectorAll('button')].find((b) => b.textContent === 'Three 3×3 convs')!.click();
    },
    change(root, i) {
      root.querySelector<HTMLElement>(`.rf-maps [data-map="2"] [data-row="${i % 3}"][data-col="${(i + 1) % 3}"]`)!.click();
    },
  },
  {
    label: 'multichannel: type a kernel value',
    component: MultiChannel,
    region: '.mc-state',
    cells: 'figure[data-part="output"] td',
    change(root, i) {
      setValue(root.querySelector<HTMLInputElement>('input[aria-label="Kernel 1, channel 1, row 1, column 1"]')!, String(i % 2 ? 0 : 1));
    },
  },
  {
    label: 'multichannel: move the output-channels slider',
    component: MultiChannel,
    region: '.mc-state',
    cells: 'figure[data-part="output"] td',
    change(root, i) {
      setValue(slider(root, 'Output channels cₒ'), String(i % 2 ? 1 : 3));
    },
  },
  {
    label: 'parameters: pick another initialiser',
    component: Parameters,
    region: '.pm-layout',
    cells: '.pm-out, table[aria-label^="State dict entry"] td',
    change(root, i) {
      root.querySelector<HTMLInputElement>(`input[type="radio"][value="${i % 2 ? 'default' : 'normal'}"]`)!.click();
    },
  },
  {
    label: 'dense-vs-conv: move the hidden-units slider',
    component: DenseVsConv,
    region: '.dc-compare',
    cells: '[data-part="dense-params"]',
    change(root, i) {
      setValue(slider(root, 'Hidden units (dense)'), String(i % 2 ? 100 : 101));
    },
  },
];

function measure(c: Case, tag: string): Promise<SectionRow> {
  // Start from the widget's defaults (the notes' example), whatever an earlier case left in the URL.
  history.replaceState(null, '', location.pathname + location.search.replace(/[?&]w\.[^&]*/g, ''));
  return measureMounted(`${c.label} [${tag}]`, createElement(c.component), async (host) => {
    await until(host, () => isReady(host, c) && signature(host, c) !== '', 60_000);
    if (c.setup) {
      const before = signature(host, c);
      c.setup(host);
      await until(host, () => isReady(host, c) && signature(host, c) !== before, 60_000);
    }
    const change = (i: number) => {
      const before = signature(host, c);
      c.change(host, i);
      return () => isReady(host, c) && signature(host, c) !== before;
    };
    return timeChanges(host, CHANGES, change);
  });
}

export default widgetSection(
  `Widgets B: input change to output painted (${CHANGES} changes each)`,
  CASES,
  measure,
  "these widgets put their tiny tensors on the engine's CPU backend by choice (withBackend('cpu')), as the app does",
  ['the LeNet part of the receptive-field widget (page backend, Fashion-MNIST from public/data) is not measured here: the bench page does not serve the dataset'],
);
