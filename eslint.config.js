import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Import boundaries (CONTRIBUTING.md, "How the pieces fit"): the engine stands alone, charts use only d3, models use only the engine. */
const engineRule = {
  patterns: [
    { group: ['react', 'react-dom', 'react/*', 'd3', 'd3-*', 'zustand', 'zustand/*', 'katex'], message: 'src/engine runs in workers and Node: no UI libraries.' },
    { group: ['../app/*', '../mdx/*', '../widgets/*', '../stores/*', '../charts/*', '../worker/*', '../models/*', '../data/*', '../../app/*', '../../mdx/*', '../../widgets/*', '../../stores/*', '../../charts/*', '../../worker/*', '../../models/*', '../../data/*'], message: 'src/engine imports nothing from the rest of src/.' },
  ],
};
const chartsRule = {
  patterns: [
    { group: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', 'katex'], message: 'src/charts use only d3.' },
    { group: ['../*', '!../charts/*'], message: 'src/charts import nothing from the rest of src/.' },
  ],
};
const modelsRule = {
  patterns: [{ group: ['react', 'react-dom', 'd3', 'zustand', '../app/*', '../widgets/*', '../stores/*', '../charts/*', '../mdx/*', '../worker/*'], message: 'src/models import only the engine.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**', 'bench-dist/**', 'bench-node/**', 'train-node/**', '.devrun/**', '.gpu/**', 'scripts/.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Function']", message: 'No new Function.' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // React's hook rules, only where React lives (Playwright fixtures and bench helpers use `use` names too).
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', engineRule],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'sessionStorage'],
    },
  },
  { files: ['src/charts/**/*.ts'], rules: { 'no-restricted-imports': ['error', chartsRule] } },
  { files: ['src/models/**/*.ts'], rules: { 'no-restricted-imports': ['error', modelsRule] } },
);
