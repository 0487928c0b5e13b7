package dev.csvimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's packages depend on each other in one direction only: the job and the ports (what
 * the stages need of a store) at the bottom, the Firestore store and the stages above them, the
 * composition root ({@link Stages}) on top. No import runs back up.
 */
class PipelineBoundariesTest {

  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "csvimport");
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?(dev\\.csvimport(?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

  /** Each pipeline package and the pipeline packages its classes import (the engine left out). */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path file : files) {
      String text = Files.readString(file);
      Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(text);
      assertTrue(pkg.find(), file + " has a package");
      Set<String> uses = graph.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
      Matcher imports = IMPORT.matcher(text);
      while (imports.find()) {
        String used = imports.group(1);
        if (!used.equals(pkg.group(1)) && !used.startsWith("dev.csvimport.engine")) {
          uses.add(used);
        }
      }
    }
    return graph;
  }

  private static boolean reaches(
      Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
    for (String next : graph.getOrDefault(from, Set.of())) {
      if (next.equals(target) || (seen.add(next) && reaches(graph, next, target, seen))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void noCycleBetweenThePipelinesPackages() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    assertTrue(graph.size() >= 10, "found the pipeline's packages: " + graph.keySet());
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      if (reaches(graph, start, start, new HashSet<>())) {
        cycles.add(start);
      }
    }
    assertEquals(List.of(), cycles, "packages on an import cycle; dependencies: " + graph);
  }

  @Test
  void thePortsStandOnTheJobAlone() throws IOException {
    assertEquals(
        Set.of("dev.csvimport.job"),
        dependencies().get("dev.csvimport.ports"),
        "the ports import no stage and no store");
  }

  @Test
  void theStoreImplementsPortsAndImportsNoStage() throws IOException {
    Set<String> stages =
        Set.of(
            "dev.csvimport.api",
            "dev.csvimport.apply",
            "dev.csvimport.complete",
            "dev.csvimport.fanout",
            "dev.csvimport.watchdog");
    Set<String> used = new TreeSet<>(dependencies().get("dev.csvimport.store"));
    used.retainAll(stages);
    assertEquals(Set.of(), used, "the store imports stages");
  }
}
