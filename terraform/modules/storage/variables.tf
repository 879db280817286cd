variable "location" {
  type        = string
  description = "Azure region of the storage account."
  nullable    = false
}

variable "name" {
  type        = string
  description = "Globally unique storage account name (3-24 lowercase letters and digits)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.name))
    error_message = "name must be 3-24 lowercase letters or digits."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Resource group that holds the storage account."
  nullable    = false
}

variable "containers" {
  type        = set(string)
  description = "Private blob containers to create (documents, imports, releases, deployments)."
  nullable    = false
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Web origins (https://host) allowed to PUT uploads and GET downloads through SAS URLs; empty for none."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^https://[^/]+$", o))])
    error_message = "Each CORS origin must be https://host without a path."
  }
}

variable "soft_delete_days" {
  type        = number
  description = "Days a deleted blob or container can be restored."
  default     = 7
  nullable    = false

  validation {
    condition     = var.soft_delete_days >= 1 && var.soft_delete_days <= 365
    error_message = "soft_delete_days must be between 1 and 365."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
