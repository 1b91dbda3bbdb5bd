import { Bracket, Figure, Legend, Stack, Text, stackHeight, type StackItem } from './svg';
import type { DiagramProps } from './types';
import { trIn } from '../common/i18n';

const block: StackItem[] = [
  { label: 'Input', sub: 'c_in × h × w', kind: 'io' },
  { label: 'Conv k×k, c_out, stride s, pad p', sub: 'ReLU', kind: 'conv' },
  { label: 'Conv 1×1, c_out', sub: 'ReLU', kind: 'conv' },
  { label: 'Conv 1×1, c_out', sub: 'ReLU', kind: 'conv' },
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

const LX = 44;
const LW = 228;
const LH = 38;
const LGAP = 20;
const RX = 330;
const RW = 214;
const TOP = 40;
const RH = 26;
const RGAP = 11;

export function NinBlockDiagram({ lang }: DiagramProps) {
  const t = trIn(lang);
  const rightBottom = TOP + stackHeight(net.length, RH, RGAP);
  const legendY = rightBottom + 26;
  const row = (i: number) => TOP + i * (LH + LGAP);
  return (
    <Figure name="nin-block" lang={lang} height={legendY + 18}>
      <Text x={LX + LW / 2} y={18} anchor="middle" size={15} bold>
        {t('NiN block', 'NiN 块')}
      </Text>
      <Stack items={block} x={LX} y={TOP} w={LW} boxH={LH} gap={LGAP} size={12.5} />
      <Bracket x={LX - 14} y1={row(2)} y2={row(3) + LH} label={t('per-pixel MLP', '逐像素 MLP')} />
      <Text x={LX + LW / 2} y={row(4) + LH + 26} anchor="middle" size={11.5} muted>
        {t('1×1 convs keep height and width', '1×1 卷积：不改变高和宽')}
      </Text>

      <Text x={RX + RW / 2} y={18} anchor="middle" size={15} bold>
        NiN
      </Text>
      <Stack items={net} x={RX} y={TOP} w={RW} boxH={RH} gap={RGAP} size={12} />
      <Legend x={LX - 20} y={legendY} t={t} kinds={[['conv', t('conv / NiN block', '卷积 / NiN 块')], 'pool', 'op']} />
    </Figure>
  );
}
