package dev.csvimport.runner;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The emulators for integration tests: started once per test run (on free ports, whatever the
 * environment says), reset before each test, stopped when the run ends. Tests take them as an
 * {@link Emulators} parameter.
 */
public final class EmulatorsExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  /** The root store closes this when the whole run ends. */
  private record Running(Emulators emulators) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      emulators.close();
    }
  }

  static Emulators emulators(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            Running.class,
            key -> {
              try {
                return new Running(Emulators.start(Map.of(), Path.of("target", "emulators.log")));
              } catch (Exception e) {
                throw new IllegalStateException(
                    "the emulators could not start: " + e.getMessage(), e);
              }
            },
            Running.class)
        .emulators();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Emulators.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return emulators(context);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulators(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    emulators(context).reset(LocalCloud.PROJECT);
  }
}
