import { runProbe } from './probe';

self.onmessage = async (e: MessageEvent<number[]>) => {
  self.postMessage(await runProbe('worker', e.data));
};
