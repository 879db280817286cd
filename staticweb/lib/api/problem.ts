import { problemSchema, type Problem } from "./schemas";

/** Messages for the rule codes the API puts in `errors[].code`; unknown codes still read well. */
const fieldMessages: Record<string, string> = {
  required: "This field is required.",
  missing: "This field is required.",
  future_date: "The date cannot be in the future.",
  invalid_date: "Enter a real date (YYYY-MM-DD).",
  before_birth: "The date cannot be before the birth date.",
  too_long: "This is too long.",
  too_short: "This is too short.",
  invalid_format: "This is not in a valid format.",
  pattern: "This is not in a valid format.",
  invalid_characters: "This contains characters that are not allowed.",
  invalid_email: "Enter a valid email address.",
  invalid_phone: "Enter a valid phone number.",
  invalid_value: "Choose one of the listed values.",
  not_allowed: "You may not change this field.",
  end_before_start: "The end must be after the start.",
  duplicate: "This value is already in use.",
  already_exists: "This value is already in use.",
  unknown_field: "This field is not accepted.",
  type_mismatch: "This value has the wrong type.",
};

/** Readable text for one rule code from a problem-details `errors[]` entry. */
export function fieldMessage(code: string): string {
  return fieldMessages[code] ?? `Not accepted (${code.replaceAll("_", " ")}).`;
}

/** Normalises a problem field name ("/address/postalCode", "address.postalCode") to dots. */
export function normaliseField(field: string): string {
  return field.replace(/^\/+/, "").replaceAll("/", ".");
}

/** Field name → readable message, one per field (the first rule wins). */
export type FieldErrors = Readonly<Record<string, string>>;

/** An API call that did not succeed: the HTTP status and the parsed problem details. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly fieldErrors: FieldErrors;

  constructor(status: number, problem: Problem) {
    super(problem.title ?? `Request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.fieldErrors = toFieldErrors(problem);
  }

  /** The machine-readable code, e.g. `validation_failed`. */
  get code(): string {
    return this.problem.code ?? `http_${this.status}`;
  }

  /** Whether the server refused because the version we sent is no longer current. */
  get isConflict(): boolean {
    return this.status === 412;
  }
}

function toFieldErrors(problem: Problem): FieldErrors {
  const out: Record<string, string> = {};
  for (const e of problem.errors ?? []) {
    const key = normaliseField(e.field);
    if (!(key in out)) out[key] = fieldMessage(e.code);
  }
  return out;
}

/** Parses an error body; anything that is not problem details becomes a bare problem. */
export function parseProblem(status: number, body: unknown): Problem {
  const parsed = problemSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  return { status, title: undefined };
}

/** A sentence for the user about an error that is not tied to one field. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return "Something went wrong. Check your connection and try again.";
  const ref = err.problem.requestId ? ` (reference ${err.problem.requestId})` : "";
  switch (err.status) {
    case 400:
      return `The request was not understood${ref}.`;
    case 401:
      return "Your session has ended. Sign in again.";
    case 403:
      return "Your role does not allow this.";
    case 404:
      return "Not found, or not available to you.";
    case 409:
      return `${err.problem.title ?? "This clashes with existing data"}${ref}.`;
    case 412:
      return "Someone else changed this record since you opened it.";
    case 413:
      return "The request is too large.";
    case 422:
      return "Some fields need attention.";
    case 428:
      return "The record version was missing. Reload and try again.";
    case 429:
      return "Too many requests. Wait a moment and try again.";
    case 503:
      return "The service is temporarily unavailable. Try again shortly.";
    default:
      return `Something went wrong on the server${ref}.`;
  }
}
