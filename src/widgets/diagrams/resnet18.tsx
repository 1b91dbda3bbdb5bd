import { Arrow, Box, Figure, Legend, LegendKey, Text, type Kind } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

interface Cell {
  label: string;
  sub?: string;
  kind: Kind;
  w: number;
  highlight?: boolean;
}

interface Row {
  tag?: string;
  cells: Cell[];
  shape: string;
}

const residual = (cIn: number, c: number): Cell[] =>
  cIn === c
    ? [
        { label: `Residual ${c}`, sub: 'identity shortcut', kind: 'conv', w: 190 },
        { label: `Residual ${c}`, sub: 'identity shortcut', kind: 'conv', w: 190 },
      ]
    : [
        { label: `Residual ${cIn}→${c}`, sub: '1×1 conv, stride 2', kind: 'conv', w: 190, highlight: true },
        { label: `Residual ${c}`, sub: 'identity shortcut', kind: 'conv', w: 190 },
      ];

const rows: Row[] = [
  { cells: [{ label: 'Input', kind: 'io', w: 150 }], shape: '1×224×224' },
  {
    tag: 'b1',
    cells: [
      { label: 'Conv 7×7, 64', sub: 'stride 2, pad 3', kind: 'conv', w: 150 },
      { label: 'BN', kind: 'op', w: 50 },
      { label: 'ReLU', kind: 'op', w: 56 },
      { label: 'MaxPool 3×3', sub: 'stride 2, pad 1', kind: 'pool', w: 130 },
    ],
    shape: '64×56×56',
  },
  { tag: 'b2', cells: residual(64, 64), shape: '64×56×56' },
  { tag: 'b3', cells: residual(64, 128), shape: '128×28×28' },
  { tag: 'b4', cells: residual(128, 256), shape: '256×14×14' },
  { tag: 'b5', cells: residual(256, 512), shape: '512×7×7' },
  { cells: [{ label: 'Global average pool', kind: 'pool', w: 150 }], shape: '512×1×1' },
  { cells: [{ label: 'Flatten', kind: 'op', w: 150 }], shape: '512' },
  { cells: [{ label: 'Dense 10', kind: 'io', w: 150 }], shape: '10' },
];

const X0 = 64;
const TOP = 12;
const H = 40;
const ROW_GAP = 26;
const CELL_GAP = 24;
const SHAPE_X = 556;
const rowY = (i: number) => TOP + i * (H + ROW_GAP);

function cellXs(cells: Cell[]): number[] {
  const xs: number[] = [];
  let x = X0;
  for (const c of cells) {
    xs.push(x);
    x += c.w + CELL_GAP;
  }
  return xs;
}

export function ResNet18Diagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const legendY = rowY(rows.length - 1) + H + 24;
  return (
    <Figure name="resnet18" lang={lang} height={legendY + 18}>
      {rows.map((row, i) => {
        const y = rowY(i);
        const xs = cellXs(row.cells);
        const last = row.cells.length - 1;
        const right = xs[last] + row.cells[last].w;
        const next = rows[i + 1];
        const nextX = next ? X0 + next.cells[0].w / 2 : 0;
        const exitX = xs[last] + row.cells[last].w / 2;
        return (
          <g key={i}>
            {row.tag && (
              <>
                <rect
                  x={X0 - 10}
                  y={y - 6}
                  width={right - X0 + 20}
                  height={H + 12}
                  rx={8}
                  style={{ fill: 'none', stroke: 'var(--muted, #6b7280)', strokeDasharray: '3 3' }}
                />
                <Text x={X0 - 22} y={y + H / 2} anchor="end" size={14} bold>
                  {row.tag}
                </Text>
              </>
            )}
            {row.cells.map((c, k) => (
              <g key={k}>
                {k > 0 && (
                  <Arrow
                    points={[
                      [xs[k - 1] + row.cells[k - 1].w, y + H / 2],
                      [xs[k], y + H / 2],
                    ]}
                  />
                )}
                <Box x={xs[k]} y={y} w={c.w} h={H} kind={c.kind} label={c.label} sub={c.sub} size={12.5} highlight={c.highlight} />
              </g>
            ))}
            <Text x={SHAPE_X} y={y + H / 2} size={12} muted>
              {row.shape}
            </Text>
            {next &&
              (exitX === nextX ? (
                <Arrow points={[[exitX, y + H + (row.tag ? 6 : 0)], [nextX, rowY(i + 1) - (next.tag ? 6 : 0)]]} />
              ) : (
                <Arrow
                  points={[
                    [exitX, y + H + (row.tag ? 6 : 0)],
                    [exitX, y + H + ROW_GAP / 2],
                    [nextX, y + H + ROW_GAP / 2],
                    [nextX, rowY(i + 1) - (next.tag ? 6 : 0)],
                  ]}
                />
              ))}
          </g>
        );
      })}
      <Legend x={X0 - 40} y={legendY} t={t} kinds={[['conv', t('conv / residual block', '卷积 / 残差块')], 'pool', 'op']} />
      <LegendKey x={X0 + 330} y={legendY} kind="conv" highlight text={t('doubles channels, halves size', '通道翻倍、高宽减半')} />
    </Figure>
  );
}
