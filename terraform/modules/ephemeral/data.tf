# Pull-request previews get data of their own, so they never see or process another
# stack's documents, rows or events; the main stacks use the environment's base layer.
resource "azurerm_user_assigned_identity" "own" {
  count = var.app_identity == null ? 1 : 0

  name                = "id-${local.prefix}-app"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = local.tags
}

module "storage" {
  source = "../storage"
  count  = var.dedicated_data ? 1 : 0

  name                = "pt${var.stack_name}${local.suffix}"
  location            = var.location
  resource_group_name = var.resource_group_name
  containers          = toset(["documents", "imports", "releases", "deployments"])
  # The preview's own web origin; the Static Web App does not depend on the storage.
  cors_allowed_origins = concat(var.cors_allowed_origins, ["https://${azurerm_static_web_app.this.default_host_name}"])
  tags                 = local.tags
}

resource "azurerm_postgresql_flexible_server_database" "own" {
  count = var.dedicated_data ? 1 : 0

  name      = "pt_${var.stack_name}"
  server_id = var.postgres_server_id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

resource "azurerm_servicebus_queue" "own" {
  count = var.dedicated_data ? 1 : 0

  name                = "${var.events_queue_name}-${var.stack_name}"
  namespace_id        = var.service_bus_namespace_id
  max_delivery_count  = 10
  default_message_ttl = "P14D"
  lock_duration       = "PT1M"
}
