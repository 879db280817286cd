import type { PatientInput } from "./api/client";
import type { Patient, Sex } from "./api/schemas";
import type { FormValues } from "./changes";

/** The patient form's fields, flat, as the inputs hold them. */
export const patientFieldLabels = {
  givenNames: "Given names",
  familyName: "Family name",
  birthDate: "Birth date",
  sex: "Sex",
  phone: "Phone",
  email: "Email",
  addressLine1: "Address line 1",
  addressLine2: "Address line 2",
  city: "City",
  region: "Region",
  postalCode: "Postal code",
  country: "Country",
  preferredLanguage: "Preferred language",
  deceasedDate: "Date of death",
} as const;

export type PatientField = keyof typeof patientFieldLabels;
export type PatientValues = Record<PatientField, string>;

export const emptyPatientValues: PatientValues = {
  givenNames: "",
  familyName: "",
  birthDate: "",
  sex: "unknown",
  phone: "",
  email: "",
  addressLine1: "",
  addressLine2: "",
  city: "",
  region: "",
  postalCode: "",
  country: "",
  preferredLanguage: "",
  deceasedDate: "",
};

/** A patient as form values. */
export function patientToValues(p: Patient): PatientValues {
  return {
    givenNames: p.givenNames,
    familyName: p.familyName,
    birthDate: p.birthDate,
    sex: p.sex,
    phone: p.phone ?? "",
    email: p.email ?? "",
    addressLine1: p.address?.lines[0] ?? "",
    addressLine2: p.address?.lines[1] ?? "",
    city: p.address?.city ?? "",
    region: p.address?.region ?? "",
    postalCode: p.address?.postalCode ?? "",
    country: p.address?.country ?? "",
    preferredLanguage: p.preferredLanguage ?? "",
    deceasedDate: p.deceasedDate ?? "",
  };
}

function orNull(s: string): string | null {
  const t = s.trim();
  return t === "" ? null : t;
}

const addressFields: readonly PatientField[] = [
  "addressLine1",
  "addressLine2",
  "city",
  "region",
  "postalCode",
  "country",
];

function addressOf(v: PatientValues): PatientInput["address"] {
  if (addressFields.every((f) => v[f].trim() === "")) return null;
  return {
    lines: [v.addressLine1, v.addressLine2].map((l) => l.trim()).filter((l) => l !== ""),
    city: orNull(v.city),
    region: orNull(v.region),
    postalCode: orNull(v.postalCode),
    country: orNull(v.country),
  };
}

/** Form values as the body of `POST /api/patients`. Names are sent as typed (trimmed). */
export function valuesToInput(v: PatientValues): PatientInput {
  return {
    givenNames: v.givenNames.trim(),
    familyName: v.familyName.trim(),
    birthDate: v.birthDate,
    sex: v.sex as Sex,
    phone: orNull(v.phone),
    email: orNull(v.email),
    address: addressOf(v),
    preferredLanguage: orNull(v.preferredLanguage),
    deceasedDate: orNull(v.deceasedDate),
  };
}

/** Only what changed from `base`, as a PATCH body (the address travels whole). */
export function valuesToChanges(base: FormValues, v: PatientValues): Partial<PatientInput> {
  const full = valuesToInput(v);
  const out: Partial<PatientInput> = {};
  const simple = [
    "givenNames",
    "familyName",
    "birthDate",
    "sex",
    "phone",
    "email",
    "preferredLanguage",
    "deceasedDate",
  ] as const;
  for (const f of simple) {
    if ((base[f] ?? "") !== v[f]) Object.assign(out, { [f]: full[f] });
  }
  if (addressFields.some((f) => (base[f] ?? "") !== v[f])) out.address = full.address;
  return out;
}

/** Maps an API field name (e.g. `address.postalCode`, `address.lines.0`) to a form field. */
export function apiFieldToFormField(field: string): PatientField | null {
  if (field in patientFieldLabels) return field as PatientField;
  if (field.startsWith("address.lines")) {
    return field.endsWith("1") ? "addressLine2" : "addressLine1";
  }
  const tail = field.replace(/^address\./, "");
  if (tail !== field && tail in patientFieldLabels) return tail as PatientField;
  if (field === "dob") return "birthDate";
  return null;
}
