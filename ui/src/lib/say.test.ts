import { describe, expect, it, vi } from 'vitest'

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }))
// ElMessage as a record of what was shown and closed: closing calls the message's onClose, as
// Element Plus does; the same text again returns the message already up (grouping).
const up = new Map<string, { close: () => void }>()
const closed: string[] = []
vi.mock('element-plus', () => ({
  ElMessage: vi.fn((o: { message: string; onClose?: () => void }) => {
    const existing = up.get(o.message)
    if (existing) return existing
    const handler = {
      close: () => {
        up.delete(o.message)
        closed.push(o.message)
        o.onClose?.()
      },
    }
    up.set(o.message, handler)
    return handler
  }),
}))

import { say } from './notify'

// Messages rise from the bottom of the window: at most two stay up, so that a stack never reaches
// a dialog's buttons; a new one closes the oldest rather than being dropped (an error is never
// hidden).
describe('messages on screen', () => {
  it('keeps the two newest: a third closes the oldest, and the new one is shown', () => {
    say({ type: 'success', message: '一' })
    say({ type: 'success', message: '二' })
    say({ type: 'error', message: '三' })
    expect([...up.keys()]).toEqual(['二', '三'])
    expect(closed).toEqual(['一'])
  })

  it('counts the same message again once, and forgets one the user closed', () => {
    say({ type: 'error', message: '三' })
    expect([...up.keys()]).toEqual(['二', '三'])
    up.get('二')!.close()
    say({ type: 'success', message: '四' })
    expect([...up.keys()]).toEqual(['三', '四'])
    expect(closed).toEqual(['一', '二'])
  })
})
