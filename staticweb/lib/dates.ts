// Birth dates and other calendar dates are `YYYY-MM-DD` strings from end to end. They are never
// turned into Date instants, so no browser time zone can move them a day (bad-inputs BL-03).
// Visit times are real instants and are shown in the browser's own time zone.

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether s is a real calendar date in `YYYY-MM-DD` form. */
export function isDateOnly(s: string): boolean {
  const m = datePattern.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** Today's calendar date where the user is, as `YYYY-MM-DD`. */
export function todayLocal(now: Date = new Date()): string {
  return [now.getFullYear(), pad(now.getMonth() + 1), pad(now.getDate())].join("-");
}

/** Whole years between a birth date and a date, both `YYYY-MM-DD`. */
export function ageOn(birthDate: string, on: string): number | null {
  const b = datePattern.exec(birthDate);
  const t = datePattern.exec(on);
  if (!b || !t) return null;
  let age = Number(t[1]) - Number(b[1]);
  const beforeBirthday = Number(t[2]) * 100 + Number(t[3]) < Number(b[2]) * 100 + Number(b[3]);
  if (beforeBirthday) age -= 1;
  return age;
}

/** Adds days to a `YYYY-MM-DD` date without touching time zones. */
export function addDays(date: string, days: number): string {
  const m = datePattern.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())].join("-");
}

/** An instant shown in the user's time zone, e.g. "3 Mar 2025, 14:05". */
export function formatInstant(iso: string | null): string {
  if (iso === null || iso === "") return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** An instant as the value of an `<input type="datetime-local">` in the user's time zone. */
export function instantToLocalInput(iso: string | null): string {
  if (iso === null || iso === "") return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const date = todayLocal(d);
  return `${date}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (the user's wall clock) as an ISO instant, or null when empty. */
export function localInputToInstant(value: string): string | null {
  if (value === "") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
