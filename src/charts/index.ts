export { lineChart, type Series, type LineChartOptions } from './lineChart';
export { confusionMatrix, type ConfusionOptions } from './confusionMatrix';
export { probabilityBars, type ProbabilityOptions } from './probabilityBars';
