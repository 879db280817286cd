output "app_identity_name" {
  description = "Name of the identity the Function App runs as; also its PostgreSQL role."
  value       = local.identity.name
}

output "app_identity_principal_id" {
  description = "Object ID of the Function App's identity (for pgaadauth_create_principal_with_oid)."
  value       = local.identity.principal_id
}

output "database_name" {
  description = "Database this stack uses."
  value       = local.database_name
}

output "event_grid_system_topic_name" {
  description = "System topic of the storage account; the deploy workflow subscribes the blob trigger to it."
  value       = azurerm_eventgrid_system_topic.this.name
}

output "function_app_name" {
  description = "Name of the Function App."
  value       = azurerm_function_app_flex_consumption.this.name
}

output "function_app_url" {
  description = "Default URL of the Function App (it refuses direct calls; use web_url)."
  value       = "https://${azurerm_function_app_flex_consumption.this.default_hostname}"
}

output "static_web_app_name" {
  description = "Name of the Static Web App."
  value       = azurerm_static_web_app.this.name
}

output "storage_account_name" {
  description = "Storage account this stack's documents, imports and packages live in."
  value       = local.storage.name
}

output "web_url" {
  description = "Public URL of the application (Static Web App)."
  value       = "https://${azurerm_static_web_app.this.default_host_name}"
}
