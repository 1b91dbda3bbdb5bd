#!/usr/bin/python3
"""Where PyTorch's CPU time goes in one training step of a zoo model, op by op and shape by shape.

The per-layer counterpart of torch-reference.py, for comparing the wasm backend's kernels with
oneDNN's layer by layer (the wasm side: time the backend's methods over the same step). Run
with Debian's torch:
  /usr/bin/python3 scripts/bench/torch-layers.py [--model=resnet18] [--batch=64] [--size=64]
      [--steps=4] [--threads=2] [--rows=40]
Trains on random inputs with SGD (momentum 0.9), as scripts/bench/loss-step.ts does, warms
up for two steps, then profiles `steps` steps and prints the ops by their own CPU time per
step (milliseconds), grouped by input shapes, and the wall-clock time of a step.
"""
import argparse
import time

import torch

from importlib.util import module_from_spec, spec_from_file_location
from os.path import abspath, dirname, join


def zoo():
    path = join(dirname(abspath(__file__)), '..', 'models', 'torch-reference.py')
    spec = spec_from_file_location('zoo_reference', path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='resnet18')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--steps', type=int, default=4)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--rows', type=int, default=40)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = zoo().MODELS[a.model][0](a.size)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x = torch.randn(a.batch, 1, a.size, a.size)
    y = torch.arange(a.batch) % 10

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()

    for _ in range(2):
        step()
    t0 = time.perf_counter()
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        for _ in range(a.steps):
            step()
    wall = (time.perf_counter() - t0) / a.steps * 1000
    rows = [e for e in prof.key_averages(group_by_input_shape=True) if not e.key.startswith('autograd::')]
    rows.sort(key=lambda e: e.self_cpu_time_total, reverse=True)
    print(f'{a.model}, batch {a.batch}, {a.size}x{a.size}, {a.threads} threads: {wall:.0f} ms a step (profiled)')
    print(f'{"ms/step":>8} {"calls":>5}  op and input shapes')
    for e in rows[:a.rows]:
        print(f'{e.self_cpu_time_total / 1000 / a.steps:8.1f} {e.count // a.steps:5d}  {e.key} {str(e.input_shapes)[:110]}')


if __name__ == '__main__':
    main()
