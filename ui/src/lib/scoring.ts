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

/** A criterion's fields as the rubric drawer marks them: `code`, `title`, `max_points`, `step`,
 * `bands` → an i18n key with its values. Mirrors the draft checks of
 * park_review_domain::rubric (the total is checked when the round opens, not here). */
export function criterionProblems(c: Criterion, otherCodes: string[]): Record<string, { key: string; values?: Record<string, unknown> }> {
  const out: Record<string, { key: string; values?: Record<string, unknown> }> = {}
  const code = c.code.trim()
  if (!code) out.code = { key: 'rubric.errors.required' }
  else if (/\s/.test(code)) out.code = { key: 'rubric.errors.codeSpace' }
  else if (otherCodes.includes(code)) out.code = { key: 'rubric.errors.codeTaken', values: { code } }
  if (!c.title.trim()) out.title = { key: 'rubric.errors.required' }
  const max = toCenti(c.max_points ?? NaN)
  const step = toCenti(c.step ?? NaN)
  if (max === null || max <= 0) out.max_points = { key: 'rubric.errors.positive', values: { value: c.max_points ?? '' } }
  if (step === null || step <= 0) out.step = { key: 'rubric.errors.positive', values: { value: c.step ?? '' } }
  else if (max !== null && max > 0 && max % step !== 0) out.max_points = { key: 'rubric.errors.offStep', values: { max: c.max_points, step: c.step } }
  const bands = [...c.bands].map((b) => ({ b, lo: toCenti(b.min_points ?? NaN), hi: toCenti(b.max_points ?? NaN) }))
  for (const { b, lo, hi } of bands) {
    if (!b.label.trim()) out.bands = { key: 'rubric.errors.bandLabel' }
    else if (lo === null || hi === null || lo < 0 || lo > hi || (max !== null && hi > max))
      out.bands = { key: 'rubric.errors.bandRange', values: { label: b.label, lo: b.min_points, hi: b.max_points, max: c.max_points } }
  }
  const sorted = bands.filter((x) => x.lo !== null && x.hi !== null).sort((x, y) => x.lo! - y.lo!)
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].lo! <= sorted[i - 1].hi!) out.bands ??= { key: 'rubric.errors.bandOverlap', values: { a: sorted[i - 1].b.label, b: sorted[i].b.label } }
  return out
}
