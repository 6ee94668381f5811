import { beforeEach, describe, expect, it, vi } from 'vitest'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }))

import { AppError, api, toAppError } from './index'

describe('ipc errors', () => {
  beforeEach(() => invoke.mockReset())

  it('keeps the code and message of a command error', async () => {
    invoke.mockRejectedValueOnce({ code: 'DEMO_ALREADY_LOADED', message: '示例批次已经载入过' })
    await expect(api.loadDemo()).rejects.toMatchObject({
      code: 'DEMO_ALREADY_LOADED',
      message: '示例批次已经载入过',
    })
  })

  it('reports a bridge failure with its own code, in Chinese', () => {
    const err = toAppError('command list_foo not found')
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('IPC_FAILURE')
    expect(err.message).toContain('通信失败')
  })

  it('passes camel-cased arguments that Tauri maps to the Rust parameters', async () => {
    invoke.mockResolvedValueOnce([])
    await api.listApplications(7)
    expect(invoke).toHaveBeenCalledWith('list_applications', { roundId: 7 })
  })
})
