terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

# The project's number names its Pub/Sub service agent. Read once the APIs are on (on a first apply, at apply time).
data "google_project" "this" {
  project_id = var.project_id

  depends_on = [google_project_service.apis]
}
