import { Arrow, Box, Figure, Legend, Stack, Text, stackHeight, type StackItem } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

const net: StackItem[] = [
  { label: 'Input', kind: 'io', shape: '1×224×224' },
  { label: 'VGG block: 1 conv, 64', kind: 'conv', shape: '64×112×112' },
  { label: 'VGG block: 1 conv, 128', kind: 'conv', shape: '128×56×56' },
  { label: 'VGG block: 2 conv, 256', kind: 'conv', shape: '256×28×28' },
  { label: 'VGG block: 2 conv, 512', kind: 'conv', shape: '512×14×14' },
  { label: 'VGG block: 2 conv, 512', kind: 'conv', shape: '512×7×7' },
  { label: 'Flatten', kind: 'op', shape: '25088' },
  { label: 'Dense 4096 · ReLU · dropout', kind: 'dense', shape: '4096' },
  { label: 'Dense 4096 · ReLU · dropout', kind: 'dense', shape: '4096' },
  { label: 'Dense 10', kind: 'io', shape: '10' },
];

const LX = 24;
const LW = 230;
const RX = 318;
const RW = 222;
const TOP = 40;
const RH = 28;
const RGAP = 12;

export function VggBlockDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const rightBottom = TOP + stackHeight(net.length, RH, RGAP);
  const legendY = rightBottom + 26;
  const cx = LX + LW / 2;
  // Left panel geometry.
  const inY = TOP;
  const groupY = inY + 36 + 22;
  const conv1Y = groupY + 12;
  const reluY = conv1Y + 28 + 12;
  const groupBottom = reluY + 28 + 12;
  const poolY = groupBottom + 22;
  const outY = poolY + 28 + 22;
  return (
    <Figure name="vgg-block" lang={lang} height={legendY + 18}>
      <Text x={cx} y={18} anchor="middle" size={15} bold>
        {t('VGG block', 'VGG 块')}
      </Text>
      <Box x={LX} y={inY} w={LW} h={36} kind="io" label="Input" sub="c_in × h × w" />
      <Arrow points={[[cx, inY + 36], [cx, conv1Y]]} />
      <rect
        x={LX - 10}
        y={groupY}
        width={LW + 20}
        height={groupBottom - groupY}
        rx={8}
        style={{ fill: 'none', stroke: 'var(--muted, #6b7280)', strokeDasharray: '3 3' }}
      />
      <Box x={LX} y={conv1Y} w={LW} h={28} kind="conv" label="Conv 3×3, c_out, pad 1" />
      <Arrow points={[[cx, conv1Y + 28], [cx, reluY]]} />
      <Box x={LX} y={reluY} w={LW} h={28} kind="op" label="ReLU" />
      <Text x={LX + LW + 16} y={(groupY + groupBottom) / 2} size={15} bold accent>
        × n
      </Text>
      <Arrow points={[[cx, groupBottom], [cx, poolY]]} />
      <Box x={LX} y={poolY} w={LW} h={28} kind="pool" label="MaxPool 2×2, stride 2" />
      <Arrow points={[[cx, poolY + 28], [cx, outY]]} />
      <Box x={LX} y={outY} w={LW} h={36} kind="io" label="Output" sub="c_out × h/2 × w/2" />

      <Text x={RX + RW / 2} y={18} anchor="middle" size={15} bold>
        VGG-11
      </Text>
      <Stack items={net} x={RX} y={TOP} w={RW} boxH={RH} gap={RGAP} size={12.5} />
      <Legend x={LX} y={legendY} t={t} kinds={[['conv', t('conv / VGG block', '卷积 / VGG 块')], 'pool', 'dense']} />
    </Figure>
  );
}
