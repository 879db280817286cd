# Plan-level tests of the always-on layer with a mocked provider.
# Mocked IDs must look like Azure IDs: the provider validates them even in a plan.
mock_provider "azurerm" {
  mock_resource "azurerm_resource_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev"
    }
  }

  mock_resource "azurerm_storage_account" {
    defaults = {
      id                     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Storage/storageAccounts/ptmock"
      primary_blob_endpoint  = "https://ptmock.blob.core.windows.net/"
      primary_queue_endpoint = "https://ptmock.queue.core.windows.net/"
    }
  }

  mock_resource "azurerm_postgresql_flexible_server" {
    defaults = {
      id   = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-mock"
      fqdn = "psql-mock.postgres.database.azure.com"
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

  mock_resource "azurerm_servicebus_namespace" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.ServiceBus/namespaces/sb-mock"
    }
  }

  mock_resource "azurerm_log_analytics_workspace" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.OperationalInsights/workspaces/log-mock"
    }
  }

  mock_resource "azurerm_key_vault" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.KeyVault/vaults/kv-mock"
    }
  }

  mock_data "azurerm_client_config" {
    defaults = {
      subscription_id = "00000000-0000-0000-0000-000000000001"
      tenant_id       = "00000000-0000-0000-0000-000000000002"
    }
  }
}

variables {
  environment         = "dev"
  location            = "westeurope"
  github_repository   = "clinic/patient-tracker"
  github_environments = ["dev", "preview"]
}

run "postgres_is_small_entra_only_and_recent" {
  command = plan

  assert {
    condition     = azurerm_postgresql_flexible_server.this.sku_name == "B_Standard_B1ms"
    error_message = "PostgreSQL must be Burstable B1ms."
  }

  assert {
    condition     = tonumber(azurerm_postgresql_flexible_server.this.version) >= 17
    error_message = "PostgreSQL must be version 17 or newer."
  }

  assert {
    condition     = azurerm_postgresql_flexible_server.this.storage_mb == 32768
    error_message = "PostgreSQL storage must be 32 GiB."
  }

  assert {
    condition     = azurerm_postgresql_flexible_server.this.authentication[0].active_directory_auth_enabled && !azurerm_postgresql_flexible_server.this.authentication[0].password_auth_enabled
    error_message = "PostgreSQL must use Entra authentication only."
  }

  assert {
    condition     = !azurerm_postgresql_flexible_server.this.geo_redundant_backup_enabled && length(azurerm_postgresql_flexible_server.this.high_availability) == 0
    error_message = "No geo-redundant backup or high availability (cost)."
  }
}

run "pg_trgm_is_allowed" {
  command = plan

  assert {
    condition     = azurerm_postgresql_flexible_server_configuration.extensions.name == "azure.extensions"
    error_message = "The azure.extensions server parameter must be managed."
  }

  assert {
    condition     = contains(split(",", lower(azurerm_postgresql_flexible_server_configuration.extensions.value)), "pg_trgm")
    error_message = "azure.extensions must allow pg_trgm."
  }

  assert {
    condition     = azurerm_postgresql_flexible_server_database.this.name == "patienttracker"
    error_message = "The application's database must be created."
  }
}

run "service_bus_basic_without_keys" {
  command = plan

  assert {
    condition     = azurerm_servicebus_namespace.this.sku == "Basic"
    error_message = "Service Bus must be Basic."
  }

  assert {
    condition     = azurerm_servicebus_namespace.this.local_auth_enabled == false
    error_message = "Service Bus SAS keys must be disabled."
  }

  assert {
    condition     = azurerm_servicebus_queue.events.name == "pt-events"
    error_message = "The events queue must exist."
  }
}

run "monitoring_has_daily_cap" {
  command = plan

  assert {
    condition     = azurerm_log_analytics_workspace.this.daily_quota_gb > 0 && azurerm_log_analytics_workspace.this.daily_quota_gb <= 0.2
    error_message = "Log Analytics must have a daily cap inside the free grant (<= 0.2 GB a day)."
  }

  assert {
    condition     = azurerm_application_insights.this.daily_data_cap_in_gb <= 0.2 && !azurerm_application_insights.this.local_authentication_enabled
    error_message = "Application Insights must be capped and accept Entra-authenticated ingestion only."
  }
}

run "key_vault_uses_rbac" {
  command = plan

  assert {
    condition     = azurerm_key_vault.this.rbac_authorization_enabled && azurerm_key_vault.this.sku_name == "standard"
    error_message = "Key Vault must be standard with RBAC authorization."
  }
}

run "github_oidc_without_secrets" {
  command = plan

  assert {
    condition = toset([for c in azurerm_federated_identity_credential.github : c.subject]) == toset([
      "repo:clinic/patient-tracker:environment:dev",
      "repo:clinic/patient-tracker:environment:preview",
    ])
    error_message = "One federated credential per GitHub environment is expected."
  }

  assert {
    condition     = alltrue([for c in azurerm_federated_identity_credential.github : c.issuer == "https://token.actions.githubusercontent.com"])
    error_message = "Federated credentials must trust GitHub's OIDC issuer."
  }

  assert {
    condition     = contains([for r in azurerm_role_assignment.deployer : r.role_definition_name], "Storage Blob Data Contributor")
    error_message = "The deployer must be able to upload packages."
  }
}

run "malware_scanning_off_by_default" {
  command = plan

  assert {
    condition     = length(azurerm_security_center_storage_defender.this) == 0
    error_message = "Malware scanning is billed per GB and must be off by default."
  }
}

run "malware_scanning_on_demand" {
  command = plan

  variables {
    malware_scanning_enabled = true
  }

  assert {
    condition     = azurerm_security_center_storage_defender.this[0].malware_scanning_on_upload_enabled
    error_message = "Malware scanning must turn on when asked."
  }
}

run "rejects_old_postgres" {
  command = plan

  variables {
    postgres_version = "16"
  }

  expect_failures = [var.postgres_version]
}

run "rejects_missing_pg_trgm" {
  command = plan

  variables {
    postgres_extensions = ["PGCRYPTO"]
  }

  expect_failures = [var.postgres_extensions]
}

run "rejects_premium_service_bus" {
  command = plan

  variables {
    service_bus_sku = "Premium"
  }

  expect_failures = [var.service_bus_sku]
}
