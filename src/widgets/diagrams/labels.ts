/**
 * The boxes' labels in the reader's language. Diagrams write them once, in English and
 * PyTorch's vocabulary ("Conv 5×5, 6, pad 2 · sigmoid"); the Chinese edition turns their
 * words into the terms its chapters use (卷积, 最大汇聚, 全连接, 步幅, 填充, 捷径 ...)
 * and keeps what is a name or a symbol as it is (ReLU, BN, sigmoid, VGG, NiN, c_in, k×k).
 */
import type { Lang } from '../common/i18n';

/** Whole phrases first, then words; each pattern is tried in this order on what is left. */
const ZH: readonly (readonly [RegExp, string])[] = [
  [/^Input$/, '输入'],
  [/^Output$/, '输出'],
  [/Global average pool/g, '全局平均汇聚'],
  [/identity shortcut/g, '恒等捷径'],
  [/1×1 conv, stride 2/g, '1×1 卷积，步幅 2'],
  [/VGG block: (\d+) conv, (\d+)/g, 'VGG 块：$1 个卷积，$2'],
  [/NiN block/g, 'NiN 块'],
  [/Residual /g, '残差块 '],
  [/MaxPool/g, '最大汇聚'],
  [/AvgPool/g, '平均汇聚'],
  [/\bConv\b/g, '卷积'],
  [/\bDense\b/g, '全连接'],
  [/\bFlatten\b/g, '展平'],
  [/\bDropout\b|\bdropout\b/g, '暂退法'],
  [/\bstride\b/g, '步幅'],
  [/\bpad\b/g, '填充'],
  [/, /g, '，'],
];

/** `text` (a box's label or second line) as the reader of `lang` reads it. */
export function labelIn(lang: Lang, text: string): string {
  if (lang !== 'zh') return text;
  return ZH.reduce((s, [pattern, zh]) => s.replace(pattern, zh), text);
}
