/**
 * A weights file the reader imports, checked through before anything changes: the model
 * is one of the zoo's, the file records an input size the model trains at (else the page's
 * is taken), its tensors decode, and they load into a new network of that size. A file
 * that fails any of these is refused in both languages, saying why.
 */
import { zoo, isModelId, safetensorsMetadata, BilingualError, SafetensorsError, because, type ModelId } from '../models/index';
import { TRAIN_LIMITS, validateConfig } from '../models/train-limits';
import type { nn } from '../engine';
import type { TrainConfig } from './protocol';

export function unknownModel(id: unknown): BilingualError {
  return new BilingualError({ en: `unknown model '${String(id)}'`, zh: `未知的模型“${String(id)}”` });
}

/** A weights file refused, saying why (`e`'s message) as one sentence in each language. */
function cannotImport(e: unknown): BilingualError {
  const { en, zh } = because({ en: 'This file cannot be imported', zh: '无法导入这个文件' }, e);
  return new BilingualError({ en: /[.!?]$/.test(en) ? en : `${en}.`, zh: /[。！？.!?]$/.test(zh) ? zh : `${zh}。` }, { cause: e });
}

/** A file's weights loaded into a new network, with the input size and the recipe's config they go with. */
export interface LoadedWeights {
  net: nn.Sequential;
  inputSize: number;
  config: TrainConfig;
}

/**
 * `bytes` (a .safetensors file) as model `id`'s weights, at the input size the file records,
 * else at `fallback`; throws a BilingualError saying why the file cannot be imported. The
 * caller owns the returned network.
 */
export function loadWeightsFile(id: ModelId, fallback: number | undefined, bytes: Uint8Array): LoadedWeights {
  if (!isModelId(id)) throw unknownModel(id);
  const entry = zoo[id];
  const r = entry.recipe;
  const recorded = safetensorsMetadata(bytes)?.inputSize;
  const inputSize = recorded === undefined ? fallback : /^\d+$/.test(recorded) ? Number(recorded) : NaN;
  if (inputSize === undefined) {
    const [min, max] = [entry.minInputSize, TRAIN_LIMITS.inputSize.max];
    throw new BilingualError({
      en: `This file does not record the input size it was trained at: set an input size from ${min} to ${max} and import it again.`,
      zh: `这个文件没有记录训练时的输入尺寸：请设定 ${min} 到 ${max} 之间的输入尺寸，再导入一次。`,
    });
  }
  const config: TrainConfig = { model: id, epochs: r.epochs, lr: r.lr, batchSize: r.batchSize, inputSize, optimizer: 'sgd', seed: 0 };
  const problem = validateConfig(config);
  if (problem) {
    throw new BilingualError(
      recorded === undefined
        ? { en: `This file does not record the input size it was trained at, and ${problem.en}.`, zh: `这个文件没有记录训练时的输入尺寸；${problem.zh}。` }
        : { en: `This file cannot be imported: it records an input size of ${recorded}, and ${problem.en}.`, zh: `无法导入这个文件：它记录的输入尺寸是 ${recorded}；${problem.zh}。` },
    );
  }
  let decoded;
  try {
    decoded = entry.fromSafetensors(bytes, { inputSize });
  } catch (e) {
    if (e instanceof SafetensorsError) throw cannotImport(e);
    throw e;
  }
  const net = entry.create({ inputSize });
  try {
    net.loadStateDict(decoded);
  } catch (e) {
    net.dispose();
    throw cannotImport(e);
  }
  return { net, inputSize, config };
}
