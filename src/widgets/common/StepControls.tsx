import { useCallback, useEffect, useRef, useState } from 'react';
import { Slider } from './Slider';
import { colon, useTr } from './i18n';

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
  const t = useTr();
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

  // A step button that takes the window to its end disables itself, and a disabled button
  // drops the keyboard's focus to the page: the focus goes to the position slider instead,
  // which says where the window now is.
  const group = useRef<HTMLDivElement>(null);
  const refocus = useRef(false);
  const stepTo = (next: number) => {
    refocus.current = (next === 0 || next === last) && (group.current?.contains(document.activeElement) ?? false);
    onPos(next);
  };
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    group.current?.querySelector<HTMLInputElement>('input[type="range"]')?.focus();
  }, [pos]);

  const atEnd = pos >= last;
  return (
    <div className="step-controls" role="group" aria-label={label} ref={group}>
      <div className="step-buttons">
        <button type="button" onClick={() => stepTo(0)} disabled={pos === 0} aria-label={t('First position', '第一个位置')}>
          |◀
        </button>
        <button type="button" onClick={() => stepTo(Math.max(0, pos - 1))} disabled={pos === 0} aria-label={t('Step back', '后退一步')}>
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
          {playing ? t('❚❚ Pause', '❚❚ 暂停') : t('▶ Play', '▶ 播放')}
        </button>
        <button type="button" onClick={() => stepTo(Math.min(last, pos + 1))} disabled={atEnd} aria-label={t('Step forward', '前进一步')}>
          ▶
        </button>
        <button type="button" onClick={() => stepTo(last)} disabled={atEnd} aria-label={t('Last position', '最后一个位置')}>
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
        format={(v) => `${v + 1} / ${count}${colon(t)}${describe(v)}`}
        disabled={count <= 1}
      />
    </div>
  );
}

export interface SlidingWindow {
  /** The position shown, clamped to the output cells there are. */
  pos: number;
  setPos: (pos: number) => void;
  playing: boolean;
  setPlaying: (playing: boolean) => void;
  /** Presenter mode's arrow keys: one window step, or false at either end. */
  onPresenterStep: (direction: 1 | -1) => boolean;
  /** Shows the window of an output cell the reader picked (and stops playing). */
  pick: (pos: number) => void;
}

/**
 * The window sliding over `count` output cells. Its position lives in the widget unless
 * `stored` keeps it elsewhere (e.g. in the URL settings).
 */
export function useSlidingWindow(count: number, stored?: { pos: number; setPos: (pos: number) => void }): SlidingWindow {
  const [local, setLocal] = useState(0);
  const [playing, setPlaying] = useState(false);
  const setPos = stored ? stored.setPos : setLocal;
  const pos = Math.min(stored ? stored.pos : local, Math.max(0, count - 1));
  const onPresenterStep = useCallback(
    (dir: 1 | -1) => {
      const next = pos + dir;
      if (next < 0 || next >= count) return false;
      setPlaying(false);
      setPos(next);
      return true;
    },
    [pos, count, setPos],
  );
  const pick = useCallback(
    (p: number) => {
      setPlaying(false);
      setPos(p);
    },
    [setPos],
  );
  return { pos, setPos, playing, setPlaying, onPresenterStep, pick };
}

/**
 * The step controls of a sliding window, describing each position by its output cell
 * (`outW` cells a row) in the chapters' notation, Y[i, j] counted from 0 as in the code.
 */
export function WindowSteps({ win, count, outW }: { win: SlidingWindow; count: number; outW: number }) {
  const t = useTr();
  const describe = (p: number) => (outW ? t(`output Y[${Math.floor(p / outW)}, ${p % outW}]`, `输出 Y[${Math.floor(p / outW)}, ${p % outW}]`) : '');
  return <StepControls pos={win.pos} count={count} onPos={win.setPos} playing={win.playing} onPlaying={win.setPlaying} label={t('Window position', '窗口位置')} describe={describe} />;
}
