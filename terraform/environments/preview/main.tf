# A pull-request preview: the dev environment's always-on layer (server, namespace, vault,
# monitoring) plus a stack of its own with its own storage account, database, events queue
# and identity, so it never touches dev data. State key: preview/pr<N>.tfstate.
data "terraform_remote_state" "base" {
  backend = "azurerm"

  config = {
    storage_account_name = var.state_storage_account_name
    container_name       = var.state_container_name
    key                  = "dev/base.tfstate"
    use_azuread_auth     = true
  }
}

module "ephemeral" {
  source = "../../modules/ephemeral"

  stack_name             = "pr${var.pull_request_number}"
  dedicated_data         = true
  app_identity           = null
  first_admin_email      = var.first_admin_email
  clinic_timezone        = var.clinic_timezone
  maximum_instance_count = 2
  log_level              = "debug"
  tags                   = { pull_request = tostring(var.pull_request_number) }

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
