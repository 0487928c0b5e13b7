variable "project_id" {
  description = "The Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the functions, buckets and Firestore database (e.g. europe-west1)."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix of every resource name, so several deployments can share a project."
  type        = string
  default     = "csvimport"

  # The longest names made from it: service accounts "<prefix>-processor" (6 to 30 characters, starting with a
  # letter), buckets "<prefix>-<app id>-inbox" (at most 63), functions and triggers (at most 63).
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix is 4 to 20 lower-case letters, digits and dashes, starting with a letter and not ending with a dash: service account ids (<prefix>-processor) may have at most 30 characters."
  }
}

variable "apps" {
  description = <<-EOT
    The apps, by app id. Each gets an inbox bucket (named bucket_name, or <name_prefix>-<app id>-inbox) and a storage
    trigger bound to it. Create each app's keys after the first apply with: bin/csvimport apps create APP --bucket B --project P
  EOT
  type = map(object({
    bucket_name = optional(string)
  }))

  # An app id names its bucket "<prefix>-<app id>-inbox" (at most 63 characters with a 20-character prefix) and its
  # Eventarc trigger "<prefix>-inbox-<app id>".
  validation {
    condition     = alltrue([for id in keys(var.apps) : can(regex("^[a-z0-9][a-z0-9-]{0,34}[a-z0-9]$", id))])
    error_message = "App ids are 2 to 36 lower-case letters, digits and dashes, not starting or ending with a dash."
  }

  validation {
    condition     = alltrue([for id, app in var.apps : app.bucket_name == null || can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", coalesce(app.bucket_name, "ok")))])
    error_message = "A bucket_name is 3 to 63 lower-case letters, digits, dots, dashes and underscores, starting and ending with a letter or digit."
  }

  # The functions read BUCKET_APPS (bucket=app): a bucket named by two apps would import one app's files into the other.
  validation {
    condition     = length(distinct([for id, app in var.apps : coalesce(app.bucket_name, "${var.name_prefix}-${id}-inbox")])) == length(var.apps)
    error_message = "Two apps have the same inbox bucket: one bucket belongs to one app. Give each app its own bucket_name."
  }
}

variable "function_jar" {
  description = "Path of the functions' shaded jar, built by `mvn -B package` (all functions deploy from it)."
  type        = string
  default     = "../functions/target/csvimport-functions.jar"
}

variable "inbox_prefix" {
  description = "Folder of each bucket whose new .csv objects are imported."
  type        = string
  default     = "imports/"
}

variable "api_public" {
  description = "true: anyone may call the API (it checks app keys); false: only principals granted run.invoker."
  type        = bool
  default     = true
}

variable "job_retention_days" {
  description = "Days a job's documents are kept before Firestore's TTL policy deletes them."
  type        = number
  default     = 90
}

variable "results_retention_days" {
  description = "Days a results file is kept in its bucket before a lifecycle rule deletes it."
  type        = number
  default     = 30
}

variable "max_delivery_attempts" {
  description = "Deliveries of a chunk before its rows are recorded as failed and it is dead-lettered (5 to 100)."
  type        = number
  default     = 10

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "Pub/Sub accepts 5 to 100 delivery attempts."
  }
}

variable "partitions" {
  description = "The most ordered streams a job's rows are spread over (a job uses one per 200-row chunk up to this, and never more than processor.max_instances): more means more chunks applied in parallel."
  type        = number
  default     = 100
}

variable "pipeline" {
  description = "How jobs are cut and watched: rows per chunk, rows between fan-out checkpoints, seconds a fan-out's lease lasts unless renewed (how soon a fan-out whose instance died is taken over), minutes a fan-out nobody holds may wait before the watchdog asks for it again, KiB one Firestore transaction may write, hours a job may take in all."
  type = object({
    chunk_rows         = optional(number, 200)
    segment_rows       = optional(number, 50000)
    lease_seconds      = optional(number, 60)
    stall_minutes      = optional(number, 15)
    commit_kib         = optional(number, 6144)
    job_deadline_hours = optional(number, 24)
  })
  default = {}
}

variable "trigger" {
  description = "The storage trigger (and its fan-out follow-ups). budget_seconds must stay well under timeout_seconds (540 at most)."
  type = object({
    memory          = optional(string, "1Gi")
    timeout_seconds = optional(number, 540)
    budget_seconds  = optional(number, 420)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 20)
  })
  default = {}
}

variable "processor" {
  description = "The chunk processor. Its timeout is also the push subscription's ack deadline (600 at most)."
  type = object({
    memory          = optional(string, "1Gi")
    timeout_seconds = optional(number, 300)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 100)
  })
  default = {}
}

variable "watchdog" {
  description = "The watchdog (ScheduledSweep): Cloud Scheduler calls it on a schedule to resume, drain or fail jobs that stopped moving."
  type = object({
    schedule        = optional(string, "* * * * *")
    memory          = optional(string, "512Mi")
    timeout_seconds = optional(number, 300)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 1)
  })
  default = {}
}

variable "api" {
  description = "The HTTP API. It serves up to `concurrency` requests at once per instance, on `cpu` CPUs (at least 1 when concurrency is above 1)."
  type = object({
    memory          = optional(string, "1Gi")
    cpu             = optional(string, "1")
    concurrency     = optional(number, 40)
    timeout_seconds = optional(number, 60)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 20)
  })
  default = {}

  validation {
    condition     = var.api.concurrency >= 1 && var.api.concurrency <= 1000 && (var.api.concurrency == 1 || tonumber(var.api.cpu) >= 1)
    error_message = "api.concurrency is 1 to 1000, and above 1 needs api.cpu of at least 1 (Cloud Run's rule)."
  }
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channels (ids like projects/P/notificationChannels/N) the alerts send to; empty: the alerts show in the console only."
  type        = list(string)
  default     = []
}

variable "alerts" {
  description = "Alert thresholds: stuck_minutes, how long a job may go without progress before the watchdog logs it as stuck (and the alert fires); error_responses_per_5m, 5xx answers of one function within 5 minutes that count as failing."
  type = object({
    stuck_minutes          = optional(number, 30)
    error_responses_per_5m = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.alerts.stuck_minutes >= 10
    error_message = "alerts.stuck_minutes is at least 10: a job is stuck only after several of the watchdog's sweeps."
  }
}
