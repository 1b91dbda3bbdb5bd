import { Figure, Text, color, type Point } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

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

/** One half of the figure: its title centred on `x`, the function classes, and the truth f* at `star`. */
function Panel({ x, title, regions, star: [sx, sy] }: { x: number; title: string; regions: Region[]; star: Point }) {
  return (
    <>
      <Text x={x} y={18} anchor="middle" size={14} bold>
        {title}
      </Text>
      <Regions regions={regions} />
      <Star x={sx} y={sy} />
      <Text x={sx} y={sy + 22} anchor="middle" size={12} italic accent>
        f*
      </Text>
    </>
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
  const t = trIn(lang);
  return (
    <Figure name="function-classes" lang={lang} height={232}>
      <Panel x={150} title={t('non-nested classes', '非嵌套函数类')} regions={nonNested} star={[270, 52]} />
      <line x1={320} y1={10} x2={320} y2={224} style={{ stroke: color.muted, strokeWidth: 0.6, strokeDasharray: '2 4' }} />
      <Panel x={480} title={t('nested classes', '嵌套函数类')} regions={nested} star={[580, 90]} />
    </Figure>
  );
}
