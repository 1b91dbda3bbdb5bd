import { Bracket, Stack, Text, stackRowY, type StackItem, type StackLayout } from './svg';
import { BlockAndNet, PANEL_TOP, type NetPanel } from './block-and-net';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

/** The block's two 1×1 convolutions are alike. */
const conv1x1: StackItem = { label: 'Conv 1×1, c_out', sub: 'ReLU', kind: 'conv' };
const block: StackItem[] = [
  { label: 'Input', sub: 'c_in × h × w', kind: 'io' },
  { label: 'Conv k×k, c_out, stride s, pad p', sub: 'ReLU', kind: 'conv' },
  conv1x1,
  conv1x1,
  { label: 'Output', sub: "c_out × h' × w'", kind: 'io' },
];

const net: StackItem[] = [
  { label: 'Input', kind: 'io', shape: '1×224×224' },
  { label: 'NiN block 11×11, 96, stride 4', kind: 'conv', shape: '96×54×54' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '96×26×26' },
  { label: 'NiN block 5×5, 256, pad 2', kind: 'conv', shape: '256×26×26' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '256×12×12' },
  { label: 'NiN block 3×3, 384, pad 1', kind: 'conv', shape: '384×12×12' },
  { label: 'MaxPool 3×3, stride 2', kind: 'pool', shape: '384×5×5' },
  { label: 'Dropout 0.5', kind: 'op', shape: '384×5×5' },
  { label: 'NiN block 3×3, 10, pad 1', kind: 'conv', shape: '10×5×5' },
  { label: 'Global average pool', kind: 'pool', shape: '10×1×1', highlight: true },
  { label: 'Flatten', kind: 'op', shape: '10' },
];

/** The right panel: the whole of NiN. */
const NIN: NetPanel = { title: 'NiN', net, layout: { x: 330, w: 214, boxH: 26, gap: 11 }, size: 12 };

const left: StackLayout = { x: 44, y: PANEL_TOP, w: 228, boxH: 38, gap: 20 };
const rowEnd = (i: number) => stackRowY(left, i) + left.boxH;

export function NinBlockDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  return (
    <BlockAndNet name="nin-block" lang={lang} block={{ title: t('NiN block', 'NiN 块'), center: left.x + left.w / 2 }} panel={NIN} legend={{ x: left.x - 20, kinds: [['conv', t('conv / NiN block', '卷积 / NiN 块')], 'pool', 'op'] }}>
      <Stack items={block} {...left} size={12.5} />
      <Bracket x={left.x - 14} y1={stackRowY(left, 2)} y2={rowEnd(3)} label={t('per-pixel MLP', '逐像素 MLP')} />
      <Text x={left.x + left.w / 2} y={rowEnd(4) + 26} anchor="middle" size={11.5} muted>
        {t('1×1 convs keep height and width', '1×1 卷积：不改变高和宽')}
      </Text>
    </BlockAndNet>
  );
}
