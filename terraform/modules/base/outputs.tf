output "application_insights_connection_string" {
  description = "Application Insights connection string (not a credential: local auth is off, ingestion needs Entra)."
  value       = azurerm_application_insights.this.connection_string
  sensitive   = true
}

output "app_identity_client_id" {
  description = "Client ID of the application's user-assigned identity."
  value       = azurerm_user_assigned_identity.app.client_id
}

output "app_identity_id" {
  description = "Resource ID of the application's user-assigned identity."
  value       = azurerm_user_assigned_identity.app.id
}

output "app_identity_name" {
  description = "Name of the application's identity; also its PostgreSQL role name."
  value       = azurerm_user_assigned_identity.app.name
}

output "app_identity_principal_id" {
  description = "Object (principal) ID of the application's identity, for role assignments."
  value       = azurerm_user_assigned_identity.app.principal_id
}

output "blob_endpoint" {
  description = "Blob endpoint of the storage account."
  value       = module.storage.primary_blob_endpoint
}

output "database_host" {
  description = "Fully qualified host name of the PostgreSQL server."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "database_name" {
  description = "The application's database on the server."
  value       = azurerm_postgresql_flexible_server_database.this.name
}

output "deployer_client_id" {
  description = "Client ID for azure/login (repository variable AZURE_CLIENT_ID)."
  value       = azurerm_user_assigned_identity.deployer.client_id
}

output "deployer_name" {
  description = "Name of the deployer identity; its PostgreSQL Entra admin name."
  value       = azurerm_user_assigned_identity.deployer.name
}

output "events_queue_name" {
  description = "Service Bus queue for domain events."
  value       = azurerm_servicebus_queue.events.name
}

output "key_vault_id" {
  description = "Resource ID of the Key Vault."
  value       = azurerm_key_vault.this.id
}

output "location" {
  description = "Azure region of the environment."
  value       = azurerm_resource_group.this.location
}

output "postgres_server_id" {
  description = "Resource ID of the PostgreSQL server (for stop/start and preview databases)."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "postgres_server_name" {
  description = "Name of the PostgreSQL server."
  value       = azurerm_postgresql_flexible_server.this.name
}

output "queue_endpoint" {
  description = "Queue endpoint of the storage account (the blob trigger needs queues)."
  value       = module.storage.primary_queue_endpoint
}

output "resource_group_name" {
  description = "Resource group of the environment."
  value       = azurerm_resource_group.this.name
}

output "service_bus_fqdn" {
  description = "Fully qualified namespace of Service Bus (ServiceBusConnection__fullyQualifiedNamespace)."
  value       = "${azurerm_servicebus_namespace.this.name}.servicebus.windows.net"
}

output "service_bus_namespace_id" {
  description = "Resource ID of the Service Bus namespace."
  value       = azurerm_servicebus_namespace.this.id
}

output "storage_account_id" {
  description = "Resource ID of the storage account."
  value       = module.storage.id
}

output "storage_account_name" {
  description = "Name of the storage account."
  value       = module.storage.name
}

output "tenant_id" {
  description = "Entra tenant of the subscription (repository variable AZURE_TENANT_ID)."
  value       = data.azurerm_client_config.current.tenant_id
}

output "application_insights_id" {
  description = "Resource ID of Application Insights (scope of Monitoring Metrics Publisher)."
  value       = azurerm_application_insights.this.id
}

output "events_queue_id" {
  description = "Resource ID of the events queue (scope of the Service Bus sender role)."
  value       = azurerm_servicebus_queue.events.id
}

output "key_vault_uri" {
  description = "URI of the Key Vault."
  value       = azurerm_key_vault.this.vault_uri
}
