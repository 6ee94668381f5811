// The only module that knows @tauri-apps/*. Everything else imports `api` and the generated
// types from here, so the webview's plumbing can change without touching a view.
//
// Every command's arguments and result are typed with the bindings that ts-rs generates from
// the Rust types (ui/src/ipc/bindings, committed; `make check-bindings` fails on drift).
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'

import type { AppInfo } from './bindings/AppInfo'
import type { AuditCheck } from './bindings/AuditCheck'
import type { BackupState } from './bindings/BackupState'
import type { BackupInfo } from './bindings/BackupInfo'
import type { AuditRecord } from './bindings/AuditRecord'
import type { HistoryOf } from './bindings/HistoryOf'
import type { RoundChecklist } from './bindings/RoundChecklist'
import type { Checklist } from './bindings/Checklist'
import type { ChecklistItem } from './bindings/ChecklistItem'
import type { DeclaredFact } from './bindings/DeclaredFact'
import type { InspectionPackageView } from './bindings/InspectionPackageView'
import type { InspectionExchanged } from './bindings/InspectionExchanged'
import type { RecordSigner } from './bindings/RecordSigner'
import type { InspectionSummary } from './bindings/InspectionSummary'
import type { InspectionView } from './bindings/InspectionView'
import type { ItemView } from './bindings/ItemView'
import type { Evidence } from './bindings/Evidence'
import type { Discrepancy } from './bindings/Discrepancy'
import type { TeamInput } from './bindings/TeamInput'
import type { AnswerPatch } from './bindings/AnswerPatch'
import type { ItemStatus } from './bindings/ItemStatus'
import type { StatusFactors } from './bindings/StatusFactors'
import type { CopyInfo } from './bindings/CopyInfo'
import type { ExchangeStatus } from './bindings/ExchangeStatus'
import type { PackageImportedView } from './bindings/PackageImportedView'
import type { SavedContainer } from './bindings/SavedContainer'
import type { BundleRow } from './bindings/BundleRow'
import type { CertificatePreview } from './bindings/CertificatePreview'
import type { CertificateRegistered } from './bindings/CertificateRegistered'
import type { PackageProgress } from './bindings/PackageProgress'
import type { CityInfo } from './bindings/CityInfo'
import type { Clause } from './bindings/Clause'
import type { ApplicationRecord } from './bindings/ApplicationRecord'
import type { Attachment } from './bindings/Attachment'
import type { ApplicationSummary } from './bindings/ApplicationSummary'
import type { ApplicationsImported } from './bindings/ApplicationsImported'
import type { DemoLoaded } from './bindings/DemoLoaded'
import type { DemoRounds } from './bindings/DemoRounds'
import type { DemoInfo } from './bindings/DemoInfo'
import type { Eligibility } from './bindings/Eligibility'
import type { ExportedFile } from './bindings/ExportedFile'
import type { RuleId } from './bindings/RuleId'
import type { CityRecommendation } from './bindings/CityRecommendation'
import type { DesignatedPark } from './bindings/DesignatedPark'
import type { Objection } from './bindings/Objection'
import type { ObjectionDecision } from './bindings/ObjectionDecision'
import type { PublicationState } from './bindings/PublicationState'
import type { PublishedSaved } from './bindings/PublishedSaved'
import type { PanelStatus } from './bindings/PanelStatus'
import type { PanelLeader } from './bindings/PanelLeader'
import type { PanelMember } from './bindings/PanelMember'
import type { RecheckChange } from './bindings/RecheckChange'
import type { RecheckCase } from './bindings/RecheckCase'
import type { ObjectiveDisagreement } from './bindings/ObjectiveDisagreement'
import type { PanelReportSaved } from './bindings/PanelReportSaved'
import type { Material } from './bindings/Material'
import type { MaterialCheck } from './bindings/MaterialCheck'
import type { RuleOutcome } from './bindings/RuleOutcome'
import type { RuleResult } from './bindings/RuleResult'
import type { ErrorCode } from './bindings/ErrorCode'
import type { Expert } from './bindings/Expert'
import type { Round } from './bindings/Round'
import type { RoundKind } from './bindings/RoundKind'
import type { Status } from './bindings/Status'
import type { StoreChanged } from './bindings/StoreChanged'
import type { Entity } from './bindings/Entity'
import type { AssignOutcome } from './bindings/AssignOutcome'
import type { AssignmentKey } from './bindings/AssignmentKey'
import type { AssignmentStage } from './bindings/AssignmentStage'
import type { Band } from './bindings/Band'
import type { BoardCell } from './bindings/BoardCell'
import type { Conflict } from './bindings/Conflict'
import type { Criterion } from './bindings/Criterion'
import type { CriterionScore } from './bindings/CriterionScore'
import type { ExpertAdded } from './bindings/ExpertAdded'
import type { PanelRemoval } from './bindings/PanelRemoval'
import type { ExpertAssignment } from './bindings/ExpertAssignment'
import type { ExpertRecord } from './bindings/ExpertRecord'
import type { ReviewBoard } from './bindings/ReviewBoard'
import type { RoundOpened } from './bindings/RoundOpened'
import type { RoundRubric } from './bindings/RoundRubric'
import type { Rubric } from './bindings/Rubric'
import type { RubricSection } from './bindings/RubricSection'
import type { ScoreRow } from './bindings/ScoreRow'
import type { ScoreSaved } from './bindings/ScoreSaved'
import type { ScoreSheet } from './bindings/ScoreSheet'
import type { SigningStatus } from './bindings/SigningStatus'
import type { StoredKey } from './bindings/StoredKey'
import type { SheetProgress } from './bindings/SheetProgress'
import type { Verification } from './bindings/Verification'
import type { RankingReport } from './bindings/RankingReport'
import type { RankingRow } from './bindings/RankingRow'
import type { RankingSettings } from './bindings/RankingSettings'
import type { Aggregation } from './bindings/Aggregation'
import type { SignatureVerdict } from './bindings/SignatureVerdict'
import type { ConditionFigures } from './bindings/ConditionFigures'
import type { FieldProblem } from './bindings/FieldProblem'
import type { ExpertApplication } from './bindings/ExpertApplication'

