/**
 * Which kernel variant each tunable call (the GEMM family, batch norm's per-channel
 * reductions) runs: the adapter's op-wide choice (the
 * autotune's), overridden per call shape where a shape tuning has an entry. While
 * `recording` is set (tuneShapes, autotune.ts) every call's op and shape is noted, in the
 * order first seen, so the shapes a model uses can be timed one by one.
 */
import {
  CHANNEL_REDUCE_VARIANTS,
  CONV_BWD_INPUT_VARIANTS,
  CONV_BWD_WEIGHT_VARIANTS,
  CONV_VARIANTS,
  MATMUL_VARIANTS,
  defaultTuning,
  shapeKey,
  validShapes,
  type OpShape,
  type ShapeOp,
  type Tuning,
} from './variants';

export type RecordedShapes = Map<string, { op: ShapeOp; params: OpShape }>;

export class KernelChoice {
  /** The tuning in force (op-wide choices and shape entries, all valid for this build). */
  state: Tuning;
  /** `state.shapes` as a map (null when empty, so an untuned shape costs one test). */
  private byShape: Map<string, string> | null = null;
  /** Set while a model's shapes are being recorded. */
  recording: RecordedShapes | null = null;

  constructor(readonly adapterKey: string) {
    this.state = defaultTuning(adapterKey);
  }

  /** A copy of the tuning in force. */
  get tuning(): Tuning {
    const t = { ...this.state };
    if (t.shapes) t.shapes = { ...t.shapes };
    return t;
  }

  /** Adopts a saved tuning; unknown variants fall back to the adapter's defaults, unknown shape entries are dropped. */
  set tuning(t: Tuning) {
    const d = defaultTuning(this.adapterKey);
    const shapes = validShapes(t.shapes);
    this.byShape = Object.keys(shapes).length ? new Map(Object.entries(shapes)) : null;
    this.state = {
      adapter: this.adapterKey,
      matmul: t.matmul in MATMUL_VARIANTS ? t.matmul : d.matmul,
      conv2d: t.conv2d in CONV_VARIANTS ? t.conv2d : d.conv2d,
      conv2dBackwardInput: t.conv2dBackwardInput in CONV_BWD_INPUT_VARIANTS ? t.conv2dBackwardInput : d.conv2dBackwardInput,
      conv2dBackwardWeight: t.conv2dBackwardWeight in CONV_BWD_WEIGHT_VARIANTS ? t.conv2dBackwardWeight : d.conv2dBackwardWeight,
      channelReduce: t.channelReduce in CHANNEL_REDUCE_VARIANTS ? t.channelReduce : d.channelReduce,
      ...(t.variants !== undefined ? { variants: t.variants } : {}),
      ...(this.byShape ? { shapes } : {}),
    };
  }

  /** The variant `op` runs for a call of shape `p`; notes the call while recording. */
  variantFor(op: ShapeOp, p: OpShape): string {
    const opWide = this.state[op];
    if (this.byShape === null && this.recording === null) return opWide;
    const key = shapeKey(op, p);
    if (this.recording && !this.recording.has(key)) this.recording.set(key, { op, params: { ...p } });
    return this.byShape?.get(key) ?? opWide;
  }
}
