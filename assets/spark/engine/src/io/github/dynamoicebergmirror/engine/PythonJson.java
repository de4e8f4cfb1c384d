package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text exactly as the Python reader writes it with `json.dumps(..., ensure_ascii=False)`: the
 * same escapes (lower-case hex), non-ASCII kept as is, keys in their order in the line.
 */
final class PythonJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonJson() {}

  static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2);
    string(text, out);
    return out.toString();
  }

  /** `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` of a parsed line's value. */
  static void compact(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!first) out.append(',');
        first = false;
        string(field.getKey(), out);
        out.append(':');
        compact(field.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) out.append(',');
        compact(node.get(i), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      string(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue() ? "true" : "false");
    } else if (node.isNull()) {
      out.append("null");
    } else {
      // Numbers are never part of a valid DynamoDB typed value (the survey refused the line).
      throw new IllegalStateException("unexpected JSON " + node.getNodeType());
    }
  }

  static String compact(JsonNode node) {
    StringBuilder out = new StringBuilder();
    compact(node, out);
    return out.toString();
  }
}
