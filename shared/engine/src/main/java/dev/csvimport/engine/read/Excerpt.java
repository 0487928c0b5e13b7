package dev.csvimport.engine.read;

/**
 * Text from a file as a message quotes it: at most {@value #MAX_CHARS} characters, marked when cut,
 * so that a 10 MB cell or header never makes a failure row, a job's reason or a results line too
 * large to store or to read.
 */
public final class Excerpt {

  public static final int MAX_CHARS = 200;
  private static final String CUT = "…[cut: ";
  private static final String IN_ALL = " characters in all]";

  private Excerpt() {}

  /**
   * The text, cut to {@value #MAX_CHARS} characters with its full length noted; null stays null.
   */
  public static String of(String text) {
    return of(text, MAX_CHARS);
  }

  /**
   * The text cut to {@code max} characters (never inside a surrogate pair) with its full length
   * noted. An excerpt stays as it is, so cutting again (a row decoded from a chunk) keeps the
   * original length.
   */
  public static String of(String text, int max) {
    if (text == null || text.length() <= max || isExcerpt(text, max)) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + CUT + text.length() + IN_ALL;
  }

  private static boolean isExcerpt(String text, int max) {
    int cut = text.lastIndexOf(CUT);
    return cut >= 0
        && cut <= max
        && text.endsWith(IN_ALL)
        && text.substring(cut + CUT.length(), text.length() - IN_ALL.length())
            .chars()
            .allMatch(Character::isDigit);
  }

  /** The text in single quotes, cut as {@link #of(String)} does. */
  public static String quote(Object text) {
    return "'" + of(String.valueOf(text)) + "'";
  }
}
