/**
 * The book speaks in its own voice. The reader never hears of "the notes" it was
 * written from: not in a chapter (prose, code listings, widget tags), not in a string a
 * widget or the app shows. What it is built on is said once, in the preface, with a
 * credit to Dive into Deep Learning and its licence, CC BY-SA 4.0.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** "the notes", "the notes' recipe", "Notes: …", 笔记 — any mention of source notes. */
const NOTES = /\bnotes\b|笔记/i;

const LANGS = ['en', 'zh'] as const;
const chapters = (lang: string) => readdirSync(join('chapters', lang)).filter((f) => f.endsWith('.mdx'));

/** The lines of a text that mention the notes. */
export function mentions(text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => NOTES.test(line))
    .map(({ line, i }) => `${i + 1}: ${line.trim().slice(0, 120)}`);
}

/**
 * Every string a source file can put on the page: string and template literals and JSX
 * text, read with TypeScript's parser (comments are not strings and are skipped). A
 * literal that is a bare identifier ('notes' as a preset id, 'teacher-notes' as a class
 * name) is an id, not something the reader reads.
 */
export function shownStrings(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
    else if (ts.isJsxText(node)) text = node.getText(sf);
    if (text !== null && !/^[\w.-]*$/.test(text.trim())) found.push(text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Everything under src/ that can show text to a reader (the engine and the worker speak through these). */
const READER_FACING = ['src/app', 'src/mdx', 'src/widgets', 'src/models', 'src/stores', 'src/charts'].flatMap(sourceFiles);

describe('the checks themselves', () => {
  it('catch the phrasings the book used to have', () => {
    for (const s of ["using the recipe of the notes' source", 'The notes train AlexNet', '笔记在缩放到 224 的 Fashion-MNIST 上训练', 'we keep it here to match the notes.']) {
      expect(mentions(s), s).toHaveLength(1);
    }
    const widget = `const PRESETS = [{ id: 'photo', en: 'Notes: 12 MP photo, RGB', zh: '笔记：1200 万像素彩色照片' }];
      export const S = { useRecipe: { en: "Use the notes' values" } };
      const el = <button>{t(\`Notes: \${n} channels\`, '本章')}</button>;
      const txt = <p>The notes’ LeNet</p>;`;
    const hits = shownStrings('x.tsx', widget).filter((s) => NOTES.test(s));
    expect(hits).toEqual(['Notes: 12 MP photo, RGB', '笔记：1200 万像素彩色照片', "Use the notes' values", 'Notes: ', 'The notes’ LeNet']);
  });

  it('leave ids, class names and comments alone', () => {
    const code = `// the notes' example
      /** The notes' recipe. */
      preset('notes'); const c = <p className="teacher-notes">x</p>; PRESETS.notes; notesOutSize(1, 2, 3, 4);`;
    expect(shownStrings('x.tsx', code).filter((s) => NOTES.test(s))).toEqual([]);
  });
});

describe.each(LANGS)('the %s chapters', (lang) => {
  it.each(chapters(lang))('%s never mentions the notes the book was written from', (file) => {
    expect(mentions(readFileSync(join('chapters', lang, file), 'utf8'))).toEqual([]);
  });
});

describe('reader-facing strings of the app, the widgets and the models', () => {
  it('include the widgets and the app', () => {
    expect(READER_FACING.some((f) => f.includes('widgets'))).toBe(true);
    expect(READER_FACING.some((f) => f.includes('app'))).toBe(true);
  });

  it.each(READER_FACING)('%s shows no string that mentions the notes', (file) => {
    expect(shownStrings(file, readFileSync(file, 'utf8')).filter((s) => NOTES.test(s))).toEqual([]);
  });
});

describe('the preface', () => {
  const preface = (lang: string) => readFileSync(join('chapters', lang, '00-preface.mdx'), 'utf8');

  it('credits Dive into Deep Learning, its authors, d2l.ai and the CC BY-SA 4.0 licence in English', () => {
    const s = preface('en');
    expect(s).toMatch(/\*Dive into Deep Learning\*/);
    for (const author of ['Zhang', 'Lipton', 'Li', 'Smola']) expect(s).toContain(author);
    expect(s).toContain('https://d2l.ai');
    expect(s).toMatch(/CC BY-SA 4\.0/);
  });

  it('credits it in Chinese too, under its Chinese title', () => {
    const s = preface('zh');
    expect(s).toContain('《动手学深度学习》');
    expect(s).toMatch(/Dive into Deep Learning/);
    for (const author of ['Zhang', 'Lipton', 'Li', 'Smola']) expect(s).toContain(author);
    expect(s).toContain('https://d2l.ai');
    expect(s).toMatch(/CC BY-SA 4\.0/);
  });

  it('is the only chapter that names the book it is built on', () => {
    for (const lang of LANGS) {
      for (const file of chapters(lang).filter((f) => f !== '00-preface.mdx')) {
        expect(readFileSync(join('chapters', lang, file), 'utf8'), `${lang}/${file}`).not.toMatch(/Dive into Deep Learning|动手学深度学习/);
      }
    }
  });
});
