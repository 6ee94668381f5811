import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import zhCN from '../i18n/zh-CN'
import { lazyViewer } from './pdfViewAsync'

// Opening a PDF loads the viewer's code; should it not load, the reader is told so, with the
// code, instead of facing an empty dialog.
const i18n = () => createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } })
const Viewer = defineComponent({ setup: () => () => h('div', { 'data-testid': 'pdf-view' }, 'viewer') })

async function shown(loader: () => Promise<unknown>) {
  const Lazy = lazyViewer(loader as never, 1000)
  const wrapper = mount(defineComponent({ render: () => h(Lazy) }), {
    // The final failure reaches Vue's error handler (and the console in the app).
    global: { plugins: [i18n()], config: { errorHandler: () => undefined } },
  })
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await nextTick()
  }
  return wrapper
}

describe('the PDF viewer loaded on first use', () => {
  it('shows the viewer once its code is in', async () => {
    const wrapper = await shown(async () => Viewer)
    expect(wrapper.find('[data-testid="pdf-view"]').exists()).toBe(true)
  })

  it('tries once more when the first load fails', async () => {
    let calls = 0
    const wrapper = await shown(async () => {
      calls += 1
      if (calls === 1) throw new Error('read error')
      return Viewer
    })
    expect(calls).toBe(2)
    expect(wrapper.find('[data-testid="pdf-view"]').exists()).toBe(true)
  })

  it('says it could not be loaded, with its code, when the second load fails too', async () => {
    let calls = 0
    const wrapper = await shown(async () => {
      calls += 1
      throw new Error('read error')
    })
    expect(calls).toBe(2)
    const failed = wrapper.find('[data-testid="pdf-view-failed"]')
    expect(failed.text()).toContain('PDF 查看器未能载入（UI_VIEWER_LOAD）')
    expect(wrapper.find('[data-testid="pdf-view"]').exists()).toBe(false)
  })
})
