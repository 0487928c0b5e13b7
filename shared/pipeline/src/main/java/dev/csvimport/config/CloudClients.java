package dev.csvimport.config;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The one place Google Cloud clients are made, from a process's environment: each emulator whose
 * host variable is set ({@code FIRESTORE_EMULATOR_HOST}, {@code PUBSUB_EMULATOR_HOST}, {@code
 * STORAGE_EMULATOR_HOST}, the names Google's own tools use), Google Cloud otherwise. The same jar
 * runs on Google Cloud and against the emulators, with no flag: on Google Cloud none of these
 * variables is set (Terraform sets none; {@code ConfigurationContractIT} checks it).
 */
public final class CloudClients {

  public static final String FIRESTORE_EMULATOR_HOST = "FIRESTORE_EMULATOR_HOST";
  public static final String PUBSUB_EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";
  public static final String STORAGE_EMULATOR_HOST = "STORAGE_EMULATOR_HOST";

  /** The project the emulators are addressed under when the environment names none. */
  public static final String EMULATOR_PROJECT = "csvimport-local";

  private final Map<String, String> environment;
  private final String projectId;

  /**
   * The plaintext channel to the Pub/Sub emulator, made once and shared by every publisher; null on
   * Google Cloud.
   */
  private ManagedChannel pubSubEmulator;

  /**
   * @param projectId the project; empty for the environment's default (on Google Cloud, the
   *     function's own)
   */
  public CloudClients(Map<String, String> environment, String projectId) {
    this.environment = Map.copyOf(environment);
    this.projectId = projectId;
  }

  public static CloudClients fromEnvironment(Settings settings) {
    return new CloudClients(System.getenv(), settings.get(Settings.PROJECT_ID));
  }

  private String host(String variable) {
    String host = environment.get(variable);
    return host == null || host.isBlank() ? null : host.trim();
  }

  private String emulatorProject() {
    return projectId.isEmpty() ? EMULATOR_PROJECT : projectId;
  }

  public Firestore firestore() {
    FirestoreOptions.Builder options = FirestoreOptions.newBuilder();
    String emulator = host(FIRESTORE_EMULATOR_HOST);
    if (emulator != null) {
      // With an emulator host the client talks plaintext and sends the emulator's own owner
      // credentials.
      options.setEmulatorHost(emulator).setProjectId(emulatorProject());
    } else if (!projectId.isEmpty()) {
      options.setProjectId(projectId);
    }
    return options.build().getService();
  }

  public Storage storage() {
    String emulator = host(STORAGE_EMULATOR_HOST);
    if (emulator == null) {
      StorageOptions.Builder options = StorageOptions.newBuilder();
      if (!projectId.isEmpty()) {
        options.setProjectId(projectId);
      }
      return options.build().getService();
    }
    return StorageOptions.newBuilder()
        .setHost(withScheme(emulator))
        .setProjectId(emulatorProject())
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  /**
   * What signs the uploads page's upload URLs: null on Google Cloud, where the function's own
   * service account signs; with a storage emulator, a key made for this process (the local server
   * does not check signatures: docs/architecture.md).
   */
  public ServiceAccountSigner uploadSigner() {
    return host(STORAGE_EMULATOR_HOST) == null ? null : localSigner();
  }

  /**
   * The storage emulator's address with its scheme ({@code http://127.0.0.1:9023}); null on Google
   * Cloud.
   */
  public String storageEmulator() {
    String emulator = host(STORAGE_EMULATOR_HOST);
    return emulator == null ? null : withScheme(emulator);
  }

  /**
   * The origin the uploads page may connect to besides its own, for its Content-Security-Policy.
   */
  public String storageOrigin() {
    String emulator = host(STORAGE_EMULATOR_HOST);
    return emulator == null ? "https://storage.googleapis.com" : withScheme(emulator);
  }

  private static String withScheme(String host) {
    return host.startsWith("http") ? host : "http://" + host;
  }

  private ServiceAccountSigner localSigner() {
    return new LocalUploadSigner("local-uploads@" + emulatorProject() + ".iam.gserviceaccount.com");
  }

  /**
   * Signs with a key made for this process when it first signs: making an RSA key takes a quarter
   * of a second, which an instance that never signs an upload URL should not spend at its start.
   */
  private static final class LocalUploadSigner implements ServiceAccountSigner {
    private final String account;
    private ServiceAccountCredentials key;

    LocalUploadSigner(String account) {
      this.account = account;
    }

    @Override
    public String getAccount() {
      return account;
    }

    @Override
    public synchronized byte[] sign(byte[] toSign) {
      if (key == null) {
        try {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048);
          key =
              ServiceAccountCredentials.newBuilder()
                  .setClientEmail(account)
                  .setPrivateKey(generator.generateKeyPair().getPrivate())
                  .build();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("this JVM cannot make RSA keys", e);
        }
      }
      return key.sign(toSign);
    }
  }

  /**
   * A publisher to {@code topic} ({@code projects/P/topics/T}), set up by {@code configure} before
   * it is built.
   */
  public synchronized Publisher publisher(
      String topic, java.util.function.UnaryOperator<Publisher.Builder> configure) {
    Publisher.Builder builder = configure.apply(Publisher.newBuilder(topic));
    String emulator = host(PUBSUB_EMULATOR_HOST);
    if (emulator != null) {
      if (pubSubEmulator == null) {
        pubSubEmulator = ManagedChannelBuilder.forTarget(emulator).usePlaintext().build();
      }
      builder
          .setChannelProvider(
              FixedTransportChannelProvider.create(GrpcTransportChannel.create(pubSubEmulator)))
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the Pub/Sub publisher to " + topic + " could not be created", e);
    }
  }
}
