import { mdxComponents } from '../mdx/components';
import { useSettings } from '../stores/settings';
import { ToolPage } from './ToolPage';
import { useT } from './i18n';

const WIDGETS = [
  ['Corr2d', { en: 'Cross-correlation', zh: '互相关' }],
  ['LearnKernel', { en: 'Learning a kernel', zh: '学习卷积核' }],
  ['PaddingStride', { en: 'Padding and stride', zh: '填充和步幅' }],
  ['Pooling', { en: 'Pooling', zh: '汇聚' }],
  ['ReceptiveField', { en: 'Receptive fields', zh: '感受野' }],
  ['MultiChannel', { en: 'Multiple channels', zh: '多通道' }],
  ['BlockBuilder', { en: 'Building an nn.Sequential', zh: '搭建 nn.Sequential' }],
  ['Parameters', { en: 'Parameters', zh: '参数' }],
  ['DenseVsConv', { en: 'Dense versus convolution', zh: '全连接与卷积' }],
  ['FashionMnist', { en: 'The Fashion-MNIST dataset', zh: 'Fashion-MNIST 数据集' }],
  ['BatchNorm', { en: 'Batch normalisation', zh: '批量规范化' }],
  ['BnCompare', { en: 'LeNet with and without batch normalisation', zh: '有无批量规范化的 LeNet' }],
  ['Degradation', { en: 'Plain and residual stacks', zh: '普通堆叠与残差堆叠' }],
  ['InsideModel', { en: 'Inside a trained model', zh: '走进训练好的模型' }],
] as const;

/** Every widget on one page, for teachers who want the tools without the prose. */
export function LabPage() {
  const lang = useSettings((s) => s.lang);
  const t = useT();
  return (
    <ToolPage page="lab" title="labTitle" intro="labIntro">
      <nav aria-label={t('labWidgets')}>
        <ul className="lab-index">
          {WIDGETS.map(([tag, title]) => (
            <li key={tag}>
              <a href={`#lab-${tag}`}>{title[lang]}</a>
            </li>
          ))}
        </ul>
      </nav>
      {WIDGETS.map(([tag, title]) => {
        const Widget = mdxComponents[tag] as unknown as () => React.JSX.Element;
        return (
          <section key={tag} id={`lab-${tag}`} className="lab-section">
            <h2>{title[lang]}</h2>
            <Widget />
          </section>
        );
      })}
    </ToolPage>
  );
}
