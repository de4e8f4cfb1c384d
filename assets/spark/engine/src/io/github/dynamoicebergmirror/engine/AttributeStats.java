package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per attribute, per type family: how many values were seen and their merged shape (inference.AttributeStats). */
final class AttributeStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final class Family implements Serializable {
    private static final long serialVersionUID = 1L;
    long count;
    Shape shape;

    Family(long count, Shape shape) {
      this.count = count;
      this.shape = shape;
    }
  }

  private final LinkedHashMap<String, LinkedHashMap<String, Family>> attributes = new LinkedHashMap<>();

  /** One attribute's value; NULL says nothing of its type. */
  void add(String name, Shape shape) {
    if (!shape.tag.equals("NULL")) add(name, shape.family(), 1, shape);
  }

  private void add(String name, String family, long count, Shape shape) {
    LinkedHashMap<String, Family> seen = attributes.computeIfAbsent(name, k -> new LinkedHashMap<>());
    Family known = seen.get(family);
    if (known == null) {
      seen.put(family, new Family(count, shape));
    } else {
      known.count += count;
      known.shape = Shape.merge(known.shape, shape);
    }
  }

  AttributeStats update(AttributeStats other) {
    for (Map.Entry<String, LinkedHashMap<String, Family>> attribute : other.attributes.entrySet()) {
      for (Map.Entry<String, Family> family : attribute.getValue().entrySet()) {
        add(attribute.getKey(), family.getKey(), family.getValue().count, family.getValue().shape);
      }
    }
    return this;
  }

  /** {"attribute": {"family": [count, shape]}} */
  void json(StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, LinkedHashMap<String, Family>> attribute : attributes.entrySet()) {
      if (!first) out.append(',');
      first = false;
      PythonJson.string(attribute.getKey(), out);
      out.append(":{");
      boolean firstFamily = true;
      for (Map.Entry<String, Family> family : attribute.getValue().entrySet()) {
        if (!firstFamily) out.append(',');
        firstFamily = false;
        PythonJson.string(family.getKey(), out);
        out.append(":[").append(family.getValue().count).append(',');
        family.getValue().shape.json(out);
        out.append(']');
      }
      out.append('}');
    }
    out.append('}');
  }
}
