// The GPU check page: runs the probe shader in the page and in a dedicated module worker.
import { runProbe, type ProbeResult } from './probe';

const values = Array.from({ length: 1000 }, (_, i) => i - 500);

function inWorker(): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./probe.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ProbeResult>) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.onerror = (e) => resolve({ ok: false, context: 'worker', error: e.message || 'worker failed to start' });
    worker.postMessage(values);
  });
}

function describe(r: ProbeResult): string {
  if (!r.ok) return `${r.context}: WebGPU unavailable (${r.error})`;
  const correct = r.output!.every((v, i) => v === 2 * values[i] + 1);
  const a = r.adapter!;
  return `${r.context}: ${correct ? 'correct' : 'WRONG'} results on ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || 'an unnamed adapter'}`;
}

async function main() {
  const out = document.getElementById('results')!;
  const results = [await runProbe('page', values), await inWorker()];
  out.textContent = '';
  for (const r of results) {
    const li = document.createElement('li');
    li.textContent = describe(r);
    out.append(li);
  }
  const json = document.getElementById('json')!;
  json.textContent = JSON.stringify(results);
  document.body.dataset.done = 'true';
}

main();
