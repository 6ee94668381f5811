// The PDF viewer, loaded when a PDF is first opened (pdf.js is large): one definition for every
// place that shows a PDF. Should its code not load (a damaged installation, a read error), it is
// tried once more, then the place says so with its code instead of staying blank.
import { defineAsyncComponent, defineComponent, h, type Component } from 'vue'
import { useI18n } from 'vue-i18n'

const Loading = defineComponent({
  setup() {
    const { t } = useI18n()
    return () => h('p', { class: 'muted' }, t('common.loading'))
  },
})

const Failed = defineComponent({
  setup() {
    const { t } = useI18n()
    return () => h('p', { role: 'alert', style: 'color: #b91c1c', 'data-testid': 'pdf-view-failed' }, t('attachments.viewerUnavailable'))
  },
})

/** The viewer's code loaded by `loader` on first use (a parameter for the tests). */
export function lazyViewer(loader: () => Promise<Component | { default: Component }>, timeout = 30000) {
  return defineAsyncComponent({
    loader,
    loadingComponent: Loading,
    delay: 200,
    errorComponent: Failed,
    // A loader that never answers is a failure too.
    timeout,
    onError(_error, retry, fail, attempts) {
      if (attempts <= 1) retry()
      else fail()
    },
  })
}

export const PdfView = lazyViewer(() => import('./PdfView.vue'))
