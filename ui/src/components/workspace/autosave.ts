// The workspace's autosave: every valid edit goes to the Rust side at once, one save per field
// in flight with the latest value queued (lib/saver.ts), and what the user sees of it — saving,
// saved at hh:mm:ss, or the failure with its code.
import { reactive } from 'vue'
import { api, assignmentKey, toAppError } from '../../ipc'
import { LatestSaver } from '../../lib/saver'
import { i18n } from '../../i18n'
import { errorText } from '../../lib/notify'

declare global {
  interface Window {
    /** Milliseconds from edit to commit, read by the autosave benchmark. */
    __parkReviewAutosaveMs?: number[]
  }
}

type Edit = { kind: 'points' | 'comment' | 'opinion'; code: string; value: string | number | null }

export interface Target {
  roundId: number
  expert: string
  application: string
  paper: boolean
}

export function useAutosave(target: () => Target, onPointsFailed: (code: string, message: string) => void) {
  const state = reactive({ lastAt: '', failed: '', pending: 0 })
  const saver = new LatestSaver<Edit, unknown>(
    (_key, edit) => {
      const { roundId, expert, application, paper } = target()
      const key = assignmentKey(roundId, expert, application)
      if (edit.kind === 'points') return api.setScore(key, edit.code, edit.value as number | null, paper)
      if (edit.kind === 'comment') return api.setScoreComment(key, edit.code, String(edit.value), paper)
      return api.setOpinion(key, String(edit.value), paper)
    },
    {
      saved: (_key, _result, ms) => {
        state.pending = saver.pending
        state.failed = ''
        state.lastAt = new Date().toLocaleTimeString(i18n.global.locale.value, { hour12: false })
        const log = (window.__parkReviewAutosaveMs ??= [])
        log.push(ms)
        if (log.length > 2000) log.shift()
      },
      failed: (key, err) => {
        state.pending = saver.pending
        const e = toAppError(err)
        state.failed = errorText(e)
        if (key.startsWith('points:')) onPointsFailed(key.slice(7), state.failed)
      },
      settled: () => {
        state.pending = saver.pending
      },
    },
  )
  const queue = (key: string, edit: Edit) => {
    saver.save(key, edit)
    state.pending = saver.pending
  }
  return {
    state,
    points: (code: string, value: number | null) => queue(`points:${code}`, { kind: 'points', code, value }),
    comment: (code: string, value: string) => queue(`comment:${code}`, { kind: 'comment', code, value }),
    opinion: (value: string) => queue('opinion', { kind: 'opinion', code: '', value }),
    flush: () => saver.flush(),
  }
}
