package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** decode.plain_json: a value as plain JSON, numbers with their exact digits, binary as base64, sets as arrays. */
final class PlainJson {
  private PlainJson() {}

  static String of(TypedValue value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  static void write(TypedValue value, StringBuilder out) {
    JsonNode raw = value.raw;
    switch (value.tag) {
      case "S":
      case "B":
        PythonJson.string(raw.textValue(), out);
        break;
      case "N":
        out.append(DynamoNumber.parse(raw.textValue()).plain());
        break;
      case "BOOL":
        out.append(raw.booleanValue() ? "true" : "false");
        break;
      case "NULL":
        out.append("null");
        break;
      case "SS":
      case "BS":
        // json.dumps(list) with its default separator ", ".
        out.append('[');
        for (int i = 0; i < raw.size(); i++) {
          if (i > 0) out.append(", ");
          PythonJson.string(raw.get(i).textValue(), out);
        }
        out.append(']');
        break;
      case "NS":
        out.append('[');
        for (int i = 0; i < raw.size(); i++) {
          if (i > 0) out.append(',');
          out.append(DynamoNumber.parse(raw.get(i).textValue()).plain());
        }
        out.append(']');
        break;
      case "L":
        out.append('[');
        for (int i = 0; i < raw.size(); i++) {
          if (i > 0) out.append(',');
          write(TypedValue.of(raw.get(i)), out);
        }
        out.append(']');
        break;
      default:
        out.append('{');
        Iterator<Map.Entry<String, JsonNode>> entries = raw.fields();
        boolean first = true;
        while (entries.hasNext()) {
          Map.Entry<String, JsonNode> entry = entries.next();
          if (!first) out.append(',');
          first = false;
          PythonJson.string(entry.getKey(), out);
          out.append(':');
          write(TypedValue.of(entry.getValue()), out);
        }
        out.append('}');
    }
  }
}
