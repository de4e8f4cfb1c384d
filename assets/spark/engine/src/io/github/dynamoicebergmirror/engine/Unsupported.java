package io.github.dynamoicebergmirror.engine;

/**
 * Input the JVM reader does not take on: a fault (the Python reader names it) or a rare value whose
 * Python reading this reader does not reproduce. The run is then read by the Python reader.
 */
final class Unsupported extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Unsupported(String reason) {
    super(reason, null, false, false);
  }
}
