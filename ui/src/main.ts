import { createApp } from 'vue'
// Element Plus on demand (its documented setup): each component's code comes with the view that
// uses it (unplugin-vue-components, vite.config.ts), so the first screen parses only its own.
// The stylesheet stays whole — one file, loaded once — and so does the loading directive.
import { vLoading } from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import './styles.css'

createApp(App).use(i18n).use(router).directive('loading', vLoading).mount('#app')

// The other views are fetched once the first screen is up, when the window is idle, so that a
// click in the sidebar then shows its page at once.
const idle = (window as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 300))
idle(() => {
  for (const route of router.getRoutes()) {
    const view = route.components?.default
    if (typeof view === 'function') (view as () => Promise<unknown>)()
  }
})
