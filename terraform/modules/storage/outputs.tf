output "id" {
  description = "Resource ID of the storage account."
  value       = azurerm_storage_account.this.id
}

output "name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.this.name
}

output "primary_blob_endpoint" {
  description = "Blob service endpoint, https://<name>.blob.core.windows.net/."
  value       = azurerm_storage_account.this.primary_blob_endpoint
}

output "primary_queue_endpoint" {
  description = "Queue service endpoint, https://<name>.queue.core.windows.net/."
  value       = azurerm_storage_account.this.primary_queue_endpoint
}

output "container_names" {
  description = "Names of the containers created, keyed by name."
  value       = { for k, c in azurerm_storage_container.this : k => c.name }
}
