import { FileButton } from '../common/FileButton';
import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent, type PointerEvent } from 'react';
import { useSettings } from '../../stores/settings';
import { useTraining } from '../../stores/training';
import { isModelId, zoo } from '../../models/index';
import { ProbabilityView } from './Charts';
import { GrayImage } from './GrayImage';
import { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, checkImageBytes, checkImageSize, type ImageCheck } from './imageFile';
import { useTr, type StringKey } from './strings';
import { FASHION_CLASSES } from '../common/fashion-classes';
import { sayError, trIn } from '../common/i18n';
import './training.css';

const SIDE = 224;
const MAX_MB = MAX_IMAGE_BYTES / 1024 / 1024;
const FORMAT_NAMES = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', webp: 'WebP' } as const;

/** What the reader is told about the last file they picked. */
interface FileNote {
  ok: boolean;
  name: string;
  text: string;
}

/**
 * Reduces a canvas to the 28x28 grayscale input the model sees, in [0, 1]: the content
 * is fitted into a 20x20 box centred in 28x28 (as Fashion-MNIST's items nearly fill the
 * frame); `invert` turns a dark-on-light picture into light-on-dark like the dataset.
 */
export function toModelInput(source: CanvasImageSource, w: number, h: number, invert: boolean): Float32Array {
  const cv = document.createElement('canvas');
  cv.width = cv.height = 28;
  const ctx = cv.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = invert ? '#fff' : '#000';
  ctx.fillRect(0, 0, 28, 28);
  const scale = 26 / Math.max(w, h);
  const dw = w * scale;
  const dh = h * scale;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
  const px = ctx.getImageData(0, 0, 28, 28).data;
  const out = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    const g = (0.299 * px[4 * i] + 0.587 * px[4 * i + 1] + 0.114 * px[4 * i + 2]) / 255;
    out[i] = invert ? 1 - g : g;
  }
  return out;
}

