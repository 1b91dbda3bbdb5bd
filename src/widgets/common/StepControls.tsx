import { useEffect, useRef } from 'react';
import { Slider } from './Slider';
import { useSettings } from '../../stores/settings';

interface Props {
  /** Current position, 0 .. count - 1. */
  pos: number;
  count: number;
  onPos: (pos: number) => void;
  playing: boolean;
  onPlaying: (playing: boolean) => void;
  /** Spoken name of the scrubber, e.g. "Window position". */
  label: string;
  /** Text for a position, e.g. "row 2, column 3". */
  describe: (pos: number) => string;
  /** Milliseconds per step while playing. */
  interval?: number;
}

/**
 * Play / pause / step / scrub for a window sliding over positions 0 .. count-1.
 * Playing stops at the last position. Nothing plays until the reader presses Play.
 */
export function StepControls({ pos, count, onPos, playing, onPlaying, label, describe, interval = 700 }: Props) {
  const lang = useSettings((s) => s.lang);
  const zh = lang === 'zh';
  const posRef = useRef(pos);
  posRef.current = pos;
  const last = Math.max(0, count - 1);

  useEffect(() => {
    if (!playing) return;
    const timer = window.setInterval(() => {
      const next = posRef.current + 1;
      if (next > last) {
        onPlaying(false);
        return;
      }
      onPos(next);
    }, interval);
    return () => window.clearInterval(timer);
  }, [playing, last, interval, onPos, onPlaying]);

  const atEnd = pos >= last;
  return (
    <div className="step-controls" role="group" aria-label={label}>
      <div className="step-buttons">
        <button type="button" onClick={() => onPos(0)} disabled={pos === 0} aria-label={zh ? '第一个位置' : 'First position'}>
          |◀
        </button>
        <button type="button" onClick={() => onPos(Math.max(0, pos - 1))} disabled={pos === 0} aria-label={zh ? '后退一步' : 'Step back'}>
          ◀
        </button>
        <button
          type="button"
          className="play"
          aria-pressed={playing}
          onClick={() => {
            if (playing) onPlaying(false);
            else {
              if (atEnd) onPos(0);
              onPlaying(true);
            }
          }}
          disabled={count <= 1}
        >
          {playing ? (zh ? '❚❚ 暂停' : '❚❚ Pause') : zh ? '▶ 播放' : '▶ Play'}
        </button>
        <button type="button" onClick={() => onPos(Math.min(last, pos + 1))} disabled={atEnd} aria-label={zh ? '前进一步' : 'Step forward'}>
          ▶
        </button>
        <button type="button" onClick={() => onPos(last)} disabled={atEnd} aria-label={zh ? '最后一个位置' : 'Last position'}>
          ▶|
        </button>
      </div>
      <Slider
        label={label}
        value={Math.min(pos, last)}
        min={0}
        max={last}
        onChange={(v) => {
          onPlaying(false);
          onPos(v);
        }}
        format={(v) => `${v + 1} / ${count}: ${describe(v)}`}
        disabled={count <= 1}
      />
    </div>
  );
}
