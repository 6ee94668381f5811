// The fixed UI stack's floor for `make bench-startup` (issue 17): ParkReview's first screen —
// its shell, its sidebar of 15 links and the first-run page's three cards — and a ranking page
// (a table and three charts), drawn with the brief's fixed choices (Vue 3, vue-i18n's runtime
// with messages compiled ahead, vue-router, Element Plus on demand, ECharts as SVG) and
// nothing else: no application code, no IPC, no database. Served by the bare window
// (tests/bench/bare-window, `BARE_WINDOW_PAGE=floor/index.html`), so the bench can tell what the
// stack costs from what ParkReview adds to it. Never shipped.
import { createApp } from 'vue'
import { createI18n } from 'vue-i18n'
import { createRouter, createWebHashHistory } from 'vue-router'
import 'element-plus/es/components/base/style/css'
import Shell from './Shell.vue'
import Home from './Home.vue'
import { messages } from './messages'

performance.mark('floor:modules')
const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages })
const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', component: Home },
    { path: '/ranking', component: () => import('./Ranking.vue') },
  ],
})
const app = createApp(Shell).use(i18n).use(router)
void router.isReady().then(() => {
  app.mount('#app')
  performance.mark('floor:mounted')
})
