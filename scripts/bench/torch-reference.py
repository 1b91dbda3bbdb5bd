#!/usr/bin/python3
"""PyTorch CPU figures beside the wasm backend's; scripts/bench/wasm-node.mjs runs it.

Run with Debian's torch:
  /usr/bin/python3 scripts/bench/torch-reference.py [--only=matmul,lenet,resnet]
      [--lenet-batch=256] [--resnet-batch=64] [--steps=8] [--resnet-steps=2] [--threads=N]
      [--zoo=alexnet:96:0.01,vgg:64:0.05,nin:96:0.1]

Trains, on random inputs and on the CPU with torch.set_num_threads(os.cpu_count()),
the same nets as src/models: LeNet (sigmoid, average pooling, 28x28, padding 2 on
the first convolution) and ResNet-18 for 1-channel input at 64x64. Each step is what
scripts/bench/loss-step.ts times: zero_grad, forward, cross-entropy, backward, SGD step
(momentum 0.9; lr 0.9 for LeNet, 0.05 for ResNet-18, as scripts/bench/wasm-bench.ts).
Two warm-up steps, then `steps` timed steps. matmul: torch.mm of two float32 512x512
matrices, best of 20 after a warm-up. Prints one JSON line:
  {"torch": "...", "threads": 2, "blas": "generic", "mkldnn": true, "matmul_gflops": ..., "lenet": {"batch": 256, "steps": 8,
   "ms_per_step": ..., "images_per_s": ...}, "resnet": {...}}
"""
import argparse
import importlib.util
import json
import os
import time

import torch


def _zoo():
    """The model definitions of scripts/models/torch-reference.py (the zoo's PyTorch twins, checked against src/models by tests/models)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', 'torch-reference.py')
    spec = importlib.util.spec_from_file_location('zoo_reference', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ZOO = _zoo()
lenet = ZOO.lenet
resnet18 = ZOO.resnet18


def bench_matmul(n=512, reps=20):
    a = torch.rand(n, n, dtype=torch.float32) * 2 - 1
    b = torch.rand(n, n, dtype=torch.float32) * 2 - 1
    torch.mm(a, b)
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def bench_training(net, batch, size, steps, lr):
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    x = torch.randn(batch, 1, size, size)
    y = torch.arange(batch) % 10

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    step()
    step()
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(steps):
        step()
    wall = (time.perf_counter() - t0) / steps
    cpu = (time.process_time() - c0) / steps
    return {'batch': batch, 'size': size, 'steps': steps, 'ms_per_step': wall * 1000, 'cpu_ms_per_step': cpu * 1000,
            'images_per_s': batch / wall}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', default='matmul,lenet,resnet', help='comma-separated: matmul, lenet, resnet')
    p.add_argument('--lenet-batch', type=int, default=256)
    p.add_argument('--resnet-batch', type=int, default=64, help='the wasm bench default (wasm-node.mjs --resnet-batch)')
    p.add_argument('--steps', type=int, default=8, help='timed LeNet steps, after two warm-up steps')
    p.add_argument('--resnet-steps', type=int, default=None, help='timed ResNet-18 steps (default: steps / 4, at least 2)')
    p.add_argument('--threads', type=int, default=os.cpu_count())
    p.add_argument('--zoo', default='', help='comma-separated id:size:lr, e.g. nin:96:0.1: more nets of the zoo, '
                   'batch --resnet-batch, --resnet-steps steps')
    a = p.parse_args()
    only = set(s for s in a.only.split(',') if s)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    config = torch.__config__.show()
    blas = next((part.split('=', 1)[1] for part in config.replace(',', ' ').split() if part.startswith('BLAS_INFO=')), None)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas,
           'mkldnn': torch.backends.mkldnn.is_available()}
    with torch.no_grad():
        if 'matmul' in only:
            out['matmul_gflops'] = bench_matmul()
    if 'lenet' in only:
        out['lenet'] = bench_training(lenet(), a.lenet_batch, 28, a.steps, 0.9)
    steps = a.resnet_steps if a.resnet_steps is not None else max(2, -(-a.steps // 4))
    if 'resnet' in only:
        out['resnet'] = bench_training(resnet18(), a.resnet_batch, 64, steps, 0.05)
    for item in (z for z in a.zoo.split(',') if z):
        name, size, lr = item.split(':')
        build = ZOO.MODELS[name][0]
        out.setdefault('zoo', {})[name] = bench_training(build(int(size)), a.resnet_batch, int(size), steps, float(lr))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
