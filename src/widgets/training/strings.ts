import { useSettings, type Lang } from '../../stores/settings';
import { joinZh } from '../common/i18n';

const STRINGS = {
  workerPending: { en: 'The training worker starts when it is first needed', zh: '训练线程在首次需要时启动' },
  trainTitle: { en: 'Train {model} on Fashion-MNIST', zh: '在 Fashion-MNIST 上训练 {model}' },
  model: { en: 'Model', zh: '模型' },
  epochs: { en: 'Epochs', zh: '轮数（epoch）' },
  lr: { en: 'Learning rate', zh: '学习率' },
  batchSize: { en: 'Batch size', zh: '批量大小' },
  inputSize: { en: 'Input size (pixels)', zh: '输入尺寸（像素）' },
  optimizer: { en: 'Optimizer', zh: '优化器' },
  seed: { en: 'Seed', zh: '随机种子' },
  recipe: { en: 'The recipe of the original chapter: learning rate {lr}, {epochs} epochs, batch {batch}, input {size}×{size}.', zh: '原书这一章的设置：学习率 {lr}，{epochs} 轮，批量 {batch}，输入 {size}×{size}。' },
  recipeInputOnGpu: { en: 'This GPU trains at the recipe\'s input size by default; {size}×{size} (smallest: {min}×{min}) is the quicker choice for slower adapters and the CPU.', zh: '这块 GPU 默认使用原书的输入尺寸；在较慢的适配器或 CPU 上，{size}×{size}（最小 {min}×{min}）更快。' },
  smallerInput: { en: 'In the tab we default to {size}×{size}, a fraction of the recipe’s work per image; the dense layers follow from the input size (smallest: {min}×{min}).', zh: '在浏览器中默认使用 {size}×{size}，计算量远小于原书；全连接层的大小随输入尺寸而定（最小 {min}×{min}）。' },
  smallerInputPooled: { en: 'In the tab we default to {size}×{size}, a fraction of the recipe’s work per image; global average pooling keeps every weight the same at any input size (smallest: {min}×{min}).', zh: '在浏览器中默认使用 {size}×{size}，计算量远小于原书；全局平均汇聚使所有权重的形状与输入尺寸无关（最小 {min}×{min}）。' },
  useRecipe: { en: 'Use the recipe’s values', zh: '使用原书的设置' },
  start: { en: 'Start training', zh: '开始训练' },
  pause: { en: 'Pause', zh: '暂停' },
  resume: { en: 'Resume', zh: '继续' },
  stop: { en: 'Stop', zh: '停止' },
  state_idle: { en: 'Ready', zh: '就绪' },
  state_loading: { en: 'Loading the dataset…', zh: '正在加载数据集…' },
  state_training: { en: 'Training', zh: '训练中' },
  state_paused: { en: 'Paused (checkpoint saved)', zh: '已暂停（检查点已保存）' },
  state_evaluating: { en: 'Measuring test accuracy…', zh: '正在计算测试精度…' },
  state_done: { en: 'Done', zh: '完成' },
  state_stopped: { en: 'Stopped (checkpoint saved)', zh: '已停止（检查点已保存）' },
  state_paused_unsaved: { en: 'Paused (the checkpoint could not be saved)', zh: '已暂停（检查点未能保存）' },
  state_stopped_unsaved: { en: 'Stopped (the checkpoint could not be saved)', zh: '已停止（检查点未能保存）' },
  state_error: { en: 'Stopped by an error', zh: '因错误停止' },
  state_diverged: { en: 'Stopped: the loss blew up', zh: '已停止：损失发散' },
  status: { en: 'Status', zh: '状态' },
  colon: { en: ': ', zh: '：' },
  epoch: { en: 'Epoch', zh: '轮次' },
  step: { en: 'Step', zh: '步' },
  loss: { en: 'Train loss', zh: '训练损失' },
  trainAcc: { en: 'Train accuracy', zh: '训练精度' },
  testAcc: { en: 'Test accuracy', zh: '测试精度' },
  speed: { en: 'Images/s', zh: '图像/秒' },
  eta: { en: 'Time left', zh: '剩余时间' },
  lossChart: { en: 'Training loss', zh: '训练损失' },
  accChart: { en: 'Accuracy', zh: '精度' },
  xEpoch: { en: 'epoch', zh: '轮次' },
  noPoints: { en: 'Start training to see the curves', zh: '开始训练后显示曲线' },
  value: { en: 'latest value', zh: '最新值' },
  kernelTuning: {
    en: 'Timing the GPU kernels on this model’s layer shapes, to pick the fastest for each (once per model, input size and batch size)…',
    zh: '正在按本模型各层的形状为 GPU 计时并挑选最快的内核（每种模型、输入尺寸和批量大小只做一次）……',
  },
  kernelTuned: { en: 'Kernels tuned for {tuned} of the {shapes} layer shapes in {s} s.', zh: '已在 {s} 秒内为 {shapes} 种层形状中的 {tuned} 种挑选内核。' },
  dataLoading: { en: 'Fashion-MNIST (about 55 MB, fetched once and kept by the browser)', zh: 'Fashion-MNIST（约 55 MB，只下载一次并保存在浏览器中）' },
  fromCache: { en: 'read from the browser’s storage', zh: '从浏览器存储读取' },
  checkpointFound: { en: 'A checkpoint of {model} from {time}: epoch {epoch} of {epochs}, step {step}.', zh: '找到 {model} 的检查点（{time}）：第 {epoch}/{epochs} 轮，第 {step} 步。' },
  checkpointDone: { en: 'Trained weights of {model} are saved in this browser ({time}).', zh: '{model} 训练好的权重已保存在浏览器中（{time}）。' },
  checkpointImported: { en: 'Imported weights of {model} are saved in this browser ({time}).', zh: '导入的 {model} 权重已保存在浏览器中（{time}）。' },
  resumeCheckpoint: { en: 'Resume from checkpoint', zh: '从检查点继续' },
  discard: { en: 'Discard checkpoint', zh: '删除检查点' },
  discardFailed: { en: 'The checkpoint was not deleted: {message}', zh: '检查点未删除：{message}' },
  stalled: {
    en: 'The training worker has reported no progress for {seconds} s. It may be stuck (a GPU that stopped responding, say), or only slow on this device. Restarting it resumes the run from its last checkpoint, or starts the run again if none was saved yet.',
    zh: '训练线程已有 {seconds} 秒没有报告任何进度。它可能卡住了（例如 GPU 停止了响应），也可能只是在这台设备上比较慢。重启它会让训练从最近的检查点继续；如果还没有保存过检查点，则重新开始训练。',
  },
  restartWorker: { en: 'Restart from the last checkpoint', zh: '重启并从最近的检查点继续' },
  keepWaiting: { en: 'Keep waiting', zh: '继续等待' },
  died: { en: 'The training worker stopped unexpectedly. Nothing saved is lost.', zh: '训练线程意外停止。已保存的进度不会丢失。' },
  outOfMemory: { en: 'The model does not fit in this backend’s memory at this batch size and input size. Try a smaller batch or input; the checkpoints already saved are kept.', zh: '在这个批量大小和输入尺寸下，模型超出了当前后端的内存。请减小批量或输入尺寸；已保存的检查点不会丢失。' },
  quota: { en: 'The browser’s storage is full, so checkpoints cannot be saved. Training goes on; export the weights to keep them.', zh: '浏览器存储已满，无法保存检查点。训练会继续；请导出权重以免丢失。' },
  dismiss: { en: 'Dismiss', zh: '关闭' },
  savedAt: { en: 'Checkpoint saved: epoch {epoch}, step {step}', zh: '检查点已保存：第 {epoch} 轮，第 {step} 步' },
  weights: { en: 'Weights', zh: '权重' },
  export: { en: 'Export weights (.safetensors)', zh: '导出权重（.safetensors）' },
  import: { en: 'Import weights (.safetensors)', zh: '导入权重（.safetensors）' },
  imported: { en: 'Imported {name}, for {size}×{size} inputs.', zh: '已导入 {name}，输入 {size}×{size}。' },
  replaceQuestion: { en: 'Replace the {model} trained for {work}?', zh: '要替换已训练 {work}的 {model} 吗？' },
  replaceDetail: {
    en: 'Importing {file} replaces the weights {model} has now (saved {time}), and that training cannot be resumed afterwards. Export them first to keep a copy.',
    zh: '导入 {file} 会替换 {model} 现在的权重（保存于 {time}），之后也无法再继续这次训练。如需保留，请先导出权重。',
  },
  replaceConfirm: { en: 'Import and replace', zh: '导入并替换' },
  replaceKeep: { en: 'Keep the trained weights', zh: '保留训练好的权重' },
  workEpochs: { en: '{n} epochs', zh: '{n} 轮' },
  workEpoch: { en: '1 epoch', zh: '1 轮' },
  workSteps: { en: '{n} steps', zh: '{n} 步' },
  workStep: { en: '1 step', zh: '1 步' },
  workBoth: { en: '{epochs} and {steps}', zh: '{epochs}又 {steps}' },
  importFailed: { en: 'Not imported: {message}', zh: '未导入：{message}' },
  exportFailed: { en: 'Nothing to export yet: {message}', zh: '暂无可导出的权重：{message}' },
  evaluation: { en: 'Evaluation on the test set', zh: '测试集上的评估' },
  evaluate: { en: 'Evaluate on the test set', zh: '在测试集上评估' },
  confusion: { en: 'Confusion matrix', zh: '混淆矩阵' },
  trueClass: { en: 'true class', zh: '真实类别' },
  predClass: { en: 'predicted class', zh: '预测类别' },
  samples: { en: 'Test images with the model’s predictions', zh: '测试图像与模型的预测' },
  sampleAlt: { en: 'Test image {i}: true {label}, predicted {pred} ({prob})', zh: '测试图像 {i}：真实 {label}，预测 {pred}（{prob}）' },
  truth: { en: 'true', zh: '真实' },
  predicted: { en: 'predicted', zh: '预测' },
  accuracyOf: { en: 'Accuracy on {n} test images: {acc}', zh: '{n} 张测试图像上的精度：{acc}' },
  summaryTitle: { en: '{model}: layers and size', zh: '{model}：各层与规模' },
  layer: { en: 'Layer', zh: '层' },
  type: { en: 'Type', zh: '类型' },
  outShape: { en: 'Output shape', zh: '输出形状' },
  params: { en: 'Parameters', zh: '参数' },
  flops: { en: 'FLOPs per image', zh: '每张图像的 FLOPs' },
  total: { en: 'Total', zh: '合计' },
  summarySlider: { en: 'From {min}×{min}, the smallest input this model accepts; every row below is recomputed by the engine.', zh: '从 {min}×{min} 起，这是该模型能接受的最小输入；下表每一行都由引擎重新计算。' },
  computing: { en: 'Running the model on one image…', zh: '正在用一张图像运行模型…' },
  summaryNote: { en: 'Shapes come from running the engine on one {size}×{size} image; FLOPs count 2 per multiply-add of every convolution and dense layer.', zh: '形状由引擎在一张 {size}×{size} 图像上实际运行得到；FLOPs 按每个卷积层和全连接层的乘加各计 2 次。' },
  compareTitle: { en: 'Model sizes side by side', zh: '模型规模对比' },
  compareSizes: { en: 'Input sizes', zh: '输入尺寸' },
  recipeSizes: { en: 'The input sizes of the recipes', zh: '原书设置中的输入尺寸' },
  tabSizes: { en: 'The in-tab input sizes', zh: '浏览器中的输入尺寸' },
  ratio: { en: '× {first}', zh: '相对 {first}' },
  tryTitle: { en: 'Try your own image', zh: '试试你自己的图像' },
  drawHere: { en: 'Drawing area: draw a piece of clothing with the mouse, a pen or a finger', zh: '绘图区：用鼠标、触控笔或手指画一件衣物' },
  drawPrompt: { en: 'Draw a piece of clothing here', zh: '在这里画一件衣物' },
  clear: { en: 'Clear', zh: '清除' },
  openImage: { en: 'Open an image file', zh: '打开图像文件' },
  imageLimits: { en: 'PNG, JPEG, WebP or GIF, up to {mb} MB and {side} × {side} px', zh: 'PNG、JPEG、WebP 或 GIF，不超过 {mb} MB 和 {side} × {side} 像素' },
  imageOpened: { en: 'Opened {name} ({w} × {h} px).', zh: '已打开 {name}（{w} × {h} 像素）。' },
  imageEmpty: { en: '{name} is empty (0 bytes), so there is no picture to open.', zh: '{name} 是空文件（0 字节），没有可打开的图像。' },
  imageTooLarge: { en: '{name} is {size} MB; the limit is {mb} MB.', zh: '{name} 大小为 {size} MB，上限为 {mb} MB。' },
  imageNotImage: { en: '{name} is not a PNG, JPEG, WebP or GIF image.', zh: '{name} 不是 PNG、JPEG、WebP 或 GIF 图像。' },
  imageDamaged: { en: '{name} starts like a {format} image but is damaged or cut short, so it cannot be read.', zh: '{name} 开头像 {format} 图像，但已损坏或不完整，无法读取。' },
  imageTooManyPixels: { en: '{name} is {w} × {h} px; the limit is {side} × {side} px.', zh: '{name} 为 {w} × {h} 像素，上限为 {side} × {side} 像素。' },
  imageUndecodable: { en: 'The browser could not decode {name}.', zh: '浏览器无法解码 {name}。' },
  imageKept: { en: 'The previous picture is kept.', zh: '保留之前的图像。' },
  canvasEmpty: { en: 'Empty: {side} × {side} pixels, nothing drawn yet.', zh: '空白：{side} × {side} 像素，尚未绘制。' },
  canvasDrawing: { en: 'Your drawing on the {side} × {side} pixel area; ink covers {pct}% of the model’s 28 × 28 input, whose values are listed under “What the model sees”.', zh: '你在 {side} × {side} 像素区域上的绘画；笔迹覆盖模型 28 × 28 输入的 {pct}%，具体数值列在“模型看到的输入”下。' },
  canvasFile: { en: '{name}, {w} × {h} pixels, fitted into the {side} × {side} pixel area; the model’s 28 × 28 view of it is listed under “What the model sees”.', zh: '{name}，{w} × {h} 像素，缩放到 {side} × {side} 像素区域中；模型看到的 28 × 28 输入列在“模型看到的输入”下。' },
  pixelSummary: { en: '{w} × {h} grayscale pixels, values from {lo} to {hi} (mean {mean}), listed row by row in the table “{label}”.', zh: '{w} × {h} 灰度像素，取值从 {lo} 到 {hi}（平均 {mean}），在表格“{label}”中逐行列出。' },
  pixelRow: { en: 'Row {r}', zh: '第 {r} 行' },
  invert: { en: 'Invert (dark object on light background)', zh: '反色（浅色背景上的深色物体）' },
  modelSees: { en: 'What the model sees: 28×28 grayscale', zh: '模型看到的输入：28×28 灰度图' },
  probabilities: { en: 'Class probabilities', zh: '各类别概率' },
  needModel: { en: 'Train or import {model} first to see its predictions.', zh: '请先训练或导入 {model}，再查看预测。' },
  useSample: { en: 'Use a test image', zh: '使用一张测试图像' },
} as const;

