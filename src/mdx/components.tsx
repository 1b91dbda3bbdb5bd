/** The one map from MDX tag names to React components. */
import { Suspense, useLayoutEffect, type ComponentProps, type ComponentType, type ReactNode } from 'react';
import { CodeTabs } from '../widgets/content/CodeTabs';
import { Callout } from '../widgets/content/Callout';
import { Exercise } from '../widgets/content/Exercise';
import { CellExercise } from '../widgets/content/CellExercise';
import { ExerciseShell, JUDGED_NOW_LINES, TRAIN, USE_WIDGET, type Kind } from '../widgets/exercises/shell';
import { DIAGRAM_BOX, summaryHeight, widgetHeightRem } from '../widgets/common/reserve';
import { useLang, useTr } from '../widgets/common/i18n';
import { renewableLazy } from './renewable-lazy';
import { RenderBoundary } from './boundary';
import { CodeRegion, ScrollRegion } from '../widgets/common/ScrollRegion';
import { Code } from '../widgets/common/Code';

/**
 * Widgets load on demand, each in its own chunk, so opening a chapter downloads only
 * the widgets it embeds. The placeholder holds the room the widget takes once mounted
 * (see widgets/common/reserve.ts), so the text below does not jump when it arrives.
 */
function lazyWidget<P extends object>(load: () => Promise<ComponentType<P>>, reserve: (props: P, lang: string) => ReactNode | string, name: string, math = false) {
  // A widget that writes formulas waits for KaTeX's text fonts with its code, so its
  // formulas are laid out once, in their own fonts.
  const Lazy = renewableLazy(async () => (await Promise.all([load(), math ? mathFonts() : null]))[0]);
  function Widget(props: P) {
    const room = reserve(props, useLang());
    return (
      <RenderBoundary what={name} fallback={(retry) => <WidgetFailed name={name} retry={retry} />}>
        <Suspense
          fallback={
            typeof room === 'string' ? (
              <div className="widget-loading" style={{ minHeight: room }} aria-busy="true" data-loading-widget={name}>
                …
              </div>
            ) : (
              room
            )
          }
        >
          <Lazy {...props} />
        </Suspense>
      </RenderBoundary>
    );
  }
  Widget.displayName = `Lazy(${name})`;
  return Widget;
}

/** What a widget that would not load, or failed while drawing, leaves in its place: the rest of the page goes on. */
function WidgetFailed({ name, retry }: { name: string; retry: () => void }) {
  const t = useTr();
  return (
    <div role="alert" className="error-box" data-failed-widget={name}>
      <p>{t('This part of the page could not be shown: it did not load, or it stopped with an error. The rest of the page works as before.', '页面的这一部分无法显示：它没有加载成功，或者出错停止了。页面的其余部分不受影响。')}</p>
      <button type="button" onClick={retry}>
        {t('Try again', '重试')}
      </button>
    </div>
  );
}

/** An exercise's placeholder: its own frame and question, waiting for the goal that judges it. */
const exercisePlaceholder = (kind: Kind, nowLines?: number) =>
  function ExercisePlaceholder(p: { id: string; children?: ReactNode }) {
    return (
      <ExerciseShell id={p.id} kind={kind} nowLines={nowLines}>
        {p.children}
      </ExerciseShell>
    );
  };

const rem = (name: string, lang: string) => `${widgetHeightRem(name, lang)}rem`;
/** The room of a composite widget, or of the one part a chapter embeds (`<Parameters part="init" />`). */
const partRem = (name: string) => (p: { part?: string }, lang: string) => rem(p.part ? `${name}:${p.part}` : name, lang);

/** Longest the text waits for its math fonts: KaTeX's own block period (font-display: block). */
const FONT_WAIT_MS = 3000;

