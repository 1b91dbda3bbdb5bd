/**
 * Turns the TypeScript cells of a chapter into one JavaScript program that runs them in
 * order, as a notebook does, without `eval`: the program becomes the script of a worker
 * (see runner.ts).
 *
 * - Types are stripped by blanking them with spaces, so every line and column of the
 *   program is the line and column the reader wrote, and an error can point at it.
 * - `import { ... } from '../src/engine'` takes the names from the engine the runtime
 *   hands over; no other module can be imported.
 * - What a cell declares at its top level (and what it imports) is visible to the cells
 *   after it. A cell may declare a name again, as a notebook allows.
 * - The value of the last cell's last expression is shown, as a notebook shows it.
 */
import * as acorn from 'acorn';
import { tsPlugin } from '@sveltejs/acorn-typescript';

/** A mistake found before the program runs: which cell, which line (1-based). */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly cell: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** The program and where each cell's first line lands in it. */
export interface CompiledNotebook {
  /** JavaScript that expects `__rt` (see runtime.ts) in scope and may use top-level await. */
  body: string;
  /** For cell i, the program line (1-based) of its first line, and its line count. */
  cells: { start: number; lines: number }[];
}

/** Modules a cell may import, by the path's last part. */
const MODULES: Record<string, string> = { engine: 'engine', models: 'models' };

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const TSParser = acorn.Parser.extend(tsPlugin() as never);
const PARSE = { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, locations: true } as const;

function syntaxError(err: unknown, cell: number): CellSyntaxError {
  const e = err as { message?: string; loc?: { line: number; column: number } };
  const message = (e.message ?? String(err)).replace(/\s*\(\d+:\d+\)$/, '');
  return new CellSyntaxError(message, cell, e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1);
}

function moduleOf(source: string): string | null {
  const m = /(?:^|\/)src\/(engine|models)(?:\/index(?:\.ts)?)?$/.exec(source);
  return m ? MODULES[m[1]] : null;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

/** Blanks [from, to) of `chars`, keeping line breaks. */
function blank(chars: string[], from: number, to: number) {
  for (let i = from; i < to; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
}

const MODIFIERS = /\b(override|public|private|protected|readonly|abstract|declare)\b/g;

/** The cell's code with every TypeScript-only part replaced by spaces. */
function stripTypes(code: string, ast: Node, cell: number): string {
  // acorn's positions count UTF-16 units, as split('') does.
  const chars = code.split('');
  const cut = (from: number, to: number) => blank(chars, from, to);
  const fail = (node: Node, what: string) => {
    const loc = acorn.getLineInfo(code, node.start);
    throw new CellSyntaxError(`${what} are not supported in cells`, cell, loc.line, loc.column + 1);
  };
  const visit = (node: Node) => {
    switch (node.type) {
      case 'TSTypeAnnotation':
      case 'TSTypeParameterDeclaration':
      case 'TSTypeParameterInstantiation':
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSDeclareFunction':
      case 'TSDeclareMethod':
        cut(node.start, node.end);
        return;
      case 'TSEnumDeclaration':
        return fail(node, 'Enums');
      case 'TSParameterProperty':
        return fail(node, 'Parameter properties');
      case 'TSModuleDeclaration':
        return fail(node, 'Namespaces');
      case 'ImportDeclaration':
        // Rewritten whole by planCell; type-only imports simply vanish.
        return cut(node.start, node.end);
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
        visit(node.expression as Node);
        cut((node.expression as Node).end, node.end);
        return;
      case 'Identifier':
        if (node.optional && node.typeAnnotation) {
          const q = code.indexOf('?', node.start + (node.name as string).length);
          if (q >= 0 && q < (node.typeAnnotation as Node).start) cut(q, q + 1);
        }
        break;
      case 'PropertyDefinition':
      case 'MethodDefinition': {
        const key = node.key as Node;
        const head = code.slice(node.start, key.start);
        for (const m of head.matchAll(MODIFIERS)) cut(node.start + m.index, node.start + m.index + m[0].length);
        if (node.definite || node.optional) {
          const mark = code.slice(key.end).search(/[!?]/);
          if (mark >= 0) cut(key.end + mark, key.end + mark + 1);
        }
        break;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const impl = node.implements as Node[] | undefined;
        if (impl?.length) {
          const at = code.lastIndexOf('implements', impl[0].start);
          cut(at, impl[impl.length - 1].end);
        }
        if (node.abstract) {
          const at = code.lastIndexOf('abstract', node.start + 8);
          if (at >= node.start) cut(at, at + 8);
        }
        break;
      }
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'loc') continue;
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c);
      } else if (isNode(v)) visit(v);
    }
  };
  visit(ast);
  return chars.join('');
}

