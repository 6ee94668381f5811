// The application form's data: an empty record to start from, and the rows the list editors add.
import type { ApplicationRecord } from '../ipc'

export function emptyApplication(): ApplicationRecord {
  return {
    code: '', park_name: '', city: '', district: '', management_body: '', contact_name: '', contact_phone: '',
    city_recommendation_rank: 1,
    leadership_mechanism: false, has_management_body: false, has_operating_team: false,
    planned_area_mu: 0, land_approved: false, land_ownership_clear: false, conforms_to_plans: false,
    enterprises: [], innovation_platforms: [], rnd_cooperations: [],
    city_policy_status: 'none', county_funding_wan_yuan: 0, county_funding_plan: '',
    service_platforms: [],
    gigabit_fibre_to_park: false, fibre_100m_to_enterprises: false, transport_and_living_facilities: false,
    eia_approved: false, no_major_pollution_3y_pledged: false,
  }
}

/** The conventional code for a new application: year, city code, recommendation order. */
export function suggestCode(year: number, cityCode: string, rank: number): string {
  return `${year}-${cityCode}-${String(rank).padStart(2, '0')}`
}

/** One problem with one field of the form: the field as the record (and the Rust side) names
 * it, e.g. `enterprises[0].credit_code`, and the message to show next to it. */
export interface FormProblem {
  field: string
  message: string
}

type Tab = 'basics' | 'conditions' | 'enterprises' | 'innovation' | 'services'

/** Where a field is: its tab, its label's i18n key, and the row of a list (from 0). */
export function locateField(field: string): { tab: Tab; label: string; row?: number } {
  const list = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(field)
  if (list) {
    const [, name, row, column] = list
    const tab: Tab = name === 'enterprises' ? 'enterprises' : name === 'service_platforms' ? 'services' : 'innovation'
    return { tab, label: `form.fields.${name}.${column}`, row: Number(row) }
  }
  const conditions = [
    'leadership_mechanism', 'has_management_body', 'has_operating_team', 'planned_area_mu', 'land_approved',
    'land_ownership_clear', 'conforms_to_plans', 'city_policy_status', 'county_funding_wan_yuan', 'county_funding_plan',
    'gigabit_fibre_to_park', 'fibre_100m_to_enterprises', 'transport_and_living_facilities', 'eia_approved', 'no_major_pollution_3y_pledged',
  ]
  return { tab: conditions.includes(field) ? 'conditions' : 'basics', label: `form.fields.${field}` }
}

/** What the form can tell before asking the Rust side (which checks everything again): the
 * required fields, and numbers that cannot be negative — refused, never quietly made 0. */
export function formProblems(record: ApplicationRecord, say: (key: string, values?: Record<string, unknown>) => string): FormProblem[] {
  const out: FormProblem[] = []
  const need = (field: string, value: string) => {
    if (!value.trim()) out.push({ field, message: say('form.required') })
  }
  need('city', record.city)
  need('code', record.code)
  need('park_name', record.park_name)
  const number = (field: string, value: number | null | undefined) => {
    if (value === null || value === undefined || !Number.isFinite(value)) out.push({ field, message: say('form.notNumber') })
    else if (value < 0) out.push({ field, message: say('form.negative', { value }) })
  }
  number('planned_area_mu', record.planned_area_mu)
  number('county_funding_wan_yuan', record.county_funding_wan_yuan)
  if (!Number.isInteger(record.city_recommendation_rank) || record.city_recommendation_rank < 1)
    out.push({ field: 'city_recommendation_rank', message: say('form.rankFrom1') })
  record.enterprises.forEach((e, i) => {
    if (!e.name.trim()) out.push({ field: `enterprises[${i}].name`, message: say('form.required') })
    number(`enterprises[${i}].ai_output_wan_yuan`, e.ai_output_wan_yuan)
  })
  return out
}
