package dev.csvimport.notify;

/** Where a job's end is published: the job-events topic. */
@FunctionalInterface
public interface JobEvents {

  /**
   * Publishes {@code event}, in order with the other messages of the same {@code orderingKey}, with
   * {@code attributes} a subscription may filter on; returns once it is published.
   */
  void publish(String orderingKey, java.util.Map<String, String> attributes, String event)
      throws Exception;
}
