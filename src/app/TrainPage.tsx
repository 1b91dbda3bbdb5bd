import { mdxComponents } from '../mdx/components';
import { ToolPage } from './ToolPage';

/** The model zoo's training view as a page of its own. */
export function TrainPage() {
  const TrainModel = mdxComponents.TrainModel as unknown as (props: { model?: string }) => React.JSX.Element;
  return (
    <ToolPage page="train" title="train" intro="trainIntro">
      <TrainModel model="lenet" />
    </ToolPage>
  );
}
