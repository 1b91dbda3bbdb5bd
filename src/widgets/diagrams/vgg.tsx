import { Arrow, Box, Figure, Legend, Stack, Text, stackHeight, type StackItem } from './svg';
import type { DiagramProps } from './types';

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
  const zh = lang === 'zh';
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
    <Figure
      width={660}
      height={legendY + 18}
      minWidth={520}
      maxWidth={860}
      title={zh ? 'VGG 块与 VGG-11' : 'A VGG block and VGG-11'}
      description={
        zh
          ? '左：一个 VGG 块由 n 个“3×3 卷积（填充 1）+ ReLU”组成，高宽不变，随后是 2×2、步幅 2 的最大汇聚层，高宽减半。右：VGG-11 由 5 个 VGG 块组成（卷积层数与通道数依次为 1/64、1/128、2/256、2/512、2/512），224×224 的输入依次变为 112、56、28、14、7，展平为 25088 后接两个 4096 的全连接层和 10 个输出。'
          : 'Left: a VGG block is n repetitions of a 3×3 convolution with padding 1 and a ReLU, which keep height and width, followed by 2×2 max pooling with stride 2, which halves them. Right: VGG-11 stacks five VGG blocks (1 conv with 64 channels, 1 with 128, 2 with 256, 2 with 512, 2 with 512); a 224×224 input shrinks to 112, 56, 28, 14 and 7, is flattened to 25088 and passes two dense layers of 4096 and an output of 10.'
      }
    >
      <Text x={cx} y={18} anchor="middle" size={15} bold>
        {zh ? 'VGG 块' : 'VGG block'}
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
      <Legend
        x={LX}
        y={legendY}
        kinds={[
          ['conv', zh ? '卷积 / VGG 块' : 'conv / VGG block'],
          ['pool', zh ? '汇聚' : 'pool'],
          ['dense', zh ? '全连接' : 'dense'],
        ]}
      />
    </Figure>
  );
}
