// @vitest-environment node
// Checks the typed client against the API's OpenAPI description, so the two cannot drift.
// The lead writes handler/api/openapi.json from the API; until it exists this skips loudly.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as s from "./schemas";

const specPath = fileURLToPath(new URL("../../../handler/api/openapi.json", import.meta.url));
const present = existsSync(specPath);
if (!present) {
  process.stderr.write(`\nSKIPPED: ${specPath} not found; the client is not checked against the API's OpenAPI description\n\n`);
}

type Method = "get" | "post" | "patch" | "delete";

/**
 * Every call the client makes, with the schema it parses the success body with. Those marked
 * `later` belong to features still being built (documents, analytics, imports): while the
 * description lacks them they are listed as skipped, loudly, instead of failing.
 */
const later = new Set(["/api/config", "/api/patients/{id}/documents", "/api/documents/{id}", "/api/analytics/patients", "/api/analytics/visits", "/api/imports", "/api/imports/{id}", "/api/imports/uploads", "/api/imports/{id}/rejections"]);
const operations: readonly [Method, string, z.ZodType | null][] = [
  ["get", "/api/me", s.meSchema],
  ["post", "/api/patients/search", s.patientSearchResultSchema],
  ["post", "/api/patients", s.createdPatientSchema],
  ["get", "/api/patients/{id}", s.patientSchema],
  ["patch", "/api/patients/{id}", s.patientSchema],
  ["delete", "/api/patients/{id}", null],
  ["post", "/api/patients/{id}/restore", null],
  ["get", "/api/patients/{id}/visits", s.visitPageSchema],
  ["post", "/api/patients/{id}/visits", s.visitSchema],
  ["get", "/api/visits/{id}", s.visitSchema],
  ["patch", "/api/visits/{id}", s.visitSchema],
  ["get", "/api/staff", z.object({ items: z.array(s.staffSchema) })],
  ["post", "/api/staff", s.staffSchema],
  ["patch", "/api/staff/{id}", s.staffSchema],
  ["get", "/api/audit", s.auditPageSchema],
  ["get", "/api/config", s.configSchema],
  ["get", "/api/patients/{id}/documents", s.documentPageSchema],
  ["post", "/api/patients/{id}/documents", s.documentUploadSchema],
  ["get", "/api/documents/{id}", s.documentDetailSchema],
  ["get", "/api/analytics/patients", s.patientStatsSchema],
  ["get", "/api/analytics/visits", s.visitTrendsSchema],
  ["post", "/api/imports/uploads", s.importUploadSchema],
  ["post", "/api/imports", s.importJobSchema],
  ["get", "/api/imports/{id}/rejections", s.importReportSchema],
  ["get", "/api/imports/{id}", s.importJobSchema],
];

interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, OpenApiSchema>;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  items?: OpenApiSchema;
}
interface Spec {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }> }>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

function load(): Spec {
  return JSON.parse(readFileSync(specPath, "utf8")) as Spec;
}

/** Paths compared with parameter names erased: /api/patients/{patientId} = /api/patients/{id}. */
function shape(path: string): string {
  return path.replace(/\{[^}]+\}/g, "{}");
}

/** Follows $ref, and picks the object branch of a nullable oneOf/anyOf. */
function resolve(spec: Spec, sch: OpenApiSchema | undefined): OpenApiSchema | undefined {
  if (sch?.$ref) return resolve(spec, spec.components?.schemas?.[sch.$ref.split("/").at(-1) ?? ""]);
  const branches = sch?.oneOf ?? sch?.anyOf;
  if (branches) return resolve(spec, branches.find((b) => b.$ref !== undefined || b.properties !== undefined));
  return sch;
}

function propertiesOf(spec: Spec, sch: OpenApiSchema | undefined): Set<string> {
  const r = resolve(spec, sch);
  const out = new Set(Object.keys(r?.properties ?? {}));
  for (const part of r?.allOf ?? []) for (const p of propertiesOf(spec, part)) out.add(p);
  return out;
}

/** Unwraps optional, nullable, default and transform layers of a zod schema. */
function unwrap(t: unknown): unknown {
  for (;;) {
    if (t instanceof z.ZodPipe) t = t.in;
    else if (t instanceof z.ZodOptional || t instanceof z.ZodNullable || t instanceof z.ZodDefault) {
      t = t.unwrap();
    } else return t;
  }
}

/** Dotted paths of the fields the UI reads (nested objects and array items included). */
function drift(spec: Spec, zod: unknown, api: OpenApiSchema | undefined, at: string): string[] {
  const t = unwrap(zod);
  const r = resolve(spec, api);
  if (t instanceof z.ZodArray) return drift(spec, t.element, r?.items, `${at}[]`);
  if (!(t instanceof z.ZodObject)) return [];
  const props = propertiesOf(spec, r);
  const all = [r, ...(r?.allOf ?? []).map((x) => resolve(spec, x))];
  const out: string[] = [];
  for (const [k, v] of Object.entries(t.shape)) {
    if (!props.has(k)) {
      out.push(`${at}.${k}`);
      continue;
    }
    const child = all.map((x) => x?.properties?.[k]).find((x) => x !== undefined);
    out.push(...drift(spec, v, child, `${at}.${k}`));
  }
  return out;
}

function findPath(spec: Spec, path: string): string | undefined {
  const prefix = spec.servers?.[0]?.url.replace(/\/$/, "") ?? "";
  return Object.keys(spec.paths).find((p) => shape(`${prefix}${p}`) === shape(path) || shape(p) === shape(path));
}

describe.skipIf(!present)("typed client vs handler/api/openapi.json", () => {
  it("every path and method the client calls exists", () => {
    const spec = load();
    const missing = operations
      .filter(([m, p]) => {
        const key = findPath(spec, p);
        return key === undefined || spec.paths[key]?.[m] === undefined;
      })
      .map(([m, p]) => [`${m.toUpperCase()} ${p}`, later.has(p)] as const);
    const pending = missing.filter(([, l]) => l).map(([op]) => op);
    if (pending.length > 0) {
      process.stderr.write(`\nSKIPPED (not in the OpenAPI description yet): ${pending.join(", ")}\n\n`);
    }
    expect(missing.filter(([, l]) => !l).map(([op]) => op), "operations the client calls but the API does not describe").toEqual([]);
  });

  it("every field the client reads is in the response schema", () => {
    const spec = load();
    const problems: string[] = [];
    for (const [m, p, schema] of operations) {
      const key = findPath(spec, p);
      if (schema === null || key === undefined) continue;
      const responses = spec.paths[key]?.[m]?.responses ?? {};
      const ok = responses["200"] ?? responses["201"] ?? responses["202"];
      const content = ok?.content ?? {};
      const body = content["application/json"] ?? Object.values(content)[0];
      problems.push(...drift(spec, schema, body?.schema, `${m.toUpperCase()} ${p}`));
    }
    expect(problems, "fields the client parses that the API does not document").toEqual([]);
  });
});
