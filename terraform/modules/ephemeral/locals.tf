locals {
  prefix = "pt-${var.stack_name}"
  suffix = substr(sha256(var.postgres_server_id), 0, 6)

  tags = merge(var.tags, {
    application = "patient-tracker"
    stack       = var.stack_name
    layer       = "ephemeral"
  })

  identity = var.app_identity != null ? var.app_identity : {
    id           = azurerm_user_assigned_identity.own[0].id
    client_id    = azurerm_user_assigned_identity.own[0].client_id
    principal_id = azurerm_user_assigned_identity.own[0].principal_id
    name         = azurerm_user_assigned_identity.own[0].name
  }

  storage = var.dedicated_data ? {
    id             = module.storage[0].id
    name           = module.storage[0].name
    blob_endpoint  = module.storage[0].primary_blob_endpoint
    queue_endpoint = module.storage[0].primary_queue_endpoint
    } : {
    id             = var.storage_account_id
    name           = var.storage_account_name
    blob_endpoint  = var.blob_endpoint
    queue_endpoint = var.queue_endpoint
  }

  database_name     = var.dedicated_data ? azurerm_postgresql_flexible_server_database.own[0].name : var.database_name
  events_queue_id   = var.dedicated_data ? azurerm_servicebus_queue.own[0].id : var.events_queue_id
  events_queue_name = var.dedicated_data ? azurerm_servicebus_queue.own[0].name : var.events_queue_name

  # Identity-based connections only: a "__credential"/"__clientId" pair tells the host and
  # the SDKs to use the user-assigned identity. No key, password or SAS is ever set here.
  # FUNCTIONS_WORKER_RUNTIME must not be set on Flex: the runtime is in functionAppConfig.
  app_settings = {
    PT_ENVIRONMENT         = "production"
    PT_DATABASE_URL        = "postgres://${local.identity.name}@${var.database_host}:5432/${local.database_name}?sslmode=require"
    PT_DATABASE_ENTRA_AUTH = "true"
    PT_CLINIC_TIMEZONE     = var.clinic_timezone
    PT_FIRST_ADMIN_EMAIL   = var.first_admin_email
    PT_LOG_LEVEL           = var.log_level
    PT_EVENTS_QUEUE        = local.events_queue_name
    AZURE_CLIENT_ID        = local.identity.client_id

    AzureWebJobsStorage__accountName = local.storage.name
    AzureWebJobsStorage__credential  = "managedidentity"
    AzureWebJobsStorage__clientId    = local.identity.client_id

    DocumentsStorage__blobServiceUri  = trimsuffix(local.storage.blob_endpoint, "/")
    DocumentsStorage__queueServiceUri = trimsuffix(local.storage.queue_endpoint, "/")
    DocumentsStorage__credential      = "managedidentity"
    DocumentsStorage__clientId        = local.identity.client_id

    ServiceBusConnection__fullyQualifiedNamespace = var.service_bus_fqdn
    ServiceBusConnection__credential              = "managedidentity"
    ServiceBusConnection__clientId                = local.identity.client_id

    APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=${local.identity.client_id};Authorization=AAD"
  }

  role_assignments = {
    blob_owner     = { scope = local.storage.id, role = "Storage Blob Data Owner" }
    blob_delegator = { scope = local.storage.id, role = "Storage Blob Delegator" }
    queue_data     = { scope = local.storage.id, role = "Storage Queue Data Contributor" }
    bus_sender     = { scope = local.events_queue_id, role = "Azure Service Bus Data Sender" }
    kv_secrets     = { scope = var.key_vault_id, role = "Key Vault Secrets User" }
    metrics        = { scope = var.application_insights_id, role = "Monitoring Metrics Publisher" }
  }
}
