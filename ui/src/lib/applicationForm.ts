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
