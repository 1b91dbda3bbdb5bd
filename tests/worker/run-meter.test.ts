/**
 * What a run counts as it goes: the window's means come from the on-device tally, the
 * images per second from the window's own time only (a pause, an evaluation or a checkpoint
 * restarts it), and the epoch's totals weigh every window by its images.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { F, setBackend, tensor, tidy } from '../../src/engine';
import { RunMeter } from '../../src/worker/run-meter';

beforeAll(async () => {
  await setBackend('cpu');
});

/** Loss of an image whose logits are [1, 0]: of the right class (0), and of the wrong one. */
const RIGHT = Math.log1p(Math.exp(-1));
const WRONG = Math.log1p(Math.exp(1));

/** A step of `images` images, `correct` of them right, tallied by the loss as trainStep does. */
function step(meter: RunMeter, correct: number, images: number): void {
  tidy(() => {
    const logits = tensor(Array.from({ length: images }, () => [1, 0]).flat(), [images, 2]);
    const labels = Array.from({ length: images }, (_, i) => (i < correct ? 0 : 1));
    F.crossEntropy(logits, labels, { tally: meter.tally });
  });
  meter.counted(images);
}
const sum = (correct: number, images: number) => correct * RIGHT + (images - correct) * WRONG;

describe('RunMeter', () => {
  it('reads the window means from the tally, times only the window, and weighs the epoch by images', async () => {
    let clock = 1000;
    const meter = new RunMeter(() => clock);
    expect(await meter.read()).toBeNull();

    step(meter, 3, 10);
    step(meter, 5, 10);
    clock += 2000;
    const first = (await meter.read())!;
    expect(first.loss).toBeCloseTo((sum(3, 10) + sum(5, 10)) / 20, 6);
    expect(first.acc).toBe(8 / 20);
    expect(meter.imagesPerSec).toBeCloseTo(10, 9);

    // A pause of a minute is not training time once the window restarts.
    clock += 60_000;
    meter.restartWindow();
    step(meter, 30, 40);
    clock += 1000;
    const second = (await meter.read())!;
    expect(second.loss).toBeCloseTo(sum(30, 40) / 40, 6);
    expect(second.acc).toBe(30 / 40);
    expect(meter.imagesPerSec).toBeCloseTo(40, 9);

    const epoch = meter.endEpoch();
    expect(epoch.trainLoss).toBeCloseTo((sum(3, 10) + sum(5, 10) + sum(30, 40)) / 60, 6);
    expect(epoch.trainAcc).toBeCloseTo(38 / 60, 12);
    expect(epoch.imagesPerSec).toBeCloseTo(60 / 3, 9);

    // The next epoch starts from nothing; without a read it has no speed and no means.
    const empty = meter.endEpoch();
    expect(empty.trainLoss).toBeNaN();
    expect(empty.imagesPerSec).toBeUndefined();
    meter.dispose();
  });
});
