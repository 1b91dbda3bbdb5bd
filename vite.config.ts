import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import mdx from '@mdx-js/rollup';
import remarkMath from 'remark-math';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import rehypeKatex from 'rehype-katex';
import { readFileSync } from 'node:fs';
import { parseFrontmatter } from './scripts/frontmatter.ts';
import { headingIdsPreprocess, remarkHeadingIds } from './scripts/mdx-plugins.ts';
import { serviceWorker } from './scripts/pwa-plugin.ts';
import { ISOLATION_HEADERS } from './scripts/isolation.ts';
import { searchIndex } from './scripts/search-plugin.ts';

/**
 * `chapter.mdx?meta` resolves to the chapter's front matter only, so the table of
 * contents can list every chapter without pulling any chapter's body into the
 * main bundle.
 */
function chapterMeta(): Plugin {
  const PREFIX = '\0chapter-meta:';
  return {
    name: 'chapter-meta',
    enforce: 'pre',
    // A virtual id of our own, so the MDX compiler never sees these modules.
    async resolveId(source, importer) {
      if (!source.endsWith('.mdx?meta')) return null;
      const resolved = await this.resolve(source.slice(0, -'?meta'.length), importer, { skipSelf: true });
      return resolved ? PREFIX + resolved.id : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(parseFrontmatter(readFileSync(file, 'utf8')))};`;
    },
  };
}

/**
 * The wasm kernels come as files in the browser: `./kernel-source` (which in Node decodes
 * the base64 builds bundled with it) resolves to its browser twin, which fetches the one
 * build the engine runs. The page and every worker then share one emitted copy of each build.
 */
function wasmKernelFiles(): Plugin {
  return {
    name: 'wasm-kernel-files',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source !== './kernel-source' || !importer?.replace(/\\/g, '/').endsWith('/src/engine/wasm/module.ts')) return null;
      return this.resolve('./kernel-source.browser.ts', importer, { skipSelf: true });
    },
  };
}

/** The page's Content-Security-Policy; also sent as a header by `vite preview`. */
export const CSP = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the wasm backend compile its kernels; it does not allow eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      );
    },
  };
}

/**
 * `vite build --mode e2e` makes the test build the end-to-end tests run against: the same
 * site plus the testing aids behind `__TEST_AIDS__` (see src/types.d.ts). In every other
 * mode the constant is false and the aids are left out of the bundle.
 */
export const TEST_BUILD_MODE = 'e2e';

export default defineConfig(({ mode }) => ({
  base: './',
  define: { __TEST_AIDS__: JSON.stringify(mode === TEST_BUILD_MODE) },
  plugins: [
    chapterMeta(),
    wasmKernelFiles(),
    headingIdsPreprocess(),
    {
      enforce: 'pre',
      ...mdx({
        remarkPlugins: [remarkFrontmatter, remarkGfm, remarkMath, remarkHeadingIds],
        rehypePlugins: [[rehypeKatex, { throwOnError: false, strict: 'ignore' }]],
      }),
    },
    react({ include: /\.(jsx|tsx|mdx)$/ }),
    cspMeta(),
    searchIndex(),
    serviceWorker(),
  ],
  worker: { format: 'es', plugins: () => [wasmKernelFiles()] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: { 'Content-Security-Policy': CSP, ...ISOLATION_HEADERS } },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    manifest: true,
    rollupOptions: { input: { main: 'index.html', 'gpu-check': 'gpu-check.html' } },
  },
}));
