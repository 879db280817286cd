// An in-memory stand-in for the Patient Tracker API, speaking HTTP through a fetch function.
// Unit tests wrap the real ApiClient around it (so parsing, ETags and problem mapping are
// exercised), and scripts/fake-host serves it for screenshots without a backend. It follows
// the contract in the team notes; it is not the API and proves nothing about it.
import type { Role } from "../lib/api/schemas";

type Json = Record<string, unknown>;

interface User {
  id: string;
  staffId: string;
  email: string;
  displayName: string;
  role: Role;
  active: boolean;
}

interface PatientRow extends Json {
  id: string;
  mrn: string;
  givenNames: string;
  familyName: string;
  birthDate: string;
  sex: string;
  version: number;
  createdAt: string;
}

interface VisitRow extends Json {
  id: string;
  patientId: string;
  start: string;
  version: number;
}

/** The dev users of the team notes. */
export const devUsers: readonly User[] = [
  ["dev-admin", "admin", "Ada Admin"],
  ["dev-clinician", "clinician", "Dr Chidi Clinician"],
  ["dev-frontdesk", "frontdesk", "Farah Frontdesk"],
  ["dev-analyst", "analyst", "Anil Analyst"],
].map(([id, role, name], i) => ({
  id: id as string,
  staffId: `00000000-0000-4000-8000-00000000000${i + 1}`,
  email: `${role as string}@clinic.test`,
  displayName: name as string,
  role: role as Role,
  active: true,
}));

const patientFields = new Set([
  "givenNames", "familyName", "birthDate", "sex", "phone", "email", "address",
  "preferredLanguage", "deceasedDate",
]);
const visitFields = new Set(["start", "end", "status", "reason", "reasonCode", "notes", "clinicianId"]);

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, readonly errors: { field: string; code: string }[] = []) {
    super(code);
  }
}

/** Lower-case, accents and apostrophes removed, hyphens as spaces: "zoe obrien nunez". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/['’]/g, "").replace(/-/g, " ");
}

function uuid(): string {
  return crypto.randomUUID();
}

function encodeCursor(v: unknown): string {
  return btoa(JSON.stringify(v));
}

function decodeCursor(c: string): [string, string] {
  return JSON.parse(atob(c)) as [string, string];
}

export interface FakeBackendOptions {
  /** Which dev user is signed in; null means signed out. */
  user?: string | null;
  /** Features that answer 404, as if not deployed yet. */
  missing?: readonly ("analytics" | "documents" | "imports")[];
  now?: () => Date;
}

/** The fake API. `fetch` answers like the real one; `seed*` add data directly. */
export class FakeBackend {
  user: string | null;
  readonly patients = new Map<string, PatientRow>();
  readonly visits = new Map<string, VisitRow>();
  readonly documents = new Map<string, Json>();
  readonly staff: User[] = devUsers.map((u) => ({ ...u }));
  readonly audit: Json[] = [];
  readonly requests: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  private readonly missing: Set<string>;
  private readonly now: () => Date;
  private mrnSeq = 1000;
  private readonly idem = new Map<string, string>();
  private readonly uploads = new Map<string, string>();
  readonly importJobs = new Map<string, Json>();

  constructor(opts: FakeBackendOptions = {}) {
    this.user = opts.user === undefined ? "dev-admin" : opts.user;
    this.missing = new Set(opts.missing ?? []);
    this.now = opts.now ?? (() => new Date());
  }

  /** A fetch for ApiClient. */
  readonly fetch = (input: string, init: RequestInit = {}): Promise<Response> => Promise.resolve(this.answer(input, init));

  private answer(input: string, init: RequestInit): Response {
    const url = new URL(input, "http://fake.test");
    const method = (init.method ?? "GET").toUpperCase();
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const body: unknown = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    this.requests.push({ method, url: url.pathname + url.search, body, headers });
    try {
      const [status, out, extra] = this.route(method, url, headers, body);
      const h = new Headers({ "Content-Type": "application/json", ...extra });
      return new Response(status === 204 ? null : JSON.stringify(out), { status, headers: h });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const problem = {
        type: `urn:pt:error:${err.code}`, title: err.code.replaceAll("_", " "), status: err.status,
        code: err.code, requestId: "01FAKE", ...(err.errors.length > 0 ? { errors: err.errors } : {}),
      };
      return new Response(JSON.stringify(problem), {
        status: err.status, headers: { "Content-Type": "application/problem+json; charset=utf-8" },
      });
    }
  }

