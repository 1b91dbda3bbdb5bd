import { Arrow, Box, Figure, Legend, LegendKey, Text, type Kind } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

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
  const t = trIn(lang);
  const legendY = rowY(rows.length - 1) + H + 24;
  return (
    <Figure name="alexnet-vs-lenet" lang={lang} height={legendY + 18}>
      <Text x={COLS[0] + W / 2} y={18} anchor="middle" size={15} bold>
        LeNet
      </Text>
      <Text x={COLS[1] + W / 2} y={18} anchor="middle" size={15} bold>
        AlexNet
      </Text>
      <Column x={COLS[0]} cells={rows.map((r) => r[0])} />
      <Column x={COLS[1]} cells={rows.map((r) => r[1])} />
      <Legend x={COLS[0]} y={legendY} t={t} kinds={['conv', 'pool', 'dense']} />
      <LegendKey x={COLS[1]} y={legendY} kind="conv" highlight text={t('layers LeNet does not have', 'AlexNet 新增的层')} />
    </Figure>
  );
}
