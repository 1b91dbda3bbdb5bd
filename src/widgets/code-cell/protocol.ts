/** Messages from a code cell's worker to the page. */
export type CellEvent =
  | { type: 'output'; stream: 'out' | 'err' | 'value'; text: string }
  | { type: 'done' }
  /** `cell` and `line` (1-based, in the reader's code) when the error could be placed. */
  | { type: 'error'; message: string; cell?: number; line?: number };
