import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { ApiClient } from "./client";
import { ApiError } from "./problem";

function setup(user = "dev-admin"): { api: ApiClient; backend: FakeBackend } {
  const backend = new FakeBackend({ user });
  return { api: new ApiClient(backend.fetch), backend };
}

function json(status: number, body: unknown, type = "application/problem+json"): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

describe("ApiClient problem details", () => {
  it("maps 422 errors to readable field errors, keyed by dotted field", async () => {
    const api = new ApiClient(() =>
      Promise.resolve(
        json(422, {
          type: "urn:pt:error:validation",
          title: "Validation failed",
          status: 422,
          code: "validation_failed",
          requestId: "01J",
          errors: [
            { field: "birthDate", code: "future_date" },
            { field: "/address/postalCode", code: "pattern" },
            { field: "birthDate", code: "required" },
          ],
        }),
      ),
    );
    const err = await api.searchPatients({ q: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    expect(e.fieldErrors).toEqual({
      birthDate: "The date cannot be in the future.",
      "address.postalCode": "This is not in a valid format.",
    });
  });

  it("keeps a usable error when the body is not problem details", async () => {
    const api = new ApiClient(() => Promise.resolve(new Response("oops", { status: 500 })));
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(500);
    expect(err.code).toBe("http_500");
    expect(err.fieldErrors).toEqual({});
  });

  it("treats an API call answered with the sign-in page as an ended session", async () => {
    const api = new ApiClient(() =>
      Promise.resolve(new Response("<html>", { status: 200, headers: { "Content-Type": "text/html" } })),
    );
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(err.code).toBe("session_expired");
  });

  it("resolves optional features to null on 404", async () => {
    const backend = new FakeBackend({ missing: ["analytics", "documents", "imports"] });
    const api = new ApiClient(backend.fetch);
    expect(await api.patientStats()).toBeNull();
    expect(await api.config()).toBeNull();
    expect(await api.createImportUpload({ fileName: "a.csv", contentType: "text/csv", size: 1 })).toBeNull();
  });

  it("rejects a response that does not match the contract", async () => {
    const api = new ApiClient(() => Promise.resolve(json(200, { staffId: 1 }, "application/json")));
    await expect(api.me()).rejects.toThrow();
  });
});

describe("ApiClient ETags", () => {
  it("sends the ETag it read as If-Match and returns the new one", async () => {
    const { api, backend } = setup();
    const p = backend.seedPatient({ givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01" });
    const read = await api.getPatient(p.id);
    expect(read.etag).toBe('"1"');
    const saved = await api.updatePatient(p.id, { phone: "555 0100" }, read.etag);
    expect(saved.etag).toBe('"2"');
    expect(saved.value.phone).toBe("555 0100");
    const patch = backend.requests.find((r) => r.method === "PATCH");
    expect(patch?.headers["if-match"]).toBe('"1"');
    expect(patch?.body).toEqual({ phone: "555 0100" });
  });

  it("reports a stale ETag as a 412 conflict", async () => {
    const { api, backend } = setup();
    const p = backend.seedPatient({ givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01" });
    await api.updatePatient(p.id, { phone: "1" }, '"1"');
    const err = (await api.updatePatient(p.id, { phone: "2" }, '"1"').catch((e: unknown) => e)) as ApiError;
    expect(err.isConflict).toBe(true);
  });

  it("sends an Idempotency-Key on create, so a retry creates one patient", async () => {
    const { api, backend } = setup();
    const input = {
      givenNames: "Zoë", familyName: "O'Brien-Núñez", birthDate: "1990-01-01", sex: "female" as const,
      phone: null, email: null, address: null, preferredLanguage: null, deceasedDate: null,
    };
    const a = await api.createPatient(input, "key-1");
    const b = await api.createPatient(input, "key-1");
    expect(a.value.id).toBe(b.value.id);
    expect(backend.patients.size).toBe(1);
    expect(backend.requests[0]?.headers["idempotency-key"]).toBe("key-1");
  });
});

describe("ApiClient request bodies", () => {
  it("leaves absent fields out of a create and clears with empty strings on PATCH", async () => {
    const { api, backend } = setup();
    await api.createPatient(
      {
        givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01", sex: "female", phone: null, email: null,
        address: { lines: ["1 Rue"], city: "Lyon", region: null, postalCode: null, country: null },
        preferredLanguage: null, deceasedDate: null,
      },
      "k",
    );
    expect(backend.requests[0]?.body).toEqual({
      givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01", sex: "female",
      address: { lines: ["1 Rue"], city: "Lyon" },
    });
    const [p] = [...backend.patients.values()];
    await api.updatePatient(p?.id ?? "", { phone: null, givenNames: "Anna" }, '"1"');
    expect(backend.requests.at(-1)?.body).toEqual({ phone: "", givenNames: "Anna" });
  });
});

describe("ApiClient keyset paging", () => {
  it("walks every patient exactly once by following nextCursor", async () => {
    const { api, backend } = setup();
    for (let i = 0; i < 23; i++) {
      backend.seedPatient({ givenNames: `G${i}`, familyName: i % 2 === 0 ? "Same" : `F${i}`, birthDate: "1980-01-01" });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api.searchPatients({ limit: 5, sort: "name", ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it("puts search terms in the POST body, never in a URL (E9)", async () => {
    const { api, backend } = setup();
    const p = backend.seedPatient({ givenNames: "Zoë", familyName: "O'Brien-Núñez", birthDate: "1990-01-01", phone: "+1 555 0100" });
    await api.searchPatients({ q: "zoe obrien" });
    await api.searchPatients({ q: p.mrn });
    await api.searchPatients({ q: "1990-01-01" });
    await api.getPatient(p.id);
    await api.listVisits(p.id, null);
    for (const r of backend.requests) {
      expect(r.url.replace(/[0-9a-f-]{36}/g, "<id>")).not.toMatch(/zo|brien|1990|555|PT-/i);
    }
    expect(backend.requests[0]).toMatchObject({ method: "POST", url: "/api/patients/search", body: { q: "zoe obrien" } });
  });
});
