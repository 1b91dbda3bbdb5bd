/**
 * The model zoo: LeNet, AlexNet, VGG, NiN, LeNet-BN and ResNet-18, built from the
 * engine's nn exactly as the original chapter defines them. The one entry point for the app, the
 * training worker, tests and tools:
 *
 *   import { zoo } from '../models';
 *   const net = zoo.lenet.create({ seed: 0 });            // an engine nn.Module
 *   const bytes = await zoo.lenet.toSafetensors(net.stateDict());
 *   net.loadStateDict(zoo.lenet.fromSafetensors(bytes));  // validated host state dict
 *
 * State-dict names are PyTorch's for the original chapter’s modules (`0.weight`, `1.0.conv1.weight`,
 * `0.1.running_mean`, ...), so weights move between PyTorch and the book.
 */
import { manualSeed, nn, type Tensor } from '../engine';
import { alexnet } from './alexnet';
import { lenet, lenetBN } from './lenet';
import { nin } from './nin';
import { resnet18 } from './resnet';
import { checkAgainst, decodeSafetensors, encodeSafetensors, type HostStateDict } from './safetensors';
import { ShapeError, inferShape } from './shapes';
import { smallConvArch, vgg } from './vgg';
import { MODEL_NAMES, type ModelId } from './ids';
import { joinZh } from './bilingual';

export { MODEL_IDS, MODEL_NAMES, isModelId, type ModelId } from './ids';

export interface CreateOptions {
  /** Side of the square input image (default: the original chapter’s size). */
  inputSize?: number;
  /** Seeds the engine's generator before the weights are drawn. */
  seed?: number;
  /**
   * 'xavier' (default): the original chapter’s `net.apply(init_weights)` with
   * nn.init.xavier_uniform_ on every Conv2d and Linear weight; 'default': PyTorch's
   * default initialisation only.
   */
  init?: 'xavier' | 'default';
  /** VGG only: divide every channel count of VGG-11 by this (the original chapter uses 4). */
  ratio?: number;
}

/** The training recipe of the original chapter for a model. */
export interface Recipe {
  lr: number;
  epochs: number;
  batchSize: number;
  /** The input size the original chapter trains at. */
  inputSize: number;
}

export interface ZooEntry {
  id: ModelId;
  name: { en: string; zh: string };
  /** The original chapter’s hyper-parameters. */
  recipe: Recipe;
  /** A smaller input size that trains at a usable speed in a browser tab. */
  tabInputSize: number;
  /**
   * The smallest input size the architecture accepts (tests check it against
   * `smallestInputSize(net)`, which computes it from the layers).
   */
  minInputSize: number;
  /**
   * Whether the weights' shapes depend on the input size (a dense layer sized from the
   * flattened features); false where global average pooling comes first (NiN, ResNet-18).
   */
  sizeDependent: boolean;
  create(opts?: CreateOptions): nn.Sequential;
  /** Serialises a state dict (engine tensors or host data) as .safetensors bytes. */
  toSafetensors(stateDict: Record<string, Tensor | { shape: readonly number[]; data: Float32Array }>, metadata?: Record<string, string>): Promise<Uint8Array>;
  /**
   * Parses and validates .safetensors bytes for this model: header, dtypes, finite
   * values, and the exact names and shapes of `create({inputSize})`'s state dict.
   * Throws SafetensorsError with a readable reason; returns host tensors for
   * `module.loadStateDict`.
   */
  fromSafetensors(bytes: Uint8Array, opts?: { inputSize?: number; model?: nn.Module }): HostStateDict;
  /** Names and shapes of the state dict at an input size (no weights are drawn). */
  stateDictShapes(inputSize?: number): Record<string, number[]>;
}

function xavierInit(m: nn.Module): void {
  if (m instanceof nn.Conv2d || m instanceof nn.Linear) nn.init.xavierUniform_(m.weight);
}

async function toHost(sd: Record<string, Tensor | { shape: readonly number[]; data: Float32Array }>): Promise<HostStateDict> {
  const out: HostStateDict = {};
  for (const [k, v] of Object.entries(sd)) {
    if ('data' in v && v.data instanceof Float32Array) out[k] = { shape: [...v.shape], data: v.data };
    else out[k] = { shape: [...v.shape], data: await (v as Tensor).data() };
  }
  return out;
}

const shapeCache = new Map<string, Record<string, number[]>>();

