resource "azurerm_service_plan" "this" {
  name                = "asp-${local.prefix}"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

resource "azurerm_function_app_flex_consumption" "this" {
  name                = "func-${local.prefix}-${local.suffix}"
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  # Flex keeps the deployed package in this container and reads it with the identity.
  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${local.storage.blob_endpoint}deployments"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = local.identity.id

  runtime_name           = "custom"
  runtime_version        = "1.0"
  instance_memory_in_mb  = var.instance_memory_mb
  maximum_instance_count = var.maximum_instance_count

  https_only                                     = true
  public_network_access_enabled                  = true
  webdeploy_publish_basic_authentication_enabled = false
  app_settings                                   = local.app_settings
  tags                                           = local.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [local.identity.id]
  }

  site_config {
    application_insights_connection_string = var.application_insights_connection_string
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    http2_enabled                          = true
  }

  lifecycle {
    # Linking the Static Web App writes the Function App's authentication settings (only
    # the Static Web App may call it); Terraform must not undo that.
    ignore_changes = [auth_settings, auth_settings_v2]
  }

  depends_on = [azurerm_role_assignment.app]
}

resource "azurerm_role_assignment" "app" {
  for_each = local.role_assignments

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = local.identity.principal_id
  principal_type       = "ServicePrincipal"
}
