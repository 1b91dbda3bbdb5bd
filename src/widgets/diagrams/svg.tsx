/**
 * Drawing primitives shared by the architecture diagrams.
 *
 * Every colour is a CSS variable of the theme (with a fallback), so one drawing
 * serves the light, dark and high-contrast themes. Layer kinds differ by outline
 * style as well as by colour, so no information rests on colour alone.
 */
import { createContext, useContext, useId, type ReactNode } from 'react';
import { DIAGRAM_BOX } from '../common/reserve';
import { say, trIn, type Lang, type Tr } from '../common/i18n';
import { DIAGRAM_TEXT } from './text';
import { labelIn } from './labels';

export const color = {
  fg: 'var(--fg, currentColor)',
  bg: 'var(--bg, transparent)',
  accent: 'var(--accent, #2563eb)',
  muted: 'var(--muted, #6b7280)',
  surface: 'var(--surface, rgba(127, 127, 127, 0.12))',
} as const;

export type Kind = 'io' | 'conv' | 'pool' | 'dense' | 'op' | 'group';

export type Point = readonly [number, number];

interface BoxStyle {
  fill: string;
  fillOpacity: number;
  stroke: string;
  strokeDasharray?: string;
  strokeWidth: number;
}

const boxStyles: Record<Kind, BoxStyle> = {
  io: { fill: color.surface, fillOpacity: 1, stroke: color.fg, strokeWidth: 1.2 },
  conv: { fill: color.accent, fillOpacity: 0.16, stroke: color.accent, strokeWidth: 1.6 },
  pool: { fill: color.surface, fillOpacity: 1, stroke: color.fg, strokeWidth: 1.2, strokeDasharray: '5 3' },
  dense: { fill: color.accent, fillOpacity: 0.07, stroke: color.fg, strokeWidth: 1.2 },
  op: { fill: color.surface, fillOpacity: 1, stroke: color.muted, strokeWidth: 1 },
  group: { fill: 'none', fillOpacity: 1, stroke: color.muted, strokeWidth: 1, strokeDasharray: '3 3' },
};

const ArrowContext = createContext('');
/** The figure's language, in which its boxes write their labels (labels.ts). */
const LangContext = createContext<Lang>('en');

/** The `url(#…)` of the arrow-head marker of the enclosing <Figure>. */
function useArrowHead(): string {
  return useContext(ArrowContext);
}

export interface FigureProps {
  /**
   * The diagram's name in DIAGRAM_BOX (common/reserve.ts), which gives the drawing's
   * width and the CSS px bounds of its width: below minWidth the figure scrolls sideways
   * instead of shrinking further. The page reserves the same box before the drawing loads.
   */
  name: string;
  /** The drawing's height (from its layout; the reserve test checks it against the box). */
  height: number;
  /** Language of the accessible name (the SVG <title>) and of the longer text alternative read after it (see text.ts). */
  lang: Lang;
  children: ReactNode;
}

export function Figure({ name, height, lang, children }: FigureProps) {
  const { width, minWidth, maxWidth } = DIAGRAM_BOX[name];
  const t = trIn(lang);
  const title = say(t, DIAGRAM_TEXT[name].title);
  const description = say(t, DIAGRAM_TEXT[name].description);
  const id = `dg${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  return (
    <div className="diagram" style={{ overflowX: 'auto', margin: '1.5rem 0' }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={title}
        aria-describedby={`${id}-desc`}
        style={{
          display: 'block',
          margin: '0 auto',
          height: 'auto',
          maxWidth,
          minWidth,
          color: color.fg,
          fontFamily: 'inherit',
        }}
      >
        <title>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <defs>
          <marker
            id={`${id}-arrow`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" style={{ fill: color.fg }} />
          </marker>
        </defs>
        <ArrowContext.Provider value={`url(#${id}-arrow)`}>
          <LangContext.Provider value={lang}>{children}</LangContext.Provider>
        </ArrowContext.Provider>
      </svg>
    </div>
  );
}

export interface TextProps {
  x: number;
  y: number;
  children: ReactNode;
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  muted?: boolean;
  accent?: boolean;
  bold?: boolean;
  italic?: boolean;
  rotate?: number;
}

/**
 * Renders `c_in`, `μ_j` and the like with a real subscript: each `_word` becomes a
 * smaller tspan shifted down (dy, which every browser supports); the text after it
 * is shifted back up.
 */
