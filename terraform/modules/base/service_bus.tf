resource "azurerm_servicebus_namespace" "this" {
  name                = "sb-${local.prefix}-${local.suffix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = var.service_bus_sku

  local_auth_enabled  = false
  minimum_tls_version = "1.2"
  tags                = local.tags
}

resource "azurerm_servicebus_queue" "events" {
  name         = var.events_queue_name
  namespace_id = azurerm_servicebus_namespace.this.id

  max_delivery_count  = 10
  default_message_ttl = "P14D"
  lock_duration       = "PT1M"
}
