# Entra-only server: no administrator password exists. The deployer identity is an Entra
# admin so the deploy workflow can create the Function App identity's role with
# pgaadauth_create_principal (azurerm cannot). PostgreSQL on Azure has no auto-pause: the
# workflows stop it, and Azure starts a stopped server again after seven days.
resource "azurerm_postgresql_flexible_server" "this" {
  name                = "psql-${local.prefix}-${local.suffix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location

  version      = var.postgres_version
  sku_name     = var.postgres_sku_name
  storage_mb   = var.postgres_storage_mb
  storage_tier = "P4"

  auto_grow_enabled             = false
  backup_retention_days         = 7
  geo_redundant_backup_enabled  = false
  public_network_access_enabled = true
  tags                          = local.tags

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = false
    tenant_id                     = data.azurerm_client_config.current.tenant_id
  }

  lifecycle {
    # Azure picks a zone when none is given; it is not ours to move.
    ignore_changes = [zone]
  }
}

resource "azurerm_postgresql_flexible_server_active_directory_administrator" "deployer" {
  server_name         = azurerm_postgresql_flexible_server.this.name
  resource_group_name = azurerm_resource_group.this.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  object_id           = azurerm_user_assigned_identity.deployer.principal_id
  principal_name      = azurerm_user_assigned_identity.deployer.name
  principal_type      = "ServicePrincipal"
}

resource "azurerm_postgresql_flexible_server_active_directory_administrator" "extra" {
  for_each = var.postgres_entra_admins

  server_name         = azurerm_postgresql_flexible_server.this.name
  resource_group_name = azurerm_resource_group.this.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  object_id           = each.value.object_id
  principal_name      = each.key
  principal_type      = each.value.principal_type
}

# CREATE EXTENSION fails on Azure unless the extension is allow-listed here first.
resource "azurerm_postgresql_flexible_server_configuration" "extensions" {
  name      = "azure.extensions"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = join(",", [for e in var.postgres_extensions : upper(e)])
}

resource "azurerm_postgresql_flexible_server_database" "this" {
  name      = var.database_name
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

# Flex Consumption has no fixed outbound addresses without a VNet (which costs money), so
# Azure services are allowed; every login still needs an Entra token. Workflows add and
# remove a rule for the runner's own address when they run SQL.
resource "azurerm_postgresql_flexible_server_firewall_rule" "azure_services" {
  name             = "AllowAllAzureServicesAndResourcesWithinAzureIps"
  server_id        = azurerm_postgresql_flexible_server.this.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}
