# Alerts on what gets stuck or fails, sent to var.notification_channels (none: the console only). What to do when
# one fires: docs/deploy.md.

# The watchdog logs "job without progress" (Watchdog.STUCK) each sweep for every job stuck for alerts.stuck_minutes.
resource "google_logging_metric" "stuck_jobs" {
  name   = "${var.name_prefix}-stuck-jobs"
  filter = "resource.type=cloud_run_revision AND resource.labels.service_name=\"${var.name_prefix}-watchdog\" AND jsonPayload.message=\"job without progress\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }

  depends_on = [google_project_service.apis]
}

locals {
  run = "resource.type=\"cloud_run_revision\""
  alerts = {
    # Chunks that failed every delivery: their rows are failed in their jobs' results; the processor's logs say why.
    dead_letters = {
      name      = "chunks dead-lettered"
      filter    = "resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${google_pubsub_subscription.chunks_dead_letter.name}\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      aligner   = "ALIGN_MAX"
      threshold = 0
      group_by  = []
    }
    stuck_jobs = {
      name      = "a job made no progress for ${var.alerts.stuck_minutes} minutes"
      filter    = "${local.run} AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.stuck_jobs.name}\""
      aligner   = "ALIGN_SUM"
      threshold = 0
      group_by  = []
    }
    # Cloud Run answers 5xx when a function fails a request or an event delivery (which is then retried).
    function_errors = {
      name      = "a function answered over ${var.alerts.error_responses_per_5m} errors in 5 minutes"
      filter    = "${local.run} AND resource.labels.service_name=starts_with(\"${var.name_prefix}-\") AND metric.type=\"run.googleapis.com/request_count\" AND metric.labels.response_code_class=\"5xx\""
      aligner   = "ALIGN_DELTA"
      threshold = var.alerts.error_responses_per_5m
      group_by  = ["resource.labels.service_name"]
    }
  }
}

resource "google_monitoring_alert_policy" "alerts" {
  for_each = local.alerts

  display_name          = "${var.name_prefix}: ${each.value.name}"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = each.value.name
    condition_threshold {
      filter          = each.value.filter
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = each.value.aligner
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = each.value.group_by
      }
    }
  }

  documentation {
    content = "csvimport ${var.name_prefix}: see docs/deploy.md, When an alert fires."
  }

  depends_on = [google_project_service.apis]
}
