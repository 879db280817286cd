variable "first_admin_email" {
  type        = string
  description = "E-mail of the first administrator of the preview (repository variable PT_FIRST_ADMIN_EMAIL)."
  nullable    = false
}

variable "pull_request_number" {
  type        = number
  description = "Number of the pull request this preview belongs to."
  nullable    = false

  validation {
    condition     = var.pull_request_number >= 1 && var.pull_request_number < 1000000
    error_message = "pull_request_number must be a positive pull request number below 1000000."
  }
}

variable "state_storage_account_name" {
  type        = string
  description = "Storage account that holds the Terraform state."
  nullable    = false
}

variable "clinic_timezone" {
  type        = string
  description = "IANA time zone of the clinic."
  default     = "Europe/Amsterdam"
  nullable    = false
}

variable "state_container_name" {
  type        = string
  description = "Container of the Terraform state."
  default     = "tfstate"
  nullable    = false
}
