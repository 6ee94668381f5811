import { describe, expect, it, vi } from 'vitest'

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }))

import { toAppError } from '../ipc'
import { errorText } from './notify'

// What a user reads when a command fails: the Rust message in Chinese; in English the code's
// sentence, with the error's values when it carries them, else with the Chinese details.
describe('error text', () => {
  const notFound = toAppError({
    code: 'NOT_FOUND',
    message: '找不到评审专家“E099”。请用 `park-review expert list --round R` 查看专家编号。',
    args: { key: 'E099' },
  })

  it('is the Rust message in Chinese', () => {
    expect(errorText(notFound, 'zh-CN')).toBe(`${notFound.message}（NOT_FOUND）`)
  })

  it('is English, with the values, in English', () => {
    expect(errorText(notFound, 'en')).toBe('“E099” was not found. (NOT_FOUND)')
  })

  it('falls back to the general sentence and the Chinese details when values are missing', () => {
    const weak = toAppError({ code: 'WEAK_PASSPHRASE', message: '口令过于单调：至少需要 5 个不同的字符。' })
    const text = errorText(weak, 'en')
    expect(text).toContain('too easy to guess')
    expect(text).toContain('(WEAK_PASSPHRASE)')
    expect(text).toContain('口令过于单调')
    // A particular sentence whose values did not all come is not used half-filled.
    const partial = toAppError({ code: 'POINTS_OFF_STEP', message: '分数不是步长的整数倍', args: { criterion: 'C1.1' } })
    expect(errorText(partial, 'en')).not.toContain('{')
  })

  it('reads a bridge failure in English too', () => {
    expect(errorText(toAppError('boom'), 'en')).toContain('could not reach its background process')
  })
})
