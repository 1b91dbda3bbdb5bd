import { Arrow, Box, Figure, Legend, Text, type Kind } from './svg';
import type { DiagramProps } from './types';

interface Cell {
  label: string;
  sub: string;
  kind: Kind;
  highlight?: boolean;
}

/** Rows aligned by role; `null` where LeNet has no counterpart. */
const rows: [Cell | null, Cell][] = [
  [
    { label: 'Input', sub: '1×28×28', kind: 'io' },
    { label: 'Input', sub: '1×224×224', kind: 'io' },
  ],
  [
    { label: 'Conv 5×5, 6, pad 2 · sigmoid', sub: '6×28×28', kind: 'conv' },
    { label: 'Conv 11×11, 96, stride 4, pad 1 · ReLU', sub: '96×54×54', kind: 'conv' },
  ],
  [
    { label: 'AvgPool 2×2, stride 2', sub: '6×14×14', kind: 'pool' },
    { label: 'MaxPool 3×3, stride 2', sub: '96×26×26', kind: 'pool' },
  ],
  [
    { label: 'Conv 5×5, 16 · sigmoid', sub: '16×10×10', kind: 'conv' },
    { label: 'Conv 5×5, 256, pad 2 · ReLU', sub: '256×26×26', kind: 'conv' },
  ],
  [
    { label: 'AvgPool 2×2, stride 2', sub: '16×5×5', kind: 'pool' },
    { label: 'MaxPool 3×3, stride 2', sub: '256×12×12', kind: 'pool' },
  ],
  [null, { label: 'Conv 3×3, 384, pad 1 · ReLU', sub: '384×12×12', kind: 'conv', highlight: true }],
  [null, { label: 'Conv 3×3, 384, pad 1 · ReLU', sub: '384×12×12', kind: 'conv', highlight: true }],
  [null, { label: 'Conv 3×3, 256, pad 1 · ReLU', sub: '256×12×12', kind: 'conv', highlight: true }],
  [null, { label: 'MaxPool 3×3, stride 2', sub: '256×5×5', kind: 'pool', highlight: true }],
  [
    { label: 'Flatten · Dense 120 · sigmoid', sub: '400 → 120', kind: 'dense' },
    { label: 'Flatten · Dense 4096 · ReLU · dropout 0.5', sub: '6400 → 4096', kind: 'dense' },
  ],
  [
    { label: 'Dense 84 · sigmoid', sub: '84', kind: 'dense' },
    { label: 'Dense 4096 · ReLU · dropout 0.5', sub: '4096', kind: 'dense' },
  ],
  [
    { label: 'Dense 10', sub: '10', kind: 'io' },
    { label: 'Dense 10', sub: '10', kind: 'io' },
  ],
];

const COLS = [20, 350] as const;
const W = 290;
const TOP = 40;
const H = 38;
const GAP = 10;
const rowY = (i: number) => TOP + i * (H + GAP);

function Column({ x, cells }: { x: number; cells: (Cell | null)[] }) {
  const present = cells.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  return (
    <g>
      {present.map((i, k) => {
        const cell = cells[i]!;
        const prev = k > 0 ? present[k - 1] : undefined;
        return (
          <g key={i}>
            {prev !== undefined && (
              <Arrow
                points={[
                  [x + W / 2, rowY(prev) + H],
                  [x + W / 2, rowY(i)],
                ]}
              />
            )}
            <Box x={x} y={rowY(i)} w={W} h={H} kind={cell.kind} label={cell.label} sub={cell.sub} size={12.5} highlight={cell.highlight} />
          </g>
        );
      })}
    </g>
  );
}

export function AlexNetVsLeNetDiagram({ lang }: DiagramProps) {
  const zh = lang === 'zh';
  const bottom = rowY(rows.length - 1) + H;
  const legendY = bottom + 24;
  return (
    <Figure
      width={660}
      height={legendY + 18}
      minWidth={520}
      maxWidth={860}
      title={zh ? 'LeNet（左）与 AlexNet（右）逐层对照' : 'LeNet (left) beside AlexNet (right), layer by layer'}
      description={
        zh
          ? 'LeNet：28×28 输入，两个带 sigmoid 的 5×5 卷积层（6、16 通道），各接 2×2 平均汇聚，然后是 120、84、10 三个全连接层。AlexNet：224×224 输入，11×11 步幅 4 的 96 通道卷积和 3×3 步幅 2 的最大汇聚，5×5 的 256 通道卷积和最大汇聚，新增的三个 3×3 卷积（384、384、256 通道）和一个最大汇聚，然后是两个带暂退法的 4096 全连接层和 10 个输出，全部使用 ReLU。'
          : 'LeNet: a 28×28 input, two 5×5 sigmoid convolutions with 6 and 16 channels, each followed by 2×2 average pooling, then dense layers of 120, 84 and 10. AlexNet: a 224×224 input, an 11×11 stride-4 convolution with 96 channels and 3×3 stride-2 max pooling, a 5×5 convolution with 256 channels and max pooling, three added 3×3 convolutions with 384, 384 and 256 channels and a max pooling, then two dense layers of 4096 with dropout and an output of 10, all with ReLU.'
      }
    >
      <Text x={COLS[0] + W / 2} y={18} anchor="middle" size={15} bold>
        LeNet
      </Text>
      <Text x={COLS[1] + W / 2} y={18} anchor="middle" size={15} bold>
        AlexNet
      </Text>
      <Column x={COLS[0]} cells={rows.map((r) => r[0])} />
      <Column x={COLS[1]} cells={rows.map((r) => r[1])} />
      <Legend
        x={COLS[0]}
        y={legendY}
        kinds={[
          ['conv', zh ? '卷积' : 'conv'],
          ['pool', zh ? '汇聚' : 'pool'],
          ['dense', zh ? '全连接' : 'dense'],
        ]}
      />
      <Box x={COLS[1]} y={legendY - 7} w={22} h={14} kind="conv" highlight />
      <Text x={COLS[1] + 28} y={legendY} size={11} muted>
        {zh ? 'AlexNet 新增的层' : 'layers LeNet does not have'}
      </Text>
    </Figure>
  );
}
