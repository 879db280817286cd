package staff

// Permission is one thing a role may do. The API's route table names the permission
// each route needs; this table is the only place roles are given permissions.
type Permission string

// The permissions.
const (
	ReadPatients    Permission = "patients:read"
	WritePatients   Permission = "patients:write"
	ArchivePatients Permission = "patients:archive"
	RestorePatients Permission = "patients:restore"
	ReadVisits      Permission = "visits:read"
	WriteVisits     Permission = "visits:write"
	ReadVisitNotes  Permission = "visits:notes"
	ReadDocuments   Permission = "documents:read"
	UploadDocuments Permission = "documents:upload"
	ReadAnalytics   Permission = "analytics:read"
	ReadAudit       Permission = "audit:read"
	ManageStaff     Permission = "staff:manage"
	RunExports      Permission = "exports:run"
	RunImports      Permission = "imports:run"
	ReadEvents      Permission = "events:read"
	ReadSelf        Permission = "me:read"
)

var rolePermissions = map[Role][]Permission{
	Admin: {ReadSelf, ReadPatients, WritePatients, ArchivePatients, RestorePatients,
		ReadVisits, WriteVisits, ReadVisitNotes, ReadDocuments, UploadDocuments,
		ReadAnalytics, ReadAudit, ManageStaff, RunExports, RunImports, ReadEvents},
	Clinician: {ReadSelf, ReadPatients, WritePatients, ArchivePatients, ReadVisits,
		WriteVisits, ReadVisitNotes, ReadDocuments, UploadDocuments, ReadAnalytics},
	Frontdesk: {ReadSelf, ReadPatients, WritePatients, ReadVisits, WriteVisits,
		ReadDocuments, UploadDocuments},
	Analyst: {ReadSelf, ReadAnalytics},
}

// Can reports whether the role has the permission.
func (r Role) Can(p Permission) bool {
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// Permissions lists the role's permissions, for the UI to decide what to show.
func (r Role) Permissions() []Permission {
	return append([]Permission(nil), rolePermissions[r]...)
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	_, ok := rolePermissions[r]
	return ok
}
