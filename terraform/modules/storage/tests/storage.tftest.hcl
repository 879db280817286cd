# Plan-level tests with a mocked provider: no Azure, no credentials.
# Mocked IDs must look like Azure IDs: the provider validates them even in a plan.
mock_provider "azurerm" {
  mock_resource "azurerm_storage_account" {
    defaults = {
      id                     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pt-dev/providers/Microsoft.Storage/storageAccounts/ptmock"
      primary_blob_endpoint  = "https://ptmock.blob.core.windows.net/"
      primary_queue_endpoint = "https://ptmock.queue.core.windows.net/"
    }
  }
}

variables {
  name                = "ptdevabc123"
  location            = "westeurope"
  resource_group_name = "rg-pt-dev"
  containers          = ["documents", "imports", "releases", "deployments"]
}

run "no_shared_keys_and_tls12" {
  command = plan

  assert {
    condition     = azurerm_storage_account.this.shared_access_key_enabled == false
    error_message = "Shared-key access must be disabled (identity-based access only)."
  }

  assert {
    condition     = azurerm_storage_account.this.min_tls_version == "TLS1_2"
    error_message = "Minimum TLS version must be TLS1_2."
  }

  assert {
    condition     = azurerm_storage_account.this.https_traffic_only_enabled && !azurerm_storage_account.this.allow_nested_items_to_be_public
    error_message = "Storage must be HTTPS-only and refuse public containers."
  }

  assert {
    condition     = azurerm_storage_account.this.account_tier == "Standard" && azurerm_storage_account.this.account_replication_type == "LRS"
    error_message = "Storage must be Standard LRS (cost)."
  }
}

run "containers_are_private" {
  command = plan

  assert {
    condition     = toset(keys(azurerm_storage_container.this)) == toset(["documents", "imports", "releases", "deployments"])
    error_message = "documents, imports, releases and deployments containers must exist."
  }

  assert {
    condition     = alltrue([for c in azurerm_storage_container.this : c.container_access_type == "private"])
    error_message = "Every container must be private."
  }
}

run "no_cors_without_origins" {
  command = plan

  assert {
    condition     = length(azurerm_storage_account.this.blob_properties[0].cors_rule) == 0
    error_message = "No CORS rule is expected when no origin is given."
  }
}

run "cors_for_given_origins" {
  command = plan

  variables {
    cors_allowed_origins = ["https://clinic.example.org"]
  }

  assert {
    condition     = azurerm_storage_account.this.blob_properties[0].cors_rule[0].allowed_origins == tolist(["https://clinic.example.org"])
    error_message = "CORS must allow exactly the given web origins."
  }
}

run "rejects_origin_with_path" {
  command = plan

  variables {
    cors_allowed_origins = ["https://clinic.example.org/app"]
  }

  expect_failures = [var.cors_allowed_origins]
}
