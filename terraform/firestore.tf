resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"

  depends_on = [google_project_service.apis]
}

# Job documents and everything under them carry expireAt, as do write calls' progress documents (requests, kept 24
# hours for their request keys); these TTL policies delete them once expired.
resource "google_firestore_field" "expire_at" {
  for_each = toset(["jobs", "partitions", "results", "parked", "requests"])

  database   = google_firestore_database.default.name
  collection = each.value
  field      = "expireAt"

  ttl_config {}

  # TTL fields need no index of their own.
  index_config {}
}

# listJobs: an app's jobs, newest first (JobStore.list).
resource "google_firestore_index" "jobs_newest_first" {
  database   = google_firestore_database.default.name
  collection = "jobs"

  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
  fields {
    field_path = "jobId"
    order      = "DESCENDING"
  }
}

# The watchdog: unended jobs of every app, oldest first (JobStore.unended, a collection-group query).
resource "google_firestore_index" "unended_jobs" {
  database    = google_firestore_database.default.name
  collection  = "jobs"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "jobId"
    order      = "ASCENDING"
  }
}

# NoticeStore.due: ended jobs of every app whose notice (job event, webhook retry) is due, a collection-group range
# query on noticeDue.
resource "google_firestore_field" "notice_due" {
  database   = google_firestore_database.default.name
  collection = "jobs"
  field      = "noticeDue"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
  }
}
