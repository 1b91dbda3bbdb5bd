import { Arrow, Box, Figure, Plus, Text, type Kind } from './svg';
import type { DiagramProps } from './types';
import { trIn, type Tr } from '../common/i18n';

const PANEL_W = 330;
const MAIN_X = 14;
const MAIN_W = 190;
const LANE = 270;
const IN_Y = 52;
const IN_H = 36;
const H = 26;
const GAP = 14;

interface Layer {
  label: string;
  kind: Kind;
}

function Panel({ x0, withConv, t }: { x0: number; withConv: boolean; t: Tr }) {
  const cx = x0 + MAIN_X + MAIN_W / 2;
  const lane = x0 + LANE;
  const layers: Layer[] = [
    { label: withConv ? 'Conv 3×3, c, pad 1, stride s' : 'Conv 3×3, c, pad 1', kind: 'conv' },
    { label: 'BatchNorm', kind: 'op' },
    { label: 'ReLU', kind: 'op' },
    { label: 'Conv 3×3, c, pad 1', kind: 'conv' },
    { label: 'BatchNorm', kind: 'op' },
  ];
  const firstY = IN_Y + IN_H + 22;
  const layerY = (i: number) => firstY + i * (H + GAP);
  const lastBottom = layerY(layers.length - 1) + H;
  const plusY = lastBottom + 26;
  const reluY = plusY + 11 + 18;
  const outY = reluY + H + 18;
  const branchY = IN_Y + IN_H + 9;
  const convY = layerY(2) - 4;
  return (
    <g>
      <Text x={x0 + PANEL_W / 2} y={16} anchor="middle" size={14} bold>
        {withConv ? t('with 1×1 conv', '带 1×1 卷积') : t('without 1×1 conv', '不带 1×1 卷积')}
      </Text>
      <Text x={x0 + PANEL_W / 2} y={34} anchor="middle" size={11.5} muted>
        {withConv ? 'Residual(c_in, c, use1x1conv, stride s)' : 'Residual(c, c)'}
      </Text>
      <Box x={x0 + MAIN_X} y={IN_Y} w={MAIN_W} h={IN_H} kind="io" label="x" sub={withConv ? 'c_in × h × w' : 'c × h × w'} />
      <Arrow points={[[cx, IN_Y + IN_H], [cx, firstY]]} />
      {layers.map((layer, i) => (
        <g key={i}>
          {i > 0 && <Arrow points={[[cx, layerY(i - 1) + H], [cx, layerY(i)]]} />}
          <Box x={x0 + MAIN_X} y={layerY(i)} w={MAIN_W} h={H} kind={layer.kind} label={layer.label} size={12} />
        </g>
      ))}
      <Arrow points={[[cx, lastBottom], [cx, plusY - 11]]} />
      <Plus cx={cx} cy={plusY} />
      <Text x={cx - 18} y={plusY} anchor="end" size={11.5} italic muted>
        g(x) + {withConv ? 'conv(x)' : 'x'}
      </Text>
      <Arrow points={[[cx, plusY + 11], [cx, reluY]]} />
      <Box x={x0 + MAIN_X} y={reluY} w={MAIN_W} h={H} kind="op" label="ReLU" size={12} />
      <Arrow points={[[cx, reluY + H], [cx, outY]]} />
      <Box x={x0 + MAIN_X} y={outY} w={MAIN_W} h={IN_H} kind="io" label={t('Output', '输出')} sub={withConv ? "c × h' × w'" : 'c × h × w'} />
      {withConv ? (
        <>
          <Arrow plain accent points={[[cx, branchY], [lane, branchY], [lane, convY]]} />
          <Box x={lane - 56} y={convY} w={112} h={38} kind="conv" label="Conv 1×1, c" sub="stride s" size={12} />
          <Arrow accent points={[[lane, convY + 38], [lane, plusY], [cx + 12, plusY]]} />
        </>
      ) : (
        <>
          <Arrow accent points={[[cx, branchY], [lane, branchY], [lane, plusY], [cx + 12, plusY]]} />
          <Text x={lane + 10} y={(branchY + plusY) / 2} anchor="middle" size={11.5} accent rotate={90}>
            {t('identity: x', '恒等映射 x')}
          </Text>
        </>
      )}
    </g>
  );
}

export function ResidualDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  return (
    <Figure name="residual" lang={lang} height={IN_Y + IN_H + 22 + 5 * (H + GAP) - GAP + 26 + 11 + 18 + H + 18 + IN_H + 10}>
      <Panel x0={0} withConv={false} t={t} />
      <line x1={PANEL_W + 5} y1={8} x2={PANEL_W + 5} y2={560} style={{ stroke: 'var(--muted, #6b7280)', strokeWidth: 0.6, strokeDasharray: '2 4' }} />
      <Panel x0={PANEL_W + 10} withConv t={t} />
    </Figure>
  );
}
