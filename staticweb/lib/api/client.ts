import type { z } from "zod";
import { ApiError, parseProblem } from "./problem";
import {
  auditPageSchema,
  authMeSchema,
  configSchema,
  createdPatientSchema,
  documentDetailSchema,
  documentPageSchema,
  importJobSchema,
  meSchema,
  patientSchema,
  patientSearchResultSchema,
  patientStatsSchema,
  staffListSchema,
  staffSchema,
  documentUploadSchema,
  importReportSchema,
  importUploadSchema,
  visitPageSchema,
  visitSchema,
  visitTrendsSchema,
  type Address,
  type AppConfig,
  type AuditEntry,
  type ClientPrincipal,
  type CreatedPatient,
  type DocumentDetail,
  type DocumentSummary,
  type Granularity,
  type DocumentUpload,
  type ImportJob,
  type ImportKind,
  type ImportMapping,
  type ImportReport,
  type ImportRole,
  type ImportUpload,
  type Me,
  type Page,
  type Patient,
  type PatientSearchResult,
  type PatientStats,
  type Role,
  type Sex,
  type Staff,
  type Visit,
  type VisitStatus,
  type VisitTrends,
} from "./schemas";

/** A record with the ETag it was read at; updates send the ETag back as If-Match. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export type ArchivedFilter = "exclude" | "include" | "only";
export const sortValues = [
  "name",
  "-name",
  "birthDate",
  "-birthDate",
  "mrn",
  "-mrn",
  "createdAt",
  "-createdAt",
] as const;
export type PatientSort = (typeof sortValues)[number];

/** Body of `POST /api/patients/search`. Search terms travel only here, never in a URL. */
export interface PatientSearch {
  q?: string;
  sex?: Sex;
  birthDateFrom?: string;
  birthDateTo?: string;
  visitedSince?: string;
  archived?: ArchivedFilter;
  sort?: PatientSort;
  limit?: number;
  cursor?: string;
}

/** The editable fields of a patient. Dates are `YYYY-MM-DD` strings, never instants. */
export interface PatientInput {
  givenNames: string;
  familyName: string;
  birthDate: string;
  sex: Sex;
  phone: string | null;
  email: string | null;
  address: Address | null;
  preferredLanguage: string | null;
  deceasedDate: string | null;
}

/** The editable fields of a visit. `start` and `end` are instants (ISO 8601 with offset). */
export interface VisitInput {
  start: string;
  end: string | null;
  status: VisitStatus;
  reason: string | null;
  reasonCode: string | null;
  notes?: string | null;
}

export interface AuditQuery {
  patientId?: string;
  staffId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** Body of an upload request (documents and imports): display name, declared type, size. */
export interface UploadRequest {
  fileName: string;
  contentType: string;
  size: number;
}

/** Body of `POST /api/imports`: uploaded files by id (never a URL) and their roles. */
export interface ImportCreate {
  kind: ImportKind;
  files: { uploadId: string; role: ImportRole }[];
  mapping?: ImportMapping;
}

/** The subset of `fetch` the client needs; tests pass their own. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The one typed client of the Patient Tracker API. Every method parses its response with the
 * schemas in `schemas.ts` and throws `ApiError` (problem details mapped to field errors) on
 * anything but success. Methods for features that may not be deployed yet (analytics,
 * documents config, imports) resolve to `null` on 404 so screens can hide themselves.
 */
export class ApiClient {
  private readonly fetchImpl: FetchLike;

