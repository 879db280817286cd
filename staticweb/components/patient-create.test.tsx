import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { navigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { PatientCreate } from "./patient-create";

describe("PatientCreate", () => {
  it("creates a patient with accents and an apostrophe, birth date as a plain date", async () => {
    const backend = new FakeBackend({ user: "dev-frontdesk" });
    renderApp(<PatientCreate />, { backend });
    await userEvent.type(await screen.findByRole("textbox", { name: "Given names" }), "Zoë");
    await userEvent.type(screen.getByRole("textbox", { name: "Family name" }), "O'Brien-Núñez");
    await userEvent.type(screen.getByLabelText("Birth date"), "1990-01-01");
    await userEvent.click(screen.getByRole("button", { name: "Create patient" }));
    await vi.waitFor(() => expect(navigation.router.push).toHaveBeenCalled());
    const post = backend.requests.find((r) => r.method === "POST" && r.url === "/api/patients");
    expect(post?.body).toMatchObject({ givenNames: "Zoë", familyName: "O'Brien-Núñez", birthDate: "1990-01-01" });
    expect(post?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = [...backend.patients.values()];
    expect(navigation.router.push).toHaveBeenCalledWith(`/patients/view/?id=${row?.id ?? ""}`);
  });

  it("shows each field error from the problem details", async () => {
    renderApp(<PatientCreate />, { user: "dev-frontdesk" });
    await userEvent.click(await screen.findByRole("button", { name: "Create patient" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Some fields need attention.");
    expect(screen.getByRole("textbox", { name: "Given names" })).toHaveAccessibleDescription("This field is required.");
    expect(screen.getByLabelText("Birth date")).toHaveAccessibleDescription("Enter a real date (YYYY-MM-DD).");
  });

  it("is refused to an analyst", async () => {
    renderApp(<PatientCreate />, { user: "dev-analyst" });
    expect(await screen.findByText("Not available for your role")).toBeInTheDocument();
  });
});
