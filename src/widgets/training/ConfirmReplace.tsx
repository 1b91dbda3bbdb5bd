import { useEffect, useId, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { useSettings, type Lang } from '../../stores/settings';
import { useTraining } from '../../stores/training';
import { zoo, type ModelId } from '../../models/index';
import type { TrainedSoFar } from '../../worker/protocol';
import { MAX_WEIGHTS_FILE_BYTES } from '../../models/safetensors';
import { downloadBytes, readFileBytes } from './files';
import { translate, useTr } from './strings';
import { bilingualOf, type Bilingual } from '../../models/bilingual';
import { sayError, trIn } from '../common/i18n';
import './training.css';

/** A weights file the worker did not import yet, because it would replace weights trained this far. */
export interface PendingImport {
  model: ModelId;
  file: string;
  bytes: Uint8Array;
  trained: TrainedSoFar;
}

/** How far weights were trained, in words: "3 epochs", "2 epochs and 40 steps", "40 steps". */
export function trainedWords(lang: Lang, trained: Pick<TrainedSoFar, 'epoch' | 'stepInEpoch'>): string {
  const steps = translate(lang, trained.stepInEpoch === 1 ? 'workStep' : 'workSteps', { n: trained.stepInEpoch });
  if (trained.epoch === 0) return steps;
  const epochs = translate(lang, trained.epoch === 1 ? 'workEpoch' : 'workEpochs', { n: trained.epoch });
  return trained.stepInEpoch ? translate(lang, 'workBoth', { epochs, steps }) : epochs;
}

/**
 * Asks before an import replaces weights that training got somewhere with: it names the
 * model, how far it was trained and what is lost, and offers to export those weights first.
 * It sits in the page beside the import, not in a browser dialog. The focus moves to the
 * safe choice (keep), Escape keeps too, and `onDone` says what the reader chose.
 */
export function ConfirmReplace({ pending, busy, onDone }: { pending: PendingImport; busy: boolean; onDone: (replace: boolean) => void }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const keep = useRef<HTMLButtonElement>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const name = zoo[pending.model].name[lang];

  useEffect(() => {
    keep.current?.focus();
  }, [pending]);

  const exportFirst = async () => {
    setExportError(null);
    try {
      const { bytes, name: file } = await useTraining.getState().exportWeights(pending.model);
      downloadBytes(bytes, file);
    } catch (e) {
      setExportError(tr('exportFailed', { message: sayError(trIn(lang), e) }));
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    onDone(false);
  };

  return (
    <div className="train-banner warn long" role="alertdialog" aria-labelledby={`${uid}-q`} aria-describedby={`${uid}-d`} data-banner="replace" onKeyDown={onKeyDown}>
      <p id={`${uid}-q`}>
        <strong>{tr('replaceQuestion', { model: name, work: trainedWords(lang, pending.trained) })}</strong>
      </p>
      <p id={`${uid}-d`}>{tr('replaceDetail', { file: pending.file, model: name, time: new Date(pending.trained.savedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') })}</p>
      <button type="button" onClick={() => void exportFirst()}>
        {tr('export')}
      </button>
      <button type="button" onClick={() => onDone(true)} disabled={busy}>
        {tr('replaceConfirm')}
      </button>
      <button type="button" ref={keep} onClick={() => onDone(false)}>
        {tr('replaceKeep')}
      </button>
      {exportError ? (
        <p className="bad" role="alert">
          {exportError}
        </p>
      ) : null}
    </div>
  );
}

/** What an import came to: weights loaded at `inputSize`, or why not; null when a new file is picked. */
export type ImportReport = { ok: true; file: string; inputSize: number } | { ok: false; file: string; why: Bilingual } | null;

/**
 * A weights file the reader picks for `model`, imported through the training worker: read
 * (a file over the cap is refused before a byte is read; the worker checks the same cap),
 * imported at the input size it records, else at `inputSize()` (undefined: none to offer),
 * and, when it would replace trained weights, held as `pending` until the reader answers
 * (`answer`, the focus back on the file input). `report` hears each outcome; `after` runs
 * once weights are in, before the report. `importing` is true while the worker imports.
 */
export function useWeightsImport(model: ModelId, opts: { inputSize: () => number | undefined; report: (r: ImportReport) => void; after?: () => Promise<void> }) {
  const [pending, setPending] = useState<PendingImport | null>(null);
  const [importing, setImporting] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const importBytes = async (file: string, bytes: Uint8Array, replace: boolean) => {
    setImporting(true);
    try {
      const outcome = await useTraining.getState().importWeights(model, bytes, { inputSize: opts.inputSize(), replace });
      if (!outcome.imported) {
        setPending({ model, file, bytes, trained: outcome.trained });
        return;
      }
      await opts.after?.();
      opts.report({ ok: true, file, inputSize: outcome.inputSize });
    } catch (err) {
      opts.report({ ok: false, file, why: bilingualOf(err) });
    } finally {
      setImporting(false);
    }
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    opts.report(null);
    setPending(null);
    let bytes: Uint8Array;
    try {
      bytes = await readFileBytes(file, MAX_WEIGHTS_FILE_BYTES);
    } catch (err) {
      opts.report({ ok: false, file: file.name, why: bilingualOf(err) });
      return;
    }
    await importBytes(file.name, bytes, false);
  };

  const answer = (replace: boolean) => {
    const p = pending;
    setPending(null);
    fileRef.current?.focus();
    if (p && replace) void importBytes(p.file, p.bytes, true);
  };

  return { pending: pending?.model === model ? pending : null, importing, fileRef, onFile, answer, drop: () => setPending(null) };
}
