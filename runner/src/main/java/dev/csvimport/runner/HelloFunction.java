package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;

/**
 * The cold-start benchmark's yardstick: a function that does nothing, in a jar of its own, under
 * the same invoker.
 */
public final class HelloFunction implements HttpFunction {
  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    response.getWriter().write("hello");
  }
}