  private me(): User {
    const u = this.staff.find((s) => s.id === this.user);
    if (!u) throw new HttpError(401, "unauthenticated");
    if (!u.active) throw new HttpError(403, "forbidden");
    return u;
  }

  private require(...roles: Role[]): User {
    const u = this.me();
    if (!roles.includes(u.role)) throw new HttpError(403, "forbidden");
    return u;
  }

  private route(method: string, url: URL, h: Record<string, string>, body: unknown): [number, unknown, Record<string, string>?] {
    const p = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
    const key = `${method} /${p.map((s, i) => (i >= 2 && /^[0-9a-f-]{36}$/.test(s) ? ":id" : s)).join("/")}`;
    const id = p.find((s, i) => i >= 2 && /^[0-9a-f-]{36}$/.test(s)) ?? "";
    const all: Role[] = ["admin", "clinician", "frontdesk"];
    switch (key) {
      case "GET /.auth/me": {
        const u = this.staff.find((s) => s.id === this.user);
        return [200, { clientPrincipal: u ? { identityProvider: "dev", userId: u.id, userDetails: u.email, userRoles: ["anonymous", "authenticated"] } : null }];
      }
      case "GET /api/me": {
        const u = this.me();
        return [200, { staffId: u.staffId, email: u.email, displayName: u.displayName, role: u.role, permissions: [] }];
      }
      case "POST /api/patients/search": this.require(...all); return [200, this.search(body as Json)];
      case "POST /api/patients": return this.createPatient(this.require(...all), body as Json, h);
      case "GET /api/patients/:id": this.require(...all); return this.withEtag(this.patient(id));
      case "PATCH /api/patients/:id": return this.patchPatient(this.require(...all), id, body as Json, h);
      case "DELETE /api/patients/:id": {
        this.require("admin", "clinician");
        const row = this.checkVersion(this.patient(id), h);
        Object.assign(row, { archivedAt: this.now().toISOString(), version: row.version + 1 });
        return [204, null];
      }
      case "POST /api/patients/:id/restore":
        this.require("admin", "clinician");
        Object.assign(this.patient(id), { archivedAt: null });
        return [204, null];
      case "GET /api/patients/:id/visits": return this.listVisits(this.require(...all), id, url);
      case "POST /api/patients/:id/visits": return this.createVisit(this.require(...all), id, body as Json, h);
      case "GET /api/visits/:id": return this.withEtag(this.visitFor(this.require(...all), id));
      case "PATCH /api/visits/:id": return this.patchVisit(this.require(...all), id, body as Json, h);
      case "GET /api/staff": this.require("admin"); return [200, { items: this.staff.map((s) => this.staffOut(s)) }];
      case "POST /api/staff": return this.addStaff(body as Json);
      case "PATCH /api/staff/:id": {
        this.require("admin");
        const s = this.staff.find((x) => x.staffId === id);
        if (!s) throw new HttpError(404, "not_found");
        Object.assign(s, body);
        return [200, this.staffOut(s)];
      }
      case "GET /api/audit": return this.listAudit(url);
      case "GET /api/config":
        if (this.missing.has("documents")) throw new HttpError(404, "not_found");
        return [200, { maxUploadBytes: 25 * 1024 * 1024, allowedExtensions: [".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".webp", ".gif", ".docx", ".txt"], maxFileNameLength: 255, uploadUrlLifetimeSeconds: 600, downloadUrlLifetimeSeconds: 120, dailyUploadQuota: 0, uploadHeaders: { "x-ms-blob-type": "BlockBlob" }, allowedTypes: ["application/pdf", "image/jpeg", "image/png", "image/tiff", "image/heic", "image/webp", "image/gif", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/plain"] }];
      case "GET /api/patients/:id/documents": return this.listDocuments(id);
      case "POST /api/patients/:id/documents": return this.createUpload(id, body as Json);
      case "GET /api/documents/:id": {
        const d = this.documents.get(id);
        if (!d) throw new HttpError(404, "not_found");
        return [200, d];
      }
      case "GET /api/analytics/patients": this.require("admin", "clinician", "analyst"); return this.stats();
      case "GET /api/analytics/visits": this.require("admin", "clinician", "analyst"); return this.trends(url);
      case "POST /api/imports/uploads":
      case "POST /api/imports":
      case "GET /api/imports/:id":
      case "GET /api/imports/:id/rejections":
        this.require("admin");
        if (this.missing.has("imports")) throw new HttpError(404, "not_found");
        return this.imports(key, id, body as Json);
      default:
        throw new HttpError(404, "not_found");
    }
  }

