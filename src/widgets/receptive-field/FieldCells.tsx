import { useTr, type Tr } from '../common/i18n';
import type { Region } from './geometry';

/** First and last index of a span, counted from 0 as the book counts rows and columns, or the one index where they are the same. */
function spanText([a, b]: [number, number]): { one: boolean; text: string } {
  return a === b ? { one: true, text: `${a}` } : { one: false, text: `${a}–${b}` };
}

/** Where a region lies, in words, counting from 0 ("rows 1–3, columns 2–4", "row 2, column 2"), with its cell count if `counts`. */
export function regionText(t: Tr, region: Region, counts: boolean): string {
  const rows = spanText(region.rowSpan);
  const cols = spanText(region.colSpan);
  const n = region.rows * region.cols;
  const where = t(`${rows.one ? 'row' : 'rows'} ${rows.text}, ${cols.one ? 'column' : 'columns'} ${cols.text}`, `第 ${rows.text} 行，第 ${cols.text} 列`);
  if (!counts) return where;
  return t(`${where}: ${region.rows}×${region.cols} = ${n} ${n === 1 ? 'cell' : 'cells'}`, `${where}：${region.rows}×${region.cols} = ${n} 个单元格`);
}

/**
 * The last three cells of a row of a receptive-field table: the map's receptive field r on
 * the input, its jump j, and the region of the map the chosen cell depends on (a dash for
 * maps after the chosen one); with `counts`, the region also says how many cells it holds.
 */
export function FieldCells({ rf, jump, region, counts = false }: { rf: number; jump: number; region: Region | null; counts?: boolean }) {
  const t = useTr();
  let where = '—';
  if (region) {
    where = regionText(t, region, counts);
  }
  return (
    <>
      <td data-value={rf}>
        {rf}×{rf}
      </td>
      <td data-value={jump}>{jump}</td>
      <td data-rows={region?.rows} data-cols={region?.cols} data-value={region ? region.rows * region.cols : undefined}>
        {where}
      </td>
    </>
  );
}
