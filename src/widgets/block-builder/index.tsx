import { useId, useRef, useState } from 'react';
import '../widgets-b.css';
import './block-builder.css';
import { WidgetFrame } from '../common/WidgetFrame';
import { useUrlState } from '../common/useUrlState';
import { groupDigits } from '../common/format';
import { say, useTr } from '../common/i18n';
import { EngineError } from '../common/EngineError';
import { TableHead } from '../common/TableHead';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { computeBlock, fmt4 } from './compute';
import { BLOCK_DEFAULTS, IN_FEATURES, MAX_LAYERS, MAX_WIDTH, MIN_WIDTH, inputWidths, outputWidth, parseWidth, sanitizeBlock, type BlockLayer, type BlockSettings } from './settings';
import { ScrollRegion } from '../common/ScrollRegion';
import '../common/scroll-cue.css';
import { Code } from '../common/Code';

export { sanitizeBlock, BLOCK_DEFAULTS } from './settings';

/** Columns of net(X) shown; the rest are counted. */
const SHOWN_COLUMNS = 10;

/** The Sequential as code, the way the chapter writes it. */
function code(layers: readonly BlockLayer[]): string {
  const ins = inputWidths(layers);
  const parts = layers.map((l, i) => (l === 'relu' ? 'nn.ReLU()' : `nn.Linear(${ins[i]}, ${l})`));
  return `net = nn.Sequential(${parts.join(', ')})\nX = torch.rand(2, ${IN_FEATURES})`;
}

/**
 * A Linear row's width box: what the reader types stays in the box; a valid width goes to
 * the network at once, an invalid one is explained in place and the network keeps its
 * last valid width.
 */
function WidthBox({ value, labelledBy, onChange }: { value: number; labelledBy: string; onChange: (v: number) => void }) {
  const t = useTr();
  const problemId = useId();
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // The width changed from outside (reset, another part of the page): show it.
    setShown(value);
    setText(String(value));
  }
  const parsed = parseWidth(text);
  const problem = 'problem' in parsed ? parsed.problem : null;
  return (
    <span className="bb-width">
      <input
        className="b-input"
        type="number"
        inputMode="numeric"
        min={MIN_WIDTH}
        max={MAX_WIDTH}
        step={1}
        value={text}
        aria-labelledby={labelledBy}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const p = parseWidth(e.target.value);
          if ('value' in p) {
            setShown(p.value);
            onChange(p.value);
          }
        }}
      />
      {problem ? (
        <span id={problemId} className="b-problem bb-problem" data-problem="width">
          {say(t, problem)} {t(`The network keeps ${value}.`, `网络仍使用 ${value}。`)}
        </span>
      ) : null}
    </span>
  );
}

export interface BlockBuilderProps {
  stateKey?: string;
}