  private withEtag(row: { version: number }): [number, unknown, Record<string, string>] {
    return [200, row, { ETag: `"${row.version}"` }];
  }

  private patient(id: string): PatientRow {
    const row = this.patients.get(id);
    if (!row) throw new HttpError(404, "not_found");
    const actor = this.staff.find((x) => x.id === this.user);
    this.audit.push({ id: uuid(), at: this.now().toISOString(), actorStaffId: actor?.staffId, actorUserId: this.user, actorRole: actor?.role, action: "patient.read", objectType: "patient", objectId: id, patientId: id, outcome: "allowed" });
    return row;
  }

  private checkVersion<T extends { version: number }>(row: T, h: Record<string, string>): T {
    const want = h["if-match"];
    if (want === undefined) throw new HttpError(428, "precondition_required");
    if (want !== `"${row.version}"`) throw new HttpError(412, "precondition_failed");
    return row;
  }

  private validatePatient(b: Json, partial: boolean): void {
    const errors: { field: string; code: string }[] = [];
    for (const k of Object.keys(b)) if (!patientFields.has(k)) throw new HttpError(400, "unknown_field", [{ field: k, code: "unknown_field" }]);
    for (const f of ["givenNames", "familyName"]) {
      const v = b[f];
      if (!partial || f in b) {
        if (typeof v !== "string" || v.trim() === "") errors.push({ field: f, code: "required" });
        else if (/[<>]/.test(v)) errors.push({ field: f, code: "invalid_characters" });
      }
    }
    if (!partial || "birthDate" in b) {
      const d = b.birthDate;
      if (typeof d !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(d)) errors.push({ field: "birthDate", code: "invalid_date" });
      else if (d > this.now().toISOString().slice(0, 10)) errors.push({ field: "birthDate", code: "future_date" });
    }
    if (errors.length > 0) throw new HttpError(422, "validation_failed", errors);
  }

  /** Adds a patient directly (no audit, no validation). */
  seedPatient(p: Partial<PatientRow> & { givenNames: string; familyName: string; birthDate: string }): PatientRow {
    const now = this.now().toISOString();
    const row: PatientRow = {
      id: uuid(), mrn: `PT-${String(this.mrnSeq++).padStart(7, "0")}-7`, sex: "unknown", phone: null, email: null, address: null,
      preferredLanguage: null, deceasedDate: null, identifiers: [], version: 1, createdAt: now,
      createdBy: null, updatedAt: now, updatedBy: null, archivedAt: null, archiveReason: null, ...p,
    };
    this.patients.set(row.id, row);
    return row;
  }

  /** Adds a visit directly. */
  seedVisit(patientId: string, v: Partial<VisitRow> = {}): VisitRow {
    const now = this.now().toISOString();
    const row: VisitRow = {
      id: uuid(), patientId, start: now, end: null, status: "finished", reason: "Check-up", reasonCode: null,
      notes: null, clinicianId: null, version: 1, createdAt: now, updatedAt: now, ...v,
    };
    this.visits.set(row.id, row);
    return row;
  }

  private createPatient(u: User, b: Json, h: Record<string, string>): [number, unknown, Record<string, string>] {
    const key = h["idempotency-key"];
    const seen = key === undefined ? undefined : this.idem.get(key);
    if (seen !== undefined) return [201, { ...this.patients.get(seen), possibleDuplicates: [] }, { ETag: '"1"' }];
    this.validatePatient(b, false);
    const dupes = [...this.patients.values()]
      .filter((p) => p.birthDate === b.birthDate && fold(p.familyName) === fold(String(b.familyName)))
      .map((p) => ({ id: p.id, mrn: p.mrn }));
    const row = this.seedPatient({ ...(b as Partial<PatientRow>), givenNames: String(b.givenNames), familyName: String(b.familyName), birthDate: String(b.birthDate), createdBy: u.staffId });
    if (key !== undefined) this.idem.set(key, row.id);
    return [201, { ...row, possibleDuplicates: dupes }, { ETag: `"${row.version}"`, Location: `/api/patients/${row.id}` }];
  }

