import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The web app is bundled whole into dist/web (no CDN, no network fonts): the Studio serves it offline.
export default defineConfig({
  root,
  // Relative asset URLs: the app works wherever the Studio serves it.
  base: './',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // ECharts alone is ~400 kB minified even through echarts/core; one bundle is fine for a local app.
    chunkSizeWarningLimit: 1500,
  },
});
