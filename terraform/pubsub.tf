resource "google_pubsub_topic" "chunks" {
  name       = "${var.name_prefix}-chunks"
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "chunks_dead_letter" {
  name       = "${var.name_prefix}-chunks-dead-letter"
  depends_on = [google_project_service.apis]
}

# Dead letters are only kept when a subscription holds them.
resource "google_pubsub_subscription" "chunks_dead_letter" {
  name                       = "${var.name_prefix}-chunks-dead-letter"
  topic                      = google_pubsub_topic.chunks_dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60
  expiration_policy {
    ttl = ""
  }
}

# Our own push subscription (not one Eventarc creates), so it can carry the dead-letter policy.
resource "google_pubsub_subscription" "chunks" {
  name                    = "${var.name_prefix}-chunks"
  topic                   = google_pubsub_topic.chunks.id
  ack_deadline_seconds    = min(var.processor.timeout_seconds, 600)
  enable_message_ordering = true

  push_config {
    push_endpoint = google_cloudfunctions2_function.http["processor"].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.pusher.email
    }
  }

  retry_policy {
    minimum_backoff = "5s"
    maximum_backoff = "300s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.chunks_dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

# Fan-out requests: a follow-up after a time budget, or an import started by the API's multi.
resource "google_pubsub_topic" "fanout" {
  name       = "${var.name_prefix}-fanout"
  depends_on = [google_project_service.apis]
}

# Each job's end (FINISHED, FAILED, CANCELLED), published once, by the invocation that ended the job or else the next
# sweep: JSON, the schema in docs/api.md,
# ordering key appId/jobId, attributes eventId, type, appId, jobId, state to filter a subscription on (one per app, or
# per state). Kept a week, so a subscription made later can seek back to the events before it.
resource "google_pubsub_topic" "job_events" {
  name                       = "${var.name_prefix}-job-events"
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.apis]
}
