import { z } from "zod";

// Response shapes of the Patient Tracker API. Every response body the UI reads is parsed with
// one of these, so a drift between the API and the UI fails loudly in one place instead of as
// `undefined` deep in a component. `openapi.test.ts` checks them against the API's OpenAPI
// description when `handler/api/openapi.json` exists.

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
  staffId: nullableString,
  staffEmail: nullableString,
  action: z.string(),
  patientId: nullableString,
  outcome: z.string(),
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
  allowedContentTypes: z.array(z.string()).min(1),
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
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  status: documentStatusSchema,
  createdAt: z.string(),
  classification: nullableString,
});
export type DocumentSummary = z.infer<typeof documentSummarySchema>;

export const documentPageSchema = z.object({
  items: z.array(documentSummarySchema),
  nextCursor: nullableString,
});

export const documentDetailSchema = documentSummarySchema.extend({
  metadata: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
  classificationEvidence: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  text: nullableString,
});
export type DocumentDetail = z.infer<typeof documentDetailSchema>;

export const uploadIntentSchema = z.object({
  document: documentSummarySchema,
  uploadUrl: z.url(),
});
export type UploadIntent = z.infer<typeof uploadIntentSchema>;

export const countSchema = z.object({ label: z.string(), count: z.number() });
export type Count = z.infer<typeof countSchema>;

export const patientStatsSchema = z.object({
  total: z.number(),
  active: z.number(),
  newPatients: z.array(z.object({ period: z.string(), count: z.number() })).default([]),
  ageBands: z.array(countSchema).default([]),
  sex: z.array(countSchema).default([]),
});
export type PatientStats = z.infer<typeof patientStatsSchema>;

export const granularityValues = ["day", "week", "month"] as const;
export type Granularity = (typeof granularityValues)[number];

export const visitTrendPointSchema = z.object({
  period: z.string(),
  total: z.number(),
  byStatus: z.record(z.string(), z.number()).default({}),
  uniquePatients: z.number(),
  newPatients: z.number(),
  returningPatients: z.number(),
  movingAverage: z.number().nullish().transform((v) => v ?? null),
});
export type VisitTrendPoint = z.infer<typeof visitTrendPointSchema>;

export const visitTrendsSchema = z.object({
  series: z.array(visitTrendPointSchema),
  topReasons: z.array(countSchema).default([]),
});
export type VisitTrends = z.infer<typeof visitTrendsSchema>;

export const importStatusValues = [
  "pending_upload",
  "queued",
  "running",
  "completed",
  "failed",
] as const;
export const importJobSchema = z.object({
  id: z.string(),
  status: z.enum(importStatusValues),
  fileName: nullableString,
  rowsRead: z.number().default(0),
  rowsLoaded: z.number().default(0),
  rowsRejected: z.number().default(0),
  rejections: z.array(z.object({ line: z.number(), reason: z.string() })).default([]),
  uploadUrl: z.url().nullish().transform((v) => v ?? null),
});
export type ImportJob = z.infer<typeof importJobSchema>;

export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  code: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), code: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
