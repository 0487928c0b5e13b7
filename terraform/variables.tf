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
}

variable "apps" {
  description = <<-EOT
    The apps, by app id. Each gets an inbox bucket (named bucket_name, or <name_prefix>-<app id>-inbox) and a storage
    trigger bound to it. Create each app's keys after the first apply with: bin/csvimport apps create APP --bucket B --project P
  EOT
  type = map(object({
    bucket_name = optional(string)
  }))

  validation {
    condition     = alltrue([for id in keys(var.apps) : can(regex("^[a-z0-9][a-z0-9-]{1,40}$", id))])
    error_message = "App ids are 2 to 41 lower-case letters, digits and dashes."
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
  description = "Ordered streams a job's rows are spread over: more means more chunks applied in parallel."
  type        = number
  default     = 32
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
    schedule        = optional(string, "*/5 * * * *")
    memory          = optional(string, "512Mi")
    timeout_seconds = optional(number, 300)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 1)
  })
  default = {}
}

variable "api" {
  description = "The HTTP API."
  type = object({
    memory          = optional(string, "512Mi")
    timeout_seconds = optional(number, 60)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 20)
  })
  default = {}
}
