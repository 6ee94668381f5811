// The app's session: which database is open, which rounds exist and which one the user is
// working on. Data always comes from the Rust side; this module only caches the last answer
// and refreshes it when the database reports a change.
import { computed, reactive } from 'vue'
import { AppError, api, exchangeApi, onStoreChanged, toAppError, type AppInfo, type CopyInfo, type Entity, type Round } from '../ipc'

const ROUND_KEY = 'park-review.round'

export const session = reactive({
  info: null as AppInfo | null,
  /** Whose copy the database is: on an expert's laptop (a review package imported), that
   * expert's code and the secretariat's pinned fingerprint. */
  copy: null as CopyInfo | null,
  rounds: [] as Round[],
  currentRoundId: null as number | null,
  loaded: false,
  /** Set when the database cannot be used at all (e.g. DB_SCHEMA_TOO_NEW). */
  fatal: null as AppError | null,
  /** How often each kind of entity changed since start-up: views watch the ones they show
   * (see `useLiveQuery`). */
  changes: {} as Partial<Record<Entity, number>>,
})

export const currentRound = computed<Round | null>(
  () => session.rounds.find((r) => r.id === session.currentRoundId) ?? null,
)

export async function refreshSession(): Promise<void> {
  try {
    // Asked together: each answer waits for nothing but the database.
    const [info, rounds, copy] = await Promise.all([
      session.info ?? api.appInfo(),
      api.listRounds(),
      exchangeApi.databaseCopy(),
    ])
    session.info = info
    session.rounds = rounds
    session.copy = copy
    session.fatal = null
    const remembered = Number(localStorage.getItem(ROUND_KEY))
    const keep = session.rounds.find((r) => r.id === (session.currentRoundId ?? remembered))
    session.currentRoundId = keep?.id ?? session.rounds[0]?.id ?? null
  } catch (err) {
    session.fatal = toAppError(err)
  } finally {
    if (!session.loaded) performance.mark('park-review:session')
    session.loaded = true
  }
}

export function selectRound(id: number) {
  session.currentRoundId = id
  localStorage.setItem(ROUND_KEY, String(id))
}

export async function startSession(): Promise<void> {
  await refreshSession()
  await onStoreChanged(({ entity }) => {
    session.changes[entity] = (session.changes[entity] ?? 0) + 1
    // The rounds list changes with rounds only; a keystroke's draft changes nothing here.
    if (entity === 'round') void refreshSession()
  })
}
