import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTr } from '../common/i18n';
import { cellsBefore, forgetEdit, loadEdit, registerCell, saveEdit } from './cells';
import type { CellEvent } from './protocol';
import type { CellRun, RunEnd } from './runner';
import { CodeRegion } from '../common/ScrollRegion';
import { Code } from '../common/Code';
import { CopyButton } from '../common/CopyButton';
import { newline, shiftLines, type Edit } from './edit-keys';
import { testAidNumber } from '../common/test-aid';
import './code-cell.css';

interface Line {
  stream: 'out' | 'err' | 'value' | 'error' | 'note';
  text: string;
}

/**
 * A TypeScript listing the reader can run, edit and reset. The code runs in a worker of
 * its own (runner.ts) after the chapter's earlier cells, as in a notebook; what it prints
 * appears under it. Edits are kept in this browser until Reset.
 */
interface Props {
  code: string;
  children?: ReactNode;
  /** An exercise's hidden check, run after the reader's code. */
  check?: string;
  /** An exercise's listings to run first (indices among the chapter's listings); a listing runs all before it. */
  uses?: readonly number[];
}

/**
 * Applies a key's edit to the editor as the browser's own typing does, so that its undo
 * takes the edit back in one step; where the browser has no such command, sets the text
 * (`change`) without undo.
 */
function applyEdit(el: HTMLTextAreaElement, edit: Edit, change: (text: string) => void) {
  if (el.value.slice(edit.from, edit.to) !== edit.insert) {
    el.setSelectionRange(edit.from, edit.to);
    // execCommand is the one way to edit a textarea that its undo history records.
    const done = edit.insert === '' ? document.execCommand('delete') : document.execCommand('insertText', false, edit.insert);
    if (!done) {
      el.setRangeText(edit.insert, edit.from, edit.to);
      change(el.value);
    }
  }
  el.setSelectionRange(edit.selStart, edit.selEnd);
}