export function withSubscripts(text: string, size: number): ReactNode {
  const shift = +(size * 0.25).toFixed(2);
  const parts = text.split(/_([A-Za-z0-9]+)/);
  if (parts.length === 1) return text;
  return parts.map((part, i) =>
    i % 2 === 0 ? (
      part && (
        <tspan key={i} dy={i > 0 ? -shift : undefined}>
          {part}
        </tspan>
      )
    ) : (
      <tspan key={i} dy={shift} style={{ fontSize: size * 0.75 }}>
        {part}
      </tspan>
    ),
  );
}

export function Text({ x, y, children, size = 13, anchor = 'start', muted, accent, bold, italic, rotate }: TextProps) {
  return (
    <text
      x={x}
      y={y}
      textAnchor={anchor}
      dominantBaseline="middle"
      transform={rotate ? `rotate(${rotate} ${x} ${y})` : undefined}
      style={{
        fill: accent ? color.accent : muted ? color.muted : color.fg,
        fontSize: size,
        fontWeight: bold ? 600 : 400,
        fontStyle: italic ? 'italic' : 'normal',
      }}
    >
      {typeof children === 'string' ? withSubscripts(children, size) : children}
    </text>
  );
}

export interface BoxProps {
  x: number;
  y: number;
  w: number;
  h: number;
  kind: Kind;
  label?: string;
  /** A second, smaller line under the label. */
  sub?: string;
  size?: number;
  /** Draw the outline thicker, in the accent colour (e.g. "new in this model"). */
  highlight?: boolean;
}

export function Box({ x, y, w, h, kind, label: given, sub: givenSub, size = 13, highlight }: BoxProps) {
  const lang = useContext(LangContext);
  const label = given === undefined ? undefined : labelIn(lang, given);
  const sub = givenSub === undefined ? undefined : labelIn(lang, givenSub);
  const s = boxStyles[kind];
  const cx = x + w / 2;
  const cy = y + h / 2;
  return (
    <g>
      <rect
        x={x}
        y={y}
        width={w}
        height={h}
        rx={6}
        style={{
          fill: s.fill,
          fillOpacity: s.fillOpacity,
          stroke: highlight ? color.accent : s.stroke,
          strokeWidth: highlight ? 2.4 : s.strokeWidth,
          strokeDasharray: s.strokeDasharray,
        }}
      />
      {highlight && <circle cx={x + w - 7} cy={y + 7} r={3.5} style={{ fill: color.accent }} />}
      {label !== undefined && sub === undefined && (
        <Text x={cx} y={cy} anchor="middle" size={size}>
          {label}
        </Text>
      )}
      {label !== undefined && sub !== undefined && (
        <>
          <Text x={cx} y={cy - size * 0.6} anchor="middle" size={size}>
            {label}
          </Text>
          <Text x={cx} y={cy + size * 0.65} anchor="middle" size={size * 0.85} muted>
            {sub}
          </Text>
        </>
      )}
    </g>
  );
}

export interface ArrowProps {
  points: readonly Point[];
  /** Omit the arrow head (a plain connector). */
  plain?: boolean;
  dashed?: boolean;
  accent?: boolean;
}

export function Arrow({ points, plain, dashed, accent }: ArrowProps) {
  const head = useArrowHead();
  return (
    <polyline
      points={points.map(([px, py]) => `${px},${py}`).join(' ')}
      markerEnd={plain ? undefined : head}
      style={{
        fill: 'none',
        stroke: accent ? color.accent : color.fg,
        strokeWidth: 1.3,
        strokeDasharray: dashed ? '4 3' : undefined,
      }}
    />
  );
}

/** A path with an arrow head at its end, for curves. */
export function CurvedArrow({ d, dashed, accent }: { d: string; dashed?: boolean; accent?: boolean }) {
  const head = useArrowHead();
  return (
    <path
      d={d}
      markerEnd={head}
      style={{
        fill: 'none',
        stroke: accent ? color.accent : color.fg,
        strokeWidth: 1.3,
        strokeDasharray: dashed ? '4 3' : undefined,
      }}
    />
  );
}

/** A circled plus, the element-wise sum of a skip connection. */
export function Plus({ cx, cy, r = 11 }: { cx: number; cy: number; r?: number }) {
  return (
    <g>
      <circle cx={cx} cy={cy} r={r} style={{ fill: color.surface, stroke: color.fg, strokeWidth: 1.3 }} />
      <path
        d={`M${cx - r * 0.55},${cy} H${cx + r * 0.55} M${cx},${cy - r * 0.55} V${cy + r * 0.55}`}
        style={{ stroke: color.fg, strokeWidth: 1.6 }}
      />
    </g>
  );
}

