variable "environment" {
  type        = string
  description = "Environment name, part of every resource name (dev, prod)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.environment))
    error_message = "environment must be 2-8 lowercase letters or digits, starting with a letter."
  }
}

variable "github_repository" {
  type        = string
  description = "GitHub repository (owner/name) whose workflows sign in with OIDC as the deployer identity."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "location" {
  type        = string
  description = "Azure region for every resource (check Flex Consumption custom-handler support there)."
  nullable    = false
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Web origins allowed to use SAS upload/download URLs: a custom domain, or the Static Web App hostname fed back by the deploy workflow."
  default     = []
  nullable    = false
}

variable "database_name" {
  type        = string
  description = "Name of the application's database on the PostgreSQL server."
  default     = "patienttracker"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier."
  }
}

variable "events_queue_name" {
  type        = string
  description = "Name of the Service Bus queue for domain events (PT_EVENTS_QUEUE)."
  default     = "pt-events"
  nullable    = false
}

variable "github_environments" {
  type        = list(string)
  description = "GitHub environments whose jobs may sign in as the deployer identity (one federated credential each)."
  default     = []
  nullable    = false
}

variable "github_pull_requests_enabled" {
  type        = bool
  description = "Also trust pull_request workflow runs (needed for preview stacks)."
  default     = false
  nullable    = false
}

variable "key_vault_purge_protection_enabled" {
  type        = bool
  description = "Purge protection on the Key Vault (cannot be turned off again; keep it off for dev)."
  default     = false
  nullable    = false
}

variable "log_daily_quota_gb" {
  type        = number
  description = "Daily ingestion cap of Log Analytics and Application Insights, in GB (0.16 GB a day stays inside the 5 GB monthly free grant)."
  default     = 0.16
  nullable    = false

  validation {
    condition     = var.log_daily_quota_gb > 0 && var.log_daily_quota_gb <= 1
    error_message = "log_daily_quota_gb must be above 0 and at most 1 GB a day."
  }
}

variable "malware_scanning_enabled" {
  type        = bool
  description = "Defender for Storage malware scanning on upload (billed per GB scanned, so off by default)."
  default     = false
  nullable    = false
}

variable "malware_scanning_cap_gb_per_month" {
  type        = number
  description = "Monthly cap on scanned GB when malware scanning is on."
  default     = 5
  nullable    = false
}

variable "postgres_entra_admins" {
  type = map(object({
    object_id      = string
    principal_type = string
  }))
  description = "Extra Entra administrators of the PostgreSQL server, keyed by principal name (the deployer identity is always one)."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for a in values(var.postgres_entra_admins) : contains(["User", "Group", "ServicePrincipal"], a.principal_type)])
    error_message = "principal_type must be User, Group or ServicePrincipal."
  }
}

variable "postgres_extensions" {
  type        = list(string)
  description = "Extensions allowed through azure.extensions; the application needs PG_TRGM."
  default     = ["PG_TRGM"]
  nullable    = false

  validation {
    condition     = contains([for e in var.postgres_extensions : upper(e)], "PG_TRGM")
    error_message = "postgres_extensions must include PG_TRGM (patient search)."
  }
}

variable "postgres_sku_name" {
  type        = string
  description = "PostgreSQL Flexible Server SKU; burstable B1ms keeps the active month under budget."
  default     = "B_Standard_B1ms"
  nullable    = false

  validation {
    condition     = startswith(var.postgres_sku_name, "B_Standard_") || startswith(var.postgres_sku_name, "GP_Standard_")
    error_message = "postgres_sku_name must be a Burstable or General Purpose SKU."
  }
}

variable "postgres_storage_mb" {
  type        = number
  description = "PostgreSQL storage in MB (32768 is the smallest size, 32 GiB)."
  default     = 32768
  nullable    = false
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version (17 or newer)."
  default     = "17"
  nullable    = false

  validation {
    condition     = can(tonumber(var.postgres_version)) && tonumber(var.postgres_version) >= 17
    error_message = "postgres_version must be 17 or newer."
  }
}

variable "service_bus_sku" {
  type        = string
  description = "Service Bus tier; Basic has queues, which is all the application uses."
  default     = "Basic"
  nullable    = false

  validation {
    condition     = contains(["Basic", "Standard"], var.service_bus_sku)
    error_message = "service_bus_sku must be Basic or Standard (Premium is far over budget)."
  }
}

variable "state_storage_account_id" {
  type        = string
  description = "Resource ID of the Terraform state storage account (from make infra-bootstrap); the deployer gets blob data access to it. Null to skip."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
  nullable    = false
}