export function CodeCell({ code, children, check, uses }: Props) {
  const t = useTr();
  const [edited, setEdited] = useState<string | null>(() => loadEdit(code));
  // Whether the browser took the latest edit (storage can be full or switched off).
  const [kept, setKept] = useState(true);
  // An exercise's cell opens ready to type in.
  const [editing, setEditing] = useState(check !== undefined);
  const [verdict, setVerdict] = useState<'right' | 'wrong' | null>(null);
  const [lines, setLines] = useState<Line[] | null>(null);
  const [running, setRunning] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const keysId = useId();
  const editor = useRef<HTMLTextAreaElement>(null);
  const run = useRef<CellRun | null>(null);
  const current = edited ?? code;
  const currentRef = useRef(current);
  currentRef.current = current;

  useEffect(() => {
    const el = root.current;
    return el ? registerCell(el, () => currentRef.current) : undefined;
  }, []);
  useEffect(() => () => run.current?.stop(), []);
  // The editor takes the focus when the reader opens it, never by itself as the cell mounts
  // (an exercise opens in it, and focusing that would scroll the page away from the top).
  const focusEditor = useRef(false);
  useEffect(() => {
    if (editing && focusEditor.current) editor.current?.focus();
    focusEditor.current = false;
  }, [editing]);

  const explain = (end: RunEnd, ms: number): Line | null => {
    if (end === 'timeout') return { stream: 'error', text: t(`Stopped after ${ms / 1000} s, the time limit of a cell. Is there an endless loop?`, `已运行 ${ms / 1000} 秒，达到单元格的时间上限，已停止。代码里是否有死循环？`) };
    if (end === 'stopped') return { stream: 'note', text: t('Stopped.', '已停止。') };
    return null;
  };

  const start = async () => {
    if (running || !root.current) return;
    const codes = cellsBefore(root.current, check !== undefined ? (uses ?? []) : undefined);
    const target = codes.length - 1;
    // An exercise runs its hidden check right after the reader's code, in the same cell.
    if (check !== undefined) codes[target] = `${codes[target]}\n${check}`;
    setVerdict(null);
    setRunning(true);
    setLines([]);
    const got: Line[] = [];
    const push = (l: Line) => {
      got.push(l);
      setLines([...got]);
    };
    try {
      const { runCells, TIME_LIMIT_MS } = await import('./runner');
      const onEvent = (e: CellEvent) => {
        if (e.type === 'output') push({ stream: e.stream, text: e.text });
        else if (e.type === 'error') {
          // A failed check speaks for itself; its line is in the hidden check, not the reader's code.
          const inCheck = check !== undefined && e.cell === target && (e.line ?? 0) > current.split('\n').length;
          const where =
            e.cell === undefined || inCheck
              ? ''
              : e.cell === target
                ? t(` (line ${e.line ?? '?'})`, `（第 ${e.line ?? '?'} 行）`)
                : t(` (in cell ${e.cell + 1} of this chapter, line ${e.line ?? '?'}; it runs before this one)`, `（在本章第 ${e.cell + 1} 个单元格的第 ${e.line ?? '?'} 行；它先于本单元格运行）`);
          push({ stream: 'error', text: `${e.message}${where}` });
        }
      };
      // A test build lets a test set a shorter limit, to see it at work without a core spinning for its full length.
      const limit = testAidNumber(__TEST_AIDS__ && '__cnnCellTimeLimitMs', TIME_LIMIT_MS);
      run.current = runCells(codes, target, onEvent, limit);
      const end = await run.current.ended;
      const note = explain(end, limit);
      if (note) push(note);
      else if (end === 'done' && got.length === 0 && check === undefined) push({ stream: 'note', text: t('Done, nothing printed.', '运行完毕，没有输出。') });
      if (check !== undefined && (end === 'done' || end === 'error')) setVerdict(end === 'done' ? 'right' : 'wrong');
    } catch (err) {
      push({ stream: 'error', text: String(err) });
    } finally {
      run.current = null;
      setRunning(false);
    }
  };

  const change = (text: string) => {
    const next = text === code ? null : text;
    setEdited(next);
    if (next === null) forgetEdit(code);
    setKept(next === null || saveEdit(code, next));
  };
  const reset = () => {
    forgetEdit(code);
    setEdited(null);
    setEditing(check !== undefined);
    setLines(null);
    setVerdict(null);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.shiftKey)) {
      e.preventDefault();
      void start();
    }
  };

  // Enter keeps the indentation; Ctrl+] and Ctrl+[ (Cmd on a Mac) indent and outdent the
  // lines of the selection. Tab is left to move the focus on, so the editor never traps it.
  const onEditorKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    const mod = e.ctrlKey || e.metaKey;
    let edit: Edit | null = null;
    if (e.key === 'Enter' && !mod && !e.shiftKey && !e.altKey && !e.nativeEvent.isComposing) edit = newline(el.value, el.selectionStart, el.selectionEnd);
    else if (mod && !e.altKey && (e.key === ']' || e.key === '[')) edit = shiftLines(el.value, el.selectionStart, el.selectionEnd, e.key === ']' ? 1 : -1);
    if (!edit) return;
    e.preventDefault();
    applyEdit(el, edit, change);
  };

  return (
    <div className="code-cell" ref={root} data-code-cell={check === undefined ? 'listing' : 'exercise'} onKeyDown={onKey}>
      {editing ? (
        // The code's colours are drawn under the editor, whose own text is transparent: the
        // two lay out the same text in the same grid cell, which the copy sizes (code-cell.css).
        <>
          <div className="cell-editor-wrap">
            <pre className="cell-editor-colours" aria-hidden="true">
              <Code lang="ts" code={`${current}\n`} />
            </pre>
            <textarea
              ref={editor}
              className="cell-editor"
              value={current}
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              rows={1}
              aria-label={t('TypeScript code of this cell', '本单元格的 TypeScript 代码')}
              aria-describedby={keysId}
              onChange={(e) => change(e.target.value)}
              onKeyDown={onEditorKey}
            />
          </div>
          <p className="cell-keys" id={keysId}>
            {t(
              'Ctrl+Enter runs the cell · Ctrl+] and Ctrl+[ indent and outdent lines · Tab moves on to the buttons',
              'Ctrl+Enter 运行单元格 · Ctrl+] 和 Ctrl+[ 增加、减少所选行的缩进 · Tab 移到按钮上',
            )}
          </p>
        </>
      ) : edited !== null ? (
        <CodeRegion label={t('Edited code', '改过的代码')}>
          <Code lang="ts" code={edited} />
        </CodeRegion>
      ) : (
        children
      )}
      <div className="cell-toolbar" role="toolbar" aria-label={t('Code cell', '代码单元格')}>
        {running ? (
          <button type="button" onClick={() => run.current?.stop()}>
            {t('Stop', '停止')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void start()}>
            {check !== undefined ? t('Run and check', '运行并检查') : t('Run', '运行')}
          </button>
        )}
        <button type="button" aria-pressed={editing} onClick={() => {
            focusEditor.current = !editing;
            setEditing(!editing);
          }}>
          {editing ? t('Done editing', '完成编辑') : t('Edit', '编辑')}
        </button>
        <button type="button" onClick={reset} disabled={edited === null && lines === null}>
          {t('Reset', '重置')}
        </button>
        {/* An exercise's one status line is its verdict. */}
        {check === undefined && <CopyButton text={() => currentRef.current} />}
        {edited !== null &&
          (kept ? (
            <span className="cell-edited">{t('edited, kept in this browser', '已修改，保存在本浏览器中')}</span>
          ) : (
            <span className="cell-edited cell-not-kept" role="status">
              {t('edited, but this browser would not store it: copy your code before you leave the page', '已修改，但本浏览器无法保存：离开页面前请复制你的代码')}
            </span>
          ))}
      </div>
      {check !== undefined && (
        <p role="status" className={`verdict verdict-${verdict ?? 'none'}`}>
          {verdict === 'right' ? t('Correct: your code passes every check.', '正确：你的代码通过了全部检查。') : verdict === 'wrong' ? t('Not yet: see the message below.', '还不对：请看下面的提示。') : ''}
        </p>
      )}
      <div className="cell-output" role="log" aria-live="polite" aria-label={t('Output of the cell', '单元格的输出')} hidden={lines === null}>
        {running && lines?.length === 0 && <p className="cell-running">{t('Running…', '运行中…')}</p>}
        {lines?.map((l, i) => (
          <pre key={i} className={`cell-line cell-${l.stream}`}>
            {l.text}
          </pre>
        ))}
      </div>
    </div>
  );
}
