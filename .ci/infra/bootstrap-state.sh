#!/usr/bin/env bash
# `make infra-bootstrap`: run once per subscription by an operator with Owner rights, after
# `az login`. Creates the resource group, storage account (no shared keys, TLS 1.2,
# versioning for state history) and container that hold every OpenTofu state, and gives the
# operator blob data access. Prints the TFSTATE_ACCOUNT to use everywhere else.
set -euo pipefail

location=${PT_LOCATION:-westeurope}
sub=$(az account show --query id -o tsv)
rg="rg-pt-tfstate"
account=${TFSTATE_ACCOUNT:-pttfstate$(printf '%s' "$sub" | sha256sum | cut -c1-8)}
me=$(az ad signed-in-user show --query id -o tsv)

az group create -n "$rg" -l "$location" --output none
az storage account create -g "$rg" -n "$account" -l "$location" --sku Standard_LRS \
  --kind StorageV2 --min-tls-version TLS1_2 --allow-shared-key-access false \
  --allow-blob-public-access false --https-only true --output none
az storage account blob-service-properties update -g "$rg" --account-name "$account" \
  --enable-versioning true --enable-delete-retention true --delete-retention-days 30 --output none
id=$(az storage account show -g "$rg" -n "$account" --query id -o tsv)
az role assignment create --assignee-object-id "$me" --assignee-principal-type User \
  --role "Storage Blob Data Contributor" --scope "$id" --output none || true
# Role assignments take a minute to apply to the data plane.
for _ in $(seq 1 20); do
  az storage container create -n tfstate --account-name "$account" --auth-mode login \
    --output none 2>/dev/null && break
  sleep 15
done

echo "TFSTATE_ACCOUNT=$account"
echo "state_storage_account_id=$id"
