# One service account per function, each with only what its code uses.

resource "google_service_account" "trigger" {
  account_id   = "${var.name_prefix}-trigger"
  display_name = "csvimport storage trigger and fan-out"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "processor" {
  account_id   = "${var.name_prefix}-processor"
  display_name = "csvimport chunk processor"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "api" {
  account_id   = "${var.name_prefix}-api"
  display_name = "csvimport HTTP API"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "watchdog" {
  account_id   = "${var.name_prefix}-watchdog"
  display_name = "csvimport watchdog (and Cloud Scheduler's identity calling it)"

  depends_on = [google_project_service.apis]
}

# Cloud Functions builds (Cloud Build) run as this account, not the project's default build account, which in
# organisations created since 2024 has no roles at all.
resource "google_service_account" "build" {
  account_id   = "${var.name_prefix}-build"
  display_name = "csvimport function builds"

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "build_builds" {
  project = var.project_id
  role    = "roles/cloudbuild.builds.builder"
  member  = "serviceAccount:${google_service_account.build.email}"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "pusher" {
  account_id   = "${var.name_prefix}-pusher"
  display_name = "csvimport chunk subscription push identity"

  depends_on = [google_project_service.apis]
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# The Cloud Storage service agent exists only once something asks for it: this data source does.
data "google_storage_project_service_account" "gcs_agent" {
  depends_on = [google_project_service.apis]
}

# --- Trigger (StorageTrigger, FanOutWorker: both run FanOut) ---

# FanOut.open streams the object from the app's inbox bucket; its own bucket only.
resource "google_storage_bucket_iam_member" "trigger_reads_inbox" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# JobCompletion writes results/<jobId>.jsonl when the trigger finishes a job whose chunks were all applied first.
resource "google_storage_bucket_iam_member" "trigger_writes_results" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectCreator"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# PubSubChunkPublisher publishes chunks.
resource "google_pubsub_topic_iam_member" "trigger_publishes_chunks" {
  topic  = google_pubsub_topic.chunks.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.trigger.email}"
}

# PubSubFanOutRequests asks for a follow-up invocation when the time budget is used.
resource "google_pubsub_topic_iam_member" "trigger_requests_fanout" {
  topic  = google_pubsub_topic.fanout.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.trigger.email}"
}

# JobStore: creates jobs, leases, checkpoints.
resource "google_project_iam_member" "trigger_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.trigger.email}"

  depends_on = [google_project_service.apis]
}

# Eventarc delivers storage and Pub/Sub events with this identity.
resource "google_project_iam_member" "trigger_receives_events" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.trigger.email}"

  depends_on = [google_project_service.apis]
}

# Eventarc invokes the event-driven functions (StorageTrigger for every inbox, FanOutWorker) as the trigger account.
resource "google_cloud_run_service_iam_member" "trigger_invokes_storage_trigger" {
  location = var.region
  service  = google_cloudfunctions2_function.storage_trigger.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

resource "google_cloud_run_service_iam_member" "trigger_invokes_fanout" {
  location = var.region
  service  = google_cloudfunctions2_function.fanout.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# Cloud Storage publishes its finalize events to Pub/Sub for Eventarc.
resource "google_project_iam_member" "gcs_agent_publishes_events" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = data.google_storage_project_service_account.gcs_agent.member

  depends_on = [google_project_service.apis]
}

# --- Processor (ChunkProcessor, ChunkApplier, JobCompletion) ---

# ChunkApplier's transactions: profiles, cursors, results, parked chunks.
resource "google_project_iam_member" "processor_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.processor.email}"

  depends_on = [google_project_service.apis]
}

# ResultsFile checks for and writes results/<jobId>.jsonl in the job's bucket.
resource "google_storage_bucket_iam_member" "processor_reads_results" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.processor.email}"
}

resource "google_storage_bucket_iam_member" "processor_writes_results" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectCreator"
  member   = "serviceAccount:${google_service_account.processor.email}"
}

