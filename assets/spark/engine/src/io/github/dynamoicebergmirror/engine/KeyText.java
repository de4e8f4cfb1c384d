package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** key_check.key_text: one text per key value, equal exactly when the key columns would be equal. */
final class KeyText {
  private KeyText() {}

  static String of(JsonNode keys, List<String> key) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < key.size(); i++) {
      TypedValue value = TypedValue.of(keys.get(key.get(i)));
      String raw = TypedValue.text(value.raw);
      out.append(i > 0 ? ",[" : "[");
      PythonJson.string(value.tag, out);
      out.append(',');
      PythonJson.string(value.tag.equals("N") ? DynamoNumber.parse(raw).canonical() : raw, out);
      out.append(']');
    }
    return out.append(']').toString();
  }
}
