package dev.csvimport.engine.read;

/** Why a whole file was refused: one message for a person, nothing of the file applied. */
public final class FileFailure extends Exception {

  public FileFailure(String message) {
    super(message, null, false, false);
  }

  public FileFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