export type StringKey = keyof typeof STRINGS;

/**
 * The string `key` in `lang` with `vars` put in for its `{name}`s; in Chinese each one is spaced
 * the Chinese way where it meets the text (joinZh), so a model name such as “带批量规范化的 LeNet”
 * or “VGG-11（通道数 / 4）” reads right wherever it stands.
 */
export function translate(lang: Lang, key: StringKey, vars: Record<string, string | number> = {}): string {
  return fill(lang, STRINGS[key][lang], vars);
}

/** `template`, written in `lang`, with `vars` put in for its `{name}`s, as translate does. */
export function fill(lang: Lang, template: string, vars: Record<string, string | number> = {}): string {
  // Split on the placeholders: even indices are the template's text, odd ones the names.
  const parts = template.split(/\{(\w+)\}/);
  const texts = parts.filter((_, i) => i % 2 === 0);
  const values = parts.filter((_, i) => i % 2 === 1).map((k) => (Object.hasOwn(vars, k) ? String(vars[k]) : `{${k}}`));
  if (lang === 'zh') return joinZh(texts, ...values);
  return texts.map((text, i) => (i < values.length ? text + values[i] : text)).join('');
}

export function useTr(): (key: StringKey, vars?: Record<string, string | number>) => string {
  const lang = useSettings((s) => s.lang);
  return (key, vars) => translate(lang, key, vars);
}

export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}

/** 1.23 G, 456.7 M, ... */
export function formatBig(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '–';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
