"""The shared part of the book's PyTorch scripts: the zoo, the data, the training loop
and the .safetensors files that move weights between PyTorch and the book.

    from book import build, load_fashion, train, save_weights, load_model

The model definitions are the ones the book's own tests record PyTorch's shapes from
(scripts/models/torch-reference.py); this module adds the recipes, the Xavier
initialisation and everything around training.
"""
import importlib.util
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')


def _reference():
    spec = importlib.util.spec_from_file_location('torch_reference', os.path.join(ROOT, 'scripts', 'models', 'torch-reference.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ref = _reference()


def fit_dense_head(net, size):
    """LeNet's first Linear takes the features of a 28x28 input; at another input size it
    takes as many as the convolutions leave (the book does the same)."""
    x = torch.zeros(1, 1, size, size)
    for i, layer in enumerate(net):
        x = layer(x)
        if isinstance(layer, nn.Flatten):
            if net[i + 1].in_features != x.shape[1]:
                net[i + 1] = nn.Linear(x.shape[1], net[i + 1].out_features)
            return net


# model id: (constructor for an input size, recipe, the size the book trains at in a tab)
# Recipes are the book's (src/models/index.ts): learning rate, epochs, batch size, input size.
ZOO = {
    'lenet': (lambda s: fit_dense_head(ref.lenet(), s), dict(lr=0.9, epochs=10, batch_size=256, input_size=28), 28),
    'alexnet': (ref.alexnet_at, dict(lr=0.01, epochs=10, batch_size=128, input_size=224), 96),
    'vgg': (ref.vgg_at, dict(lr=0.05, epochs=10, batch_size=128, input_size=224), 64),
    'nin': (lambda s: ref.nin(), dict(lr=0.1, epochs=10, batch_size=128, input_size=224), 96),
    'lenet-bn': (lambda s: fit_dense_head(ref.lenet_bn(), s), dict(lr=1.0, epochs=10, batch_size=256, input_size=28), 28),
    'resnet18': (lambda s: ref.resnet18(), dict(lr=0.05, epochs=10, batch_size=256, input_size=96), 64),
}


def init_weights(m):
    """The book's initialisation: Xavier-uniform weights for every Conv2d and Linear
    (biases keep PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)


def build(model, input_size=None, seed=0):
    """The model `model` for square inputs of side `input_size`, initialised like the book."""
    make, recipe, _ = ZOO[model]
    torch.manual_seed(seed)
    net = make(input_size or recipe['input_size'])
    net.apply(init_weights)
    return net


# ---- data -------------------------------------------------------------------------

MAGIC, VERSION, HEADER = 0x424E4E43, 1, 32
DATA_DIR = os.path.join(ROOT, 'public', 'data')
CLASSES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']


def read_book_file(path):
    """One of the book's dataset files (`npm run data` writes them): a header of eight
    uint32 little-endian words (magic "CNNB", version, count, rows, cols, classes,
    FNV-1a of the payload, 0), then count*rows*cols uint8 pixels and count uint8 labels.
    Returns (uint8 images [count, 1, rows, cols], int64 labels [count])."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < HEADER:
        raise ValueError(f'{path}: too short for a dataset header')
    magic, version, count, rows, cols, _classes, _checksum, _ = struct.unpack('<8I', raw[:HEADER])
    if magic != MAGIC or version != VERSION:
        raise ValueError(f'{path}: not a dataset file of the book (magic {magic:#x}, version {version})')
    px = count * rows * cols
    if len(raw) != HEADER + px + count:
        raise ValueError(f'{path}: {len(raw)} bytes, expected {HEADER + px + count} for {count} images')
    images = np.frombuffer(raw, np.uint8, px, HEADER).reshape(count, 1, rows, cols)
    labels = np.frombuffer(raw, np.uint8, count, HEADER + px)
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def load_fashion(source='book', root=None):
    """Fashion-MNIST as uint8 tensors: ((train images, labels), (test images, labels)).
    source='book' reads public/data/fashion-{train,test}.bin (the book's fixed split);
    source='torchvision' downloads the original 60,000/10,000 split instead."""
    if source == 'torchvision':
        from torchvision import datasets
        root = root or os.path.expanduser('~/.cache/torchvision')
        tr = datasets.FashionMNIST(root, train=True, download=True)
        te = datasets.FashionMNIST(root, train=False, download=True)
        return ((tr.data.unsqueeze(1), tr.targets.long()), (te.data.unsqueeze(1), te.targets.long()))
    root = root or DATA_DIR
    return tuple(read_book_file(os.path.join(root, f'fashion-{split}.bin')) for split in ('train', 'test'))


def to_input(images, size):
    """uint8 images -> floats in [0, 1], resized bilinearly to size x size like the book."""
    x = images.float().div_(255)
    if x.shape[-1] != size:
        x = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)
    return x


def batches(images, labels, batch_size, size, generator=None):
    """Mini-batches in a random order (generator given) or in stored order."""
    n = len(labels)
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    for i in range(0, n, batch_size):
        idx = order[i:i + batch_size]
        yield to_input(images[idx], size), labels[idx]


# ---- training ---------------------------------------------------------------------

def evaluate(net, images, labels, size, batch_size=256):
    """Accuracy on a data set, in eval mode (dropout off, BatchNorm's running statistics)."""
    net.eval()
    device = next(net.parameters()).device
    correct = 0
    with torch.no_grad():
        for X, y in batches(images, labels, batch_size, size):
            correct += (net(X.to(device)).argmax(1) == y.to(device)).sum().item()
    return correct / len(labels)


def train(net, train_data, test_data, lr, epochs, batch_size, size, seed=0, log=print):
    """SGD with cross-entropy, one test evaluation per epoch. Returns the per-epoch
    history: [{'epoch', 'loss', 'train_acc', 'test_acc', 'seconds'}]."""
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    device = next(net.parameters()).device  # the batches go where the model is
    history = []
    for epoch in range(epochs):
        start = time.time()
        net.train()
        total_loss, correct, seen = 0.0, 0, 0
        for X, y in batches(*train_data, batch_size, size, generator):
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            y_hat = net(X)
            loss = loss_fn(y_hat, y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (y_hat.argmax(1) == y).sum().item()
            seen += len(y)
        test_acc = evaluate(net, *test_data, size)
        row = dict(epoch=epoch + 1, loss=total_loss / seen, train_acc=correct / seen, test_acc=test_acc, seconds=time.time() - start)
        history.append(row)
        log(f"epoch {row['epoch']:2d}/{epochs}  loss {row['loss']:.3f}  train acc {row['train_acc']:.3f}  "
            f"test acc {row['test_acc']:.3f}  ({row['seconds']:.1f} s)")
    return history


# ---- .safetensors -----------------------------------------------------------------

try:
    from safetensors.torch import load_file as _load_file, save_file as _save_file
except ImportError:  # the official package is not installed: use the small reader/writer below
    _load_file = _save_file = None

_DTYPES = {torch.float32: ('F32', '<f4'), torch.float64: ('F64', '<f8'), torch.float16: ('F16', '<f2'),
           torch.int64: ('I64', '<i8'), torch.int32: ('I32', '<i4')}
_BY_NAME = {name: np.dtype(code) for name, code in _DTYPES.values()}


def write_safetensors(tensors, path, metadata=None):
    """The .safetensors layout: an 8-byte little-endian header length, a JSON header
    (name -> dtype, shape, data_offsets; padded with spaces to a multiple of 8), the data."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        dtype, code = _DTYPES[t.dtype]
        data = t.detach().cpu().contiguous().numpy().astype(code).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))


def read_safetensors(path):
    """Reads what write_safetensors (or the book, or the safetensors package) wrote."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, e in header.items():
        begin, end = e['data_offsets']
        if e['dtype'] not in _BY_NAME:
            raise ValueError(f'{path}: {name} has dtype {e["dtype"]}, which this reader does not handle')
        arr = np.frombuffer(raw, _BY_NAME[e['dtype']], (end - begin) // _BY_NAME[e['dtype']].itemsize, 8 + n + begin)
        out[name] = torch.from_numpy(arr.copy()).reshape(e['shape'])
    return out


def read_metadata(path):
    with open(path, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        return json.loads(f.read(n)).get('__metadata__', {})


def save_weights(net, path, model, input_size):
    """The state dict as .safetensors, with the names and shapes the book's import expects.
    BatchNorm's num_batches_tracked stays int64 (I64), which the book reads."""
    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    meta = {'format': 'pt', 'model': model, 'inputSize': str(input_size)}
    (_save_file or write_safetensors)(state, path, metadata=meta)


def load_model(model, path, input_size=None):
    """The way back: a .safetensors file exported by the book (or saved above) as a
    PyTorch model in eval mode, and its input size: `input_size` if given, else the one
    the file records (the book and save_weights write it), else the recipe's."""
    size = input_size or int(read_metadata(path).get('inputSize', 0)) or ZOO[model][1]['input_size']
    net = build(model, size)
    state = (_load_file or read_safetensors)(path)
    net.load_state_dict(state)  # copies, converting the book's F32 num_batches_tracked to int64
    return net.eval(), size
