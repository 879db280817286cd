import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { PatientView } from "./patient-view";

function seed(user: string): { backend: FakeBackend; id: string } {
  const backend = new FakeBackend({ user });
  const p = backend.seedPatient({ givenNames: "Zoë", familyName: "O'Brien-Núñez", birthDate: "1990-01-01", sex: "female" });
  backend.seedVisit(p.id, { reason: "Follow-up", notes: '"><svg onload=alert(1)> {{7*7}} <script>alert(1)</script>' });
  return { backend, id: p.id };
}

describe("PatientView", () => {
  it("shows demographics, visits with notes as text, documents and access history to an admin", async () => {
    const { backend, id } = seed("dev-admin");
    const { container } = renderApp(<PatientView />, { backend, url: `/patients/view/?id=${id}` });
    expect(await screen.findByRole("heading", { level: 1, name: "Zoë O'Brien-Núñez" })).toBeInTheDocument();
    expect(screen.getByText("1990-01-01")).toBeInTheDocument();
    const visits = await screen.findByRole("table", { name: "Visits" });
    expect(within(visits).getByText(/<svg onload=alert\(1\)> \{\{7\*7\}\} <script>/)).toBeInTheDocument();
    expect(container.querySelector("svg[onload], script")).toBeNull();
    expect(await screen.findByRole("heading", { name: "Access history" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Archive" })).toBeInTheDocument();
    expect(await screen.findByText("Choose files to upload")).toBeInTheDocument();
  });

  it("hides notes, archiving and access history from front desk", async () => {
    const { backend, id } = seed("dev-frontdesk");
    renderApp(<PatientView />, { backend, url: `/patients/view/?id=${id}` });
    const visits = await screen.findByRole("table", { name: "Visits" });
    expect(within(visits).queryByRole("columnheader", { name: "Notes" })).not.toBeInTheDocument();
    expect(within(visits).queryByText(/svg/)).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Access history" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Archive" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Log visit" })).toBeInTheDocument();
  });

  it("says so when documents are not deployed yet", async () => {
    const backend = new FakeBackend({ user: "dev-clinician", missing: ["documents"] });
    const p = backend.seedPatient({ givenNames: "A", familyName: "B", birthDate: "1980-01-01" });
    renderApp(<PatientView />, { backend, url: `/patients/view/?id=${p.id}` });
    expect(await screen.findByText("Documents are not available on this server yet.")).toBeInTheDocument();
  });

  it("asks for a patient when the id is missing or not an id", async () => {
    renderApp(<PatientView />, { user: "dev-admin", url: "/patients/view/?id=Smith" });
    expect(await screen.findByText("No patient selected")).toBeInTheDocument();
  });

  it("says not found for an unknown id", async () => {
    renderApp(<PatientView />, { user: "dev-admin", url: "/patients/view/?id=00000000-0000-4000-8000-0000000000ff" });
    expect(await screen.findByText("Not found, or not available to you.")).toBeInTheDocument();
  });
});