/** Draw on a canvas or open an image; see the 28x28 input and the trained model's class probabilities. */
export function TryYourImage({ model: id = 'lenet' }: { model?: string }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const uid = useId();
  const model = isModelId(id) ? id : 'lenet';
  const predict = useTraining((s) => s.predict);
  const weightsVersion = useTraining((s) => s.weightsVersion);
  const runState = useTraining((s) => (s.model === model ? s.state : 'idle'));
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [input, setInput] = useState<Float32Array | null>(null);
  const [probs, setProbs] = useState<Float32Array | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [invert, setInvert] = useState(false);
  const [source, setSource] = useState<{ img: CanvasImageSource; w: number; h: number; name: string; fileW: number; fileH: number } | null>(null);
  const [fileNote, setFileNote] = useState<FileNote | null>(null);
  // A stroke has begun on the empty area (its input arrives when the stroke ends).
  const [inked, setInked] = useState(false);
  // Only the latest pick may change the picture (an earlier, slower one is dropped).
  const pick = useRef(0);

  const clear = useCallback(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIDE, SIDE);
    setSource(null);
    setInput(null);
    setProbs(null);
    setFileNote(null);
    setInked(false);
  }, []);

  useEffect(() => clear(), [clear]);

  // Recompute the model's view whenever the picture or the inversion changes.
  const refresh = useCallback(() => {
    const src = source ?? (canvas.current ? { img: canvas.current, w: SIDE, h: SIDE } : null);
    if (!src) return;
    setInput(toModelInput(src.img, src.w, src.h, source ? invert : false));
  }, [source, invert]);

  useEffect(() => {
    if (source) refresh();
  }, [source, invert, refresh]);

  useEffect(() => {
    if (!input) return;
    let live = true;
    predict(model, input, 1).then(
      (p) => {
        if (!live) return;
        setProbs(p);
        setMessage(null);
      },
      (e: unknown) => {
        if (!live) return;
        setProbs(null);
        // With weights of its own, the model failed for another reason (another model is
        // training, say): that reason, not a request to train it.
        const trained = !!useTraining.getState().checkpoints[model];
        setMessage(trained ? sayError(trIn(lang), e) : tr('needModel', { model: zoo[model].name[lang] }));
      },
    );
    return () => {
      live = false;
    };
    // weightsVersion and runState: predictions follow new weights (import, end of training).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [input, model, predict, weightsVersion, runState, lang]);

  const pos = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIDE, y: ((e.clientY - r.top) / r.height) * SIDE };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 18;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic pointers cannot always be captured; drawing works without it.
    }
    if (source) {
      clear();
    }
    const p = pos(e);
    drawing.current = p;
    setInked(true);
    stroke(p, p);
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const p = pos(e);
    stroke(drawing.current, p);
    drawing.current = p;
  };
  const onUp = () => {
    if (!drawing.current) return;
    drawing.current = null;
    if (canvas.current) setInput(toModelInput(canvas.current, SIDE, SIDE, false));
  };

  // Refuses a file with a reason and leaves the picture, the model's input and the prediction as they were.
  const refuse = (name: string, check: ImageCheck | { ok: false; reason: 'undecodable' }, size: number) => {
    const vars = { name, mb: MAX_MB, side: MAX_IMAGE_SIDE, size: (size / 1024 / 1024).toFixed(1), format: 'format' in check && check.format ? FORMAT_NAMES[check.format] : '', w: 'width' in check ? (check.width ?? 0) : 0, h: 'height' in check ? (check.height ?? 0) : 0 };
    const key: Record<string, StringKey> = { empty: 'imageEmpty', tooLarge: 'imageTooLarge', notImage: 'imageNotImage', damaged: 'imageDamaged', tooManyPixels: 'imageTooManyPixels', undecodable: 'imageUndecodable' };
    const reason = check.ok ? 'undecodable' : check.reason;
    setFileNote({ ok: false, name, text: `${tr(key[reason], vars)}${lang === 'zh' ? '' : ' '}${source || input ? tr('imageKept') : ''}`.trim() });
  };

  const openFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const mine = ++pick.current;
    // The size first (nothing is read from a file over the cap), then the bytes: format,
    // pixel size and structure from the header and chunks, before anything is decoded.
    const early = checkImageSize(file.size);
    if (early) return refuse(file.name, early, file.size);
    let check: ImageCheck;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      check = checkImageBytes(bytes);
    } catch {
      check = { ok: false, reason: 'damaged' };
      bytes = new Uint8Array(0);
    }
    if (mine !== pick.current) return;
    if (!check.ok) return refuse(file.name, check, file.size);
    let bmp: ImageBitmap;
    try {
      // Decode straight to at most the drawing area's size: a big photo never lives at full size.
      const s = Math.min(1, SIDE / Math.max(check.width, check.height));
      bmp = await createImageBitmap(new Blob([bytes], { type: `image/${check.format}` }), {
        resizeWidth: Math.max(1, Math.round(check.width * s)),
        resizeHeight: Math.max(1, Math.round(check.height * s)),
        resizeQuality: 'high',
      });
    } catch {
      if (mine === pick.current) refuse(file.name, { ok: false, reason: 'undecodable' }, file.size);
      return;
    }
    if (mine !== pick.current) {
      bmp.close();
      return;
    }
    setFileNote({ ok: true, name: file.name, text: tr('imageOpened', { name: file.name, w: check.width, h: check.height }) });
    // Show the picture on the drawing canvas, fitted.
    const ctx = canvas.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, SIDE, SIDE);
      const s = SIDE / Math.max(bmp.width, bmp.height);
      ctx.drawImage(bmp, (SIDE - bmp.width * s) / 2, (SIDE - bmp.height * s) / 2, bmp.width * s, bmp.height * s);
    }
    // A light background (a photo of a shirt on a table) is inverted to match the dataset.
    const probe = toModelInput(bmp, bmp.width, bmp.height, false);
    const border = [...probe.subarray(0, 28), ...probe.subarray(756)];
    setInvert(border.reduce((a, b) => a + b, 0) / border.length > 0.5);
    setSource({ img: bmp, w: bmp.width, h: bmp.height, name: file.name, fileW: check.width, fileH: check.height });
  };

  const ink = input ? Math.round((100 * input.reduce((n, v) => n + (v > 0.2 ? 1 : 0), 0)) / input.length) : 0;
  const canvasText = source
    ? tr('canvasFile', { name: source.name, w: source.fileW, h: source.fileH, side: SIDE })
    : input
      ? tr('canvasDrawing', { side: SIDE, pct: ink })
      : tr('canvasEmpty', { side: SIDE });

  const labels = FASHION_CLASSES[lang];
  return (
    <section className="try-image" data-widget="try-your-image" aria-labelledby={`${uid}-t`}>
      <h4 id={`${uid}-t`}>{tr('tryTitle')}</h4>
      <div className="try-grid">
        <div className="try-draw">
          <div className="try-pad">
            <canvas
              ref={canvas}
              width={SIDE}
              height={SIDE}
              className="try-canvas"
              role="img"
              aria-label={tr('drawHere')}
              aria-describedby={`${uid}-cv`}
              onPointerDown={onDown}
              onPointerMove={onMove}
              onPointerUp={onUp}
              onPointerCancel={onUp}
            />
            {/* What the empty area is for, on it (the canvas's own label says it to screen readers). */}
            {!inked && !input && !source ? (
              <span className="try-prompt" aria-hidden="true">
                {tr('drawPrompt')}
              </span>
            ) : null}
          </div>
          <p id={`${uid}-cv`} className="visually-hidden">
            {canvasText}
          </p>
          <div className="try-actions">
            <button type="button" onClick={clear}>
              {tr('clear')}
            </button>
            <FileButton label={tr('openImage')} accept="image/png,image/jpeg,image/webp,image/gif" onChange={openFile} describedBy={`${uid}-limits`} />
            <span id={`${uid}-limits`} className="try-file-hint">
              {tr('imageLimits', { mb: MAX_MB, side: MAX_IMAGE_SIDE })}
            </span>
            {source ? (
              <label>
                <input type="checkbox" checked={invert} onChange={(e) => setInvert(e.target.checked)} /> {tr('invert')}
              </label>
            ) : null}
          </div>
          {fileNote ? (
            fileNote.ok ? (
              <p className="try-file-note" role="status" data-note="ok" data-file={fileNote.name}>
                {fileNote.text}
              </p>
            ) : (
              <p className="try-file-note" role="alert" data-note="error" data-file={fileNote.name}>
                {fileNote.text}
              </p>
            )
          ) : null}
        </div>
        <figure className="try-input">
          {input ? <GrayImage pixels={input} max={1} scale={4} label={tr('modelSees')} /> : <div className="try-empty" aria-hidden="true" />}
          <figcaption>{tr('modelSees')}</figcaption>
        </figure>
        <div className="try-probs" aria-live="polite" data-probs={probs ? JSON.stringify(Array.from(probs)) : undefined}>
          {probs ? <ProbabilityView probs={probs} options={{ title: tr('probabilities'), labels }} /> : null}
          {message ? (
            <p role="status" data-note="try">
              {message}
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