/** A vertical brace-like bracket on the left of a range of rows, with a rotated label. */
export function Bracket({ x, y1, y2, label }: { x: number; y1: number; y2: number; label: string }) {
  return (
    <g>
      <path
        d={`M${x + 6},${y1} H${x} V${y2} H${x + 6}`}
        style={{ fill: 'none', stroke: color.muted, strokeWidth: 1.2 }}
      />
      <Text x={x - 9} y={(y1 + y2) / 2} anchor="middle" size={11} muted rotate={-90}>
        {label}
      </Text>
    </g>
  );
}

export interface StackItem {
  label: string;
  sub?: string;
  kind: Kind;
  /** Output shape, written to the right of the box. */
  shape?: string;
  highlight?: boolean;
}

/** Where a Stack stands: its left and top edges, the boxes' width and height, and the gap between boxes. */
export interface StackLayout {
  x: number;
  y: number;
  w: number;
  boxH: number;
  gap: number;
}

/** Top of box `i` of a Stack laid out as `l`. */
export function stackRowY(l: StackLayout, i: number): number {
  return l.y + i * (l.boxH + l.gap);
}

export interface StackProps extends StackLayout {
  items: readonly StackItem[];
  /** x of the shape column; defaults to just right of the boxes. */
  shapeX?: number;
  size?: number;
}

/** A top-to-bottom chain of layer boxes joined by arrows, each with its output shape. */
export function Stack({ items, x, y, w, boxH, gap, shapeX, size = 13 }: StackProps) {
  const sx = shapeX ?? x + w + 12;
  return (
    <g>
      {items.map((item, i) => {
        const top = stackRowY({ x, y, w, boxH, gap }, i);
        return (
          <g key={i}>
            {i > 0 && (
              <Arrow
                points={[
                  [x + w / 2, top - gap],
                  [x + w / 2, top],
                ]}
              />
            )}
            <Box
              x={x}
              y={top}
              w={w}
              h={boxH}
              kind={item.kind}
              label={item.label}
              sub={item.sub}
              size={size}
              highlight={item.highlight}
            />
            {item.shape && (
              <Text x={sx} y={top + boxH / 2} size={size * 0.92} muted>
                {item.shape}
              </Text>
            )}
          </g>
        );
      })}
    </g>
  );
}

/** Total height a Stack of `n` items occupies. */
export function stackHeight(n: number, boxH: number, gap: number): number {
  return n * boxH + (n - 1) * gap;
}

/** Rough width of a label in px: CJK characters are about one em, others about 0.58 em. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\u9FFF\uFF00-\uFFEF]/.test(ch) ? size : size * 0.58;
  return w;
}

/** A small legend of layer kinds, laid out in one row. */
/** What the legend calls each kind of box unless a diagram names it otherwise. */
function kindName(t: Tr, kind: Kind): string {
  const names: Record<Kind, string> = { io: t('input / output', '输入 / 输出'), conv: t('conv', '卷积'), pool: t('pool', '汇聚'), dense: t('dense', '全连接'), op: t('other', '其他'), group: t('group', '组') };
  return names[kind];
}

/** A row of sample boxes with their names: a kind alone takes its usual name, [kind, name] a diagram's own. */
export function Legend({ x, y, t, kinds }: { x: number; y: number; t: Tr; kinds: readonly (Kind | readonly [Kind, string])[] }) {
  let cx = x;
  return (
    <g>
      {kinds.map((entry) => {
        const [kind, text] = typeof entry === 'string' ? [entry, kindName(t, entry)] : entry;
        const at = cx;
        cx += 26 + textWidth(text, 11) + 16;
        return (
          <g key={kind}>
            <LegendKey x={at} y={y} kind={kind} text={text} />
          </g>
        );
      })}
    </g>
  );
}

/** One entry of a legend: a sample box (highlighted or not) and what it stands for, centred on `y`. */
export function LegendKey({ x, y, kind, text, highlight }: { x: number; y: number; kind: Kind; text: string; highlight?: boolean }) {
  return (
    <>
      <Box x={x} y={y - 7} w={22} h={14} kind={kind} highlight={highlight} />
      <Text x={x + 28} y={y} size={11} muted>
        {text}
      </Text>
    </>
  );
}
