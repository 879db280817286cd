import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { navigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { PatientEdit } from "./patient-edit";

function setup(): { backend: FakeBackend; id: string } {
  const backend = new FakeBackend({ user: "dev-frontdesk" });
  const p = backend.seedPatient({ givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01", phone: "111" });
  return { backend, id: p.id };
}

/** Someone else saves the patient in another tab. */
function otherTabSaves(backend: FakeBackend, id: string, change: Record<string, unknown>): void {
  const row = backend.patients.get(id);
  if (!row) throw new Error("no patient");
  Object.assign(row, change, { version: row.version + 1 });
}

describe("PatientEdit", () => {
  it("saves only the changed fields with If-Match", async () => {
    const { backend, id } = setup();
    renderApp(<PatientEdit />, { backend, url: `/patients/edit/?id=${id}` });
    const phone = await screen.findByRole("textbox", { name: "Phone" });
    await userEvent.clear(phone);
    await userEvent.type(phone, "222");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await vi.waitFor(() => expect(navigation.router.push).toHaveBeenCalled());
    const patch = backend.requests.find((r) => r.method === "PATCH");
    expect(patch?.body).toEqual({ phone: "222" });
    expect(patch?.headers["if-match"]).toBe('"1"');
  });

  it("on 412 shows what changed and keeps mine with the new ETag", async () => {
    const { backend, id } = setup();
    renderApp(<PatientEdit />, { backend, url: `/patients/edit/?id=${id}` });
    const phone = await screen.findByRole("textbox", { name: "Phone" });
    otherTabSaves(backend, id, { phone: "999", familyName: "Lima-Souza" });
    await userEvent.clear(phone);
    await userEvent.type(phone, "222");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    const panel = (await screen.findByRole("heading", { name: /Someone else saved this record/ })).closest("section");
    if (!panel) throw new Error("no conflict panel");
    const table = within(panel).getByRole("table");
    expect(within(table).getByRole("rowheader", { name: /Phone/ })).toHaveTextContent("both changed");
    expect(within(table).getByText("Lima-Souza")).toBeInTheDocument();
    expect(backend.patients.get(id)?.phone).toBe("999");
    await userEvent.click(within(panel).getByRole("button", { name: "Keep my changes and save" }));
    await vi.waitFor(() => expect(backend.patients.get(id)?.phone).toBe("222"));
    const patches = backend.requests.filter((r) => r.method === "PATCH");
    expect(patches.at(-1)?.headers["if-match"]).toBe('"2"');
    expect(patches.at(-1)?.body).toEqual({ phone: "222" });
    expect(backend.patients.get(id)?.familyName).toBe("Lima-Souza");
  });

  it("on 412 can take the current version instead", async () => {
    const { backend, id } = setup();
    renderApp(<PatientEdit />, { backend, url: `/patients/edit/?id=${id}` });
    const phone = await screen.findByRole("textbox", { name: "Phone" });
    otherTabSaves(backend, id, { phone: "999" });
    await userEvent.clear(phone);
    await userEvent.type(phone, "222");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await userEvent.click(await screen.findByRole("button", { name: /use the current version/ }));
    expect(screen.getByRole("textbox", { name: "Phone" })).toHaveValue("999");
    expect(screen.queryByRole("heading", { name: /Someone else saved/ })).not.toBeInTheDocument();
    expect(backend.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("shows the API's field errors next to the fields", async () => {
    const { backend, id } = setup();
    renderApp(<PatientEdit />, { backend, url: `/patients/edit/?id=${id}` });
    const given = await screen.findByRole("textbox", { name: "Given names" });
    await userEvent.clear(given);
    await userEvent.type(given, "<b>");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("This contains characters that are not allowed.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Given names" })).toHaveAttribute("aria-invalid", "true");
  });
});
