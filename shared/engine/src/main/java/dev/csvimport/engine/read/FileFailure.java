package dev.csvimport.engine.read;

/** Why a whole file was refused: one message for a person, nothing of the file applied. */
public final class FileFailure extends Exception {

  /**
   * Messages quote headers and cells as excerpts; this bounds a message whatever it quotes, so it
   * can be stored.
   */
  private static final int MAX_MESSAGE_CHARS = 2000;

  public FileFailure(String message) {
    super(Excerpt.of(message, MAX_MESSAGE_CHARS), null, false, false);
  }

  public FileFailure(String message, Throwable cause) {
    super(Excerpt.of(message, MAX_MESSAGE_CHARS), cause, false, false);
  }
}