/** Build an nn.Sequential from Linear and ReLU layers and see what the engine makes of it. */
export function BlockBuilder({ stateKey = 'block' }: BlockBuilderProps) {
  const t = useTr();
  const uid = useId();
  const [s, set] = useUrlState<BlockSettings>(stateKey, BLOCK_DEFAULTS, sanitizeBlock);
  // Rows are remounted when the list changes shape, so no half-typed width sticks to the wrong row.
  const [generation, setGeneration] = useState(0);
  const addRef = useRef<HTMLButtonElement>(null);
  const key = JSON.stringify(s.layers);
  const result = useCpuResult(key, () => computeBlock(s));
  const r = result.value;
  const ins = inputWidths(s.layers);
  const full = s.layers.length >= MAX_LAYERS;

  const setLayers = (layers: BlockLayer[], reshape = true) => {
    if (reshape) setGeneration((g) => g + 1);
    set({ layers });
  };
  const setLayer = (i: number, l: BlockLayer, reshape: boolean) => setLayers(s.layers.map((x, j) => (j === i ? l : x)), reshape);
  const remove = (i: number) => {
    setLayers(s.layers.filter((_, j) => j !== i));
    // The button pressed is gone: keep the keyboard in the widget.
    requestAnimationFrame(() => addRef.current?.focus());
  };

  const rows = r?.rows ?? [];
  const outCols = r ? (r.outShape[r.outShape.length - 1] ?? 0) : 0;
  const shownCols = Math.min(SHOWN_COLUMNS, outCols);
  const reasonId = `${uid}-full`;

  return (
    <WidgetFrame id="block-builder" computedOn="cpu" title={t('Build an nn.Sequential', '搭建一个 nn.Sequential')}>
      <ol className="bb-layers" aria-label={t('Layers, in order', '各层（按顺序）')}>
        {s.layers.map((l, i) => {
          const rowId = `${uid}-row-${i}`;
          const kindId = `${uid}-kind-${i}`;
          const widthId = `${uid}-width-${i}`;
          return (
            <li key={`${generation}-${i}`} className="bb-layer" data-layer={i}>
              <span id={rowId} className="bb-key">
                {t(`Layer ${i}`, `第 ${i} 层`)}
              </span>
              <span className="b-select">
                <span id={kindId}>{t('kind', '类型')}</span>
                <select
                  aria-labelledby={`${rowId} ${kindId}`}
                  value={l === 'relu' ? 'relu' : 'linear'}
                  onChange={(e) => setLayer(i, e.target.value === 'relu' ? 'relu' : ins[i], false)}
                >
                  <option value="linear">Linear</option>
                  <option value="relu">ReLU</option>
                </select>
              </span>
              {l === 'relu' ? (
                <span className="b-note bb-relu">{t(`keeps the width ${ins[i]}, no parameters`, `宽度保持 ${ins[i]}，没有参数`)}</span>
              ) : (
                <span className="b-select">
                  <span id={widthId}>{t(`inputs ${ins[i]}, outputs`, `输入 ${ins[i]}，输出`)}</span>
                  <WidthBox value={l} labelledBy={`${rowId} ${widthId}`} onChange={(v) => setLayer(i, v, false)} />
                </span>
              )}
              <button type="button" className="bb-remove" aria-label={t(`Remove layer ${i}`, `删除第 ${i} 层`)} onClick={() => remove(i)}>
                {t('Remove', '删除')}
              </button>
            </li>
          );
        })}
      </ol>
      {s.layers.length === 0 ? <p className="b-note">{t('No layers: the Sequential passes X through unchanged.', '没有层：Sequential 原样输出 X。')}</p> : null}
      <div className="b-toolbar" role="group" aria-label={t('Change the list', '修改列表')}>
        <button ref={addRef} type="button" disabled={full} aria-describedby={full ? reasonId : undefined} onClick={() => setLayers([...s.layers, outputWidth(s.layers)])}>
          {t('Add Linear', '添加 Linear')}
        </button>
        <button type="button" disabled={full} aria-describedby={full ? reasonId : undefined} onClick={() => setLayers([...s.layers, 'relu'])}>
          {t('Add ReLU', '添加 ReLU')}
        </button>
        <button type="button" onClick={() => setLayers([...BLOCK_DEFAULTS.layers])}>
          {t('Reset to the chapter’s MLP', '恢复为正文的多层感知机')}
        </button>
        {full ? (
          <span id={reasonId} className="b-note">
            {t(`At most ${MAX_LAYERS} layers here: remove one to add another.`, `这里最多 ${MAX_LAYERS} 层：删除一层才能再添加。`)}
          </span>
        ) : null}
      </div>
      <pre className="pm-code bb-code">
        <Code lang="python" code={code(s.layers)} />
      </pre>

      <div className="bb-result" data-state={outputState(result)} aria-busy={!result.fresh}>
        <ScrollRegion className="bb-scroll scroll-cue" label={t('Layers and shapes', '各层与形状')}>
          <table className="b-table bb-table">
            <caption className="b-note">{t(`X = torch.rand(2, ${IN_FEATURES}), shape [${r ? r.inShape.join(', ') : `2, ${IN_FEATURES}`}]; each layer runs on the previous one’s output.`, `X = torch.rand(2, ${IN_FEATURES})，形状 [${r ? r.inShape.join(', ') : `2, ${IN_FEATURES}`}]；每层作用在上一层的输出上。`)}</caption>
            <TableHead columns={[t('Key', '键'), t('Layer', '层'), t('Output shape', '输出形状'), t('Parameters', '参数')]} />
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-row={row.key}>
                  <th scope="row">
                    <code>{`'${row.key}'`}</code>
                  </th>
                  <td>
                    <code>{row.repr}</code>
                  </td>
                  <td data-shape={row.shape.join('x')}>{`[${row.shape.join(', ')}]`}</td>
                  <td className="num" data-value={row.params}>
                    {groupDigits(row.params)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-row="total">
                <th scope="row" colSpan={2}>
                  {t('Total, countParameters(net)', '合计，countParameters(net)')}
                </th>
                <td data-shape={r ? r.outShape.join('x') : ''}>{r ? `[${r.outShape.join(', ')}]` : '…'}</td>
                <td className="num" data-part="total" data-value={r?.total}>
                  {r ? groupDigits(r.total) : '…'}
                </td>
              </tr>
            </tfoot>
          </table>
        </ScrollRegion>
        <h4 className="b-subtitle">{t('net(X), to 4 decimals', 'net(X)，保留 4 位小数')}</h4>
        {r ? (
          <ScrollRegion className="scroll-cue" label={t('Output values', '输出值')}>
            <table className="b-table bb-out">
              <TableHead columns={[t('Row', '行'), ...Array.from({ length: shownCols }, (_, j) => String(j))]} />
              <tbody>
                {Array.from({ length: r.outShape[0] }, (_, i) => (
                  <tr key={i}>
                    <th scope="row">{i}</th>
                    {Array.from({ length: shownCols }, (_, j) => (
                      <td key={j} className="num">
                        {fmt4(r.out[i * outCols + j])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        ) : (
          <p className="b-note">…</p>
        )}
        <p className="b-note" data-part="more-columns">
          {r && outCols > SHOWN_COLUMNS
            ? t(`The first ${SHOWN_COLUMNS} of ${outCols} columns; ${outCols - SHOWN_COLUMNS} more are not shown.`, `只显示 ${outCols} 列中的前 ${SHOWN_COLUMNS} 列；另有 ${outCols - SHOWN_COLUMNS} 列未显示。`)
            : t(`All ${outCols} columns.`, `全部 ${outCols} 列。`)}
        </p>
      </div>
      <EngineError className="b-problem" prefix={t('The engine could not compute this: ', '引擎无法计算：')} error={result.error} />
    </WidgetFrame>
  );
}
