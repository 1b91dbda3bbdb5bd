/** The input size a reader sets on an adjustable model summary, kept in the URL (pure). */
import { intIn } from '../common/useUrlState';
import { SUMMARY_MAX_INPUT } from '../../models/train-limits';

export const SUMMARY_KEY = 'summary';
/** The largest input side the slider offers: the largest the worker builds a summary at. */
export const MAX_SUMMARY_SIZE = SUMMARY_MAX_INPUT;

export interface SummarySize {
  /** Side of the square input; 0 means the size the page gives. */
  size: number;
}

export const SUMMARY_DEFAULTS: SummarySize = { size: 0 };

export function sanitizeSummarySize(raw: unknown, d: SummarySize): SummarySize {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return { size: o.size === 0 ? 0 : intIn(o.size, 1, MAX_SUMMARY_SIZE, d.size) };
}

/** The side the summary shows: the reader's, kept within what the model accepts, else the page's. */
export function summarySide(s: SummarySize, pageSize: number, minInputSize: number): number {
  const size = s.size > 0 ? s.size : Number.isFinite(pageSize) ? pageSize : minInputSize;
  return Math.min(MAX_SUMMARY_SIZE, Math.max(minInputSize, Math.round(size)));
}
