// Errors in English. The Rust side sends each error with its stable code, its Chinese message
// and its named values (`args`); the Chinese UI shows the message as sent, the English UI says
// the code's sentence here, with the values when the error carries them all. The types make
// every code have a sentence: a new code does not compile until it is written here.
import type { ErrorCode } from '../ipc/bindings/ErrorCode'

type Code = ErrorCode | 'IPC_FAILURE'

/** What each code means, and what to do, without the particulars. */
export const general: Record<Code, string> = {
  CLI_USAGE: 'The command could not be understood.',
  DB_DIR_MISSING: 'The folder for the database does not exist. Create it, or choose another location.',
  DB_UNREADABLE: 'The database file cannot be read or written. Check its permissions.',
  DB_NOT_SQLITE: 'This file is not a ParkReview database; it was not opened and is unchanged.',
  DB_SCHEMA_TOO_NEW: 'The database was written by a newer ParkReview; it was not opened. Update the program.',
  DB_FAILURE: 'The database could not complete the change (disk full, or the file is damaged); nothing was saved.',
  IMPORT_MALFORMED: 'The file is not in the expected format; nothing was imported.',
  IMPORT_TOO_LARGE: 'The file is larger than ParkReview reads (size, rows, records or text length); nothing was imported.',
  DEMO_ALREADY_LOADED: 'The demo round is already loaded.',
  NOT_FOUND: 'Not found.',
  ROUND_EXISTS: 'A round of this year and kind already exists.',
  INVALID_YEAR: 'The year is outside 2017–2100.',
  INVALID_ROUND_KIND: 'Unknown round kind.',
  INVALID_TRANSITION: 'A round moves only from draft to open to closed.',
  UNKNOWN_CITY: 'Not a prefecture-level city of Guangdong.',
  INVALID_CREDIT_CODE: 'The unified social credit code fails its check (GB 32100-2015).',
  OUT_OF_RANGE: 'A value is outside its allowed range.',
  DUPLICATE_CODE: 'This code is already used in the round.',
  INVALID_RUBRIC: 'The rubric is not valid (total, codes, steps or bands); it was not saved.',
  ATTACHMENT_TAMPERED: 'The attachment no longer matches the file recorded when it was added.',
  POINTS_OFF_STEP: 'The points are not a multiple of the criterion\'s step.',
  RUBRIC_FROZEN: 'The rubric froze when the round opened and can no longer change.',
  ROUND_NOT_OPEN: 'The round is not open for review.',
  NOT_ASSIGNED: 'The expert is not assigned to this application.',
  CONFLICT_OF_INTEREST: 'The expert has a conflict of interest with this application (recusal).',
  NOT_DECLARED: 'Sign the no-conflict pledge for this application first.',
  SCORES_LOCKED: 'The scores were submitted and are locked; only the secretariat can reopen them.',
  SCORES_INCOMPLETE: 'Score every criterion and write the overall opinion before submitting.',
  NO_VALID_ASSIGNMENT: 'Too few experts without a conflict for some applications.',
  KEY_EXISTS: 'A signing key already exists; revoke or replace it instead.',
  NO_KEY: 'No signing key yet: create one first.',
  WRONG_PASSPHRASE: 'The passphrase does not open the private key; nothing was changed.',
  WEAK_PASSPHRASE: 'The passphrase is too easy to guess: use at least 8 characters, 5 different, not a run or a common password.',
  NO_TRUST_SOURCE: 'The signatures are intact, but there is no database or trusted certificate to check who signed.',
  NOT_PERMITTED: 'This is an expert\'s copy of the review: the action belongs to the secretariat\'s database.',
  NOT_SUBMITTED: 'Only submitted scores can be put on a signed sheet.',
  SIGNATURE_INVALID: 'The signature is not valid, or the file was changed after signing.',
  RANKING_FINALISED: 'The ranking is finalised and no longer changes.',
  OUTLIERS_UNRESOLVED: 'Record how each flagged outlier was resolved before finalising.',
  PACKAGE_SIGNER_CHANGED: 'This review package is signed by a certificate other than the secretariat\'s pinned one; nothing was imported.',
  PACKAGE_OUTDATED: 'A newer review package was already imported here; this older one changes nothing.',
  BUNDLE_OUTDATED: 'A newer score bundle of this expert was already imported; this older one changes nothing.',
  CERT_NOT_REGISTERED: 'The bundle is signed by a certificate not registered for this expert; register it after confirming its fingerprint.',
  CHECKLIST_FROZEN: 'The checklist froze when the first inspection started (or the round left draft); it can no longer change.',
  INSPECTION_INCOMPLETE: 'The inspection cannot be finalised yet: answer every required item and attach its evidence.',
  INSPECTION_FINALISED: 'The inspection was finalised and is locked; only the secretariat can reopen it, with a reason.',
  SITE_SCORE_FROM_RECORD: 'This application\'s site score comes from its finalised inspection record and cannot be entered by hand.',
  AUDIT_CHAIN_BROKEN: 'The audit log\'s hash chain does not hold: an entry was changed, deleted or inserted outside ParkReview.',
  PUBLICITY_NOT_OVER: 'The publicity period has not ended yet; the list is published after it.',
  OBJECTION_UNDECIDED: 'An objection has no decision yet; decide every objection before publishing.',
  FORMAL_REVIEW_PENDING: 'An application that could be selected has not completed its formal review; complete it (or rule it failed) before finalising.',
  CITY_QUOTA_EXCEEDED: 'The city would recommend more applications this year than the guide allows (P2).',
  OBJECTIVE_SCORES_DIFFER: 'Experts gave different points on an objective criterion; the panel settles it in the review of results before the ranking is finalised.',
  RECHECK_CASE_REQUIRED: 'A submitted score changes in the review of results only for one of the four cases, with a reason.',
  NOT_PANEL_MEMBER: 'This expert is not on the round\'s panel.',
  OUTPUT_EXISTS: 'A file with other contents already exists there; it was not replaced.',
  IO: 'A file could not be read or written.',
  INTERNAL: 'Internal error; please report it with the details below.',
  IPC_FAILURE: 'The app could not reach its background process.',
}

