/**
 * The zoo's model ids and names, with nothing of the engine behind them: code that lists
 * or names the models (the appendix, the widgets' reserved heights) imports them from
 * here without loading the engine. A new model starts with its id here; every table keyed
 * by `ModelId` (the zoo, the summaries' row counts) then fails the type check until it
 * has the model too (CONTRIBUTING.md, "a model").
 */
export const MODEL_IDS = ['lenet', 'alexnet', 'vgg', 'nin', 'lenet-bn', 'resnet18'] as const;

export type ModelId = (typeof MODEL_IDS)[number];

/** Each model's name in English and Chinese, as the book prints it. */
export const MODEL_NAMES: Record<ModelId, { en: string; zh: string }> = {
  lenet: { en: 'LeNet', zh: 'LeNet' },
  alexnet: { en: 'AlexNet', zh: 'AlexNet' },
  vgg: { en: 'VGG-11 (channels / 4)', zh: 'VGG-11（通道数 / 4）' },
  nin: { en: 'NiN', zh: 'NiN' },
  'lenet-bn': { en: 'LeNet with BatchNorm', zh: '带批量规范化的 LeNet' },
  resnet18: { en: 'ResNet-18', zh: 'ResNet-18' },
};

export function isModelId(v: unknown): v is ModelId {
  return typeof v === 'string' && (MODEL_IDS as readonly string[]).includes(v);
}
