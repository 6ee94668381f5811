// Builds the stack-floor pages (see main.ts) into the bare window's files, beside its one line:
// `make bench-startup` runs it. The same plugins as ui/vite.config.ts: Vue, Element Plus on
// demand with each component's stylesheet.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // vue-i18n's runtime, as ParkReview ships it (its messages are compiled ahead).
  resolve: { alias: { 'vue-i18n': 'vue-i18n/dist/vue-i18n.runtime.esm-bundler.js' } },
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  build: {
    outDir: fileURLToPath(new URL('../../tests/bench/bare-window/dist/floor', import.meta.url)),
    emptyOutDir: true,
    target: 'safari15',
    chunkSizeWarningLimit: 1500,
  },
})