  constructor(fetchImpl?: FetchLike) {
    this.fetchImpl = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** `GET /.auth/me`: the Static Web Apps principal, or null when signed out. */
  async authMe(): Promise<ClientPrincipal | null> {
    const res = await this.request("/.auth/me");
    return authMeSchema.parse(res.body).clientPrincipal;
  }

  async me(): Promise<Me> {
    return this.get("/api/me", meSchema);
  }

  async searchPatients(search: PatientSearch): Promise<PatientSearchResult> {
    const res = await this.request("/api/patients/search", { method: "POST", body: search });
    return patientSearchResultSchema.parse(res.body);
  }

  async getPatient(id: string): Promise<Versioned<Patient>> {
    const res = await this.request(`/api/patients/${seg(id)}`);
    return versioned(res, patientSchema);
  }

  /** Creates a patient; the same idempotency key for a retried submit creates one record. */
  async createPatient(
    input: PatientInput,
    idempotencyKey: string,
  ): Promise<Versioned<CreatedPatient>> {
    const res = await this.request("/api/patients", {
      method: "POST",
      body: withoutNulls(input),
      headers: { "Idempotency-Key": idempotencyKey },
    });
    return versioned(res, createdPatientSchema);
  }

  /** Sends only the changed fields with If-Match; a stale ETag gives ApiError 412. */
  async updatePatient(
    id: string,
    changes: Partial<PatientInput>,
    etag: string,
  ): Promise<Versioned<Patient>> {
    const res = await this.request(`/api/patients/${seg(id)}`, {
      method: "PATCH",
      body: nullsAsEmpty(changes),
      headers: { "If-Match": etag },
    });
    return versioned(res, patientSchema);
  }

  async archivePatient(id: string, etag: string): Promise<void> {
    await this.request(`/api/patients/${seg(id)}`, {
      method: "DELETE",
      headers: { "If-Match": etag },
    });
  }

  async restorePatient(id: string): Promise<void> {
    await this.request(`/api/patients/${seg(id)}/restore`, { method: "POST" });
  }

  async listVisits(patientId: string, cursor: string | null, limit = 10): Promise<Page<Visit>> {
    const qs = query({ limit: String(limit), cursor: cursor ?? undefined });
    return this.get(`/api/patients/${seg(patientId)}/visits${qs}`, visitPageSchema);
  }

  async createVisit(
    patientId: string,
    input: VisitInput,
    idempotencyKey: string,
  ): Promise<Versioned<Visit>> {
    const res = await this.request(`/api/patients/${seg(patientId)}/visits`, {
      method: "POST",
      body: withoutNulls(input),
      headers: { "Idempotency-Key": idempotencyKey },
    });
    return versioned(res, visitSchema);
  }

  async getVisit(id: string): Promise<Versioned<Visit>> {
    const res = await this.request(`/api/visits/${seg(id)}`);
    return versioned(res, visitSchema);
  }

  async updateVisit(
    id: string,
    changes: Partial<VisitInput>,
    etag: string,
  ): Promise<Versioned<Visit>> {
    const res = await this.request(`/api/visits/${seg(id)}`, {
      method: "PATCH",
      body: nullsAsEmpty(changes),
      headers: { "If-Match": etag },
    });
    return versioned(res, visitSchema);
  }

  async listStaff(): Promise<Staff[]> {
    return this.get("/api/staff", staffListSchema);
  }

  async addStaff(input: { email: string; role: Role; displayName: string }): Promise<Staff> {
    const res = await this.request("/api/staff", { method: "POST", body: input });
    return staffSchema.parse(res.body);
  }

  async updateStaff(id: string, changes: { role?: Role; active?: boolean }): Promise<Staff> {
    const res = await this.request(`/api/staff/${seg(id)}`, { method: "PATCH", body: changes });
    return staffSchema.parse(res.body);
  }

  async listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    const qs = query({
      patientId: q.patientId,
      staffId: q.staffId,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit: q.limit === undefined ? undefined : String(q.limit),
    });
    return this.get(`/api/audit${qs}`, auditPageSchema);
  }

  /** Upload limits; null when the documents feature is not deployed. */
  async config(): Promise<AppConfig | null> {
    return this.optional("/api/config", configSchema);
  }

  async listDocuments(patientId: string, cursor: string | null): Promise<Page<DocumentSummary>> {
    const qs = query({ cursor: cursor ?? undefined, limit: "20" });
    return this.get(`/api/patients/${seg(patientId)}/documents${qs}`, documentPageSchema);
  }

  async getDocument(id: string): Promise<DocumentDetail> {
    return this.get(`/api/documents/${seg(id)}`, documentDetailSchema);
  }

  /** The download link: the API audits the read and redirects to a short-lived SAS. */
  documentContentHref(id: string): string {
    return `/api/documents/${seg(id)}/content`;
  }

  async createUpload(patientId: string, file: UploadRequest): Promise<DocumentUpload> {
    const res = await this.request(`/api/patients/${seg(patientId)}/documents`, {
      method: "POST",
      body: file,
    });
    return documentUploadSchema.parse(res.body);
  }

