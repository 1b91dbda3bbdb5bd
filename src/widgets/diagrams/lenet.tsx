import { Bracket, Figure, Legend, Stack, stackHeight, type StackItem } from './svg';
import type { DiagramProps } from './types';

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
  const zh = lang === 'zh';
  const bottom = Y + stackHeight(items.length, H, GAP);
  return (
    <Figure
      width={400}
      height={bottom + 40}
      maxWidth={560}
      title={zh ? 'LeNet 架构（28×28 输入）' : 'LeNet architecture (28×28 input)'}
      description={
        zh
          ? '自上而下：1×28×28 输入；5×5 卷积 6 通道、填充 2、sigmoid，得 6×28×28；2×2 平均汇聚、步幅 2，得 6×14×14；5×5 卷积 16 通道、sigmoid，得 16×10×10；平均汇聚得 16×5×5；展平为 400；全连接 120 与 84（sigmoid）；全连接输出 10。前四层为卷积编码器，后三层为全连接块。'
          : 'Top to bottom: a 1×28×28 input; 5×5 convolution with 6 channels, padding 2 and sigmoid, giving 6×28×28; 2×2 average pooling with stride 2, giving 6×14×14; 5×5 convolution with 16 channels and sigmoid, giving 16×10×10; average pooling to 16×5×5; flatten to 400; dense layers of 120 and 84 with sigmoid; a dense output of 10. The first four layers form the convolutional encoder, the last three the dense block.'
      }
    >
      <Bracket x={32} y1={row(1)} y2={row(4) + H} label={zh ? '卷积编码器' : 'conv encoder'} />
      <Bracket x={32} y1={row(6)} y2={row(8) + H} label={zh ? '全连接块' : 'dense block'} />
      <Stack items={items} x={X} y={Y} w={W} boxH={H} gap={GAP} />
      <Legend
        x={X - 30}
        y={bottom + 24}
        kinds={[
          ['conv', zh ? '卷积' : 'conv'],
          ['pool', zh ? '汇聚' : 'pool'],
          ['dense', zh ? '全连接' : 'dense'],
        ]}
      />
    </Figure>
  );
}
