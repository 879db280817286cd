import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderApp } from "@/test/render";
import { ImportsAdmin, roleOf } from "./imports-admin";

describe("ImportsAdmin", () => {
  it.each([
    ["synthea_csv", "patients.csv", "patients"],
    ["synthea_csv", "encounters.csv", "encounters"],
    ["patient_csv", "export.csv", "patients"],
    ["fhir_bundle", "bundle.json", "bundle"],
  ] as const)("a %s file named %s plays %s", (kind, name, role) => {
    expect(roleOf(kind, name)).toBe(role);
  });

  it("says so when the import API is not deployed", async () => {
    renderApp(<ImportsAdmin />, { user: "dev-admin" });
    const input = await screen.findByLabelText("Files");
    await userEvent.upload(input, new File(["id,given\n1,Ana\n"], "patients.csv", { type: "text/csv" }));
    await userEvent.click(screen.getByRole("button", { name: "Start import" }));
    expect(await screen.findByText("Imports are not available on this server yet")).toBeInTheDocument();
  });
});
