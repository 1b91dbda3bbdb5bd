#!/usr/bin/env node
// `npm start`: installs what is missing, prepares the data and the wasm kernels, and
// serves the textbook.
import { ensureData, ensureDependencies, ensureWasm, must } from './setup.mjs';

ensureDependencies();
ensureData();
ensureWasm();
console.log('\nServing the textbook; open the address Vite prints below (Ctrl+C stops it).\n');
must('npx', ['vite', '--host', '127.0.0.1', ...process.argv.slice(2)]);