  private patchPatient(u: User, id: string, b: Json, h: Record<string, string>): [number, unknown, Record<string, string>] {
    const row = this.checkVersion(this.patient(id), h);
    this.validatePatient(b, true);
    Object.assign(row, b, { version: row.version + 1, updatedAt: this.now().toISOString(), updatedBy: u.staffId });
    return this.withEtag(row);
  }

  private search(b: Json): unknown {
    const q = typeof b.q === "string" ? b.q.trim() : "";
    const tokens = fold(q).split(/\s+/).filter((t) => t !== "");
    const digits = q.replace(/\D/g, "");
    let rows = [...this.patients.values()].filter((p) => {
      if (b.sex !== undefined && p.sex !== b.sex) return false;
      const archived = (b.archived as string | undefined) ?? "exclude";
      if (archived === "exclude" && p.archivedAt) return false;
      if (archived === "only" && !p.archivedAt) return false;
      if (q === "") return true;
      if (p.mrn.toLowerCase() === q.toLowerCase() || p.birthDate === q) return true;
      if (digits.length >= 6 && typeof p.phone === "string" && p.phone.replace(/\D/g, "").includes(digits)) return true;
      const name = fold(`${p.givenNames} ${p.familyName}`);
      const squashed = name.replace(/\s/g, "");
      return tokens.every((t) => name.includes(t) || squashed.includes(t));
    });
    const sort = (b.sort as string | undefined) ?? "name";
    const desc = sort.startsWith("-");
    const field = sort.replace(/^-/, "");
    const keyOf = (p: PatientRow): string => (field === "name" ? fold(`${p.familyName} ${p.givenNames}`) : String(p[field]));
    rows.sort((x, y) => (keyOf(x).localeCompare(keyOf(y)) || x.id.localeCompare(y.id)) * (desc ? -1 : 1));
    const total = rows.length;
    if (typeof b.cursor === "string") {
      const [k, cid] = decodeCursor(b.cursor);
      rows = rows.filter((p) => {
        const c = keyOf(p).localeCompare(k) || p.id.localeCompare(cid);
        return desc ? c < 0 : c > 0;
      });
    }
    const limit = typeof b.limit === "number" ? b.limit : 25;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor([keyOf(last), last.id]) : null;
    const items = page.map((p) => ({ id: p.id, mrn: p.mrn, givenNames: p.givenNames, familyName: p.familyName, birthDate: p.birthDate, sex: p.sex, phone: p.phone, archivedAt: p.archivedAt }));
    return { items, nextCursor, total };
  }

  private visitOut(u: User, v: VisitRow): Json {
    if (u.role !== "frontdesk") return v;
    const rest: Json = { ...v };
    delete rest.notes;
    return rest;
  }

  private visitFor(u: User, id: string): VisitRow {
    const v = this.visits.get(id);
    if (!v) throw new HttpError(404, "not_found");
    return this.visitOut(u, v) as VisitRow;
  }

  private listVisits(u: User, patientId: string, url: URL): [number, unknown] {
    this.patient(patientId);
    let rows = [...this.visits.values()].filter((v) => v.patientId === patientId)
      .sort((a, b) => b.start.localeCompare(a.start) || b.id.localeCompare(a.id));
    const cursor = url.searchParams.get("cursor");
    if (cursor !== null) {
      const [k, cid] = decodeCursor(cursor);
      rows = rows.filter((v) => (v.start.localeCompare(k) || v.id.localeCompare(cid)) < 0);
    }
    const limit = Number(url.searchParams.get("limit") ?? "10");
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return [200, { items: page.map((v) => this.visitOut(u, v)), nextCursor: rows.length > limit && last ? encodeCursor([last.start, last.id]) : null }];
  }

  private createVisit(u: User, patientId: string, b: Json, h: Record<string, string>): [number, unknown, Record<string, string>] {
    this.patient(patientId);
    for (const k of Object.keys(b)) if (!visitFields.has(k)) throw new HttpError(400, "unknown_field");
    if (u.role === "frontdesk" && "notes" in b) throw new HttpError(403, "forbidden");
    if (typeof b.start !== "string" || Number.isNaN(Date.parse(b.start))) throw new HttpError(422, "validation_failed", [{ field: "start", code: "required" }]);
    const key = h["idempotency-key"];
    const seen = key === undefined ? undefined : this.idem.get(key);
    const row = seen !== undefined ? this.visits.get(seen) : this.seedVisit(patientId, b);
    if (!row) throw new HttpError(500, "internal");
    if (key !== undefined) this.idem.set(key, row.id);
    return [201, this.visitOut(u, row), { ETag: `"${row.version}"` }];
  }

