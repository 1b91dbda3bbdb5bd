/** The one map from MDX tag names to React components. */
import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';
import { CodeTabs } from '../widgets/content/CodeTabs';
import { Callout } from '../widgets/content/Callout';
import { Exercise } from '../widgets/content/Exercise';

/**
 * Widgets load on demand, each in its own chunk, so opening a chapter downloads only
 * the widgets it embeds. The placeholder keeps the widget's usual height so the page
 * does not jump when it mounts.
 */
function lazyWidget<P extends object>(load: () => Promise<ComponentType<P>>, minHeight: number, name: string) {
  const Lazy = lazy(async () => ({ default: await load() }));
  function Widget(props: P) {
    return (
      <Suspense
        fallback={
          <div className="widget-loading" style={{ minHeight }} aria-busy="true" data-loading-widget={name}>
            …
          </div>
        }
      >
        <Lazy {...props} />
      </Suspense>
    );
  }
  Widget.displayName = `Lazy(${name})`;
  return Widget;
}

function Anchor(props: ComponentProps<'a'>) {
  const external = /^https?:/.test(props.href ?? '');
  return <a {...props} {...(external ? { rel: 'noreferrer noopener' } : {})} />;
}

/** Code blocks scroll sideways on narrow screens, so they take keyboard focus. */
function Pre(props: ComponentProps<'pre'>) {
  return <pre tabIndex={0} {...props} />;
}

function Table(props: ComponentProps<'table'>) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Table">
      <table {...props} />
    </div>
  );
}

export const mdxComponents = {
  a: Anchor,
  pre: Pre,
  table: Table,
  CodeTabs,
  Callout,
  Exercise,
  Corr2d: lazyWidget(() => import('../widgets/corr2d').then((m) => m.Corr2d), 640, 'corr2d'),
  LearnKernel: lazyWidget(() => import('../widgets/learn-kernel').then((m) => m.LearnKernel), 420, 'learn-kernel'),
  PaddingStride: lazyWidget(() => import('../widgets/padding-stride').then((m) => m.PaddingStride), 640, 'padding-stride'),
  Pooling: lazyWidget(() => import('../widgets/pooling').then((m) => m.Pooling), 480, 'pooling'),
  ReceptiveField: lazyWidget(() => import('../widgets/receptive-field').then((m) => m.ReceptiveField), 720, 'receptive-field'),
  MultiChannel: lazyWidget(() => import('../widgets/multichannel').then((m) => m.MultiChannel), 640, 'multichannel'),
  Parameters: lazyWidget(() => import('../widgets/parameters').then((m) => m.Parameters), 640, 'parameters'),
  DenseVsConv: lazyWidget(() => import('../widgets/dense-vs-conv').then((m) => m.DenseVsConv), 480, 'dense-vs-conv'),
  TrainModel: lazyWidget(() => import('../widgets/training').then((m) => m.TrainModel), 720, 'train-model'),
  ModelSummary: lazyWidget(() => import('../widgets/training').then((m) => m.ModelSummary), 480, 'model-summary'),
  ModelCompare: lazyWidget(() => import('../widgets/training').then((m) => m.ModelCompare), 240, 'model-compare'),
  Diagram: lazyWidget(() => import('../widgets/diagrams').then((m) => m.Diagram), 240, 'diagram'),
};
