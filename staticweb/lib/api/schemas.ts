import { z } from "zod";

// Response shapes of the Patient Tracker API. Every response body the UI reads is parsed with
// one of these, so a drift between the API and the UI fails loudly in one place instead of as
// `undefined` deep in a component. `openapi.test.ts` checks them against the API's OpenAPI
// description when `handler/api/openapi.json` exists.

// Zod 4 probes `new Function("")` to compile faster parsers. The CSP forbids eval, so the probe
// would only raise a violation report on every page; jitless parsing is plenty fast here.
z.config({ jitless: true });

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
const nullableString = z.string().nullish().transform((v) => v ?? null);

export const sexValues = ["female", "male", "other", "unknown"] as const;
export const sexSchema = z.enum(sexValues);
export type Sex = z.infer<typeof sexSchema>;

export const roleValues = ["admin", "clinician", "frontdesk", "analyst"] as const;
export const roleSchema = z.enum(roleValues);
export type Role = z.infer<typeof roleSchema>;

export const visitStatusValues = [
  "planned",
  "arrived",
  "in-progress",
  "finished",
  "cancelled",
  "entered-in-error",
] as const;
export const visitStatusSchema = z.enum(visitStatusValues);
export type VisitStatus = z.infer<typeof visitStatusSchema>;

export const clientPrincipalSchema = z.object({
  identityProvider: z.string(),
  userId: z.string(),
  userDetails: z.string(),
  userRoles: z.array(z.string()),
});
export type ClientPrincipal = z.infer<typeof clientPrincipalSchema>;

export const authMeSchema = z.object({ clientPrincipal: clientPrincipalSchema.nullable() });

export const meSchema = z.object({
  staffId: z.string(),
  email: z.string(),
  displayName: nullableString,
  role: roleSchema,
  permissions: z.array(z.string()).default([]),
});
export type Me = z.infer<typeof meSchema>;

export const addressSchema = z.object({
  lines: z.array(z.string()).default([]),
  city: nullableString,
  region: nullableString,
  postalCode: nullableString,
  country: nullableString,
});
export type Address = z.infer<typeof addressSchema>;

export const identifierSchema = z.object({ system: z.string(), value: z.string() });

export const patientSummarySchema = z.object({
  id: z.string(),
  mrn: z.string(),
  givenNames: z.string(),
  familyName: z.string(),
  birthDate: dateOnly,
  sex: sexSchema,
  phone: nullableString,
  archivedAt: nullableString,
});
export type PatientSummary = z.infer<typeof patientSummarySchema>;

export const patientSchema = patientSummarySchema.extend({
  email: nullableString,
  address: addressSchema.nullish().transform((v) => v ?? null),
  preferredLanguage: nullableString,
  deceasedDate: dateOnly.nullish().transform((v) => v ?? null),
  identifiers: z.array(identifierSchema).default([]),
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: nullableString,
  updatedAt: z.string(),
  updatedBy: nullableString,
  archiveReason: nullableString,
});
export type Patient = z.infer<typeof patientSchema>;

export const patientSearchResultSchema = z.object({
  items: z.array(patientSummarySchema),
  nextCursor: nullableString,
  total: z.number().int().nonnegative(),
});
export type PatientSearchResult = z.infer<typeof patientSearchResultSchema>;

export const createdPatientSchema = patientSchema.extend({
  possibleDuplicates: z.array(z.object({ id: z.string(), mrn: z.string() })).default([]),
});
export type CreatedPatient = z.infer<typeof createdPatientSchema>;

export const visitSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  start: z.string(),
  end: nullableString,
  status: visitStatusSchema,
  reason: nullableString,
  reasonCode: nullableString,
  notes: z.string().nullish(),
  clinicianId: nullableString,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Visit = z.infer<typeof visitSchema>;

export const visitPageSchema = z.object({ items: z.array(visitSchema), nextCursor: nullableString });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const staffSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: nullableString,
  role: roleSchema,
  active: z.boolean(),
  boundAt: nullableString,
});
export type Staff = z.infer<typeof staffSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorStaffId: nullableString,
  actorUserId: nullableString,
  actorRole: nullableString,
  action: z.string(),
  objectType: nullableString,
  objectId: nullableString,
  patientId: nullableString,
  outcome: z.string(),
  reason: nullableString,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: nullableString,
});
export const staffListSchema = z
  .union([z.array(staffSchema), z.object({ items: z.array(staffSchema) })])
  .transform((v) => (Array.isArray(v) ? v : v.items));

export const configSchema = z.object({
  maxUploadBytes: z.number().int().positive(),
  allowedTypes: z.array(z.string()).min(1),
  allowedExtensions: z.array(z.string()).default([]),
  maxFileNameLength: z.number().int().positive().default(255),
  uploadHeaders: z.record(z.string(), z.string()).default({}),
});
export type AppConfig = z.infer<typeof configSchema>;

export const documentStatusValues = [
  "pending_upload",
  "processing",
  "ready",
  "failed",
  "quarantined",
] as const;
export const documentStatusSchema = z.enum(documentStatusValues);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;

export const documentSummarySchema = z.object({
  id: z.string(),
  patientId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  mediaType: nullableString,
  sizeBytes: z.number().int().nullish().transform((v) => v ?? null),
  declaredSize: z.number().int().nonnegative(),
  status: documentStatusSchema,
  reason: nullableString,
  category: nullableString,
  warnings: z.array(z.string()).default([]),
  version: z.number().int(),
  createdAt: z.string(),
  processedAt: nullableString,
  archivedAt: nullableString,
});
export type DocumentSummary = z.infer<typeof documentSummarySchema>;

