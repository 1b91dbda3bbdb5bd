import { mdxComponents } from '../mdx/components';
import { useSettings } from '../stores/settings';

/** The model zoo's training view as a page of its own. */
export function TrainPage() {
  const lang = useSettings((s) => s.lang);
  const TrainModel = mdxComponents.TrainModel as unknown as (props: { model?: string }) => React.JSX.Element;
  return (
    <article className="chapter train" data-chapter="train">
      <h1>{lang === 'zh' ? '训练模型' : 'Train the model zoo'}</h1>
      <p>
        {lang === 'zh'
          ? '在本标签页中训练 LeNet 到 ResNet-18。训练在后台线程中运行，页面保持流畅；每个轮次结束时都会保存检查点。'
          : 'Train LeNet through ResNet-18 in this tab. Training runs in a background worker so the page stays responsive, and a checkpoint is saved after every epoch.'}
      </p>
      <TrainModel model="lenet" />
    </article>
  );
}
