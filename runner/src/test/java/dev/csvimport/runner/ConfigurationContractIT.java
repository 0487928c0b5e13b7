package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Terraform and the code agree: every setting the functions read is set by {@code
 * terraform/functions.tf} and nothing else is; no emulator host is; every entry point is a class of
 * the shaded jar, loadable as the invoker loads it (its own class loader over the jar, only the
 * Functions Framework API beside it), with the signature its trigger needs. An integration test
 * because it reads the jar that {@code mvn package} builds; it needs no emulator.
 */
class ConfigurationContractIT {

  private static final Path TERRAFORM = Path.of("..", "terraform");
  private static final Path FUNCTIONS_JAR =
      Path.of(
          System.getProperty(
              "csvimport.functionsJar", "../functions/target/csvimport-functions.jar"));

  private static String functionsTf() throws IOException {
    return Files.readString(TERRAFORM.resolve("functions.tf"), StandardCharsets.UTF_8);
  }

  /**
   * The text of the block that opens at {@code start} (at its first brace), to its matching brace.
   */
  private static String block(String text, int start) {
    int open = text.indexOf('{', start);
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      if (text.charAt(i) == '{') {
        depth++;
      } else if (text.charAt(i) == '}' && --depth == 0) {
        return text.substring(open, i + 1);
      }
    }
    throw new AssertionError("unbalanced block at " + start);
  }

  private static Set<String> environmentSetByTerraform() throws IOException {
    String tf = functionsTf();
    int at = tf.indexOf("common_environment = {");
    assertTrue(
        at >= 0, "functions.tf names the functions' environment in local.common_environment");
    Set<String> names = new TreeSet<>();
    Matcher name = Pattern.compile("(?m)^\\s*([A-Z][A-Z0-9_]*)\\s*=").matcher(block(tf, at));
    while (name.find()) {
      names.add(name.group(1));
    }
    return names;
  }

  /**
   * Each function Terraform deploys: its entry point and the signature type its trigger gives it.
   */
  private static Map<String, String> entryPoints() throws IOException {
    String tf = functionsTf();
    Map<String, String> entryPoints = new LinkedHashMap<>();
    Matcher function =
        Pattern.compile("resource \"google_cloudfunctions2_function\" \"(\\w+)\"").matcher(tf);
    Pattern literal = Pattern.compile("entry_point\\s*=\\s*\"([^\"]+)\"");
    while (function.find()) {
      String resource = block(tf, function.end());
      // Without an event_trigger a function is an HTTP one (the storage trigger too: Eventarc calls
      // its URL).
      String signature = resource.contains("event_trigger {") ? "cloudevent" : "http";
      if (resource.contains("entry_point     = each.value.entry_point")
          || resource.matches("(?s).*entry_point\\s*=\\s*each\\.value\\.entry_point.*")) {
        Matcher each = literal.matcher(block(tf, tf.indexOf("http_functions = {")));
        while (each.find()) {
          entryPoints.put(each.group(1), signature);
        }
      } else {
        Matcher one = literal.matcher(resource);
        assertTrue(one.find(), function.group(1) + " names its entry point");
        entryPoints.put(one.group(1), signature);
      }
      assertTrue(
          resource.contains("environment_variables = local.common_environment")
              || resource.matches(
                  "(?s).*environment_variables\\s*=\\s*local\\.common_environment.*"),
          function.group(1) + " is deployed with the common environment");
    }
    return entryPoints;
  }

  @Test
  void terraformSetsExactlyTheSettingsTheFunctionsRead() throws IOException {
    Set<String> set = environmentSetByTerraform();
    Set<String> read = new TreeSet<>(Settings.defaults().keySet());
    Set<String> unset = new TreeSet<>(read);
    unset.removeAll(set);
    Set<String> unread = new TreeSet<>(set);
    unread.removeAll(read);
    assertEquals(Set.of(), unset, "settings the functions read that Terraform does not set");
    assertEquals(Set.of(), unread, "variables Terraform sets that no function reads");
    for (String emulator :
        List.of(
            CloudClients.FIRESTORE_EMULATOR_HOST,
            CloudClients.PUBSUB_EMULATOR_HOST,
            CloudClients.STORAGE_EMULATOR_HOST)) {
      assertFalse(
          set.contains(emulator), emulator + " would point a deployed function at an emulator");
    }
  }

  @Test
  void everyEntryPointIsAClassOfTheJarWithTheSignatureItsTriggerNeeds() throws Exception {
    Map<String, String> entryPoints = entryPoints();
    assertEquals(5, entryPoints.size(), "five functions: " + entryPoints);
    URL api = HttpFunction.class.getProtectionDomain().getCodeSource().getLocation();
    List<String> problems = new ArrayList<>();
    try (URLClassLoader frameworkApi =
            new URLClassLoader(new URL[] {api}, ClassLoader.getPlatformClassLoader());
        URLClassLoader jar =
            new URLClassLoader(new URL[] {FUNCTIONS_JAR.toUri().toURL()}, frameworkApi)) {
      Class<?> http = frameworkApi.loadClass(HttpFunction.class.getName());
      Class<?> cloudEvents = frameworkApi.loadClass(CloudEventsFunction.class.getName());
      for (Map.Entry<String, String> entryPoint : entryPoints.entrySet()) {
        Class<?> door;
        try {
          door = jar.loadClass(entryPoint.getKey());
        } catch (ClassNotFoundException e) {
          problems.add(entryPoint.getKey() + " is not in " + FUNCTIONS_JAR);
          continue;
        }
        assertEquals(jar, door.getClassLoader(), "loaded from the jar itself");
        Class<?> needed = entryPoint.getValue().equals("http") ? http : cloudEvents;
        if (!needed.isAssignableFrom(door)) {
          problems.add(
              entryPoint.getKey()
                  + " is deployed as "
                  + entryPoint.getValue()
                  + " but is no "
                  + needed.getSimpleName());
        }
        door.getConstructor();
      }
    }
    assertEquals(List.of(), problems);
  }
}
