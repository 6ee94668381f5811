// Views show what the database holds and query again when it changes. The Rust side announces
// every committed write with the entity it changed (`store-changed`); a view names the entities
// it shows and is loaded again when the round changes or one of them does — once, and not also
// by hand after its own writes.
//
// Loads of one view never overlap: a change that comes while a load is on its way queues one more
// load after it. Without that, a slow load begun before a write could answer after the quick one
// begun after it, and the view would show the older state until the next change.
import { getCurrentScope, onScopeDispose, watch, type WatchSource } from 'vue'
import type { Entity } from '../ipc'
import { currentRound, session } from './session'

/** Every entity but the per-keystroke score drafts: for summaries such as the home page. */
export const ALL_BUT_DRAFTS: readonly Entity[] = [
  'round',
  'application',
  'attachment',
  'eligibility',
  'rubric',
  'expert',
  'assignment',
  'scores',
  'key',
  'sheet',
  'ranking',
  'exchange',
  'inspection',
]

/** Calls `load` now, when the current round changes, when one of `entities` changes, and when
 * any of `sources` (a view's own inputs, e.g. the application shown) changes. */
export function useLiveQuery(
  load: () => unknown,
  entities: readonly Entity[],
  sources: WatchSource[] = [],
): void {
  let running = false
  let again = false
  let stopped = false
  if (getCurrentScope()) onScopeDispose(() => (stopped = true))
  async function run() {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      do {
        again = false
        try {
          await load()
        } catch (err) {
          // A view reports its own errors; one that did not must not stop later loads.
          console.error(err)
        }
      } while (again && !stopped)
    } finally {
      running = false
    }
  }
  watch(
    () => [currentRound.value?.id, ...entities.map((e) => session.changes[e] ?? 0), ...sources.map((s) => (typeof s === 'function' ? s() : s.value))],
    () => void run(),
    { immediate: true },
  )
}