export type {
  FieldProblem,
  ConditionFigures,
  ExpertApplication,
  PanelStatus,
  PanelLeader,
  PanelMember,
  RecheckChange,
  RecheckCase,
  ObjectiveDisagreement,
  PanelReportSaved,
  DesignatedPark,
  Objection,
  ObjectionDecision,
  PublicationState,
  PublishedSaved,
  CityRecommendation,
  Material,
  MaterialCheck,
  AuditCheck,
  BackupState,
  BackupInfo,
  AuditRecord,
  HistoryOf,
  Checklist,
  ChecklistItem,
  DeclaredFact,
  RecordSigner,
  Discrepancy,
  AnswerPatch,
  Evidence,
  InspectionSummary,
  InspectionView,
  ItemStatus,
  ItemView,
  RoundChecklist,
  StatusFactors,
  TeamInput,
  ExchangeStatus,
  BundleRow,
  CertificatePreview,
  CopyInfo,
  PackageImportedView,
  SavedContainer,
  AssignmentKey,
  Clause,
  Entity,
  RankingReport,
  RankingRow,
  RankingSettings,
  Aggregation,
  SigningStatus,
  StoredKey,
  SheetProgress,
  Verification,
  SignatureVerdict,
  AssignOutcome,
  AssignmentStage,
  Band,
  BoardCell,
  Conflict,
  Criterion,
  CriterionScore,
  ExpertAdded,
  PanelRemoval,
  ExpertAssignment,
  ExpertRecord,
  ReviewBoard,
  RoundOpened,
  RoundRubric,
  Rubric,
  RubricSection,
  ScoreRow,
  ScoreSaved,
  ScoreSheet,
  AppInfo,
  ApplicationRecord,
  ApplicationSummary,
  ApplicationsImported,
  Attachment,
  CityInfo,
  DemoLoaded,
  DemoRounds,
  DemoInfo,
  Eligibility,
  ErrorCode,
  Expert,
  ExportedFile,
  Round,
  RoundKind,
  RuleId,
  RuleOutcome,
  RuleResult,
  Status,
}