/** The same, with the particulars the error carries (`{name}` is one of its `args`). */
export const particular: Partial<Record<Code, string>> = {
  DB_DIR_MISSING: 'The folder {path} does not exist. Create it, or choose another location for the database.',
  DB_UNREADABLE: 'The database file {path} cannot be read or written. Check its permissions.',
  DB_NOT_SQLITE: '{path} is not a ParkReview database; it was not opened and is unchanged.',
  DB_SCHEMA_TOO_NEW: '{path} was written by a newer ParkReview (schema {found}; this one reads up to {supported}). Update the program; the file is unchanged.',
  NOT_FOUND: '“{key}” was not found.',
  ROUND_EXISTS: 'The {year} round already exists ({code}).',
  DEMO_ALREADY_LOADED: 'The demo round is already loaded ({code}).',
  INVALID_YEAR: 'The year {year} is outside 2017–2100: enter a four-digit year such as 2026.',
  INVALID_ROUND_KIND: 'Unknown round kind “{kind}”: use designation or annual_assessment.',
  INVALID_TRANSITION: 'A round cannot go from “{from}” to “{to}”: draft → open → closed.',
  UNKNOWN_CITY: '“{city}” is not a prefecture-level city of Guangdong.',
  INVALID_CREDIT_CODE: 'The unified social credit code “{code}” fails its check.',
  OUT_OF_RANGE: '{field}: {value} is outside the allowed range.',
  DUPLICATE_CODE: 'The code “{code}” is already used in this round.',
  POINTS_OFF_STEP: '{criterion}: {points} is not a multiple of the step {step}.',
  IMPORT_MALFORMED: 'The file has {count} problems; nothing was imported.',
}

/** The English sentence for an error: the particular one when every value it names came with
 * the error, else the general one. */
export function englishError(code: Code, args: Record<string, string>): { text: string; particular: boolean } {
  const template = particular[code]
  const names = template ? [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]) : []
  if (template && names.every((n) => n in args)) {
    return { text: template.replace(/\{(\w+)\}/g, (_, n: string) => args[n]), particular: true }
  }
  return { text: general[code] ?? general.INTERNAL, particular: false }
}
