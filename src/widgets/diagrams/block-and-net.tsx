/**
 * The layout the VGG and NiN drawings share: one block on the left, drawn by the diagram
 * under its title, the whole network built from such blocks on the right as a titled
 * Stack, and a legend under both.
 */
import type { ReactNode } from 'react';
import { Figure, Legend, Stack, Text, stackHeight, type Kind, type StackItem, type StackLayout } from './svg';
import { trIn, type Lang } from '../common/i18n';

/** Top of both panels, under their titles. */
export const PANEL_TOP = 40;

/** The right panel: a network's layers top to bottom, where its Stack stands (its top is PANEL_TOP) and the boxes' font size. */
export interface NetPanel {
  title: string;
  net: readonly StackItem[];
  layout: Omit<StackLayout, 'y'>;
  size: number;
}

export interface BlockAndNetProps {
  /** The diagram's name in DIAGRAM_BOX (see Figure). */
  name: string;
  lang: Lang;
  /** The left panel's title and the x its title is centred on. */
  block: { title: string; center: number };
  panel: NetPanel;
  /** The legend's left edge and its entries (see Legend). */
  legend: { x: number; kinds: readonly (Kind | readonly [Kind, string])[] };
  /** The left panel's drawing. */
  children: ReactNode;
}

/** Panel titles are centred over each panel, above PANEL_TOP. */
function PanelTitle({ x, children }: { x: number; children: string }) {
  return (
    <Text x={x} y={18} anchor="middle" size={15} bold>
      {children}
    </Text>
  );
}

export function BlockAndNet({ name, lang, block, panel: { title, net, layout, size }, legend, children }: BlockAndNetProps) {
  const legendY = PANEL_TOP + stackHeight(net.length, layout.boxH, layout.gap) + 26;
  return (
    <Figure name={name} lang={lang} height={legendY + 18}>
      <PanelTitle x={block.center}>{block.title}</PanelTitle>
      {children}
      <PanelTitle x={layout.x + layout.w / 2}>{title}</PanelTitle>
      <Stack items={net} {...layout} y={PANEL_TOP} size={size} />
      <Legend x={legend.x} y={legendY} t={trIn(lang)} kinds={legend.kinds} />
    </Figure>
  );
}
