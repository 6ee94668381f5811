// The demo's guide on the home page (issue 17), in English.
export default {
  demoGuide: {
    inProgressTitle: 'Demo: a round in progress — every screen has real content',
    draftTitle: 'Demo: a round from the start',
    completedTitle: 'Demo: a completed round — ranking, panel report and publicity',
    to: { draft: 'Round from the start', inProgress: 'Round in progress', completed: 'Completed round' },
    completed:
      'Four parks were reviewed: every sheet is submitted and signed and the ranking is final; the panel report is signed by the leader and every member whose key is on this laptop (expert {exchange} signs on their own laptop, still to come back); the publicity list is made, and the one objection received in the period is decided (dismissed). The period is over: create the secretariat\'s signing key under Settings, then publish the designation list under Publicity — the parks enter the register of designated parks. The register already holds two demo parks designated in 2023, entered from the notice that designated them before this product was used, as a secretariat enters its earlier designations.',
    secretariat: 'The formal review is done (one result adjusted, with its reason), experts are assigned under the recusal rules, most sheets are submitted and signed; expert {exchange} scored offline on their own laptop (a review package out, a signed score bundle back: see Packages & bundles). Resolve the last outlier under Ranking and finalise, then issue the panel report under Panel.',
    expert: '{expert} has one sheet left: score it against the application, write the opinion, submit, then sign with their own key.',
    tryExpert: 'Try as expert {expert}',
    inspection: 'Two parks were visited with the checklist (each item checked, site photos, one finding that differs from the declared area); their records are final, signed by the leader and countersigned by the member, and their scores are in the ranking; the others\' scores come from paper records. See them under Inspections, or check a record under Verify.',
    passphrase: 'Passphrase of the demo experts\' keys: {passphrase} (public, for the demo only, so the demo keys are not slowly encrypted; never sign anything real with them).',
    draft: 'This round has not started: applications are registered, the formal review is to be done. Work through Formal review, Experts, Rubric and Recusal & assignment; once the review starts, experts can score. To see a round half way through or completed, switch to another demo round.',
  },
}