/** An error from a command: a stable code to branch on, a Chinese message to show, and the
 * message's named values (for saying it in English). */
export class AppError extends Error {
  readonly code: ErrorCode | 'IPC_FAILURE'
  readonly args: Record<string, string>
  /** When a record was refused for its fields: each field (as the file format names it) with
   * its own message, for a form to mark. */
  readonly fields: FieldProblem[]

  constructor(code: ErrorCode | 'IPC_FAILURE', message: string, args: Record<string, string> = {}, fields: FieldProblem[] = []) {
    super(message)
    this.code = code
    this.args = args
    this.fields = fields
    this.name = 'AppError'
  }
}

/** Turns whatever `invoke` rejected with into an AppError. Commands reject with `{code, message}`;
 * anything else is a failure of the bridge itself (a missing command, a bad argument). */
export function toAppError(raw: unknown): AppError {
  if (raw instanceof AppError) return raw
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
    const { code, message, args, fields } = raw as { code: ErrorCode; message: string; args?: Record<string, string>; fields?: FieldProblem[] }
    return new AppError(code, String(message), args ?? {}, fields ?? [])
  }
  const detail = raw instanceof Error ? raw.message : String(raw)
  return new AppError('IPC_FAILURE', `与程序后台通信失败：${detail}`)
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (raw) {
    throw toAppError(raw)
  }
}

async function callRaw<T>(command: string, body: Uint8Array, headers: Record<string, string>): Promise<T> {
  try {
    return await invoke<T>(command, body, { headers })
  } catch (raw) {
    throw toAppError(raw)
  }
}