  /** Patient statistics; null when analytics is not deployed. */
  async patientStats(): Promise<PatientStats | null> {
    return this.optional("/api/analytics/patients", patientStatsSchema);
  }

  async visitTrends(
    from: string,
    to: string,
    granularity: Granularity,
  ): Promise<VisitTrends | null> {
    const qs = query({ from, to, granularity });
    return this.optional(`/api/analytics/visits${qs}`, visitTrendsSchema);
  }

  /** Asks for a SAS to upload one import file; null when imports are not deployed. */
  async createImportUpload(file: UploadRequest): Promise<ImportUpload | null> {
    try {
      const res = await this.request("/api/imports/uploads", { method: "POST", body: file });
      return importUploadSchema.parse(res.body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** Creates the import job for files already uploaded. */
  async createImport(job: ImportCreate): Promise<ImportJob> {
    const res = await this.request("/api/imports", { method: "POST", body: job });
    return importJobSchema.parse(res.body);
  }

  async getImport(id: string): Promise<ImportJob> {
    return this.get(`/api/imports/${seg(id)}`, importJobSchema);
  }

  /** The whole rejection report of an import as a CSV download (line numbers and codes). */
  importReportHref(id: string): string {
    return `/api/imports/${seg(id)}/rejections?format=csv&limit=10000`;
  }

  /** One page of an import's rejected and warned rows (line numbers and codes, no values). */
  async importRejections(id: string, cursor: string | null): Promise<ImportReport> {
    const qs = query({ cursor: cursor ?? undefined, limit: "50" });
    return this.get(`/api/imports/${seg(id)}/rejections${qs}`, importReportSchema);
  }

  private async get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const res = await this.request(path);
    return schema.parse(res.body);
  }

  private async optional<S extends z.ZodType>(
    path: string,
    schema: S,
  ): Promise<z.output<S> | null> {
    try {
      return await this.get(path, schema);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  private async request(path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    const init: RequestInit = {
      method: opts.method ?? "GET",
      headers,
      credentials: "same-origin",
      cache: "no-store",
    };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    const res = await this.fetchImpl(path, init);
    const body = await readBody(res);
    if (sessionEnded(res, path)) {
      throw new ApiError(401, { status: 401, code: "session_expired", title: "Signed out" });
    }
    if (!res.ok) throw new ApiError(res.status, parseProblem(res.status, body));
    return { status: res.status, headers: res.headers, body };
  }
}

/** A 401, or a fetch that followed the 401 → sign-in redirect and landed on an HTML page. */
function sessionEnded(res: Response, path: string): boolean {
  if (res.status === 401) return true;
  if (!path.startsWith("/api/")) return false;
  const type = res.headers.get("content-type") ?? "";
  return res.ok && (res.redirected || type.startsWith("text/html"));
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return null;
  try {
    return (await res.json()) as unknown;
  } catch {
    return null;
  }
}

function versioned<S extends z.ZodType<{ version: number }>>(
  res: RawResponse,
  schema: S,
): Versioned<z.output<S>> {
  const value = schema.parse(res.body);
  const etag = res.headers.get("etag") ?? `"${value.version}"`;
  return { value, etag };
}

/** A create body: absent optional fields are left out (the API takes no nulls). */
export function withoutNulls(v: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    out[k] = x !== null && typeof x === "object" && !Array.isArray(x) ? withoutNulls(x as object) : x;
  }
  return out;
}

/** A PATCH body: a cleared optional field is sent as "" (the API's way to clear it). */
export function nullsAsEmpty(v: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (x === null) out[k] = k === "address" ? { lines: [], city: "", region: "", postalCode: "", country: "" } : "";
    else out[k] = x !== null && typeof x === "object" && !Array.isArray(x) ? nullsAsEmpty(x as object) : x;
  }
  return out;
}

/** Encodes one path segment (ids are opaque, but never trust them to be URL-safe). */
function seg(id: string): string {
  return encodeURIComponent(id);
}

function query(params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== "") qs.set(k, v);
  }
  const s = qs.toString();
  return s === "" ? "" : `?${s}`;
}
