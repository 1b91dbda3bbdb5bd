#!/usr/bin/python3
"""The way back: loads weights exported from the book's training view (or saved by
train.py) into the PyTorch model and measures its accuracy on the test images.

    python3 scripts/pytorch/evaluate.py --model lenet --weights lenet.safetensors
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from book import CLASSES, evaluate, load_fashion, load_model, to_input  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', required=True)
    p.add_argument('--weights', required=True, help='a .safetensors file')
    p.add_argument('--input-size', type=int, help="default: the file's own, else the recipe's")
    p.add_argument('--test-limit', type=int, help='the first N test images only')
    p.add_argument('--data', choices=['book', 'torchvision'], default='book')
    args = p.parse_args(argv)

    net, size = load_model(args.model, args.weights, args.input_size)
    _, (test_x, test_y) = load_fashion(args.data)
    test_x, test_y = test_x[:args.test_limit], test_y[:args.test_limit]
    print(f'{args.model} at {size}x{size}: test accuracy {evaluate(net, test_x, test_y, size):.4f} on {len(test_y)} images')
    with torch.no_grad():
        first = net(to_input(test_x[:8], size)).argmax(1).tolist()
    print('first 8 test images:', ', '.join(f'{CLASSES[p]} ({CLASSES[t]})' for p, t in zip(first, test_y[:8].tolist())))


if __name__ == '__main__':
    main()
