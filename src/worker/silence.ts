/**
 * The page's watch on a busy training worker's silence.
 *
 * While a run trains or evaluates, the worker reports at least once a second that it made
 * progress (a 'beat' after a step or an evaluation batch, besides its other messages). A
 * long silence therefore means the worker is stuck: a WebAssembly kernel thread that never
 * finished its share of a job, a GPU that stopped answering (its readback never resolves),
 * or a worker that died where Web Locks cannot tell. Neither a crash nor a lost device
 * reports that; only the silence does.
 *
 * How long is too long depends on the device: a ResNet step on a slow CPU takes seconds,
 * and on a GPU a readback waits for every step queued before it. So the limit grows with
 * the longest silence this page has seen while the worker was busy: `factor` times it,
 * never under `floorMs`. Idle spells (before a run, while paused) do not count.
 */

/** The shortest silence the page calls a stall. */
export const SILENCE_FLOOR_MS = 120_000;
/** How many times the longest busy silence seen so far a silence must last to count as a stall. */
export const SILENCE_FACTOR = 5;

export class SilenceWatch {
  private last: number;
  private longest = 0;
  private busy = false;

  constructor(
    private readonly now: () => number,
    public floorMs = SILENCE_FLOOR_MS,
    readonly factor = SILENCE_FACTOR,
  ) {
    this.last = now();
  }

  /**
   * The worker said something; `busyAfter`: whether it is training or evaluating now. A
   * silence ending in a busy spell counts towards the limit; the idle spell before a
   * run does not.
   */
  heard(busyAfter: boolean): void {
    const t = this.now();
    if (this.busy) this.longest = Math.max(this.longest, t - this.last);
    this.last = t;
    this.busy = busyAfter;
  }

  /** The reader chose to wait longer: the silence counts from now. */
  snooze(): void {
    this.last = this.now();
  }

  /** The page made the worker busy (a start, a resume): the silence counts from now, what came before does not. */
  begin(): void {
    this.busy = true;
    this.last = this.now();
  }

  /** Stops watching (the worker died). */
  idle(): void {
    this.busy = false;
    this.last = this.now();
  }

  get silentMs(): number {
    return this.now() - this.last;
  }

  get limitMs(): number {
    return Math.max(this.floorMs, this.factor * this.longest);
  }

  /** Whether a busy worker has been silent longer than the limit. */
  get stalled(): boolean {
    return this.busy && this.silentMs > this.limitMs;
  }
}
