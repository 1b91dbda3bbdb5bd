import { Bracket, Figure, Legend, Stack, stackHeight, type StackItem } from './svg';
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

const X = 52;
const W = 236;
const Y = 14;
const H = 30;
const GAP = 14;
const row = (i: number) => Y + i * (H + GAP);

export function LeNetDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const bottom = Y + stackHeight(items.length, H, GAP);
  return (
    <Figure name="lenet" lang={lang} height={bottom + 40}>
      <Bracket x={32} y1={row(1)} y2={row(4) + H} label={t('conv encoder', '卷积编码器')} />
      <Bracket x={32} y1={row(6)} y2={row(8) + H} label={t('dense block', '全连接块')} />
      <Stack items={items} x={X} y={Y} w={W} boxH={H} gap={GAP} />
      <Legend x={X - 30} y={bottom + 24} t={t} kinds={['conv', 'pool', 'dense']} />
    </Figure>
  );
}
