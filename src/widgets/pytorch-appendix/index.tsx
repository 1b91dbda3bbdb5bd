/**
 * The PyTorch appendix's listings and results. The listings are the committed scripts
 * under scripts/pytorch/ themselves (imported as text), and every number in the results
 * table comes from scripts/pytorch/appendix-results.json, which
 * scripts/pytorch/record-appendix.py writes; nothing here is typed in by hand.
 *
 *   <PyTorchAppendix show="listing" file="book.py" />
 *   <PyTorchAppendix show="results" />
 */
import bookPy from '../../../scripts/pytorch/book.py?raw';
import trainPy from '../../../scripts/pytorch/train.py?raw';
import evaluatePy from '../../../scripts/pytorch/evaluate.py?raw';
import referencePy from '../../../scripts/models/torch-reference.py?raw';
import results from '../../../scripts/pytorch/appendix-results.json';
import { MODEL_NAMES, isModelId } from '../../models/ids';
import { groupDigits } from '../common/format';
import { TableHead } from '../common/TableHead';
import { useTr, type Tr } from '../common/i18n';
import './appendix.css';
import { CodeRegion, ScrollRegion } from '../common/ScrollRegion';
import { Code } from '../common/Code';

export interface AppendixRun {
  model: string;
  command: string;
  full_recipe: boolean;
  recipe: { lr: number; epochs: number; batch_size: number; input_size: number };
  tab_input_size: number;
  input_size: number;
  lr: number;
  epochs: number;
  batch_size: number;
  train_images: number;
  test_images: number;
  seconds: number;
  torch: string;
  threads: number;
  history: { epoch: number; loss: number; train_acc: number; test_acc: number; seconds: number }[];
}

const recorded = results as { cpu?: string; runs: AppendixRun[] };
export const RUNS: readonly AppendixRun[] = recorded.runs;

/** The model definitions PyTorch uses, from the book's reference file: `def lenet()` to the blank lines after it. */
export function definitionOf(name: string, source = referencePy): string {
  const start = source.indexOf(`\ndef ${name}(`);
  if (start < 0) throw new Error(`no definition of ${name}() in torch-reference.py`);
  const end = source.indexOf('\n\n\n', start + 1);
  return source.slice(start + 1, end < 0 ? undefined : end);
}

export const LISTINGS: Record<string, { path: string; text: () => string }> = {
  'book.py': { path: 'scripts/pytorch/book.py', text: () => bookPy },
  'train.py': { path: 'scripts/pytorch/train.py', text: () => trainPy },
  'evaluate.py': { path: 'scripts/pytorch/evaluate.py', text: () => evaluatePy },
  lenet: { path: 'scripts/models/torch-reference.py', text: () => `import torch\nfrom torch import nn\n\n\n${definitionOf('lenet')}` },
};

/** A recorded run's model as the book names it (the zoo's names, without loading the engine here). */
function modelName(t: Tr, id: string): string {
  return isModelId(id) ? t(MODEL_NAMES[id].en, MODEL_NAMES[id].zh) : id;
}

function duration(t: Tr, s: number): string {
  if (s < 120) return t(`${Math.round(s)} s`, `${Math.round(s)} 秒`);
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return t(`${m} min ${r} s`, `${m} 分 ${r} 秒`);
}

/** A value of the run, and under it the recipe's where the run used another. */
function versus(t: Tr, value: string, ran: number, recipe: number, recipeText = String(recipe)) {
  return (
    <>
      <span className="nowrap">{value}</span>
      {ran !== recipe ? <span className="recipe">{t(`recipe: ${recipeText}`, `配方：${recipeText}`)}</span> : null}
    </>
  );
}

function Results() {
  const t = useTr();
  const first = RUNS[0];
  const cpu = recorded.cpu ? t(` (${recorded.cpu})`, `（${recorded.cpu}）`) : '';
  return (
    <div className="pytorch-results" data-testid="pytorch-results">
      <ScrollRegion label={t('What the recorder measured', '记录脚本测得的结果')}>
        <table>
          <caption>
            {t(
              `Recorded by scripts/pytorch/record-appendix.py with PyTorch ${first.torch} on a CPU${cpu}, ${first.threads} thread${first.threads === 1 ? '' : 's'}.`,
              `由 scripts/pytorch/record-appendix.py 在 CPU${cpu} 上用 PyTorch ${first.torch} 记录，${first.threads} 个线程。`,
            )}
          </caption>
          <TableHead
            columns={[
              t('Model', '模型'),
              t('Input', '输入'),
              t('Epochs', '轮数'),
              t('Images (train / test)', '图像（训练 / 测试）'),
              t('Test accuracy after each epoch', '每轮之后的测试精度'),
              t('Time', '用时'),
            ]}
          />
          <tbody>
            {RUNS.map((r) => (
              <tr key={r.model} data-model={r.model}>
                <th scope="row">{modelName(t, r.model)}</th>
                <td>{versus(t, `${r.input_size} × ${r.input_size}`, r.input_size, r.recipe.input_size)}</td>
                <td>{versus(t, String(r.epochs), r.epochs, r.recipe.epochs)}</td>
                <td>
                  {groupDigits(r.train_images)} / {groupDigits(r.test_images)}
                </td>
                <td className="accuracies">{r.history.map((h) => h.test_acc.toFixed(3)).join(', ')}</td>
                <td className="nowrap">{duration(t, r.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p>{t('The commands it ran:', '它运行的命令：')}</p>
      <CodeRegion label={t('Commands', '命令')}>
        <Code lang="sh" code={RUNS.map((r) => r.command).join('\n')} />
      </CodeRegion>
    </div>
  );
}

function Listing({ file }: { file: string }) {
  const t = useTr();
  const listing = LISTINGS[file];
  if (!listing) return <p className="error-box">{t(`No listing named ${file}.`, `没有名为 ${file} 的代码。`)}</p>;
  return (
    <figure className="pytorch-listing" data-file={file}>
      <figcaption>
        <code>{listing.path}</code>
      </figcaption>
      <CodeRegion label={listing.path}>
        <Code lang="python" code={listing.text()} />
      </CodeRegion>
    </figure>
  );
}

export function PyTorchAppendix({ show, file = 'book.py' }: { show: 'results' | 'listing'; file?: string }) {
  return show === 'results' ? <Results /> : <Listing file={file} />;
}
