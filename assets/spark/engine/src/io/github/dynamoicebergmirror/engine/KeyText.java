package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** key_check.key_text: one text per key value, equal exactly when the key columns would be equal. */
final class KeyText {
  private KeyText() {}

  static String of(JsonNode keys, List<String> key) {
    String[] tags = new String[key.size()];
    String[] texts = new String[key.size()];
    for (int i = 0; i < key.size(); i++) {
      TypedValue value = TypedValue.of(keys.get(key.get(i)));
      tags[i] = value.tag;
      texts[i] = TypedValue.text(value.raw);
    }
    return of(tags, texts);
  }

  /** From each key attribute's tag (S, N or B) and text, in the key's order. */
  static String of(String[] tags, String[] texts) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < tags.length; i++) {
      out.append(i > 0 ? ",[" : "[");
      PythonJson.string(tags[i], out);
      out.append(',');
      PythonJson.string(tags[i].equals("N") ? DynamoNumber.parse(texts[i]).canonical() : texts[i], out);
      out.append(']');
    }
    return out.append(']').toString();
  }
}
