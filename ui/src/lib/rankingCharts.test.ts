import { describe, expect, it } from 'vitest'
import type { RankingReport, RankingRow } from '../ipc'
import { leniency, spreadSeries } from './rankingCharts'

const row = (code: string, material: number | null, experts: Array<[string, number]>): RankingRow => ({
  rank: null, code, park_name: code, city: '广州市', registration_order: 1, eligible: true,
  material_score: material, site_score: null, site_record_ref: null, comprehensive_score: null,
  incomplete: true, selected: false, tie_break: null, industrial_base: null,
  submitted: experts.length, assigned: experts.length,
  experts: experts.map(([expert, total]) => ({ expert, total, adjusted: null, outlier: null })),
})

const report = { rows: [row('A', 80, [['E1', 85], ['E2', 75]]), row('B', 60, [['E1', 70], ['E3', 50]]), row('C', null, [])] } as unknown as RankingReport

describe('ranking charts', () => {
  it('puts every expert total over its application', () => {
    const s = spreadSeries(report)
    expect(s.codes).toEqual(['A', 'B'])
    expect(s.dots).toEqual([[0, 85, 'E1'], [0, 75, 'E2'], [1, 70, 'E1'], [1, 50, 'E3']])
    expect(s.aggregate).toEqual([80, 60])
  })

  it('measures leniency as the mean deviation from the aggregate', () => {
    expect(leniency(report)).toEqual([
      { expert: 'E1', deviation: 7.5, n: 2 },
      { expert: 'E2', deviation: -5, n: 1 },
      { expert: 'E3', deviation: -10, n: 1 },
    ])
  })
})
