import { describe, expect, it } from 'vitest';
import { afterEdit, newline, shiftLines, type Edit } from '../../src/widgets/code-cell/edit-keys';

/**
 * Texts with their selection drawn in: `|` a caret, `«` and `»` a selection's ends.
 * `key` runs a key's edit on such a text and draws the result the same way.
 */
function parse(marked: string): { text: string; start: number; end: number } {
  const caret = marked.indexOf('|');
  if (caret >= 0) return { text: marked.replace('|', ''), start: caret, end: caret };
  const start = marked.indexOf('«');
  const end = marked.indexOf('»') - 1;
  return { text: marked.replace('«', '').replace('»', ''), start, end };
}
function key(marked: string, edit: (text: string, start: number, end: number) => Edit): string {
  const { text, start, end } = parse(marked);
  const e = edit(text, start, end);
  const after = afterEdit(text, e);
  if (e.selStart === e.selEnd) return `${after.slice(0, e.selStart)}|${after.slice(e.selStart)}`;
  return `${after.slice(0, e.selStart)}«${after.slice(e.selStart, e.selEnd)}»${after.slice(e.selEnd)}`;
}
const enter = (m: string) => key(m, newline);
const indent = (m: string) => key(m, (t, s, e) => shiftLines(t, s, e, 1));
const outdent = (m: string) => key(m, (t, s, e) => shiftLines(t, s, e, -1));

describe('Enter in the code editor', () => {
  it('keeps the indentation of the line', () => {
    expect(enter('  const x = 1;|')).toBe('  const x = 1;\n  |');
    expect(enter('const x = 1;|')).toBe('const x = 1;\n|');
    expect(enter('    a|b')).toBe('    a\n    |b');
  });

  it('indents one level more after an opening bracket, also with spaces after it', () => {
    expect(enter('  for (const p of ps) {|')).toBe('  for (const p of ps) {\n    |');
    expect(enter('const a = [ |')).toBe('const a = [ \n  |');
    expect(enter('console.log(|x')).toBe('console.log(\n  |x');
  });

  it('puts the matching closer on a line of its own at the outer level', () => {
    expect(enter('  if (ok) {|}')).toBe('  if (ok) {\n    |\n  }');
    expect(enter('f(|)')).toBe('f(\n  |\n)');
    // A closer that does not match is only moved down.
    expect(enter('f(|]')).toBe('f(\n  |]');
  });

  it('replaces a selection, and takes the indentation only as far as the caret', () => {
    expect(enter('  let «old» = 1;')).toBe('  let \n  | = 1;');
    expect(enter('  | x')).toBe('  \n  | x');
    expect(enter(' |   x')).toBe(' \n |   x');
  });

  it('reads only the caret line, not the lines above', () => {
    expect(enter('{\n  a;\nb;|')).toBe('{\n  a;\nb;\n|');
  });
});

describe('indenting and outdenting lines', () => {
  it('moves the caret line by one level, the caret with its text', () => {
    expect(indent('a\nb|c\nd')).toBe('a\n  b|c\nd');
    expect(outdent('a\n    b|c\nd')).toBe('a\n  b|c\nd');
    expect(indent('|x')).toBe('  |x');
  });

  it('moves every line a selection touches, and keeps selecting the same text', () => {
    expect(indent('x\n«a\n  b»\ny')).toBe('x\n«  a\n    b»\ny');
    expect(outdent('«  a\n    b\n c»')).toBe('«a\n  b\nc»');
    // A selection that starts inside a line keeps its place in that line's text.
    expect(indent('ab«c\nd»e')).toBe('  ab«c\n  d»e');
  });

  it('leaves alone a line the selection only reaches the start of', () => {
    expect(indent('«a\n»b')).toBe('«  a\n»b');
    expect(outdent('«  a\n»  b')).toBe('«a\n»  b');
  });

  it('keeps blank lines blank and outdents what indentation there is', () => {
    expect(indent('«a\n\nb»')).toBe('«  a\n\n  b»');
    expect(outdent('« a\nb\n\tc»')).toBe('«a\nb\nc»');
  });

  it('puts a caret inside removed indentation at the line start', () => {
    expect(outdent('  x\n |  y')).toBe('  x\n| y');
    expect(outdent('x\n |y')).toBe('x\n|y');
  });
});
