import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { Dashboard } from "./dashboard";

function names(): string[] {
  const table = screen.getByRole("table", { name: "Patients" });
  return within(table).getAllByRole("link").map((a) => a.textContent);
}

describe("Dashboard patient search", () => {
  it("finds a name typed without accents or apostrophe", async () => {
    const backend = new FakeBackend({ user: "dev-frontdesk" });
    backend.seedPatient({ givenNames: "Zoë", familyName: "O'Brien-Núñez", birthDate: "1990-01-01" });
    backend.seedPatient({ givenNames: "Adam", familyName: "Smith", birthDate: "1970-05-05" });
    renderApp(<Dashboard />, { backend });
    await screen.findByRole("link", { name: "Smith, Adam" });
    await userEvent.type(screen.getByRole("searchbox", { name: "Search patients" }), "zoe obrien");
    await waitFor(() => {
      expect(screen.queryByRole("link", { name: "Smith, Adam" })).not.toBeInTheDocument();
    });
    expect(screen.getByRole("link", { name: "O'Brien-Núñez, Zoë" })).toBeInTheDocument();
    const searches = backend.requests.filter((r) => r.url === "/api/patients/search");
    expect(searches.at(-1)?.body).toMatchObject({ q: "zoe obrien" });
  });

  it("pages forward and back without repeating or skipping a row", async () => {
    const backend = new FakeBackend({ user: "dev-clinician", missing: ["analytics"] });
    for (let i = 0; i < 60; i++) {
      backend.seedPatient({ givenNames: "P", familyName: `Fam${String(i).padStart(2, "0")}`, birthDate: "1980-01-01" });
    }
    renderApp(<Dashboard />, { backend });
    await screen.findByRole("link", { name: "Fam00, P" });
    const seen = [...names()];
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: /Next/ }));
    await screen.findByRole("link", { name: "Fam25, P" });
    const page2 = names();
    seen.push(...page2);
    await user.click(screen.getByRole("button", { name: /Next/ }));
    await screen.findByRole("link", { name: "Fam50, P" });
    seen.push(...names());
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(screen.getByRole("button", { name: /Next/ })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: /Previous/ }));
    await screen.findByRole("link", { name: "Fam25, P" });
    expect(names()).toEqual(page2);
  });

  it("shows headline figures to clinicians and hides them when analytics is missing", async () => {
    const backend = new FakeBackend({ user: "dev-clinician" });
    backend.seedPatient({ givenNames: "A", familyName: "B", birthDate: "1980-01-01" });
    const { unmount } = renderApp(<Dashboard />, { backend });
    expect(await screen.findByText("Active (12 months)")).toBeInTheDocument();
    unmount();
    renderApp(<Dashboard />, { user: "dev-clinician", missing: ["analytics"] });
    await screen.findByRole("heading", { name: "Patients" });
    expect(screen.queryByText("Active (12 months)")).not.toBeInTheDocument();
  });

  it("renders a hostile name as text (V1)", async () => {
    const backend = new FakeBackend({ user: "dev-frontdesk" });
    backend.seedPatient({ givenNames: "<img src=x onerror=alert(1)>", familyName: "Test", birthDate: "1980-01-01" });
    const { container } = renderApp(<Dashboard />, { backend });
    expect(await screen.findByRole("link", { name: "Test, <img src=x onerror=alert(1)>" })).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();
  });
});
