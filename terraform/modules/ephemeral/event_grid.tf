# One system topic per storage account. The BlobCreated subscriptions that feed the blob
# trigger need the blobs_extension system key, which exists only after the code is
# deployed, so .github/workflows/deploy-app.yml creates or refreshes them.
resource "azurerm_eventgrid_system_topic" "this" {
  name                = "evgt-${local.prefix}-storage"
  resource_group_name = var.resource_group_name
  location            = var.location
  source_resource_id  = local.storage.id
  topic_type          = "Microsoft.Storage.StorageAccounts"
  tags                = local.tags
}
