import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";

describe("AuthGate", () => {
  it("offers the Entra sign-in, coming back to this page, when signed out", async () => {
    window.history.pushState({}, "", "/patients/view/?id=00000000-0000-4000-8000-000000000abc");
    renderApp(<p>secret</p>, { user: null });
    const link = await screen.findByRole("link", { name: "Sign in" });
    expect(link).toHaveAttribute(
      "href",
      "/.auth/login/aad?post_login_redirect_uri=%2Fpatients%2Fview%2F%3Fid%3D00000000-0000-4000-8000-000000000abc",
    );
    expect(screen.queryByText("secret")).not.toBeInTheDocument();
    window.history.pushState({}, "", "/");
  });

  it("explains a disabled account", async () => {
    const backend = new FakeBackend({ user: "dev-frontdesk" });
    const me = backend.staff.find((s) => s.id === "dev-frontdesk");
    if (me) me.active = false;
    renderApp(<p>secret</p>, { backend });
    expect(await screen.findByText(/not active in Patient Tracker/)).toBeInTheDocument();
    expect(screen.queryByText("secret")).not.toBeInTheDocument();
  });

  it("renders the app for an active staff member", async () => {
    renderApp(<p>inside</p>, { user: "dev-clinician" });
    expect(await screen.findByText("inside")).toBeInTheDocument();
  });
});
