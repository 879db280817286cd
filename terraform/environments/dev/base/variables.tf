variable "github_repository" {
  type        = string
  description = "GitHub repository (owner/name) allowed to deploy with OIDC; workflows pass TF_VAR_github_repository."
  nullable    = false
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Web origins for SAS uploads and downloads (the deploy workflow feeds back the web URL)."
  default     = []
  nullable    = false
}

variable "location" {
  type        = string
  description = "Azure region of the environment."
  default     = "westeurope"
  nullable    = false
}

variable "postgres_entra_admins" {
  type = map(object({
    object_id      = string
    principal_type = string
  }))
  description = "Extra Entra administrators of the PostgreSQL server (for example an operators group), keyed by name."
  default     = {}
  nullable    = false
}

variable "state_storage_account_id" {
  type        = string
  description = "Resource ID of the state storage account (printed by make infra-bootstrap)."
  default     = null
}
