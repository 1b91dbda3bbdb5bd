/**
 * What a training run counts as it goes: the summed loss and correct count of the steps
 * since the last read, kept on the device (`tally`, which trainStep adds to), the images
 * and seconds of that window, and the same sums over the epoch. Reading the tally is the
 * only time the loop waits for the device, so it reads every few steps, not every step.
 */
import { keep, zeros, type Tensor } from '../engine';

/** A window's mean loss and accuracy. */
export interface WindowRead {
  loss: number;
  acc: number;
}

/** An epoch's mean loss and accuracy over its reads, and its training speed (absent when no time was measured). */
export interface EpochTotals {
  trainLoss: number;
  trainAcc: number;
  imagesPerSec?: number;
}

export class RunMeter {
  /** [summed loss, correct count] since the last read, on the device. */
  tally: Tensor = RunMeter.zero();
  /** Images per second over the last window read (0 before the first). */
  imagesPerSec = 0;
  private windowImages = 0;
  private windowStart: number;
  private epochLoss = 0;
  private epochCorrect = 0;
  private epochImages = 0;
  private epochSeconds = 0;

  constructor(private readonly now: () => number) {
    this.windowStart = now();
  }

  private static zero(): Tensor {
    return keep(zeros([2]));
  }

  /** A step of `images` images was added to the tally. */
  counted(images: number): void {
    this.windowImages += images;
  }

  /** The window starts again now (after a pause, an evaluation or a checkpoint: not training time). */
  restartWindow(): void {
    this.windowStart = this.now();
  }

  /** Reads the tally back and starts a new window; null when no step ran since the last read. */
  async read(): Promise<WindowRead | null> {
    const n = this.windowImages;
    if (n === 0) return null;
    const [loss, correct] = await this.tally.data();
    this.tally.dispose();
    this.tally = RunMeter.zero();
    const elapsed = Math.max(1e-3, (this.now() - this.windowStart) / 1000);
    this.imagesPerSec = n / elapsed;
    this.epochSeconds += elapsed;
    this.epochLoss += loss;
    this.epochCorrect += correct;
    this.epochImages += n;
    this.windowImages = 0;
    this.windowStart = this.now();
    return { loss: loss / n, acc: correct / n };
  }

  /** The epoch's totals over the windows read so far; the epoch's sums start again. */
  endEpoch(): EpochTotals {
    const n = this.epochImages;
    const totals: EpochTotals = {
      trainLoss: n ? this.epochLoss / n : NaN,
      trainAcc: n ? this.epochCorrect / n : NaN,
      ...(this.epochSeconds > 0 ? { imagesPerSec: n / this.epochSeconds } : {}),
    };
    this.epochLoss = this.epochCorrect = this.epochImages = this.epochSeconds = 0;
    return totals;
  }

  dispose(): void {
    this.tally.dispose();
  }
}
