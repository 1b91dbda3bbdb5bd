#!/usr/bin/python3
"""Trains one model of the book's zoo on Fashion-MNIST with PyTorch and saves its
weights as .safetensors that the book's training view can import.

    python3 scripts/pytorch/train.py --model lenet --out lenet.safetensors

Without options it runs the book's recipe (learning rate, epochs, batch size, input
size); --epochs, --input-size, --limit and --test-limit run less of it.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from book import ZOO, build, load_fashion, save_weights, to_input, train  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', required=True, choices=list(ZOO))
    p.add_argument('--epochs', type=int, help='default: the recipe')
    p.add_argument('--lr', type=float, help='default: the recipe')
    p.add_argument('--batch-size', type=int, help='default: the recipe')
    p.add_argument('--input-size', type=int, help='side of the square input (default: the recipe)')
    p.add_argument('--limit', type=int, help='train on the first N training images only')
    p.add_argument('--test-limit', type=int, help='test on the first N test images only')
    p.add_argument('--data', choices=['book', 'torchvision'], default='book', help="the book's files (npm run data) or torchvision's download")
    p.add_argument('--threads', type=int, help='torch.set_num_threads (default: PyTorch chooses)')
    p.add_argument('--device', default='cpu', help="where to train: 'cpu', 'cuda', ...")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', help='where to save the weights (.safetensors)')
    p.add_argument('--report', help='also write what was run and measured as JSON here')
    args = p.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    recipe = ZOO[args.model][1]
    lr = args.lr or recipe['lr']
    epochs = args.epochs or recipe['epochs']
    batch_size = args.batch_size or recipe['batch_size']
    size = args.input_size or recipe['input_size']

    (train_x, train_y), (test_x, test_y) = load_fashion(args.data)
    train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    test_x, test_y = test_x[:args.test_limit], test_y[:args.test_limit]
    print(f'{args.model}: {len(train_y)} training and {len(test_y)} test images at {size}x{size}, '
          f'lr {lr}, {epochs} epochs, batch size {batch_size}, torch {torch.__version__}, '
          f'{args.device}' + (f', {torch.get_num_threads()} threads' if args.device == 'cpu' else ''))

    net = build(args.model, size, seed=args.seed).to(args.device)
    start = time.time()
    history = train(net, (train_x, train_y), (test_x, test_y), lr, epochs, batch_size, size, seed=args.seed)
    seconds = time.time() - start
    if args.out:
        save_weights(net, args.out, args.model, size)
        print(f'saved {args.out}')
    if args.report:
        net.eval()
        with torch.no_grad():  # the first 64 test images, so the book can check it computes the same
            logits = net(to_input(test_x[:64], size).to(args.device))
        report = dict(model=args.model, input_size=size, lr=lr, epochs=epochs, batch_size=batch_size,
                      train_images=len(train_y), test_images=len(test_y), seconds=round(seconds, 1),
                      torch=torch.__version__, threads=torch.get_num_threads(), history=history,
                      logits=[[round(v, 5) for v in row] for row in logits.tolist()])
        with open(args.report, 'w') as f:
            json.dump(report, f)
    return net


if __name__ == '__main__':
    main()
