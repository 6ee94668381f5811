/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { fileURLToPath } from 'node:url'

// The app loads the built files from inside the binary; relative paths keep them working there.
export default defineConfig(({ command }) => ({
  plugins: [
    vue(),
    // The messages precompiled (vue-i18n's documented optimisation): each area's file in
    // src/i18n (errors.en.ts is code, not messages) is compiled at build time into the form the
    // runtime reads, so the app ships vue-i18n's runtime without its message compiler and
    // compiles nothing on screen (the first screen's 44 messages took about 10 ms, measured in
    // the app). Tests and the dev server compile them at run time, as before:
    // `messages.test.ts` reads them as text.
    ...(command === 'build' ? [VueI18nPlugin({ include: [fileURLToPath(new URL('./src/i18n/!(errors).{zh-CN,en}.ts', import.meta.url))] })] : []),
    // Element Plus components imported where they are used, each with its own stylesheet (their
    // documented on-demand setup); main.ts adds the styles of what is called from code.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'safari15',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
}))
