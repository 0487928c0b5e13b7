locals {
  # Settings every function reads (dev.csvimport.config.Settings); ConfigurationContractIT keeps the two in step.
  common_environment = {
    PROJECT_ID              = var.project_id
    BUCKET_APPS             = local.bucket_apps
    INBOX_PREFIX            = var.inbox_prefix
    CHUNK_TOPIC             = google_pubsub_topic.chunks.id
    FANOUT_TOPIC            = google_pubsub_topic.fanout.id
    JOB_EVENTS_TOPIC        = google_pubsub_topic.job_events.id
    MAX_DELIVERY_ATTEMPTS   = tostring(var.max_delivery_attempts)
    FANOUT_BUDGET_SECONDS   = tostring(var.trigger.budget_seconds)
    JOB_RETENTION_DAYS      = tostring(var.job_retention_days)
    PARTITIONS              = tostring(var.partitions)
    PROCESSOR_MAX_INSTANCES = tostring(var.processor.max_instances)
    STUCK_MINUTES           = tostring(var.alerts.stuck_minutes)
    CHUNK_ROWS              = tostring(var.pipeline.chunk_rows)
    SEGMENT_ROWS            = tostring(var.pipeline.segment_rows)
    FANOUT_LEASE_SECONDS    = tostring(var.pipeline.lease_seconds)
    STALL_MINUTES           = tostring(var.pipeline.stall_minutes)
    COMMIT_KIB              = tostring(var.pipeline.commit_kib)
    JOB_DEADLINE_HOURS      = tostring(var.pipeline.job_deadline_hours)
  }

  # Every function deploys from the one jar, built by the dedicated build account.
  functions_source = {
    bucket = google_storage_bucket.source.name
    object = google_storage_bucket_object.functions.name
  }

  # HTTP functions: the chunk processor (push endpoint of the chunk subscription, never public), the API, and the
  # watchdog (called by Cloud Scheduler). Only the API serves many requests per instance (docs/deploy.md says why).
  http_functions = {
    processor = {
      entry_point     = "dev.csvimport.functions.ChunkProcessor"
      settings        = var.processor
      service_account = google_service_account.processor.email
      concurrency     = 1
      cpu             = null
    }
    api = {
      entry_point     = "dev.csvimport.functions.Api"
      settings        = var.api
      service_account = google_service_account.api.email
      concurrency     = var.api.concurrency
      cpu             = var.api.cpu
    }
    watchdog = {
      entry_point     = "dev.csvimport.functions.ScheduledSweep"
      settings        = var.watchdog
      service_account = google_service_account.watchdog.email
      concurrency     = 1
      cpu             = null
    }
  }
}

# The storage trigger: one function for every app. Each app's inbox bucket has its own Eventarc trigger (below) that
# sends the bucket's finalize events here, so adding an app adds a bucket and a trigger, never a function build.
resource "google_cloudfunctions2_function" "storage_trigger" {
  name     = "${var.name_prefix}-storage-trigger"
  location = var.region

  build_config {
    runtime         = "java17"
    entry_point     = "dev.csvimport.functions.StorageTrigger"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.functions_source.bucket
        object = local.functions_source.object
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

  depends_on = [google_project_iam_member.build_builds]
}

# One Eventarc trigger per inbox bucket: its finalize events, to the one storage-trigger function. Eventarc retries a
# failed delivery (the function answers an error while a fan-out cannot start), as the function's own trigger would.
resource "google_eventarc_trigger" "inbox" {
  for_each = local.inbox_buckets

  name            = "${var.name_prefix}-inbox-${each.key}"
  location        = var.region
  service_account = google_service_account.trigger.email

  matching_criteria {
    attribute = "type"
    value     = "google.cloud.storage.object.v1.finalized"
  }
  matching_criteria {
    attribute = "bucket"
    value     = google_storage_bucket.inbox[each.key].name
  }

  destination {
    cloud_run_service {
      service = google_cloudfunctions2_function.storage_trigger.service_config[0].service
      region  = var.region
    }
  }

  depends_on = [
    google_project_iam_member.gcs_agent_publishes_events,
    google_project_iam_member.trigger_receives_events,
    google_cloud_run_service_iam_member.trigger_invokes_storage_trigger,
  ]
}

# The fan-out worker: follow-up invocations of a fan-out past its time budget, and imports started by the API's multi,
# from the fan-out topic.
resource "google_cloudfunctions2_function" "fanout" {
  name     = "${var.name_prefix}-fanout"
  location = var.region

  build_config {
    runtime         = "java17"
    entry_point     = "dev.csvimport.functions.FanOutWorker"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.functions_source.bucket
        object = local.functions_source.object
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

  depends_on = [
    google_project_iam_member.build_builds,
    google_project_iam_member.trigger_receives_events,
  ]
}

resource "google_cloudfunctions2_function" "http" {
  for_each = local.http_functions

  name     = "${var.name_prefix}-${each.key}"
  location = var.region

  build_config {
    runtime         = "java17"
    entry_point     = each.value.entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.functions_source.bucket
        object = local.functions_source.object
      }
    }
  }

  service_config {
    available_memory                 = each.value.settings.memory
    available_cpu                    = each.value.cpu
    max_instance_request_concurrency = each.value.concurrency
    timeout_seconds                  = each.value.settings.timeout_seconds
    min_instance_count               = each.value.settings.min_instances
    max_instance_count               = each.value.settings.max_instances
    service_account_email            = each.value.service_account
    environment_variables            = local.common_environment
    ingress_settings                 = "ALLOW_ALL"
  }

  depends_on = [google_project_iam_member.build_builds]
}

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
