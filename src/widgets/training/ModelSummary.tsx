import { Fragment, useId, useRef } from 'react';
import { useSettings } from '../../stores/settings';
import { isModelId, zoo } from '../../models/index';
import { formatBig, formatCount, useTr } from './strings';
import { useSummary } from './useSummary';
import { say, trIn } from '../common/i18n';
import { summaryHeight } from '../common/reserve';
import { TableHead } from '../common/TableHead';
import { Slider } from '../common/Slider';
import { useUrlState } from '../common/useUrlState';
import { MAX_SUMMARY_SIZE, SUMMARY_DEFAULTS, SUMMARY_KEY, sanitizeSummarySize, summarySide } from './summary-size';
import type { ModelSummaryData } from '../../models/index';
import './training.css';
import '../common/scroll-cue.css';
import { ScrollRegion } from '../common/ScrollRegion';

/** A layer type that may break between its words on a narrow screen (Adaptive·Avg·Pool2d); its text is unchanged. */
function LayerType({ type }: { type: string }) {
  const words = type.split(/(?<=[a-z0-9])(?=[A-Z])/);
  return (
    <>
      {words.map((w, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {w}
        </Fragment>
      ))}
    </>
  );
}

/**
 * Per-layer output shapes, parameter count and FLOPs per image, all from running the
 * engine. `adjustable`: the reader sets the input size with a slider (kept in the URL),
 * from the smallest the model accepts.
 */
export function ModelSummary({ model: id = 'lenet', inputSize, adjustable = false }: { model?: string; inputSize?: number; adjustable?: boolean }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const model = isModelId(id) ? id : 'lenet';
  const entry = zoo[model];
  const [chosen, setChosen] = useUrlState(SUMMARY_KEY, SUMMARY_DEFAULTS, sanitizeSummarySize);
  const pageSize = inputSize ?? entry.recipe.inputSize;
  // From the smallest input the model takes to the largest the worker builds a summary at.
  const size = summarySide(adjustable ? chosen : SUMMARY_DEFAULTS, pageSize, entry.minInputSize);
  const current = useSummary(model, size);
  // While the engine computes a new size, the table of the previous one stays (marked busy).
  const last = useRef<ModelSummaryData | null>(null);
  if (current.data) last.current = current.data;
  const data = current.data ?? (adjustable ? last.current : null);
  const error = current.error;
  const busy = !current.data && !current.error;
  return (
    <section
      className="widget model-summary"
      data-widget="model-summary"
      data-model={model}
      data-input-size={size}
      aria-labelledby={`${uid}-t`}
      // While the engine runs the model, hold the table's room so the text below stays put.
      style={!data && !error ? { minHeight: summaryHeight(model, adjustable) } : undefined}
      aria-busy={busy}
    >
      <header className="widget-header">
        <h3 id={`${uid}-t`} className="widget-title">
          {tr('summaryTitle', { model: entry.name[lang] })}
          {lang === 'zh' ? `（${size}×${size}）` : ` (${size}×${size})`}
        </h3>
      </header>
      <div className="widget-body">
        {adjustable ? (
          <Slider
            label={tr('inputSize')}
            value={size}
            min={entry.minInputSize}
            max={MAX_SUMMARY_SIZE}
            onChange={(v) => setChosen({ size: v })}
            format={(v) => `${v}×${v}`}
            hint={tr('summarySlider', { min: entry.minInputSize })}
            hintTone="note"
          />
        ) : null}
        {error ? <p role="alert">{say(trIn(lang), error)}</p> : null}
        {!data && !error ? <p role="status">{tr('computing')}</p> : null}
        {data ? (
          <>
            <ScrollRegion className="scroll-cue" labelledBy={`${uid}-t`}>
              <table className="summary-table">
                <TableHead columns={[tr('layer'), tr('type'), tr('outShape'), tr('params'), tr('flops')]} />
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={r.name} data-layer={r.name}>
                      <td>{r.name}</td>
                      <td>
                        <LayerType type={r.type} />
                      </td>
                      <td data-shape={r.outputShape.join(',')}>[{r.outputShape.join(', ')}]</td>
                      <td>{formatCount(r.params, lang)}</td>
                      <td>{r.macs ? formatBig(2 * r.macs) : '0'}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={3}>
                      {tr('total')}
                    </th>
                    <td data-total="params" data-value={data.params}>
                      {formatCount(data.params, lang)}
                    </td>
                    <td data-total="flops" data-value={data.flops}>
                      {formatBig(data.flops)}
                    </td>
                  </tr>
                </tfoot>
              </table>
            </ScrollRegion>
            <p className="muted">{tr('summaryNote', { size })}</p>
          </>
        ) : null}
      </div>
    </section>
  );
}
