package dev.csvimport.runner;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.config.Settings;

/**
 * The cold-start benchmark's floor: what Google's Firestore client alone costs a new instance, made
 * as its documentation shows (the emulator's host from the environment, the project named) and
 * reading one document per request, loaded from the functions jar as the doors load it. Every door
 * reads Firestore on its first request, so none can start sooner than this.
 */
public final class FirestoreReadFunction implements HttpFunction {

  private final Firestore firestore =
      FirestoreOptions.newBuilder()
          .setProjectId(System.getenv(Settings.PROJECT_ID))
          .build()
          .getService();

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    boolean exists = firestore.collection("apps").document("coldstart").get().get().exists();
    response.getWriter().write(exists ? "found" : "not found");
  }
}
