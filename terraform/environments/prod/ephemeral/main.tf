data "terraform_remote_state" "base" {
  backend = "azurerm"

  config = {
    storage_account_name = var.state_storage_account_name
    container_name       = var.state_container_name
    key                  = "prod/base.tfstate"
    use_azuread_auth     = true
  }
}

module "ephemeral" {
  source = "../../../modules/ephemeral"

  stack_name             = "prod"
  first_admin_email      = var.first_admin_email
  clinic_timezone        = var.clinic_timezone
  maximum_instance_count = var.maximum_instance_count

  app_identity = {
    id           = local.base.app_identity_id
    client_id    = local.base.app_identity_client_id
    principal_id = local.base.app_identity_principal_id
    name         = local.base.app_identity_name
  }

  location                               = local.base.location
  resource_group_name                    = local.base.resource_group_name
  application_insights_connection_string = local.base.application_insights_connection_string
  application_insights_id                = local.base.application_insights_id
  blob_endpoint                          = local.base.blob_endpoint
  queue_endpoint                         = local.base.queue_endpoint
  storage_account_id                     = local.base.storage_account_id
  storage_account_name                   = local.base.storage_account_name
  database_host                          = local.base.database_host
  database_name                          = local.base.database_name
  postgres_server_id                     = local.base.postgres_server_id
  events_queue_id                        = local.base.events_queue_id
  events_queue_name                      = local.base.events_queue_name
  key_vault_id                           = local.base.key_vault_id
  service_bus_fqdn                       = local.base.service_bus_fqdn
  service_bus_namespace_id               = local.base.service_bus_namespace_id
}
