// The scoring workspace's checks, mirroring park_review_domain::rubric so that a typo is shown
// beside the field at once. The Rust side checks again and is the authority: nothing the UI lets
// through is stored unless the store accepts it.
import type { Band, Criterion } from '../ipc'

export type PointsCheck =
  | { kind: 'empty' }
  | { kind: 'ok'; points: number }
  | { kind: 'error'; code: 'OUT_OF_RANGE' | 'POINTS_OFF_STEP'; reason: 'notNumber' | 'range' | 'step' }

/** Points as integer hundredths, or null if not a number with at most two decimals. */
export function toCenti(points: number): number | null {
  if (!Number.isFinite(points)) return null
  const scaled = points * 100
  const rounded = Math.round(scaled)
  return Math.abs(scaled - rounded) < 1e-6 ? rounded : null
}

/** `7`, `7.5`, `7.25`: as the scoring sheet prints them. */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100)
}

/** Checks what the expert typed, accepting full-width digits and a full-width point. */
export function checkPoints(criterion: Criterion, typed: string): PointsCheck {
  const text = typed
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
  if (text === '') return { kind: 'empty' }
  if (!/^-?\d+(\.\d*)?$/.test(text)) return { kind: 'error', code: 'OUT_OF_RANGE', reason: 'notNumber' }
  const points = Number(text)
  const centi = toCenti(points)
  const max = toCenti(criterion.max_points) ?? 0
  if (centi === null) return { kind: 'error', code: 'OUT_OF_RANGE', reason: 'notNumber' }
  if (centi < 0 || centi > max) return { kind: 'error', code: 'OUT_OF_RANGE', reason: 'range' }
  const step = Math.max(toCenti(criterion.step) ?? 1, 1)
  if (centi % step !== 0) return { kind: 'error', code: 'POINTS_OFF_STEP', reason: 'step' }
  return { kind: 'ok', points: centi / 100 }
}

/** The band (档次) the points fall in. */
export function bandFor(criterion: Criterion, points: number): Band | undefined {
  const centi = toCenti(points)
  if (centi === null) return undefined
  return criterion.bands.find((b) => (toCenti(b.min_points) ?? 0) <= centi && centi <= (toCenti(b.max_points) ?? -1))
}

/** The sum of points, exact to the hundredth. */
export function sumPoints(points: Array<number | null | undefined>): number {
  return points.reduce<number>((sum, p) => sum + (p == null ? 0 : Math.round(p * 100)), 0) / 100
}
