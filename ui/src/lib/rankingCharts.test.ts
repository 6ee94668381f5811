import { describe, expect, it } from 'vitest'
import type { RankingReport, RankingRow } from '../ipc'
import { leniency, radarData, spreadSeries } from './rankingCharts'

const row = (code: string, material: number | null, experts: Array<[string, number]>): RankingRow => ({
  rank: null, code, park_name: code, city: '广州市', registration_order: 1, eligible: true, formal_pending: false,
  material_score: material, site_score: null, site_record_ref: null, comprehensive_score: null,
  incomplete: true, selected: false, tie_break: null, industrial_base: null,
  submitted: experts.length, assigned: experts.length,
  experts: experts.map(([expert, total]) => ({ expert, total, adjusted: null, outlier: null })),
  sections: [
    { code: 'S1', title: '产业基础', max: 25, score: material == null ? null : material / 4 },
    { code: 'S2', title: '研发创新', max: 20, score: material == null ? null : material / 5 },
  ],
})

const report = { rows: [row('A', 80, [['E1', 85], ['E2', 75]]), row('B', 60, [['E1', 70], ['E3', 50]]), row('C', null, [])] } as unknown as RankingReport

describe('ranking charts', () => {
  it('puts every expert total over its application', () => {
    const s = spreadSeries(report)
    expect(s.codes).toEqual(['A', 'B'])
    expect(s.dots).toEqual([[0, 85, 'E1'], [0, 75, 'E2'], [1, 70, 'E1'], [1, 50, 'E3']])
    expect(s.aggregate).toEqual([80, 60])
  })

  it('puts a park against the round average on the radar', () => {
    const r = radarData(report, 'A')
    expect(r.indicators).toEqual([{ name: '产业基础', max: 25 }, { name: '研发创新', max: 20 }])
    expect(r.park).toEqual([20, 16])
    expect(r.average).toEqual([17.5, 14])
  })

  it('measures leniency as the mean deviation from the aggregate', () => {
    expect(leniency(report)).toEqual([
      { expert: 'E1', deviation: 7.5, n: 2 },
      { expert: 'E2', deviation: -5, n: 1 },
      { expert: 'E3', deviation: -10, n: 1 },
    ])
  })
})
