output "app_identity_client_id" {
  description = "Client ID of the application's user-assigned identity."
  value       = module.base.app_identity_client_id
}

output "app_identity_id" {
  description = "Resource ID of the application's user-assigned identity."
  value       = module.base.app_identity_id
}

output "app_identity_name" {
  description = "Name of the application's identity; also its PostgreSQL role name."
  value       = module.base.app_identity_name
}

output "app_identity_principal_id" {
  description = "Object (principal) ID of the application's identity, for role assignments."
  value       = module.base.app_identity_principal_id
}

output "application_insights_connection_string" {
  description = "Application Insights connection string (not a credential: local auth is off, ingestion needs Entra)."
  value       = module.base.application_insights_connection_string
  sensitive   = true
}

output "application_insights_id" {
  description = "Resource ID of Application Insights (scope of Monitoring Metrics Publisher)."
  value       = module.base.application_insights_id
}

output "blob_endpoint" {
  description = "Blob endpoint of the storage account."
  value       = module.base.blob_endpoint
}

output "database_host" {
  description = "Fully qualified host name of the PostgreSQL server."
  value       = module.base.database_host
}

output "database_name" {
  description = "The application's database on the server."
  value       = module.base.database_name
}

output "deployer_client_id" {
  description = "Client ID for azure/login (repository variable AZURE_CLIENT_ID)."
  value       = module.base.deployer_client_id
}

output "deployer_name" {
  description = "Name of the deployer identity; its PostgreSQL Entra admin name."
  value       = module.base.deployer_name
}

output "events_queue_id" {
  description = "Resource ID of the events queue (scope of the Service Bus sender role)."
  value       = module.base.events_queue_id
}

output "events_queue_name" {
  description = "Service Bus queue for domain events."
  value       = module.base.events_queue_name
}

output "key_vault_id" {
  description = "Resource ID of the Key Vault."
  value       = module.base.key_vault_id
}

output "key_vault_uri" {
  description = "URI of the Key Vault."
  value       = module.base.key_vault_uri
}

output "location" {
  description = "Azure region of the environment."
  value       = module.base.location
}

output "postgres_server_id" {
  description = "Resource ID of the PostgreSQL server (for stop/start and preview databases)."
  value       = module.base.postgres_server_id
}

output "postgres_server_name" {
  description = "Name of the PostgreSQL server."
  value       = module.base.postgres_server_name
}

output "queue_endpoint" {
  description = "Queue endpoint of the storage account (the blob trigger needs queues)."
  value       = module.base.queue_endpoint
}

output "resource_group_name" {
  description = "Resource group of the environment."
  value       = module.base.resource_group_name
}

output "service_bus_fqdn" {
  description = "Fully qualified namespace of Service Bus (ServiceBusConnection__fullyQualifiedNamespace)."
  value       = module.base.service_bus_fqdn
}

output "service_bus_namespace_id" {
  description = "Resource ID of the Service Bus namespace."
  value       = module.base.service_bus_namespace_id
}

output "storage_account_id" {
  description = "Resource ID of the storage account."
  value       = module.base.storage_account_id
}

output "storage_account_name" {
  description = "Name of the storage account."
  value       = module.base.storage_account_name
}

output "tenant_id" {
  description = "Entra tenant of the subscription (repository variable AZURE_TENANT_ID)."
  value       = module.base.tenant_id
}
