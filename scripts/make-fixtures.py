#!/usr/bin/python3
"""Records PyTorch reference results for the engine's op tests.

Run with Debian's torch:   /usr/bin/python3 scripts/make-fixtures.py

Writes tests/fixtures/ops.json and tests/fixtures/optim.json. Every case stores its
float32 inputs, the upstream gradient `gy` used for backward, the forward output and
the gradient of every input, all computed in float64 from the float32 inputs (so the
engine's float32 results should agree to about 1e-5). Seeds are fixed, so running the
script again gives the same files. CI does not have torch: the files are committed.

Each element-wise op draws its inputs from a stream seeded by its name, and every other
section from a stream of its own (`stream`), so that a new op, or a case appended at the
end of a section, leaves every other case's values as they were. The files hold one case a
line, so that a change shows as the lines of the cases it changed.
"""
import json
import os
import zlib

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
gen = torch.Generator().manual_seed(1234)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')


def rnd(*shape, lo=-1.0, hi=1.0):
    return (torch.rand(tuple(shape), generator=gen, dtype=torch.float64) * (hi - lo) + lo).float()


def stream(name):
    """Starts the inputs of an op or a section: the generator seeded by its name."""
    gen.manual_seed(zlib.crc32(name.encode()))


def write(name, cases):
    """Writes `{torch, cases}` as JSON with one case a line."""
    body = ',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases)
    with open(os.path.join(OUT_DIR, name), 'w') as f:
        f.write(f'{{"torch":{json.dumps(torch.__version__)},"cases":[\n{body}\n]}}\n')


def pack(t):
    t = t.detach().to(torch.float64)
    return {'shape': list(t.shape), 'data': [float('%.8g' % v) for v in t.reshape(-1).tolist()]}


cases = []


def case(name, op, inputs, fn, attrs=None, grad=True, check_grads=None):
    """inputs: list of float32 tensors. fn: maps float64 tensors to the output."""
    xs = [x.to(torch.float64).requires_grad_(grad) for x in inputs]
    out = fn(*xs)
    entry = {'name': name, 'op': op, 'attrs': attrs or {}, 'inputs': [pack(x) for x in inputs], 'out': pack(out)}
    if grad:
        gy = rnd(*out.shape).to(torch.float64)
        grads = torch.autograd.grad(out, xs, gy, allow_unused=True)
        entry['gy'] = pack(gy)
        entry['grads'] = [
            None if (g is None or (check_grads is not None and not check_grads[i])) else pack(g) for i, g in enumerate(grads)
        ]
    cases.append(entry)


# ---- element-wise ------------------------------------------------------------------
# One line per element-wise op: the engine's Tensor method name, the input range, PyTorch's function.
UNARY = [
    ('neg', -2, 2, torch.neg), ('exp', -2, 2, torch.exp), ('log', 0.2, 3, torch.log), ('sqrt', 0.2, 3, torch.sqrt),
    ('rsqrt', 0.2, 3, torch.rsqrt), ('abs', -2, 2, torch.abs), ('square', -2, 2, torch.square),
    ('reciprocal', 0.3, 3, torch.reciprocal), ('relu', -2, 2, torch.relu), ('sigmoid', -6, 6, torch.sigmoid),
    ('tanh', -3, 3, torch.tanh), ('softplus', -4, 4, F.softplus),
]
for op, lo, hi, torch_fn in UNARY:
    stream(op)
    case(f'{op} of a [3, 5] tensor', op, [rnd(3, 5, lo=lo, hi=hi)], torch_fn)

BINARY = {
    'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div,
    'pow': torch.pow, 'maximum': torch.maximum, 'minimum': torch.minimum,
}
for op, fn in BINARY.items():
    stream(op)
    for sa, sb in [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((5,), ()), ((1, 3), (2, 1, 1))]:
        if op == 'pow':
            a, b = rnd(*sa, lo=0.3, hi=2.0), rnd(*sb, lo=-1.5, hi=2.0)
        elif op == 'div':
            a, b = rnd(*sa), rnd(*sb, lo=0.5, hi=2.0) * (1 if len(sb) == 0 else torch.sign(rnd(*sb)))
        else:
            a, b = rnd(*sa), rnd(*sb)
        case(f'{op} of {list(sa)} and {list(sb)}', op, [a, b], fn)

