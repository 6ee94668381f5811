import { createApp } from 'vue'
// Element Plus on demand (its documented setup): each component's code and stylesheet come with
// the view that uses it (unplugin-vue-components, vite.config.ts), so the first screen parses
// only its own. What is called from code rather than written in a template brings its styles
// here: messages, message boxes, the loading directive.
import { vLoading } from 'element-plus'
import 'element-plus/es/components/base/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import 'element-plus/es/components/notification/style/css'
import App from './App.vue'
import { i18n, restoreLocale } from './i18n'
import { router } from './router'
import './styles.css'
import { startSession } from './state/session'
import { say } from './lib/notify'

// Marks for `make bench-startup` (performance.mark costs nothing a user would notice): the
// first screen's code evaluated (here), the shell mounted (below), the session's answers in
// (state/session.ts), the first-run screen drawn (FirstRun.vue).
performance.mark('park-review:modules')

// The session's first questions to the database go out before the shell is drawn, so the
// answers are there by the time it is.
void startSession()
const app = createApp(App).use(i18n).use(router).directive('loading', vLoading)
// A view whose code does not load (each comes with its route; a damaged installation) answers
// the click with its code instead of nothing.
router.onError(() => say({ type: 'error', message: i18n.global.t('common.viewUnavailable'), duration: 8000, showClose: true }))
// Should the English messages fail to load, the app still opens, in Chinese.
void restoreLocale()
  .catch(() => undefined)
  .then(() => {
    app.mount('#app')
    performance.mark('park-review:mounted')
  })

