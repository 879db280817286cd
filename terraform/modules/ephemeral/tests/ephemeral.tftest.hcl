# Plan-level tests of the on-demand layer with a mocked provider.
# Mocked IDs must look like Azure IDs: the provider validates them even in a plan.
mock_provider "azurerm" {
  mock_resource "azurerm_storage_account" {
    defaults = {
      id                     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Storage/storageAccounts/ptmock"
      primary_blob_endpoint  = "https://ptmock.blob.core.windows.net/"
      primary_queue_endpoint = "https://ptmock.queue.core.windows.net/"
    }
  }

  mock_resource "azurerm_user_assigned_identity" {
    defaults = {
      id           = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-mock"
      client_id    = "33333333-3333-3333-3333-333333333333"
      principal_id = "44444444-4444-4444-4444-444444444444"
      tenant_id    = "00000000-0000-0000-0000-000000000002"
    }
  }

  mock_resource "azurerm_servicebus_queue" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.ServiceBus/namespaces/sb-mock/queues/q-mock"
    }
  }

  mock_resource "azurerm_service_plan" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Web/serverFarms/asp-mock"
    }
  }

  mock_resource "azurerm_function_app_flex_consumption" {
    defaults = {
      id               = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Web/sites/func-mock"
      default_hostname = "func-mock.azurewebsites.net"
    }
  }

  mock_resource "azurerm_static_web_app" {
    defaults = {
      id                = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Web/staticSites/swa-mock"
      default_host_name = "swa-mock.azurestaticapps.net"
    }
  }
}

variables {
  stack_name                             = "dev"
  location                               = "westeurope"
  resource_group_name                    = "rg-pt-dev"
  first_admin_email                      = "admin@clinic.test"
  application_insights_connection_string = "InstrumentationKey=00000000-0000-0000-0000-000000000000"
  application_insights_id                = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.Insights/components/appi-pt-dev"
  blob_endpoint                          = "https://ptdevabc123.blob.core.windows.net/"
  queue_endpoint                         = "https://ptdevabc123.queue.core.windows.net/"
  storage_account_id                     = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.Storage/storageAccounts/ptdevabc123"
  storage_account_name                   = "ptdevabc123"
  database_host                          = "psql-pt-dev-abc123.postgres.database.azure.com"
  database_name                          = "patienttracker"
  postgres_server_id                     = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-pt-dev-abc123"
  events_queue_id                        = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.ServiceBus/namespaces/sb-pt-dev-abc123/queues/pt-events"
  events_queue_name                      = "pt-events"
  key_vault_id                           = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.KeyVault/vaults/kv-pt-dev-abc123"
  service_bus_fqdn                       = "sb-pt-dev-abc123.servicebus.windows.net"
  service_bus_namespace_id               = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.ServiceBus/namespaces/sb-pt-dev-abc123"
  app_identity = {
    id           = "/subscriptions/s/resourceGroups/rg-pt-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pt-dev-app"
    client_id    = "11111111-1111-1111-1111-111111111111"
    principal_id = "22222222-2222-2222-2222-222222222222"
    name         = "id-pt-dev-app"
  }
}

run "flex_consumption_custom_handler" {
  command = plan

  assert {
    condition     = azurerm_service_plan.this.sku_name == "FC1" && azurerm_service_plan.this.os_type == "Linux"
    error_message = "The plan must be Flex Consumption (FC1, Linux)."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.runtime_name == "custom" && azurerm_function_app_flex_consumption.this.runtime_version == "1.0"
    error_message = "The runtime must be custom 1.0 (Go custom handler)."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.instance_memory_in_mb == 512
    error_message = "Instances must have 512 MB."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.maximum_instance_count <= 40
    error_message = "The instance count must be bounded."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.storage_authentication_type == "UserAssignedIdentity"
    error_message = "Deployment storage must be reached with the managed identity, not a key."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.storage_container_endpoint == "https://ptdevabc123.blob.core.windows.net/deployments"
    error_message = "Packages must be kept in the deployments container."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.https_only && !azurerm_function_app_flex_consumption.this.webdeploy_publish_basic_authentication_enabled
    error_message = "HTTPS only, and no basic-auth publishing credentials."
  }
}