# ---- reductions ----------------------------------------------------------------------
stream('reductions')
for op in ['sum', 'mean', 'max', 'min']:
    for shape, axis, keep in [((3, 4, 5), None, False), ((3, 4, 5), 1, False), ((3, 4, 5), [0, 2], True), ((4, 7), -1, True), ((6,), 0, False)]:
        x = rnd(*shape)

        def f(t, op=op, axis=axis, keep=keep):
            if axis is None:
                return getattr(t, op)() if op in ('sum', 'mean') else (t.amax() if op == 'max' else t.amin())
            if op in ('sum', 'mean'):
                return getattr(t, op)(dim=axis, keepdim=keep)
            if isinstance(axis, list):
                return t.amax(dim=axis, keepdim=keep) if op == 'max' else t.amin(dim=axis, keepdim=keep)
            return (t.max if op == 'max' else t.min)(dim=axis, keepdim=keep).values

        case(f'{op} of {list(shape)} over axis {axis} keepdim={keep}', op, [x], f, {'axis': axis, 'keepdim': keep})

for shape, axis in [((3, 4, 5), 1), ((4, 7), -1), ((6,), 0)]:
    x = rnd(*shape)
    case(f'argmax of {list(shape)} along {axis}', 'argmax', [x], lambda t, axis=axis: t.argmax(dim=axis).double(), {'axis': axis}, grad=False)

for dim in [0, 1, -1]:
    x = rnd(3, 4, 5, lo=-4, hi=4)
    case(f'softmax of [3, 4, 5] along {dim}', 'softmax', [x], lambda t, dim=dim: torch.softmax(t, dim), {'dim': dim})
    case(f'logSoftmax of [3, 4, 5] along {dim}', 'logSoftmax', [x], lambda t, dim=dim: torch.log_softmax(t, dim), {'dim': dim})

# ---- layout ---------------------------------------------------------------------------
stream('layout')
case('transpose of [2, 3, 4] swapping axes 0 and 2', 'transpose', [rnd(2, 3, 4)], lambda t: t.transpose(0, 2), {'d0': 0, 'd1': 2})
case('permute of [2, 3, 4, 5] by [2, 0, 3, 1]', 'permute', [rnd(2, 3, 4, 5)], lambda t: t.permute(2, 0, 3, 1), {'perm': [2, 0, 3, 1]})
case('reshape of [2, 3, 4] to [4, -1]', 'reshape', [rnd(2, 3, 4)], lambda t: t.reshape(4, -1), {'shape': [4, -1]})
case('narrow of [4, 6] along 1 from 2 length 3', 'narrow', [rnd(4, 6)], lambda t: t.narrow(1, 2, 3), {'axis': 1, 'start': 2, 'length': 3})
case('cat of [2, 3] and [2, 5] along 1', 'cat', [rnd(2, 3), rnd(2, 5)], lambda a, b: torch.cat([a, b], 1), {'axis': 1})
case('cat of [1, 3, 2] and [2, 3, 2] along 0', 'cat', [rnd(1, 3, 2), rnd(2, 3, 2)], lambda a, b: torch.cat([a, b], 0), {'axis': 0})
case('expand of [3, 1] to [2, 3, 4]', 'expand', [rnd(3, 1)], lambda t: t.expand(2, 3, 4), {'shape': [2, 3, 4]})

# ---- matmul -------------------------------------------------------------------------------
stream('matmul')
for sa, sb in [((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4, 5), (5, 6)), ((3, 1, 4, 5), (2, 5, 3)), ((4,), (4, 3)), ((3, 4), (4,)), ((7, 9), (9, 1))]:
    case(f'matmul of {list(sa)} and {list(sb)}', 'matmul', [rnd(*sa), rnd(*sb)], torch.matmul)

case('linear of [5, 4] with weight [3, 4] and bias', 'linear', [rnd(5, 4), rnd(3, 4), rnd(3)], F.linear)
case('linear of [2, 3, 4] with weight [6, 4] and no bias', 'linear', [rnd(2, 3, 4), rnd(6, 4)], F.linear)