function entry(
  id: ModelId,
  recipe: Recipe,
  tabInputSize: number,
  minInputSize: number,
  build: (inputSize: number, opts: CreateOptions) => nn.Sequential,
  /** Whether the layers depend on the input size (dense layer sizes). */
  sizeDependent: boolean,
): ZooEntry {
  const name = MODEL_NAMES[id];
  const e: ZooEntry = {
    id,
    name,
    recipe,
    tabInputSize,
    minInputSize,
    sizeDependent,
    create(opts = {}) {
      const inputSize = opts.inputSize ?? recipe.inputSize;
      if (!Number.isInteger(inputSize) || inputSize < 1) throw new Error(`${id}: input size must be a positive integer, got ${inputSize}`);
      if (opts.seed !== undefined) manualSeed(opts.seed);
      let net: nn.Sequential | null = null;
      try {
        net = build(inputSize, opts);
        inferShape(net, [1, 1, inputSize, inputSize]);
      } catch (err) {
        net?.dispose();
        if (err instanceof ShapeError) throw new Error(`${name.en} cannot take a ${inputSize}x${inputSize} input (${err.message}); the smallest it accepts is ${e.minInputSize}`, { cause: err });
        throw err;
      }
      if ((opts.init ?? 'xavier') === 'xavier') net!.apply(xavierInit);
      return net!;
    },
    async toSafetensors(stateDict, metadata) {
      return encodeSafetensors(await toHost(stateDict), { format: 'pt', model: id, ...metadata });
    },
    fromSafetensors(bytes, opts = {}) {
      const { tensors } = decodeSafetensors(bytes);
      const inputSize = opts.inputSize ?? recipe.inputSize;
      const expected = opts.model
        ? Object.fromEntries(Object.entries(opts.model.stateDict()).map(([k, t]) => [k, [...t.shape]]))
        : e.stateDictShapes(sizeDependent ? inputSize : recipe.inputSize);
      const sized = sizeDependent && !opts.model;
      checkAgainst(tensors, expected, {
        en: `${name.en}${sized ? ` at ${inputSize}x${inputSize}` : ''}`,
        zh: sized ? joinZh`输入为 ${inputSize}×${inputSize} 的 ${name.zh}` : name.zh,
      });
      const ordered: HostStateDict = {};
      for (const k of Object.keys(expected)) ordered[k] = tensors[k];
      return ordered;
    },
    /** Builds the model once per (model, input size) to read its state-dict layout. */
    stateDictShapes(inputSize = recipe.inputSize) {
      const key = `${id}@${sizeDependent ? inputSize : 0}`;
      let shapes = shapeCache.get(key);
      if (!shapes) {
        const net = build(inputSize, { inputSize });
        shapes = Object.fromEntries(Object.entries(net.stateDict()).map(([k, t]) => [k, [...t.shape]]));
        net.dispose();
        shapeCache.set(key, shapes);
      }
      return shapes;
    },
  };
  return e;
}

export const zoo: Record<ModelId, ZooEntry> = {
  lenet: entry('lenet', { lr: 0.9, epochs: 10, batchSize: 256, inputSize: 28 }, 28, 12, (s) => lenet(s), true),
  alexnet: entry('alexnet', { lr: 0.01, epochs: 10, batchSize: 128, inputSize: 224 }, 96, 65, (s) => alexnet(s), true),
  vgg: entry('vgg', { lr: 0.05, epochs: 10, batchSize: 128, inputSize: 224 }, 64, 32, (s, o) => vgg(smallConvArch(o.ratio ?? 4), s), true),
  nin: entry('nin', { lr: 0.1, epochs: 10, batchSize: 128, inputSize: 224 }, 96, 67, () => nin(), false),
  'lenet-bn': entry('lenet-bn', { lr: 1.0, epochs: 10, batchSize: 256, inputSize: 28 }, 28, 16, (s) => lenetBN(s), true),
  resnet18: entry('resnet18', { lr: 0.05, epochs: 10, batchSize: 256, inputSize: 96 }, 64, 1, () => resnet18(), false),
};

export { BilingualError, because, bilingualOf, joinZh, type Bilingual } from './bilingual';
export { SafetensorsError, decodeSafetensors, encodeSafetensors, checkAgainst, safetensorsMetadata } from './safetensors';
export type { HostStateDict, HostTensor, DecodedSafetensors } from './safetensors';
export { summarize, formatShapeTable, layerType } from './summary';
export type { ModelSummaryData, SummaryRow } from './summary';
export { inferShape, smallestInputSize, ShapeError } from './shapes';
export { Residual, resnetBlock, resnet18 } from './resnet';
export { lenet, lenetBN } from './lenet';
export { alexnet } from './alexnet';
export { vgg, vggBlock, smallConvArch, VGG11_ARCH } from './vgg';
export { nin, ninBlock } from './nin';
