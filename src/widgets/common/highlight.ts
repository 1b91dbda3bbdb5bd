/**
 * Syntax colouring of the book's listings: a small scanner for TypeScript and Python (and
 * shell lines) that cuts a listing into lines of tokens. Only what helps a reader find
 * their way is marked: comments, strings, numbers, keywords, the literal constants, the
 * name a definition introduces and the name a call calls; everything else is plain text.
 * The tokens of a line joined give the line back exactly (tested), so copying a listing
 * copies its code.
 */

/** What a token is: comment, string, number, keyword, constant, defined name, called name, or plain. */
export type TokenKind = 'com' | 'str' | 'num' | 'kw' | 'lit' | 'def' | 'fn' | '';

export interface Token {
  kind: TokenKind;
  text: string;
}

export type CodeLang = 'ts' | 'python' | 'sh' | 'text';

/** The language of a fence's class name (`language-ts`, `language-py`, ...). */
export function codeLang(className: string | undefined): CodeLang {
  const m = /language-(\w+)/.exec(className ?? '');
  const name = m?.[1] ?? '';
  if (name === 'ts' || name === 'typescript' || name === 'js' || name === 'javascript') return 'ts';
  if (name === 'python' || name === 'py') return 'python';
  if (name === 'sh' || name === 'bash' || name === 'shell') return 'sh';
  return 'text';
}

const words = (s: string) => new Set(s.split(' '));
const TS_KEYWORDS = words(
  'as async await break case catch class const continue default delete do else export extends finally for from function if implements import in instanceof let new of override private protected public readonly return static switch throw try typeof var void while yield',
);
const TS_LITERALS = words('true false null undefined this super NaN Infinity');
const PY_KEYWORDS = words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield');
const PY_LITERALS = words('True False None self');
const SH_KEYWORDS = words('cd export if then else fi for do done in');

/** Keywords after which the next name is the one being defined. */
const DEFINES = words('function class def interface type');
/** TypeScript's words that are keywords only when a name follows them (`type Shape = ...`), and names elsewhere. */
const TS_SOFT = words('interface type');

interface Rules {
  keywords: Set<string>;
  literals: Set<string>;
  lineComment: string;
  blockComment: boolean;
  /** Quotes that open a string; Python's may be tripled and prefixed (r, f, b, ...). */
  quotes: string;
  python: boolean;
}

const RULES: Record<Exclude<CodeLang, 'text'>, Rules> = {
  ts: { keywords: TS_KEYWORDS, literals: TS_LITERALS, lineComment: '//', blockComment: true, quotes: `'"\``, python: false },
  python: { keywords: PY_KEYWORDS, literals: PY_LITERALS, lineComment: '#', blockComment: false, quotes: `'"`, python: true },
  sh: { keywords: SH_KEYWORDS, literals: new Set(), lineComment: '#', blockComment: false, quotes: `'"`, python: false },
};

