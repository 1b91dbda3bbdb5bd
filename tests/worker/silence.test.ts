import { describe, expect, it } from 'vitest';
import { SilenceWatch, SILENCE_FACTOR, SILENCE_FLOOR_MS } from '../../src/worker/silence';

/** A watch on a clock the test moves by hand. */
function watch() {
  let t = 0;
  const w = new SilenceWatch(() => t);
  return { w, wait: (ms: number) => void (t += ms) };
}

describe('the silence watch on a busy training worker', () => {
  it('calls a busy worker stuck only once it has been silent longer than the floor', () => {
    const { w, wait } = watch();
    w.begin();
    wait(SILENCE_FLOOR_MS);
    expect(w.stalled).toBe(false);
    wait(1);
    expect(w.stalled).toBe(true);
    expect(w.silentMs).toBe(SILENCE_FLOOR_MS + 1);
    // It speaks: not stuck any more.
    w.heard(true);
    expect(w.stalled).toBe(false);
  });

  it('never calls an idle worker stuck, and an idle spell does not raise the limit', () => {
    const { w, wait } = watch();
    w.heard(false);
    wait(10 * SILENCE_FLOOR_MS);
    expect(w.stalled).toBe(false);
    // The message that starts a run ends the idle spell; the spell is not a silence of the run.
    w.heard(true);
    expect(w.limitMs).toBe(SILENCE_FLOOR_MS);
    // Paused (a 'state' message), then silent for long: still not stuck.
    w.heard(false);
    wait(10 * SILENCE_FLOOR_MS);
    expect(w.stalled).toBe(false);
  });

  it('lets the limit grow with the longest silence of a busy worker (a slow device)', () => {
    const { w, wait } = watch();
    w.begin();
    wait(40_000); // one slow step
    w.heard(true);
    wait(1000);
    w.heard(true);
    expect(w.limitMs).toBe(SILENCE_FACTOR * 40_000);
    wait(SILENCE_FACTOR * 40_000);
    expect(w.stalled).toBe(false);
    wait(1);
    expect(w.stalled).toBe(true);
  });

  it('counts from now after the reader chose to keep waiting, and stops when the worker died', () => {
    const { w, wait } = watch();
    w.begin();
    wait(SILENCE_FLOOR_MS + 5);
    expect(w.stalled).toBe(true);
    w.snooze();
    expect(w.stalled).toBe(false);
    wait(SILENCE_FLOOR_MS + 1);
    expect(w.stalled).toBe(true);
    w.idle();
    wait(10 * SILENCE_FLOOR_MS);
    expect(w.stalled).toBe(false);
    // A new run starts afresh from its own beginning.
    w.begin();
    expect(w.silentMs).toBe(0);
  });
});