# The chunk subscription pushes with the pusher's OIDC token; only it may invoke the processor.
resource "google_cloud_run_service_iam_member" "pusher_invokes_processor" {
  location = var.region
  service  = google_cloudfunctions2_function.http["processor"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pusher.email}"
}

# Pub/Sub mints the pusher's OIDC tokens.
resource "google_service_account_iam_member" "pubsub_agent_signs_for_pusher" {
  service_account_id = google_service_account.pusher.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent

  # The Pub/Sub service agent exists once its API is enabled.
  depends_on = [google_project_service.apis]
}

# Dead-lettering: the Pub/Sub agent publishes to the dead-letter topic and acknowledges on the chunk subscription.
resource "google_pubsub_topic_iam_member" "pubsub_agent_dead_letters" {
  topic  = google_pubsub_topic.chunks_dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "pubsub_agent_acks_chunks" {
  subscription = google_pubsub_subscription.chunks.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# --- API (Api, ImportApi) ---

# AppStore, JobStore, ProfileStore reads; multi creates jobs.
resource "google_project_iam_member" "api_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.api.email}"

  depends_on = [google_project_service.apis]
}

# multi checks the object exists; ResultsLinks signs URLs of results files.
resource "google_storage_bucket_iam_member" "api_reads_inbox" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.api.email}"
}

# ResultsLinks signs V4 URLs with the API's own account (signBlob).
# uploadUrl signs resumable uploads as this account: the browser's upload creates objects with its permission.
resource "google_storage_bucket_iam_member" "api_signs_uploads" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectCreator"
  member   = "serviceAccount:${google_service_account.api.email}"
}

resource "google_service_account_iam_member" "api_signs_urls" {
  service_account_id = google_service_account.api.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.api.email}"
}

# multi publishes a fan-out request.
resource "google_pubsub_topic_iam_member" "api_requests_fanout" {
  topic  = google_pubsub_topic.fanout.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.api.email}"
}

# The API checks app keys itself; public unless var.api_public is false.
resource "google_cloud_run_service_iam_member" "api_public" {
  count    = var.api_public ? 1 : 0
  location = var.region
  service  = google_cloudfunctions2_function.http["api"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# --- Watchdog (ScheduledSweep) ---

# JobStore.unended, the partitions' cursors and parked chunks, JobStore.fail.
resource "google_project_iam_member" "watchdog_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.watchdog.email}"

  depends_on = [google_project_service.apis]
}

# Watchdog asks for stalled fan-outs again on the fan-out topic.
resource "google_pubsub_topic_iam_member" "watchdog_requests_fanout" {
  topic  = google_pubsub_topic.fanout.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.watchdog.email}"
}

# JobNotices publishes each job's end (and POSTs it to the app's webhook) from the invocation that ended the job, and
# the sweep sends what that missed: every function that can end a job publishes.
resource "google_pubsub_topic_iam_member" "publishes_job_events" {
  for_each = {
    trigger   = google_service_account.trigger.email
    processor = google_service_account.processor.email
    api       = google_service_account.api.email
    watchdog  = google_service_account.watchdog.email
  }
  topic  = google_pubsub_topic.job_events.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${each.value}"
}

# A drained partition may finish its job: ResultsFile checks for and writes results/<jobId>.jsonl.
resource "google_storage_bucket_iam_member" "watchdog_reads_results" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.watchdog.email}"
}

resource "google_storage_bucket_iam_member" "watchdog_writes_results" {
  for_each = local.inbox_buckets
  bucket   = google_storage_bucket.inbox[each.key].name
  role     = "roles/storage.objectCreator"
  member   = "serviceAccount:${google_service_account.watchdog.email}"
}

# Cloud Scheduler calls the watchdog with this account's OIDC token; only it may invoke the function.
resource "google_cloud_run_service_iam_member" "scheduler_invokes_watchdog" {
  location = var.region
  service  = google_cloudfunctions2_function.http["watchdog"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.watchdog.email}"
}
