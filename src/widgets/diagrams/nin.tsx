import { Bracket, Figure, Legend, Stack, Text, stackHeight, type StackItem } from './svg';
import type { DiagramProps } from './types';

const block: StackItem[] = [
  { label: 'Input', sub: 'c_in × h × w', kind: 'io' },
  { label: 'Conv k×k, c_out, stride s, pad p', sub: 'ReLU', kind: 'conv' },
  { label: 'Conv 1×1, c_out', sub: 'ReLU', kind: 'conv' },
  { label: 'Conv 1×1, c_out', sub: 'ReLU', kind: 'conv' },
  { label: 'Output', sub: "c_out × h' × w'", kind: 'io' },
];

const net: StackItem[] = [
  { label: 'Input', kind: 'io', shape: '1×224×224' },
  { label: 'NiN block 11×11, 96, stride 4', kind: 'conv', shape: '96×54×54' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '96×26×26' },
  { label: 'NiN block 5×5, 256, pad 2', kind: 'conv', shape: '256×26×26' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '256×12×12' },
  { label: 'NiN block 3×3, 384, pad 1', kind: 'conv', shape: '384×12×12' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '384×5×5' },
  { label: 'Dropout 0.5', kind: 'op', shape: '384×5×5' },
  { label: 'NiN block 3×3, 10, pad 1', kind: 'conv', shape: '10×5×5' },
  { label: 'Global average pool', kind: 'pool', shape: '10×1×1', highlight: true },
  { label: 'Flatten', kind: 'op', shape: '10' },
];

const LX = 44;
const LW = 228;
const LH = 38;
const LGAP = 20;
const RX = 330;
const RW = 214;
const TOP = 40;
const RH = 26;
const RGAP = 11;

export function NinBlockDiagram({ lang }: DiagramProps) {
  const zh = lang === 'zh';
  const rightBottom = TOP + stackHeight(net.length, RH, RGAP);
  const legendY = rightBottom + 26;
  const row = (i: number) => TOP + i * (LH + LGAP);
  return (
    <Figure
      width={660}
      height={legendY + 18}
      minWidth={520}
      maxWidth={860}
      title={zh ? 'NiN 块与 NiN 网络' : 'A NiN block and the NiN network'}
      description={
        zh
          ? '左：NiN 块先做一次普通卷积（k×k，步幅 s，填充 p），再接两个 1×1 卷积，每层后都有 ReLU；两个 1×1 卷积相当于在每个像素位置上作用的同一个多层感知机。右：NiN 网络交替使用 NiN 块和 3×3、步幅 2 的最大汇聚，224×224 输入依次变为 54、26、12、5；暂退法之后的最后一个 NiN 块输出 10 个通道，全局平均汇聚把 10×5×5 变为 10×1×1，展平后得到 10 个类别的 logits，没有全连接层。'
          : 'Left: a NiN block is an ordinary k×k convolution (stride s, padding p) followed by two 1×1 convolutions, each with a ReLU; the two 1×1 convolutions act as one small MLP applied at every pixel. Right: the NiN network alternates NiN blocks with 3×3 stride-2 max pooling, shrinking a 224×224 input to 54, 26, 12 and 5; after dropout a final NiN block outputs 10 channels, global average pooling turns 10×5×5 into 10×1×1, and flattening gives the 10 class logits, with no dense layer.'
      }
    >
      <Text x={LX + LW / 2} y={18} anchor="middle" size={15} bold>
        {zh ? 'NiN 块' : 'NiN block'}
      </Text>
      <Stack items={block} x={LX} y={TOP} w={LW} boxH={LH} gap={LGAP} size={12.5} />
      <Bracket x={LX - 14} y1={row(2)} y2={row(3) + LH} label={zh ? '逐像素 MLP' : 'per-pixel MLP'} />
      <Text x={LX + LW / 2} y={row(4) + LH + 26} anchor="middle" size={11.5} muted>
        {zh ? '1×1 卷积：不改变高和宽' : '1×1 convs keep height and width'}
      </Text>

      <Text x={RX + RW / 2} y={18} anchor="middle" size={15} bold>
        NiN
      </Text>
      <Stack items={net} x={RX} y={TOP} w={RW} boxH={RH} gap={RGAP} size={12} />
      <Legend
        x={LX - 20}
        y={legendY}
        kinds={[
          ['conv', zh ? '卷积 / NiN 块' : 'conv / NiN block'],
          ['pool', zh ? '汇聚' : 'pool'],
          ['op', zh ? '其他' : 'other'],
        ]}
      />
    </Figure>
  );
}
