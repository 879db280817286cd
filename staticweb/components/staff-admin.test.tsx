import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { StaffAdmin } from "./staff-admin";

describe("StaffAdmin", () => {
  it("adds a staff member by email, showing the API's field errors first", async () => {
    const backend = new FakeBackend({ user: "dev-admin" });
    renderApp(<StaffAdmin />, { backend });
    const form = await screen.findByRole("form", { name: "Add staff member" });
    await userEvent.type(within(form).getByRole("textbox", { name: "Email" }), "new@clinic.test");
    await userEvent.click(within(form).getByRole("button", { name: "Add staff member" }));
    expect(await within(form).findByText("This field is required.")).toBeInTheDocument();
    await userEvent.type(within(form).getByRole("textbox", { name: "Name" }), "Nia New");
    await userEvent.selectOptions(within(form).getByRole("combobox", { name: "Role" }), "clinician");
    await userEvent.click(within(form).getByRole("button", { name: "Add staff member" }));
    expect(await screen.findByText("new@clinic.test was added as Clinician.")).toBeInTheDocument();
    expect(await screen.findByRole("cell", { name: /Nia New/ })).toBeInTheDocument();
  });

  it("changes a role and disables a member, but not oneself", async () => {
    const backend = new FakeBackend({ user: "dev-admin" });
    renderApp(<StaffAdmin />, { backend });
    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Role of analyst@clinic.test" }), "clinician");
    await vi.waitFor(() => expect(backend.staff.find((s) => s.id === "dev-analyst")?.role).toBe("clinician"));
    await userEvent.click(screen.getByRole("button", { name: "Disable frontdesk@clinic.test" }));
    await vi.waitFor(() => expect(backend.staff.find((s) => s.id === "dev-frontdesk")?.active).toBe(false));
    expect(screen.getByRole("combobox", { name: "Role of admin@clinic.test" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Disable admin@clinic.test" })).not.toBeInTheDocument();
  });

  it("is not shown to a clinician", async () => {
    renderApp(<StaffAdmin />, { user: "dev-clinician" });
    expect(await screen.findByText("Not available for your role")).toBeInTheDocument();
  });
});
