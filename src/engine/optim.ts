/**
 * optim: SGD and Adam with PyTorch's update rules, run in place by the backend's
 * `sgdStep` / `adamStep` kernels. Parameters may be given as a list or as parameter
 * groups with their own hyper-parameters (change `paramGroups[i].lr` to schedule).
 */
import { Tensor, keep } from './tensor';
import { zerosLike } from './creation';
import { adamStep, sgdStep } from './ops/optimizer-steps';

export interface ParamGroup<H> {
  params: Tensor[];
  options: H;
}

type GroupSpec<H> = { params: Tensor[] } & Partial<H>;

export interface OptimizerStateDict {
  /** Per-parameter state by the parameter's index across all groups. */
  state: Record<number, Record<string, Tensor | number>>;
  paramGroups: ({ params: number[] } & Record<string, unknown>)[];
}

export abstract class Optimizer<H extends object> {
  readonly paramGroups: (H & { params: Tensor[] })[];
  /** @internal per-parameter state */
  protected state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(params: Tensor[] | GroupSpec<H>[] | Iterable<Tensor>, defaults: H) {
    const list = [...(params as Iterable<Tensor | GroupSpec<H>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: GroupSpec<H>[] = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as GroupSpec<H>] : (list as GroupSpec<H>[]);
    this.paramGroups = groups.map((g) => ({ ...defaults, ...g, params: [...g.params] }));
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new Error('some parameters appear in more than one parameter group');
        seen.add(p);
        if (!p.requiresGrad) throw new Error('optimizer can only optimize tensors that require grad');
      }
    }
  }

  /** All parameters, in group order. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Drops every parameter's gradient (PyTorch's set_to_none=True default). */
  zeroGrad(): void {
    for (const p of this.params) {
      if (p.grad) p.grad.dispose();
      p.grad = null;
    }
  }

  abstract step(): void;

  protected stateOf(p: Tensor): Record<string, Tensor | number> {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  protected gradOf(p: Tensor): Tensor | null {
    const g = p.grad;
    if (!g) return null;
    if (g.size !== p.size) throw new Error(`gradient of shape [${g.shape}] does not match parameter [${p.shape}]`);
    return g;
  }

  /** Hyper-parameters and per-parameter state (tensors are the live state). */
  stateDict(): OptimizerStateDict {
    const all = this.params;
    const state: OptimizerStateDict['state'] = {};
    all.forEach((p, i) => {
      const s = this.state.get(p);
      if (s) state[i] = { ...s };
    });
    let at = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      const idx = params.map(() => at++);
      return { ...(rest as Record<string, unknown>), params: idx };
    });
    return { state, paramGroups };
  }

  /** Restores hyper-parameters and state (tensors are copied). */
  loadStateDict(sd: OptimizerStateDict): void {
    if (sd.paramGroups.length !== this.paramGroups.length) throw new Error('loadStateDict: the number of parameter groups differs');
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) throw new Error(`loadStateDict: group ${i} has a different number of parameters`);
    });
    const all = this.params;
    for (const [k, s] of Object.entries(sd.state)) {
      const p = all[Number(k)];
      if (!p) throw new Error(`loadStateDict: no parameter ${k}`);
      const mine: Record<string, Tensor | number> = {};
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          if (v.size !== p.size) throw new Error(`loadStateDict: state '${name}' of parameter ${k} has ${v.size} elements, expected ${p.size}`);
          const old = this.state.get(p)?.[name];
          const t = old instanceof Tensor && old !== v ? old : keep(zerosLike(p));
          mine[name] = t.assign(v.reshape(p.shape));
        } else mine[name] = v;
      }
      this.state.set(p, mine);
    }
    sd.paramGroups.forEach((g, i) => {
      const { params: _params, ...rest } = g;
      Object.assign(this.paramGroups[i], rest);
    });
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}

export interface SGDOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
  dampening: number;
  nesterov: boolean;
}

/** Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Tensor[] | GroupSpec<SGDOptions>[] | Iterable<Tensor>, opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, weightDecay: 0, dampening: 0, nesterov: false, ...opts });
    for (const g of this.paramGroups) {
      if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  /** One update of every parameter with a gradient: one kernel call per group (and first-step flag). */
  step(): void {
    for (const g of this.paramGroups) {
      const batches = { first: [] as SgdBatch, later: [] as SgdBatch };
      for (const p of g.params) {
        const grad = this.gradOf(p);
        if (!grad) continue;
        let buf: Tensor | null = null;
        let firstStep = false;
        if (g.momentum !== 0) {
          const s = this.stateOf(p);
          if (!(s.momentumBuffer instanceof Tensor)) {
            s.momentumBuffer = keep(zerosLike(p));
            firstStep = true;
          }
          buf = s.momentumBuffer as Tensor;
        }
        (firstStep ? batches.first : batches.later).push({ param: p, grad, buf });
      }
      for (const [items, firstStep] of [[batches.first, true], [batches.later, false]] as const) {
        sgdStep(items, { lr: g.lr, momentum: g.momentum, weightDecay: g.weightDecay, dampening: g.dampening, nesterov: g.nesterov, firstStep });
      }
    }
  }
}

type SgdBatch = { param: Tensor; grad: Tensor; buf: Tensor | null }[];

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** Adam (Kingma & Ba) with PyTorch's bias correction and L2 weight decay. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Tensor[] | GroupSpec<AdamOptions>[] | Iterable<Tensor>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...opts });
  }

  step(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = this.gradOf(p);
        if (!grad) continue;
        const s = this.stateOf(p);
        if (!(s.expAvg instanceof Tensor)) {
          s.step = 0;
          s.expAvg = keep(zerosLike(p));
          s.expAvgSq = keep(zerosLike(p));
        }
        s.step = (s.step as number) + 1;
        adamStep(p, grad, s.expAvg as Tensor, s.expAvgSq as Tensor, {
          lr: g.lr,
          beta1: g.betas[0],
          beta2: g.betas[1],
          eps: g.eps,
          weightDecay: g.weightDecay,
          step: s.step as number,
        });
      }
    }
  }
}
