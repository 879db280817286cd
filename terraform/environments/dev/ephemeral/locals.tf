locals {
  base = data.terraform_remote_state.base.outputs
}
