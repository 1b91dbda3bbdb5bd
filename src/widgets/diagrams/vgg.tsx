import { Arrow, Box, Text, type StackItem } from './svg';
import { BlockAndNet, PANEL_TOP, type NetPanel } from './block-and-net';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

/** VGG-11's (convolutions, output channels) of each block, the original chapter’s conv_arch; each block halves the 224 × 224 input. */
const ARCH = [
  [1, 64],
  [1, 128],
  [2, 256],
  [2, 512],
  [2, 512],
] as const;
const side = (block: number) => 224 >> (block + 1);

const net: StackItem[] = [
  { label: 'Input', kind: 'io', shape: '1×224×224' },
  ...ARCH.map(([convs, c], i): StackItem => ({ label: `VGG block: ${convs} conv, ${c}`, kind: 'conv', shape: `${c}×${side(i)}×${side(i)}` })),
  { label: 'Flatten', kind: 'op', shape: '25088' },
  { label: 'Dense 4096 · ReLU · dropout', kind: 'dense', shape: '4096' },
  { label: 'Dense 4096 · ReLU · dropout', kind: 'dense', shape: '4096' },
  { label: 'Dense 10', kind: 'io', shape: '10' },
];

/** The right panel: the whole of VGG-11. */
const VGG11: NetPanel = { title: 'VGG-11', net, layout: { x: 318, w: 222, boxH: 28, gap: 12 }, size: 12.5 };

const LX = 24;
const LW = 230;

export function VggBlockDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const cx = LX + LW / 2;
  // Left panel geometry.
  const inY = PANEL_TOP;
  const groupY = inY + 36 + 22;
  const conv1Y = groupY + 12;
  const reluY = conv1Y + 28 + 12;
  const groupBottom = reluY + 28 + 12;
  const poolY = groupBottom + 22;
  const outY = poolY + 28 + 22;
  return (
    <BlockAndNet name="vgg-block" lang={lang} block={{ title: t('VGG block', 'VGG 块'), center: cx }} panel={VGG11} legend={{ x: LX, kinds: [['conv', t('conv / VGG block', '卷积 / VGG 块')], 'pool', 'dense'] }}>
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
    </BlockAndNet>
  );
}
