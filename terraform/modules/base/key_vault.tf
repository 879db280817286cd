# RBAC only (no access policies); the app reads secrets through "Key Vault Secrets User"
# granted in the ephemeral layer. Nothing in app settings is a secret.
resource "azurerm_key_vault" "this" {
  name                = "kv-${local.prefix}-${local.suffix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"

  rbac_authorization_enabled = true
  purge_protection_enabled   = var.key_vault_purge_protection_enabled
  soft_delete_retention_days = 7
  tags                       = local.tags
}
