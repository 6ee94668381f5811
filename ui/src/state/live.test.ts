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

describe('useLiveQuery, with slow loads', () => {
  it('never runs two loads at once, and loads once more after a change that came during one', async () => {
    const started: number[] = []
    const finish: Array<() => void> = []
    let active = 0
    let most = 0
    const scope = effectScope()
    scope.run(() =>
      useLiveQuery(() => {
        started.push(session.changes.rubric ?? 0)
        active += 1
        most = Math.max(most, active)
        return new Promise<void>((resolve) => finish.push(() => ((active -= 1), resolve())))
      }, ['rubric']),
    )
    const before = session.changes.rubric ?? 0
    expect(started).toEqual([before])
    // Two changes while the first load is on its way: one more load, after it, sees both.
    session.changes.rubric = before + 1
    await nextTick()
    session.changes.rubric = before + 2
    await nextTick()
    expect(started).toEqual([before])
    finish.shift()!()
    await new Promise((r) => setTimeout(r, 0))
    expect(started).toEqual([before, before + 2])
    finish.shift()!()
    await new Promise((r) => setTimeout(r, 0))
    expect(started).toEqual([before, before + 2])
    expect(most).toBe(1)
    scope.stop()
  })
})
