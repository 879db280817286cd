import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderApp } from "@/test/render";
import { SiteHeader } from "./site-header";

describe("SiteHeader", () => {
  it.each([
    ["dev-admin", "Administrator", ["Patients", "Analytics", "Staff", "Audit log", "Imports"]],
    ["dev-clinician", "Clinician", ["Patients", "Analytics"]],
    ["dev-frontdesk", "Front desk", ["Patients"]],
    ["dev-analyst", "Analyst", ["Analytics"]],
  ])("shows %s only the screens of the role", async (user, role, links) => {
    renderApp(<SiteHeader />, { user });
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(links);
    expect(screen.getByText(role)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign out" })).toHaveAttribute(
      "href",
      "/.auth/logout?post_logout_redirect_uri=/",
    );
  });
});
