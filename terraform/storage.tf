locals {
  inbox_buckets = { for app_id, app in var.apps : app_id => coalesce(app.bucket_name, "${var.name_prefix}-${app_id}-inbox") }
  # BUCKET_APPS: which app owns which bucket.
  bucket_apps = join(",", [for app_id, bucket in local.inbox_buckets : "${bucket}=${app_id}"])
}

resource "google_storage_bucket" "inbox" {
  for_each = local.inbox_buckets

  name                        = each.value
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  lifecycle_rule {
    condition {
      age            = var.results_retention_days
      matches_prefix = ["results/"]
    }
    action {
      type = "Delete"
    }
  }

  # The uploads page (served by the API function) sends files straight here through signed resumable uploads.
  cors {
    origin = [google_cloudfunctions2_function.http["api"].service_config[0].uri]
    method = ["POST", "PUT"]
    # Cloud Storage lets the browser send (and read) the headers named here: the signed upload's metadata included.
    response_header = [
      "Content-Type", "Content-Range", "Location", "Range", "x-goog-resumable",
      "x-goog-meta-encoding", "x-goog-meta-name", "x-goog-meta-uploadedBy", "x-goog-meta-action",
    ]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-${var.name_prefix}-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  depends_on = [google_project_service.apis]
}

data "archive_file" "functions" {
  type        = "zip"
  source_file = var.function_jar
  output_path = "${path.module}/.build/csvimport-functions.zip"
}

resource "google_storage_bucket_object" "functions" {
  # The content hash in the name makes every new jar a new object, so the functions redeploy.
  name   = "csvimport-functions-${data.archive_file.functions.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.functions.output_path
}