# ---- convolution ----------------------------------------------------------------------------
stream('convolution')
CONV = [
    # n, cin, h, w, cout, kh, kw, stride, padding, bias
    (1, 1, 5, 5, 1, 3, 3, 1, 0, True),
    (2, 3, 7, 6, 4, 3, 2, 1, 1, True),
    (2, 2, 9, 8, 3, 3, 3, 2, 1, False),
    (1, 3, 8, 11, 2, 5, 3, (2, 3), (2, 1), True),
    (3, 2, 6, 7, 5, 1, 1, 1, 0, True),
    (2, 4, 10, 10, 3, 4, 4, 3, 0, True),
    (1, 2, 5, 9, 2, 2, 5, (1, 2), (0, 2), True),
]
for n, cin, h, w, cout, kh, kw, s, p, b in CONV:
    x, wt = rnd(n, cin, h, w), rnd(cout, cin, kh, kw)
    ins = [x, wt] + ([rnd(cout)] if b else [])
    case(
        f'conv2d of [{n}, {cin}, {h}, {w}] with kernel {kh}x{kw}, stride {s}, padding {p}{"" if b else ", no bias"}',
        'conv2d', ins,
        lambda *t, s=s, p=p: F.conv2d(t[0], t[1], t[2] if len(t) > 2 else None, stride=s, padding=p),
        {'stride': s, 'padding': p},
    )

# ---- pooling -----------------------------------------------------------------------------------
stream('pooling')
POOL = [
    # n, c, h, w, k, stride, padding
    (1, 1, 4, 4, 2, None, 0),
    (2, 3, 7, 7, 3, 2, 1),
    (2, 2, 9, 8, (3, 2), (2, 1), (1, 0)),
    (1, 3, 6, 9, (2, 3), (2, 3), (0, 1)),
    (3, 2, 5, 5, 3, 1, 1),
    (1, 2, 13, 13, 3, 2, 0),
]
for n, c, h, w, k, s, p in POOL:
    x = rnd(n, c, h, w)
    attrs = {'kernelSize': k, 'stride': s, 'padding': p}
    case(f'maxPool2d of [{n}, {c}, {h}, {w}] with window {k}, stride {s}, padding {p}', 'maxPool2d', [x],
         lambda t, k=k, s=s, p=p: F.max_pool2d(t, k, s, p), attrs)
    case(f'avgPool2d of [{n}, {c}, {h}, {w}] with window {k}, stride {s}, padding {p}', 'avgPool2d', [x],
         lambda t, k=k, s=s, p=p: F.avg_pool2d(t, k, s, p), attrs)

for shape, o in [((2, 3, 8, 6), (4, 3)), ((1, 2, 7, 5), 1), ((2, 2, 7, 10), (3, 4)), ((1, 1, 5, 5), (5, 5)), ((1, 3, 4, 6), (6, 4))]:
    case(f'adaptiveAvgPool2d of {list(shape)} to {o}', 'adaptiveAvgPool2d', [rnd(*shape)],
         lambda t, o=o: F.adaptive_avg_pool2d(t, o), {'outSize': o})

for shape, size in [((1, 2, 4, 5), (8, 10)), ((2, 1, 7, 7), (3, 4)), ((1, 2, 5, 3), (11, 7)), ((1, 1, 6, 6), (6, 6))]:
    case(f'interpolateBilinear of {list(shape)} to {list(size)}', 'interpolateBilinear', [rnd(*shape)],
         lambda t, size=size: F.interpolate(t, size=size, mode='bilinear', align_corners=False), {'size': list(size)})

# ---- normalisation and losses --------------------------------------------------------------------
stream('normalisation and losses')
for shape in [(6, 4), (3, 2, 5, 4)]:
    c = shape[1]
    x, wt, bs = rnd(*shape, lo=-2, hi=3), rnd(c, lo=0.5, hi=1.5), rnd(c)
    rm0, rv0 = rnd(c), rnd(c, lo=0.5, hi=1.5)

    def bn_train(x, w, b, rm0=rm0, rv0=rv0):
        rm, rv = rm0.clone().double(), rv0.clone().double()
        y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
        bn_train.stats = (rm, rv)
        return y

    case(f'batchNorm (training) of {list(shape)}', 'batchNormTrain', [x, wt, bs], bn_train,
         {'runningMean': pack(rm0), 'runningVar': pack(rv0)})
    cases[-1]['attrs']['runningMeanAfter'] = pack(bn_train.stats[0])
    cases[-1]['attrs']['runningVarAfter'] = pack(bn_train.stats[1])
    case(f'batchNorm (eval) of {list(shape)}', 'batchNormEval', [x, wt, bs],
         lambda x, w, b, rm0=rm0, rv0=rv0: F.batch_norm(x, rm0.double(), rv0.double(), w, b, training=False, eps=1e-5),
         {'runningMean': pack(rm0), 'runningVar': pack(rv0)})

