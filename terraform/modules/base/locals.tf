locals {
  # Globally unique names (storage, Key Vault, PostgreSQL) need a stable suffix; it is
  # derived from the subscription so no random provider is needed.
  suffix = substr(sha256("${data.azurerm_client_config.current.subscription_id}/${var.environment}"), 0, 6)
  prefix = "pt-${var.environment}"

  containers = toset(["documents", "imports", "releases", "deployments"])

  tags = merge(var.tags, {
    application = "patient-tracker"
    environment = var.environment
    layer       = "base"
  })

  github_subjects = merge(
    { for e in var.github_environments : "env-${e}" => "repo:${var.github_repository}:environment:${e}" },
    var.github_pull_requests_enabled ? { "pull-request" = "repo:${var.github_repository}:pull_request" } : {},
  )
}
