/**
 * What the code editor's keys do to its text, as pure functions of the text and the
 * selection: Enter keeps the line's indentation (one level more after an opening
 * bracket), and indenting or outdenting moves whole lines by one level. The editor
 * (CodeCell.tsx) applies the result as one edit, so the browser's undo takes it back.
 *
 * An edit replaces the text in [from, to) by `insert`, then selects [selStart, selEnd).
 */
export interface Edit {
  from: number;
  to: number;
  insert: string;
  selStart: number;
  selEnd: number;
}

/** One level of indentation, as the book's listings write it. */
export const INDENT = '  ';

const CLOSER: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/**
 * Enter with the selection [start, end): a line break, then the indentation of the line
 * the caret was on (as far as the caret), one level more when the text before the caret
 * ends with an opening bracket. Right before its closing bracket (`{|}`), the closer goes
 * to a line of its own at the outer level and the caret to the indented line between.
 */
export function newline(text: string, start: number, end: number): Edit {
  const before = text.slice(lineStart(text, start), start);
  const indent = /^[ \t]*/.exec(before)![0];
  const opener = before.trimEnd().slice(-1);
  const closer = CLOSER[opener];
  if (!closer) {
    const insert = `\n${indent}`;
    return { from: start, to: end, insert, selStart: start + insert.length, selEnd: start + insert.length };
  }
  const inner = `\n${indent}${INDENT}`;
  const insert = text[end] === closer ? `${inner}\n${indent}` : inner;
  return { from: start, to: end, insert, selStart: start + inner.length, selEnd: start + inner.length };
}

/**
 * Indents (`direction` 1) or outdents (-1) every line the selection [start, end) touches
 * by one level; a selection that ends at the very start of a line leaves that line alone.
 * Blank lines stay blank. The selection keeps covering the same characters.
 */
export function shiftLines(text: string, start: number, end: number, direction: 1 | -1): Edit {
  const from = lineStart(text, start);
  const last = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const next = text.indexOf('\n', last);
  const to = next < 0 ? text.length : next;
  const lines = text.slice(from, to).split('\n');
  // Where each line starts in the old text, and how many characters it gained (or lost) at its start.
  const shifts: Array<{ at: number; by: number }> = [];
  let at = from;
  const out = lines.map((line) => {
    const lead = direction > 0 ? 0 : line.startsWith('\t') ? 1 : /^ {0,2}/.exec(line)![0].length;
    const result = direction > 0 ? (line.trim() === '' ? line : INDENT + line) : line.slice(lead);
    shifts.push({ at, by: result.length - line.length });
    at += line.length + 1;
    return result;
  });
  // A position moves with the characters before it: the lines above, and its own line's
  // indentation (a position inside removed indentation lands at the line's new start; a
  // selection that starts at a line's start keeps starting there, so it still holds whole lines).
  const move = (pos: number, keepLineStart: boolean) => {
    let moved = pos;
    for (let i = 0; i < shifts.length; i++) {
      const { at: lineAt, by } = shifts[i];
      if (i + 1 < shifts.length && shifts[i + 1].at <= pos) {
        moved += by;
        continue;
      }
      const column = pos - lineAt;
      moved += by < 0 ? Math.max(by, -column) : column === 0 && keepLineStart ? 0 : by;
      break;
    }
    return moved;
  };
  const selStart = move(start, end > start);
  return { from, to, insert: out.join('\n'), selStart, selEnd: end > start ? move(end, false) : selStart };
}

/** The text after an edit (what the browser shows once it has applied it). */
export function afterEdit(text: string, edit: Edit): string {
  return text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
}
