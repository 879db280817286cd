import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { navigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { VisitCreate, VisitEdit } from "./visit-form";

function seed(user: string): { backend: FakeBackend; patientId: string } {
  const backend = new FakeBackend({ user });
  const p = backend.seedPatient({ givenNames: "Ana", familyName: "Lima", birthDate: "1990-01-01" });
  return { backend, patientId: p.id };
}

describe("VisitCreate", () => {
  it("logs a visit for front desk without a notes field, start as an instant", async () => {
    const { backend, patientId } = seed("dev-frontdesk");
    renderApp(<VisitCreate />, { backend, url: `/visits/new/?patientId=${patientId}` });
    await userEvent.type(await screen.findByRole("textbox", { name: "Reason" }), "Walk-in");
    expect(screen.queryByRole("textbox", { name: "Clinical notes" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save visit" }));
    await vi.waitFor(() => expect(navigation.router.push).toHaveBeenCalled());
    const post = backend.requests.find((r) => r.method === "POST" && r.url.endsWith("/visits"));
    expect(post?.body).toMatchObject({ status: "arrived", reason: "Walk-in" });
    expect(post?.body).not.toHaveProperty("notes");
    expect((post?.body as { start: string }).start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
  });

  it("lets a clinician write notes, kept as typed", async () => {
    const { backend, patientId } = seed("dev-clinician");
    renderApp(<VisitCreate />, { backend, url: `/visits/new/?patientId=${patientId}` });
    await userEvent.type(await screen.findByRole("textbox", { name: "Clinical notes" }), "{{{{7*7}}");
    await userEvent.click(screen.getByRole("button", { name: "Save visit" }));
    await vi.waitFor(() => expect(navigation.router.push).toHaveBeenCalled());
    const post = backend.requests.find((r) => r.method === "POST" && r.url.endsWith("/visits"));
    expect(post?.body).toMatchObject({ notes: "{{7*7}}" });
  });
});

describe("VisitEdit", () => {
  it("shows the conflict screen when the visit changed meanwhile", async () => {
    const { backend, patientId } = seed("dev-clinician");
    const v = backend.seedVisit(patientId, { reason: "Check-up" });
    renderApp(<VisitEdit />, { backend, url: `/visits/edit/?id=${v.id}` });
    const reason = await screen.findByRole("textbox", { name: "Reason" });
    Object.assign(v, { status: "cancelled", version: 2 });
    await userEvent.clear(reason);
    await userEvent.type(reason, "Follow-up");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("heading", { name: /Someone else saved this record/ })).toBeInTheDocument();
    expect(screen.getByRole("rowheader", { name: "Status" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Keep my changes and save" }));
    await vi.waitFor(() => expect(backend.visits.get(v.id)?.reason).toBe("Follow-up"));
    expect(backend.visits.get(v.id)?.status).toBe("cancelled");
  });
});
