/**
 * Architecture drawings for the model chapters: `<Diagram name="lenet" />`.
 *
 * Each drawing is an inline, responsive SVG coloured by the theme's CSS variables,
 * with a title and a text description for screen readers. Layer labels are
 * language-neutral; the accessible text follows the reader's language (the `lang`
 * prop, or the language setting).
 */
import type { ComponentType } from 'react';
import { useLang } from '../common/i18n';
import { AlexNetVsLeNetDiagram } from './alexnet';
import { BatchNormDiagram } from './batch-norm';
import { FunctionClassesDiagram } from './function-classes';
import { LeNetDiagram } from './lenet';
import { NinBlockDiagram } from './nin';
import { ResidualDiagram } from './residual';
import { ResNet18Diagram } from './resnet18';
import type { DiagramLang, DiagramProps } from './types';
import { VggBlockDiagram } from './vgg';

export type { DiagramLang } from './types';

const diagrams: Record<string, ComponentType<DiagramProps>> = {
  lenet: LeNetDiagram,
  'alexnet-vs-lenet': AlexNetVsLeNetDiagram,
  'vgg-block': VggBlockDiagram,
  'nin-block': NinBlockDiagram,
  residual: ResidualDiagram,
  resnet18: ResNet18Diagram,
  'batch-norm': BatchNormDiagram,
  'function-classes': FunctionClassesDiagram,
};

/** Every name `<Diagram>` can draw. */
export const diagramNames: readonly string[] = Object.keys(diagrams);

export interface DiagramComponentProps {
  name: string;
  lang?: DiagramLang;
}

export function Diagram({ name, lang }: DiagramComponentProps) {
  const readerLang = useLang();
  const Drawing = Object.prototype.hasOwnProperty.call(diagrams, name) ? diagrams[name] : undefined;
  if (!Drawing) {
    return (
      <div
        role="alert"
        className="diagram diagram-missing"
        style={{
          margin: '1.5rem 0',
          padding: '0.75rem 1rem',
          border: '2px dashed var(--accent, #2563eb)',
          borderRadius: 6,
          color: 'var(--fg, inherit)',
        }}
      >
        Unknown diagram “{name}”. Known diagrams: {diagramNames.join(', ')}.
      </div>
    );
  }
  return <Drawing lang={lang ?? readerLang} />;
}

export default Diagram;
