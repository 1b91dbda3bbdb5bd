export { TrainModel } from './TrainModel';
export { ModelSummary } from './ModelSummary';
export { ModelCompare } from './ModelCompare';
export { TryYourImage } from './TryYourImage';
