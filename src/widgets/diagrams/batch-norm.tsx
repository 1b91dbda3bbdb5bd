import { Figure, Text, color } from './svg';
import type { DiagramProps } from './types';

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

function Slice({ x, y, hot }: { x: number; y: number; hot: boolean }) {
  const g = S / 3;
  return (
    <g>
      <rect
        x={x}
        y={y}
        width={S}
        height={S}
        style={{
          fill: hot ? color.accent : color.surface,
          fillOpacity: hot ? 0.45 : 1,
          stroke: hot ? color.accent : color.fg,
          strokeWidth: hot ? 1.8 : 1,
        }}
      />
      <path
        d={`M${x + g},${y} V${y + S} M${x + 2 * g},${y} V${y + S} M${x},${y + g} H${x + S} M${x},${y + 2 * g} H${x + S}`}
        style={{ stroke: hot ? color.accent : color.muted, strokeWidth: 0.6 }}
      />
    </g>
  );
}

export function BatchNormDiagram({ lang }: DiagramProps) {
  const zh = lang === 'zh';
  const exampleX = (n: number) => EX0 + n * (S + (C - 1) * OFF + EX_GAP);
  const textY = 264;
  return (
    <Figure
      width={660}
      height={310}
      minWidth={520}
      maxWidth={860}
      title={zh ? '批量规范化在全连接层与卷积层中各沿哪些轴计算统计量' : 'Which values batch normalisation averages over, in dense and in convolutional layers'}
      description={
        zh
          ? '左：全连接层（BatchNorm1d）的输入是 N×D 矩阵（N 个样本、D 个特征），高亮的一列表示对每个特征 j 单独沿批量维的 N 个值求均值 μ_j 和方差 σ²_j，每个特征有一对 γ、β。右：卷积层（BatchNorm2d）的输出是 N×C×H×W 张量，图中样本 1 到 3 各有 4 个通道，高亮的是所有样本中的同一个通道 c，均值 μ_c 和方差 σ²_c 在这 N×H×W 个值上计算，每个通道有一对标量 γ、β。'
          : 'Left: a dense layer (BatchNorm1d) sees an N×D matrix (N examples, D features); the highlighted column shows that each feature j gets its own mean μ_j and variance σ²_j over the N values of the batch, and its own γ and β. Right: a convolutional layer (BatchNorm2d) outputs an N×C×H×W tensor, drawn as examples 1 to 3 with 4 channel slices each; the highlighted slice is the same channel c in every example, and its mean μ_c and variance σ²_c are taken over all N×H×W of those values, with one scalar γ and β per channel.'
      }
    >
      {/* Dense layer */}
      <Text x={GX + (D * CELL) / 2} y={18} anchor="middle" size={14} bold>
        {zh ? '全连接层：BatchNorm1d' : 'Dense layer: BatchNorm1d'}
      </Text>
      <Text x={GX + (D * CELL) / 2} y={38} anchor="middle" size={12} muted>
        N × D
      </Text>
      <Text x={GX + (D * CELL) / 2} y={GY - 14} anchor="middle" size={11.5} muted>
        {zh ? '特征 →' : 'features →'}
      </Text>
      <Text x={GX - 16} y={GY + (N * CELL) / 2} anchor="middle" size={11.5} muted rotate={-90}>
        {zh ? '样本（批量）' : 'examples (batch)'}
      </Text>
      {Array.from({ length: N * D }, (_, k) => {
        const r = Math.floor(k / D);
        const c = k % D;
        const hot = c === HOT_FEATURE;
        return (
          <rect
            key={k}
            x={GX + c * CELL}
            y={GY + r * CELL}
            width={CELL}
            height={CELL}
            style={{
              fill: hot ? color.accent : color.surface,
              fillOpacity: hot ? 0.45 : 1,
              stroke: color.fg,
              strokeWidth: 0.8,
            }}
          />
        );
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
        {zh ? '每个特征一组统计量，沿批量维计算' : 'statistics per feature, over the batch'}
      </Text>
      <Text x={GX + (D * CELL) / 2} y={textY + 20} anchor="middle" size={12} muted>
        {zh ? 'γ、β：每个特征一对（共 D 对）' : 'γ, β: one pair per feature (D pairs)'}
      </Text>

      <line x1={300} y1={10} x2={300} y2={300} style={{ stroke: color.muted, strokeWidth: 0.6, strokeDasharray: '2 4' }} />

      {/* Convolutional layer */}
      <Text x={490} y={18} anchor="middle" size={14} bold>
        {zh ? '卷积层：BatchNorm2d' : 'Conv layer: BatchNorm2d'}
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
              {zh ? `样本 ${n + 1}` : `example ${n + 1}`}
            </Text>
          </g>
        );
      })}
      <Text x={exampleX(0) + 2} y={SLICE_Y - C * OFF - 14} size={11.5} muted>
        {zh ? '通道 ↗' : 'channels ↗'}
      </Text>
      <Text x={490} y={SLICE_Y + S + 46} anchor="middle" size={12} italic accent>
        {zh ? '通道 c 的 μ_c, σ²_c' : 'μ_c, σ²_c of channel c'}
      </Text>
      <Text x={490} y={textY} anchor="middle" size={12}>
        {zh ? '每个通道一组统计量，跨 N、H、W 计算' : 'statistics per channel, over N × H × W'}
      </Text>
      <Text x={490} y={textY + 20} anchor="middle" size={12} muted>
        {zh ? 'γ、β：每个通道一对标量（共 C 对）' : 'γ, β: one scalar pair per channel (C pairs)'}
      </Text>
    </Figure>
  );
}
