// Pure helpers for the application views: filtering and figures, kept out of components so
// they can be unit-tested.
import type { ApplicationSummary } from '../ipc'
import { i18n } from '../i18n'

/** Filters by a free-text query (park name, code, management body, district) and a city. */
export function filterApplications(
  apps: ApplicationSummary[],
  query: string,
  city: string | null,
): ApplicationSummary[] {
  const needle = query.trim().toLowerCase()
  return apps.filter((app) => {
    if (city && app.city !== city) return false
    if (!needle) return true
    return [app.park_name, app.code, app.management_body, app.district].some((field) =>
      field.toLowerCase().includes(needle),
    )
  })
}

/** The distinct cities of a list, in the order they first appear. */
export function distinctCities(apps: { city: string }[]): string[] {
  return [...new Set(apps.map((app) => app.city))]
}

/** 亩 with at most one decimal and the UI language's separators: 1,260 / 298.5. */
export function formatArea(mu: number, locale: string = i18n.global.locale.value): string {
  return mu.toLocaleString(locale, { maximumFractionDigits: 1 })
}

/** A stored time stamp (RFC 3339 with offset) for display: `2026-11-27 09:30:00 +08:00`. */
/** A stored time (RFC 3339, the local clock with its offset) as people read it:
 * `2026-11-27 09:30` — the clock time where it was recorded; seconds and offset are in
 * [`fullTimestamp`], shown on hover. */
export function formatTimestamp(stamp: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(stamp)
  if (!match) return stamp
  const [, date, time] = match
  return `${date} ${time}`
}

/** The whole stored time, with seconds and the UTC offset: `2026-11-27 09:30:00 +08:00`. */
export function fullTimestamp(stamp: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(stamp)
  if (!match) return stamp
  const [, date, time, zone] = match
  return `${date} ${time} ${zone === 'Z' ? '+00:00' : zone}`
}
