package dev.csvimport.fanout;

import java.util.Locale;

/**
 * Which objects are imports: CSV files, plain ({@code .csv}) or gzip-compressed ({@code .csv.gz});
 * the engine tells compression from the bytes and the delimiter from the header line.
 */
public final class ImportFileNames {

  private ImportFileNames() {}

  public static boolean isImport(String objectName) {
    String name = objectName.toLowerCase(Locale.ROOT);
    return name.endsWith(".csv") || name.endsWith(".csv.gz");
  }

  /** {@code name}, with {@code .csv} added unless it is already an import's name. */
  public static String asImport(String name) {
    return isImport(name) ? name : name + ".csv";
  }
}
