"""Records what the PyTorch listings of the chapters print.

Every chapter's <CodeTabs> blocks hold a TypeScript listing and its PyTorch twin. This
script runs the Python listings of each chapter (English and Chinese) as a notebook does:
one fresh namespace per chapter, the cells in reading order, torch.manual_seed(0) first,
stdout captured, and the repr() of a cell's last expression shown unless it is None.

It writes src/widgets/code-cell/pytorch-outputs.json: the torch version and, for every
listing, its output under the FNV-1a hash of its text (the key CodeTabs.tsx looks up).
tests/chapters/listings.test.ts runs the TypeScript twins and compares their output with
this file, so CI needs no PyTorch. Run it after changing a Python listing:

    /usr/bin/python3 scripts/record-listings.py
"""
import ast
import contextlib
import io
import json
import re
import sys
import traceback
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'src' / 'widgets' / 'code-cell' / 'pytorch-outputs.json'
TABS = re.compile(r'<CodeTabs>(.*?)</CodeTabs>', re.S)
FENCE = re.compile(r'^```(\w+)[^\n]*\n(.*?)\n```[ \t]*$', re.S | re.M)


def listing_key(text: str) -> str:
    """FNV-1a (32 bits) over UTF-16 code units, as listingKey in src/widgets/code-cell/cells.ts computes it."""
    units = text.encode('utf-16-le')
    h = 0x811C9DC5
    for i in range(0, len(units), 2):
        h = ((h ^ (units[i] | units[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return format(h, 'x')


def python_listings(mdx: str) -> list[str]:
    out = []
    for block in TABS.findall(mdx):
        out += [code for lang, code in FENCE.findall(block) if lang in ('python', 'py')]
    return out


def run_cell(code: str, ns: dict, name: str) -> str:
    tree = ast.parse(code, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(tree, name, 'exec'), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, 'eval'), ns)
            if value is not None:
                print(repr(value))
    return buf.getvalue().rstrip('\n')


def main() -> int:
    torch.set_num_threads(1)
    outputs: dict[str, str] = {}
    failed = 0
    for lang in ('en', 'zh'):
        for path in sorted((ROOT / 'chapters' / lang).glob('*.mdx')):
            cells = python_listings(path.read_text(encoding='utf-8'))
            if not cells:
                continue
            torch.manual_seed(0)
            ns: dict = {'__name__': '__main__'}
            for i, code in enumerate(cells):
                name = f'{path.relative_to(ROOT)}[{i}]'
                try:
                    outputs[listing_key(code)] = run_cell(code, ns, name)
                except Exception:  # report every broken listing, then fail
                    failed += 1
                    print(f'{name} failed:', file=sys.stderr)
                    traceback.print_exc()
                    break
            print(f'{path.relative_to(ROOT)}: {len(cells)} listings', file=sys.stderr)
    if failed:
        print(f'{failed} chapter(s) failed; nothing written', file=sys.stderr)
        return 1
    version = '.'.join(torch.__version__.split('.')[:2])
    OUT.write_text(json.dumps({'torch': version, 'outputs': dict(sorted(outputs.items()))}, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
    print(f'wrote {len(outputs)} outputs to {OUT.relative_to(ROOT)}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
