output "app_identity_name" {
  description = "PostgreSQL role name of the Function App's identity."
  value       = module.ephemeral.app_identity_name
}

output "app_identity_principal_id" {
  description = "Object ID of the Function App's identity."
  value       = module.ephemeral.app_identity_principal_id
}

output "database_host" {
  description = "Host name of the PostgreSQL server."
  value       = local.base.database_host
}

output "database_name" {
  description = "Database this stack uses."
  value       = module.ephemeral.database_name
}

output "event_grid_system_topic_name" {
  description = "System topic the deploy workflow subscribes the blob trigger to."
  value       = module.ephemeral.event_grid_system_topic_name
}

output "function_app_name" {
  description = "Name of the Function App."
  value       = module.ephemeral.function_app_name
}

output "function_app_url" {
  description = "Default URL of the Function App (refuses direct calls)."
  value       = module.ephemeral.function_app_url
}

output "postgres_server_name" {
  description = "Name of the PostgreSQL server."
  value       = local.base.postgres_server_name
}

output "resource_group_name" {
  description = "Resource group of the stack."
  value       = local.base.resource_group_name
}

output "static_web_app_name" {
  description = "Name of the Static Web App."
  value       = module.ephemeral.static_web_app_name
}

output "storage_account_name" {
  description = "Storage account of the stack's documents and packages."
  value       = module.ephemeral.storage_account_name
}

output "web_url" {
  description = "Public URL of the application."
  value       = module.ephemeral.web_url
}
