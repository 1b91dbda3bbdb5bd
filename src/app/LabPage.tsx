import { mdxComponents } from '../mdx/components';
import { useSettings } from '../stores/settings';

const WIDGETS = [
  ['Corr2d', { en: 'Cross-correlation', zh: '互相关' }],
  ['LearnKernel', { en: 'Learning a kernel', zh: '学习卷积核' }],
  ['PaddingStride', { en: 'Padding and stride', zh: '填充和步幅' }],
  ['Pooling', { en: 'Pooling', zh: '汇聚' }],
  ['ReceptiveField', { en: 'Receptive fields', zh: '感受野' }],
  ['MultiChannel', { en: 'Multiple channels', zh: '多通道' }],
  ['Parameters', { en: 'Parameters', zh: '参数' }],
  ['DenseVsConv', { en: 'Dense versus convolution', zh: '全连接与卷积' }],
] as const;

/** Every widget on one page, for teachers who want the tools without the prose. */
export function LabPage() {
  const lang = useSettings((s) => s.lang);
  return (
    <article className="chapter lab" data-chapter="lab">
      <h1>{lang === 'zh' ? '实验室' : 'Lab'}</h1>
      <p>
        {lang === 'zh'
          ? '本书的全部交互组件都在这一页。每个组件的设置都保存在地址里，复制链接就能原样分享给学生。'
          : 'Every widget of the book on one page. Each widget keeps its settings in the address, so a copied link shows students exactly this state.'}
      </p>
      <nav aria-label={lang === 'zh' ? '组件' : 'Widgets'}>
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
    </article>
  );
}
