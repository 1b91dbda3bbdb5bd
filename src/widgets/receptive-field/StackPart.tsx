import { useMemo } from 'react';
import { Slider } from '../common/Slider';
import { useTr, type Tr } from '../common/i18n';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { EngineError } from '../common/EngineError';
import { TableHead } from '../common/TableHead';
import { CellMap } from './CellMap';
import { dependencies, LIMITS, maxPadding, PRESETS, stackGeometry, type LayerKind, type LayerSpec, type LayerProblem } from './geometry';
import { engineField, fieldAgrees } from './engine-rf';
import { clampSelection, KINDS, mapSizes, selection, type RFSettings } from './settings';
import { notation } from '../common/Notation';
import { ScrollRegion } from '../common/ScrollRegion';
import { FieldCells } from './FieldCells';

export function kindName(t: Tr, kind: LayerKind): string {
  if (kind === 'conv') return t('convolution', '卷积');
  if (kind === 'max') return t('max pooling', '最大汇聚');
  return t('average pooling', '平均汇聚');
}

export function layerTitle(t: Tr, i: number, l: LayerSpec): string {
  const name = l.kind === 'conv' ? t('conv', '卷积') : l.kind === 'max' ? t('max pool', '最大汇聚') : t('avg pool', '平均汇聚');
  return t(`Layer ${i + 1}: ${name} ${l.k}×${l.k}, stride ${l.stride}, padding ${l.padding}`, `第 ${i + 1} 层：${name} ${l.k}×${l.k}，步幅 ${l.stride}，填充 ${l.padding}`);
}

export function problemText(t: Tr, p: LayerProblem, l: LayerSpec): string {
  switch (p.code) {
    case 'kernel-too-large':
      return t(
        `This layer cannot run: its ${l.k}×${l.k} window does not fit the ${p.inputSize}×${p.inputSize} map it receives (${p.padded}×${p.padded} with padding). Make the kernel smaller, add padding, or enlarge the input.`,
        `这一层无法计算：${l.k}×${l.k} 的窗口放不进它收到的 ${p.inputSize}×${p.inputSize} 特征图（加上填充为 ${p.padded}×${p.padded}）。请减小卷积核、增加填充或增大输入。`,
      );
    case 'padding-too-large':
      return t(`Padding can be at most ${p.max} here.`, `这里的填充最多为 ${p.max}。`);
    default:
      return t('This layer has an invalid setting.', '这一层的设置无效。');
  }
}

function cellPx(n: number): number {
  return Math.max(7, Math.min(34, Math.floor(230 / n)));
}

interface Props {
  settings: RFSettings;
  update: (fn: (s: RFSettings) => RFSettings) => void;
}