const IDENT_START = /[A-Za-z_$\u00c0-\uffff]/;
const IDENT = /[A-Za-z0-9_$\u00c0-\uffff]/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?j?/;
const PY_STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])(?=['"])/;

/** The end (exclusive) of the string that opens at `i` with `quote` (tripled when `triple`); a string left open runs to the end. */
function stringEnd(code: string, i: number, quote: string, triple: boolean, multiline: boolean): number {
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < code.length) {
    const c = code[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (code.startsWith(close, j)) return j + close.length;
    if (c === '\n' && !multiline) return j;
    j++;
  }
  return code.length;
}

/** What may stand before a TypeScript method's name on its line: indentation and modifiers. */
const MEMBER_START = /^\s*(?:(?:public|private|protected|static|override|async|readonly|get|set)\s+)*$/;

/** Whether the parentheses that open at `open` are a definition's parameters: a body (`{`) or a return type (`:`) follows them. */
function parametersAt(code: string, open: number): boolean {
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    if (code[k] === '(') depth++;
    else if (code[k] === ')' && --depth === 0) return /^\s*[{:]/.test(code.slice(k + 1, k + 40));
  }
  return false;
}

/**
 * The tokens of `code` in `lang`, line by line (the line breaks themselves are not in
 * them). Text in an unknown language is one plain token a line.
 */
export function highlight(code: string, lang: CodeLang): Token[][] {
  const lines: Token[][] = [[]];
  const push = (kind: TokenKind, text: string) => {
    // A token that spans lines (a block comment, a triple-quoted string) is cut at each break.
    text.split('\n').forEach((part, k) => {
      if (k > 0) lines.push([]);
      if (part === '') return;
      const line = lines[lines.length - 1];
      const last = line[line.length - 1];
      if (last && last.kind === kind) last.text += part;
      else line.push({ kind, text: part });
    });
  };
  if (lang === 'text') {
    push('', code);
    return lines;
  }
  const r = RULES[lang];
  // Template literals of TypeScript hold code in ${...}: the brace depth at which each one resumes.
  const templates: number[] = [];
  let depth = 0;
  let defining = false;
  let i = 0;
  /** The text of the line before position `at`. */
  const lineBefore = (at: number) => code.slice(code.lastIndexOf('\n', at - 1) + 1, at);
  /** Scans a template literal's text from `i` to its end or its next `${`. */
  const templateText = () => {
    let j = i;
    while (j < code.length && code[j] !== '`') {
      if (code[j] === '\\') j += 2;
      else if (code.startsWith('${', j)) break;
      else j++;
    }
    if (code[j] === '`') {
      push('str', code.slice(i, j + 1));
      i = j + 1;
    } else {
      push('str', code.slice(i, j + 2));
      i = j + 2;
      templates.push(depth);
      depth++;
    }
  };
  while (i < code.length) {
    const c = code[i];
    if (code.startsWith(r.lineComment, i) && (lang !== 'sh' || i === 0 || /\s/.test(code[i - 1]))) {
      const end = code.indexOf('\n', i);
      push('com', code.slice(i, end < 0 ? code.length : end));
      i = end < 0 ? code.length : end;
      continue;
    }
    if (r.blockComment && code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      push('com', code.slice(i, stop));
      i = stop;
      continue;
    }
    const prefix = r.python ? PY_STRING_PREFIX.exec(code.slice(i, i + 3))?.[0] ?? '' : '';
    const q = code[i + prefix.length];
    if (r.quotes.includes(q) && (prefix !== '' || c === q)) {
      if (q === '`') {
        i++;
        push('str', '`');
        templateText();
        continue;
      }
      const start = i + prefix.length;
      const triple = r.python && code.startsWith(q.repeat(3), start);
      const end = stringEnd(code, start, q, triple, triple);
      push('str', code.slice(i, end));
      i = end;
      defining = false;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      depth--;
      // The end of a template literal's ${...}: back to its text.
      if (templates.length > 0 && depth === templates[templates.length - 1]) {
        templates.pop();
        push('str', '}');
        i++;
        templateText();
        continue;
      }
    }
    const prev = i > 0 ? code[i - 1] : ' ';
    if (/[0-9.]/.test(c) && !IDENT.test(prev)) {
      const m = NUMBER.exec(code.slice(i));
      if (m && m[0] !== '.') {
        push('num', m[0]);
        i += m[0].length;
        continue;
      }
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < code.length && IDENT.test(code[j])) j++;
      const word = code.slice(i, j);
      // A property (x.type, net.forward) is never a keyword.
      const member = prev === '.';
      const soft = lang === 'ts' && TS_SOFT.has(word) && /^[ \t]+[A-Za-z_$]/.test(code.slice(j, j + 3));
      const named: TokenKind = defining ? 'def' : member ? '' : r.keywords.has(word) || soft ? 'kw' : r.literals.has(word) ? 'lit' : '';
      // Any other name right before an opening parenthesis is called (a function, a method, a
      // layer's class), unless it begins a line and a body follows: a method defined in a class.
      const called: boolean = named === '' && code[j] === '(';
      const method: boolean = called && lang === 'ts' && !member && MEMBER_START.test(lineBefore(i)) && parametersAt(code, j);
      const kind: TokenKind = called ? (method ? 'def' : 'fn') : named;
      // A soft keyword defines a name only where it starts a statement (not `import { type T }`).
      const statement = !soft || /^\s*(export\s+)?$/.test(lineBefore(i));
      defining = !member && kind === 'kw' && DEFINES.has(word) && statement;
      push(kind, word);
      i = j;
      continue;
    }
    if (r.python && c === '@' && /^\s*$/.test(lineBefore(i))) {
      // A decorator, name and all.
      let j = i + 1;
      while (j < code.length && /[\w.]/.test(code[j])) j++;
      push('kw', code.slice(i, j));
      i = j;
      continue;
    }
    if (!/\s/.test(c)) defining = false;
    push('', c);
    i++;
  }
  return lines;
}
