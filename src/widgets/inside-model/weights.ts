/**
 * The weights the "Inside a trained model" widget looks at, one entry per zoo model for
 * the page: the checkpoint the training widget saved in this browser (trained here or
 * imported from a .safetensors file), or, when the reader asks, freshly initialised
 * weights. Small models live on the engine's CPU backend, the others on the page's.
 */
import { useSyncExternalStore } from 'react';
import { nn, withBackend } from '../../engine';
import { bilingualOf, safetensorsMetadata, zoo, type Bilingual, type ModelId } from '../../models';
import { useTraining } from '../../stores/training';
import { loadDataset } from '../../data/load';
import type { Dataset } from '../../data/format';
import { onEngineRestart, startEngine } from '../common/engine';
import { onceUntilFailure } from '../common/once';

/** Models small enough that one image runs faster on the CPU backend than through a GPU round trip. */
export const CPU_MODELS: readonly ModelId[] = ['lenet', 'lenet-bn'];

export interface Weights {
  net: nn.Sequential;
  inputSize: number;
  onCpu: boolean;
  source: 'trained' | 'imported' | 'untrained';
  /** For trained weights: completed epochs, steps into the next one, and the last test accuracy. */
  epochs: number | null;
  stepInEpoch: number;
  testAcc: number | null;
  /** When the checkpoint these weights came from was saved (null: not from a checkpoint). */
  savedAt: number | null;
}

export interface WeightsState {
  status: 'idle' | 'loading' | 'ready' | 'none' | 'error';
  weights: Weights | null;
  error: Bilingual | null;
  /** Bumped whenever the weights change, so views recompute. */
  version: number;
}

const EMPTY: WeightsState = { status: 'idle', weights: null, error: null, version: 0 };
const states = new Map<ModelId, WeightsState>();
const listeners = new Set<() => void>();
/** The latest load per model; an older one that finishes later is dropped. */
const ticket = new Map<ModelId, number>();
/** What the latest load per model asked for: the saved weights, or untrained ones. */
const asked = new Map<ModelId, 'saved' | 'untrained'>();

