import { useId } from 'react';
import { COMPUTE_ON, useSettings, type ComputeOn as Choice } from '../../stores/settings';
import { useTraining } from '../../stores/training';
import { backendLine, CHOICE_REASONS } from '../common/backend-choice';
import { colon, useTr } from '../common/i18n';

/**
 * The training view's "Compute on" menu: Automatic (the engine's chooseBackend decides),
 * WebGPU, or WebAssembly on the CPU. The choice is remembered (the settings store) and
 * moves the training worker at once, keeping the model's weights and a run's progress;
 * a backend this browser cannot use is disabled and says why. Below it, a status line
 * says what trains now and why (the same words as the header's badge).
 */
export function ComputeOn() {
  const t = useTr();
  const uid = useId();
  const stored = useSettings((s) => s.computeOn);
  const choice: Choice = COMPUTE_ON.includes(stored) ? stored : 'auto';
  const backend = useTraining((s) => s.backend);
  const switching = useTraining((s) => s.switching);
  const choose = useTraining((s) => s.computeOn);
  const unavailable = backend?.unavailable ?? {};

  const options: { value: Choice; label: string; off?: keyof typeof CHOICE_REASONS }[] = [
    { value: 'auto', label: t('Automatic', '自动') },
    { value: 'webgpu', label: 'WebGPU', off: unavailable.webgpu },
    { value: 'wasm', label: t('WebAssembly (CPU)', 'WebAssembly（CPU）'), off: unavailable.wasm },
  ];
  const line = backend ? backendLine(t, backend) : null;
  const status = switching
    ? t('Moving training to the chosen backend; the weights are kept…', '正在把训练移到所选的计算后端，权重会保留…')
    : line
      ? t(`Training computes on ${line.name}${line.why ? `: ${line.why}` : ''}.`, `训练在 ${line.name} 上计算${line.why ? `：${line.why}` : ''}。`)
      : t('Automatic picks WebGPU on a real GPU and WebAssembly otherwise.', '自动：有真正的 GPU 时用 WebGPU，否则用 WebAssembly。');

  return (
    <div className="train-compute" data-choice={choice}>
      <label>
        <span>{t('Compute on', '计算后端')}</span>
        <select value={choice} onChange={(e) => choose(e.target.value as Choice)} aria-describedby={`${uid}-why`}>
          {options.map((o) => {
            const why = o.off ? CHOICE_REASONS[o.off] : null;
            return (
              <option key={o.value} value={o.value} disabled={!!why && o.value !== choice}>
                {why ? `${o.label} — ${t('not available', '不可用')}${colon(t)}${t(why.en, why.zh)}` : o.label}
              </option>
            );
          })}
        </select>
      </label>
      <p id={`${uid}-why`} className="muted train-compute-why" role="status" data-backend={backend?.name} data-reason={backend?.reason} aria-busy={switching}>
        {status}
      </p>
    </div>
  );
}
