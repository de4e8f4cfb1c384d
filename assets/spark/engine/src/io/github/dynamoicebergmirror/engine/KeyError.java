package io.github.dynamoicebergmirror.engine;

/**
 * A key value that fits no key column, or a missing one: the user's input. Its message carries a marker
 * and the facts as JSON on one line; the Python driver words the error (schema.py), so it reads the
 * same whichever reader found it.
 */
final class KeyError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final String MARKER = "MirrorKeyError: ";

  private final String kind;
  private final String attribute;
  private final String value;

  private KeyError(String kind, String attribute, String value, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.attribute = attribute;
    this.value = value;
  }

  static KeyError noFit(String attribute, String value) {
    return new KeyError("no_fit", attribute, value, "");
  }

  /** `where` is "item" (a put's image) or "Keys" (a delete). */
  static KeyError missing(String where, String attribute) {
    return new KeyError(where.equals("item") ? "item_without_key" : "keys_without_key", attribute, null, "");
  }

  KeyError at(String uri, long line) {
    StringBuilder out = new StringBuilder(MARKER).append("{\"uri\":");
    PythonJson.string(uri, out);
    out.append(",\"line\":").append(line).append(",\"kind\":\"").append(kind).append("\",\"attribute\":");
    PythonJson.string(attribute, out);
    out.append(",\"value\":");
    if (value == null) {
      out.append("null");
    } else {
      PythonJson.string(value, out);
    }
    return new KeyError(kind, attribute, value, out.append('}').toString());
  }
}
