import { Figure, Text, color } from './svg';
import type { DiagramProps } from './types';

interface Region {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  label: string;
  lx: number;
  ly: number;
}

function Star({ x, y }: { x: number; y: number }) {
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 9 : 4;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(x + r * Math.cos(a)).toFixed(2)},${(y + r * Math.sin(a)).toFixed(2)}`);
  }
  return <polygon points={pts.join(' ')} style={{ fill: color.accent, stroke: color.accent }} />;
}

function Regions({ regions }: { regions: Region[] }) {
  return (
    <g>
      {regions.map((r, i) => (
        <g key={i}>
          <ellipse
            cx={r.cx}
            cy={r.cy}
            rx={r.rx}
            ry={r.ry}
            style={{ fill: color.accent, fillOpacity: 0.05, stroke: color.fg, strokeWidth: 1.1 }}
          />
          <Text x={r.lx} y={r.ly} anchor="middle" size={12} italic>
            {r.label}
          </Text>
        </g>
      ))}
    </g>
  );
}

const nonNested: Region[] = [
  { cx: 80, cy: 178, rx: 44, ry: 32, label: 'F₁', lx: 62, ly: 186 },
  { cx: 120, cy: 156, rx: 62, ry: 42, label: 'F₂', lx: 150, ly: 182 },
  { cx: 186, cy: 112, rx: 58, ry: 42, label: 'F₃', lx: 222, ly: 120 },
  { cx: 112, cy: 84, rx: 84, ry: 38, label: 'F₄', lx: 70, ly: 70 },
];

const nested: Region[] = [
  { cx: 420, cy: 160, rx: 40, ry: 28, label: 'F₁', lx: 420, ly: 164 },
  { cx: 440, cy: 145, rx: 72, ry: 48, label: 'F₂', lx: 440, ly: 110 },
  { cx: 460, cy: 130, rx: 104, ry: 68, label: 'F₃', lx: 460, ly: 75 },
  { cx: 480, cy: 118, rx: 136, ry: 90, label: 'F₄', lx: 480, ly: 41 },
];

export function FunctionClassesDiagram({ lang }: DiagramProps) {
  const zh = lang === 'zh';
  return (
    <Figure
      width={640}
      height={232}
      minWidth={480}
      maxWidth={820}
      title={zh ? '非嵌套与嵌套的函数类' : 'Non-nested and nested function classes'}
      description={
        zh
          ? '左：非嵌套的函数类 F₁ 到 F₄ 互相只部分重叠，更大的类不一定更接近目标函数 f*（星号）。右：嵌套的函数类 F₁ ⊆ F₂ ⊆ F₃ ⊆ F₄，每个更大的类都包含前一个，因此其中最好的函数离 f* 不会更远。'
          : 'Left: non-nested function classes F₁ to F₄ overlap only partly, so a larger class need not come closer to the target function f* (the star). Right: nested classes F₁ ⊆ F₂ ⊆ F₃ ⊆ F₄, each containing the previous one, so the best function in a larger class is never farther from f*.'
      }
    >
      <Text x={150} y={18} anchor="middle" size={14} bold>
        {zh ? '非嵌套函数类' : 'non-nested classes'}
      </Text>
      <Regions regions={nonNested} />
      <Star x={270} y={52} />
      <Text x={270} y={74} anchor="middle" size={12} italic accent>
        f*
      </Text>
      <line x1={320} y1={10} x2={320} y2={224} style={{ stroke: color.muted, strokeWidth: 0.6, strokeDasharray: '2 4' }} />
      <Text x={480} y={18} anchor="middle" size={14} bold>
        {zh ? '嵌套函数类' : 'nested classes'}
      </Text>
      <Regions regions={nested} />
      <Star x={580} y={90} />
      <Text x={580} y={112} anchor="middle" size={12} italic accent>
        f*
      </Text>
    </Figure>
  );
}
