import { useId } from 'react';
import { useSettings } from '../../stores/settings';
import { isModelId, zoo } from '../../models/index';
import { formatBig, formatCount, useTr } from './strings';
import { useSummary } from './useSummary';
import { summaryHeight } from '../common/reserve';
import { TableHead } from '../common/TableHead';
import './training.css';

/** Per-layer output shapes, parameter count and FLOPs per image, all from running the engine. */
export function ModelSummary({ model: id = 'lenet', inputSize }: { model?: string; inputSize?: number }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const model = isModelId(id) ? id : 'lenet';
  const entry = zoo[model];
  const size = Math.max(entry.minInputSize, Math.round(inputSize ?? entry.recipe.inputSize));
  const { data, error } = useSummary(model, size);
  return (
    <section
      className="widget model-summary"
      data-widget="model-summary"
      data-model={model}
      data-input-size={size}
      aria-labelledby={`${uid}-t`}
      // While the engine runs the model, hold the table's room so the text below stays put.
      style={!data && !error ? { minHeight: summaryHeight(model, lang) } : undefined}
    >
      <header className="widget-header">
        <h3 id={`${uid}-t`} className="widget-title">
          {tr('summaryTitle', { model: entry.name[lang] })} ({size}×{size})
        </h3>
      </header>
      <div className="widget-body">
        {error ? <p role="alert">{error}</p> : null}
        {!data && !error ? <p role="status">{tr('computing')}</p> : null}
        {data ? (
          <>
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`${uid}-t`}>
              <table className="summary-table">
                <TableHead columns={[tr('layer'), tr('type'), tr('outShape'), tr('params'), tr('flops')]} />
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={r.name} data-layer={r.name}>
                      <td>{r.name}</td>
                      <td>{r.type}</td>
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
            </div>
            <p className="muted">{tr('summaryNote', { size })}</p>
          </>
        ) : null}
      </div>
    </section>
  );
}
