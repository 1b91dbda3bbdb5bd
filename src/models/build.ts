/**
 * Pieces the zoo's builders share: a convolutional part whose first dense layer's size
 * follows from the input size, and the dropout classifier AlexNet and VGG end with.
 */
import { nn } from '../engine';
import { flatFeatures } from './shapes';

/** `features` (ending in Flatten), then the dense layers `head` makes for the number of features they give at `inputSize`. */
export function withDenseHead(features: nn.Module[], inputSize: number, head: (inFeatures: number) => nn.Module[]): nn.Sequential {
  return new nn.Sequential(...features, ...head(flatFeatures(features, inputSize)));
}

/** AlexNet's and VGG's classifier: two dense layers of 4096 units, each with ReLU and dropout 0.5, then the ten classes. */
export function dropoutClassifier(inFeatures: number): nn.Module[] {
  return [
    new nn.Linear(inFeatures, 4096),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(4096, 4096),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(4096, 10),
  ];
}