let fontsLoading: Promise<unknown> | null = null;
/** KaTeX's upright, italic and first large-operator fonts (every chapter's math uses them), or FONT_WAIT_MS at most. */
function mathFonts(): Promise<unknown> {
  if (typeof document === 'undefined' || !document.fonts) return Promise.resolve();
  fontsLoading ??= Promise.race([
    Promise.all(['1em KaTeX_Main', 'italic 1em KaTeX_Math', '1em KaTeX_Size1'].map((f) => document.fonts.load(f))).catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, FONT_WAIT_MS)),
  ]);
  return fontsLoading;
}

/** A diagram's placeholder has the drawing's own aspect ratio and width bounds, so it is right at every width. */
function diagramPlaceholder({ name }: { name: string }): ReactNode {
  const box = DIAGRAM_BOX[name];
  if (!box) return '15rem';
  return (
    <div className="widget-loading" aria-busy="true" data-loading-widget="diagram" style={{ border: 'none', overflow: 'hidden' }}>
      <div style={{ width: '100%', minWidth: box.minWidth, maxWidth: box.maxWidth, aspectRatio: `${box.width} / ${box.height}`, margin: '0 auto', display: 'grid', placeItems: 'center', outline: '1px dashed var(--border)', outlineOffset: -1 }}>…</div>
    </div>
  );
}

/**
 * Wraps every chapter body. KaTeX's fonts load only once math is laid out, and text laid
 * out before they arrive reflows when they do, moving everything after it. So on the
 * first layout of a chapter, if fonts are still loading, the page is marked with
 * `data-fonts-loading` (the chapter stays hidden, see styles.css) until they are in, or
 * until KaTeX would have shown its fallback anyway.
 */
function MathFontsGate({ children }: { children?: ReactNode }) {
  useLayoutEffect(() => {
    const fonts = typeof document !== 'undefined' ? document.fonts : undefined;
    if (!fonts) return;
    // Reading a size lays the page out, which is what starts the fonts' downloads.
    void document.body.offsetHeight;
    if (fonts.status !== 'loading') return;
    const root = document.documentElement;
    root.setAttribute('data-fonts-loading', '');
    const done = () => root.removeAttribute('data-fonts-loading');
    const timer = window.setTimeout(done, FONT_WAIT_MS);
    void fonts.ready.then(() => {
      window.clearTimeout(timer);
      done();
    });
    return () => {
      window.clearTimeout(timer);
      done();
    };
  }, []);
  return <>{children}</>;
}

function Anchor(props: ComponentProps<'a'>) {
  const external = /^https?:/.test(props.href ?? '');
  return <a {...props} {...(external ? { rel: 'noreferrer noopener' } : {})} />;
}

/** Code blocks scroll sideways on narrow screens, so they take keyboard focus, as a region named "Code" (not by the whole program). */
function Pre(props: ComponentProps<'pre'>) {
  const t = useTr();
  return <CodeRegion label={t('Code', '代码')} {...props} />;
}

/** A fenced block's code, coloured by its language; inline code stays as it is. */
function MdxCode(props: ComponentProps<'code'>) {
  const { className, children } = props;
  if (typeof children === 'string' && /\blanguage-\w+/.test(className ?? '')) return <Code code={children} className={className} />;
  return <code {...props} />;
}

function Table(props: ComponentProps<'table'>) {
  const t = useTr();
  return (
    <ScrollRegion label={t('Table', '表格')}>
      <table {...props} />
    </ScrollRegion>
  );
}

