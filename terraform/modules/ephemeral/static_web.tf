# Standard tier: a linked Function App backend and built-in Entra sign-in (no app
# registration) both need it. Pull-request previews are whole stacks of ours, so the
# Static Web App's own preview environments stay off.
resource "azurerm_static_web_app" "this" {
  name                = "swa-${local.prefix}"
  resource_group_name = var.resource_group_name
  location            = var.static_web_app_location
  sku_tier            = "Standard"
  sku_size            = "Standard"

  preview_environments_enabled       = false
  configuration_file_changes_enabled = true
  tags                               = local.tags
}

resource "azurerm_static_web_app_function_app_registration" "this" {
  static_web_app_id = azurerm_static_web_app.this.id
  function_app_id   = azurerm_function_app_flex_consumption.this.id
}