  private patchVisit(u: User, id: string, b: Json, h: Record<string, string>): [number, unknown, Record<string, string>] {
    const row = this.visits.get(id);
    if (!row) throw new HttpError(404, "not_found");
    this.checkVersion(row, h);
    Object.assign(row, b, { version: row.version + 1, updatedAt: this.now().toISOString() });
    return [200, this.visitOut(u, row), { ETag: `"${row.version}"` }];
  }

  private staffOut(s: User): Json {
    return { id: s.staffId, email: s.email, displayName: s.displayName, role: s.role, active: s.active, boundAt: s.id.startsWith("dev-") ? "2025-01-01T00:00:00Z" : null };
  }

  private addStaff(b: Json): [number, unknown] {
    this.require("admin");
    const email = typeof b.email === "string" ? b.email : "";
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new HttpError(422, "validation_failed", [{ field: "email", code: "invalid_email" }]);
    if (typeof b.displayName !== "string" || b.displayName.trim() === "") throw new HttpError(422, "validation_failed", [{ field: "displayName", code: "required" }]);
    if (this.staff.some((s) => s.email === email)) throw new HttpError(409, "already_exists", [{ field: "email", code: "already_exists" }]);
    const s: User = { id: `pending-${email}`, staffId: uuid(), email, displayName: b.displayName, role: b.role as Role, active: true };
    this.staff.push(s);
    return [201, this.staffOut(s)];
  }

  private listAudit(url: URL): [number, unknown] {
    this.require("admin");
    const pid = url.searchParams.get("patientId");
    const items = this.audit.filter((a) => pid === null || a.patientId === pid).slice(-25).reverse();
    return [200, { items, nextCursor: null }];
  }

  private listDocuments(patientId: string): [number, unknown] {
    if (this.missing.has("documents")) throw new HttpError(404, "not_found");
    this.patient(patientId);
    const items = [...this.documents.values()].filter((d) => d.patientId === patientId);
    for (const d of items) {
      if (d.status !== "processing") continue;
      Object.assign(d, {
        status: "ready", sizeBytes: d.declaredSize, mediaType: d.contentType, detectedType: d.contentType,
        processedAt: this.now().toISOString(), sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        classification: { category: "referral_letter", evidence: ["the words 'referral' and 'dear doctor'"], score: 7 },
        category: "referral_letter", text: "Dear doctor, please see this patient.", textSource: "text_layer",
        metadata: { pages: 1, encrypted: false }, dates: [{ text: "3 March 2025", date: "2025-03-03" }],
      });
    }
    return [200, { items, nextCursor: null }];
  }

  private createUpload(patientId: string, b: Json): [number, unknown] {
    if (this.missing.has("documents")) throw new HttpError(404, "not_found");
    this.patient(patientId);
    const now = this.now().toISOString();
    const doc: Json = {
      id: uuid(), patientId, fileName: String(b.fileName), contentType: String(b.contentType),
      declaredSize: Number(b.size), sizeBytes: null, status: "pending_upload", warnings: [],
      duplicateOf: null, classification: null, dates: [], mrns: [], metadata: {}, version: 1,
      createdAt: now, createdBy: null, updatedAt: now, processedAt: null, archivedAt: null,
    };
    this.documents.set(String(doc.id), doc);
    return [201, {
      documentId: doc.id, document: doc, uploadUrl: `/fake-blob/${String(doc.id)}?sig=fake`,
      uploadMethod: "PUT", uploadHeaders: { "x-ms-blob-type": "BlockBlob" },
      expiresAt: new Date(this.now().getTime() + 600_000).toISOString(),
    }];
  }

