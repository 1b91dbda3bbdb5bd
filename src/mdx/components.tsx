/** The one map from MDX tag names to React components. */
import type { ComponentProps } from 'react';
import { CodeTabs } from '../widgets/content/CodeTabs';
import { Callout } from '../widgets/content/Callout';
import { Exercise } from '../widgets/content/Exercise';
import { pending } from '../widgets/content/Pending';
import { Diagram } from '../widgets/diagrams';
import { TrainModel, ModelSummary, ModelCompare } from '../widgets/training';
import { ReceptiveField } from '../widgets/receptive-field';
import { MultiChannel } from '../widgets/multichannel';
import { Parameters } from '../widgets/parameters';
import { DenseVsConv } from '../widgets/dense-vs-conv';
import { Corr2d } from '../widgets/corr2d';
import { LearnKernel } from '../widgets/learn-kernel';
import { PaddingStride } from '../widgets/padding-stride';
import { Pooling } from '../widgets/pooling';

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
  Corr2d,
  LearnKernel,
  PaddingStride,
  Pooling,
  ReceptiveField,
  MultiChannel,
  Parameters,
  DenseVsConv,
  TrainModel,
  ModelSummary,
  ModelCompare,
  Diagram,
};