/** The assignment a call is about: the round by its id, the expert and the application by code. */
export function assignmentKey(roundId: number, expert: string, application: string): AssignmentKey {
  return { round_id: roundId, expert, application }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  /** Opens the data folder (or its exports / backups) in the file manager. */
  openDataFolder: (sub: 'exports' | 'backups' | null) => call<null>('open_data_folder', { sub }),
  status: () => call<Status>('status'),
  listRounds: () => call<Round[]>('list_rounds'),
  createRound: (year: number, kind: RoundKind) => call<Round>('create_round', { year, kind }),
  /** P1: a supplementary round of a year whose round exists, with the reason. */
  createSupplementaryRound: (year: number, kind: RoundKind, reason: string) =>
    call<Round>('create_supplementary_round', { year, kind, reason }),
  loadDemo: () => call<DemoRounds>('load_demo'),
  demoInfo: () => call<DemoInfo>('demo_info'),
  listApplications: (roundId: number) => call<ApplicationSummary[]>('list_applications', { roundId }),
  listPanel: (roundId: number) => call<Expert[]>('list_panel', { roundId }),
  applicationRecord: (roundId: number, code: string) =>
    call<ApplicationRecord>('application_record', { roundId, code }),
  importApplications: (roundId: number, fileName: string, bytes: Uint8Array) =>
    call<ApplicationsImported>('import_applications', { roundId, fileName, bytes: Array.from(bytes) }),
  listAttachments: (roundId: number, code: string) => call<Attachment[]>('list_attachments', { roundId, code }),
  /** Sends the file as a raw body (large scans stay cheap); the rest travels in headers. */
  addAttachment: (roundId: number, code: string, clause: string, fileName: string, bytes: Uint8Array) =>
    callRaw<Attachment>('add_attachment', bytes, {
      'x-round-id': String(roundId),
      'x-code': encodeURIComponent(code),
      'x-clause': encodeURIComponent(clause),
      'x-file-name': encodeURIComponent(fileName),
    }),
  /** The file's bytes, verified by the Rust side against the SHA-256 recorded when it was added. */
  readAttachment: (uid: string) => call<ArrayBuffer>('read_attachment', { uid }),
  listCities: () => call<CityInfo[]>('list_cities'),
  createApplication: (roundId: number, record: ApplicationRecord) =>
    call<null>('create_application', { roundId, record }),
  updateApplication: (roundId: number, code: string, record: ApplicationRecord) =>
    call<null>('update_application', { roundId, code, record }),
  eligibility: (roundId: number) => call<Eligibility[]>('eligibility', { roundId }),
  /** Saves applications (`xlsx`/`json`) or the empty Excel template; resolves to the path. */
  exportApplications: (roundId: number, format: 'xlsx' | 'json' | 'template') =>
    call<string>('export_applications', { roundId, format }),
  exportEligibilityPdf: (roundId: number) => call<ExportedFile>('export_eligibility_pdf', { roundId }),
  overrideRule: (roundId: number, applicationCode: string, rule: RuleId, result: RuleResult, reason: string) =>
    call<null>('override_rule', { roundId, applicationCode, rule, result, reason }),
  checkDocuments: (roundId: number, applicationCode: string, rule: RuleId, note: string, by: string) =>
    call<null>('check_documents', { roundId, applicationCode, rule, note, by }),
  /** Several checks at once, one note, the checker's name: all recorded or none. */
  checkDocumentsBatch: (roundId: number, items: Array<[string, RuleId]>, note: string, by: string) =>
    call<null>('check_documents_batch', { roundId, items, note, by }),
  /** P3: the city's recommendation, with its letter (stored with it, in one transaction). */
  recordRecommendation: (
    roundId: number,
    code: string,
    fields: { opinion: string; letter_date: string; signatory: string; order: number },
    letter: { name: string; bytes: Uint8Array } | null,
  ) =>
    callRaw<CityRecommendation>('record_recommendation', letter?.bytes ?? new Uint8Array(), {
      'x-round-id': String(roundId),
      'x-code': encodeURIComponent(code),
      'x-file-name': encodeURIComponent(letter?.name ?? ''),
      'x-fields': encodeURIComponent(JSON.stringify(fields)),
    }),
  /** P4: one material present or missing. */
  checkMaterial: (roundId: number, applicationCode: string, material: Material, present: boolean, note: string) =>
    call<null>('check_material', { roundId, applicationCode, material, present, note }),

  // Material review (资料评审)
  roundRubric: (roundId: number) => call<RoundRubric>('round_rubric', { roundId }),
  replaceRubric: (roundId: number, rubric: Rubric) => call<RoundRubric>('replace_rubric', { roundId, rubric }),
  restoreDefaultRubric: (roundId: number) => call<RoundRubric>('restore_default_rubric', { roundId }),
  deleteRound: (roundId: number, reason: string) => call<Round>('delete_round', { roundId, reason }),
  copyRubric: (roundId: number, from: number) => call<RoundRubric>('copy_rubric', { roundId, from }),
  importRubric: (roundId: number, fileName: string, bytes: Uint8Array) =>
    call<RoundRubric>('import_rubric', { roundId, fileName, bytes: Array.from(bytes) }),
  exportRubric: (roundId: number, format: 'json' | 'xlsx') => call<string>('export_rubric', { roundId, format }),
  openRound: (roundId: number) => call<RoundOpened>('open_round', { roundId }),
  closeRound: (roundId: number) => call<Round>('close_round', { roundId }),
  setReviewSettings: (roundId: number, expertsPerApplication: number, recuseSameCity: boolean) =>
    call<Round>('set_review_settings', { roundId, expertsPerApplication, recuseSameCity }),
  addExpert: (roundId: number, record: ExpertRecord) => call<ExpertAdded>('add_expert', { roundId, record }),
  removeFromPanel: (roundId: number, expert: string, reason: string) =>
    call<PanelRemoval>('remove_from_panel', { roundId, expert, reason }),
  importExperts: (roundId: number, fileName: string, bytes: Uint8Array) =>
    call<ExpertAdded[]>('import_experts', { roundId, fileName, bytes: Array.from(bytes) }),
  reviewBoard: (roundId: number) => call<ReviewBoard>('review_board', { roundId }),
  autoAssign: (roundId: number, perApplication: number | null, seed: number) =>
    call<AssignOutcome>('auto_assign', { roundId, perApplication, seed }),
  setAssignment: (roundId: number, application: string, experts: string[]) =>
    call<string[]>('set_assignment', { roundId, application, experts }),
  addConflict: (key: AssignmentKey, reason: string) => call<null>('add_conflict', { key, reason }),
  dismissConflict: (key: AssignmentKey, conflictKey: string, reason: string) =>
    call<null>('dismiss_conflict', { key, conflictKey, reason }),
  expertAssignments: (roundId: number, expert: string) =>
    call<ExpertAssignment[]>('expert_assignments', { roundId, expert }),
  declareNoConflict: (key: AssignmentKey, paper: boolean) => call<string>('declare_no_conflict', { key, paper }),
  declareConflict: (key: AssignmentKey, reason: string) => call<null>('declare_conflict', { key, reason }),
  scoreSheet: (key: AssignmentKey) => call<ScoreSheet>('score_sheet', { key }),
  setScore: (key: AssignmentKey, criterion: string, points: number | null, paper: boolean) =>
    call<ScoreSaved>('set_score', { key, criterion, points, comment: null, paper }),
  setScoreComment: (key: AssignmentKey, criterion: string, comment: string, paper: boolean) =>
    call<ScoreSaved>('set_score_comment', { key, criterion, comment, paper }),
  setOpinion: (key: AssignmentKey, opinion: string, paper: boolean) => call<ScoreSaved>('set_opinion', { key, opinion, paper }),
  submitScores: (key: AssignmentKey, opinion: string, paper: boolean) =>
    call<ScoreSheet>('submit_scores', { key, opinion, paper }),
  reopenScores: (key: AssignmentKey, reason: string) => call<null>('reopen_scores', { key, reason }),
  listScores: (roundId: number) => call<ScoreRow[]>('list_scores', { roundId }),
  expertApplication: (key: AssignmentKey) => call<ExpertApplication>('expert_application', { key }),
  expertAttachments: (key: AssignmentKey) => call<Attachment[]>('expert_attachments', { key }),
  readExpertAttachment: (key: AssignmentKey, uid: string) => call<ArrayBuffer>('read_expert_attachment', { key, uid }),

  // Signing (签名)
  signingStatus: (expert: string) => call<SigningStatus>('signing_status', { expert }),
  /** The passphrase goes to the Rust side once and is not kept here. */
  createSigningKey: (expert: string, passphrase: string) => call<string>('create_signing_key', { expert, passphrase }),
  changeKeyPassphrase: (expert: string, old: string, next: string) =>
    call<void>('change_key_passphrase', { expert, old, new: next }),
  /** Every key the expert has had: the active one first, then the revoked ones. */
  keyHistory: (expert: string) => call<StoredKey[]>('key_history', { expert }),
  /** The secretariat revokes a key from `from` (RFC 3339; null: now): later signatures no longer count. */
  revokeSigningKey: (expert: string, reason: string, from: string | null) =>
    call<StoredKey>('revoke_signing_key', { expert, reason, from }),
  /** Revokes the expert's key now and makes a new one with the new passphrase. */
  replaceSigningKey: (expert: string, reason: string, passphrase: string) =>
    call<string>('replace_signing_key', { expert, reason, passphrase }),
  saveHandSignature: (expert: string, png: Uint8Array) =>
    call<null>('save_hand_signature', { expert, png: Array.from(png) }),
  handSignature: (expert: string) => call<ArrayBuffer>('hand_signature', { expert }),
  exportSheet: (key: AssignmentKey, passphrase: string) => call<ExportedFile>('export_sheet', { key, passphrase }),
  exportSummary: (roundId: number, expert: string, passphrase: string) =>
    call<ExportedFile>('export_summary', { roundId, expert, passphrase }),
  exportSheets: (roundId: number, expert: string, passphrase: string) =>
    call<string[]>('export_sheets', { roundId, expert, passphrase }),
  /** Every signed sheet of the round (the latest of each), saved to exports/; resolves to the paths. */
  exportRoundSheets: (roundId: number) => call<string[]>('export_round_sheets', { roundId }),
  verifySheet: (bytes: Uint8Array) => call<Verification>('verify_sheet', { bytes: Array.from(bytes) }),
}

