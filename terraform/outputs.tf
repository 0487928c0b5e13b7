output "api_url" {
  description = "The API: call <api_url>/api?action=getMultiResults&..."
  value       = google_cloudfunctions2_function.http["api"].service_config[0].uri
}

output "inbox_buckets" {
  description = "Each app's inbox bucket: drop CSV files under imports/ (or imports/<action>/)."
  value       = local.inbox_buckets
}

output "topics" {
  description = "The chunk, dead-letter, fan-out and job-events topics (subscribe to job_events to be told each job's end)."
  value = {
    chunks             = google_pubsub_topic.chunks.id
    chunks_dead_letter = google_pubsub_topic.chunks_dead_letter.id
    fanout             = google_pubsub_topic.fanout.id
    job_events         = google_pubsub_topic.job_events.id
  }
}

output "dead_letter_subscription" {
  description = "Where chunks that failed every delivery wait (their rows are already recorded as failed)."
  value       = google_pubsub_subscription.chunks_dead_letter.id
}
