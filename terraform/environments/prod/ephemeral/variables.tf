variable "first_admin_email" {
  type        = string
  description = "E-mail of the first administrator (repository variable PT_FIRST_ADMIN_EMAIL)."
  nullable    = false
}

variable "state_storage_account_name" {
  type        = string
  description = "Storage account that holds the Terraform state (also passed to the backend)."
  nullable    = false
}

variable "clinic_timezone" {
  type        = string
  description = "IANA time zone of the clinic."
  default     = "Europe/Amsterdam"
  nullable    = false
}

variable "maximum_instance_count" {
  type        = number
  description = "Upper bound on Function App instances."
  default     = 5
  nullable    = false
}

variable "state_container_name" {
  type        = string
  description = "Container of the Terraform state."
  default     = "tfstate"
  nullable    = false
}
