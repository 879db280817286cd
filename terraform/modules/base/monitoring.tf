resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${local.prefix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
  daily_quota_gb      = var.log_daily_quota_gb
  tags                = local.tags
}

# Local (instrumentation key) auth is off: the Function App sends telemetry with its
# managed identity (Monitoring Metrics Publisher, granted in the ephemeral layer).
resource "azurerm_application_insights" "this" {
  name                = "appi-${local.prefix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  workspace_id        = azurerm_log_analytics_workspace.this.id
  application_type    = "other"

  daily_data_cap_in_gb                 = var.log_daily_quota_gb
  daily_data_cap_notifications_enabled = false
  local_authentication_enabled         = false
  tags                                 = local.tags
}
