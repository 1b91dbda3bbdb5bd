import { Figure, Text, color } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

const CELL = 24;
const N = 6;
const D = 5;
const HOT_FEATURE = 2;
const GX = 96;
const GY = 76;

const C = 4;
const HOT_CHANNEL = 1;
const S = 48;
const OFF = 11;
const EXAMPLES = 3;
const EX0 = 352;
const EX_GAP = 28;
const SLICE_Y = 120;

/** A square, filled with the accent colour where it is part of the statistic picked out (`hot`). */
function Square({ x, y, size, hot, stroke, strokeWidth }: { x: number; y: number; size: number; hot: boolean; stroke: string; strokeWidth: number }) {
  return <rect x={x} y={y} width={size} height={size} style={{ fill: hot ? color.accent : color.surface, fillOpacity: hot ? 0.45 : 1, stroke, strokeWidth }} />;
}

function Slice({ x, y, hot }: { x: number; y: number; hot: boolean }) {
  const g = S / 3;
  return (
    <g>
      <Square x={x} y={y} size={S} hot={hot} stroke={hot ? color.accent : color.fg} strokeWidth={hot ? 1.8 : 1} />
      <path
        d={`M${x + g},${y} V${y + S} M${x + 2 * g},${y} V${y + S} M${x},${y + g} H${x + S} M${x},${y + 2 * g} H${x + S}`}
        style={{ stroke: hot ? color.accent : color.muted, strokeWidth: 0.6 }}
      />
    </g>
  );
}

export function BatchNormDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const exampleX = (n: number) => EX0 + n * (S + (C - 1) * OFF + EX_GAP);
  const textY = 264;
  return (
    <Figure name="batch-norm" lang={lang} height={310}>
      {/* Dense layer */}
      <Text x={GX + (D * CELL) / 2} y={18} anchor="middle" size={14} bold>
        {t('Dense layer: BatchNorm1d', '全连接层：BatchNorm1d')}
      </Text>
      <Text x={GX + (D * CELL) / 2} y={38} anchor="middle" size={12} muted>
        N × D
      </Text>
      <Text x={GX + (D * CELL) / 2} y={GY - 14} anchor="middle" size={11.5} muted>
        {t('features →', '特征 →')}
      </Text>
      <Text x={GX - 16} y={GY + (N * CELL) / 2} anchor="middle" size={11.5} muted rotate={-90}>
        {t('examples (batch)', '样本（批量）')}
      </Text>
      {Array.from({ length: N * D }, (_, k) => {
        const r = Math.floor(k / D);
        const c = k % D;
        return <Square key={k} x={GX + c * CELL} y={GY + r * CELL} size={CELL} hot={c === HOT_FEATURE} stroke={color.fg} strokeWidth={0.8} />;
      })}
      <rect
        x={GX + HOT_FEATURE * CELL}
        y={GY}
        width={CELL}
        height={N * CELL}
        style={{ fill: 'none', stroke: color.accent, strokeWidth: 2.4 }}
      />
      <Text x={GX + HOT_FEATURE * CELL + CELL / 2} y={GY + N * CELL + 16} anchor="middle" size={12} italic accent>
        μ_j, σ²_j
      </Text>
      <Text x={GX + (D * CELL) / 2} y={textY} anchor="middle" size={12}>
        {t('statistics per feature, over the batch', '每个特征一组统计量，沿批量维计算')}
      </Text>
      <Text x={GX + (D * CELL) / 2} y={textY + 20} anchor="middle" size={12} muted>
        {t('γ, β: one pair per feature (D pairs)', 'γ、β：每个特征一对（共 D 对）')}
      </Text>

      <line x1={300} y1={10} x2={300} y2={300} style={{ stroke: color.muted, strokeWidth: 0.6, strokeDasharray: '2 4' }} />

      {/* Convolutional layer */}
      <Text x={490} y={18} anchor="middle" size={14} bold>
        {t('Conv layer: BatchNorm2d', '卷积层：BatchNorm2d')}
      </Text>
      <Text x={490} y={38} anchor="middle" size={12} muted>
        N × C × H × W
      </Text>
      {Array.from({ length: EXAMPLES }, (_, n) => {
        const x = exampleX(n);
        return (
          <g key={n}>
            {Array.from({ length: C }, (_, i) => {
              const ch = C - 1 - i; // back to front
              return <Slice key={ch} x={x + ch * OFF} y={SLICE_Y - ch * OFF} hot={ch === HOT_CHANNEL} />;
            })}
            <Text x={x + (S + (C - 1) * OFF) / 2} y={SLICE_Y + S + 22} anchor="middle" size={11.5} muted>
              {t(`example ${n + 1}`, `样本 ${n + 1}`)}
            </Text>
          </g>
        );
      })}
      <Text x={exampleX(0) + 2} y={SLICE_Y - C * OFF - 14} size={11.5} muted>
        {t('channels ↗', '通道 ↗')}
      </Text>
      <Text x={490} y={SLICE_Y + S + 46} anchor="middle" size={12} italic accent>
        {t('μ_c, σ²_c of channel c', '通道 c 的 μ_c, σ²_c')}
      </Text>
      <Text x={490} y={textY} anchor="middle" size={12}>
        {t('statistics per channel, over N × H × W', '每个通道一组统计量，跨 N、H、W 计算')}
      </Text>
      <Text x={490} y={textY + 20} anchor="middle" size={12} muted>
        {t('γ, β: one scalar pair per channel (C pairs)', 'γ、β：每个通道一对标量（共 C 对）')}
      </Text>
    </Figure>
  );
}
