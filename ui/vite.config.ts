/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The app loads the built files from inside the binary; relative paths keep them working there.
export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components imported where they are used (their documented on-demand setup);
    // the stylesheet is imported whole once in main.ts.
    Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
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
})
