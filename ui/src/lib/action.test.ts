import { describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'

const shown: string[] = []
vi.mock('element-plus', () => ({
  ElMessage: (m: { message: string }) => shown.push(m.message),
  ElMessageBox: { confirm: vi.fn() },
}))
vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }))

import { runAction } from './action'
import { AppError } from '../ipc'

describe('runAction', () => {
  it('succeeds for an action that answers nothing, says so, and clears busy', async () => {
    const busy = ref(false)
    let during = false
    const ok = await runAction(
      busy,
      async () => {
        during = busy.value
      },
      '已保存',
    )
    expect(ok).toBe(true)
    expect(during).toBe(true)
    expect(busy.value).toBe(false)
    expect(shown).toContain('已保存')
  })

  it('fails with the error and its code shown, and clears busy', async () => {
    const busy = ref(false)
    const ok = await runAction(busy, async () => {
      throw new AppError('SCORES_LOCKED', '评分已提交并锁定')
    })
    expect(ok).toBe(false)
    expect(busy.value).toBe(false)
    expect(shown[shown.length - 1]).toBe('评分已提交并锁定（SCORES_LOCKED）')
  })
})
