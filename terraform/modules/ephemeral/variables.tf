variable "application_insights_connection_string" {
  type        = string
  description = "Connection string of the environment's Application Insights (local auth is off there)."
  sensitive   = true
  nullable    = false
}

variable "application_insights_id" {
  type        = string
  description = "Resource ID of Application Insights, where the identity publishes telemetry."
  nullable    = false
}

variable "blob_endpoint" {
  type        = string
  description = "Blob endpoint of the environment's storage account (ignored with dedicated_data)."
  nullable    = false
}

variable "database_host" {
  type        = string
  description = "Host name of the environment's PostgreSQL server."
  nullable    = false
}

variable "database_name" {
  type        = string
  description = "The environment's database (ignored with dedicated_data, which creates one)."
  nullable    = false
}

variable "events_queue_id" {
  type        = string
  description = "Resource ID of the environment's events queue (ignored with dedicated_data)."
  nullable    = false
}

variable "events_queue_name" {
  type        = string
  description = "Name of the environment's events queue."
  nullable    = false
}

variable "first_admin_email" {
  type        = string
  description = "E-mail of the first administrator, bound to the first sign-in with that address (PT_FIRST_ADMIN_EMAIL)."
  nullable    = false

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.first_admin_email))
    error_message = "first_admin_email must be an e-mail address."
  }
}

variable "key_vault_id" {
  type        = string
  description = "Resource ID of the environment's Key Vault."
  nullable    = false
}

variable "location" {
  type        = string
  description = "Azure region of the Function App (same as the environment)."
  nullable    = false
}

variable "postgres_server_id" {
  type        = string
  description = "Resource ID of the environment's PostgreSQL server (previews create a database on it)."
  nullable    = false
}

variable "queue_endpoint" {
  type        = string
  description = "Queue endpoint of the environment's storage account (ignored with dedicated_data)."
  nullable    = false
}

variable "resource_group_name" {
  type        = string
  description = "Resource group of the environment."
  nullable    = false
}

variable "service_bus_fqdn" {
  type        = string
  description = "Fully qualified Service Bus namespace, <name>.servicebus.windows.net."
  nullable    = false
}

variable "service_bus_namespace_id" {
  type        = string
  description = "Resource ID of the Service Bus namespace (previews add a queue to it)."
  nullable    = false
}

variable "stack_name" {
  type        = string
  description = "Name of this stack: the environment for main stacks (dev, prod), pr<number> for previews."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.stack_name))
    error_message = "stack_name must be 2-8 lowercase letters or digits, starting with a letter."
  }
}

variable "storage_account_id" {
  type        = string
  description = "Resource ID of the environment's storage account (ignored with dedicated_data)."
  nullable    = false
}

variable "storage_account_name" {
  type        = string
  description = "Name of the environment's storage account (ignored with dedicated_data)."
  nullable    = false
}

variable "app_identity" {
  type = object({
    id           = string
    client_id    = string
    principal_id = string
    name         = string
  })
  description = "The environment's application identity; null creates one for this stack (previews)."
  default     = null
}

variable "clinic_timezone" {
  type        = string
  description = "IANA time zone of the clinic (PT_CLINIC_TIMEZONE); timers themselves run in UTC on Flex."
  default     = "UTC"
  nullable    = false
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Extra web origins for the dedicated storage account of a preview (its own web URL is added by the deploy workflow)."
  default     = []
  nullable    = false
}

variable "dedicated_data" {
  type        = bool
  description = "Give this stack a storage account, database, events queue and identity of its own (pull-request previews)."
  default     = false
  nullable    = false
}

variable "instance_memory_mb" {
  type        = number
  description = "Memory of each Flex Consumption instance, in MB."
  default     = 512
  nullable    = false

  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "log_level" {
  type        = string
  description = "Application log level (PT_LOG_LEVEL)."
  default     = "info"
  nullable    = false

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "maximum_instance_count" {
  type        = number
  description = "Upper bound on Flex Consumption instances: a cost ceiling, and a cap on database connections."
  default     = 10
  nullable    = false

  validation {
    condition     = var.maximum_instance_count >= 1 && var.maximum_instance_count <= 40
    error_message = "maximum_instance_count must be between 1 and 40."
  }
}

variable "static_web_app_location" {
  type        = string
  description = "Region of the Static Web App (only a few regions host it; content is served globally)."
  default     = "westeurope"
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
  nullable    = false
}