export const documentPageSchema = z.object({
  items: z.array(documentSummarySchema),
  nextCursor: nullableString,
});

export const classificationSchema = z.object({
  category: z.string(),
  evidence: z.array(z.string()).default([]),
  score: z.number(),
});

export const documentDetailSchema = documentSummarySchema.omit({ category: true }).extend({
  sha256: nullableString,
  detectedType: nullableString,
  kind: nullableString,
  duplicateOf: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
  text: nullableString,
  textSource: nullableString,
  classification: classificationSchema.nullish().transform((v) => v ?? null),
  dates: z.array(z.object({ text: z.string(), date: z.string() })).default([]),
  mrns: z.array(z.string()).default([]),
});
export type DocumentDetail = z.infer<typeof documentDetailSchema>;

/** The answer to an upload request: where to PUT the bytes, and with which headers. */
export const documentUploadSchema = z.object({
  documentId: z.string(),
  document: documentSummarySchema.omit({ category: true }),
  uploadUrl: z.string().min(1),
  uploadHeaders: z.record(z.string(), z.string()).default({}),
  expiresAt: z.string(),
});
export type DocumentUpload = z.infer<typeof documentUploadSchema>;

export const granularityValues = ["day", "week", "month"] as const;
export type Granularity = (typeof granularityValues)[number];

export const patientStatsSchema = z.object({
  asOf: dateOnly,
  total: z.number(),
  archived: z.number(),
  active: z.number(),
  deceased: z.number(),
  ageBands: z.array(z.object({ band: z.string(), patients: z.number() })),
  ageUnknown: z.number(),
  bySex: z.record(z.string(), z.number()),
  newPatients: z.object({
    granularity: z.enum(granularityValues),
    points: z.array(z.object({ period: dateOnly, registered: z.number(), firstVisits: z.number() })),
  }),
});
export type PatientStats = z.infer<typeof patientStatsSchema>;

export const reasonCountSchema = z.object({ code: z.string(), reason: z.string(), visits: z.number() });
export type ReasonCount = z.infer<typeof reasonCountSchema>;

export const visitTrendPointSchema = z.object({
  period: dateOnly,
  visits: z.number(),
  movingAverage: z.number(),
  uniquePatients: z.number(),
  newPatients: z.number(),
  returningPatients: z.number(),
  byStatus: z.record(z.string(), z.number()).default({}),
});
export type VisitTrendPoint = z.infer<typeof visitTrendPointSchema>;

export const visitTrendsSchema = z.object({
  from: dateOnly,
  to: dateOnly,
  granularity: z.enum(granularityValues),
  movingAverageWindow: z.number().int(),
  points: z.array(visitTrendPointSchema),
  totals: z.object({ visits: z.number(), newPatients: z.number() }),
  topReasons: z.array(reasonCountSchema).default([]),
  rolledUpThrough: dateOnly.nullish().transform((v) => v ?? null),
});
export type VisitTrends = z.infer<typeof visitTrendsSchema>;

export const importKindValues = ["synthea_csv", "patient_csv", "fhir_bundle"] as const;
export type ImportKind = (typeof importKindValues)[number];
export const importRoleValues = ["patients", "encounters", "bundle"] as const;
export type ImportRole = (typeof importRoleValues)[number];

export const importUploadSchema = z.object({
  uploadId: z.string(),
  uploadUrl: z.string().min(1),
  uploadHeaders: z.record(z.string(), z.string()).default({}),
  expiresAt: z.string(),
});
export type ImportUpload = z.infer<typeof importUploadSchema>;

export const importJobSchema = z.object({
  id: z.string(),
  kind: z.enum(importKindValues),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  files: z.array(z.object({ role: z.enum(importRoleValues), uploadId: z.string(), fileName: z.string() })),
  progress: z.object({
    rowsRead: z.number(),
    rowsLoaded: z.number(),
    rowsRejected: z.number(),
    rowsWarned: z.number(),
    patientsCreated: z.number(),
    patientsMatched: z.number(),
    visitsCreated: z.number(),
    visitsMatched: z.number(),
  }),
  errorCode: nullableString,
  createdAt: z.string(),
  startedAt: nullableString,
  finishedAt: nullableString,
});
export type ImportJob = z.infer<typeof importJobSchema>;

export const importReportSchema = z.object({
  items: z.array(
    z.object({
      file: z.number(),
      role: z.enum(importRoleValues),
      line: z.number().nullish().transform((v) => v ?? null),
      entry: z.number().nullish().transform((v) => v ?? null),
      severity: z.enum(["rejected", "warning"]),
      code: z.string(),
      field: nullableString,
    }),
  ),
  nextCursor: nullableString,
});
export type ImportReport = z.infer<typeof importReportSchema>;

/** The CSV column headers of a generic patient CSV (ImportMapping). */
export interface ImportMapping {
  sourceId: string;
  givenNames: string;
  familyName: string;
  birthDate: string;
  sex: string;
  dateFormat?: "YYYY-MM-DD" | "DD/MM/YYYY" | "MM/DD/YYYY" | "DD.MM.YYYY" | "YYYYMMDD";
}

export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  code: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), code: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
