#!/usr/bin/python3
"""Runs train.py once for every model of the zoo on this machine's CPU (one thread) and
records what ran and what it measured, for the book's PyTorch appendix and its test.

    /usr/bin/python3 scripts/pytorch/record-appendix.py [--only lenet,lenet-bn]

Writes
  scripts/pytorch/appendix-results.json   per model: the command, input size, epochs,
      images used, loss and accuracy per epoch, seconds; torch version and threads
      (the appendix page shows this table)
  tests/fixtures/pytorch-appendix/<model>.json   the saved file's state-dict names,
      shapes and dtypes; for LeNet and LeNet-BN also PyTorch's logits for the first 64
      test images
  tests/fixtures/pytorch-appendix/<model>.safetensors   LeNet's and LeNet-BN's weights
      (the others are too large to commit)

LeNet and LeNet-BN run the book's full recipe. The other four cannot train at 224x224
on one CPU thread in reasonable time: they run one epoch at the book's in-tab input
size on the first few hundred or thousand training images, and the JSON says so.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
import book  # noqa: E402

FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'pytorch-appendix')
RESULTS = os.path.join(HERE, 'appendix-results.json')
COMMITTED_WEIGHTS = ('lenet', 'lenet-bn')

# model: extra options for train.py (none = the full recipe)
RUNS = {
    'lenet': [],
    'lenet-bn': [],
    'alexnet': ['--input-size', '96', '--epochs', '1', '--limit', '512', '--test-limit', '500'],
    'vgg': ['--input-size', '64', '--epochs', '1', '--limit', '512', '--test-limit', '500'],
    'nin': ['--input-size', '96', '--epochs', '1', '--limit', '1280', '--test-limit', '500'],
    'resnet18': ['--input-size', '64', '--epochs', '1', '--limit', '1024', '--test-limit', '500'],
}


def cpu_name():
    try:
        with open('/proc/cpuinfo') as f:
            return next(line.split(':', 1)[1].strip() for line in f if line.startswith('model name'))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def header_of(path, model, size):
    """The saved file's tensors as [name, shape, dtype], in PyTorch's state-dict order
    (the safetensors package writes them sorted by dtype and name)."""
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little')
        h = json.loads(f.read(n))
    h.pop('__metadata__', None)
    order = list(book.build(model, size).state_dict())
    assert sorted(order) == sorted(h), f'{model}: the file holds {sorted(h)}, the model {sorted(order)}'
    return [[name, h[name]['shape'], h[name]['dtype']] for name in order]


def record(model, tmp):
    weights = os.path.join(tmp, f'{model}.safetensors')
    report = os.path.join(tmp, f'{model}.json')
    args = ['scripts/pytorch/train.py', '--model', model, *RUNS[model], '--threads', '1']
    subprocess.run([sys.executable, *args, '--out', weights, '--report', report], cwd=ROOT, check=True)
    with open(report) as f:
        r = json.load(f)
    recipe = book.ZOO[model][1]
    run = dict(model=model, command=' '.join(['python3', *args, '--out', f'{model}.safetensors']),
               full_recipe=not RUNS[model], recipe=recipe, tab_input_size=book.ZOO[model][2],
               **{k: r[k] for k in ('input_size', 'lr', 'epochs', 'batch_size', 'train_images', 'test_images', 'seconds', 'torch', 'threads')},
               history=[{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in r['history']])
    fixture = dict(model=model, input_size=r['input_size'], test_acc=run['history'][-1]['test_acc'], state_dict=header_of(weights, model, r['input_size']))
    if model in COMMITTED_WEIGHTS:
        fixture['logits'] = r['logits']
        shutil.copyfile(weights, os.path.join(FIXTURES, f'{model}.safetensors'))
    with open(os.path.join(FIXTURES, f'{model}.json'), 'w') as f:
        f.write(json.dumps(fixture, separators=(',', ':')).replace('],[', '],\n[') + '\n')
    return run


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--only', help='comma-separated models to rerun; the others keep their recorded results')
    only = (p.parse_args().only or ','.join(RUNS)).split(',')
    unknown = [m for m in only if m not in RUNS or m not in book.ZOO]
    if unknown:
        sys.exit(f'no recipe for {", ".join(unknown)}: a model needs an entry in ZOO of scripts/pytorch/book.py '
                 'and in RUNS here (its extra train.py options, [] for the full recipe)')
    os.makedirs(FIXTURES, exist_ok=True)
    runs = {}
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            runs = {r['model']: r for r in json.load(f)['runs']}
    with tempfile.TemporaryDirectory() as tmp:
        for model in only:
            runs[model] = record(model, tmp)
            ordered = [runs[m] for m in RUNS if m in runs]
            with open(RESULTS, 'w') as f:  # after every model, so a long recording keeps what it has
                json.dump(dict(device='CPU, 1 thread', cpu=cpu_name(), runs=ordered), f, indent=1)
                f.write('\n')


if __name__ == '__main__':
    main()
