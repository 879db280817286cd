import { describe, expect, it } from "vitest";
import { addDays, ageOn, instantToLocalInput, isDateOnly, localInputToInstant, todayLocal } from "./dates";

describe("calendar dates stay dates (BL-03)", () => {
  it.each([
    ["1990-01-01", "2024-12-31", 34],
    ["1990-12-31", "2024-12-30", 33],
    ["2000-02-29", "2024-02-28", 23],
    ["2000-02-29", "2024-02-29", 24],
  ])("age of %s on %s is %i", (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it.each([
    ["1990-01-01", true],
    ["1990-02-30", false],
    ["1990-1-1", false],
    ["1990-01-01T00:00:00Z", false],
  ])("isDateOnly(%s) = %s", (s, ok) => {
    expect(isDateOnly(s)).toBe(ok);
  });

  it("adds days across month ends without time zones", () => {
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
  });

  it("reads today from the local wall clock", () => {
    expect(todayLocal(new Date(2024, 0, 5, 23, 59))).toBe("2024-01-05");
  });

  it("round-trips a datetime-local value through an instant", () => {
    const local = "2025-03-09T02:30";
    const iso = localInputToInstant(local);
    expect(iso).not.toBeNull();
    expect(localInputToInstant("")).toBeNull();
    expect(instantToLocalInput(localInputToInstant("2025-06-01T09:15"))).toBe("2025-06-01T09:15");
  });
});
