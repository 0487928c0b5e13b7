locals {
  # Settings every function reads (dev.csvimport.config.Settings).
  common_environment = {
    BUCKET_APPS           = local.bucket_apps
    INBOX_PREFIX          = var.inbox_prefix
    CHUNK_TOPIC           = google_pubsub_topic.chunks.id
    FANOUT_TOPIC          = google_pubsub_topic.fanout.id
    MAX_DELIVERY_ATTEMPTS = tostring(var.max_delivery_attempts)
    FANOUT_BUDGET_SECONDS = tostring(var.trigger.budget_seconds)
    JOB_RETENTION_DAYS    = tostring(var.job_retention_days)
    PARTITIONS            = tostring(var.partitions)
  }
}

# One storage trigger per app, bound to the app's inbox bucket.
resource "google_cloudfunctions2_function" "trigger" {
  for_each = local.inbox_buckets

  name     = "${var.name_prefix}-trigger-${each.key}"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = "dev.csvimport.functions.StorageTrigger"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory      = var.trigger.memory
    timeout_seconds       = var.trigger.timeout_seconds
    min_instance_count    = var.trigger.min_instances
    max_instance_count    = var.trigger.max_instances
    service_account_email = google_service_account.trigger.email
    environment_variables = local.common_environment
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.storage.object.v1.finalized"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.inbox[each.key].name
    }
  }

  depends_on = [google_project_iam_member.gcs_agent_publishes_events, google_project_iam_member.trigger_receives_events]
}

# The same class on the fan-out topic: follow-up invocations and imports started by the API.
resource "google_cloudfunctions2_function" "fanout" {
  name     = "${var.name_prefix}-fanout"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = "dev.csvimport.functions.StorageTrigger"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory      = var.trigger.memory
    timeout_seconds       = var.trigger.timeout_seconds
    min_instance_count    = var.trigger.min_instances
    max_instance_count    = var.trigger.max_instances
    service_account_email = google_service_account.trigger.email
    environment_variables = local.common_environment
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.fanout.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }

  depends_on = [google_project_iam_member.trigger_receives_events]
}

# The chunk processor: the push endpoint of the chunk subscription; never public.
resource "google_cloudfunctions2_function" "processor" {
  name     = "${var.name_prefix}-processor"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = "dev.csvimport.functions.ChunkProcessor"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory      = var.processor.memory
    timeout_seconds       = var.processor.timeout_seconds
    min_instance_count    = var.processor.min_instances
    max_instance_count    = var.processor.max_instances
    service_account_email = google_service_account.processor.email
    environment_variables = local.common_environment
    ingress_settings      = "ALLOW_ALL"
  }

  depends_on = [google_project_service.apis]
}

# The HTTP API.
resource "google_cloudfunctions2_function" "api" {
  name     = "${var.name_prefix}-api"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = "dev.csvimport.functions.Api"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory      = var.api.memory
    timeout_seconds       = var.api.timeout_seconds
    min_instance_count    = var.api.min_instances
    max_instance_count    = var.api.max_instances
    service_account_email = google_service_account.api.email
    environment_variables = local.common_environment
    ingress_settings      = "ALLOW_ALL"
  }

  depends_on = [google_project_service.apis]
}
