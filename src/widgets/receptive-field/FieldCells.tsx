import { useTr } from '../common/i18n';
import type { Region } from './geometry';

/**
 * The last three cells of a row of a receptive-field table: the map's receptive field r on
 * the input, its jump j, and the region of the map the chosen cell depends on (a dash for
 * maps after the chosen one); with `counts`, the region also says how many cells it holds.
 */
export function FieldCells({ rf, jump, region, counts = false }: { rf: number; jump: number; region: Region | null; counts?: boolean }) {
  const t = useTr();
  let where = '—';
  if (region) {
    const [r0, r1] = region.rowSpan.map((v) => v + 1);
    const [c0, c1] = region.colSpan.map((v) => v + 1);
    const n = region.rows * region.cols;
    where = counts
      ? t(`rows ${r0}–${r1}, columns ${c0}–${c1}: ${region.rows}×${region.cols} = ${n} cells`, `第 ${r0}–${r1} 行，第 ${c0}–${c1} 列：${region.rows}×${region.cols} = ${n} 个单元格`)
      : t(`rows ${r0}–${r1}, columns ${c0}–${c1}`, `第 ${r0}–${r1} 行，第 ${c0}–${c1} 列`);
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
