import { describe, expect, it } from 'vitest'
import { effectScope, nextTick } from 'vue'
import type { Round } from '../ipc'
import { session } from './session'
import { useLiveQuery } from './live'

describe('useLiveQuery', () => {
  it('loads once at first, again when an entity it shows changes, and not for others', async () => {
    let loads = 0
    const scope = effectScope()
    scope.run(() => useLiveQuery(() => loads++, ['rubric', 'round']))
    expect(loads).toBe(1)
    session.changes.rubric = (session.changes.rubric ?? 0) + 1
    await nextTick()
    expect(loads).toBe(2)
    session.changes.expert = (session.changes.expert ?? 0) + 1
    session.changes['score-draft'] = (session.changes['score-draft'] ?? 0) + 1
    await nextTick()
    expect(loads).toBe(2)
    session.rounds = [{ id: 42 } as Round]
    session.currentRoundId = 42
    await nextTick()
    expect(loads).toBe(3)
    scope.stop()
    session.changes.rubric! += 1
    await nextTick()
    expect(loads).toBe(3)
  })
})
