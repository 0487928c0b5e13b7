package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorsIT {

  /**
   * A free port can be taken before the emulator binds it (seen once in nine runs of bin/csvimport
   * import): the emulator exits, and it is started again on another port.
   */
  @Test
  void anEmulatorWhosePortWasTakenIsStartedAgainOnAnother(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int free;
      try (ServerSocket probe = new ServerSocket(0)) {
        free = probe.getLocalPort();
      }
      Deque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort(), free));
      try (Emulators emulators = new Emulators()) {
        assertEquals(
            "127.0.0.1:" + free, emulators.launchPubSub(ports::pop, dir.resolve("emulator.log")));
      }
    }
  }
}
