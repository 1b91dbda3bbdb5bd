/**
 * Every part of the notes has its chapter, in both languages, with the widget that
 * teaches it and checkable exercises at the end.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from '../../scripts/frontmatter';
import { BATCH_NORM_PARTS } from '../../src/widgets/batch-norm';
import { DENSE_VS_CONV_PARTS } from '../../src/widgets/dense-vs-conv';
import { MULTICHANNEL_PARTS } from '../../src/widgets/multichannel';
import { PARAMETERS_PARTS } from '../../src/widgets/parameters';
import { RECEPTIVE_FIELD_PARTS } from '../../src/widgets/receptive-field';

const PARTS: { part: string; file: string; tags: string[] }[] = [
  { part: 'Model construction', file: '01-model-construction.mdx', tags: ['CodeTabs', 'BlockBuilder', 'WidgetExercise'] },
  { part: 'Parameters', file: '02-parameters.mdx', tags: ['Parameters'] },
  { part: 'From dense layers to convolutions', file: '03-dense-to-conv.mdx', tags: ['DenseVsConv'] },
  { part: 'Image convolution', file: '04-image-convolution.mdx', tags: ['Corr2d', 'LearnKernel', 'ReceptiveField'] },
  { part: 'Padding and stride', file: '05-padding-stride.mdx', tags: ['PaddingStride'] },
  { part: 'Multiple channels and 1x1 convolution', file: '06-channels.mdx', tags: ['MultiChannel'] },
  { part: 'Pooling', file: '07-pooling.mdx', tags: ['Pooling'] },
  { part: 'LeNet', file: '08-lenet.mdx', tags: ['FashionMnist', 'TrainModel', 'ModelSummary', 'Diagram', 'ReceptiveField', 'InsideModel'] },
  { part: 'AlexNet', file: '09-alexnet.mdx', tags: ['TrainModel', 'ModelSummary', 'ModelCompare', 'Diagram'] },
  { part: 'VGG', file: '10-vgg.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'NiN', file: '11-nin.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram'] },
  { part: 'Batch normalisation', file: '12-batch-norm.mdx', tags: ['BatchNorm', 'TrainModel', 'ModelSummary', 'Diagram', 'BnCompare'] },
  { part: 'ResNet', file: '13-resnet.mdx', tags: ['TrainModel', 'ModelSummary', 'Diagram', 'Degradation'] },
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
    // Exercises that make the reader do: set a widget or train, and write a cell.
    expect(src, `${lang}/${file} has an exercise answered with a widget or by training`).toMatch(/<(WidgetExercise|SummaryExercise|RunExercise)\b/);
    expect(src, `${lang}/${file} has a write-code exercise`).toMatch(/<CellExercise\b/);
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

/**
 * Each part of a composite widget, embedded on its own in the section that teaches it
 * (the heading anchor). The lab page shows every part of every widget together.
 */
const WIDGET_PARTS: { tag: string; part: string; file: string; section: string }[] = [
  { tag: 'Parameters', part: 'access', file: '02-parameters.mdx', section: 'state-dict' },
  { tag: 'Parameters', part: 'init', file: '02-parameters.mdx', section: 'initialisation' },
  { tag: 'Parameters', part: 'tying', file: '02-parameters.mdx', section: 'tied-parameters' },
  { tag: 'DenseVsConv', part: 'cost', file: '03-dense-to-conv.mdx', section: 'dense-cost' },
  { tag: 'DenseVsConv', part: 'ladder', file: '03-dense-to-conv.mdx', section: 'locality' },
  { tag: 'ReceptiveField', part: 'stack', file: '04-image-convolution.mdx', section: 'receptive-field' },
  { tag: 'MultiChannel', part: 'channels', file: '06-channels.mdx', section: 'multi-out' },
  { tag: 'MultiChannel', part: '1x1', file: '06-channels.mdx', section: 'conv-1x1' },
  { tag: 'MultiChannel', part: 'params', file: '06-channels.mdx', section: 'parameter-count' },
  { tag: 'ReceptiveField', part: 'lenet', file: '08-lenet.mdx', section: 'trained-receptive-fields' },
  { tag: 'BatchNorm', part: 'batch-size', file: '12-batch-norm.mdx', section: 'batch-size' },
  { tag: 'BatchNorm', part: 'normalise', file: '12-batch-norm.mdx', section: 'conv-layers' },
  { tag: 'BatchNorm', part: 'running', file: '12-batch-norm.mdx', section: 'inference' },
];

const COMPOSITE: Record<string, readonly string[]> = {
  Parameters: PARAMETERS_PARTS,
  DenseVsConv: DENSE_VS_CONV_PARTS,
  MultiChannel: MULTICHANNEL_PARTS,
  ReceptiveField: RECEPTIVE_FIELD_PARTS,
  BatchNorm: BATCH_NORM_PARTS,
};

/** A chapter's markup from the heading with this anchor to the next heading of the same or a higher level. */
function section(src: string, anchor: string): string {
  const lines = src.split('\n');
  const start = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.includes(`{#${anchor}}`));
  if (start < 0) return '';
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}}\\s`).test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

describe('the parts of the composite widgets', () => {
  it('lists every part of every composite widget once', () => {
    const listed = WIDGET_PARTS.map((p) => `${p.tag}:${p.part}`);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(Object.entries(COMPOSITE).flatMap(([tag, parts]) => parts.map((p) => `${tag}:${p}`)).sort());
  });

  describe.each(WIDGET_PARTS.map((p) => [`<${p.tag} part="${p.part}" />`, p] as const))('%s', (_, { tag, part, file, section: anchor }) => {
    it.each(['en', 'zh'])(`stands once in %s, inside the section {#${anchor}} that teaches it`, (lang) => {
      const src = markup(lang, file);
      const embed = new RegExp(`<${tag}\\s+part="${part}"\\s*/>`, 'g');
      expect(src.match(embed) ?? [], `${lang}/${file} embeds it once`).toHaveLength(1);
      expect(section(src, anchor), `${lang}/${file}: the section {#${anchor}} holds it`).toMatch(new RegExp(embed.source));
    });
  });

  it.each(['en', 'zh'])('are the only way a chapter in %s embeds a composite widget (the whole widget is for the lab page)', (lang) => {
    for (const file of readdirSync(join('chapters', lang))) {
      for (const m of markup(lang, file).matchAll(/<([A-Z]\w*)\b([^>]*)>/g)) {
        if (!(m[1] in COMPOSITE)) continue;
        const part = /\bpart="([^"]+)"/.exec(m[2])?.[1];
        expect(part, `${lang}/${file}: <${m[1]}> names its part`).toBeDefined();
        expect(WIDGET_PARTS.some((p) => p.tag === m[1] && p.part === part && p.file === file), `${lang}/${file}: <${m[1]} part="${part}"> is listed`).toBe(true);
      }
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
