import { useCallback } from 'react';
import '../widgets-b.css';
import { WidgetFrame } from '../common/WidgetFrame';
import { useUrlState } from '../common/useUrlState';
import { useBackend } from '../common/engine';
import { useTr } from '../common/i18n';
import { StackPart } from './StackPart';
import { LeNetPart } from './LeNetPart';
import { clampSelection, mapSizes, RF_DEFAULTS, sanitizeRF, type RFSettings } from './settings';

/** The parts a chapter can embed on their own, each in the section that teaches it. */
export const RECEPTIVE_FIELD_PARTS = ['stack', 'lenet'] as const;
export type ReceptiveFieldPart = (typeof RECEPTIVE_FIELD_PARTS)[number];

export interface ReceptiveFieldProps {
  /**
   * 'stack': the editable stack of layers; 'lenet': the trained LeNet on a test image.
   * None: both, as on the lab page. The parts share the URL key 'rf'.
   */
  part?: ReceptiveFieldPart;
}

/**
 * Widget 5: receptive fields. An editable stack of conv and pooling layers where any
 * cell shows the region it depends on in every earlier map (checked by the engine's
 * gradients), and the same on the trained LeNet over a Fashion-MNIST test image.
 */
export function ReceptiveField({ part }: ReceptiveFieldProps) {
  const t = useTr();
  const backend = useBackend();
  const [settings, setSettings] = useUrlState<RFSettings>('rf', RF_DEFAULTS, sanitizeRF);
  const update = useCallback((fn: (s: RFSettings) => RFSettings) => setSettings(fn), [setSettings]);

  // Presenter mode: step the chosen cell through its map in reading order.
  const onPresenterStep = (dir: 1 | -1) => {
    if (part === 'lenet') return false;
    const sizes = mapSizes(settings.n, settings.layers);
    const [map, row, col] = clampSelection(settings.sel, sizes);
    const n = sizes[map];
    const idx = row * n + col + dir;
    if (idx < 0 || idx >= n * n) return false;
    setSettings((s) => ({ ...s, sel: [map, Math.floor(idx / n), idx % n] }));
    return true;
  };

  // The whole widget says what computes each part, in full and in short; a single part says
  // it in the frame's own words.
  const lenetOn = backend.name === 'webgpu' ? 'WebGPU' : 'CPU';
  const [computedBy, computedByShort] =
    part !== undefined || backend.state === 'starting'
      ? [undefined, undefined]
      : backend.state === 'idle'
        ? [
            t('Layer stack: the engine on its CPU backend (tiny tensors); LeNet: WebGPU, started when the LeNet part comes into view', '层堆叠：引擎的 CPU 后端（张量很小）；LeNet：WebGPU，在 LeNet 部分进入视野时启动'),
            t('Engine: CPU · LeNet: when shown', '引擎：CPU · LeNet：显示时启动'),
          ]
        : [
            t(`Layer stack: the engine on its CPU backend (tiny tensors); LeNet: the engine on ${lenetOn === 'CPU' ? 'the CPU' : lenetOn}`, `层堆叠：引擎的 CPU 后端（张量很小）；LeNet：引擎在 ${lenetOn} 上`),
            t(`Engine: CPU · LeNet: ${lenetOn}`, `引擎：CPU · LeNet：${lenetOn}`),
          ];

  return (
    <WidgetFrame
      id="receptive-field"
      part={part}
      title={part === 'lenet' ? t('Receptive fields in a trained LeNet', '训练好的 LeNet 中的感受野') : t('Receptive fields', '感受野')}
      onPresenterStep={onPresenterStep}
      computedOn={part === 'stack' ? 'cpu' : undefined}
      computedBy={computedBy}
      computedByShort={computedByShort}
    >
      {part === undefined ? <h4 className="b-subtitle">{t('A stack of layers you can edit', '可编辑的层堆叠')}</h4> : null}
      {part !== 'lenet' ? <StackPart settings={settings} update={update} /> : null}
      {part === undefined ? <h4 className="b-subtitle">{t('On a trained LeNet', '在训练好的 LeNet 上')}</h4> : null}
      {part !== 'stack' ? <LeNetPart settings={settings} update={update} /> : null}
    </WidgetFrame>
  );
}
