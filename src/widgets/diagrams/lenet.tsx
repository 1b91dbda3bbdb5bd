import { Bracket, Figure, Legend, Stack, stackHeight, stackRowY, type StackItem, type StackLayout } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

const items: StackItem[] = [
  { label: 'Input', kind: 'io', shape: '1×28×28' },
  { label: 'Conv 5×5, 6, pad 2 · sigmoid', kind: 'conv', shape: '6×28×28' },
  { label: 'AvgPool 2×2, stride 2', kind: 'pool', shape: '6×14×14' },
  { label: 'Conv 5×5, 16 · sigmoid', kind: 'conv', shape: '16×10×10' },
  { label: 'AvgPool 2×2, stride 2', kind: 'pool', shape: '16×5×5' },
  { label: 'Flatten', kind: 'op', shape: '400' },
  { label: 'Dense 120 · sigmoid', kind: 'dense', shape: '120' },
  { label: 'Dense 84 · sigmoid', kind: 'dense', shape: '84' },
  { label: 'Dense 10', kind: 'io', shape: '10' },
];

const layout: StackLayout = { x: 52, y: 14, w: 236, boxH: 30, gap: 14 };
const row = (i: number) => stackRowY(layout, i);
const rowEnd = (i: number) => row(i) + layout.boxH;

export function LeNetDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const bottom = layout.y + stackHeight(items.length, layout.boxH, layout.gap);
  return (
    <Figure name="lenet" lang={lang} height={bottom + 40}>
      <Bracket x={32} y1={row(1)} y2={rowEnd(4)} label={t('conv encoder', '卷积编码器')} />
      <Bracket x={32} y1={row(6)} y2={rowEnd(8)} label={t('dense block', '全连接块')} />
      <Stack items={items} {...layout} />
      <Legend x={layout.x - 30} y={bottom + 24} t={t} kinds={['conv', 'pool', 'dense']} />
    </Figure>
  );
}
