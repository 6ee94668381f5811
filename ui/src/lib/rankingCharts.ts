// Chart data from the ranking report, kept apart from ECharts so it can be tested.
import type { RankingReport } from '../ipc'

/** Score spread: every expert's total as a dot, and the aggregate, per ranked-or-scored application. */
export function spreadSeries(report: RankingReport) {
  const rows = report.rows.filter((r) => r.experts.length > 0)
  return {
    codes: rows.map((r) => r.code),
    dots: rows.flatMap((r, i) => r.experts.map((e) => [i, e.total, e.expert] as [number, number, string])),
    aggregate: rows.map((r) => r.material_score),
  }
}

/** Expert leniency: each expert's mean deviation from the aggregate of the applications they scored. */
export function leniency(report: RankingReport): Array<{ expert: string; deviation: number; n: number }> {
  const sums = new Map<string, { sum: number; n: number }>()
  for (const r of report.rows) {
    if (r.material_score == null) continue
    for (const e of r.experts) {
      const s = sums.get(e.expert) ?? { sum: 0, n: 0 }
      s.sum += e.total - r.material_score
      s.n += 1
      sums.set(e.expert, s)
    }
  }
  return [...sums.entries()]
    .map(([expert, { sum, n }]) => ({ expert, deviation: Math.round((sum / n) * 100) / 100, n }))
    .sort((a, b) => a.expert.localeCompare(b.expert))
}

/** Radar: one park's section scores against the round's average (of the parks with a score). */
export function radarData(report: RankingReport, code: string) {
  const row = report.rows.find((r) => r.code === code)
  const sections = report.rows.find((r) => r.sections.length)?.sections ?? []
  const average = sections.map((s) => {
    const values = report.rows.map((r) => r.sections.find((x) => x.code === s.code)?.score).filter((v): v is number => v != null)
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : 0
  })
  return {
    indicators: sections.map((s) => ({ name: s.title, max: s.max })),
    park: sections.map((s) => row?.sections.find((x) => x.code === s.code)?.score ?? 0),
    average,
  }
}