for n, c, scale in [(5, 4, 1.0), (8, 10, 3.0), (3, 3, 60.0)]:
    logits = rnd(n, c, lo=-scale, hi=scale)
    labels = torch.randint(0, c, (n,), generator=gen)
    case(f'crossEntropy of [{n}, {c}] logits of scale {scale}', 'crossEntropy', [logits],
         lambda t, labels=labels: F.cross_entropy(t, labels), {'labels': labels.tolist()})

case('mseLoss of [4, 3]', 'mseLoss', [rnd(4, 3), rnd(4, 3)], F.mse_loss)

# ---- 3x3, stride-1 convolutions with enough channels for the wasm backend's Winograd kernels ----
stream('winograd 3x3')
for n, cin, h, w, cout, p, b in [(2, 16, 9, 7, 20, 1, True), (3, 24, 5, 6, 16, 0, False), (2, 16, 6, 5, 18, 2, True), (4, 32, 2, 2, 32, 1, True)]:
    x, wt = rnd(n, cin, h, w), rnd(cout, cin, 3, 3)
    ins = [x, wt] + ([rnd(cout)] if b else [])
    case(
        f'conv2d of [{n}, {cin}, {h}, {w}] to {cout} channels with kernel 3x3, stride 1, padding {p}{"" if b else ", no bias"}',
        'conv2d', ins,
        lambda *t, p=p: F.conv2d(t[0], t[1], t[2] if len(t) > 2 else None, stride=1, padding=p),
        {'stride': 1, 'padding': p},
    )

# ---- 5x5, stride-1 convolutions with enough channels for Winograd by four 3x3 blocks ----
stream('winograd 5x5')
for n, cin, h, w, cout, p, b in [(2, 16, 10, 10, 24, 2, True), (2, 17, 7, 8, 16, 0, False), (3, 16, 4, 4, 20, 4, True)]:
    x, wt = rnd(n, cin, h, w), rnd(cout, cin, 5, 5)
    ins = [x, wt] + ([rnd(cout)] if b else [])
    case(
        f'conv2d of [{n}, {cin}, {h}, {w}] to {cout} channels with kernel 5x5, stride 1, padding {p}{"" if b else ", no bias"}',
        'conv2d', ins,
        lambda *t, p=p: F.conv2d(t[0], t[1], t[2] if len(t) > 2 else None, stride=1, padding=p),
        {'stride': 1, 'padding': p},
    )

os.makedirs(OUT_DIR, exist_ok=True)
write('ops.json', cases)

# ---- optimizers: parameters after three steps with fixed gradients --------------------------------
optim_cases = []
stream('optimizers')
for name, make, opts in [
    ('SGD', lambda ps: torch.optim.SGD(ps, lr=0.1), {'lr': 0.1}),
    ('SGD', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), {'lr': 0.05, 'momentum': 0.9}),
    ('SGD', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
     {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3, 'weightDecay': 0.01}),
    ('SGD', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
     {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weightDecay': 0.1}),
    ('Adam', lambda ps: torch.optim.Adam(ps, lr=0.01), {'lr': 0.01}),
    ('Adam', lambda ps: torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
     {'lr': 0.02, 'betas': [0.8, 0.99], 'eps': 1e-6, 'weightDecay': 0.05}),
]:
    p0 = rnd(3, 4)
    grads = [rnd(3, 4) for _ in range(3)]
    p = p0.clone().double().requires_grad_(True)
    opt = make([p])
    after = []
    for g in grads:
        p.grad = g.clone().double()
        opt.step()
        after.append(pack(p))
    optim_cases.append({'name': f'{name} {json.dumps(opts)}', 'optimizer': name, 'options': opts, 'param': pack(p0),
                        'grads': [pack(g) for g in grads], 'after': after})

write('optim.json', optim_cases)

print(f'wrote {len(cases)} op cases and {len(optim_cases)} optimizer cases to {os.path.normpath(OUT_DIR)}')
