/**
 * Goals a reader reaches by setting a widget (see goal.ts), one file per widget under
 * goals/, by the name a chapter's WidgetExercise gives.
 */
import { blockBuilderTwoHidden } from './goals/block-builder';
import { corr2dHorizontal3x1 } from './goals/corr2d';
import { denseVsConvHundredfold } from './goals/dense-vs-conv';
import { multichannel38 } from './goals/multichannel';
import { paddingStride5x5 } from './goals/padding-stride';
import { parametersSymmetric } from './goals/parameters';
import { pooling7to4 } from './goals/pooling';

export type { Goal } from './goal';

export const GOALS = {
  'block-builder-two-hidden': blockBuilderTwoHidden,
  'parameters-symmetric': parametersSymmetric,
  'dense-vs-conv-hundredfold': denseVsConvHundredfold,
  'corr2d-horizontal-3x1': corr2dHorizontal3x1,
  'padding-stride-5x5': paddingStride5x5,
  'multichannel-38': multichannel38,
  'pooling-7-to-4': pooling7to4,
} as const;
export type GoalId = keyof typeof GOALS;
