import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "@/test/fake-backend";
import { renderApp } from "@/test/render";
import { AnalyticsView } from "./analytics-view";

describe("AnalyticsView", () => {
  it("gives every chart a table, and asks for the chosen range and granularity", async () => {
    const backend = new FakeBackend({ user: "dev-analyst" });
    backend.seedPatient({ givenNames: "A", familyName: "B", birthDate: "1980-01-01", sex: "female" });
    renderApp(<AnalyticsView />, { backend });
    const sex = await screen.findByRole("table", { name: "Sex" });
    expect(within(sex).getByRole("row", { name: "Female 1" })).toBeInTheDocument();
    const trends = await screen.findByRole("table", { name: "Visit trends" });
    expect(within(trends).getAllByRole("row")).toHaveLength(13);
    expect(screen.getByRole("table", { name: "Top visit reasons" })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Granularity" }), "month");
    await vi.waitFor(() => {
      expect(backend.requests.at(-1)?.url).toMatch(/^\/api\/analytics\/visits\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&granularity=month$/);
    });
  });

  it("says so when analytics is not deployed", async () => {
    renderApp(<AnalyticsView />, { user: "dev-clinician", missing: ["analytics"] });
    expect(await screen.findByText("Analytics is not available on this server yet")).toBeInTheDocument();
    expect(await screen.findByText("Visit trends are not available on this server yet")).toBeInTheDocument();
  });

  it("is refused to front desk", async () => {
    renderApp(<AnalyticsView />, { user: "dev-frontdesk" });
    expect(await screen.findByText("Not available for your role")).toBeInTheDocument();
  });
});