export const mdxComponents = {
  wrapper: MathFontsGate,
  a: Anchor,
  pre: Pre,
  code: MdxCode,
  table: Table,
  CodeTabs,
  Callout,
  Exercise,
  CellExercise,
  WidgetExercise: lazyWidget(() => import('../widgets/exercises').then((m) => m.WidgetExercise), exercisePlaceholder(USE_WIDGET, JUDGED_NOW_LINES), 'widget-exercise'),
  SummaryExercise: lazyWidget(() => import('../widgets/exercises').then((m) => m.SummaryExercise), exercisePlaceholder(USE_WIDGET, JUDGED_NOW_LINES), 'summary-exercise'),
  RunExercise: lazyWidget(() => import('../widgets/exercises').then((m) => m.RunExercise), exercisePlaceholder(TRAIN), 'run-exercise'),
  BlockBuilder: lazyWidget(() => import('../widgets/block-builder').then((m) => m.BlockBuilder), (_p, lang) => rem('block-builder', lang), 'block-builder'),
  Corr2d: lazyWidget(() => import('../widgets/corr2d').then((m) => m.Corr2d), (_p, lang) => rem('corr2d', lang), 'corr2d', true),
  LearnKernel: lazyWidget(() => import('../widgets/learn-kernel').then((m) => m.LearnKernel), (_p, lang) => rem('learn-kernel', lang), 'learn-kernel', true),
  PaddingStride: lazyWidget(() => import('../widgets/padding-stride').then((m) => m.PaddingStride), (_p, lang) => rem('padding-stride', lang), 'padding-stride', true),
  Pooling: lazyWidget(
    () => import('../widgets/pooling').then((m) => m.Pooling),
    (p: { preset?: string }, lang: string) => rem(p.preset === 'two-channel' ? 'pooling-two-channel' : 'pooling', lang),
    'pooling',
    true,
  ),
  ReceptiveField: lazyWidget(() => import('../widgets/receptive-field').then((m) => m.ReceptiveField), partRem('receptive-field'), 'receptive-field'),
  MultiChannel: lazyWidget(() => import('../widgets/multichannel').then((m) => m.MultiChannel), partRem('multichannel'), 'multichannel', true),
  Parameters: lazyWidget(() => import('../widgets/parameters').then((m) => m.Parameters), partRem('parameters'), 'parameters'),
  DenseVsConv: lazyWidget(() => import('../widgets/dense-vs-conv').then((m) => m.DenseVsConv), partRem('dense-vs-conv'), 'dense-vs-conv', true),
  FashionMnist: lazyWidget(() => import('../widgets/fashion-mnist').then((m) => m.FashionMnist), (_p, lang) => rem('fashion-mnist', lang), 'fashion-mnist'),
  BatchNorm: lazyWidget(() => import('../widgets/batch-norm').then((m) => m.BatchNorm), partRem('batch-norm'), 'batch-norm'),
  Degradation: lazyWidget(() => import('../widgets/degradation').then((m) => m.Degradation), (_p, lang) => rem('degradation', lang), 'degradation'),
  BnCompare: lazyWidget(() => import('../widgets/bn-compare').then((m) => m.BnCompare), (_p, lang) => rem('bn-compare', lang), 'bn-compare'),
  TrainModel: lazyWidget(() => import('../widgets/training').then((m) => m.TrainModel), (p: { model?: string }, lang: string) => rem(`train-model@${p.model ?? 'lenet'}`, lang), 'train-model'),
  ModelSummary: lazyWidget(() => import('../widgets/training').then((m) => m.ModelSummary), (p: { model?: string; adjustable?: boolean }) => summaryHeight(p.model ?? 'lenet', !!p.adjustable), 'model-summary'),
  ModelCompare: lazyWidget(() => import('../widgets/training').then((m) => m.ModelCompare), (_p, lang) => rem('model-compare', lang), 'model-compare'),
  InsideModel: lazyWidget(() => import('../widgets/inside-model').then((m) => m.InsideModel), (p: { model?: string }, lang: string) => rem(`inside-model@${p.model ?? 'lenet'}`, lang), 'inside-model'),
  Diagram: lazyWidget(() => import('../widgets/diagrams').then((m) => m.Diagram), diagramPlaceholder, 'diagram'),
  PyTorchAppendix: lazyWidget(() => import('../widgets/pytorch-appendix').then((m) => m.PyTorchAppendix), (p: { show: 'results' | 'listing'; file?: string }, lang?: string) => (p.show === 'results' ? (lang === 'zh' ? '48.17rem' : '54.6rem') : p.file === 'lenet' ? '22.4rem' : '37.7rem'), 'pytorch-appendix'),
};
