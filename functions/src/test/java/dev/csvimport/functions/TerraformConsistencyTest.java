package dev.csvimport.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import dev.csvimport.config.Settings;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Terraform and the code in step: what the .tf files name exists, and what the code needs,
 * Terraform sets.
 */
class TerraformConsistencyTest {

  private static final Path TERRAFORM = Path.of("..", "terraform");
  private static final Pattern ENTRY_POINT = Pattern.compile("entry_point\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern ENVIRONMENT =
      Pattern.compile("common_environment\\s*=\\s*\\{([^}]*)}", Pattern.DOTALL);
  private static final Pattern VARIABLE =
      Pattern.compile("^\\s*([A-Z][A-Z0-9_]*)\\s*=", Pattern.MULTILINE);

  private static String allTerraform() throws Exception {
    try (Stream<Path> files = Files.list(TERRAFORM)) {
      StringBuilder all = new StringBuilder();
      for (Path file : files.filter(f -> f.toString().endsWith(".tf")).sorted().toList()) {
        all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
      }
      return all.toString();
    }
  }

  @Test
  void everyEntryPointIsAFunctionOfThisJar() throws Exception {
    Matcher entryPoints = ENTRY_POINT.matcher(allTerraform());
    Set<String> found = new TreeSet<>();
    while (entryPoints.find()) {
      Class<?> type = Class.forName(entryPoints.group(1));
      assertTrue(
          HttpFunction.class.isAssignableFrom(type)
              || CloudEventsFunction.class.isAssignableFrom(type),
          type + " is not a function");
      type.getConstructor();
      found.add(type.getSimpleName());
    }
    assertEquals(
        Set.of("Api", "ChunkProcessor", "FanOutWorker", "ScheduledSweep", "StorageTrigger"), found);
  }

  @Test
  void theEnvironmentTerraformSetsIsWhatTheCodeReads() throws Exception {
    Matcher block = ENVIRONMENT.matcher(allTerraform());
    assertTrue(block.find(), "functions.tf defines common_environment");
    Set<String> set = new TreeSet<>();
    Matcher variables = VARIABLE.matcher(block.group(1));
    while (variables.find()) {
      set.add(variables.group(1));
    }
    Map<String, String> defaults = Settings.defaults();
    for (String name : set) {
      assertTrue(defaults.containsKey(name), name + " is set by Terraform but read by no code");
    }
    Set<String> withoutDefault =
        defaults.entrySet().stream()
            .filter(e -> e.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    assertFalse(withoutDefault.isEmpty());
    assertTrue(
        set.containsAll(withoutDefault),
        "Terraform must set " + withoutDefault + ", which have no default");
  }

  @Test
  void terraformIsFormatted() throws Exception {
    boolean installed =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "terraform")));
    assumeTrue(installed, "terraform is not installed here");
    Process fmt =
        new ProcessBuilder("terraform", "fmt", "-check", "-recursive", "-diff", ".")
            .directory(TERRAFORM.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(fmt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(fmt.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, fmt.exitValue(), "terraform fmt -check -recursive terraform fails:\n" + output);
  }
}