/** The editable layer stack with its maps, receptive fields and the engine's check. */
export function StackPart({ settings, update }: Props) {
  const t = useTr();
  const { n, layers } = settings;
  const geo = useMemo(() => stackGeometry(n, layers), [n, layers]);
  const sizes = useMemo(() => mapSizes(n, layers), [n, layers]);
  const sel = clampSelection(settings.sel, sizes);
  const validLayers = layers.slice(0, geo.layers.length);
  const dep = useMemo(() => dependencies(n, validLayers, selection(sel)), [n, validLayers, sel]);
  const key = JSON.stringify([n, validLayers, sel]);
  const result = useCpuResult(key, () => engineField(n, validLayers, selection(sel)));
  // After a failed computation the last result stays on screen (cells whose map changed size show no numbers).
  const current = result.value;
  const agrees = current && result.fresh ? fieldAgrees(current.maps, dep.rowMasks, dep.colMasks) : null;

  const setLayer = (i: number, patch: Partial<LayerSpec>) =>
    update((s) => {
      const next = s.layers.map((l, j) => {
        if (j !== i) return l;
        const merged = { ...l, ...patch };
        return { ...merged, padding: Math.min(merged.padding, maxPadding(merged.kind, merged.k)) };
      });
      return { ...s, layers: next, sel: clampSelection(s.sel, mapSizes(s.n, next)) };
    });
  const setLayers = (fn: (ls: LayerSpec[]) => LayerSpec[]) =>
    update((s) => {
      const next = fn(s.layers.slice());
      return { ...s, layers: next, sel: clampSelection(s.sel, mapSizes(s.n, next)) };
    });
  const move = (i: number, d: -1 | 1) =>
    setLayers((ls) => {
      const j = i + d;
      if (j < 0 || j >= ls.length) return ls;
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls;
    });
  const lastSize = sizes[sizes.length - 1];
  const addLayer = (kind: LayerKind) =>
    setLayers((ls) => {
      if (ls.length >= LIMITS.maxLayers) return ls;
      const k = kind === 'conv' ? Math.min(3, Math.max(1, lastSize)) : Math.min(2, Math.max(1, lastSize));
      ls.push({ kind, k, stride: kind === 'conv' ? 1 : k, padding: 0 });
      return ls;
    });
  const select = (map: number, row: number, col: number) => update((s) => ({ ...s, sel: [map, row, col] }));
  const preset = (name: keyof typeof PRESETS) =>
    update((s) => {
      const p = PRESETS[name];
      const szs = mapSizes(p.inputSize, p.stack);
      const last = szs.length - 1;
      const mid = Math.floor(szs[last] / 2);
      return { ...s, n: p.inputSize, layers: p.stack.map((l) => ({ ...l })), sel: [last, mid, mid] };
    });

  const mapLabel = (m: number) =>
    m === 0 ? t(`Input ${n}×${n}`, `输入 ${n}×${n}`) : t(`Output of layer ${m}: ${sizes[m]}×${sizes[m]}`, `第 ${m} 层输出：${sizes[m]}×${sizes[m]}`);

  return (
    <div className="rf-stack">
      <div className="b-toolbar" role="group" aria-label={t('Examples', '示例')}>
        <span className="b-toolbar-label">{t('Examples:', '示例：')}</span>
        <button type="button" onClick={() => preset('twoByTwo')}>
          {t('The text’s example: two 2×2 convs on 3×3', '正文示例：3×3 上两个 2×2 卷积')}
        </button>
        <button type="button" onClick={() => preset('threeByThree')}>
          {t('Three 3×3 convs', '三个 3×3 卷积')}
        </button>
        <button type="button" onClick={() => preset('lenet')}>
          {t('LeNet’s conv/pool stack', 'LeNet 的卷积/汇聚层')}
        </button>
      </div>

      <Slider
        label={t('Input size', '输入大小')}
        value={n}
        min={LIMITS.minInput}
        max={LIMITS.maxInput}
        onChange={(v) => update((s) => ({ ...s, n: v, sel: clampSelection(s.sel, mapSizes(v, s.layers)) }))}
        format={(v) => `${v} × ${v}`}
      />

      <ol className="rf-layers">
        {layers.map((l, i) => {
          const invalid = geo.invalidAt !== null && i >= geo.invalidAt;
          const problem = geo.invalidAt === i ? geo.problem : null;
          const maxP = maxPadding(l.kind, l.k);
          return (
            <li key={i} className={`rf-layer${invalid ? ' rf-layer-invalid' : ''}`} data-layer={i}>
              <fieldset>
                <legend>{layerTitle(t, i, l)}</legend>
                <label className="b-select">
                  <span>{t('Type', '类型')}</span>
                  <select value={l.kind} onChange={(e) => setLayer(i, { kind: e.target.value as LayerKind })} aria-label={t(`Layer ${i + 1} type`, `第 ${i + 1} 层类型`)}>
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {kindName(t, k)}
                      </option>
                    ))}
                  </select>
                </label>
                <Slider label={t(`Layer ${i + 1} kernel`, `第 ${i + 1} 层卷积核`)} value={l.k} min={LIMITS.minK} max={LIMITS.maxK} onChange={(v) => setLayer(i, { k: v })} format={(v) => `${v} × ${v}`} />
                <Slider label={t(`Layer ${i + 1} stride`, `第 ${i + 1} 层步幅`)} value={l.stride} min={1} max={LIMITS.maxStride} onChange={(v) => setLayer(i, { stride: v })} />
                <Slider
                  label={t(`Layer ${i + 1} padding (each side)`, `第 ${i + 1} 层填充（每侧）`)}
                  value={l.padding}
                  min={0}
                  max={Math.max(maxP, 0)}
                  disabled={maxP === 0}
                  onChange={(v) => setLayer(i, { padding: v })}
                  hint={
                    maxP === 0
                      ? t(`No padding with a ${l.k}×${l.k} ${l.kind === 'conv' ? 'kernel' : 'window'}.`, `${l.k}×${l.k} 的${l.kind === 'conv' ? '卷积核' : '窗口'}不能填充。`)
                      : undefined
                  }
                />
                <p className="b-note">
                  {l.kind === 'conv'
                    ? t(`Padding up to k − 1 = ${maxP} on each side: more and border outputs would see only zeros.`, `每侧填充最多 k − 1 = ${maxP}：再多，边缘的输出就只看到零。`)
                    : t(`Pooling pads each side by at most half the window (${maxP}), as in PyTorch.`, `汇聚每侧的填充最多为窗口的一半（${maxP}），与 PyTorch 相同。`)}
                </p>
                <div className="b-buttons">
                  <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t(`Move layer ${i + 1} up`, `上移第 ${i + 1} 层`)}>
                    ↑
                  </button>
                  <button type="button" onClick={() => move(i, 1)} disabled={i === layers.length - 1} aria-label={t(`Move layer ${i + 1} down`, `下移第 ${i + 1} 层`)}>
                    ↓
                  </button>
                  <button type="button" onClick={() => setLayers((ls) => ls.filter((_, j) => j !== i))} aria-label={t(`Remove layer ${i + 1}`, `删除第 ${i + 1} 层`)}>
                    ✕
                  </button>
                </div>
                {problem ? (
                  <p className="b-problem" role="status" data-problem={problem.code}>
                    {problemText(t, problem, l)}
                  </p>
                ) : invalid ? (
                  <p className="b-problem" role="status">
                    {t('Not computed: an earlier layer cannot run.', '未计算：前面有一层无法计算。')}
                  </p>
                ) : null}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="b-buttons">
        <button type="button" onClick={() => addLayer('conv')} disabled={layers.length >= LIMITS.maxLayers}>
          {t('+ Convolution layer', '+ 卷积层')}
        </button>
        <button type="button" onClick={() => addLayer('max')} disabled={layers.length >= LIMITS.maxLayers}>
          {t('+ Pooling layer', '+ 汇聚层')}
        </button>
        {layers.length >= LIMITS.maxLayers ? <span className="b-note">{t(`At most ${LIMITS.maxLayers} layers.`, `最多 ${LIMITS.maxLayers} 层。`)}</span> : null}
      </div>

      <p className="b-instructions">
        {t(
          'Click (or tap, or use the arrow keys and Enter on) any cell of any map. Outlined cells are the ones it depends on; each number is the engine’s gradient of the chosen cell with respect to that cell (all kernels set to ones), which is nonzero exactly inside the receptive field. Later maps show which cells the chosen cell feeds.',
          '点击（或轻触，或用方向键和回车选择）任意特征图中的任意单元格。描边的单元格就是它所依赖的单元格；每个数字是引擎计算的所选单元格对该单元格的梯度（所有卷积核都设为 1），它恰好在感受野内非零。后面的特征图显示所选单元格会影响哪些单元格。',
        )}
      </p>

      <div className="rf-maps" data-state={outputState(result)} aria-busy={!result.fresh}>
        {sizes.map((size, m) => {
          const values = current && current.maps[m]?.length === size * size ? current.maps[m] : null;
          const inField = m <= sel[0];
          const rm = inField ? dep.rowMasks[m] : null;
          const cm = inField ? dep.colMasks[m] : null;
          return (
            <figure key={m} className="rf-map-panel" data-map={m}>
              <figcaption>
                {mapLabel(m)}
                {m > 0 ? <span className="b-note"> · {layerTitle(t, m - 1, layers[m - 1]).replace(/^[^:：]*[:：]\s*/, '')}</span> : null}
              </figcaption>
              <CellMap
                values={values}
                rows={size}
                cols={size}
                label={mapLabel(m)}
                cellSize={cellPx(size)}
                showNumbers={cellPx(size) >= 26}
                shade="abs"
                isHot={rm && cm ? (r, c) => rm[r] && cm[c] : (r, c) => m > sel[0] && !!values && values[r * size + c] > 0}
                selected={m === sel[0] ? { row: sel[1], col: sel[2] } : null}
                onSelect={(r, c) => select(m, r, c)}
                describe={(v) => (m < sel[0] ? `∂y/∂x = ${v}` : m === sel[0] ? t('chosen cell', '所选单元格') : t(`influence ${v}`, `影响 ${v}`))}
              />
            </figure>
          );
        })}
      </div>

      <EngineError className="b-problem" prefix={t('The engine could not compute this stack: ', '引擎无法计算这一组层：')} error={result.error} />
      <p className="b-check" data-agrees={agrees === null ? 'pending' : String(agrees)} role="status">
        {agrees === null
          ? t('Checking with the engine…', '正在用引擎核对…')
          : agrees
            ? t('✓ The engine’s gradient is nonzero exactly on the outlined cells.', '✓ 引擎计算的梯度恰好在描边的单元格上非零。')
            : t('✗ The engine’s gradient disagrees with the outlined cells.', '✗ 引擎计算的梯度与描边的单元格不一致。')}
      </p>

      <ScrollRegion label={t('Receptive field per layer', '各层的感受野')}>
        <table className="b-table rf-table">
          <TableHead columns={[t('Map', '特征图'), t('Size', '大小'), t('Receptive field on the input r', '在输入上的感受野 r'), t('Jump j', '跳距 j'), t('Cells the chosen cell depends on', '所选单元格依赖的区域')]} />
          <tbody>
            {sizes.map((size, m) => {
              const g = m === 0 ? { rf: 1, jump: 1 } : geo.layers[m - 1];
              const region = m <= sel[0] ? dep.regions[m] : null;
              return (
                <tr key={m} data-map={m}>
                  <th scope="row">{m === 0 ? t('Input', '输入') : t(`Layer ${m}`, `第 ${m} 层`)}</th>
                  <td data-value={size}>
                    {size}×{size}
                  </td>
                  <FieldCells rf={g.rf} jump={g.jump} region={region} counts />
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="b-note">
        {notation(t(
          'r grows by (k − 1)·j at each layer and j multiplies by the stride: r_l = r_{l−1} + (k_l − 1)·j_{l−1}, j_l = j_{l−1}·s_l. Near the border the cells actually depended on are fewer, because padding is not part of the input.',
          '每一层 r 增加 (k − 1)·j，j 乘以步幅：r_l = r_{l−1} + (k_l − 1)·j_{l−1}，j_l = j_{l−1}·s_l。靠近边缘时实际依赖的单元格更少，因为填充不属于输入。',
        ))}
      </p>
    </div>
  );
}
