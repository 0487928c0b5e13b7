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

  # Event-driven functions: a StorageTrigger per app on its inbox bucket's finalize events, and the FanOutWorker on
  # the fan-out topic (follow-up invocations, and imports started by the API's multi).
  event_functions = merge(
    { for app_id, bucket in local.inbox_buckets : "trigger-${app_id}" => {
      entry_point = "dev.csvimport.functions.StorageTrigger"
      event_type  = "google.cloud.storage.object.v1.finalized"
      bucket      = bucket
      topic       = null
    } },
    { "fanout" = {
      entry_point = "dev.csvimport.functions.FanOutWorker"
      event_type  = "google.cloud.pubsub.topic.v1.messagePublished"
      bucket      = null
      topic       = google_pubsub_topic.fanout.id
    } },
  )

  # HTTP functions: the chunk processor (push endpoint of the chunk subscription, never public) and the API.
  http_functions = {
    processor = {
      entry_point     = "dev.csvimport.functions.ChunkProcessor"
      settings        = var.processor
      service_account = google_service_account.processor.email
    }
    api = {
      entry_point     = "dev.csvimport.functions.Api"
      settings        = var.api
      service_account = google_service_account.api.email
    }
    watchdog = {
      entry_point     = "dev.csvimport.functions.ScheduledSweep"
      settings        = var.watchdog
      service_account = google_service_account.watchdog.email
    }
  }
}

resource "google_cloudfunctions2_function" "event" {
  for_each = local.event_functions

  name     = "${var.name_prefix}-${each.key}"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = each.value.entry_point
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
    event_type            = each.value.event_type
    pubsub_topic          = each.value.topic
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email

    dynamic "event_filters" {
      for_each = each.value.bucket == null ? [] : [each.value.bucket]
      content {
        attribute = "bucket"
        value     = event_filters.value
      }
    }
  }

  depends_on = [
    google_storage_bucket.inbox,
    google_project_iam_member.gcs_agent_publishes_events,
    google_project_iam_member.trigger_receives_events,
  ]
}

resource "google_cloudfunctions2_function" "http" {
  for_each = local.http_functions

  name     = "${var.name_prefix}-${each.key}"
  location = var.region

  build_config {
    runtime     = "java17"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory      = each.value.settings.memory
    timeout_seconds       = each.value.settings.timeout_seconds
    min_instance_count    = each.value.settings.min_instances
    max_instance_count    = each.value.settings.max_instances
    service_account_email = each.value.service_account
    environment_variables = local.common_environment
    ingress_settings      = "ALLOW_ALL"
  }

  depends_on = [google_project_service.apis]
}

# The watchdog's timer: every few minutes it resumes stalled fan-outs, drains parked chunks and fails jobs past their
# deadline (dev.csvimport.watchdog.Watchdog).
resource "google_cloud_scheduler_job" "watchdog" {
  name             = "${var.name_prefix}-watchdog"
  region           = var.region
  schedule         = var.watchdog.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${var.watchdog.timeout_seconds}s"

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.http["watchdog"].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.watchdog.email
      audience              = google_cloudfunctions2_function.http["watchdog"].service_config[0].uri
    }
  }

  depends_on = [google_project_service.apis]
}
