import { describe, expect, it } from "vitest";
import { conflictReport } from "./changes";

describe("conflictReport", () => {
  it("lists what others changed and where both sides changed the same field", () => {
    const base = { phone: "1", city: "Lyon", familyName: "Lima" };
    const mine = { phone: "2", city: "Lyon", familyName: "Lima" };
    const theirs = { phone: "3", city: "Paris", familyName: "Lima" };
    const r = conflictReport(base, mine, theirs, { phone: "Phone", city: "City" });
    expect(r.theirChanges.map((c) => c.field)).toEqual(["city", "phone"]);
    expect(r.theirChanges[1]).toEqual({ field: "phone", label: "Phone", base: "1", mine: "2", theirs: "3" });
    expect(r.clashes).toEqual(["phone"]);
  });
});
