import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console is served by the service at /console; the Analytics view and its charts load on demand. */
export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: true,
    // The lazily loaded Analytics chunk carries ECharts; the initial bundle stays far below this.
    chunkSizeWarningLimit: 700,
  },
});
