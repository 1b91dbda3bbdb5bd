import { Fragment, useId, useState } from 'react';
import { useSettings } from '../../stores/settings';
import { isModelId, zoo, type ModelId } from '../../models/index';
import { formatBig, formatCount, useTr } from './strings';
import { useSummary } from './useSummary';
import './training.css';
import '../common/scroll-cue.css';
import { ScrollRegion } from '../common/ScrollRegion';

function Row({ model, size, first }: { model: ModelId; size: number; first: { params: number; flops: number } | null }) {
  const lang = useSettings((s) => s.lang);
  const { data } = useSummary(model, size);
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×` : '–');
  const paramsRatio = data && first ? ratio(data.params, first.params) : '–';
  const flopsRatio = data && first ? ratio(data.flops, first.flops) : '–';
  return (
    <tr data-model={model}>
      <th scope="row">{zoo[model].name[lang]}</th>
      <td>
        {size}×{size}
      </td>
      <td data-value={data?.params ?? ''}>
        {data ? formatCount(data.params, lang) : '…'}
        <span className="compare-narrow"> {paramsRatio}</span>
      </td>
      <td className="compare-wide">{paramsRatio}</td>
      <td data-value={data?.flops ?? ''}>
        {data ? formatBig(data.flops) : '…'}
        <span className="compare-narrow"> {flopsRatio}</span>
      </td>
      <td className="compare-wide">{flopsRatio}</td>
    </tr>
  );
}

/** Several models side by side: parameters and FLOPs per image, with ratios to the first. */
export function ModelCompare({ models = ['lenet', 'alexnet'] }: { models?: string[] }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const ids = models.filter(isModelId);
  const [sizes, setSizes] = useState<'recipe' | 'tab'>('recipe');
  const sizeOf = (m: ModelId) => (sizes === 'recipe' ? zoo[m].recipe.inputSize : zoo[m].tabInputSize);
  const firstId = ids[0];
  const first = useSummary(firstId ?? 'lenet', firstId ? sizeOf(firstId) : 28).data;
  const firstName = firstId ? zoo[firstId].name[lang] : '';
  const ratioHead = tr('ratio', { first: firstName });
  return (
    <section className="widget model-compare" data-widget="model-compare" aria-labelledby={`${uid}-t`}>
      <header className="widget-header">
        <h3 id={`${uid}-t`} className="widget-title">
          {tr('compareTitle')}
        </h3>
      </header>
      <div className="widget-body">
        <fieldset className="compare-sizes">
          <legend>{tr('compareSizes')}</legend>
          <label>
            <input type="radio" name={`${uid}-sizes`} checked={sizes === 'recipe'} onChange={() => setSizes('recipe')} /> {tr('recipeSizes')}
          </label>
          <label>
            <input type="radio" name={`${uid}-sizes`} checked={sizes === 'tab'} onChange={() => setSizes('tab')} /> {tr('tabSizes')}
          </label>
        </fieldset>
        <ScrollRegion className="scroll-cue" labelledBy={`${uid}-t`}>
          <table className="summary-table">
            {/* On a phone each ratio goes under its number, in the same column, so that the whole table fits (training.css). */}
            <thead>
              <tr>
                <th scope="col">{tr('model')}</th>
                <th scope="col">{tr('inputSize')}</th>
                {[tr('params'), tr('flops')].map((head) => (
                  <Fragment key={head}>
                    <th scope="col">
                      {head}
                      <span className="compare-narrow"> {ratioHead}</span>
                    </th>
                    <th scope="col" className="compare-wide">
                      {ratioHead}
                    </th>
                  </Fragment>
                ))}
              </tr>
            </thead>
            <tbody>
              {ids.map((m) => (
                <Row key={`${m}-${sizes}`} model={m} size={sizeOf(m)} first={first} />
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </div>
    </section>
  );
}
