terraform {
  required_version = ">= 1.10"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 5.2"
    }
  }

  # Partial configuration: storage_account_name comes from -backend-config (see
  # .ci/infra/tofu.sh); one state key per environment and layer.
  backend "azurerm" {
    container_name   = "tfstate"
    key              = "prod/ephemeral.tfstate"
    use_azuread_auth = true
  }
}

provider "azurerm" {
  # Shared-key access is disabled on our storage accounts: data-plane calls use Entra ID.
  storage_use_azuread = true

  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }

    resource_group {
      prevent_deletion_if_contains_resources = true
    }
  }
}
