import { useRef } from 'react';
import { useTr } from './i18n';
import { useFocusHandoff } from './useFocusHandoff';

/**
 * Start, Stop and Default settings of a widget that trains in its own worker (the
 * degradation experiment, the batch-norm comparison). The focus follows the run: Start
 * hands it to Stop once the run begins, Stop back to Start when it ends, and Default
 * settings to Start once the settings are the defaults (useFocusHandoff).
 */
export function RunButtons({ canStart, running, isDefault, onStart, onStop, onDefaults }: {
  canStart: boolean;
  running: boolean;
  isDefault: boolean;
  onStart: () => void;
  onStop: () => void;
  onDefaults: () => void;
}) {
  const t = useTr();
  const group = useRef<HTMLDivElement>(null);
  useFocusHandoff(group);
  return (
    <div className="step-buttons" ref={group}>
      <button type="button" className="play" data-focus-name="start" data-focus-next="stop" disabled={!canStart} onClick={onStart}>
        {t('▶ Start', '▶ 开始')}
      </button>
      <button type="button" data-focus-name="stop" data-focus-next="start" disabled={!running} onClick={onStop}>
        {t('■ Stop', '■ 停止')}
      </button>
      <button type="button" data-focus-next="start" disabled={running || isDefault} onClick={onDefaults}>
        {t('Default settings', '默认设置')}
      </button>
    </div>
  );
}
