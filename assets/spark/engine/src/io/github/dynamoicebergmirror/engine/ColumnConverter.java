package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;

/**
 * A column type (a column_types.py class, in its JSON form) as one conversion from a typed value to the value
 * Spark writes (its raw_converter): null for NULL, NoFit for a value of another type.
 */
abstract class ColumnConverter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int DECIMAL_PRECISION = 38;

  /** The column value of a checked typed value. */
  final Object convert(JsonNode value) {
    TypedValue typed = TypedValue.of(value);
    return typed.isNull() ? null : raw(typed.tag, typed.raw);
  }

  /** The column value of a raw value with its tag (never NULL). */
  abstract Object raw(String tag, JsonNode raw);

  static ColumnConverter of(JsonNode ltype) {
    String kind = ltype.get("kind").textValue();
    switch (kind) {
      case "string": return only("S", raw -> raw.textValue());
      case "long": return only("N", raw -> {
        DynamoNumber number = DynamoNumber.parse(raw.textValue());
        if (!number.isInt64()) throw NoFit.INSTANCE;
        return number.value.longValueExact();
      });
      case "double": return only("N", raw -> DynamoNumber.parse(raw.textValue()).value.doubleValue());
      case "number_text": return only("N", raw -> DynamoNumber.parse(raw.textValue()).canonical());
      case "binary": return only("B", TypedValue::binary);
      case "boolean": return only("BOOL", JsonNode::booleanValue);
      case "map": return only("M", ColumnConverter::plainMap);
      case "json": return new Json();
      case "decimal": return decimal(ltype.get("scale").intValue());
      case "set": return new SetOf(ltype.get("element"));
      case "list": return new ListOf(ltype.get("element"));
      case "struct": return new StructOf(ltype.get("fields"));
      default: throw new IllegalArgumentException("unknown column type " + kind);
    }
  }

  private interface RawConversion extends Serializable {
    Object apply(JsonNode raw);
  }

  private static ColumnConverter only(String tag, RawConversion conversion) {
    return new ColumnConverter() {
      private static final long serialVersionUID = 1L;

      @Override
      Object raw(String actual, JsonNode raw) {
        if (!actual.equals(tag)) throw NoFit.INSTANCE;
        return conversion.apply(raw);
      }
    };
  }

  private static ColumnConverter decimal(int scale) {
    return only("N", raw -> {
      DynamoNumber number = DynamoNumber.parse(raw.textValue());
      if (number.scale() > scale || number.wholeDigits() > DECIMAL_PRECISION - scale) throw NoFit.INSTANCE;
      return number.value.setScale(scale);
    });
  }

  /** A map's values as plain JSON (Spark's row encoder takes arrays as Java arrays, maps as Scala maps). */
  private static scala.collection.Map<String, String> plainMap(JsonNode raw) {
    Map<String, String> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = raw.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      values.put(entry.getKey(), PlainJson.of(TypedValue.of(entry.getValue())));
    }
    return ScalaMaps.of(values);
  }

  /** A list or map kept as plain JSON text. */
  private static final class Json extends ColumnConverter {
    private static final long serialVersionUID = 1L;

    @Override
    Object raw(String tag, JsonNode raw) {
      if (!tag.equals("L") && !tag.equals("M")) throw NoFit.INSTANCE;
      return PlainJson.of(TypedValue.of(wrap(tag, raw)));
    }

    private static JsonNode wrap(String tag, JsonNode raw) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set(tag, raw);
    }
  }

  private static final class SetOf extends ColumnConverter {
    private static final long serialVersionUID = 1L;
    private final String setTag;
    private final String elementTag;
    private final ColumnConverter element;

    SetOf(JsonNode elementType) {
      String kind = elementType.get("kind").textValue();
      this.setTag = kind.equals("string") ? "SS" : kind.equals("binary") ? "BS" : "NS";
      this.elementTag = setTag.substring(0, 1);
      this.element = of(elementType);
    }

    @Override
    Object raw(String tag, JsonNode raw) {
      if (!tag.equals(setTag)) throw NoFit.INSTANCE;
      Object[] values = new Object[raw.size()];
      for (int i = 0; i < values.length; i++) values[i] = element.raw(elementTag, raw.get(i));
      return values;
    }
  }

  private static final class ListOf extends ColumnConverter {
    private static final long serialVersionUID = 1L;
    private final ColumnConverter element;

    ListOf(JsonNode elementType) {
      this.element = of(elementType);
    }

    @Override
    Object raw(String tag, JsonNode raw) {
      if (!tag.equals("L")) throw NoFit.INSTANCE;
      Object[] values = new Object[raw.size()];
      for (int i = 0; i < values.length; i++) values[i] = element.convert(raw.get(i));
      return values;
    }
  }

  private static final class StructOf extends ColumnConverter {
    private static final long serialVersionUID = 1L;
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<ColumnConverter> fields = new ArrayList<>();

    StructOf(JsonNode fieldTypes) {
      for (JsonNode field : fieldTypes) {
        positions.put(field.get("key").textValue(), fields.size());
        fields.add(of(field.get("type")));
      }
    }

    @Override
    Object raw(String tag, JsonNode raw) {
      if (!tag.equals("M")) throw NoFit.INSTANCE;
      Object[] values = new Object[fields.size()];
      Iterator<Map.Entry<String, JsonNode>> entries = raw.fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        Integer position = positions.get(entry.getKey());
        if (position == null) {
          if (!TypedValue.of(entry.getValue()).isNull()) throw NoFit.INSTANCE; // a key with no field
          continue;
        }
        values[position] = fields.get(position).convert(entry.getValue());
      }
      return RowFactory.create(values);
    }
  }
}