/** Names bound by a declaration pattern (`a`, `{ a, b: c }`, `[a, ...b]`). */
function patternNames(p: Node, out: string[]) {
  switch (p.type) {
    case 'Identifier':
      out.push(p.name as string);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties as Node[]) patternNames((prop.type === 'RestElement' ? prop.argument : prop.value) as Node, out);
      break;
    case 'ArrayPattern':
      for (const el of p.elements as (Node | null)[]) if (el) patternNames(el, out);
      break;
    case 'RestElement':
      patternNames(p.argument as Node, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left as Node, out);
      break;
  }
}

interface CellPlan {
  js: string;
  names: string[];
}

/** Strips one cell's types, rewrites its imports, finds its top-level names; marks its last expression when `show`. */
function planCell(code: string, cell: number, show: boolean): CellPlan {
  let ast: Node;
  try {
    ast = TSParser.parse(code, PARSE) as unknown as Node;
  } catch (err) {
    throw syntaxError(err, cell);
  }
  const stripped = stripTypes(code, ast, cell);
  let js: Node;
  try {
    js = acorn.parse(stripped, PARSE) as unknown as Node;
  } catch (err) {
    throw syntaxError(err, cell);
  }
  const names: string[] = [];
  const edits: { from: number; to: number; text: string }[] = [];
  for (const stmt of ast.body as Node[]) {
    if (stmt.type !== 'ImportDeclaration' || stmt.importKind === 'type') continue;
    const source = (stmt.source as Node).value as string;
    const mod = moduleOf(source);
    if (!mod) {
      const loc = acorn.getLineInfo(code, stmt.start);
      throw new CellSyntaxError(`cells can import only the book's engine ('../src/engine') and models ('../src/models'), not '${source}'`, cell, loc.line, loc.column + 1);
    }
    const parts: string[] = [];
    for (const s of stmt.specifiers as Node[]) {
      if (s.importKind === 'type') continue;
      const local = (s.local as Node).name as string;
      names.push(local);
      if (s.type === 'ImportNamespaceSpecifier') parts.push(`${local} = __rt.modules.${mod}`);
      else if (s.type === 'ImportDefaultSpecifier') parts.push(`${local} = __rt.modules.${mod}.default`);
      else {
        const imported = ((s.imported as Node).name ?? (s.imported as Node).value) as string;
        parts.push(`${local} = __rt.member(__rt.modules.${mod}, '${mod}', ${JSON.stringify(imported)})`);
      }
    }
    // In place of the import (blanked by stripTypes, line breaks kept): one line of code.
    if (parts.length) edits.push({ from: stmt.start, to: stmt.start, text: `const ${parts.join(', ')};` });
  }
  const body = js.body as Node[];
  for (const stmt of body) {
    if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations as Node[]) patternNames(d.id as Node, names);
    } else if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id) {
      names.push((stmt.id as Node).name as string);
    } else if (stmt.type.startsWith('Export') || stmt.type === 'ImportDeclaration') {
      const loc = acorn.getLineInfo(stripped, stmt.start);
      throw new CellSyntaxError('cells do not export: what a cell declares is already visible to the cells after it', cell, loc.line, loc.column + 1);
    }
  }
  const last = body[body.length - 1];
  if (show && last?.type === 'ExpressionStatement') {
    const e = last.expression as Node;
    edits.push({ from: e.start, to: e.start, text: '__rt.show((' }, { from: e.end, to: e.end, text: '))' });
  }
  let out = stripped;
  for (const ed of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, ed.from) + ed.text + out.slice(ed.to);
  return { js: out, names: [...new Set(names)] };
}

/**
 * The program that runs cells 0..target (earlier cells quietly, as set-up) and shows the
 * target cell's output. Throws CellSyntaxError for the first cell that does not parse.
 */
export function compileNotebook(cells: readonly string[], target = cells.length - 1): CompiledNotebook {
  const plans = cells.slice(0, target + 1).map((c, i) => planCell(c, i, i === target));
  const all = [...new Set(plans.flatMap((p) => p.names))];
  const lines: string[] = [];
  let count = 0;
  const emit = (text: string) => {
    lines.push(text);
    count += text.split('\n').length;
  };
  if (all.length) emit(`var ${all.join(', ')};`);
  const where: CompiledNotebook['cells'] = [];
  plans.forEach((p, i) => {
    emit(`__rt.begin(${i}, ${i === target});`);
    const names = p.names.join(', ');
    emit(names ? `({ ${names} } = await (async () => {` : 'await (async () => {');
    where.push({ start: count + 1, lines: p.js.split('\n').length });
    emit(p.js);
    emit(names ? `return { ${names} };\n})());` : '})();');
  });
  emit('__rt.end();');
  return { body: lines.join('\n'), cells: where };
}