export const rankingApi = {
  ranking: (roundId: number) => call<RankingReport>('ranking', { roundId }),
  setSettings: (roundId: number, s: { aggregation: Aggregation; materialWeight: number; outlierMargin: number; selectionCount: number | null; selectionCutoff: number | null }) =>
    call<RankingSettings>('set_ranking_settings', { roundId, ...s }),
  setSiteScore: (roundId: number, application: string, score: number, recordRef: string) =>
    call<null>('set_site_score', { roundId, application, score, recordRef }),
  resolveOutlier: (key: AssignmentKey, resolution: string, note: string) =>
    call<null>('resolve_outlier', { key, resolution, note }),
  finalise: (roundId: number) => call<RankingReport>('finalise_ranking', { roundId }),
  /** The Excel workbook, and with the secretariat's passphrase the signed PDF; resolves to the paths. */
  exportReports: (roundId: number, passphrase: string | null) => call<string[]>('export_ranking', { roundId, passphrase }),
  /** The publicity list as PDF and text in exports/; resolves to the paths. */
  exportPublicity: (roundId: number, start: string, days: number, contact: string) =>
    call<string[]>('export_publicity', { roundId, start, days, contact }),
  createSecretariatKey: (passphrase: string) => call<string>('create_secretariat_key', { passphrase }),
  /** The secretariat's active key, or null before one is made. */
  secretariatKey: () => call<StoredKey | null>('secretariat_key'),
  saveChart: (name: string, png: Uint8Array) => call<string>('save_chart', { name, png: Array.from(png) }),
}

