/**
 * The optimizer's part of a checkpoint: its state (momentum buffers, Adam's moments and
 * step counts) and its parameter groups as .safetensors bytes, beside the weights, so that
 * a resumed run continues the same trajectory. The file names the optimizer's kind; a
 * checkpoint of another kind is refused.
 */
import { optim, tensor, type Tensor } from '../engine';
import { decodeSafetensors, encodeSafetensors, type HostStateDict } from '../models/index';

export type Optimizer = optim.SGD | optim.Adam;

/** Writes the optimizer's state (tensors and numbers) as .safetensors bytes. */
export async function optimizerBytes(opt: Optimizer): Promise<Uint8Array> {
  const sd = opt.stateDict();
  const tensors: HostStateDict = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [i, s] of Object.entries(sd.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') (scalars[i] ??= {})[k] = v;
      else tensors[`state.${i}.${k}`] = { shape: [...v.shape], data: await v.data() };
    }
  }
  return encodeSafetensors(tensors, { kind: opt instanceof optim.Adam ? 'adam' : 'sgd', scalars: JSON.stringify(scalars), paramGroups: JSON.stringify(sd.paramGroups) });
}

/** Puts the state that `bytes` holds (optimizerBytes of an optimizer of the same kind over the same parameters) into `opt`. */
export function loadOptimizer(opt: Optimizer, bytes: Uint8Array): void {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const kind = opt instanceof optim.Adam ? 'adam' : 'sgd';
  if (metadata.kind !== kind) throw new Error(`the checkpoint's optimizer is ${metadata.kind}, not ${kind}`);
  const state: optim.OptimizerStateDict['state'] = {};
  const made: Tensor[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.(\w+)$/.exec(name);
    if (!m) continue;
    const x = tensor(t.data, t.shape);
    made.push(x);
    (state[Number(m[1])] ??= {})[m[2]] = x;
  }
  const scalars = JSON.parse(metadata.scalars ?? '{}') as Record<string, Record<string, number>>;
  for (const [i, s] of Object.entries(scalars)) Object.assign((state[Number(i)] ??= {}), s);
  try {
    opt.loadStateDict({ state, paramGroups: JSON.parse(metadata.paramGroups ?? '[]') });
  } finally {
    for (const x of made) x.dispose();
  }
}
