# The application's identity lives in the always-on layer so its object ID (and so its
# PostgreSQL role) survives when the ephemeral layer is destroyed and created again.
resource "azurerm_user_assigned_identity" "app" {
  name                = "id-${local.prefix}-app"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = local.tags
}

# GitHub workflows sign in as this identity through OIDC: no app registration, no secret.
resource "azurerm_user_assigned_identity" "deployer" {
  name                = "id-${local.prefix}-deployer"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "github" {
  for_each = local.github_subjects

  name                      = "github-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.deployer.id
  audience                  = ["api://AzureADTokenExchange"]
  issuer                    = "https://token.actions.githubusercontent.com"
  subject                   = each.value
}

# The deployer manages everything in the resource group, including the role assignments of
# the ephemeral layer, uploads packages and reads/writes Terraform state.
resource "azurerm_role_assignment" "deployer" {
  for_each = {
    contributor  = { scope = azurerm_resource_group.this.id, role = "Contributor" }
    rbac_admin   = { scope = azurerm_resource_group.this.id, role = "Role Based Access Control Administrator" }
    blob_data    = { scope = module.storage.id, role = "Storage Blob Data Contributor" }
    metrics_read = { scope = azurerm_resource_group.this.id, role = "Monitoring Reader" }
  }

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "deployer_state" {
  count = var.state_storage_account_id == null ? 0 : 1

  scope                = var.state_storage_account_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
  principal_type       = "ServicePrincipal"
}
