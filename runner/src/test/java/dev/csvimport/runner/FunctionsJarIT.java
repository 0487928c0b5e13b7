package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The minimized functions jar keeps what no emulator run touches but Google Cloud does: the classes
 * that are loaded by name (the services the libraries look up) and the native TLS and transport
 * libraries that gRPC uses against Google's endpoints, which the emulators' plaintext channels
 * never load. {@link DeployedFunctionsIT} runs the doors.
 */
class FunctionsJarIT {

  private static final Path FUNCTIONS_JAR =
      Path.of(
          System.getProperty(
              "csvimport.functionsJar", "../functions/target/csvimport-functions.jar"));

  @Test
  void everyServiceTheJarRegistersIsInTheJar() throws IOException {
    List<String> missing = new ArrayList<>();
    int services = 0;
    try (JarFile jar = new JarFile(FUNCTIONS_JAR.toFile())) {
      Set<String> entries = new HashSet<>();
      jar.stream().map(JarEntry::getName).forEach(entries::add);
      for (Enumeration<JarEntry> each = jar.entries(); each.hasMoreElements(); ) {
        JarEntry entry = each.nextElement();
        if (!entry.getName().startsWith("META-INF/services/") || entry.isDirectory()) {
          continue;
        }
        try (InputStream in = jar.getInputStream(entry)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String provider = line.replaceAll("#.*", "").trim();
            if (!provider.isEmpty()) {
              services++;
              if (!entries.contains(provider.replace('.', '/') + ".class")) {
                missing.add(
                    entry.getName().substring("META-INF/services/".length()) + " -> " + provider);
              }
            }
          }
        }
      }
    }
    assertTrue(services > 10, "services registered: " + services);
    assertEquals(List.of(), missing);
  }

  /** What gRPC uses on Google Cloud (Linux x86-64) and the emulators never ask for. */
  @Test
  void theNativeTlsAndTransportLibrariesLoadFromTheJar() throws Exception {
    try (URLClassLoader functions =
        new URLClassLoader(
            new URL[] {FUNCTIONS_JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      assertEquals(
          true,
          call(functions, "io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl", "isAvailable"),
          "netty-tcnative (gRPC's TLS): "
              + call(
                  functions,
                  "io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl",
                  "unavailabilityCause"));
      assertEquals(
          true,
          call(functions, "io.grpc.netty.shaded.io.netty.channel.epoll.Epoll", "isAvailable"),
          "epoll: "
              + call(
                  functions,
                  "io.grpc.netty.shaded.io.netty.channel.epoll.Epoll",
                  "unavailabilityCause"));
      assertEquals(true, call(functions, "org.conscrypt.Conscrypt", "isAvailable"), "Conscrypt");
    }
  }

  private static Object call(ClassLoader loader, String className, String method) throws Exception {
    Method m = Class.forName(className, true, loader).getMethod(method);
    return m.invoke(null);
  }
}
