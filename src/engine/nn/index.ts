/** nn: modules, layers and initialisers (torch.nn). */
export { Module, Parameter, isParameter } from './module';
export type { StateDict, HostTensor, LoadResult } from './module';
export {
  Sequential,
  ModuleList,
  Linear,
  Conv2d,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  Flatten,
  ReLU,
  Sigmoid,
  Tanh,
  Identity,
  Softmax,
  Dropout,
  BatchNorm1d,
  BatchNorm2d,
} from './layers';
export type { Conv2dOptions, BatchNormOptions } from './layers';
export * as init from './init';
