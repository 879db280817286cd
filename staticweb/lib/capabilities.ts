import type { Role } from "./api/schemas";

/** What a signed-in user may see or do in the UI. The API enforces the same matrix. */
export interface Capabilities {
  patients: boolean;
  editPatients: boolean;
  archivePatients: boolean;
  visits: boolean;
  visitNotes: boolean;
  documents: boolean;
  documentContent: boolean;
  upload: boolean;
  analytics: boolean;
  audit: boolean;
  staff: boolean;
  imports: boolean;
}

const none: Capabilities = {
  patients: false,
  editPatients: false,
  archivePatients: false,
  visits: false,
  visitNotes: false,
  documents: false,
  documentContent: false,
  upload: false,
  analytics: false,
  audit: false,
  staff: false,
  imports: false,
};

// The role matrix of the team notes: admin all; clinician patients, visits with notes,
// documents, analytics; frontdesk demographics, visit scheduling, uploads (no notes,
// analytics, audit, staff, exports or archiving); analyst analytics only.
const matrix: Record<Role, Capabilities> = {
  admin: {
    patients: true,
    editPatients: true,
    archivePatients: true,
    visits: true,
    visitNotes: true,
    documents: true,
    documentContent: true,
    upload: true,
    analytics: true,
    audit: true,
    staff: true,
    imports: true,
  },
  clinician: {
    ...none,
    patients: true,
    editPatients: true,
    archivePatients: true,
    visits: true,
    visitNotes: true,
    documents: true,
    documentContent: true,
    upload: true,
    analytics: true,
  },
  frontdesk: {
    ...none,
    patients: true,
    editPatients: true,
    visits: true,
    documents: true,
    upload: true,
  },
  analyst: { ...none, analytics: true },
};

/**
 * The capabilities of a role. The role comes from `/api/me` (the staff table); permission
 * names are not part of the contract yet, so the UI follows the role matrix and the API
 * remains the authority (a refused call shows "your role does not allow this").
 */
export function capabilitiesFor(role: Role): Capabilities {
  return matrix[role];
}

/** Human label for a role. */
export function roleLabel(role: Role): string {
  switch (role) {
    case "admin":
      return "Administrator";
    case "clinician":
      return "Clinician";
    case "frontdesk":
      return "Front desk";
    case "analyst":
      return "Analyst";
  }
}
