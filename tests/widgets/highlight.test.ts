import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { codeLang, highlight, type CodeLang, type Token, type TokenKind } from '../../src/widgets/common/highlight';

/** The tokens of a one-line listing as [kind, text] pairs, plain ones left out. */
const marked = (code: string, lang: CodeLang) =>
  highlight(code, lang)
    .flat()
    .filter((t) => t.kind !== '')
    .map((t) => [t.kind, t.text] as [TokenKind, string]);
const joined = (lines: Token[][]) => lines.map((l) => l.map((t) => t.text).join('')).join('\n');

/** Every fenced listing of the book's chapters, with its language. */
function listings(): { file: string; lang: CodeLang; code: string }[] {
  const out: { file: string; lang: CodeLang; code: string }[] = [];
  for (const lang of ['en', 'zh']) {
    for (const f of readdirSync(`chapters/${lang}`)) {
      const text = readFileSync(`chapters/${lang}/${f}`, 'utf8');
      for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) out.push({ file: `${lang}/${f}`, lang: codeLang(`language-${m[1]}`), code: m[2] });
    }
  }
  return out;
}

describe('highlight', () => {
  it('gives every listing of the book back exactly, line for line', () => {
    const all = listings();
    expect(all.length).toBeGreaterThan(150);
    for (const { file, lang, code } of all) {
      const lines = highlight(code, lang);
      expect(joined(lines), file).toBe(code);
      expect(lines.length, file).toBe(code.split('\n').length);
      // No token is empty or holds a line break.
      for (const t of lines.flat()) expect(t.text === '' || t.text.includes('\n'), file).toBe(false);
    }
  });

  it('marks comments, strings, numbers, keywords, constants and defined names in TypeScript', () => {
    expect(marked("const x = rand([2, 3]); // shape 2x3", 'ts')).toEqual([
      ['kw', 'const'],
      ['fn', 'rand'],
      ['num', '2'],
      ['num', '3'],
      ['com', '// shape 2x3'],
    ]);
    expect(marked("function corr2d(X: Tensor) { return null; }", 'ts')).toEqual([
      ['kw', 'function'],
      ['def', 'corr2d'],
      ['kw', 'return'],
      ['lit', 'null'],
    ]);
    expect(marked("console.log('it\\'s', \"a // b\", 1e-3, .5, 0x1f)", 'ts')).toEqual([
      ['fn', 'log'],
      ['str', "'it\\'s'"],
      ['str', '"a // b"'],
      ['num', '1e-3'],
      ['num', '.5'],
      ['num', '0x1f'],
    ]);
    // A property named like a keyword is a name; so are names with digits.
    expect(marked('net.default + layer.new + conv1 + x.type', 'ts')).toEqual([]);
    // `type` is a keyword only where a name follows it.
    expect(marked('type Shape = number[]; const type = 1;', 'ts')).toEqual([
      ['kw', 'type'],
      ['def', 'Shape'],
      ['kw', 'const'],
      ['num', '1'],
    ]);
    // ... and names no definition in an import.
    expect(marked("import { nn, type Tensor } from '../src/engine';", 'ts')).toEqual([
      ['kw', 'import'],
      ['kw', 'type'],
      ['kw', 'from'],
      ['str', "'../src/engine'"],
    ]);
  });

  it('colours the text of a template literal and the code in its ${...} as code', () => {
    expect(marked('`loss ${loss.toFixed(3)} at ${ {a: 1}.a }`', 'ts')).toEqual([
      ['str', '`loss ${'],
      ['fn', 'toFixed'],
      ['num', '3'],
      ['str', '} at ${'],
      ['num', '1'],
      ['str', '}`'],
    ]);
  });

  it('keeps a block comment and a triple-quoted string marked on each of their lines', () => {
    const ts = highlight('/* one\n   two */ let a', 'ts');
    expect(ts.map((l) => l.map((t) => t.kind))).toEqual([['com'], ['com', '', 'kw', '']]);
    const py = highlight('s = """a\nb # not a comment\n"""\nx = 1', 'python');
    expect(py.map((l) => l.map((t) => [t.kind, t.text]))).toEqual([
      [['', 's = '], ['str', '"""a']],
      [['str', 'b # not a comment']],
      [['str', '"""']],
      [['', 'x = '], ['num', '1']],
    ]);
  });

  it('reads Python: prefixed strings, decorators, def and class, its constants', () => {
    expect(marked("@torch.no_grad()\ndef init(m, f'x{1}', r'\\d'):\n    return None if m else True  # done", 'python')).toEqual([
      ['kw', '@torch.no_grad'],
      ['kw', 'def'],
      ['def', 'init'],
      ['str', "f'x{1}'"],
      ['str', "r'\\d'"],
      ['kw', 'return'],
      ['lit', 'None'],
      ['kw', 'if'],
      ['kw', 'else'],
      ['lit', 'True'],
      ['com', '# done'],
    ]);
    expect(marked('class Residual(nn.Module):', 'python')).toEqual([
      ['kw', 'class'],
      ['def', 'Residual'],
    ]);
    // An identifier that ends in a prefix letter is not a string's prefix.
    expect(marked("elif x == 'a':", 'python')).toEqual([
      ['kw', 'elif'],
      ['str', "'a'"],
    ]);
  });

  it('marks the name a call calls: functions, methods, classes a new makes, in either language', () => {
    expect(marked('const y = new nn.Linear(8, 1).forward(x.reshape([1, 8]));', 'ts')).toEqual([
      ['kw', 'const'],
      ['kw', 'new'],
      ['fn', 'Linear'],
      ['num', '8'],
      ['num', '1'],
      ['fn', 'forward'],
      ['fn', 'reshape'],
      ['num', '1'],
      ['num', '8'],
    ]);
    // Not a name the call does not directly follow, a keyword, a definition, or a generic call's name.
    expect(marked('if (ok) f (1); function g() {} h<T>(2);', 'ts')).toEqual([
      ['kw', 'if'],
      ['num', '1'],
      ['kw', 'function'],
      ['def', 'g'],
      ['num', '2'],
    ]);
    // A method defined in a class is a definition: a body or a return type follows its parameters.
    expect(marked('class A {\n  constructor() { super(); }\n  override forward(x: T): T {\n    f(x);\n    return g((y) => y);\n  }\n}', 'ts')).toEqual([
      ['kw', 'class'],
      ['def', 'A'],
      ['def', 'constructor'],
      ['lit', 'super'],
      ['kw', 'override'],
      ['def', 'forward'],
      ['fn', 'f'],
      ['kw', 'return'],
      ['fn', 'g'],
    ]);
    expect(marked('print(len(nn.Sequential(net)))', 'python')).toEqual([
      ['fn', 'print'],
      ['fn', 'len'],
      ['fn', 'Sequential'],
    ]);
  });

  it('leaves a string that is not closed running to the end of its line, and the next line free', () => {
    expect(highlight("x = 'open\ny = 2", 'python').map((l) => l.map((t) => t.kind))).toEqual([['', 'str'], ['', 'num']]);
  });

  it('reads shell lines: a comment only after a space, strings', () => {
    expect(marked("npm run bench -- --only=wasm # the CPU\necho 'a#b' x#y", 'sh')).toEqual([
      ['com', '# the CPU'],
      ['str', "'a#b'"],
    ]);
  });

  it('passes text in another language through as it is', () => {
    expect(highlight('a\n\nb', 'text')).toEqual([[{ kind: '', text: 'a' }], [], [{ kind: '', text: 'b' }]]);
    expect(codeLang('language-py')).toBe('python');
    expect(codeLang('language-typescript')).toBe('ts');
    expect(codeLang(undefined)).toBe('text');
  });
});
