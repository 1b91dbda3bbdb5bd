#!/usr/bin/python3
"""Records what PyTorch says about the model zoo, for tests/models.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/models/torch-reference.py
Writes tests/fixtures/models/<model>.json with, for each model:
  - state_dict: every state-dict entry's name and shape, in PyTorch's order
  - parameters: the named_parameters() names (state dict minus buffers)
  - parameter_count: sum of numel over parameters
  - tables: {input size: [[layer class name, output shape]]} for a one-image input,
    iterating over the top-level layers exactly like the notes' `for layer in net`
  - macs: {input size: multiply-accumulates of every Conv2d and Linear for one image}
The model definitions below are copied from the notes (seed/cnn-notes.zh.md); LeNet-BN,
which the notes describe but do not list, is d2l's concise version (section 7.5).
"""
import json
import os

import torch
from torch import nn
from torch.nn import functional as F


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


def alexnet(flat=6400):
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(flat, 4096), nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 10))


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch, spatial=7):
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks,
        nn.Flatten(),
        nn.Linear(out_channels * spatial * spatial, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


CONV_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg_small(spatial=7, ratio=4):
    return vgg([(pair[0], pair[1] // ratio) for pair in CONV_ARCH], spatial)


def nin_block(in_channels, out_channels, kernel_size, stride, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin():
    return nn.Sequential(
        nin_block(1, 96, kernel_size=11, stride=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, stride=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, stride=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, 10, kernel_size=3, stride=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())


def lenet_bn():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


def resnet18():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
                       nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(*resnet_block(64, 64, 2, first_block=True))
    b3 = nn.Sequential(*resnet_block(64, 128, 2))
    b4 = nn.Sequential(*resnet_block(128, 256, 2))
    b5 = nn.Sequential(*resnet_block(256, 512, 2))
    return nn.Sequential(b1, b2, b3, b4, b5,
                         nn.AdaptiveAvgPool2d((1, 1)),
                         nn.Flatten(), nn.Linear(512, 10))


def flat_features(build_convs, size):
    """Runs the convolutional part to learn the first dense layer's input size."""
    net = build_convs()
    x = torch.zeros(1, 1, size, size)
    for layer in net:
        if isinstance(layer, nn.Flatten):
            break
        x = layer(x)
    return int(x.numel())


def alexnet_at(size):
    return alexnet(flat_features(alexnet, size) if size != 224 else 6400)


def vgg_at(size):
    return vgg_small(spatial=size // 32)


MODELS = {
    # name: (constructor for an input size, sizes to record)
    'lenet': (lambda s: lenet(), [28]),
    'alexnet': (alexnet_at, [224, 96, 67]),
    'vgg': (vgg_at, [224, 64, 32]),
    'nin': (lambda s: nin(), [224, 96, 67]),
    'lenet-bn': (lambda s: lenet_bn(), [28]),
    'resnet18': (lambda s: resnet18(), [224, 96, 64, 32]),
}


def macs_of(net, size):
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
            total[0] += int(out.numel()) * k
        elif isinstance(m, nn.Linear):
            total[0] += int(out.numel()) * m.in_features

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        net(torch.zeros(1, 1, size, size))
    for h in handles:
        h.remove()
    return total[0]


def dump(record):
    """JSON with one line per table row or state-dict entry, so diffs stay readable."""
    lines = ['{']
    keys = list(record)
    for i, k in enumerate(keys):
        v = record[k]
        end = ',' if i < len(keys) - 1 else ''
        if isinstance(v, dict) and any(isinstance(x, list) for x in v.values()):
            lines.append(f' {json.dumps(k)}: {{')
            sub = list(v)
            for j, sk in enumerate(sub):
                rows = ',\n'.join('   ' + json.dumps(r) for r in v[sk])
                lines.append(f'  {json.dumps(sk)}: [\n{rows}\n  ]' + (',' if j < len(sub) - 1 else ''))
            lines.append(' }' + end)
        else:
            lines.append(f' {json.dumps(k)}: {json.dumps(v)}{end}')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def main():
    out_dir = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'models')
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    for name, (make, sizes) in MODELS.items():
        record = {'model': name, 'torch': torch.__version__, 'tables': {}, 'macs': {}, 'state_dict': {}, 'parameter_count': {}}
        for size in sizes:
            net = make(size)
            net.eval()
            if size == sizes[0]:
                record['parameters'] = [n for n, _ in net.named_parameters()]
            record['state_dict'][str(size)] = [[k, list(v.shape)] for k, v in net.state_dict().items()]
            record['parameter_count'][str(size)] = sum(p.numel() for p in net.parameters())
            x = torch.rand(1, 1, size, size)
            table = []
            with torch.no_grad():
                for layer in net:
                    x = layer(x)
                    table.append([layer.__class__.__name__, list(x.shape)])
            record['tables'][str(size)] = table
            record['macs'][str(size)] = macs_of(net, size)
        with open(os.path.join(out_dir, f'{name}.json'), 'w') as f:
            f.write(dump(record))
        print(name, record['parameter_count'])


if __name__ == '__main__':
    main()
