module "storage" {
  source = "../storage"

  name                 = "pt${var.environment}${local.suffix}"
  location             = azurerm_resource_group.this.location
  resource_group_name  = azurerm_resource_group.this.name
  containers           = local.containers
  cors_allowed_origins = var.cors_allowed_origins
  tags                 = local.tags
}

# Billed per GB scanned, hence optional; results land in the Defender portal.
resource "azurerm_security_center_storage_defender" "this" {
  count = var.malware_scanning_enabled ? 1 : 0

  storage_account_id                          = module.storage.id
  override_subscription_settings_enabled      = true
  malware_scanning_on_upload_enabled          = true
  malware_scanning_on_upload_cap_gb_per_month = var.malware_scanning_cap_gb_per_month
  sensitive_data_discovery_enabled            = false
}
