package dev.csvimport.engine.check;

/** Leanplum's rules for attribute, event and parameter names. */
public final class Names {

  public static final int MAX_NAME_CHARS = 139;
  public static final int MAX_ID_CHARS = 400;

  private Names() {}

  /** What is wrong with {@code name}, or null when nothing is. */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "the name is empty";
    }
    if (name.length() > MAX_NAME_CHARS) {
      return "the name is " + name.length() + " characters long; names must be under 140";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ',' || c == '|' || c == '"' || c == '{' || c == '\t' || c == '\n' || c == '\r') {
        return "the name contains "
            + describe(c)
            + ", which names may not hold (, | \" { tab newline)";
      }
    }
    if (name.charAt(0) == '.' || name.charAt(0) == '-') {
      return "the name starts with '" + name.charAt(0) + "'; names may not start with . or -";
    }
    if (name.length() >= 4 && name.startsWith("__") && name.endsWith("__")) {
      return "names that start and end with two underscores (like __x__) are reserved by the store";
    }
    if (NumberReader.isDecimal(name)) {
      return "the name is a number; names must not be numeric";
    }
    return null;
  }

  private static String describe(char c) {
    switch (c) {
      case '\t':
        return "a tab";
      case '\n':
      case '\r':
        return "a line break";
      default:
        return "'" + c + "'";
    }
  }
}
