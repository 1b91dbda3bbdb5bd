import { useEffect, useRef } from 'react';
import { lineChart, type LineChartOptions, type Series } from '../../charts/lineChart';
import { confusionMatrix, type ConfusionOptions } from '../../charts/confusionMatrix';
import { probabilityBars, type ProbabilityOptions } from '../../charts/probabilityBars';

/** Mounts a d3 drawing function once and calls its update with new data. */
function useChart<D, O>(draw: (el: HTMLElement, data: D, opts: O) => (data: D, opts?: Partial<O>) => void, data: D, opts: O) {
  const ref = useRef<HTMLDivElement>(null);
  const update = useRef<((data: D, opts?: Partial<O>) => void) | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    if (!update.current) update.current = draw(ref.current, data, opts);
    else update.current(data, opts);
  });
  return ref;
}

export function LineChartView({ series, options, className }: { series: Series[]; options: LineChartOptions; className?: string }) {
  const ref = useChart(lineChart, series, options);
  return <div ref={ref} className={className ?? 'train-chart'} />;
}

export function ConfusionView({ matrix, options }: { matrix: number[][]; options: ConfusionOptions }) {
  const ref = useChart(confusionMatrix, matrix, options);
  return <div ref={ref} className="train-confusion" />;
}

export function ProbabilityView({ probs, options }: { probs: ArrayLike<number>; options: ProbabilityOptions }) {
  const ref = useChart(probabilityBars, probs, options);
  return <div ref={ref} className="train-probs" />;
}
