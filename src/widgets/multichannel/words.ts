/** Sentences of the multichannel widget that change with its numbers (one kernel or several, one channel or several). */
import type { Tr } from '../common/i18n';

/** What the kernels are and what they make, under the stacked output: `ci` channels in, `co` kernels. */
export function kernelsNote(t: Tr, ci: number, co: number): string {
  const enKernels = co > 1 ? `Each of the ${co} kernels has` : 'The kernel has';
  const enChannels = ci > 1 ? `${ci} channels, one per input channel` : '1 channel, for the one input channel';
  const enMakes = co > 1 ? 'each kernel makes one output channel, and the output channels are stacked into the next layer’s input' : 'it makes the one output channel, which is the next layer’s input';
  const zhKernels = co > 1 ? `${co} 个卷积核各有` : '这个卷积核有';
  const zhChannels = ci > 1 ? `${ci} 个通道，与输入通道一一对应` : '1 个通道，对应唯一的输入通道';
  const zhMakes = co > 1 ? '每个卷积核产生一个输出通道，这些输出通道堆叠起来就是下一层的输入' : '它产生唯一的输出通道，也就是下一层的输入';
  return t(`${enKernels} ${enChannels}; ${enMakes}.`, `${zhKernels} ${zhChannels}；${zhMakes}。`);
}