/** The panel (issue 16): leader, 复核 changes, dissents, the report every member signs. */
export const panelApi = {
  status: (roundId: number) => call<PanelStatus>('panel_status', { roundId }),
  setLeader: (roundId: number, expert: string, note: string) => call<PanelLeader>('set_panel_leader', { roundId, expert, note }),
  recheck: (roundId: number, c: { application: string; expert: string; criterion: string; points: number; case: RecheckCase | null; reason: string }) =>
    call<RecheckChange>('record_recheck', { roundId, ...c }),
  dissent: (roundId: number, expert: string, text: string | null) => call<PanelStatus>('record_panel_dissent', { roundId, expert, text }),
  issueReport: (roundId: number, passphrase: string) => call<PanelReportSaved>('issue_panel_report', { roundId, passphrase }),
  signReport: (roundId: number, expert: string, dissent: string | null, passphrase: string) =>
    call<PanelReportSaved>('sign_panel_report', { roundId, expert, dissent, passphrase }),
  /** At the secretariat: a report a member signed on their own laptop. */
  importSignature: (bytes: Uint8Array) => call<PanelReportSaved>('import_panel_report_signature', { bytes: Array.from(bytes) }),
  /** On a member's own laptop: sign the report file the secretariat sent. */
  signFile: (expert: string, bytes: Uint8Array, passphrase: string) =>
    call<PanelReportSaved>('sign_panel_report_file', { expert, bytes: Array.from(bytes), passphrase }),
}

