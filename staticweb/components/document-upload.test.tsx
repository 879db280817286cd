import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import type * as Upload from "@/lib/api/upload";
import { DocumentsSection } from "./documents-section";

const puts = vi.hoisted(() => [] as { url: string; name: string; blobType: string }[]);
vi.mock("@/lib/api/upload", async (importOriginal) => {
  const real = await importOriginal<typeof Upload>();
  return {
    ...real,
    putBlob: (url: string, file: File, headers: Record<string, string>, onProgress: (p: number) => void) => {
      puts.push({ url, name: file.name, blobType: headers["x-ms-blob-type"] ?? "" });
      onProgress(0.4);
      return { done: Promise.resolve(), abort: () => undefined };
    },
  };
});

describe("DocumentsSection upload", () => {
  it("refuses a file over the limit before sending anything, uploads the rest, shows status", async () => {
    const backend = new FakeBackend({ user: "dev-frontdesk" });
    const p = backend.seedPatient({ givenNames: "A", familyName: "B", birthDate: "1980-01-01" });
    renderApp(<DocumentsSection patientId={p.id} />, { backend });
    const input = await screen.findByLabelText("Choose files to upload");
    const big = new File(["x"], "huge.pdf", { type: "application/pdf" });
    Object.defineProperty(big, "size", { value: 26 * 1024 * 1024 });
    const ok = new File(["%PDF-1.4"], "letter.pdf", { type: "application/pdf" });
    await userEvent.upload(input, [big, ok]);
    expect(await screen.findByText(/larger than the limit of 25 MB/)).toBeInTheDocument();
    expect(await screen.findByText("Uploaded")).toBeInTheDocument();
    expect(puts).toEqual([{ url: expect.stringContaining("/fake-blob/") as string, name: "letter.pdf", blobType: "BlockBlob" }]);
    const creates = backend.requests.filter((r) => r.method === "POST" && r.url.endsWith("/documents"));
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toEqual({ fileName: "letter.pdf", contentType: "application/pdf", size: 8 });
    expect(await screen.findByText("letter.pdf", { selector: "td" })).toBeInTheDocument();
  });
});
