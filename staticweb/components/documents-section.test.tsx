import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { DocumentsSection } from "./documents-section";

function seed(user: string): { backend: FakeBackend; patientId: string } {
  const backend = new FakeBackend({ user });
  const p = backend.seedPatient({ givenNames: "A", familyName: "B", birthDate: "1980-01-01" });
  backend.seedDocument(p.id, "labs.pdf");
  backend.seedDocument(p.id, "scan.tiff", { status: "quarantined", reason: "real type not allowed", classification: null, category: null });
  return { backend, patientId: p.id };
}

describe("DocumentsSection", () => {
  it("lists status in words and opens metadata, classification, warnings and text", async () => {
    const { backend, patientId } = seed("dev-clinician");
    renderApp(<DocumentsSection patientId={patientId} />, { backend });
    const table = await screen.findByRole("table", { name: "Documents" });
    const scan = within(table).getByRole("row", { name: /scan\.tiff/ });
    expect(within(scan).getByText("Quarantined")).toBeInTheDocument();
    expect(within(scan).getByText("real type not allowed")).toBeInTheDocument();
    expect(within(scan).queryByRole("link", { name: /Download/ })).not.toBeInTheDocument();
    expect(within(table).getByRole("link", { name: "Download labs.pdf" })).toHaveAttribute("href", expect.stringMatching(/^\/api\/documents\/[0-9a-f-]{36}\/content$/) as string);
    await userEvent.click(within(table).getByRole("button", { name: "Details of labs.pdf" }));
    expect(await screen.findByText("Haemoglobin 13.5 g/dL")).toBeInTheDocument();
    expect(screen.getAllByText("Lab result").length).toBeGreaterThan(0);
    expect(screen.getByText("The declared type does not match the content")).toBeInTheDocument();
    expect(screen.getByText(/Dates: 2025-03-03/)).toBeInTheDocument();
  });

  it("shows front desk the status but not the content", async () => {
    const { backend, patientId } = seed("dev-frontdesk");
    renderApp(<DocumentsSection patientId={patientId} />, { backend });
    const table = await screen.findByRole("table", { name: "Documents" });
    expect(within(table).getAllByText("Ready").length).toBe(1);
    expect(within(table).queryByRole("button", { name: /Details/ })).not.toBeInTheDocument();
  });
});