run "identity_based_settings_without_secrets" {
  command = plan

  assert {
    condition = alltrue([
      for k, v in azurerm_function_app_flex_consumption.this.app_settings :
      !can(regex("(?i)(accountkey=|sharedaccesskey|password|pwd=|[?&]sig=|secret|instrumentationkey=)", "${k}=${v}"))
    ])
    error_message = "App settings must not contain keys, passwords, SAS signatures or secrets."
  }

  assert {
    condition = length(setintersection(keys(azurerm_function_app_flex_consumption.this.app_settings), [
      "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "DocumentsStorage", "ServiceBusConnection",
      "APPINSIGHTS_INSTRUMENTATIONKEY", "WEBSITE_RUN_FROM_PACKAGE",
    ])) == 0
    error_message = "No connection-string settings, and no FUNCTIONS_WORKER_RUNTIME on Flex."
  }

  assert {
    condition = alltrue([
      for p in ["AzureWebJobsStorage", "DocumentsStorage", "ServiceBusConnection"] :
      azurerm_function_app_flex_consumption.this.app_settings["${p}__credential"] == "managedidentity" &&
      azurerm_function_app_flex_consumption.this.app_settings["${p}__clientId"] == "11111111-1111-1111-1111-111111111111"
    ])
    error_message = "Every connection must use the user-assigned identity."
  }

  assert {
    condition = (
      azurerm_function_app_flex_consumption.this.app_settings["PT_ENVIRONMENT"] == "production" &&
      azurerm_function_app_flex_consumption.this.app_settings["PT_DATABASE_ENTRA_AUTH"] == "true" &&
      azurerm_function_app_flex_consumption.this.app_settings["PT_EVENTS_QUEUE"] == "pt-events" &&
      azurerm_function_app_flex_consumption.this.app_settings["PT_FIRST_ADMIN_EMAIL"] == "admin@clinic.test" &&
      azurerm_function_app_flex_consumption.this.app_settings["DocumentsStorage__blobServiceUri"] == "https://ptdevabc123.blob.core.windows.net" &&
      azurerm_function_app_flex_consumption.this.app_settings["DocumentsStorage__queueServiceUri"] == "https://ptdevabc123.queue.core.windows.net" &&
      azurerm_function_app_flex_consumption.this.app_settings["ServiceBusConnection__fullyQualifiedNamespace"] == "sb-pt-dev-abc123.servicebus.windows.net"
    )
    error_message = "The application settings of the contract must be set."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.app_settings["PT_DATABASE_URL"] == "postgres://id-pt-dev-app@psql-pt-dev-abc123.postgres.database.azure.com:5432/patienttracker?sslmode=require"
    error_message = "The database URL must name the identity's role, TLS, and no password."
  }
}

run "role_assignments_present" {
  command = plan

  assert {
    condition = toset([for r in azurerm_role_assignment.app : r.role_definition_name]) == toset([
      "Storage Blob Data Owner", "Storage Blob Delegator", "Storage Queue Data Contributor",
      "Azure Service Bus Data Sender", "Key Vault Secrets User", "Monitoring Metrics Publisher",
    ])
    error_message = "The identity needs blob data and delegation, queues, Service Bus sender, Key Vault secrets user and metrics publisher."
  }

  assert {
    condition     = alltrue([for r in azurerm_role_assignment.app : r.principal_id == "22222222-2222-2222-2222-222222222222"])
    error_message = "Roles must go to the application's identity."
  }

  assert {
    condition     = azurerm_role_assignment.app["bus_sender"].scope == var.events_queue_id
    error_message = "The Service Bus sender role must be scoped to the events queue."
  }
}

run "static_web_app_standard_and_linked" {
  command = plan

  assert {
    condition     = azurerm_static_web_app.this.sku_tier == "Standard" && azurerm_static_web_app.this.sku_size == "Standard"
    error_message = "The Static Web App must be Standard (linked backend, built-in Entra sign-in)."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic.this.topic_type == "Microsoft.Storage.StorageAccounts" && azurerm_eventgrid_system_topic.this.source_resource_id == var.storage_account_id
    error_message = "The storage account's Event Grid system topic must exist."
  }
}

run "main_stack_shares_environment_data" {
  command = plan

  assert {
    condition     = length(module.storage) == 0 && length(azurerm_postgresql_flexible_server_database.own) == 0 && length(azurerm_user_assigned_identity.own) == 0
    error_message = "A main stack uses the environment's storage, database and identity."
  }
}

run "preview_has_data_of_its_own" {
  command = plan

  variables {
    stack_name     = "pr42"
    dedicated_data = true
    app_identity   = null
  }

  assert {
    condition     = azurerm_postgresql_flexible_server_database.own[0].name == "pt_pr42" && azurerm_servicebus_queue.own[0].name == "pt-events-pr42"
    error_message = "A preview gets its own database and events queue."
  }

  assert {
    condition     = length(module.storage) == 1 && length(azurerm_user_assigned_identity.own) == 1
    error_message = "A preview gets its own storage account and identity."
  }

  assert {
    condition     = azurerm_function_app_flex_consumption.this.app_settings["PT_EVENTS_QUEUE"] == "pt-events-pr42"
    error_message = "A preview sends events to its own queue."
  }
}

run "rejects_large_instances" {
  command = plan

  variables {
    instance_memory_mb = 1024
  }

  expect_failures = [var.instance_memory_mb]
}

# A mocked apply (nothing leaves this machine) so computed IDs are known.
run "function_app_linked_to_static_web_app" {
  command = apply

  assert {
    condition     = azurerm_static_web_app_function_app_registration.this.function_app_id == azurerm_function_app_flex_consumption.this.id
    error_message = "The Function App must be the Static Web App's linked backend."
  }

  assert {
    condition     = azurerm_static_web_app_function_app_registration.this.static_web_app_id == azurerm_static_web_app.this.id
    error_message = "The link must belong to this stack's Static Web App."
  }
}
