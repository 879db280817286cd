import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type * as Upload from "@/lib/api/upload";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { ImportsAdmin, roleOf } from "./imports-admin";

const puts = vi.hoisted(() => [] as string[]);
vi.mock("@/lib/api/upload", async (importOriginal) => {
  const real = await importOriginal<typeof Upload>();
  return {
    ...real,
    putBlob: (url: string, _file: File, _headers: Record<string, string>, onProgress: (p: number) => void) => {
      puts.push(url);
      onProgress(1);
      return { done: Promise.resolve(), abort: () => undefined };
    },
  };
});

describe("ImportsAdmin", () => {
  it.each([
    ["synthea_csv", "patients.csv", "patients"],
    ["synthea_csv", "encounters.csv", "encounters"],
    ["patient_csv", "export.csv", "patients"],
    ["fhir_bundle", "bundle.json", "bundle"],
  ] as const)("a %s file named %s plays %s", (kind, name, role) => {
    expect(roleOf(kind, name)).toBe(role);
  });

  it("says so when the import API is not deployed", async () => {
    renderApp(<ImportsAdmin />, { user: "dev-admin", missing: ["imports"] });
    const input = await screen.findByLabelText("Files");
    await userEvent.upload(input, new File(["id,given\n1,Ana\n"], "patients.csv", { type: "text/csv" }));
    await userEvent.click(screen.getByRole("button", { name: "Start import" }));
    expect(await screen.findByText("Imports are not available on this server yet")).toBeInTheDocument();
  });

  it("uploads a Synthea pair by upload id, then shows progress and the rejection report", async () => {
    const backend = new FakeBackend({ user: "dev-admin" });
    renderApp(<ImportsAdmin />, { backend });
    await userEvent.upload(await screen.findByLabelText("Files"), [
      new File(["Id,BIRTHDATE\n"], "patients.csv", { type: "text/csv" }),
      new File(["Id,START\n"], "encounters.csv", { type: "text/csv" }),
    ]);
    await userEvent.click(screen.getByRole("button", { name: "Start import" }));
    expect(await screen.findByText(/27 rows read · 26 loaded · 1 rejected/)).toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Rejected and warned rows" })).toHaveTextContent("line 7");
    expect(screen.getByRole("link", { name: "Download the full report (CSV)" })).toHaveAttribute("href", expect.stringContaining("format=csv") as string);
    const create = backend.requests.find((r) => r.method === "POST" && r.url === "/api/imports");
    const body = create?.body as { kind: string; files: { uploadId: string; role: string }[] };
    expect(body.kind).toBe("synthea_csv");
    expect(body.files.map((f) => f.role)).toEqual(["patients", "encounters"]);
    expect(JSON.stringify(body)).not.toContain("fake-blob");
    expect(puts).toHaveLength(2);
  });
});
