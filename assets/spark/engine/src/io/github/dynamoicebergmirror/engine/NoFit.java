package io.github.dynamoicebergmirror.engine;

/** A valid value that its column's type cannot hold: it goes to `_unmapped`. */
final class NoFit extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final NoFit INSTANCE = new NoFit();

  private NoFit() {
    super(null, null, false, false);
  }
}
