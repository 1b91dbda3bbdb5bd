#!/usr/bin/env node
// Bundles scripts/bench/node/main.ts (engine, models, sections, TF.js) into one ES
// module under bench-node/, leaving only the native `webgpu` package outside.
import { bundleForNode } from '../../node-bundle.mjs';

await bundleForNode('scripts/bench/node/main.ts', 'bench-node');
console.log('bench-node/main.mjs written');
