package dev.csvimport.engine;

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
 * The engine's packages depend on each other in one direction only (the Maven module already keeps
 * Google Cloud off its classpath): read and operation first, then check, chunk and apply, then the
 * engine's door at the root.
 */
class EngineBoundariesTest {

  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "csvimport", "engine");
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?(dev\\.csvimport\\.engine(?:\\.[a-z]+)*)" + "\\.[A-Z]",
          Pattern.MULTILINE);

  /** Each engine package and the engine packages its classes import. */
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
        if (!imports.group(1).equals(pkg.group(1))) {
          uses.add(imports.group(1));
        }
      }
    }
    return graph;
  }

  @Test
  void noCycleBetweenTheEnginesPackages() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    assertTrue(graph.size() >= 6, "found the engine's packages: " + graph.keySet());
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      if (reaches(graph, start, start, new HashSet<>())) {
        cycles.add(start);
      }
    }
    assertEquals(List.of(), cycles, "packages on an import cycle; dependencies: " + graph);
  }

  @Test
  void nothingButTheJdkCommonsCsvAndGson() throws IOException {
    Pattern foreign =
        Pattern.compile(
            "^import (?:static )?(?!java\\.|dev\\.csvimport\\.engine\\.|org\\.apache\\.commons"
                + "\\.csv\\.|com\\.google\\.gson\\.)([\\w.]+);",
            Pattern.MULTILINE);
    List<String> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = foreign.matcher(Files.readString(file));
        while (m.find()) {
          found.add(file.getFileName() + ": " + m.group(1));
        }
      }
    }
    assertEquals(List.of(), found);
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
}
