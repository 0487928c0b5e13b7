package dev.csvimport.runner;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.FirestoreLayout;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code csvimport apps create APP --bucket B}: an app's buckets and new keys, printed once. */
@Command(
    name = "apps",
    mixinStandardHelpOptions = true,
    description = "Manages apps and their keys.",
    subcommands = {AppsCommand.Create.class})
final class AppsCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Creates APP (or gives it new keys) with its buckets, and prints its development and"
              + " production keys. Only their hashes are stored: keep the keys now. Against the"
              + " Firestore emulator at FIRESTORE_EMULATOR_HOST, or against a project's Firestore"
              + " with --project.")
  static final class Create implements Callable<Integer> {

    @Parameters(paramLabel = "APP", description = "the app id")
    String appId;

    @Option(
        names = "--bucket",
        paramLabel = "B",
        required = true,
        description = "a bucket of the app (repeatable)")
    List<String> buckets;

    @Option(
        names = "--project",
        paramLabel = "P",
        description =
            "the Google Cloud project whose Firestore holds the apps (default: the emulator)")
    String project;

    @Override
    public Integer call() throws Exception {
      FirestoreOptions.Builder options = FirestoreOptions.newBuilder();
      if (project != null) {
        options.setProjectId(project);
      } else {
        String emulator = System.getenv(Emulators.FIRESTORE_HOST_VARIABLE);
        if (emulator == null || emulator.isBlank()) {
          System.err.println(
              "give --project P, or set "
                  + Emulators.FIRESTORE_HOST_VARIABLE
                  + " (bin/csvimport serve prints it)");
          return 2;
        }
        options.setProjectId(LocalCloud.PROJECT).setEmulatorHost(emulator);
      }
      try (Firestore firestore = options.build().getService()) {
        AppStore.Keys keys;
        try {
          keys =
              new AppStore(new FirestoreLayout(firestore), Clock.systemUTC())
                  .create(appId, buckets);
        } catch (AppStore.BucketTaken taken) {
          System.err.println(taken.getMessage());
          return 1;
        }
        System.out.println("appId:           " + appId);
        System.out.println("buckets:         " + String.join(", ", buckets));
        System.out.println("development key: " + keys.development());
        System.out.println("production key:  " + keys.production());
      }
      return 0;
    }
  }
}