  private imports(key: string, id: string, b: Json): [number, unknown] {
    const now = this.now().toISOString();
    if (key === "POST /api/imports/uploads") {
      const uploadId = uuid();
      this.uploads.set(uploadId, String(b.fileName));
      return [201, { uploadId, uploadUrl: `/fake-blob/imports/${uploadId}`, uploadMethod: "PUT", uploadHeaders: { "x-ms-blob-type": "BlockBlob" }, expiresAt: now }];
    }
    if (key === "POST /api/imports") {
      const files = (b.files as { uploadId: string; role: string }[]).map((f) => ({ ...f, fileName: this.uploads.get(f.uploadId) ?? "?" }));
      const job = {
        id: uuid(), kind: b.kind, status: "succeeded", files, errorCode: null, createdAt: now, startedAt: now, finishedAt: now,
        progress: { rowsRead: 27, rowsLoaded: 26, rowsRejected: 1, rowsWarned: 0, patientsCreated: 26, patientsMatched: 0, visitsCreated: 0, visitsMatched: 0 },
      };
      this.importJobs.set(job.id, job);
      return [202, job];
    }
    const job = this.importJobs.get(id);
    if (!job) throw new HttpError(404, "not_found");
    if (key === "GET /api/imports/:id") return [200, job];
    return [200, { items: [{ file: 0, role: "patients", line: 7, severity: "rejected", code: "invalid_birth_date", field: "birthDate" }], nextCursor: null }];
  }

  /** Adds a processed document directly. */
  seedDocument(patientId: string, fileName: string, extra: Json = {}): Json {
    const now = this.now().toISOString();
    const doc: Json = {
      id: uuid(), patientId, fileName, contentType: "application/pdf", declaredSize: 1234, sizeBytes: 1234,
      status: "ready", warnings: ["The declared type does not match the content"], duplicateOf: null,
      classification: { category: "lab_result", evidence: ["'haemoglobin' and a reference range"], score: 9 },
      category: "lab_result", dates: [{ text: "3 March 2025", date: "2025-03-03" }], mrns: [], metadata: { pages: 2 },
      text: "Haemoglobin 13.5 g/dL", textSource: "ocr", version: 1, createdAt: now, createdBy: null,
      updatedAt: now, processedAt: now, archivedAt: null, ...extra,
    };
    this.documents.set(String(doc.id), doc);
    return doc;
  }

  /** Marks an uploaded blob as received (the fake host calls this on PUT). */
  blobReceived(id: string): boolean {
    const d = this.documents.get(id);
    if (!d) return false;
    d.status = "processing";
    return true;
  }

  private stats(): [number, unknown] {
    if (this.missing.has("analytics")) throw new HttpError(404, "not_found");
    const ps = [...this.patients.values()].filter((p) => !p.archivedAt);
    const year = this.now().getUTCFullYear();
    const bands = [["0–17", 0, 17], ["18–39", 18, 39], ["40–64", 40, 64], ["65+", 65, -1]] as const;
    const ageBands = bands.map(([band, minAge, maxAge]) => ({
      band, minAge, maxAge,
      patients: ps.filter((p) => {
        const age = year - Number(p.birthDate.slice(0, 4));
        return age >= minAge && (maxAge < 0 || age <= maxAge);
      }).length,
    }));
    const bySex: Record<string, number> = {};
    for (const p of ps) bySex[p.sex] = (bySex[p.sex] ?? 0) + 1;
    const today = this.now().toISOString().slice(0, 10);
    return [200, {
      asOf: today, total: ps.length, archived: this.patients.size - ps.length, active: ps.length,
      deceased: 0, ageBands, ageUnknown: 0, bySex,
      newPatients: { granularity: "month", from: today, to: today, points: [{ period: `${today.slice(0, 8)}01`, registered: ps.length, firstVisits: 0 }] },
    }];
  }

  private trends(url: URL): [number, unknown] {
    if (this.missing.has("analytics")) throw new HttpError(404, "not_found");
    const from = url.searchParams.get("from") ?? "2025-01-06";
    const to = url.searchParams.get("to") ?? "2025-03-31";
    const start = Date.parse(`${from}T00:00:00Z`);
    const points = Array.from({ length: 12 }, (_, i) => {
      const visits = 20 + ((i * 7) % 11);
      return {
        period: new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10), visits,
        movingAverage: visits - 1.5, uniquePatients: visits - 3, newPatients: 3 + (i % 4),
        returningPatients: visits - 6 - (i % 4), byStatus: { finished: visits, cancelled: 2 }, byReason: [],
      };
    });
    return [200, {
      from, to, granularity: url.searchParams.get("granularity") ?? "week", movingAverageWindow: 4, points,
      totals: { visits: points.reduce((n, p) => n + p.visits, 0), newPatients: 30, byStatus: {} },
      topReasons: [{ code: "185349003", reason: "Check-up", visits: 120 }, { code: "", reason: "Vaccination", visits: 64 }, { code: "", reason: "Follow-up", visits: 41 }],
      rolledUpThrough: null,
    }];
  }
}