/** After the ranking (issue 16): publicity, objections, publication, the register. */
export const publicationApi = {
  state: (roundId: number) => call<PublicationState>('publication_state', { roundId }),
  addObjection: (roundId: number, application: string, objector: string, receivedOn: string, content: string) =>
    call<Objection>('add_objection', { roundId, application, objector, receivedOn, content }),
  decideObjection: (roundId: number, number: number, decision: ObjectionDecision, reason: string, investigation: string, remove: boolean) =>
    call<Objection>('decide_objection', { roundId, number, decision, reason, investigation, remove }),
  publish: (roundId: number, passphrase: string) => call<PublishedSaved>('publish', { roundId, passphrase }),
  parks: () => call<DesignatedPark[]>('designated_parks'),
  addPark: (p: { parkName: string; city: string; managementBody: string; designatedOn: string; documents: string; reason: string }) =>
    call<DesignatedPark>('add_designated_park', p),
}

/** The audit log (docs/formats/audit.md): the hash chain's check, histories, the signed export. */
export const auditApi = {
  check: () => call<AuditCheck>('audit_check'),
  history: (roundId: number, of: HistoryOf, limit = 200) => call<AuditRecord[]>('audit_history', { roundId, of, limit }),
  /** The whole log as JSON lines with the secretariat's signature beside it; resolves to both paths. */
  exportSigned: (passphrase: string) => call<string[]>('export_audit', { passphrase }),
}

/** Backups (docs/formats/backup.md): the folder, automatic and on-demand backups, restore. */
export const backupApi = {
  state: () => call<BackupState>('backup_state'),
  /** Chooses the folder (an empty string clears it) and makes the first backup there. */
  setFolder: (folder: string) => call<BackupState>('set_backup_folder', { folder }),
  now: () => call<BackupState>('backup_now'),
  /** Restores a snapshot; resolves to what was done (the replaced database is kept aside). */
  restore: (snapshot: string, force: boolean) => call<string>('restore_backup', { snapshot, force }),
}

/** The offline exchange (docs/formats/package.md, bundle.md). */
export const exchangeApi = {
  /** Whose copy this database is: the secretariat's, or one expert's (with the pinned fingerprint). */
  databaseCopy: () => call<CopyInfo>('database_copy'),
  /** Every panel expert's place in the exchange: package sent, certificate, bundle back. */
  status: (roundId: number) => call<ExchangeStatus[]>('exchange_status', { roundId }),
  importPackage: (bytes: Uint8Array) => call<PackageImportedView>('import_package', { bytes: Array.from(bytes) }),
  /** Packages for the named experts (every expert with assignments when empty), to exports/. */
  exportPackages: (roundId: number, experts: string[], passphrase: string) =>
    call<SavedContainer[]>('export_packages', { roundId, experts, passphrase }),
  exportBundle: (roundId: number, passphrase: string) => call<SavedContainer>('export_bundle', { roundId, passphrase }),
  importBundles: (files: { name: string; bytes: Uint8Array }[]) =>
    call<BundleRow[]>('import_bundles', { files: files.map((f) => ({ name: f.name, bytes: Array.from(f.bytes) })) }),
  previewCertificate: (bytes: Uint8Array, fromBundle: boolean) =>
    call<CertificatePreview>('preview_certificate', { bytes: Array.from(bytes), fromBundle }),
  registerCertificate: (expert: string, bytes: Uint8Array, fromBundle: boolean, replaceReason: string | null) =>
    call<CertificateRegistered>('register_certificate', { expert, bytes: Array.from(bytes), fromBundle, replaceReason }),
}

/** Site inspection (实地考察): the checklist, each application's visit. `by` is the team member
 * recording (null: the secretariat at this laptop). */
