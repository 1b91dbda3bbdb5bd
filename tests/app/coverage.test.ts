/**
 * Every part of the notes has its chapter, in both languages, with the widget that
 * teaches it and checkable exercises at the end.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from '../../scripts/frontmatter';

const PARTS: { part: string; file: string; tags: string[] }[] = [
  { part: 'Model construction', file: '01-model-construction.mdx', tags: ['CodeTabs'] },
  { part: 'Parameters', file: '02-parameters.mdx', tags: ['Parameters'] },
  { part: 'From dense layers to convolutions', file: '03-dense-to-conv.mdx', tags: ['DenseVsConv'] },
  { part: 'Image convolution', file: '04-image-convolution.mdx', tags: ['Corr2d', 'LearnKernel', 'ReceptiveField'] },
  { part: 'Padding and stride', file: '05-padding-stride.mdx', tags: ['PaddingStride'] },
  { part: 'Multiple channels and 1x1 convolution', file: '06-channels.mdx', tags: ['MultiChannel'] },
  { part: 'Pooling', file: '07-pooling.mdx', tags: ['Pooling'] },
  { part: 'LeNet', file: '08-lenet.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'AlexNet', file: '09-alexnet.mdx', tags: ['TrainModel', 'ModelSummary', 'ModelCompare', 'Diagram'] },
  { part: 'VGG', file: '10-vgg.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'NiN', file: '11-nin.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'Batch normalisation', file: '12-batch-norm.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'ResNet', file: '13-resnet.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
];

const read = (lang: string, file: string) => readFileSync(join('chapters', lang, file), 'utf8');
/** The MDX outside code blocks and inline code, where tags are components. */
const markup = (lang: string, file: string) => read(lang, file).replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
const mdxComponents = readFileSync('src/mdx/components.tsx', 'utf8');

describe.each(PARTS)('the part "$part"', ({ file, tags }) => {
  it.each(['en', 'zh'])('has its %s chapter with the widgets that teach it and checkable exercises', (lang) => {
    expect(existsSync(join('chapters', lang, file))).toBe(true);
    const src = markup(lang, file);
    for (const tag of tags) expect(src, `${lang}/${file} embeds <${tag}>`).toContain(`<${tag}`);
    expect((src.match(/<Exercise\b/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('uses the same widgets, exercises and heading anchors in both languages', () => {
    const shape = (s: string) => ({
      tags: (s.match(/<[A-Z]\w*/g) ?? []).join(' '),
      exercises: (s.match(/<Exercise id="[^"]+"/g) ?? []).join(' '),
      anchors: (s.match(/\{#[\w-]+\}/g) ?? []).join(' '),
      answers: (s.match(/answer=\{[^}]*\}/g) ?? []).join(' '),
    });
    expect(shape(markup('zh', file))).toEqual(shape(markup('en', file)));
  });

  it('maps every tag it uses to a component', () => {
    for (const tag of new Set(markup('en', file).match(/<[A-Z]\w*/g)?.map((t) => t.slice(1)))) {
      expect(mdxComponents, `<${tag}> is in the MDX map`).toMatch(new RegExp(`\\b${tag}\\b`));
    }
  });
});

it('orders the chapters as the notes do, with no two sharing a position', () => {
  for (const lang of ['en', 'zh']) {
    const orders = readdirSync(join('chapters', lang)).map((f) => parseFrontmatter(read(lang, f)).order);
    expect(new Set(orders).size).toBe(orders.length);
  }
  const files = PARTS.map((p) => p.file);
  expect([...files].sort()).toEqual(files);
});