function patch(model: ModelId, p: Partial<WeightsState>) {
  const prev = states.get(model) ?? EMPTY;
  const next = { ...prev, ...p };
  if (p.weights !== undefined && prev.weights && prev.weights !== p.weights) prev.weights.net.dispose();
  states.set(model, next);
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useWeights(model: ModelId): WeightsState {
  return useSyncExternalStore(
    subscribe,
    () => states.get(model) ?? EMPTY,
    () => EMPTY,
  );
}

/** Builds the model at `inputSize` on the right backend and loads `sd` into it (or keeps the seeded initialisation). */
async function build(model: ModelId, inputSize: number, sd: Parameters<nn.Module['loadStateDict']>[0] | null): Promise<{ net: nn.Sequential; onCpu: boolean }> {
  const onCpu = CPU_MODELS.includes(model);
  const make = () => {
    const net = zoo[model].create({ inputSize, seed: 0 });
    if (sd) net.loadStateDict(sd);
    net.eval();
    return net;
  };
  if (onCpu) return { net: withBackend('cpu', make), onCpu };
  await startEngine();
  return { net: make(), onCpu };
}

/**
 * Loads the model's checkpoint from this browser (through the training store): the
 * weights of a run with at least one step, or imported ones. Leaves 'none' when there is
 * none, keeping untrained weights the reader asked for.
 */
export async function loadSaved(model: ModelId): Promise<void> {
  const mine = (ticket.get(model) ?? 0) + 1;
  ticket.set(model, mine);
  asked.set(model, 'saved');
  const cur = states.get(model) ?? EMPTY;
  patch(model, { status: cur.weights ? cur.status : 'loading', error: null });
  try {
    const t = useTraining.getState();
    const info = await t.refreshCheckpoint(model);
    const usable = info && (info.status === 'imported' || info.epoch + info.stepInEpoch > 0);
    if (!usable) {
      if (ticket.get(model) === mine) patch(model, { status: (states.get(model) ?? EMPTY).weights ? 'ready' : 'none' });
      return;
    }
    const held = (states.get(model) ?? EMPTY).weights;
    if (held && held.source !== 'untrained' && held.savedAt === info.savedAt) {
      if (ticket.get(model) === mine) patch(model, { status: 'ready' });
      return;
    }
    const { bytes } = await t.exportWeights(model);
    // The weights' own record of their input size wins: the stored record can be older than
    // the weights the worker hands out (a later save that storage refused).
    const recorded = Number(safetensorsMetadata(bytes)?.inputSize);
    const inputSize = Number.isInteger(recorded) && recorded > 0 ? recorded : info.config.inputSize;
    const sd = zoo[model].fromSafetensors(bytes, { inputSize });
    if (ticket.get(model) !== mine) return;
    const { net, onCpu } = await build(model, inputSize, sd);
    if (ticket.get(model) !== mine) {
      net.dispose();
      return;
    }
    const last = info.history.epochs[info.history.epochs.length - 1];
    const weights: Weights = {
      net,
      inputSize,
      onCpu,
      source: info.status === 'imported' ? 'imported' : 'trained',
      epochs: info.status === 'imported' ? null : info.epoch,
      stepInEpoch: info.status === 'imported' ? 0 : info.stepInEpoch,
      testAcc: last?.testAcc ?? null,
      savedAt: info.savedAt,
    };
    patch(model, { status: 'ready', weights, error: null, version: (states.get(model) ?? EMPTY).version + 1 });
  } catch (e) {
    if (ticket.get(model) === mine) patch(model, { status: (states.get(model) ?? EMPTY).weights ? 'ready' : 'error', error: bilingualOf(e) });
  }
}

/** Freshly initialised weights (Xavier, seed 0) at the model's in-tab input size, labelled untrained. */
export async function takeUntrained(model: ModelId): Promise<void> {
  const mine = (ticket.get(model) ?? 0) + 1;
  ticket.set(model, mine);
  asked.set(model, 'untrained');
  patch(model, { status: 'loading', error: null });
  try {
    const inputSize = zoo[model].tabInputSize;
    const { net, onCpu } = await build(model, inputSize, null);
    if (ticket.get(model) !== mine) {
      net.dispose();
      return;
    }
    patch(model, { status: 'ready', weights: { net, inputSize, onCpu, source: 'untrained', epochs: null, stepInEpoch: 0, testAcc: null, savedAt: null }, error: null, version: (states.get(model) ?? EMPTY).version + 1 });
  } catch (e) {
    if (ticket.get(model) === mine) patch(model, { status: 'error', error: bilingualOf(e) });
  }
}

/**
 * After a device loss the engine starts again on a new device, and the networks that lived
 * on the lost one (every model but CPU_MODELS) hold invalid tensors. Each is dropped and
 * built again as it was: the checkpoint read again from this browser's storage (kept
 * there, not on the host, as these models are large), or the seeded untrained weights. A
 * load under way when the device was lost is started again too, so that it cannot finish
 * with a network from the lost device.
 */
onEngineRestart(() => {
  for (const [model, state] of states) {
    if (CPU_MODELS.includes(model)) continue;
    const held = state.weights;
    const again = held ? (held.source === 'untrained' ? 'untrained' : 'saved') : state.status === 'loading' ? asked.get(model) : undefined;
    if (!again) continue;
    // patch() disposes the old network; disposing tensors of a lost device is allowed.
    if (held) patch(model, { weights: null, status: 'loading' });
    void (again === 'untrained' ? takeUntrained(model) : loadSaved(model));
  }
});

/** The Fashion-MNIST test set, fetched once for the page (again after a failed fetch). */
export const getTestSet: () => Promise<Dataset> = onceUntilFailure(() => loadDataset('fashion', 'test'));