export const inspectionApi = {
  checklist: (roundId: number) => call<RoundChecklist>('checklist', { roundId }),
  importChecklist: (roundId: number, fileName: string, bytes: Uint8Array) =>
    call<RoundChecklist>('import_checklist', { roundId, fileName, bytes: Array.from(bytes) }),
  /** Saves a checklist edited in the app (a draft round, before the first inspection). */
  saveChecklist: (roundId: number, checklist: Checklist) => call<RoundChecklist>('save_checklist', { roundId, checklist }),
  /** Saves the checklist's JSON to exports/; resolves to the path. */
  exportChecklist: (roundId: number) => call<string>('export_checklist', { roundId }),
  list: (roundId: number) => call<InspectionSummary[]>('list_inspections', { roundId }),
  /** Every expert of the registry (any round), for choosing a team. */
  registry: () => call<Expert[]>('list_registry'),
  get: (roundId: number, application: string) => call<InspectionView>('inspection', { roundId, application }),
  setTeam: (roundId: number, application: string, team: TeamInput) =>
    call<InspectionView>('set_inspection_team', { roundId, application, team }),
  start: (roundId: number, application: string, by: string | null) =>
    call<InspectionView>('start_inspection', { roundId, application, by }),
  answer: (roundId: number, application: string, item: string, answer: AnswerPatch, by: string | null) =>
    call<ItemView>('answer_item', { roundId, application, item, answer, by }),
  attach: (roundId: number, application: string, item: string, fileName: string, bytes: Uint8Array, by: string | null) =>
    callRaw<Evidence>('attach_evidence', bytes, {
      'x-round-id': String(roundId),
      'x-application': encodeURIComponent(application),
      'x-item': encodeURIComponent(item),
      'x-file-name': encodeURIComponent(fileName),
      ...(by ? { 'x-by': encodeURIComponent(by) } : {}),
    }),
  /** The evidence file's bytes, verified against its SHA-256. */
  readEvidence: (uid: string) => call<ArrayBuffer>('read_evidence', { uid }),
  /** The small PNG made when a photo was attached (empty for a document). */
  readEvidenceThumbnail: (uid: string) => call<ArrayBuffer>('read_evidence_thumbnail', { uid }),
  finalise: (roundId: number, application: string, by: string | null) =>
    call<InspectionView>('finalise_inspection', { roundId, application, by }),
  reopen: (roundId: number, application: string, reason: string) =>
    call<InspectionView>('reopen_inspection', { roundId, application, reason }),
  setFactors: (roundId: number, factors: StatusFactors) => call<StatusFactors>('set_site_factors', { roundId, factors }),
  /** Who has signed the record, oldest first (the leader, then each member). */
  recordSignatures: (roundId: number, application: string) => call<RecordSigner[]>('record_signatures', { roundId, application }),
  issueRecord: (roundId: number, application: string, passphrase: string) =>
    call<ExportedFile>('issue_inspection_record', { roundId, application, passphrase }),
  /** The team's laptop: the secretariat's package out, the team's results back. */
  exportPackage: (roundId: number, application: string, passphrase: string) =>
    call<SavedContainer>('export_inspection_package', { roundId, application, passphrase }),
  importPackage: (bytes: Uint8Array) => call<InspectionPackageView>('import_inspection_package', { bytes: Array.from(bytes) }),
  exportBundle: (roundId: number, application: string, passphrase: string) =>
    call<SavedContainer>('export_inspection_bundle', { roundId, application, passphrase }),
  importBundle: (bytes: Uint8Array) => call<InspectionExchanged>('import_inspection_bundle', { bytes: Array.from(bytes) }),
  countersign: (roundId: number, application: string, member: string, dissent: string | null, passphrase: string) =>
    call<ExportedFile>('countersign_inspection_record', { roundId, application, member, dissent, passphrase }),
}

/** Calls `handler` as each review package of a batch is written. */
export function onPackageProgress(handler: (progress: PackageProgress) => void): Promise<UnlistenFn> {
  return listen<PackageProgress>('package-progress', (event) => handler(event.payload))
}

/** Calls `handler` for each signed sheet of a batch as it is written. */
export function onSheetProgress(handler: (progress: SheetProgress) => void): Promise<UnlistenFn> {
  return listen<SheetProgress>('sheet-progress', (event) => handler(event.payload))
}

/** Calls `handler` whenever the Rust side reports a committed change. */
export function onStoreChanged(handler: (change: StoreChanged) => void): Promise<UnlistenFn> {
  return listen<StoreChanged>('store-changed', (event) => handler(event.payload))
}
