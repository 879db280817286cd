module "base" {
  source = "../../../modules/base"

  environment                  = "prod"
  location                     = var.location
  github_repository            = var.github_repository
  github_environments          = ["prod", "prod-ops"]
  github_pull_requests_enabled = false
  cors_allowed_origins         = var.cors_allowed_origins
  postgres_entra_admins        = var.postgres_entra_admins
  state_storage_account_id     = var.state_storage_account_id

  key_vault_purge_protection_enabled = true
}
