package dev.csvimport.runner;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.cloudevents.CloudEvent;

/**
 * The cold-start benchmark's yardstick: a function that does nothing, in a jar of its own, under
 * the same invoker; as an HTTP function, or as a CloudEvents function beside the one door that is
 * one.
 */
public final class HelloFunction implements HttpFunction, CloudEventsFunction {
  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    response.getWriter().write("hello");
  }

  @Override
  public void accept(CloudEvent event) {
    // Nothing: the invoker answers 200.
  }
}
